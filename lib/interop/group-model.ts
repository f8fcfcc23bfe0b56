import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Api } from '../api';
import type { ApiGroup, ApiGroupProps } from '../api-group';
import type { BackendDocument } from '../private/config-document';

/** What the exporters read of a group: the group itself and the props it was declared with. */
export interface GroupModel {
  readonly group: ApiGroup;
  readonly props: ApiGroupProps;
}

/** An API's backend as declared: its document, and the function it invokes (function backends). */
export interface DeclaredBackend {
  readonly document: BackendDocument;
  readonly fn?: lambda.IFunction;
}

/**
 * Reads an API's backend through its own binding, with a context that keeps every value as
 * declared (tokens stay tokens) and grants nothing: the exporters must not change the group.
 */
export function declaredBackend(group: ApiGroup, api: Api): DeclaredBackend {
  let fn: lambda.IFunction | undefined;
  const context = group._backendContext(api);
  const document = api.backend._bind({
    pathVariables: context.pathVariables,
    requestParameters: context.requestParameters,
    integrationTimeout: context.integrationTimeout,
    deployTimeValue: value => value,
    grantInvoke: f => { fn = f; },
  });
  return { document, fn };
}
