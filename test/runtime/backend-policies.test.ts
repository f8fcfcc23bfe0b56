/**
 * Backend policies (Huawei: conditional backends), declared with the constructs, synthesized, and
 * run by the proxy from the cloud assembly as Lambda loads it, against real servers on 127.0.0.1:
 * each condition kind, ALL and ANY, first match wins, fallback to the API's own backend, each
 * policy's own timeout, and values that never match (repeated, too long).
 */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Api, ApiAuth, Backend, BackendParameter, HttpMethod, ParameterLocation, PolicyCondition, PolicyEffect, RequestParameter } from '../../lib';
import { proxyEvent } from '../support/events';
import { closeAllServers, slowServer, startServer, TestServer } from '../support/http-servers';
import { cleanWorkDirs, LoadedProxy } from '../support/proxy-harness';
import { synthesizeGroup } from '../support/synth-group';
import { captureLogs, json, timed } from './helpers';

/** A backend that answers 200 with its name and the path it received. */
function namedServer(name: string): Promise<TestServer> {
  return startServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ backend: name, url: req.url }));
  });
}

let main: TestServer;
let beta: TestServer;
let gamma: TestServer;
let slow: TestServer;
let proxy: LoadedProxy;
let authorized: LoadedProxy;
let apis: Record<string, Api>;
let logs: string[];

beforeAll(async () => {
  [main, beta, gamma, slow] = await Promise.all([namedServer('main'), namedServer('beta'), namedServer('gamma'), slowServer(1500)]);
  const synthesized = synthesizeGroup({ groupName: 'policies' }, group => {
    apis = {
      orders: group.addApi('Orders', {
        method: HttpMethod.ANY, path: '/orders/{id}',
        parameters: [RequestParameter.query('tier'), RequestParameter.header('X-Client')],
        backend: Backend.http(`${main.url}/main/{id}`),
        backendPolicies: [
          // ALL: both must hold.
          { policyName: 'gold_mobile', backend: Backend.http(`${beta.url}/beta/{id}`),
            conditions: [PolicyCondition.parameter('tier', { exact: 'gold' }), PolicyCondition.parameter('X-Client', { oneOf: ['ios', 'android'] })] },
          // ANY: one is enough. Also matches gold+mobile requests, but comes second.
          { policyName: 'office_or_canary', effect: PolicyEffect.ANY, backend: Backend.http(`${gamma.url}/gamma/{id}`),
            conditions: [PolicyCondition.sourceIp(['10.1.0.0/16', '2001:db8::/32']), PolicyCondition.parameter('id', { pattern: '^canary-[0-9]+$' }),
              PolicyCondition.parameter('tier', { exact: 'gold' })] },
          { policyName: 'deletes', backend: Backend.http(`${gamma.url}/deletes/{id}`),
            conditions: [PolicyCondition.system('$context.reqMethod', { exact: 'DELETE' })] },
          { policyName: 'legacy_path', backend: Backend.http(`${gamma.url}/legacy/{id}`),
            conditions: [PolicyCondition.system('reqPath', { pattern: '^/orders/old-' })] },
        ],
      }),
      timed: group.addApi('Timed', {
        method: HttpMethod.GET, path: '/timed', parameters: [RequestParameter.query('mode')],
        backend: Backend.http(`${slow.url}/default`, { timeout: Duration.seconds(5) }),
        backendPolicies: [{ policyName: 'impatient', backend: Backend.http(`${slow.url}/impatient`, { timeout: Duration.millis(200) }),
          conditions: [PolicyCondition.parameter('mode', { exact: 'impatient' })] }],
      }),
      params: group.addApi('Params', {
        method: HttpMethod.GET, path: '/params', parameters: [RequestParameter.query('v')],
        backend: Backend.http(`${main.url}/main`, { parameters: [BackendParameter.constant('X-Invoke-User', 'main', { location: ParameterLocation.HEADER })] }),
        backendPolicies: [{ policyName: 'version2', conditions: [PolicyCondition.parameter('v', { exact: '2' })],
          backend: Backend.http(`${beta.url}/beta`, { parameters: [
            BackendParameter.constant('X-Invoke-User', 'policy', { location: ParameterLocation.HEADER }),
            BackendParameter.request('v', { name: 'version', location: ParameterLocation.QUERY }),
          ] }) }],
      }),
      poly: group.addApi('Poly', {
        method: HttpMethod.GET, path: '/poly', parameters: [RequestParameter.query('q')],
        backend: Backend.http(`${main.url}/main`),
        // Accepted at synth (no nested quantifier), but polynomial: it runs under the time limit.
        backendPolicies: [{ policyName: 'poly', backend: Backend.http(`${beta.url}/beta`),
          conditions: [PolicyCondition.parameter('q', { pattern: '(.*a){8}b' })] }],
      }),
    };
  });
  proxy = synthesized.load();
  // A group with a custom authorizer: its APIs are reached through their own resources.
  authorized = synthesizeGroup({ groupName: 'authorized' }, (group, stack) => {
    const authFn = new lambda.Function(stack, 'AuthFn', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})'),
    });
    const authorizer = group.addCustomAuthorizer('tiers', { handler: authFn });
    apis.mocked = group.addApi('Mocked', {
      method: HttpMethod.GET, path: '/mocked', auth: ApiAuth.custom(authorizer),
      backend: Backend.mock({ body: 'standard' }),
      backendPolicies: [{ policyName: 'premium', backend: Backend.mock({ body: 'premium' }),
        conditions: [PolicyCondition.system('$context.authorizer.frontend.plan', { oneOf: ['gold', 'platinum'] })] }],
    });
  }).load();
});
beforeEach(() => { logs = captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  await closeAllServers();
  cleanWorkDirs();
});

async function backendOf(event: Parameters<typeof proxyEvent>[0]): Promise<string> {
  const r = await proxy.invoke(proxyEvent(event));
  expect(r.statusCode).toBe(200);
  // The path the backend received (the query string is forwarded as well, and not what is compared here).
  return `${json(r).backend} ${String(json(r).url).split('?')[0]}`;
}

describe('conditions and effects', () => {
  test('no policy holds: the API\'s own backend answers', async () => {
    expect(await backendOf({ path: '/orders/7', sourceIp: '192.0.2.1' })).toBe('main /main/7');
    expect(await backendOf({ path: '/orders/7', query: { tier: 'silver' }, headers: { 'X-Client': 'ios' } })).toBe('main /main/7');
  });

  test('ALL: every condition must hold (a parameter compared with exact, a header with oneOf)', async () => {
    expect(await backendOf({ path: '/orders/7', query: { tier: 'gold' }, headers: { 'X-Client': 'android' }, sourceIp: '192.0.2.1' }))
      .toBe('beta /beta/7');
  });

  test('first match wins: a request both policies accept goes to the first', async () => {
    // gold alone satisfies the ANY policy (second); gold + mobile satisfies the first too.
    expect(await backendOf({ path: '/orders/7', query: { tier: 'gold' }, sourceIp: '192.0.2.1' })).toBe('gamma /gamma/7');
    expect(await backendOf({ path: '/orders/7', query: { tier: 'gold' }, headers: { 'X-Client': 'ios' }, sourceIp: '10.1.2.3' })).toBe('beta /beta/7');
  });

  test('ANY: the source IP (IPv4 and IPv6 blocks) or a path parameter matched against a pattern is enough', async () => {
    expect(await backendOf({ path: '/orders/7', sourceIp: '10.1.200.9' })).toBe('gamma /gamma/7');
    expect(await backendOf({ path: '/orders/7', sourceIp: '2001:db8::1' })).toBe('gamma /gamma/7');
    expect(await backendOf({ path: '/orders/7', sourceIp: '10.2.0.1' })).toBe('main /main/7');
    expect(await backendOf({ path: '/orders/canary-12', sourceIp: '192.0.2.1' })).toBe('gamma /gamma/canary-12');
    expect(await backendOf({ path: '/orders/canary-12x', sourceIp: '192.0.2.1' })).toBe('main /main/canary-12x');
  });

  test('a path parameter is compared decoded, as validated', async () => {
    expect(await backendOf({ path: '/orders/%63anary-3', sourceIp: '192.0.2.1' })).toBe('gamma /gamma/canary-3');
  });

  test('system variables: the method, the request path', async () => {
    expect(await backendOf({ method: 'DELETE', path: '/orders/7', sourceIp: '192.0.2.1' })).toBe('gamma /deletes/7');
    expect(await backendOf({ method: 'GET', path: '/orders/old-7', sourceIp: '192.0.2.1' })).toBe('gamma /legacy/old-7');
  });

  test('a frontend authorizer\'s context key: a mock policy backend answers', async () => {
    const verdict = { apigVerdict: 'ok', apigApi: apis.mocked.apiId };
    const call = (plan: string) => authorized.invoke({ ...proxyEvent({ path: '/mocked', authorizer: { ...verdict, frontend_plan: plan } }), resource: '/mocked' });
    const premium = await call('gold');
    expect([premium.statusCode, premium.body]).toEqual([200, 'premium']);
    const standard = await call('bronze');
    expect([standard.statusCode, standard.body]).toEqual([200, 'standard']);
  });
});

test('a policy\'s backend has its own backend parameters (constant, request), a caller cannot override them', async () => {
  expect(await backendOf({ path: '/params', query: { v: '2' }, headers: { 'X-Invoke-User': 'caller' } })).toBe('beta /beta');
  const received = beta.requests.at(-1)!;
  expect(received.headers['x-invoke-user']).toBe('policy');
  expect(received.url).toBe('/beta?version=2');
  expect(await backendOf({ path: '/params', query: { v: '1' }, headers: { 'X-Invoke-User': 'caller' } })).toBe('main /main');
  expect(main.requests.at(-1)!.headers['x-invoke-user']).toBe('main');
});

describe('values that never match', () => {
  test('a parameter sent twice matches no condition (which value would count is ambiguous)', async () => {
    expect(await backendOf({ path: '/orders/7', query: { tier: ['gold', 'gold'] }, headers: { 'X-Client': 'ios' }, sourceIp: '192.0.2.1' }))
      .toBe('main /main/7');
    expect(await backendOf({ path: '/orders/7', query: { tier: 'gold' }, headers: { 'X-Client': ['ios', 'ios'] }, sourceIp: '192.0.2.1' }))
      .toBe('gamma /gamma/7');
  });

  test('a value longer than 1024 characters is not compared, and a pattern cannot make the proxy spin', async () => {
    const long = `canary-${'1'.repeat(1100)}`;
    const { value, ms } = await timed(() => backendOf({ path: `/orders/${long}`, sourceIp: '192.0.2.1' }));
    expect(value).toBe(`main /main/${long}`);
    expect(ms).toBeLessThan(1000);
  });

  test('a pattern with several ambiguous parts is cut off after 50 ms and does not match', async () => {
    expect(await backendOf({ path: '/poly', query: { q: 'xaaaaaaaab' } })).toBe('beta /beta');
    const { value, ms } = await timed(() => backendOf({ path: '/poly', query: { q: 'a'.repeat(1000) } }));
    expect(value).toBe('main /main');
    expect(ms).toBeLessThan(1000);
    expect(logs.some(l => l.includes('"policy pattern timed out"') && l.includes('"policy":"poly"'))).toBe(true);
  });
});

describe('each backend keeps its own timeout', () => {
  test('the policy\'s 200 ms: BACKEND_TIMEOUT while the API\'s backend would wait 5 s', async () => {
    const { value: r, ms } = await timed(() => proxy.invoke(proxyEvent({ path: '/timed', query: { mode: 'impatient' } })));
    expect(r.statusCode).toBe(504);
    expect(json(r)).toMatchObject({ error_code: 'APIG.0201' });
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(ms).toBeLessThan(1200);
    expect(slow.requests.at(-1)?.url).toBe('/impatient?mode=impatient');
  });

  test('the API\'s own backend waits its 5 s for the same slow server', async () => {
    const r = await proxy.invoke(proxyEvent({ path: '/timed' }));
    expect([r.statusCode, r.body]).toEqual([200, 'late']);
    expect(slow.requests.at(-1)?.url).toBe('/default');
  });
});
