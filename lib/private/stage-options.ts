import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Api } from '../api';
import { AuthType } from '../auth';
import { accessLogFormat } from './access-log';

/** The stage options the group applies to every environment's stage. */
export interface GroupStageSettings {
  /** Where the access log goes; absent: no access log. */
  readonly accessLogGroup?: logs.ILogGroup;
  readonly tracing: boolean;
  readonly detailedMetrics: boolean;
  readonly executionLogLevel?: apigw.MethodLoggingLevel;
}

/** One environment's own settings. */
export interface EnvironmentStageInput {
  readonly variables?: { [name: string]: string };
  readonly throttle?: apigw.ThrottleSettings;
  readonly description?: string;
}

/**
 * The options of one environment's stage (without its name): the group's access log, tracing,
 * metrics and execution logging, the environment's variables and rate limit. The APIs' own
 * throttles are method settings added at finalisation (stage-method-settings.ts).
 */
export function stageOptionsOf(settings: GroupStageSettings, env: EnvironmentStageInput): Omit<apigw.StageOptions, 'stageName'> {
  const variables = env.variables && Object.keys(env.variables).length > 0 ? env.variables : undefined;
  return {
    description: env.description,
    variables,
    throttlingRateLimit: env.throttle?.rateLimit,
    throttlingBurstLimit: env.throttle?.burstLimit,
    ...(settings.accessLogGroup ? {
      accessLogDestination: new apigw.LogGroupLogDestination(settings.accessLogGroup),
      accessLogFormat: accessLogFormat(),
    } : {}),
    ...(settings.tracing ? { tracingEnabled: true } : {}),
    ...(settings.detailedMetrics ? { metricsEnabled: true } : {}),
    ...(settings.executionLogLevel !== undefined ? { loggingLevel: settings.executionLogLevel } : {}),
  };
}

/**
 * The statements of a PRIVATE REST API's resource policy (without one it refuses every call):
 * invocations only through the given interface VPC endpoints, in API Gateway's documented pattern
 * (deny what does not come through one of them, allow the rest). The allow leaves out the methods
 * of IAM APIs: for a caller of the same account, an allowing resource policy would let any signed
 * principal in, whatever its own IAM policy says; those stay decided by IAM alone.
 *
 * @param iamResources `execute-api:/*\/<METHOD>/<path>` of every IAM method
 */
export function privateApiStatements(endpoints: readonly ec2.IInterfaceVpcEndpoint[], iamResources: readonly string[]): iam.PolicyStatement[] {
  const everything = 'execute-api:/*';
  const allow = new iam.PolicyStatement({
    effect: iam.Effect.ALLOW,
    principals: [new iam.AnyPrincipal()],
    actions: ['execute-api:Invoke'],
  });
  if (iamResources.length > 0) { allow.addNotResources(...iamResources); } else { allow.addResources(everything); }
  return [
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['execute-api:Invoke'],
      resources: [everything],
      conditions: { StringNotEquals: { 'aws:SourceVpce': endpoints.map(e => e.vpcEndpointId) } },
    }),
    allow,
  ];
}

/** The IAM APIs' methods in a resource policy: `execute-api:/*\/<METHOD>/<path>`, path parameters as `*`. */
export function iamResourcesOf(apis: readonly Api[]): string[] {
  return apis.filter(a => a.auth.authType === AuthType.IAM).map(a => {
    const { method, path } = a._executeApiTarget();
    return `execute-api:/*/${method}${path}`;
  });
}
