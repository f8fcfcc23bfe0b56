/**
 * MatchMode.PREFIX and per-API CORS over HTTP through `cdk-api-groups local` (lib/local/gateway.ts):
 * API Gateway's resource matching on the synthesized document (an exposed PREFIX API's own
 * resources, its IAM and throttle below the prefix), the native and proxied preflights, and a real
 * HTTP backend on 127.0.0.1 receiving the path below the prefix (issue 13 item 5).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { ApiAuth, ApiGroup, Backend, HttpMethod, MatchMode } from 'cdk-api-groups';
import { echoServer, EchoBody, TestServer } from '../support/http-servers';
import { ServedAssembly, serveAssembly } from '../support/served-assembly';

const work = path.join(__dirname, '..', '.work', `local-match-mode-${process.pid}`);
let served: ServedAssembly;
let base: string;
let echo: TestServer;

beforeAll(async () => {
  echo = await echoServer();
  fs.mkdirSync(work, { recursive: true });
  const outdir = path.join(work, 'cdk.out');
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'MatchModeTest');
  const group = new ApiGroup(stack, 'Group', { groupName: 'match-mode', cors: { allowOrigins: ['https://shop.example.com'] } });
  const prefix = { matchMode: MatchMode.PREFIX };
  group.addApi('Files', { method: HttpMethod.GET, path: '/files', ...prefix, backend: Backend.http(`${echo.url}/store/`) });
  group.addApi('Readme', { method: HttpMethod.GET, path: '/files/readme', backend: Backend.mock({ body: 'readme' }) });
  group.addApi('Admin', { method: HttpMethod.GET, path: '/admin', ...prefix, backend: Backend.mock({ body: 'admin' }), auth: ApiAuth.iam() });
  group.addApi('Limited', {
    method: HttpMethod.GET, path: '/limited', ...prefix, backend: Backend.http(`${echo.url}/limited`), throttle: { rateLimit: 1, burstLimit: 1 },
  });
  group.addApi('Public', { method: HttpMethod.GET, path: '/public', ...prefix, backend: Backend.mock({ body: 'public' }), cors: { allowOrigins: ['*'] } });
  group.addApi('Private', { method: HttpMethod.GET, path: '/private', backend: Backend.mock({ body: 'private' }) });
  served = await serveAssembly(app, work);
  base = served.base;
}, 60_000);

afterAll(async () => { await served?.close(); });

function rawGet(p: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = http.request({ host: url.hostname, port: url.port, path: p, method: 'GET' }, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function call(p: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(base + p, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

test('a prefix API over HTTP: the remainder reaches the backend; an exact API below wins its path; segment boundary', async () => {
  const r = await call('/files/AA/CC?x=1');
  expect(r.status).toBe(200);
  expect((JSON.parse(r.text) as EchoBody).url).toBe('/store/AA/CC?x=1');
  expect((await call('/files/readme')).text).toBe('readme');
  expect((await call('/filesX')).status).toBe(404);
  // fetch would resolve the dots before sending: the raw request line, as a hostile client sends it
  const before = echo.requests.length;
  const dot = await rawGet('/files/a/%2e%2e/b');
  expect([dot.status, JSON.parse(dot.text).error_code]).toEqual([400, 'APIG.0201']);
  expect(echo.requests.length).toBe(before);
});

test('an IAM prefix API: API Gateway refuses unsigned requests on its path and below it', async () => {
  // why: its greedy child declares its IAM method, so nothing below the prefix escapes the signature check
  for (const p of ['/admin', '/admin/a/b', '/admin/x/y/z/']) {
    const r = await call(p);
    expect([p, r.status, r.headers.get('x-amzn-errortype')]).toEqual([p, 401, 'MissingAuthenticationTokenException']);
  }
});

test('a throttled prefix API: its throttle applies below the prefix, natively', async () => {
  // the first request is served through the API's own greedy resource, the next ones are throttled (burst 1)
  const statuses: number[] = [];
  for (const p of ['/limited/a', '/limited/b/c', '/limited/d']) { statuses.push((await call(p)).status); }
  expect(statuses[0]).toBe(200);
  expect(statuses.slice(1)).toContain(429);
});

test('per-API CORS over HTTP: its responses, gateway errors and preflights; the group\'s elsewhere', async () => {
  const origin = { Origin: 'https://elsewhere.example' };
  const ok = await call('/public/deep/path', { headers: origin });
  expect([ok.status, ok.headers.get('access-control-allow-origin')]).toEqual([200, '*']);
  const preflight = await call('/public/deep', { method: 'OPTIONS', headers: { ...origin, 'Access-Control-Request-Method': 'GET' } });
  expect([preflight.status, preflight.headers.get('access-control-allow-origin')]).toEqual([204, '*']);
  // another API: the group's CORS, natively or from the proxy
  const other = await call('/private', { headers: origin });
  expect([other.status, other.headers.get('access-control-allow-origin')]).toEqual([200, null]);
  const shop = await call('/private', { method: 'OPTIONS', headers: { Origin: 'https://shop.example.com', 'Access-Control-Request-Method': 'GET' } });
  expect([shop.status, shop.headers.get('access-control-allow-origin')]).toEqual([204, 'https://shop.example.com']);
  const otherPreflight = await call('/private', { method: 'OPTIONS', headers: { ...origin, 'Access-Control-Request-Method': 'GET' } });
  expect(otherPreflight.headers.get('access-control-allow-origin')).not.toBe('*');
});
