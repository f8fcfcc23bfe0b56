/**
 * CORS: the group's headers on backend answers and gateway errors alike (a browser must be able
 * to read an error), and preflights answered for the paths the group serves.
 */
import type { CorsDocument } from '../../lib/private/config-document';
import { proxyEvent } from '../support/events';
import { closeAllServers, startServer, TestServer } from '../support/http-servers';
import { cleanWorkDirs, LoadedProxy, loadProxyAsset, resultHeader } from '../support/proxy-harness';
import { document, http, mock } from './documents';
import { captureLogs } from './helpers';

let backend: TestServer;

beforeAll(async () => {
  backend = await startServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Vary': 'Accept-Encoding', 'Access-Control-Allow-Origin': 'https://backend-choice.example' });
    res.end('from backend');
  });
});
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  await closeAllServers();
  cleanWorkDirs();
});

function proxyWith(cors: CorsDocument): Promise<LoadedProxy> {
  return loadProxyAsset(document({
    cors,
    apis: [
      { path: '/mock' },
      { path: '/http', backend: http(backend.url) },
      { method: 'OPTIONS', path: '/own-options', backend: mock('own options', 200) },
      { method: 'GET', path: '/own-options' },
    ],
  }));
}

const ORIGIN = 'https://shop.example.com';
const LIST: CorsDocument = { allowOrigins: [ORIGIN], allowCredentials: true, exposeHeaders: ['X-Request-Id', 'X-Total'] };

describe('a list of origins, with credentials', () => {
  let proxy: LoadedProxy;
  beforeAll(async () => { proxy = await proxyWith(LIST); });

  test.each([
    ['a mock backend answer', '/mock', 200],
    ['an HTTP backend answer', '/http', 200],
    ['a gateway error (NOT_FOUND)', '/unknown', 404],
  ])('%s carries the CORS headers for an allowed origin', async (_what, path, status) => {
    // why: without them the browser hides the response, errors included, from the page
    const r = await proxy.invoke(proxyEvent({ path, headers: { Origin: ORIGIN } }));
    expect(r.statusCode).toBe(status);
    expect(resultHeader(r, 'Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(resultHeader(r, 'Access-Control-Allow-Credentials')).toBe('true');
    expect(resultHeader(r, 'Access-Control-Expose-Headers')).toBe('X-Request-Id, X-Total');
    expect(resultHeader(r, 'Vary')).toMatch(/(^|, )Origin$/);
    expect(resultHeader(r, 'X-Request-Id')).toBeDefined();
  });

  test('the backend\'s Vary is kept and Origin added; its own allow-origin is replaced', async () => {
    const r = await proxy.invoke(proxyEvent({ path: '/http', headers: { origin: ORIGIN } }));
    expect(resultHeader(r, 'Vary')).toBe('Accept-Encoding, Origin');
    expect(resultHeader(r, 'Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(Object.keys(r.headers ?? {}).filter(k => k.toLowerCase() === 'access-control-allow-origin')).toHaveLength(1);
  });

  test('another origin, or none, gets no allow-origin but still Vary: Origin', async () => {
    // why: a shared cache must not serve one origin's answer to another
    for (const headers of [{ Origin: 'https://evil.example' }, {}] as Array<Record<string, string>>) {
      const r = await proxy.invoke(proxyEvent({ path: '/mock', headers }));
      expect(resultHeader(r, 'Access-Control-Allow-Origin')).toBeUndefined();
      expect(resultHeader(r, 'Access-Control-Allow-Credentials')).toBeUndefined();
      expect(resultHeader(r, 'Vary')).toBe('Origin');
    }
  });

  test('a preflight on a served path is answered 204 with the allow-* headers', async () => {
    // why: browsers send one before any non-simple request, and no API declares OPTIONS
    const r = await proxy.invoke(proxyEvent({
      method: 'OPTIONS', path: '/mock', headers: { 'Origin': ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-apig-appcode' },
    }));
    expect(r.statusCode).toBe(204);
    expect(resultHeader(r, 'Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(resultHeader(r, 'Access-Control-Allow-Methods')).toBe('DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT');
    expect(resultHeader(r, 'Access-Control-Allow-Headers')).toBe('content-type,x-apig-appcode');
    expect(resultHeader(r, 'X-Request-Id')).toBeDefined();
  });

  test('a preflight goes to an API that declares OPTIONS itself; on an unknown path it is NOT_FOUND', async () => {
    const preflight = { 'Origin': ORIGIN, 'Access-Control-Request-Method': 'GET' };
    expect((await proxy.invoke(proxyEvent({ method: 'OPTIONS', path: '/own-options', headers: preflight }))).body).toBe('own options');
    expect((await proxy.invoke(proxyEvent({ method: 'OPTIONS', path: '/unknown', headers: preflight }))).statusCode).toBe(404);
  });
});

test('`*` without credentials answers `*` to anyone, with no Vary', async () => {
  const proxy = await proxyWith({ allowOrigins: ['*'], allowCredentials: false, exposeHeaders: [] });
  const r = await proxy.invoke(proxyEvent({ path: '/unknown', headers: { Origin: 'https://any.example' } }));
  expect(resultHeader(r, 'Access-Control-Allow-Origin')).toBe('*');
  expect(resultHeader(r, 'Access-Control-Allow-Credentials')).toBeUndefined();
  expect(resultHeader(r, 'Access-Control-Expose-Headers')).toBeUndefined();
  expect(resultHeader(r, 'Vary')).toBeUndefined();
});

test('`*` with credentials echoes the origin (browsers refuse `*` with credentials)', async () => {
  const proxy = await proxyWith({ allowOrigins: ['*'], allowCredentials: true, exposeHeaders: [] });
  const r = await proxy.invoke(proxyEvent({ path: '/mock', headers: { Origin: 'https://any.example' } }));
  expect(resultHeader(r, 'Access-Control-Allow-Origin')).toBe('https://any.example');
  expect(resultHeader(r, 'Vary')).toBe('Origin');
});

test('configured preflight methods, headers and max age are used', async () => {
  const proxy = await proxyWith({ ...LIST, allowMethods: ['GET', 'POST'], allowHeaders: ['Content-Type'], maxAgeSeconds: 600 });
  const r = await proxy.invoke(proxyEvent({ method: 'OPTIONS', path: '/http', headers: { 'Origin': ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-other' } }));
  expect(r.headers).toMatchObject({ 'Access-Control-Allow-Methods': 'GET,POST', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '600' });
});

test('without cors in the document, no CORS headers and no preflight handling', async () => {
  const proxy = await loadProxyAsset(document({ apis: [{ path: '/mock' }] }));
  const r = await proxy.invoke(proxyEvent({ path: '/mock', headers: { Origin: ORIGIN } }));
  expect(resultHeader(r, 'Access-Control-Allow-Origin')).toBeUndefined();
  const pre = await proxy.invoke(proxyEvent({ method: 'OPTIONS', path: '/mock', headers: { 'Origin': ORIGIN, 'Access-Control-Request-Method': 'GET' } }));
  expect(pre.statusCode).toBe(400);
});
