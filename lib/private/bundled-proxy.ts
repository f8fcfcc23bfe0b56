import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { newBundledFunction } from './bundled-function';
import type { VpcPlacement } from './vpc-access';

/** The group's bundled proxy function and its log group. */
export interface BundledProxy {
  readonly fn: lambda.Function;
  readonly logGroup: logs.LogGroup;
  /** The alias API Gateway invokes, when the functions are kept warm. */
  readonly alias?: lambda.Alias;
}

export interface BundledProxyInput {
  readonly groupName: string;
  readonly restApi: apigw.IRestApi;
  readonly code: lambda.Code;
  readonly logRetention: logs.RetentionDays;
  readonly memorySize: number;
  readonly integrationTimeout: Duration;
  /** The group's VPC placement (private backends). */
  readonly placement?: VpcPlacement;
  /** Active X-Ray tracing. */
  readonly tracing: boolean;
  /** An alias (with provisioned concurrency) for API Gateway to invoke. */
  readonly warm?: { readonly aliasName: string; readonly provisionedConcurrency?: number };
}

/**
 * The bundled proxy function behind every method, with its role and log group, which every method
 * of the group's REST API may invoke (through the alias when kept warm).
 */
export function newBundledProxy(scope: Construct, input: BundledProxyInput): BundledProxy {
  const { fn, logGroup, alias } = newBundledFunction(scope, {
    id: 'Proxy',
    description: `cdk-api-groups proxy of API group ${input.groupName}`,
    roleDescription: `Proxy of API group ${input.groupName}: writes its logs and invokes the group's function backends`,
    code: input.code,
    memorySize: input.memorySize,
    // Longer than the integration timeout: API Gateway gives up first, and the proxy, whose backend
    // timeouts are shorter still, normally answers before either.
    timeout: Duration.seconds(Math.ceil(input.integrationTimeout.toMilliseconds() / 1000) + 1),
    logRetention: input.logRetention,
    placement: input.placement,
    tracing: input.tracing,
    ...(input.warm ? { warm: { ...input.warm, description: `API Gateway invokes the proxy of API group ${input.groupName} through this alias` } } : {}),
  });
  (alias ?? fn).addPermission('InvokeFromRestApi', {
    principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    sourceArn: input.restApi.arnForExecuteApi('*', '/*', '*'),
  });
  return { fn, logGroup, alias };
}
