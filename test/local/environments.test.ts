/**
 * `cdk-api-groups local --environment <name>` (issue 9): the local gateway serves the chosen
 * environment of a synthesized group, with its variables, its rate limit and only the APIs
 * published in it; by default the group's default environment.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiGroup, Backend, HttpMethod } from 'cdk-api-groups';
import { LocalGateway, startLocalGateway } from '../../lib/local';
import { parseArguments } from '../../lib/local/cli';

const work = path.join(__dirname, '..', '.work', `local-environments-${process.pid}`);
const outdir = path.join(work, 'cdk.out');

beforeAll(() => {
  const fnDir = path.join(work, 'vars');
  fs.mkdirSync(fnDir, { recursive: true });
  fs.writeFileSync(path.join(fnDir, 'index.js'),
    'exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ stage: event.requestContext.stage, vars: event.stageVariables }) });\n');
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'EnvTest');
  const group = new ApiGroup(stack, 'Group', { groupName: 'env-test', stageVariables: { color: 'blue' } });
  const test = group.addEnvironment('TEST', { variables: { color: 'green', backendHost: 'test_internal' }, throttle: { rateLimit: 1, burstLimit: 2 } });
  const vars = new lambda.Function(stack, 'Vars', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(fnDir) });
  group.addApi('Vars', { method: HttpMethod.GET, path: '/vars', backend: Backend.fn(vars) });
  group.addApi('Beta', { method: HttpMethod.GET, path: '/beta', backend: Backend.mock({ body: 'beta' }), environments: [test] });
  app.synth();
}, 60_000);

afterAll(() => { fs.rmSync(work, { recursive: true, force: true }); });

async function serve(environment: string | undefined, run: (base: string, gateway: LocalGateway) => Promise<void>): Promise<void> {
  const gateway = await startLocalGateway({ assembly: outdir, port: 0, region: 'eu-west-1', environment, log: () => undefined });
  try {
    await run(gateway.groups[0].url.replace(/\/$/, ''), gateway);
  } finally {
    await gateway.close();
  }
}

test('by default the default environment: its variables, and an API published elsewhere is NOT_FOUND', async () => {
  await serve(undefined, async base => {
    const vars = await fetch(`${base}/vars`);
    expect(await vars.json()).toEqual({ stage: 'RELEASE', vars: { color: 'blue' } });
    const beta = await fetch(`${base}/beta`);
    expect(beta.status).toBe(404);
    expect(await beta.json()).toMatchObject({ error_code: 'APIG.0101' });
  });
});

test('--environment TEST: its variables, its APIs and its rate limit', async () => {
  await serve('TEST', async (base, gateway) => {
    expect(gateway.groups[0].stage).toBe('TEST');
    expect(await (await fetch(`${base}/vars`)).json()).toEqual({ stage: 'TEST', vars: { color: 'green', backendHost: 'test_internal' } });
    const beta = await fetch(`${base}/beta`);
    expect([beta.status, await beta.text()]).toEqual([200, 'beta']);
    // The environment's stage throttle (1 request per second, burst 2: two requests were served).
    const statuses = await Promise.all([1, 2, 3].map(async () => (await fetch(`${base}/beta`)).status));
    expect(statuses).toContain(429);
  });
});

test('an environment the group does not have is refused, naming the ones it has', async () => {
  await expect(startLocalGateway({ assembly: outdir, port: 0, region: 'eu-west-1', environment: 'PROD', log: () => undefined }))
    .rejects.toThrow('group env-test has no environment PROD: its environments are RELEASE, TEST');
});

test('the CLI passes --environment through', () => {
  expect(parseArguments(['local', '--environment', 'TEST'], {}).options.environment).toBe('TEST');
});
