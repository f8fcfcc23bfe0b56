/**
 * Routing: the proxy receives every request (catch-all and synthesized ANY methods) and must
 * pick the API from the request's own method and path.
 */
import { proxyEvent } from '../support/events';
import { cleanWorkDirs, LoadedProxy, loadProxyAsset } from '../support/proxy-harness';
import { document } from './documents';
import { captureLogs, json } from './helpers';

let proxy: LoadedProxy;

beforeAll(async () => {
  proxy = await loadProxyAsset(document({
    apis: [
      { method: 'GET', path: '/orders' },
      { method: 'GET', path: '/orders/{id}' },
      { method: 'ANY', path: '/orders/{id}' },
      { method: 'GET', path: '/orders/latest' },
      { method: 'GET', path: '/orders/{id}/items/{item}' },
      { method: 'GET', path: '/files/{key+}' },
      { method: 'GET', path: '/files/special' },
      { method: 'DELETE', path: '/users/me' },
      { method: 'GET', path: '/users/{id}' },
      { method: 'GET', path: '/caf\u00e9' },
    ],
  }));
});
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(() => { cleanWorkDirs(); });

async function routeOf(method: string, path: string): Promise<string> {
  const r = await proxy.invoke(proxyEvent({ method, path }));
  return r.statusCode === 200 ? r.body : `${r.statusCode} ${json(r).error_code}`;
}

test.each([
  // why: a static segment is more specific than a parameter
  ['GET', '/orders/latest', 'GET /orders/latest'],
  ['GET', '/orders/42', 'GET /orders/{id}'],
  // why: a declared method beats ANY on the same path; other methods fall to ANY
  ['DELETE', '/orders/42', 'ANY /orders/{id}'],
  ['GET', '/orders/42/items/7', 'GET /orders/{id}/items/{item}'],
  // why: a greedy parameter takes one or more segments, after static and {param} candidates
  ['GET', '/files/a/b/c.txt', 'GET /files/{key+}'],
  ['GET', '/files/special', 'GET /files/special'],
  ['GET', '/files/special/more', 'GET /files/{key+}'],
  // why: a trailing slash is not a different resource
  ['GET', '/orders/', 'GET /orders'],
  ['GET', '/orders/42/', 'GET /orders/{id}'],
  // why: API Gateway sends the path percent-encoded; routes are declared decoded
  ['GET', '/orders/l%61test', 'GET /orders/latest'],
  ['GET', '/caf%C3%A9', 'GET /caf\u00e9'],
  // why: a path whose static route lacks the method falls through to a matching {param} route
  ['GET', '/users/me', 'GET /users/{id}'],
  ['DELETE', '/users/me', 'DELETE /users/me'],
])('%s %s → %s', async (method, path, expected) => {
  expect(await routeOf(method, path)).toBe(expected);
});

test('an unknown path is NOT_FOUND (404, APIG.0101)', async () => {
  // why: the catch-all turns unknown routes into the group's NOT_FOUND, not AWS's 403
  expect(await routeOf('GET', '/nothing/here')).toBe('404 APIG.0101');
  // a greedy parameter needs at least one segment
  expect(await routeOf('GET', '/files')).toBe('404 APIG.0101');
  expect(await routeOf('GET', '/orders/42/items')).toBe('404 APIG.0101');
});

test('a known path with an undeclared method is REQUEST_PARAMETERS_FAILURE naming the method', async () => {
  // why: Huawei reports an unsupported method as a parameter error (400), not as NOT_FOUND
  const r = await proxy.invoke(proxyEvent({ method: 'POST', path: '/orders' }));
  expect(r.statusCode).toBe(400);
  expect(json(r)).toMatchObject({ error_code: 'APIG.0201', error_msg: 'API request error. Method "POST" is not supported on this path.' });
});

test('routing follows the resource and its parameters; event.path only keeps the client\'s encoding', async () => {
  // why: requests reach the proxy through the catch-all or a parent's ANY; the resource locates the API-relative path
  const event = { ...proxyEvent({ path: '/orders/latest' }), resource: '/orders/{id}', pathParameters: { id: 'latest' } };
  expect((await proxy.invoke(event)).body).toBe('GET /orders/latest');
  // A path that does not account for its resource is never routed on as it is (behind a custom domain it
  // carries the base path, issue 14 item 7): the path is rebuilt from what API Gateway matched.
  const unfit = { ...proxyEvent({ path: '/nope' }), resource: '/orders', pathParameters: null };
  expect((await proxy.invoke(unfit)).body).toBe('GET /orders');
});

test('malformed percent-encoding and empty segments do not crash routing', async () => {
  // why: the proxy must never throw, whatever the path
  expect(await routeOf('GET', '/orders/%E0%A4%A')).toBe('GET /orders/{id}');
  expect(await routeOf('GET', '/orders//items/1')).toBe('404 APIG.0101');
  expect(await routeOf('GET', '')).toBe('404 APIG.0101');
});
