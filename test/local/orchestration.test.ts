/**
 * Parameter orchestration through `cdk-api-groups local` over real HTTP (issue 13 item 6): a
 * synthesized group served by the local gateway, in front of an HTTP backend on 127.0.0.1 and a
 * function from the assembly. The backends receive the mapped header or query parameter (never
 * the caller's copy), and the two orchestration response types are answered with the API's
 * selected gateway response.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  ApiGroup, Backend, HttpMethod, MappedParameter, OrchestrationStrategy, RequestParameter, ResponseType,
} from 'cdk-api-groups';
import { echoServer, EchoBody, TestServer } from '../support/http-servers';
import { ServedAssembly, serveAssembly } from '../support/served-assembly';

const work = path.join(__dirname, '..', '.work', `local-orchestration-${process.pid}`);
const outdir = path.join(work, 'cdk.out');
let backend: TestServer;
let served: ServedAssembly;
let base: string;

beforeAll(async () => {
  backend = await echoServer();
  const fnDir = path.join(work, 'echo');
  fs.mkdirSync(fnDir, { recursive: true });
  fs.writeFileSync(path.join(fnDir, 'index.js'),
    'exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ headers: event.headers, query: event.queryStringParameters }) });\n');
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'OrchestrationTest');
  const group = new ApiGroup(stack, 'Group', { groupName: 'orchestration-local' });
  const strict = group.addGatewayResponse('strict', {
    rules: [
      { type: ResponseType.ORCHESTRATION_PARAMETER_NOT_FOUND, statusCode: 412, body: '{"type":"$context.error.type","code":"$context.error.code"}' },
      { type: ResponseType.ORCHESTRATION_FAILURE, statusCode: 409, body: '{"type":"$context.error.type","code":"$context.error.code"}' },
    ],
  });
  const tier = MappedParameter.header('X-Tier');
  const none = group.addOrchestrationRule('tier_none', { strategy: OrchestrationStrategy.noneValue('0'), mappedParameter: tier });
  const list = group.addOrchestrationRule('tier_list', {
    strategy: OrchestrationStrategy.list([{ values: ['gold'], mappedValue: '1' }, { values: ['silver'], mappedValue: '2' }]), mappedParameter: tier,
  });
  const shard = group.addOrchestrationRule('uid_shard', {
    strategy: OrchestrationStrategy.range([{ start: '0', end: '99', mappedValue: 'small' }, { start: '100', end: '9223372036854775807', mappedValue: 'large' }]),
    mappedParameter: MappedParameter.query('shard'),
  });
  const echo = new lambda.Function(stack, 'Echo', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(fnDir) });
  group.addApi('Tier', {
    method: HttpMethod.GET, path: '/tier', backend: Backend.http(`${backend.url}/tier`), gatewayResponse: strict,
    parameters: [RequestParameter.query('tier', { orchestrations: [list] })],
  });
  group.addApi('Users', {
    method: HttpMethod.GET, path: '/users/{uid}', backend: Backend.http(`${backend.url}/users/{uid}`),
    parameters: [RequestParameter.path('uid', { orchestrations: [shard] })],
  });
  group.addApi('Fn', {
    method: HttpMethod.GET, path: '/fn', backend: Backend.fn(echo),
    parameters: [RequestParameter.query('tier', { orchestrations: [none, list] })],
  });
  served = await serveAssembly(app, work);
  base = served.base;
}, 60_000);

afterAll(async () => { await served?.close(); });

test('list: ?tier=gold reaches the HTTP backend as X-Tier: 1, the caller\'s own X-Tier replaced', async () => {
  const r = await fetch(`${base}/tier?tier=gold`, { headers: { 'X-Tier': '7' } });
  expect(r.status).toBe(200);
  const echo = await r.json() as EchoBody;
  expect(echo.headers['x-tier']).toBe('1');
});

test('range: /users/250 reaches the HTTP backend with ?shard=large, the caller\'s shard replaced', async () => {
  const r = await fetch(`${base}/users/250?shard=small&keep=1`);
  expect(r.status).toBe(200);
  const query = new URLSearchParams((await r.json() as EchoBody).query);
  expect([query.getAll('shard'), query.get('keep')]).toEqual([['large'], '1']);
});

test('a function backend gets the mapped header in its event (none_value and list)', async () => {
  const none = await (await fetch(`${base}/fn`)).json() as { headers: Record<string, string> };
  expect(none.headers['X-Tier']).toBe('0');
  const silver = await (await fetch(`${base}/fn?tier=silver`, { headers: { 'x-tier': '9' } })).json() as { headers: Record<string, string> };
  expect(Object.entries(silver.headers).filter(([k]) => k.toLowerCase() === 'x-tier')).toEqual([['X-Tier', '2']]);
});

test('ORCHESTRATION_PARAMETER_NOT_FOUND over HTTP: no tier, no none_value rule (the API\'s `strict` response)', async () => {
  const before = backend.requests.length;
  const r = await fetch(`${base}/tier`);
  expect(r.status).toBe(412);
  expect(await r.json()).toEqual({ type: 'ORCHESTRATION_PARAMETER_NOT_FOUND', code: 'APIG.0106' });
  expect(r.headers.get('x-request-id')).toBeTruthy();
  expect(backend.requests.length).toBe(before);
});

test('ORCHESTRATION_FAILURE over HTTP: a tier no rule holds, no default rule; a uid in no range (default response)', async () => {
  const r = await fetch(`${base}/tier?tier=bronze`);
  expect(r.status).toBe(409);
  expect(await r.json()).toEqual({ type: 'ORCHESTRATION_FAILURE', code: 'APIG.0106' });
  const range = await fetch(`${base}/users/x1`);
  expect(range.status).toBe(400);
  expect(await range.json()).toMatchObject({ error_code: 'APIG.0106', error_msg: 'Orchestration error.' });
});
