/**
 * IP access control in the built proxy: the group's rule, then the API's; ALLOW and DENY lists of
 * IPv4 and IPv6 CIDR blocks → ACCESS_DENIED (APIG.0402).
 */
import { proxyEvent } from '../support/events';
import { cleanWorkDirs, LoadedProxy, loadProxyAsset } from '../support/proxy-harness';
import { document, revealingRules } from './documents';
import { captureLogs, json } from './helpers';

let proxy: LoadedProxy;

const IP_RULE = { code: 'APIG.0402', message: 'The IP address is not authorized to access the API.' };

beforeAll(async () => {
  proxy = await loadProxyAsset(document({
    defaultRules: revealingRules(),
    responses: { quiet: revealingRules({ ACCESS_DENIED: { status: 404, body: '{"nothing":"here","code":"$context.error.code"}' } }) },
    accessControl: { action: 'DENY', cidrs: ['203.0.113.0/24', '2001:db8:dead::/48', '198.51.100.99'] },
    apis: [
      { id: 'open', path: '/open' },
      { id: 'office', path: '/office', accessControl: { action: 'ALLOW', cidrs: ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', 'fd00::1'] } },
      { id: 'quiet', path: '/quiet', response: 'quiet', accessControl: { action: 'ALLOW', cidrs: ['10.0.0.0/8'] } },
      { id: 'nobody', path: '/nobody', accessControl: { action: 'ALLOW', cidrs: [] } },
      { id: 'extra-deny', path: '/extra-deny', accessControl: { action: 'DENY', cidrs: ['0.0.0.0/0'] } },
      { id: 'app', path: '/app', auth: { type: 'APP', apps: [] } },
    ],
  }));
});
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(() => { cleanWorkDirs(); });

async function call(path: string, sourceIp: string) {
  return proxy.invoke(proxyEvent({ path, sourceIp }));
}

test.each([
  ['/open', '15.248.3.126', 200],
  ['/open', '203.0.113.9', 403],
  ['/open', '198.51.100.99', 403],
  ['/open', '198.51.100.98', 200],
  ['/open', '2001:db8:dead:1::5', 403],
  ['/open', '2001:db8:beef::5', 200],
  ['/open', 'not-an-ip', 200],
  ['/open', '', 200],
  ['/office', '10.1.2.3', 200],
  ['/office', '192.0.2.7', 200],
  ['/office', '192.0.2.8', 403],
  ['/office', '::ffff:10.9.9.9', 200],
  ['/office', '2001:db8:1::1', 200],
  ['/office', 'fd00::1', 200],
  ['/office', 'fd00::2', 403],
  ['/office', '2001:db8:dead::1', 403],
  ['/office', 'not-an-ip', 403],
  ['/office', '', 403],
  ['/office', 'fe80::1%eth0', 403],
  ['/nobody', '10.1.2.3', 403],
  ['/extra-deny', '15.248.3.126', 403],
  ['/extra-deny', '2001:db8:beef::5', 200],
])('%s from %s → %i', async (path, ip, status) => {
  // why: the group's DENY list applies to every API, then each API's own rule (ALLOW = only listed sources)
  const r = await call(path, ip);
  expect(r.statusCode).toBe(status);
  if (status === 403) { expect(json(r)).toMatchObject({ type: 'ACCESS_DENIED', ...IP_RULE }); }
});

test('ACCESS_DENIED is rendered with the API\'s selected response', async () => {
  // why: per-API response selection covers IP rules
  const r = await call('/quiet', '172.16.0.1');
  expect(r.statusCode).toBe(404);
  expect(json(r)).toEqual({ nothing: 'here', code: 'APIG.0402' });
});

test('authentication is checked before access control (DESIGN section 2, steps 2 then 3)', async () => {
  // why: the request path fixes the order, so both handlers answer the same way
  expect(json(await call('/app', '203.0.113.9')).type).toBe('AUTH_FAILURE');
});

test('an IP rule that cannot be used refuses: the group\'s refuses the document, an API\'s answers DEFAULT_5XX', async () => {
  // why: an access rule must never be skipped because it is malformed
  const lines = captureLogs();
  const group = await loadProxyAsset(document({ accessControl: { action: 'DENY', cidrs: ['10.0.0.0/33'] }, apis: [{ path: '/x' }] }));
  expect((await group.invoke(proxyEvent({ path: '/x', sourceIp: '1.2.3.4' }))).statusCode).toBe(500);
  const api = await loadProxyAsset(document({ apis: [{ path: '/x', accessControl: { action: 'DENY', cidrs: ['nonsense'] } }, { path: '/y' }] }));
  expect((await api.invoke(proxyEvent({ path: '/x', sourceIp: '1.2.3.4' }))).statusCode).toBe(500);
  expect((await api.invoke(proxyEvent({ path: '/y', sourceIp: '1.2.3.4' }))).statusCode).toBe(200);
  expect(lines.some(l => l.includes('configuration refused') && l.includes('accessControl'))).toBe(true);
  expect(lines.some(l => l.includes('configuration warning') && l.includes('nonsense'))).toBe(true);
});
