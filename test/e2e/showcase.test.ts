/**
 * End to end over real HTTP: examples/showcase served by the local gateway (lib/local) on an
 * ephemeral port, in front of a backend and a third-party auth service on 127.0.0.1. Every one of
 * the 19 response types is produced by a real request, through the same bundled proxy and
 * authorizer a deployment runs and API Gateway's native checks as the local gateway emulates them.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { ResponseType } from 'cdk-api-groups';
import { NodeSha256 } from '../local/node-sha256';
import { APP_CODES, IAM_CREDENTIALS, REGION, Showcase, startShowcase } from './showcase-gateway';

let s: Showcase;

beforeAll(async () => { s = await startShowcase('showcase'); }, 60_000);
afterAll(async () => { await s?.close(); });

interface Reply { status: number; headers: Headers; text: string; body: Record<string, unknown> }

async function call(p: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(s.base + p, init);
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try { body = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, body };
}

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The gateway error was rendered: X-Request-Id, and the same id in the body. */
function expectRendered(r: Reply): void {
  expect(r.headers.get('content-type')).toBe('application/json');
  expect(r.headers.get('x-request-id')).toMatch(REQUEST_ID);
  expect(r.body.request_id).toBe(r.headers.get('x-request-id'));
}

/** A burst of concurrent requests: their statuses. */
async function burst(p: string, n: number, init: RequestInit = {}): Promise<Reply[]> {
  return Promise.all(Array.from({ length: n }, () => call(p, init)));
}

async function signedHeaders(p: string, credentials = IAM_CREDENTIALS): Promise<Record<string, string>> {
  const url = new URL(s.base + p);
  const signer = new SignatureV4({ credentials, region: REGION, service: 'execute-api', sha256: NodeSha256 });
  const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host } });
  return signed.headers as Record<string, string>;
}

const mobile = { 'X-Apig-AppCode': APP_CODES.mobile };

/**
 * One request per type. `body` is what the rendered body must contain (the `default` response's
 * rules put error_code, error_type and request_id in every body; the `tour` response has its own).
 */
const CASES: Array<{ type: string; path: string; init?: RequestInit; status: number; body: Record<string, unknown>; before?: () => Promise<unknown> }> = [
  { type: 'NOT_FOUND', path: '/nowhere', status: 404, body: { error_code: 'APIG.0101', error_type: 'NOT_FOUND' } },
  { type: 'REQUEST_PARAMETERS_FAILURE', path: '/items/abc', status: 422, body: { error: 'REQUEST_PARAMETERS_FAILURE', api: 'get-item', detail: 'API request error. Parameter "id" in path must be a number.' } },
  { type: 'AUTH_HEADER_MISSING', path: '/orders', status: 401, body: { error_code: 'APIG.0303', error_type: 'AUTH_HEADER_MISSING' } },
  { type: 'AUTH_FAILURE', path: '/orders', init: { headers: { 'X-Apig-AppCode': 'x'.repeat(64) } }, status: 401, body: { error_code: 'APIG.0303', error_type: 'AUTH_FAILURE' } },
  { type: 'UNAUTHORIZED', path: '/orders', init: { headers: { 'X-Apig-AppCode': APP_CODES.outsider } }, status: 401, body: { error_code: 'APIG.0304', error_type: 'UNAUTHORIZED' } },
  // The app `limited` has a usage plan of 1 request per second with a burst of 1: spend it first.
  { type: 'THROTTLED', path: '/orders', init: { headers: { 'X-Apig-AppCode': APP_CODES.limited } }, status: 429, body: { error_code: 'APIG.0308', error_type: 'THROTTLED' },
    before: () => call('/orders', { headers: { 'X-Apig-AppCode': APP_CODES.limited } }) },
  { type: 'AUTHORIZER_IDENTITIES_FAILURE', path: '/profile', init: { headers: { 'X-Mode': 'maybe' } }, status: 401, body: { error_code: 'APIG.0305', error_type: 'AUTHORIZER_IDENTITIES_FAILURE' } },
  { type: 'AUTHORIZER_FAILURE', path: '/profile', init: { headers: { 'X-Mode': 'deny' } }, status: 401, body: { error_code: 'APIG.0305', error_type: 'AUTHORIZER_FAILURE', reason: 'denied-by-showcase' } },
  { type: 'AUTHORIZER_CONF_FAILURE', path: '/profile', init: { headers: { 'X-Mode': 'malformed' } }, status: 500, body: { error_code: 'APIG.0601', error_type: 'AUTHORIZER_CONF_FAILURE' } },
  { type: 'THIRD_AUTH_IDENTITIES_FAILURE', path: '/partner', status: 401, body: { error_code: 'APIG.0313', error_type: 'THIRD_AUTH_IDENTITIES_FAILURE' } },
  { type: 'THIRD_AUTH_FAILURE', path: '/partner', init: { headers: { 'X-Token': 'bad' } }, status: 401, body: { error_code: 'APIG.0312', error_type: 'THIRD_AUTH_FAILURE' } },
  { type: 'THIRD_AUTH_CONF_FAILURE', path: '/partner', init: { headers: { 'X-Token': 'broken' } }, status: 500, body: { error_code: 'APIG.0617', error_type: 'THIRD_AUTH_CONF_FAILURE' } },
  { type: 'ACCESS_DENIED', path: '/vault', init: { headers: { ...mobile, 'X-Mode': 'allow' } }, status: 403, body: { error_code: 'APIG.0402', error_type: 'ACCESS_DENIED' } },
  { type: 'BACKEND_TIMEOUT', path: '/items/1', init: { headers: { 'X-Backend': 'slow' } }, status: 503, body: { error: 'BACKEND_TIMEOUT', code: 'APIG.0201', retry: true } },
  // `tour` has no BACKEND_UNAVAILABLE rule: the built-in default body.
  { type: 'BACKEND_UNAVAILABLE', path: '/items/1', init: { headers: { 'X-Backend': 'reset' } }, status: 502, body: { error_code: 'APIG.0201', error_msg: 'Backend unavailable.' } },
  // The proxy's 413: 1.2 MB of text whose JSON escapes (\u0001) make the function's event over Lambda's 6 MB,
  // while API Gateway's event (the body base64-encoded) is not. (API Gateway's own 413 over 10 MB cannot be customised.)
  { type: 'DEFAULT_4XX', path: '/upload', init: { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: Buffer.alloc(1.2 * 1024 * 1024, 1) }, status: 413,
    body: { error_code: 'APIG.0201', error_type: 'DEFAULT_4XX', error_msg: 'Request entity too large.' } },
  // The function backend's ARN is an Fn::ImportValue: no local value, the proxy answers DEFAULT_5XX.
  { type: 'DEFAULT_5XX', path: '/stock/1', status: 500, body: { error_code: 'APIG.0601', error_type: 'DEFAULT_5XX' } },
  // /offers orchestrates `tier` with one list rule (gold, platinum): no none_value, no default rule.
  { type: 'ORCHESTRATION_PARAMETER_NOT_FOUND', path: '/offers', status: 400,
    body: { error_code: 'APIG.0106', error_msg: 'Orchestration error.', error_type: 'ORCHESTRATION_PARAMETER_NOT_FOUND' } },
  { type: 'ORCHESTRATION_FAILURE', path: '/offers?tier=bronze', status: 400,
    body: { error_code: 'APIG.0106', error_msg: 'Orchestration error.', error_type: 'ORCHESTRATION_FAILURE' } },
];

test('the cases cover the 19 response types', () => {
  expect(CASES.map(c => c.type).sort()).toEqual(ResponseType.all().map(t => t.name).sort());
});

test.each(CASES.map(c => [c.type, c] as const))('%s over HTTP: status, rendered body, X-Request-Id', async (type, c) => {
  await c.before?.();
  const r = await call(c.path, c.init);
  expect(r.status).toBe(c.status);
  expect(r.body).toMatchObject(c.body);
  expectRendered(r);
  // The gateway's log names the type (native ones by API Gateway's own type name).
  const entry = s.entries.find(e => e.requestId === r.headers.get('x-request-id'));
  if (entry) { expect(entry.status).toBe(c.status); }
  expect(type).toBe(c.type);
});

test('per-API response selection: the same type, two renderings', async () => {
  // /items/{id} selects `tour` (422, its own body and header); /profile keeps `default` (400).
  const tour = await call('/items/0');
  expect([tour.status, tour.headers.get('x-error-code')]).toEqual([422, 'APIG.0201']);
  expect(tour.body).toMatchObject({ error: 'REQUEST_PARAMETERS_FAILURE', api: 'get-item' });
  const dflt = await call('/profile?fields=phone', { headers: { 'X-Mode': 'allow' } });
  expect([dflt.status, dflt.headers.get('x-error-code')]).toEqual([400, null]);
  expect(dflt.body).toMatchObject({ error_code: 'APIG.0201', error_type: 'REQUEST_PARAMETERS_FAILURE' });
  // A method the path does not declare: `default`, since no API was selected.
  const method = await call('/items/1', { method: 'DELETE' });
  expect([method.status, method.body.error_type]).toEqual([400, 'REQUEST_PARAMETERS_FAILURE']);
});

test('every context variable in one body (the `tour` response\'s ACCESS_DENIED on /vault)', async () => {
  // Two-factor: the app mobile, then the custom authorizer (allow, user alice); then the IP rule denies 127.0.0.1.
  const r = await call('/vault?x=1&y=2', { headers: { ...mobile, 'X-Mode': 'allow' } });
  expect(r.status).toBe(403);
  expect(r.body).toEqual({
    error_code: 'APIG.0402',
    error_msg: 'The IP address is not authorized to access the API.',
    error_type: 'ACCESS_DENIED',
    request_id: r.headers.get('x-request-id'),
    api_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    api_name: 'vault',
    app_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    app_name: 'mobile',
    stage: 'RELEASE',
    source_ip: '127.0.0.1',
    req_path: '/vault',
    req_uri: '/vault?x=1&y=2',
    req_method: 'GET',
    user: 'alice',
    backend_user: '',
    region: 'eu-west-1',
  });
});

test('a custom authorizer\'s context in the body: after an allow, and after a deny', async () => {
  const allowed = await call('/profile?fields=phone', { headers: { 'X-Mode': 'allow' } });
  expect(allowed.body).toMatchObject({ user: 'alice', tier: 'gold' });
  const denied = await call('/profile', { headers: { 'X-Mode': 'deny' } });
  expect(denied.body).toMatchObject({ error_type: 'AUTHORIZER_FAILURE', reason: 'denied-by-showcase' });
  const ok = await call('/profile', { headers: { 'X-Mode': 'allow' } });
  expect([ok.status, ok.text]).toEqual([200, '{"profile":"alice"}']);
});

test('CORS headers on gateway errors: rendered by the proxy and by API Gateway itself, and the preflight', async () => {
  const origin = { Origin: 'https://showcase.example.com' };
  const proxied = await call('/nowhere', { headers: origin });
  expect([proxied.status, proxied.headers.get('access-control-allow-origin')]).toEqual([404, 'https://showcase.example.com']);
  expect(proxied.headers.get('x-amzn-errortype')).toBeNull();
  // An origin the group does not declare gets no CORS header from the proxy.
  expect((await call('/nowhere', { headers: { Origin: 'https://evil.example.com' } })).headers.get('access-control-allow-origin')).toBeNull();
  const native = await call('/reports', { headers: origin });
  expect([native.status, native.headers.get('x-amzn-errortype'), native.headers.get('access-control-allow-origin')])
    .toEqual([401, 'MissingAuthenticationTokenException', 'https://showcase.example.com']);
  const preflight = await fetch(`${s.base}/items/1`, { method: 'OPTIONS', headers: { ...origin, 'Access-Control-Request-Method': 'GET' } });
  expect(preflight.status).toBeLessThan(300);
  expect(preflight.headers.get('access-control-allow-origin')).toBe('https://showcase.example.com');
});

test('a throttled burst: the app\'s usage plan, and the API\'s stage method throttle', async () => {
  // Both native: API Gateway refuses before the proxy runs (x-amzn-ErrorType), rendered from `default`.
  const app = await burst('/orders', 5, { headers: { 'X-Apig-AppCode': APP_CODES.limited } });
  const appThrottled = app.filter(r => r.status === 429);
  expect(appThrottled.length).toBeGreaterThanOrEqual(3);
  expect(appThrottled[0].headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
  expect(appThrottled[0].headers.get('retry-after')).toBe('1');
  expect(appThrottled[0].body).toMatchObject({ error_code: 'APIG.0308', error_type: 'THROTTLED' });
  expectRendered(appThrottled[0]);
  // Another app on the same API is not throttled by `limited`'s plan.
  expect((await call('/orders', { headers: mobile })).status).toBe(200);

  const api = await burst('/limited', 5);
  expect(api.filter(r => r.status === 429).length).toBeGreaterThanOrEqual(3);
  expect(api.find(r => r.status === 429)!.body).toMatchObject({ error_type: 'THROTTLED' });
  // Other APIs are not throttled by /limited's setting.
  expect((await burst('/health', 5)).every(r => r.status === 200)).toBe(true);
});

test('over 10 MB: REQUEST_TOO_LARGE; a proxy event over Lambda\'s 6 MB (4.6 MB of body, base64): API Gateway\'s 413 as well', async () => {
  // Both API Gateway's REQUEST_TOO_LARGE, which cannot be customised: AWS's own body, not the DEFAULT_4XX rule;
  // the second as recorded on AWS: x-amzn-ErrorType BadRequestException, message "Request Too Long".
  const large = await call('/upload', { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1) });
  expect([large.status, large.headers.get('x-amzn-errortype'), large.body]).toEqual([413, 'RequestTooLongException', { message: 'Request Too Long' }]);
  const event = await call('/upload', { method: 'POST', body: Buffer.alloc(4.6 * 1024 * 1024) });
  expect([event.status, event.headers.get('x-amzn-errortype'), event.body]).toEqual([413, 'BadRequestException', { message: 'Request Too Long' }]);
  const small = await call('/upload', { method: 'POST', body: 'hello' });
  expect([small.status, small.text]).toEqual([200, '{"bytes":5}']);
});

test('IAM: without a signature, with a bad one, with a valid SigV4 signature', async () => {
  const missing = await call('/reports');
  expect([missing.status, missing.body.error_code, missing.body.error_type]).toEqual([401, 'APIG.0301', 'AUTH_HEADER_MISSING']);
  expectRendered(missing);
  const headers = await signedHeaders('/reports');
  const ok = await call('/reports', { headers });
  expect([ok.status, ok.text]).toEqual([200, '{"reports":[]}']);
  const tampered = await call('/reports', { headers: { ...headers, authorization: headers.authorization.replace(/Signature=\w{4}/, 'Signature=0000') } });
  expect([tampered.status, tampered.headers.get('x-amzn-errortype'), tampered.body.error_type]).toEqual([401, 'InvalidSignatureException', 'AUTH_FAILURE']);
  expectRendered(tampered);
  // Credentials the gateway does not know: refused as well.
  const stranger = await call('/reports', { headers: await signedHeaders('/reports', { accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'x' }) });
  expect([stranger.status, stranger.body.error_type]).toEqual([401, 'AUTH_FAILURE']);
});

test('one log line per request: method, path, API, status, type, latency', () => {
  expect(s.lines).toContainEqual(expect.stringMatching(/^GET \/vault\?x=1&y=2 vault 403 ACCESS_DENIED \d+ms$/));
  expect(s.lines).toContainEqual(expect.stringMatching(/^GET \/stock\/1 get-stock 500 DEFAULT_5XX \d+ms$/));
});
