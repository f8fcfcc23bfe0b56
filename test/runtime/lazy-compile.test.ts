/**
 * Issue 8: the proxy and the authorizer compile an API's parts (parameters, backend, guard; the
 * authorizer: its authentication) on its first match, not at load, so that a cold start does not
 * grow with the group. A problem confined to one API still fails closed (DEFAULT_5XX), only for
 * that API, and is logged once, when the API is first called.
 */
import { authorizerEvent, proxyEvent } from '../support/events';
import { cleanWorkDirs, loadAuthorizerAsset, loadProxyAsset } from '../support/proxy-harness';
import { document } from './documents';
import { captureLogs, json } from './helpers';

afterEach(() => { jest.restoreAllMocks(); });
afterAll(() => cleanWorkDirs());

const warnings = (lines: string[]) => lines.filter(l => l.includes('"msg":"configuration warning"'));

test('proxy: an API whose parameters cannot be used answers DEFAULT_5XX, the others are served', async () => {
  // why: a malformed parameter list refused the whole document; now only its API fails, closed
  const lines = captureLogs();
  const proxy = await loadProxyAsset(document({
    apis: [
      { id: 'broken', path: '/broken', parameters: [{ name: 'q', in: 'cookie', type: 'STRING', required: true } as never] },
      { id: 'fine', path: '/fine' },
    ],
  }));
  expect(lines.some(l => l.includes('configuration refused'))).toBe(false);
  expect(warnings(lines)).toEqual([]);
  const broken = await proxy.invoke(proxyEvent({ path: '/broken', query: { q: 'x' } }));
  expect(broken.statusCode).toBe(500);
  expect(json(broken).error_code).toBe('APIG.0601'); // DEFAULT_5XX
  expect((await proxy.invoke(proxyEvent({ path: '/fine' }))).statusCode).toBe(200);
  expect((await proxy.invoke(proxyEvent({ path: '/broken' }))).statusCode).toBe(500);
  // Logged once, at the first call, naming the API.
  expect(warnings(lines)).toHaveLength(1);
  expect(warnings(lines)[0]).toMatch(/api broken: parameters not usable/);
});

test('proxy: a backend problem is logged at the API\'s first call, once', async () => {
  const lines = captureLogs();
  const proxy = await loadProxyAsset(document({
    apis: [{ id: 'unset', path: '/unset', backend: { type: 'HTTP', url: { env: 'NOT_SET_ANYWHERE' }, timeoutMs: 1000 } }, { path: '/fine' }],
  }));
  expect(warnings(lines)).toEqual([]);
  expect((await proxy.invoke(proxyEvent({ path: '/fine' }))).statusCode).toBe(200);
  expect(warnings(lines)).toEqual([]);
  for (let i = 0; i < 2; i++) { expect((await proxy.invoke(proxyEvent({ path: '/unset' }))).statusCode).toBe(500); }
  expect(warnings(lines)).toHaveLength(1);
  expect(warnings(lines)[0]).toMatch(/api unset: backend not usable: .*NOT_SET_ANYWHERE/);
});

test('proxy: a route template that cannot be used still refuses the document at load', async () => {
  // why: the router is built lazily, but its templates are checked when it is made
  const lines = captureLogs();
  const proxy = await loadProxyAsset(document({ apis: [{ path: '/files/{key+}/more' }, { path: '/fine' }] }));
  expect(lines.some(l => l.includes('configuration refused') && l.includes('greedy'))).toBe(true);
  expect((await proxy.invoke(proxyEvent({ path: '/fine' }))).statusCode).toBe(500);
});

test('authorizer: an API whose authentication cannot be used gets a DEFAULT_5XX verdict, logged at its first call', async () => {
  const lines = captureLogs();
  const authorizer = loadAuthorizerAsset(document({
    apis: [{ id: 'ghost', path: '/ghost', auth: { type: 'APP', apps: ['nobody'] } }, { id: 'open', path: '/open' }],
  }));
  expect(warnings(lines)).toEqual([]);
  expect((await authorizer.invoke(authorizerEvent({ path: '/open' }))).context?.apigVerdict).toBe('ok');
  expect(warnings(lines)).toEqual([]);
  for (let i = 0; i < 2; i++) {
    expect((await authorizer.invoke(authorizerEvent({ path: '/ghost' }))).context).toMatchObject({ apigVerdict: 'DEFAULT_5XX', apigApi: 'ghost' });
  }
  expect(warnings(lines)).toHaveLength(1);
  expect(warnings(lines)[0]).toMatch(/api ghost: authentication not usable: .*nobody/);
});
