import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The metadata `cdk-api-groups local` finds a group by in the synthesized template: on the proxy
 * function, its group, the REST API's and the authorizer function's logical ids.
 */
export function addLocalMetadata(input: {
  readonly groupName: string;
  readonly restApi: apigw.IRestApi;
  readonly proxyFunction: lambda.Function;
  readonly authorizerFunction?: lambda.Function;
}): void {
  const stack = Stack.of(input.proxyFunction);
  (input.proxyFunction.node.defaultChild as lambda.CfnFunction).addMetadata('cdk-api-groups', {
    group: input.groupName,
    role: 'proxy',
    restApi: stack.getLogicalId(input.restApi.node.defaultChild as apigw.CfnRestApi),
    ...(input.authorizerFunction ? { authorizerFunction: stack.getLogicalId(input.authorizerFunction.node.defaultChild as lambda.CfnFunction) } : {}),
  });
}
