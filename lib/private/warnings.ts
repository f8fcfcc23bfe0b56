import { Annotations, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { IConstruct } from 'constructs';
import type { Api } from '../api';
import { GatewayResponse } from '../gateway-response';
import { ResponseType } from '../response-type';
import { show } from './checks';
import { degradedVariables, headerDegrades } from './native-responses';

/** Ids of the library's warnings, for `Annotations.acknowledgeWarning` (listed in the README). */
export const WARN = {
  nativeVariable: 'cdk-api-groups:nativeVariable',
  defaultStatus: 'cdk-api-groups:defaultStatusRemapsNative',
  integrationTimeout: 'cdk-api-groups:integrationTimeoutQuota',
  noCatchAll: 'cdk-api-groups:noCatchAll',
  corsEcho: 'cdk-api-groups:nativeCorsEchoesOrigin',
  throttledOutsideDefault: 'cdk-api-groups:throttledOutsideDefault',
  unusedResponse: 'cdk-api-groups:unusedResponse',
  noApis: 'cdk-api-groups:noApis',
  duplicateGatewayResponse: 'cdk-api-groups:duplicateGatewayResponse',
  signatureNotCharged: 'cdk-api-groups:signedBodyNotCharged',
  backendHost: 'cdk-api-groups:backendHost',
  apiThrottleAboveStage: 'cdk-api-groups:apiThrottleAboveStage',
  requestTooLarge: 'cdk-api-groups:requestTooLargeNotCustomisable',
  directApiMetrics: 'cdk-api-groups:directApiNotInProxyMetrics',
} as const;

/**
 * Warns where the group's `default` response cannot be rendered as written by API Gateway's own
 * (native) gateway responses, and where a DEFAULT_4XX/5XX status re-maps them.
 */
export function warnAboutNativeRendering(response: GatewayResponse): void {
  for (const type of [ResponseType.DEFAULT_4XX, ResponseType.DEFAULT_5XX]) {
    const status = response.ruleFor(type).statusCode;
    if (status !== undefined) {
      Annotations.of(response).addWarningV2(WARN.defaultStatus,
        `${type.name} has status ${status}: API Gateway's own ${type.name.slice(-3)} errors translated from it ` +
        `(${type.awsSources.join(', ')}) then answer with ${status} instead of their original statuses`);
    }
  }
  // API Gateway does not support customising REQUEST_TOO_LARGE (important notes for REST APIs,
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html):
  // a DEFAULT_4XX rule, which covers Huawei's own 413 (APIG.0201 "Request entity too large."), does
  // not reach API Gateway's 413 for a payload over 10 MB.
  if (response.isDefault && response.rules.some(r => r.type === ResponseType.DEFAULT_4XX)) {
    Annotations.of(response).addWarningV2(WARN.requestTooLarge,
      'the DEFAULT_4XX rule does not apply to a payload over 10 MB: API Gateway answers it with its own REQUEST_TOO_LARGE response ' +
      '(413, {"message":"Request Too Long"}, without the rule\'s body, headers or CORS headers), which API Gateway does not let anyone customise');
  }
  // Only types with AWS sources render natively; a rule of any other type is the proxy's alone.
  for (const rule of response.rules.filter(r => r.type.awsSources.length > 0)) {
    const degraded = degradedVariables(rule.body ?? GatewayResponse.DEFAULT_BODY);
    if (degraded.length > 0) {
      Annotations.of(response).addWarningV2(WARN.nativeVariable,
        `${rule.type.name} body uses ${degraded.join(', ')}, which API Gateway's own responses ` +
        `(${rule.type.awsSources.join(', ')}) cannot render: ${nativeNote(degraded)}`);
    }
    for (const [name, value] of Object.entries(rule.headers ?? {})) {
      if (headerDegrades(value)) {
        Annotations.of(response).addWarningV2(WARN.nativeVariable,
          `${rule.type.name} header ${name} ${show(value)} cannot be expressed in API Gateway's own responses ` +
          '(only a literal without single quotes, or exactly one variable, can): variables inside text render empty there');
      }
    }
  }
}

function nativeNote(variables: string[]): string {
  const notes: Record<string, string> = {
    '$context.reqPath': 'renders as the path with the stage prefix',
    '$context.reqUri': 'renders as the path with the stage prefix and without query string',
    // API Gateway's message only exists as a whole JSON string ($context.error.messageString).
    '$context.error.message': 'inside a longer string renders as the type\'s fixed message (API Gateway\'s own message can only fill a whole JSON string)',
  };
  return variables.map(v => `${v} ${notes[v] ?? 'renders empty'}`).join('; ');
}

/** What the group declared, for the warnings about declarations that cannot work. */
export interface GroupDeclarations {
  readonly group: IConstruct;
  readonly groupName: string;
  readonly responses: readonly GatewayResponse[];
  readonly apis: readonly Api[];
  /** The group's REST API, whose document defines every AWS gateway response type. */
  readonly restApi: apigw.IRestApi;
}

/**
 * Warns about declarations that synthesize but can never take effect: a THROTTLED rule outside
 * `default` (throttling is only ever answered natively, from `default`), a response no API
 * selects, a group without APIs, and a gateway response of an AWS type the group already defines.
 */
export function warnAboutUnusableDeclarations(d: GroupDeclarations): void {
  for (const response of d.responses.filter(r => !r.isDefault)) {
    if (response.rules.some(r => r.type === ResponseType.THROTTLED)) {
      Annotations.of(response).addWarningV2(WARN.throttledOutsideDefault,
        `response "${response.responseName}" has a THROTTLED rule, which never applies: API Gateway answers throttling and quotas itself, ` +
        `with the default response's THROTTLED rule (${ResponseType.THROTTLED.awsSources.join(', ')}); put the rule in the default response`);
    }
    if (!d.apis.some(api => api.gatewayResponse === response)) {
      Annotations.of(response).addWarningV2(WARN.unusedResponse,
        `response "${response.responseName}" is selected by no API, so its rules never apply (select it with an API's gatewayResponse)`);
    }
  }
  if (d.apis.length === 0) {
    Annotations.of(d.group).addWarningV2(WARN.noApis,
      `API group "${d.groupName}" has no API: every request gets NOT_FOUND (define APIs with addApi() before synthesis)`);
  }
  warnAboutDuplicateGatewayResponses(d);
}

/** API Gateway keeps one response per type and REST API: a resource of a type the group's document defines overwrites it (or is overwritten). */
function warnAboutDuplicateGatewayResponses(d: GroupDeclarations): void {
  const stack = Stack.of(d.restApi);
  const restApiId = JSON.stringify(stack.resolve(d.restApi.restApiId));
  const defined = Object.keys(ResponseType.awsTypeMapping());
  for (const c of stack.node.findAll()) {
    if (!(c instanceof apigw.CfnGatewayResponse) || !defined.includes(c.responseType)) { continue; }
    if (JSON.stringify(stack.resolve(c.restApiId)) !== restApiId) { continue; }
    const at = c.node.scope instanceof apigw.GatewayResponse ? c.node.scope : c;
    Annotations.of(at).addWarningV2(WARN.duplicateGatewayResponse,
      `gateway response ${c.responseType} of the REST API of API group ${d.group.node.path} is also defined by the group ` +
      `(from its default response): API Gateway keeps one response per type, so one of the two is lost at deployment; ` +
      'customise the group\'s default response instead');
  }
}
