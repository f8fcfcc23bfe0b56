/**
 * End to end over HTTP behind a custom domain: examples/showcase maps its group to
 * api.showcase.example.com with the multi-level base path `v1/showcase` (an
 * AWS::ApiGatewayV2::ApiMapping), and the local gateway serves that mapping by default, with the
 * events API Gateway sends behind a custom domain (event.path and requestContext.path carry the base
 * path; resource and pathParameters are the API's). The bundled proxy and authorizer must route on
 * the path relative to the REST API's root, or every request below would be NOT_FOUND.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { SHOWCASE_BASE_PATH } from '../../examples/showcase/showcase-stack';
import { NodeSha256 } from '../local/node-sha256';
import { APP_CODES, IAM_CREDENTIALS, REGION, Showcase, startShowcase } from './showcase-gateway';

let s: Showcase;
let origin: string;

beforeAll(async () => {
  s = await startShowcase('custom-domain', { customDomain: true });
  origin = new URL(s.base).origin;
}, 60_000);
afterAll(async () => { await s?.close(); });

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: Record<string, unknown>; text: string }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try { body = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body, text };
}

test('the assembly\'s mapping is the default: the group is served at the base path of its custom domain', () => {
  expect(SHOWCASE_BASE_PATH).toBe('v1/showcase');
  expect(s.gateway.groups[0]).toMatchObject({ customDomain: { domainName: 'api.showcase.example.com', basePath: 'v1/showcase' } });
  expect(s.base).toBe(`${origin}/v1/showcase`);
});

test('APIs are found under the base path: a mock, a path parameter, an app, a custom authorizer, a function backend', async () => {
  expect(await call(`${s.base}/health`)).toMatchObject({ status: 200, text: '{"status":"ok"}' });
  // /items/{id}: routed to get-item (the `tour` response's 422 names the API), then a valid id reaches the backend.
  expect(await call(`${s.base}/items/abc`)).toMatchObject({ status: 422, body: { error: 'REQUEST_PARAMETERS_FAILURE', api: 'get-item' } });
  const item = await call(`${s.base}/items/7`);
  expect([item.status, item.body.url]).toEqual([200, '/items/7']);
  expect((await call(`${s.base}/orders`, { headers: { 'X-Apig-AppCode': APP_CODES.mobile } })).status).toBe(200);
  expect((await call(`${s.base}/orders`, { headers: { 'X-Apig-AppCode': APP_CODES.outsider } })).body).toMatchObject({ error_type: 'UNAUTHORIZED' });
  expect(await call(`${s.base}/profile`, { headers: { 'X-Mode': 'allow' } })).toMatchObject({ status: 200, text: '{"profile":"alice"}' });
  expect(await call(`${s.base}/upload`, { method: 'POST', body: 'hello' })).toMatchObject({ status: 200, text: '{"bytes":5}' });
  // The log names the API, for the path as the caller sent it.
  expect(s.lines).toContainEqual(expect.stringMatching(/^GET \/v1\/showcase\/items\/abc get-item 422 REQUEST_PARAMETERS_FAILURE \d+ms$/));
});

test('an unknown path under the base path: the group\'s NOT_FOUND; a known API\'s path without the base path: the domain\'s 403', async () => {
  expect(await call(`${s.base}/nowhere`)).toMatchObject({ status: 404, body: { error_code: 'APIG.0101', error_type: 'NOT_FOUND' } });
  for (const p of ['/health', '/v1/health', '/v1/showcasex/health', '/']) {
    const r = await call(`${origin}${p}`);
    expect([p, r.status, r.headers.get('x-amzn-errortype'), r.text]).toEqual([p, 403, 'ForbiddenException', '{"message":"Forbidden"}']);
  }
});

test('IAM: the signature covers the path as sent, base path included', async () => {
  const url = new URL(`${s.base}/reports`);
  const signer = new SignatureV4({ credentials: IAM_CREDENTIALS, region: REGION, service: 'execute-api', sha256: NodeSha256 });
  const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host } });
  expect(await call(url.href, { headers: signed.headers as Record<string, string> })).toMatchObject({ status: 200, text: '{"reports":[]}' });
  expect((await call(url.href)).body).toMatchObject({ error_type: 'AUTH_HEADER_MISSING' });
});
