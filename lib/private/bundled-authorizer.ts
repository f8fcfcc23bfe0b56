import { Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Api } from '../api';
import type { AppCredential } from '../app-credential';
import { AuthType } from '../auth';
import type { CustomAuthorizer, ThirdPartyAuthorizer } from '../authorizers';
import { newBundledFunction } from './bundled-function';
import type { VpcPlacement } from './vpc-access';

/** The authorizer function's shortest timeout, in seconds (app authentication reads Secrets Manager). */
const AUTHORIZER_TIMEOUT_FLOOR_SECONDS = 5;

/** The group's bundled REQUEST authorizer function and its log group. */
export interface BundledAuthorizer {
  readonly fn: lambda.Function;
  readonly logGroup: logs.LogGroup;
  /** The alias API Gateway invokes, when the functions are kept warm. */
  readonly alias?: lambda.Alias;
}

/** What API Gateway invokes: the alias when there is one, else the function. */
export function invokedAuthorizer(authorizer: BundledAuthorizer): lambda.IFunction {
  return authorizer.alias ?? authorizer.fn;
}

export interface BundledAuthorizerInput {
  readonly groupName: string;
  readonly restApi: apigw.IRestApi;
  readonly code: lambda.Code;
  readonly logRetention: logs.RetentionDays;
  /** The group's VPC placement (the authorizer calls third-party services and Secrets Manager from it). */
  readonly placement?: VpcPlacement;
  /** Active X-Ray tracing. */
  readonly tracing: boolean;
  /** An alias (with provisioned concurrency) for API Gateway to invoke. */
  readonly warm?: { readonly aliasName: string; readonly provisionedConcurrency?: number };
}

/**
 * The bundled authorizer function, with its role and log group, which API Gateway may invoke as
 * an authorizer of the group's REST API. The authorizer itself is declared in the REST API's
 * OpenAPI document (a REQUEST authorizer, no identity sources, TTL 0), so it has no id at synth:
 * the permission covers the REST API's authorizers (`.../authorizers/*`).
 */
export function newBundledAuthorizer(scope: Construct, input: BundledAuthorizerInput): BundledAuthorizer {
  const { fn, logGroup, alias } = newBundledFunction(scope, {
    id: 'Authorizer',
    description: `cdk-api-groups authorizer of API group ${input.groupName}`,
    roleDescription: `Authorizer of API group ${input.groupName}: writes its logs, reads the apps' secrets and invokes the custom authorizers`,
    code: input.code,
    memorySize: 256,
    timeout: Duration.seconds(AUTHORIZER_TIMEOUT_FLOOR_SECONDS), // raised at finalisation to fit the authorizers' timeouts
    logRetention: input.logRetention,
    placement: input.placement,
    tracing: input.tracing,
    ...(input.warm ? { warm: { ...input.warm, description: `API Gateway invokes the authorizer of API group ${input.groupName} through this alias` } } : {}),
  });
  (alias ?? fn).addPermission('InvokeFromRestApiAuthorizer', {
    principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    sourceArn: Stack.of(scope).formatArn({
      service: 'execute-api',
      resource: input.restApi.restApiId,
      resourceName: 'authorizers/*',
    }),
  });
  return { fn, logGroup, alias };
}

/** What the group declared, for the authentication grants. */
export interface AuthenticationDeclarations {
  readonly apis: readonly Api[];
  readonly apps: readonly AppCredential[];
  /** In definition order, so the policies are deterministic. */
  readonly customAuthorizers: readonly CustomAuthorizer[];
  readonly proxy: lambda.Function;
  readonly authorizer?: BundledAuthorizer;
}

/**
 * Authentication wiring that needs every API and app: who invokes which custom authorizer (the
 * proxy for IAM + custom, the authorizer otherwise), the apps' secrets, and the authorizer
 * function's timeout (longer than the longest authorizer it calls).
 */
export function grantAuthentication(d: AuthenticationDeclarations): void {
  const viaAuthorizer = new Set<CustomAuthorizer>();
  const viaProxy = new Set<CustomAuthorizer>();
  for (const api of d.apis) {
    const custom = api.auth.customAuthorizer;
    if (custom) { (api.auth.authType === AuthType.IAM ? viaProxy : viaAuthorizer).add(custom); }
  }
  for (const custom of d.customAuthorizers) {
    if (viaProxy.has(custom)) { grantInvokeFunction(d.proxy, custom.handler); }
  }
  // The proxy verifies signed requests in full (it sees the body): the AppSecrets of the apps
  // authorised on an API that accepts signatures, in definition order.
  const signing = new Set(d.apis.filter(a => a.auth.authType === AuthType.APP && a.auth.signature).flatMap(a => a.auth.apps));
  for (const app of d.apps) {
    if (signing.has(app)) { app.appSecret.grantRead(d.proxy); }
  }
  const authorizer = d.authorizer;
  if (!authorizer) { return; }
  for (const custom of d.customAuthorizers) {
    if (viaAuthorizer.has(custom)) { grantInvokeFunction(authorizer.fn, custom.handler); }
  }
  // Every app: telling an unknown AppCode (AUTH_FAILURE) from an app not authorised for the API
  // (UNAUTHORIZED) needs all of them; and a signature without a body is verified before UNAUTHORIZED.
  for (const app of d.apps) {
    app.secret.grantRead(authorizer.fn);
    if (app.appSecret !== app.secret) { app.appSecret.grantRead(authorizer.fn); }
  }
  const used = d.apis.filter(a => a.auth.usesAuthorizer);
  const longest = Math.max(0, ...used.flatMap(a => [a.auth.customAuthorizer, a.auth.thirdPartyAuthorizer])
    .filter((x): x is CustomAuthorizer | ThirdPartyAuthorizer => x !== undefined)
    .map(x => x.timeout.toMilliseconds()));
  const seconds = Math.max(AUTHORIZER_TIMEOUT_FLOOR_SECONDS, Math.ceil(longest / 1000) + 3);
  (authorizer.fn.node.defaultChild as lambda.CfnFunction).timeout = seconds;
}

/**
 * Lets `fn` invoke `target`: on the role only (works for imported functions too), exactly its ARN
 * (the runtime invokes the ARN as given, so no `:*` version wildcard is needed).
 */
export function grantInvokeFunction(fn: lambda.Function, target: lambda.IFunction): void {
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['lambda:InvokeFunction'],
    resources: [target.functionArn],
  }));
}
