/**
 * The fixture of the runtime benchmarks: a small but realistic API group synthesized with the
 * library, whose proxy asset folder (the bundled index.js plus the group's config.json, exactly
 * what Lambda receives) the proxy, rendering and cold-load measurements load.
 *
 * Runs in a child process (it loads aws-cdk-lib, which the measuring processes should not carry).
 */
import * as fs from 'fs';
import * as path from 'path';
import { childInput, childMain, childRole, FixtureInfo, runChild, WORK } from './common';

interface FixtureInput {
  readonly port: number;
  readonly outdir: string;
}

/** Body of the NOT_FOUND rule: several variables, as the rendering goal asks. */
export const NOT_FOUND_BODY = '{"error_code":"$context.error.code","error_msg":"$context.error.message",'
  + '"request_id":"$context.requestId","method":"$context.reqMethod","path":"$context.reqPath",'
  + '"source_ip":"$context.sourceIp","stage":"$context.stage","type":"$context.error.type"}';

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
  const { ApiGroup, Backend, HttpMethod, ParameterType, RequestParameter, ResponseType } = lib;

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
  return {
    outdir: input.outdir,
    proxyAsset: path.join(input.outdir, proxyAssetPath),
    handlerAssets,
    httpPath: '/items/{id}',
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
