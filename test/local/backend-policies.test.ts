/**
 * Backend policies through `cdk-api-groups local` over HTTP: the local gateway runs the group's
 * bundled proxy, so a request reaches the backend of the first policy whose conditions hold (the
 * caller's address as the gateway saw it, a header), else the API's own backend; real HTTP
 * backends on 127.0.0.1.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { ApiGroup, Backend, HttpMethod, PolicyCondition, PolicyEffect, RequestParameter } from 'cdk-api-groups';
import { startServer, TestServer } from '../support/http-servers';
import { ServedAssembly, serveAssembly } from '../support/served-assembly';

const work = path.join(__dirname, '..', '.work', `local-policies-${process.pid}`);
const outdir = path.join(work, 'cdk.out');

function namedServer(name: string): Promise<TestServer> {
  return startServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ backend: name, path: (req.url ?? '').split('?')[0] }));
  });
}

let main: TestServer;
let beta: TestServer;
let local: TestServer;
let served: ServedAssembly;
let base: string;

beforeAll(async () => {
  [main, beta, local] = await Promise.all([namedServer('main'), namedServer('beta'), namedServer('local')]);
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'PolicyTest');
  const group = new ApiGroup(stack, 'Group', { groupName: 'policy-test' });
  group.addApi('Items', {
    method: HttpMethod.GET, path: '/items/{id}', parameters: [RequestParameter.header('X-Tier')],
    backend: Backend.http(`${main.url}/main/{id}`),
    backendPolicies: [
      { policyName: 'gold', backend: Backend.http(`${beta.url}/beta/{id}`), conditions: [PolicyCondition.parameter('X-Tier', { exact: 'gold' })] },
      { policyName: 'elsewhere', backend: Backend.http(`${beta.url}/elsewhere/{id}`), conditions: [PolicyCondition.sourceIp(['10.0.0.0/8'])] },
    ],
  });
  group.addApi('Loopback', {
    method: HttpMethod.GET, path: '/loopback', backend: Backend.http(`${main.url}/main`),
    backendPolicies: [{ policyName: 'from_here', effect: PolicyEffect.ANY, backend: Backend.http(`${local.url}/local`),
      conditions: [PolicyCondition.sourceIp(['127.0.0.0/8', '::1']), PolicyCondition.system('$context.reqMethod', { exact: 'DELETE' })] }],
  });
  served = await serveAssembly(app, work);
  base = served.base;
}, 60_000);

afterAll(async () => { await served?.close(); });

async function backendOf(pathname: string, headers: Record<string, string> = {}): Promise<string> {
  const r = await fetch(`${base}${pathname}`, { headers });
  expect(r.status).toBe(200);
  const body = await r.json() as { backend: string; path: string };
  return `${body.backend} ${body.path}`;
}

test('the first policy whose condition holds picks the backend; none: the API\'s own', async () => {
  expect(await backendOf('/items/7', { 'X-Tier': 'gold' })).toBe('beta /beta/7');
  expect(await backendOf('/items/7', { 'X-Tier': 'silver' })).toBe('main /main/7');
  expect(await backendOf('/items/7')).toBe('main /main/7');
});

test('the caller\'s address, as the local gateway saw it, is what a sourceIp condition matches', async () => {
  expect(await backendOf('/loopback')).toBe('local /local');
});
