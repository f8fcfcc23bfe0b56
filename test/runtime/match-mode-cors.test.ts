/**
 * MatchMode.PREFIX and per-API CORS through the built proxy, loaded from a synthesized group's cloud
 * assembly as Lambda loads it, against a real HTTP backend on 127.0.0.1 (issue 13 item 5).
 */
import { ApiAuth, Backend, HttpMethod, MatchMode, ParameterType, RequestParameter } from '../../lib';
import { IAM_IDENTITY, proxyEvent } from '../support/events';
import { closeAllServers, echoServer, EchoBody, TestServer } from '../support/http-servers';
import { cleanWorkDirs, LoadedProxy, resultHeader } from '../support/proxy-harness';
import { synthesizeGroup } from '../support/synth-group';
import { captureLogs, json } from './helpers';

let echo: TestServer;
let proxy: LoadedProxy;

beforeAll(async () => {
  echo = await echoServer();
  const synthesized = synthesizeGroup({ groupName: 'prefixes', cors: { allowOrigins: ['https://shop.example.com'] } }, group => {
    const test = group.addEnvironment('TEST');
    const prefix = { matchMode: MatchMode.PREFIX };
    group.addApi('Files', { method: HttpMethod.GET, path: '/files', ...prefix, backend: Backend.http(`${echo.url}/store/?v=1`) });
    group.addApi('FilesExact', { method: HttpMethod.GET, path: '/files', backend: Backend.mock({ body: 'files exact' }) });
    group.addApi('Readme', { method: HttpMethod.GET, path: '/files/readme', backend: Backend.mock({ body: 'readme' }) });
    group.addApi('Docs', { method: HttpMethod.GET, path: '/files/docs', ...prefix, backend: Backend.http(`${echo.url}/docs`) });
    group.addApi('User', { method: HttpMethod.GET, path: '/users/{id}', ...prefix, backend: Backend.http(`${echo.url}/u/{id}`) });
    group.addApi('Upload', { method: HttpMethod.POST, path: '/upload', ...prefix, backend: Backend.mock({ body: 'upload' }) });
    group.addApi('Beta', { method: HttpMethod.GET, path: '/beta', ...prefix, backend: Backend.mock({ body: 'beta' }), environments: [test] });
    group.addApi('Admin', { method: HttpMethod.GET, path: '/admin', ...prefix, backend: Backend.mock({ body: 'admin' }), auth: ApiAuth.iam() });
    group.addApi('Limited', {
      method: HttpMethod.GET, path: '/limited', ...prefix, backend: Backend.mock({ body: 'limited' }), throttle: { rateLimit: 10, burstLimit: 5 },
    });
    group.addApi('Public', {
      method: HttpMethod.GET, path: '/public', backend: Backend.mock({ body: 'public' }), cors: { allowOrigins: ['*'], maxAge: undefined },
      parameters: [RequestParameter.query('q', { type: ParameterType.NUMBER })],
    });
    group.addApi('Private', { method: HttpMethod.GET, path: '/private', backend: Backend.mock({ body: 'private' }) });
  });
  proxy = synthesized.load();
});
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  await closeAllServers();
  cleanWorkDirs();
});

const get = (path: string, extra: Parameters<typeof proxyEvent>[0] = {}) => proxy.invoke(proxyEvent({ path, ...extra }));
const backend = async (path: string, query?: Record<string, string>): Promise<EchoBody> => {
  const r = await get(path, query ? { query } : {});
  expect([path, r.statusCode]).toEqual([path, 200]);
  return json(r) as EchoBody;
};

describe('prefix match', () => {
  test('the path below the prefix is appended to the backend path, before the URL\'s own query', async () => {
    // why: Huawei SWA: /test/ -> /test2/, a call of /test/AA/CC reaches /test2/AA/CC
    expect((await backend('/files/AA/CC')).url).toBe('/store/AA/CC?v=1');
    expect((await backend('/files/a%20b/c', { x: '1' })).url).toBe('/store/a%20b/c?v=1&x=1');
    // the caller's trailing slash is kept below the prefix, never added
    expect((await backend('/files/AA/CC/')).url).toBe('/store/AA/CC/?v=1');
    // an encoded slash stays inside its segment
    expect((await backend('/files/a%2Fb')).url).toBe('/store/a%2Fb?v=1');
  });

  test('exact beats prefix on the same path; an exact API below wins its own path only', async () => {
    expect((await get('/files')).body).toBe('files exact');
    expect((await get('/files/readme')).body).toBe('readme');
    // below the exact /files/readme, the prefix /files serves
    expect((await backend('/files/readme/more')).url).toBe('/store/readme/more?v=1');
  });

  test('the longest prefix wins', async () => {
    expect((await backend('/files/docs')).url).toBe('/docs');
    expect((await backend('/files/docs/guide/intro')).url).toBe('/docs/guide/intro');
  });

  test('whole segments only: /files never serves /filesX', async () => {
    const r = await get('/filesX/a');
    expect([r.statusCode, json(r).error_code]).toEqual([404, 'APIG.0101']);
  });

  test('path parameters in a prefix take one segment; the rest is the remainder', async () => {
    expect((await backend('/users/7/orders/3')).url).toBe('/u/7/orders/3');
    expect((await backend('/users/7')).url).toBe('/u/7');
  });

  test('another method under the prefix: method not supported', async () => {
    // why: the path is served (by POST /upload), the method is not
    expect((await proxy.invoke(proxyEvent({ method: 'POST', path: '/upload/a/b' }))).body).toBe('upload');
    const r = await get('/upload/a/b');
    expect([r.statusCode, json(r).error_msg]).toEqual([400, 'API request error. Method "GET" is not supported on this path.']);
  });

  test('a prefix API exists only in the environments that publish it', async () => {
    expect((await get('/beta/x', { stage: 'TEST' })).body).toBe('beta');
    expect((await get('/beta/x', { stage: 'RELEASE' })).statusCode).toBe(404);
  });

  test.each(['/files/a/%2E%2E/admin', '/files/..%2Fsecret', '/files/a/.', '/files/%252e%252e/x'])(
    'a dot segment below the prefix never reaches the backend: %s', async path => {
      const before = echo.requests.length;
      const r = await get(path);
      expect([r.statusCode, json(r).error_code]).toEqual([400, 'APIG.0201']);
      expect(json(r).error_msg).toMatch(/below the API's prefix must not hold a "\." or "\.\." segment/);
      expect(echo.requests.length).toBe(before);
    });
});

describe('an exposed PREFIX API is served only through its own resources', () => {
  const through = (path: string, resource: string, pathParameters: Record<string, string> | null, iam = false) =>
    proxy.invoke({ ...proxyEvent({ path, iam }), resource, pathParameters } as any);

  test('IAM prefix: its own resources serve it; the catch-all does not, even with an IAM identity in the event', async () => {
    expect((await through('/admin', '/admin', null, true)).body).toBe('admin');
    expect((await through('/admin/a/b', '/admin/{proxy+}', { proxy: 'a/b' }, true)).body).toBe('admin');
    const refused = await through('/admin/a/b', '/{proxy+}', { proxy: 'admin/a/b' }, true);
    expect([refused.statusCode, json(refused).error_code]).toEqual([404, 'APIG.0101']);
    expect(IAM_IDENTITY.userArn).toBeDefined();
  });

  test('throttled prefix: through the catch-all its throttle was skipped, so it is refused', async () => {
    expect((await through('/limited/x', '/limited/{proxy+}', { proxy: 'x' })).body).toBe('limited');
    expect((await through('/limited/x', '/{proxy+}', { proxy: 'limited/x' })).statusCode).toBe(404);
    expect((await through('/limited', '/', null)).statusCode).toBe(404);
  });
});

describe('per-API CORS', () => {
  const ORIGIN = { origin: 'https://elsewhere.example' };
  const SHOP = { origin: 'https://shop.example.com' };

  test('the API\'s responses and its gateway errors carry its own CORS headers', async () => {
    // why: Huawei's per-API CORS (x-apigateway-cors: true) adds Access-Control-Allow-Origin: *
    const ok = await get('/public', { headers: ORIGIN });
    expect([ok.body, resultHeader(ok, 'Access-Control-Allow-Origin')]).toEqual(['public', '*']);
    const error = await get('/public', { query: { q: 'abc' }, headers: ORIGIN });
    expect([error.statusCode, resultHeader(error, 'Access-Control-Allow-Origin')]).toEqual([400, '*']);
  });

  test('the group\'s CORS is untouched for the other APIs', async () => {
    const other = await get('/private', { headers: ORIGIN });
    expect(resultHeader(other, 'Access-Control-Allow-Origin')).toBeUndefined();
    const shop = await get('/private', { headers: SHOP });
    expect(resultHeader(shop, 'Access-Control-Allow-Origin')).toBe('https://shop.example.com');
    const missing = await get('/nowhere', { headers: SHOP });
    expect([missing.statusCode, resultHeader(missing, 'Access-Control-Allow-Origin')]).toEqual([404, 'https://shop.example.com']);
  });

  test('a preflight on the API\'s path is answered with its CORS; on another path with the group\'s', async () => {
    const preflight = (path: string, headers: Record<string, string>) =>
      proxy.invoke(proxyEvent({ method: 'OPTIONS', path, headers: { ...headers, 'access-control-request-method': 'GET' } }));
    const own = await preflight('/public', ORIGIN);
    expect([own.statusCode, resultHeader(own, 'Access-Control-Allow-Origin')]).toEqual([204, '*']);
    expect(resultHeader(own, 'Access-Control-Allow-Methods')).toBe('GET,POST,PUT,DELETE,HEAD,PATCH,OPTIONS');
    const group = await preflight('/private', ORIGIN);
    expect([group.statusCode, resultHeader(group, 'Access-Control-Allow-Origin')]).toEqual([204, undefined]);
    const shop = await preflight('/private', SHOP);
    expect(resultHeader(shop, 'Access-Control-Allow-Origin')).toBe('https://shop.example.com');
  });
});
