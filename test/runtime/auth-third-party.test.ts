/**
 * Third-party authorizers on the built assets: the authorizer calling real HTTP auth services on
 * 127.0.0.1, chained into the proxy as API Gateway runs them.
 */
import * as http from 'http';
import * as net from 'net';
import type { ConfigDocument, ThirdPartyAuthorizerDocument } from '../../lib/private/config-document';
import { closeAllServers, closedPort, startServer, TestServer } from '../support/http-servers';
import { cleanWorkDirs, loadGroupAssets, LocalGatewayChain } from '../support/proxy-harness';
import { defaultsOf, document, revealingRules } from './documents';
import { captureLogs, expectNoSecretIn, json, shiftableClock } from './helpers';

let service: TestServer;
let slow: TestServer;
let gw: LocalGatewayChain;
let doc: ConfigDocument;
let closed: number;

/**
 * The auth service: decides on the `x-token` header. `good` → 200 (with `X-Auth-Result: pass`),
 * `fail-match` → 200 with `X-Auth-Result: fail`, `bad` → 401, `forbidden` → 403, `down` → 503,
 * `error` → 500, `moved` → 302, anything else → 401.
 */
function decide(req: http.IncomingMessage, res: http.ServerResponse): void {
  const token = req.headers['x-token'];
  const send = (status: number, headers: Record<string, string> = {}) => { res.writeHead(status, headers); res.end(`status ${status}`); };
  switch (token) {
    case 'good': return send(200, { 'X-Auth-Result': 'pass' });
    case 'fail-match': return send(200, { 'X-Auth-Result': 'fail' });
    case 'no-match-header': return send(204);
    case 'forbidden': return send(403);
    case 'down': return send(503);
    case 'error': return send(500);
    case 'moved': return send(302, { Location: '/elsewhere' });
    default: return send(401);
  }
}

function thirdParty(name: string, url: string, overrides: Partial<ThirdPartyAuthorizerDocument> = {}): ThirdPartyAuthorizerDocument {
  return {
    name,
    url,
    method: 'GET',
    identities: [{ in: 'header', name: 'X-Token' }, { in: 'query', name: 'tenant', validation: 't[0-9]+' }],
    timeoutMs: 300,
    simpleMode: true,
    relaxed: false,
    ttlSeconds: 0,
    ...overrides,
  };
}

beforeAll(async () => {
  service = await startServer(decide);
  slow = await startServer((req, res) => {
    const timer = setTimeout(() => decide(req, res), 2000);
    res.on('close', () => clearTimeout(timer));
  });
  closed = await closedPort();
  const authorizers: Record<string, ThirdPartyAuthorizerDocument> = {
    simple: thirdParty('simple', `${service.url}/auth/check?source=apig`),
    match: thirdParty('match', `${service.url}/auth/match`, { method: 'POST', simpleMode: false, matchHeader: { name: 'x-auth-result', value: 'pass' } }),
    cached: thirdParty('cached', `${service.url}/auth/cached`, { ttlSeconds: 60 }),
    unreachable: thirdParty('unreachable', `http://127.0.0.1:${closed}/auth`),
    tls: thirdParty('tls', `https://127.0.0.1:${service.port}/auth`),
    slow: thirdParty('slow', `${slow.url}/auth`),
  };
  for (const name of ['simple', 'unreachable', 'tls', 'slow']) {
    authorizers[`relaxed-${name}`] = { ...authorizers[name], name: `relaxed-${name}`, relaxed: true };
  }
  doc = document({
    defaultRules: revealingRules(),
    responses: { loud: revealingRules({ THIRD_AUTH_FAILURE: { status: 418, body: '{"loud":"$context.error.type"}' } }) },
    thirdPartyAuthorizers: authorizers,
    apis: [
      ...Object.keys(authorizers).map(name => ({ id: name, path: `/${name}`, auth: { type: 'THIRD_PARTY' as const, thirdPartyAuthorizer: name } })),
      { id: 'loud', path: '/loud', response: 'loud', auth: { type: 'THIRD_PARTY', thirdPartyAuthorizer: 'simple' } },
    ],
  });
  captureLogs();
  gw = await loadGroupAssets(doc);
  jest.restoreAllMocks();
});
beforeEach(() => {
  captureLogs();
  service.requests.length = 0;
});
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  await closeAllServers();
  cleanWorkDirs();
});

const withToken = (token: string) => ({ headers: { 'X-Token': token, 'X-Other': 'not forwarded' }, query: { tenant: 't1', other: 'no' } });

test('a 2xx allows (simple mode); the service gets exactly the identity headers and query parameters', async () => {
  // why: Huawei forwards the declared identity sources, nothing else, to the auth service
  const { result, authorization } = await gw.request({ path: '/simple', ...withToken('good') });
  expect(result.statusCode).toBe(200);
  expect(authorization?.context).toEqual({ apigVerdict: 'ok', apigApi: 'simple', apigApiName: expect.any(String) });
  expect(service.requests).toHaveLength(1);
  const seen = service.requests[0];
  expect(seen.method).toBe('GET');
  expect(seen.url).toBe('/auth/check?source=apig&tenant=t1');
  expect(Object.keys(seen.headers).sort()).toEqual(['connection', 'host', 'x-token']);
  expect(seen.headers['x-token']).toBe('good');
});

test('THIRD_AUTH_IDENTITIES_FAILURE: an identity source missing, empty or failing its validation', async () => {
  // why: without its identities the service is not called (APIG.0313)
  for (const options of [{ query: { tenant: 't1' } }, { headers: { 'X-Token': 'good' } }, { headers: { 'X-Token': '' }, query: { tenant: 't1' } },
    { headers: { 'X-Token': 'good' }, query: { tenant: 'x1' } }]) {
    const { result } = await gw.request({ path: '/simple', ...options });
    expect(result.statusCode).toBe(401);
    expect(json(result)).toMatchObject({ type: 'THIRD_AUTH_IDENTITIES_FAILURE', ...defaultsOf('THIRD_AUTH_IDENTITIES_FAILURE') });
  }
  expect(service.requests).toHaveLength(0);
});

test('THIRD_AUTH_FAILURE: a 4xx from the service', async () => {
  // why: the service rejected the caller (APIG.0312)
  for (const token of ['bad', 'forbidden']) {
    const { result } = await gw.request({ path: '/simple', ...withToken(token) });
    expect(result.statusCode).toBe(401);
    expect(json(result)).toMatchObject({ type: 'THIRD_AUTH_FAILURE', ...defaultsOf('THIRD_AUTH_FAILURE') });
  }
});

test('THIRD_AUTH_FAILURE is rendered with the API\'s selected response', async () => {
  // why: per-API responses cover third-party errors too
  const { result } = await gw.request({ path: '/loud', ...withToken('bad') });
  expect(result.statusCode).toBe(418);
  expect(json(result)).toEqual({ loud: 'THIRD_AUTH_FAILURE' });
});

test('without simple mode a 2xx allows only with the match header; POST as configured', async () => {
  // why: header-match mode lets a service answer 200 for both outcomes
  const ok = await gw.request({ path: '/match', ...withToken('good') });
  expect(ok.result.statusCode).toBe(200);
  expect(service.requests[0].method).toBe('POST');
  expect(service.requests[0].headers['content-length']).toBe('0');
  for (const token of ['fail-match', 'no-match-header']) {
    expect(json((await gw.request({ path: '/match', ...withToken(token) })).result).type).toBe('THIRD_AUTH_FAILURE');
  }
});

test.each([
  ['a 5xx', '/simple', 'down'],
  ['a 500', '/simple', 'error'],
  ['a redirect (not followed)', '/simple', 'moved'],
  ['an unreachable service', '/unreachable', 'good'],
  ['a TLS failure', '/tls', 'good'],
  ['a timeout', '/slow', 'good'],
])('THIRD_AUTH_CONF_FAILURE: %s', async (_what, path, token) => {
  // why: the service could not give an answer (APIG.0617)
  const started = Date.now();
  const { result } = await gw.request({ path, ...withToken(token) });
  expect(result.statusCode).toBe(500);
  expect(json(result)).toMatchObject({ type: 'THIRD_AUTH_CONF_FAILURE', ...defaultsOf('THIRD_AUTH_CONF_FAILURE') });
  expect(Date.now() - started).toBeLessThan(1500);
});

test.each([
  ['a 5xx', '/relaxed-simple', 'down'],
  ['an unreachable service', '/relaxed-unreachable', 'good'],
  ['a TLS failure', '/relaxed-tls', 'good'],
  ['a timeout', '/relaxed-slow', 'good'],
])('relaxed mode lets the request through on %s', async (_what, path, token) => {
  // why: Huawei's relaxed mode passes requests when the auth service fails
  const { result, authorization } = await gw.request({ path, ...withToken(token) });
  expect(result.statusCode).toBe(200);
  expect(authorization?.context?.apigVerdict).toBe('ok');
});

test('relaxed mode does not let a rejected caller (4xx) or missing identities through', async () => {
  // why: relaxed mode is about an unusable service, not about its answer
  expect(json((await gw.request({ path: '/relaxed-simple', ...withToken('bad') })).result).type).toBe('THIRD_AUTH_FAILURE');
  expect(json((await gw.request({ path: '/relaxed-simple' })).result).type).toBe('THIRD_AUTH_IDENTITIES_FAILURE');
});

test('results are cached per identity values for the TTL; failures are not', async () => {
  // why: the service is called once per caller per TTL, not per request
  const fresh = await loadGroupAssets(doc);
  for (let i = 0; i < 3; i++) { expect((await fresh.request({ path: '/cached', ...withToken('good') })).result.statusCode).toBe(200); }
  for (let i = 0; i < 2; i++) { expect(json((await fresh.request({ path: '/cached', ...withToken('bad') })).result).type).toBe('THIRD_AUTH_FAILURE'); }
  expect(service.requests).toHaveLength(2);
  for (let i = 0; i < 2; i++) { await fresh.request({ path: '/cached', ...withToken('down') }); }
  expect(service.requests).toHaveLength(4);
  const clock = shiftableClock();
  clock.advance(61_000);
  await fresh.request({ path: '/cached', ...withToken('good') });
  expect(service.requests).toHaveLength(5);
  // TTL 0: every request calls the service.
  service.requests.length = 0;
  for (let i = 0; i < 3; i++) { await fresh.request({ path: '/simple', ...withToken('good') }); }
  expect(service.requests).toHaveLength(3);
});

test('no log line holds identity values', async () => {
  // why: identity values are credentials
  const lines = captureLogs();
  await gw.request({ path: '/simple', headers: { 'X-Token': 'good' }, query: { tenant: 't777123' } });
  await gw.request({ path: '/simple', headers: { 'X-Token': 'secret-bad-token' }, query: { tenant: 't777123' } });
  expect(lines.length).toBeGreaterThan(0);
  expectNoSecretIn(lines, ['t777123', 'secret-bad-token']);
});

describe('a service that answers only with an interim (1xx) response', () => {
  /** A raw TCP server on 127.0.0.1 writing `reply` to each request, then closing the connection or not. */
  async function rawService(reply: string, close: boolean): Promise<{ url: string; server: net.Server }> {
    const server = net.createServer(socket => {
      socket.on('error', () => { /* the client may reset */ });
      socket.once('data', () => {
        socket.write(reply);
        if (close) { socket.end(); }
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/auth`, server };
  }

  const SWITCHING = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
  const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

  test.each([
    ['101 Switching Protocols, connection kept open', SWITCHING, false],
    ['101 Switching Protocols, then closed', SWITCHING, true],
    ['a bare 100 Continue, then closed', CONTINUE, true],
  ])('%s: THIRD_AUTH_CONF_FAILURE at once, also in relaxed mode', async (_what, reply, close) => {
    // why: a 1xx is no answer to an auth request; waiting for the timeout would hold the caller for nothing
    const raw = await rawService(reply as string, close as boolean);
    try {
      const strict = thirdParty('raw', raw.url, { timeoutMs: 5000 });
      const rawDoc = document({
        defaultRules: revealingRules(),
        thirdPartyAuthorizers: { strict, relaxed: { ...strict, name: 'relaxed', relaxed: true } },
        apis: [
          { id: 'strict', path: '/strict', auth: { type: 'THIRD_PARTY', thirdPartyAuthorizer: 'strict' } },
          { id: 'relaxed', path: '/relaxed', auth: { type: 'THIRD_PARTY', thirdPartyAuthorizer: 'relaxed' } },
        ],
      });
      const rawGw = await loadGroupAssets(rawDoc);
      for (const path of ['/strict', '/relaxed']) {
        const started = Date.now();
        const { result } = await rawGw.request({ path, ...withToken('good') });
        expect(json(result)).toMatchObject({ type: 'THIRD_AUTH_CONF_FAILURE', ...defaultsOf('THIRD_AUTH_CONF_FAILURE') });
        expect(Date.now() - started).toBeLessThan(2500);
      }
    } finally {
      raw.server.close();
    }
  });
});
