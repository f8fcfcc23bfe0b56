/**
 * No `.` or `..` segment that the declared backend path does not hold may reach an HTTP backend,
 * whatever the encoding: the built proxy in front of a real server on 127.0.0.1 that records the
 * raw request-target it received.
 */
import { proxyEvent } from '../support/events';
import { closeAllServers, echoServer, TestServer } from '../support/http-servers';
import { cleanWorkDirs, LoadedProxy, loadProxyAsset } from '../support/proxy-harness';
import { document, http } from './documents';
import { captureLogs, json } from './helpers';

let backend: TestServer;
let proxy: LoadedProxy;

beforeAll(async () => {
  backend = await echoServer();
  proxy = await loadProxyAsset(document({
    apis: [
      { path: '/pub/{key+}', backend: http(`${backend.url}/public/{key}`) },
      { path: '/items/{id}', backend: http(`${backend.url}/v1/items/{id}/detail`) },
      { path: '/prefixed/{id}', backend: http(`${backend.url}/v1/.{id}`) },
      { path: '/search/{term}', backend: http(`${backend.url}/search?term={term}`) },
      { path: '/fixed/{id}', backend: http(`${backend.url}/fixed`) },
      { path: '/declared/{id}', backend: http(`${backend.url}/a/../b/{id}`) },
    ],
  }));
});
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  await closeAllServers();
  cleanWorkDirs();
});

/** The request-target the backend received for `path`, or the gateway error the proxy answered. */
async function received(path: string, query?: Record<string, string>): Promise<string> {
  const before = backend.requests.length;
  const r = await proxy.invoke(proxyEvent({ path, query }));
  if (r.statusCode !== 200) {
    expect(backend.requests.length).toBe(before);
    const body = json(r);
    return `${r.statusCode} ${body.error_code} ${body.error_msg}`;
  }
  return backend.requests[backend.requests.length - 1].url;
}

const refusedId = '400 APIG.0201 API request error. Parameter "id" in path must not hold a "." or ".." segment.';
const refusedKey = '400 APIG.0201 API request error. Parameter "key" in path must not hold a "." or ".." segment.';

test.each([
  '..', '.', '%2e%2e', '%2E%2E', '%2e', '.%2e', '%2e.',
  // a separator hidden in the value: servers that decode %2F or treat "\" as "/" before resolving
  '..%2Fsecret', '%2e%2e%2fsecret', 'a%2F..%2Fb', '..%5Csecret', 'a%5C..',
  // double encoding, Tomcat's "..;", a NUL some C servers stop at
  '%252e%252e', '%25252E%25252E', '..;', '..%3Bjsessionid=1', '..%00', '%2e%2e%00.txt',
])('a path parameter %s becoming a dot segment is REQUEST_PARAMETERS_FAILURE naming it; the backend is not called', async value => {
  // why: the backend would resolve it and serve a path outside the API's backend path
  expect(await received(`/items/${value}`)).toBe(refusedId);
});

test.each([
  'a/../b', 'a/%2e%2e/b', '../private/x', 'a/%2E/b', 'a/..', 'a/%2e%2e%2fb', 'a%2F..%2Fb', '%252e%252e/x', 'a/..%5Cb',
])('a greedy parameter with a dot segment (%s) is refused', async value => {
  // why: /pub/{key+} → /public/{key} must not read what another API serves
  expect(await received(`/pub/${value}`)).toBe(refusedKey);
});

test('a value joined to declared text is checked as the whole segment it makes', async () => {
  // `/v1/.{id}`: "env" makes `.env`, "." makes `..`
  expect(await received('/prefixed/env')).toBe('/v1/.env');
  expect(await received('/prefixed/.')).toBe(refusedId);
  expect(await received('/prefixed/%2e')).toBe(refusedId);
});

test.each([
  ['/items/...', '/v1/items/.../detail'],
  ['/items/.env', '/v1/items/.env/detail'],
  ['/items/a..b', '/v1/items/a..b/detail'],
  ['/items/..a', '/v1/items/..a/detail'],
  ['/pub/a/b.c/.well-known', '/public/a/b.c/.well-known'],
  ['/pub/a%20b/c%2Fd', '/public/a%20b/c%2Fd'],
])('names with dots that are not dot segments pass: %s → %s', async (path, target) => {
  expect(await received(path)).toBe(target);
});

test('dots in the query string, or in a value placed in the backend query, stay query text', async () => {
  expect(await received('/items/1', { p: '../x', q: '..' })).toBe('/v1/items/1/detail?p=..%2Fx&q=..');
  expect(await received('/search/..')).toBe('/search?term=..');
  expect(await received('/search/%2e%2e%2fadmin')).toBe('/search?term=..%2Fadmin');
});

test('a value the backend URL does not use, and dot segments the declaration itself holds, are not refused', async () => {
  expect(await received('/fixed/..')).toBe('/fixed');
  expect(await received('/declared/1')).toBe('/a/../b/1');
  expect(await received('/declared/..')).toBe(refusedId);
});
