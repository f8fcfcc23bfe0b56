/**
 * The fixture of the runtime benchmarks: a small but realistic API group synthesized with the
 * library, whose proxy asset folder (the bundled index.js plus the group's config.json, exactly
 * what Lambda receives) the proxy, rendering and cold-load measurements load.
 *
 * The group also authenticates a few APIs (three apps whose AppCodes are in Secrets Manager, and a
 * custom authorizer with a result cache), so it has the bundled authorizer too: its asset folder
 * (the same config.json) is what the authorizer and cold-load measurements load. The secrets and
 * the custom authorizer's function are served by local endpoints (bench/services.ts).
 *
 * Runs in a child process (it loads aws-cdk-lib, which the measuring processes should not carry).
 */
import * as fs from 'fs';
import * as path from 'path';
import { functionArn } from '../test/support/local-lambda';
import { secretArn } from '../test/support/local-secrets-manager';
import { childInput, childMain, childRole, FixtureAuthorizer, FixtureInfo, runChild, WORK } from './common';

interface FixtureInput {
  readonly port: number;
  readonly outdir: string;
}

/** Body of the NOT_FOUND rule: several variables, as the rendering goal asks. */
export const NOT_FOUND_BODY = '{"error_code":"$context.error.code","error_msg":"$context.error.message",'
  + '"request_id":"$context.requestId","method":"$context.reqMethod","path":"$context.reqPath",'
  + '"source_ip":"$context.sourceIp","stage":"$context.stage","type":"$context.error.type"}';

/** The apps of the group (their secrets are named `bench-<app>`); the first is authorised for the app API. */
const APPS = ['bench', 'web', 'partner'];
/** The AppCode in an app's secret (64-180 characters). */
function appCodeOf(app: string): string {
  return `${app}-app-code-`.repeat(20).slice(0, 80);
}
const secretName = (app: string) => `bench-${app}`;

/** The custom authorizer: its function (served by bench/services.ts), identity source and result cache TTL. */
const CUSTOM_FUNCTION = 'bench-token-authorizer';
const IDENTITY_HEADER = 'X-Token';
const IDENTITY_VALIDATION = '[a-z0-9]{4,32}';
const CUSTOM_TTL_SECONDS = 300;

/** Synthesizes the fixture in a child process. */
export function buildFixture(port: number): Promise<FixtureInfo> {
  // One per run: two runs at the same time must not delete each other's fixture.
  const outdir = path.join(WORK, `fixture-${process.pid}.out`);
  fs.rmSync(outdir, { recursive: true, force: true });
  return runChild<FixtureInfo>('fixture.ts', 'fixture', { port, outdir } satisfies FixtureInput, [], 180_000);
}

async function synthesize(input: FixtureInput): Promise<FixtureInfo> {
  // Loaded here only: the parent never pays for aws-cdk-lib.
  const { App, Duration, Stack } = await import('aws-cdk-lib');
  const lib = await import('../lib/index.js');
  const { ApiAuth, ApiGroup, Backend, HttpMethod, IdentitySource, ParameterType, RequestParameter, ResponseType } = lib;
  const { Secret } = await import('aws-cdk-lib/aws-secretsmanager');
  const { Function: LambdaFunction } = await import('aws-cdk-lib/aws-lambda');

  const app = new App({
    outdir: input.outdir,
    builtinCloudFormationValidation: false,
    // What the cdk CLI sets: assets are then named by `aws:asset:path` metadata on their resources.
    context: { 'aws:cdk:enable-asset-metadata': true },
  });
  const stack = new Stack(app, 'BenchFixture');
  const group = new ApiGroup(stack, 'Group', {
    groupName: 'bench',
    defaultResponse: {
      rules: [{
        type: ResponseType.NOT_FOUND,
        statusCode: 404,
        body: NOT_FOUND_BODY,
        headers: { 'X-Error-Code': '$context.error.code', 'Cache-Control': 'no-store' },
      }],
    },
  });
  // The API the proxy benchmark calls: an HTTP backend with a validated path parameter.
  group.addApi('GetItem', {
    method: HttpMethod.GET,
    path: '/items/{id}',
    backend: Backend.http(`http://127.0.0.1:${input.port}/items/{id}`, { timeout: Duration.seconds(5) }),
    parameters: [RequestParameter.path('id', { type: ParameterType.NUMBER })],
  });
  // Neighbours, so routing is not trivially a one-entry table.
  for (let i = 0; i < 30; i++) {
    group.addApi(`List${i}`, { method: HttpMethod.GET, path: `/r${i}/items`, backend: Backend.mock({ body: '[]' }) });
    group.addApi(`Get${i}`, {
      method: HttpMethod.GET,
      path: `/r${i}/items/{id}`,
      backend: Backend.http(`http://127.0.0.1:${input.port}/r${i}/items/{id}`),
    });
  }
  // Authentication. The app API is the HTTP API's twin (same backend, same parameter), so that the
  // end-to-end cost of authorizer + proxy compares with the proxy alone on GetItem.
  const apps = APPS.map(name => group.addApp(name, {
    secret: Secret.fromSecretCompleteArn(stack, `Secret${name}`, secretArn(secretName(name))),
    // Given, not generated: a generated AppSecret's ARN is known at deploy time only, and the fixture runs the authorizer as synthesized.
    appSecret: Secret.fromSecretCompleteArn(stack, `AppSecret${name}`, secretArn(`${secretName(name)}-signing`)),
  }));
  // Two custom authorizers with the same function and settings, each with its own result cache:
  // one for cache hits, one for misses (whose new entries must not evict the hits').
  const tokenFunction = LambdaFunction.fromFunctionArn(stack, 'TokenAuthorizer', functionArn(CUSTOM_FUNCTION));
  const [tokens, newTokens] = ['tokens', 'newTokens'].map(name => group.addCustomAuthorizer(name, {
    handler: tokenFunction,
    identities: [IdentitySource.header(IDENTITY_HEADER, { validation: IDENTITY_VALIDATION })],
    cacheTtl: Duration.seconds(CUSTOM_TTL_SECONDS),
    timeout: Duration.seconds(5),
  }));
  group.addApi('GetAppItem', {
    method: HttpMethod.GET,
    path: '/app/items/{id}',
    backend: Backend.http(`http://127.0.0.1:${input.port}/items/{id}`, { timeout: Duration.seconds(5) }),
    parameters: [RequestParameter.path('id', { type: ParameterType.NUMBER })],
    auth: ApiAuth.app({ apps: [apps[0]] }),
  });
  group.addApi('GetCustomItem', {
    method: HttpMethod.GET,
    path: '/custom/items/{id}',
    backend: Backend.mock({ body: '{}' }),
    auth: ApiAuth.custom(tokens),
  });
  group.addApi('GetCustomNewItem', {
    method: HttpMethod.GET,
    path: '/custom-new/items/{id}',
    backend: Backend.mock({ body: '{}' }),
    auth: ApiAuth.custom(newTokens),
  });
  const assembly = app.synth();

  const template = assembly.getStackByName(stack.stackName).template as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
  };
  const assetOf = (r: { Metadata?: Record<string, string> }) => r.Metadata?.['aws:asset:path'];
  const proxyId = stack.getLogicalId(group.proxyFunction.node.defaultChild as import('aws-cdk-lib').CfnElement);
  const proxyAssetPath = assetOf(template.Resources[proxyId]);
  if (!proxyAssetPath) { throw new Error(`the proxy function ${proxyId} has no aws:asset:path metadata`); }
  const handlerAssets = Object.values(template.Resources)
    .filter(r => r.Type === 'AWS::Lambda::Function' && assetOf(r))
    .map(r => path.join(input.outdir, assetOf(r)!))
    .filter(dir => fs.existsSync(path.join(dir, 'index.js')));
  const proxyAsset = path.join(input.outdir, proxyAssetPath);
  return {
    outdir: input.outdir,
    proxyAsset,
    handlerAssets,
    httpPath: '/items/{id}',
    apiCount: group.apis.length,
    authorizer: authorizerInfo(stack, group, template.Resources, input.outdir, proxyAsset),
  };
}

/** The authorizer function's asset folder and the environment Lambda would give it (values known at synth time). */
function authorizerInfo(stack: import('aws-cdk-lib').Stack, group: import('../lib/index.js').ApiGroup,
  resources: Record<string, { Type: string; Metadata?: Record<string, string>; Properties?: any }>, outdir: string,
  proxyAsset: string): FixtureAuthorizer {
  const fn = group.authorizerFunction;
  if (!fn) { throw new Error('the fixture group has no authorizer function'); }
  const resource = resources[stack.getLogicalId(fn.node.defaultChild as import('aws-cdk-lib').CfnElement)];
  const assetPath = resource?.Metadata?.['aws:asset:path'];
  if (!assetPath) { throw new Error('the authorizer function has no aws:asset:path metadata'); }
  const asset = path.join(outdir, assetPath);
  const config = (dir: string) => fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
  if (config(asset) !== config(proxyAsset)) { throw new Error('the authorizer and the proxy carry different config.json files'); }
  const env: Record<string, string> = {};
  const variables = (resource.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value !== 'string') { throw new Error(`the authorizer's ${name} is only known at deploy time: the fixture cannot run it`); }
    env[name] = value;
  }
  return {
    asset,
    env,
    appPath: '/app/items/{id}',
    customPath: '/custom/items/{id}',
    customMissPath: '/custom-new/items/{id}',
    appCode: appCodeOf(APPS[0]),
    secrets: Object.fromEntries(APPS.map(app => [secretName(app), JSON.stringify({ appCode: appCodeOf(app) })])),
    functionName: CUSTOM_FUNCTION,
    identityHeader: IDENTITY_HEADER,
    ttlSeconds: CUSTOM_TTL_SECONDS,
  };
}

/**
 * Development aid: BENCH_PROXY_BUNDLE=<file> replaces the index.js of copied proxy folders, to try
 * a bundle that is not the one in assets/ yet. `npm run bench` never sets it.
 */
export function overrideBundle(folder: string): string | undefined {
  const override = process.env.BENCH_PROXY_BUNDLE;
  if (override) { fs.copyFileSync(override, path.join(folder, 'index.js')); }
  return override;
}

if (childRole() === 'fixture') {
  childMain(() => synthesize(childInput<FixtureInput>()));
}
