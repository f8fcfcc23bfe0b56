import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { addWildcardPermissions } from './role-wildcards';
import { VpcPlacement, vpcFunctionProps } from './vpc-access';
import { warmAlias } from './warm-functions';

/**
 * One of the group's bundled handler functions (the proxy, the authorizer): its log group, its own
 * role, the function on the bundled asset, and the alias API Gateway invokes when it is kept warm.
 * Construct ids are `<id>Logs`, `<id>Role` and `<id>` (the template's logical ids depend on them).
 */
export interface BundledFunctionInput {
  /** `Proxy` or `Authorizer`. */
  readonly id: string;
  readonly description: string;
  readonly roleDescription: string;
  readonly code: lambda.Code;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly placement?: VpcPlacement;
  /** Active X-Ray tracing. */
  readonly tracing: boolean;
  /** An alias (with provisioned concurrency) for API Gateway to invoke, and its description. */
  readonly warm?: { readonly aliasName: string; readonly provisionedConcurrency?: number; readonly description: string };
}

export interface BundledFunction {
  readonly fn: lambda.Function;
  readonly logGroup: logs.LogGroup;
  readonly alias?: lambda.Alias;
}

export function newBundledFunction(scope: Construct, input: BundledFunctionInput): BundledFunction {
  const logGroup = new logs.LogGroup(scope, `${input.id}Logs`, { retention: input.logRetention });
  const role = new iam.Role(scope, `${input.id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: input.roleDescription,
  });
  logGroup.grantWrite(role);
  addWildcardPermissions(role, { vpc: input.placement !== undefined, tracing: input.tracing });
  const fn = new lambda.Function(scope, input.id, {
    description: input.description,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: input.code,
    memorySize: input.memorySize,
    timeout: input.timeout,
    role,
    logGroup,
    ...vpcFunctionProps(input.placement),
    ...(input.tracing ? { tracing: lambda.Tracing.ACTIVE } : {}),
  });
  const alias = input.warm ? warmAlias(fn, input.warm) : undefined;
  return { fn, logGroup, alias };
}
