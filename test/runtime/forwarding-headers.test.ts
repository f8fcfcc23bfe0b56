/**
 * Client-sent forwarding headers against a real backend on 127.0.0.1: a caller cannot speak for
 * the gateway (its address, the public host and scheme, a path or method rewrite).
 */
import { proxyEvent } from '../support/events';
import { closeAllServers, EchoBody, echoServer, TestServer } from '../support/http-servers';
import { cleanWorkDirs, LoadedProxy, loadProxyAsset } from '../support/proxy-harness';
import { document, http } from './documents';
import { captureLogs } from './helpers';

let echo: TestServer;
let proxy: LoadedProxy;

beforeAll(async () => {
  echo = await echoServer();
  proxy = await loadProxyAsset(document({ apis: [{ method: 'ANY', path: '/items/{id}', backend: http(`${echo.url}/items/{id}`) }] }));
});
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  await closeAllServers();
  cleanWorkDirs();
});

async function backendHeaders(headers: Record<string, string>, sourceIp?: string): Promise<EchoBody['headers']> {
  const r = await proxy.invoke(proxyEvent({ method: 'DELETE', path: '/items/1', headers, sourceIp }));
  expect(r.statusCode).toBe(200);
  return (JSON.parse(r.body) as EchoBody).headers;
}

test('X-Forwarded-For starts at the address API Gateway saw; the caller\'s own entries are dropped', async () => {
  // why: API Gateway appends to the caller's text, and backends that read the first entry would believe it
  const h = await backendHeaders({ 'X-Forwarded-For': '6.6.6.6, 198.51.100.7, 130.176.209.21' }, '198.51.100.7');
  expect(h['x-forwarded-for']).toBe('198.51.100.7, 130.176.209.21');
  expect((await backendHeaders({ 'X-Forwarded-For': '6.6.6.6' }, '198.51.100.7'))['x-forwarded-for']).toBe('198.51.100.7');
});

test('X-Real-IP and X-Forwarded-Host are the gateway\'s, X-Forwarded-Proto and -Port as API Gateway set them', async () => {
  const h = await backendHeaders({ 'X-Real-IP': '6.6.6.6', 'X-Forwarded-Host': 'evil.example.com' }, '198.51.100.7');
  expect(h['x-real-ip']).toBe('198.51.100.7');
  expect(h['x-forwarded-host']).toBe('abc123defg.execute-api.eu-west-1.amazonaws.com');
  expect([h['x-forwarded-proto'], h['x-forwarded-port']]).toEqual(['https', '443']);
  const odd = await backendHeaders({ 'X-Forwarded-Proto': 'gopher', 'X-Forwarded-Port': 'x' });
  expect([odd['x-forwarded-proto'], odd['x-forwarded-port']]).toEqual([undefined, undefined]);
});

test.each([
  'Forwarded', 'X-Forwarded-Prefix', 'X-Forwarded-Server', 'X-Forwarded-Scheme', 'X-Forwarded-Ssl', 'X-Forwarded-Client-Cert',
  'X-Client-IP', 'True-Client-IP', 'CF-Connecting-IP', 'Fastly-Client-IP', 'X-Cluster-Client-IP',
  'X-Original-URL', 'X-Rewrite-URL', 'X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override',
  'X-Amzn-Oidc-Identity', 'X-Amzn-Apigateway-Api-Id', 'X-Amzn-Mtls-Clientcert', 'X-Apigateway-Event', 'X-Apigateway-Context', 'X-Apig-Mode',
])('a caller\'s %s does not reach the backend', async name => {
  // why: each lets a backend believe the caller's text is the gateway's (address, host, path, method, identity)
  const h = await backendHeaders({ [name]: 'for=6.6.6.6;host=evil' });
  expect(h[name.toLowerCase()]).toBeUndefined();
});

test('ordinary headers, X-Amzn-Trace-Id and Authorization still reach the backend', async () => {
  const h = await backendHeaders({ 'Authorization': 'Bearer t', 'X-Custom': 'v' });
  expect([h.authorization, h['x-custom'], h['x-amzn-trace-id'], h['user-agent']])
    .toEqual(['Bearer t', 'v', 'Root=1-66704cad-0fbaf1491365339d168b2a7d', 'HTTPie/3.2.2']);
});

test('without a source address in the event, no client address header is sent at all', async () => {
  const r = await proxy.invoke({ ...proxyEvent({ path: '/items/1', headers: { 'X-Forwarded-For': '6.6.6.6' } }), requestContext: {} });
  const h = (JSON.parse(r.body) as EchoBody).headers;
  expect([h['x-forwarded-for'], h['x-real-ip'], h['x-forwarded-host']]).toEqual([undefined, undefined, undefined]);
});
