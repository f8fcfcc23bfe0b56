/**
 * Where the built proxy cuts text it puts into a header or a message, it cuts between characters:
 * half of a surrogate pair is no character (not encodable in UTF-8).
 */
import { proxyEvent } from '../support/events';
import { closeAllServers, EchoBody, echoServer } from '../support/http-servers';
import { cleanWorkDirs, loadProxyAsset, resultHeader } from '../support/proxy-harness';
import { document, http } from './documents';
import { captureLogs, json } from './helpers';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const EMOJI = '\u{1F600}';

beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  await closeAllServers();
  cleanWorkDirs();
});

test('a rendered header value over 1024 characters is cut before a pair, not inside it', async () => {
  // why: the 1024th UTF-16 unit can be the first half of an emoji from the authorizer's context
  const proxy = await loadProxyAsset(document({
    apis: [{ path: '/x' }],
    defaultRules: { NOT_FOUND: { headers: { 'X-Who': '$context.authorizer.frontend.name' } } },
  }));
  const name = `${'a'.repeat(1023)}${EMOJI}tail`;
  const r = await proxy.invoke(proxyEvent({ path: '/nope', authorizer: { frontend_name: name } }));
  const value = resultHeader(r, 'X-Who')!;
  expect(LONE_SURROGATE.test(value)).toBe(false);
  expect(value).toBe('a'.repeat(1023));
  const whole = await proxy.invoke(proxyEvent({ path: '/nope', authorizer: { frontend_name: `${'a'.repeat(1022)}${EMOJI}` } }));
  expect(resultHeader(whole, 'X-Who')).toBe(`${'a'.repeat(1022)}${EMOJI}`);
});

test('an authorizer context value forwarded to a backend as a header is cut the same way', async () => {
  const echo = await echoServer();
  const proxy = await loadProxyAsset(document({
    apis: [{ path: '/x', backend: { ...http(`${echo.url}/x`), contextHeaders: { 'X-User': 'name' } } as never }],
  }));
  const r = await proxy.invoke(proxyEvent({ path: '/x', authorizer: { frontend_name: `${'\u00e9'.repeat(1023)}${EMOJI}` } }));
  expect(r.statusCode).toBe(200);
  // Cut before the emoji, the value is Latin-1 and can be sent; half an emoji could not.
  expect((JSON.parse(r.body) as EchoBody).headers['x-user']).toBe('\u00e9'.repeat(1023));
});

test('a long method named in the "not supported" message is cut between characters', async () => {
  const proxy = await loadProxyAsset(document({ apis: [{ path: '/x' }] }));
  const r = await proxy.invoke(proxyEvent({ method: `${'A'.repeat(31)}${EMOJI}B`, path: '/x' }));
  expect(r.statusCode).toBe(400);
  expect(json(r).error_msg).toBe(`API request error. Method "${'A'.repeat(31)}..." is not supported on this path.`);
});
