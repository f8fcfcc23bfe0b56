/**
 * Custom authorizers (Huawei's FunctionGraph contract) on the built assets: the user's function
 * invoked through the real `@aws-sdk/client-lambda` client against a local endpoint speaking the
 * Lambda Invoke API. CUSTOM and APP + custom run in the authorizer; IAM + custom in the proxy.
 */
import type { ConfigDocument, CustomAuthorizerDocument } from '../../lib/private/config-document';
import { closeAllServers, echoServer, EchoBody, TestServer } from '../support/http-servers';
import { functionArn, lambdaEnv, LocalLambda, startLocalLambda } from '../support/local-lambda';
import { LocalSecretsManager, secretArn, secretsManagerEnv, startLocalSecretsManager } from '../support/local-secrets-manager';
import { cleanWorkDirs, loadGroupAssets, LocalGatewayChain } from '../support/proxy-harness';
import { appCode, defaultsOf, document, fn, http, revealingRules } from './documents';
import { captureLogs, expectNoSecretIn, json, setEnv, shiftableClock } from './helpers';

const MOBILE = appCode('mobile-two-factor', 90);
const TOKEN = 'tok1';

let sm: LocalSecretsManager;
let functions: LocalLambda;
let echo: TestServer;
let restoreEnv: () => void;
let gw: LocalGatewayChain;
let doc: ConfigDocument;

// Unref'd: the slow function outlives the authorizer's timeout and must not keep jest alive.
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms).unref());

const allow = (context: Record<string, unknown> = {}) => ({ statusCode: 200, body: JSON.stringify({ status: 'allow', context }) });
const deny = (context: Record<string, unknown> = {}) => ({ statusCode: 200, body: JSON.stringify({ status: 'deny', context }) });

/** Functions that break the contract, each with the reason the authorizer must see it as failed. */
const BROKEN: Record<string, () => unknown> = {
  'status-500': () => ({ statusCode: 500, body: JSON.stringify({ status: 'allow' }) }),
  'status-string': () => ({ statusCode: '200', body: JSON.stringify({ status: 'allow' }) }),
  'body-not-json': () => ({ statusCode: 200, body: 'allow' }),
  'body-object': () => ({ statusCode: 200, body: { status: 'allow' } }),
  'status-maybe': () => ({ statusCode: 200, body: JSON.stringify({ status: 'maybe' }) }),
  'context-nested': () => allow({ user: { id: 1 } }),
  'context-array': () => ({ statusCode: 200, body: JSON.stringify({ status: 'allow', context: ['a'] }) }),
  'context-null-value': () => allow({ user: null }),
  'context-bad-key': () => allow({ '1st': 'x' }),
  'context-long-key': () => allow({ [`k${'x'.repeat(32)}`]: 'x' }),
  'context-too-large': () => allow({ big: 'x'.repeat(5000) }),
  'not-an-object': () => 'allow',
  'throws': () => { throw new Error('authorizer crashed'); },
  'slow': async () => { await sleep(2000); return allow(); },
};
const NOT_REGISTERED = 'no-such-function';

function authorizer(name: string, overrides: Partial<CustomAuthorizerDocument> = {}): CustomAuthorizerDocument {
  return {
    name,
    functionArn: functionArn(name),
    identities: [{ in: 'header', name: 'X-Token', validation: '[a-z0-9]{4,16}' }, { in: 'query', name: 'tenant' }],
    ttlSeconds: 0,
    relaxed: false,
    timeoutMs: 300,
    ...overrides,
  };
}

const FAILING = [...Object.keys(BROKEN), NOT_REGISTERED];

beforeAll(async () => {
  [sm, functions, echo] = await Promise.all([startLocalSecretsManager(), startLocalLambda(), echoServer()]);
  sm.put('mobile', JSON.stringify({ appCode: MOBILE }));
  functions.register('main', (event: any) => {
    const token = event.headers['x-token'];
    if (token === 'nope') { return deny({ code: 'DENIED_BY_POLICY', reason: 'token revoked', 'user-id': 'u-9' }); }
    return allow({ user: `u-${token}`, code: 'c-ok', level: 3, admin: false, 'user-id': 'u-1' });
  });
  functions.register('counting', (event: any) => (event.headers['x-token'] === 'deny' ? deny({ code: 'counted' }) : allow({ code: 'counted' })));
  functions.register('record', () => allow());
  // Denies by path, as a user's function may: it must see the path the API was matched on.
  functions.register('by-path', (event: any) => (event.path === '/guarded/admin' ? deny({ code: 'admin-path' }) : allow()));
  for (const [name, handler] of Object.entries(BROKEN)) { functions.register(name, handler); }
  functions.register('backend-fn', (event: any) => ({ statusCode: 200, body: JSON.stringify({ authorizer: event.requestContext.authorizer }) }));
  restoreEnv = setEnv({ ...lambdaEnv(functions.endpoint), ...secretsManagerEnv(sm.endpoint) });
  const customAuthorizers: Record<string, CustomAuthorizerDocument> = {
    main: authorizer('main'),
    counting: authorizer('counting', { ttlSeconds: 60, identities: [{ in: 'header', name: 'X-Token' }] }),
    uncached: { ...authorizer('counting', { ttlSeconds: 0, identities: [{ in: 'header', name: 'X-Token' }] }), name: 'uncached' },
    record: authorizer('record', { userData: '{"tier":"gold"}', identities: [] }),
    'by-path': authorizer('by-path', { identities: [] }),
    // Several ambiguous parts, no nested quantifier: allowed, run under the time limit.
    'polynomial': authorizer('record', { identities: [{ in: 'header', name: 'X-Token', validation: '(.*a){8}b' }] }),
    // Exponential: the synth side refuses it; a hand-written document holding it leaves the API unusable.
    'exponential': authorizer('record', { identities: [{ in: 'header', name: 'X-Token', validation: '(a+)+' }] }),
  };
  for (const name of FAILING) {
    customAuthorizers[name] = authorizer(name, { identities: [] });
    customAuthorizers[`relaxed-${name}`] = authorizer(name, { identities: [], relaxed: true });
  }
  doc = document({
    defaultRules: revealingRules(),
    responses: { custom: revealingRules({ AUTHORIZER_FAILURE: { status: 403, body: '{"denied":"$context.authorizer.frontend.reason","user":"$context.authorizer.frontend.user-id"}' } }) },
    apps: { mobile: { id: 'app-mobile', name: 'Mobile', secretArn: secretArn('mobile') } },
    customAuthorizers,
    apis: [
      { id: 'orders', path: '/orders/{id}', backend: http(`${echo.url}/orders/{id}`), auth: { type: 'CUSTOM', customAuthorizer: 'main' } },
      { id: 'selected', path: '/selected', response: 'custom', auth: { type: 'CUSTOM', customAuthorizer: 'main' } },
      {
        id: 'forwarding', path: '/forwarding', auth: { type: 'CUSTOM', customAuthorizer: 'main' },
        backend: { ...http(`${echo.url}/forwarding`), contextHeaders: { 'X-User': 'user', 'X-User-Id': 'user-id', 'X-Missing': 'nothing' } } as any,
      },
      { id: 'counting', path: '/counting', auth: { type: 'CUSTOM', customAuthorizer: 'counting' } },
      { id: 'uncached', path: '/uncached', auth: { type: 'CUSTOM', customAuthorizer: 'uncached' } },
      { id: 'record', method: 'POST', path: '/record/{kind}/{rest+}', auth: { type: 'CUSTOM', customAuthorizer: 'record' } },
      { id: 'guarded-admin', path: '/guarded/admin', auth: { type: 'CUSTOM', customAuthorizer: 'by-path' } },
      { id: 'polynomial', path: '/polynomial', auth: { type: 'CUSTOM', customAuthorizer: 'polynomial' } },
      { id: 'exponential', path: '/exponential', auth: { type: 'CUSTOM', customAuthorizer: 'exponential' } },
      ...FAILING.flatMap(name => [
        { id: `f-${name}`, path: `/failing/${name}`, auth: { type: 'CUSTOM' as const, customAuthorizer: name } },
        { id: `r-${name}`, path: `/relaxed/${name}`, auth: { type: 'CUSTOM' as const, customAuthorizer: `relaxed-${name}` } },
      ]),
      { id: 'two-factor', path: '/two-factor', auth: { type: 'APP', apps: ['mobile'], customAuthorizer: 'main' } },
      { id: 'iam', path: '/iam', auth: { type: 'IAM' } },
      { id: 'iam-custom', path: '/iam-custom', auth: { type: 'IAM', customAuthorizer: 'main' } },
      { id: 'iam-custom-fn', path: '/iam-custom-fn', backend: fn(functionArn('backend-fn')), auth: { type: 'IAM', customAuthorizer: 'main' } },
      { id: 'iam-custom-broken', path: '/iam-custom-broken', auth: { type: 'IAM', customAuthorizer: 'throws' } },
    ],
  });
  captureLogs();
  gw = await loadGroupAssets(doc);
  jest.restoreAllMocks();
});
beforeEach(() => {
  captureLogs();
  functions.invocations.length = 0;
});
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  restoreEnv();
  await Promise.all([sm.close(), functions.close(), closeAllServers()]);
  cleanWorkDirs();
});

const identified = { headers: { 'X-Token': TOKEN }, query: { tenant: 't1' } };

describe('CUSTOM', () => {
  test('allow: the backend is reached and the context is published as frontend_<key> strings', async () => {
    // why: Huawei's allow lets the request through with the function's context
    const { result, authorization } = await gw.request({ path: '/orders/7', ...identified });
    expect(result.statusCode).toBe(200);
    expect((JSON.parse(result.body) as EchoBody).path).toBe('/orders/7');
    expect(authorization?.context).toEqual({
      apigVerdict: 'ok', apigApi: 'orders', apigApiName: expect.any(String),
      frontend_user: `u-${TOKEN}`, frontend_code: 'c-ok', frontend_level: '3', frontend_admin: 'false', frontend_user_id: 'u-1',
    });
  });

  test('allow: context keys are forwarded to an HTTP backend as the declared headers, and a caller cannot forge them', async () => {
    // why: Huawei maps the frontend authorizer's context into backend parameters; the backend trusts them
    const { result } = await gw.request({ path: '/forwarding', headers: { ...identified.headers, 'X-User': 'mallory', 'X-Missing': 'forged' }, query: identified.query });
    expect(result.statusCode).toBe(200);
    const seen = JSON.parse(result.body) as EchoBody;
    expect(seen.headers['x-user']).toBe(`u-${TOKEN}`);
    expect(seen.headers['x-user-id']).toBe('u-1');
    expect(seen.headers['x-missing']).toBeUndefined();
  });

  test('AUTHORIZER_IDENTITIES_FAILURE: an identity source missing, empty or failing its validation', async () => {
    // why: the function is not called without its identities (DESIGN section 7)
    const cases = [
      { query: { tenant: 't1' } },
      { headers: { 'X-Token': '' }, query: { tenant: 't1' } },
      { headers: { 'X-Token': TOKEN } },
      { headers: { 'X-Token': TOKEN }, query: { tenant: '' } },
      { headers: { 'X-Token': 'UPPER' }, query: { tenant: 't1' } },
      { headers: { 'X-Token': 'abc' }, query: { tenant: 't1' } },
      { headers: { 'X-Token': `${TOKEN}\n` }, query: { tenant: 't1' } },
      { headers: { 'X-Token': 'a'.repeat(17) }, query: { tenant: 't1' } },
    ];
    for (const c of cases) {
      const { result } = await gw.request({ path: '/orders/1', ...c });
      expect(result.statusCode).toBe(401);
      expect(json(result)).toMatchObject({ type: 'AUTHORIZER_IDENTITIES_FAILURE', ...defaultsOf('AUTHORIZER_IDENTITIES_FAILURE') });
    }
    expect(functions.invocations).toHaveLength(0);
    // Header names are case-insensitive.
    expect((await gw.request({ path: '/orders/1', headers: { 'x-TOKEN': TOKEN }, query: { tenant: 't1' } })).result.statusCode).toBe(200);
  });

  // Issue 14 item 6: a validation pattern must not let a caller make the authorizer spin.
  test('identity validation: an exponential pattern is refused (the API answers DEFAULT_5XX), a polynomial one is cut off, long values fail', async () => {
    const exponential = await gw.request({ path: '/exponential', headers: { 'X-Token': `${'a'.repeat(30)}!` } });
    expect(exponential.result.statusCode).toBe(500);
    expect(exponential.result.body).toContain('DEFAULT_5XX');
    // 1000 "a": matching would take far longer than the limit; cut off, it does not match.
    const slow = await gw.request({ path: '/polynomial', headers: { 'X-Token': 'a'.repeat(1000) } });
    expect([slow.result.statusCode, json(slow.result).type]).toEqual([401, 'AUTHORIZER_IDENTITIES_FAILURE']);
    const long = await gw.request({ path: '/polynomial', headers: { 'X-Token': `${'a'.repeat(5000)}b` } });
    expect([long.result.statusCode, json(long.result).type]).toEqual([401, 'AUTHORIZER_IDENTITIES_FAILURE']);
    // A value the pattern matches still passes.
    const ok = await gw.request({ path: '/polynomial', headers: { 'X-Token': 'aaaaaaaab' } });
    expect(ok.result.statusCode).toBe(200);
    expect(functions.invocations).toHaveLength(1);
  });

  test('AUTHORIZER_FAILURE: deny, with its context readable as $context.authorizer.frontend.<key>', async () => {
    // why: Huawei renders a deny with the function's context (e.g. its own code)
    const { result, authorization } = await gw.request({ path: '/orders/1', headers: { 'X-Token': 'nope' }, query: { tenant: 't1' } });
    expect(result.statusCode).toBe(500);
    expect(json(result)).toMatchObject({ type: 'AUTHORIZER_FAILURE', ...defaultsOf('AUTHORIZER_FAILURE'), frontendCode: 'DENIED_BY_POLICY' });
    expect(authorization?.context).toMatchObject({ apigVerdict: 'AUTHORIZER_FAILURE', frontend_code: 'DENIED_BY_POLICY' });
    expect(echo.requests.filter(r => r.url === '/orders/1')).toHaveLength(0);
  });

  test('the API\'s selected response renders a deny, keys with "-" included', async () => {
    // why: per-API responses apply to authorizer errors, and `user-id` travels as frontend_user_id
    const { result } = await gw.request({ path: '/selected', headers: { 'X-Token': 'nope' }, query: { tenant: 't1' } });
    expect(result.statusCode).toBe(403);
    expect(json(result)).toEqual({ denied: 'token revoked', user: 'u-9' });
  });

  test.each(FAILING)('AUTHORIZER_CONF_FAILURE: %s', async name => {
    // why: non-200, malformed output, invoke error and timeout are the authorizer's configuration failure (500 APIG.0601)
    const { result, authorization } = await gw.request({ path: `/failing/${name}` });
    expect(result.statusCode).toBe(500);
    expect(json(result)).toMatchObject({ type: 'AUTHORIZER_CONF_FAILURE', ...defaultsOf('AUTHORIZER_CONF_FAILURE'), frontendCode: '' });
    expect(Object.keys(authorization?.context ?? {}).sort()).toEqual(['apigApi', 'apigApiName', 'apigVerdict']);
  });

  test.each(FAILING)('relaxed mode lets the request through with an empty context: %s', async name => {
    // why: Huawei's relaxed mode ("auth downgrade") passes requests when the function fails
    const { result, authorization } = await gw.request({ path: `/relaxed/${name}` });
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe(`GET /relaxed/${name}`);
    expect(authorization?.context).toEqual({ apigVerdict: 'ok', apigApi: `r-${name}`, apigApiName: `GET /relaxed/${name}` });
  });

  test('the timeout is the authorizer\'s: a slow function fails after timeoutMs, not after it answers', async () => {
    // why: a hanging authorizer must not hold the request
    const started = Date.now();
    await gw.request({ path: '/failing/slow' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  test('relaxed mode does not turn a deny into an allow', async () => {
    // why: relaxed mode is about failures only; "deny" is an answer
    const relaxedDeny = await loadGroupAssets({
      ...doc,
      customAuthorizers: { ...doc.customAuthorizers, main: { ...doc.customAuthorizers!.main, relaxed: true } },
    });
    const { result } = await relaxedDeny.request({ path: '/orders/1', headers: { 'X-Token': 'nope' }, query: { tenant: 't1' } });
    expect(json(result).type).toBe('AUTHORIZER_FAILURE');
  });

  test('the function receives the FunctionGraph event: headers, query, path, method, path parameters, request context, user_data', async () => {
    // why: DESIGN section 7 fixes the contract user functions are written against
    await gw.request({
      method: 'POST', path: '/record/books/a/b%20c', headers: { 'X-Custom': 'v', 'X-Apig-AppCode': MOBILE }, query: { q: ['1', '2'] },
      requestId: 'rid-record', sourceIp: '198.51.100.4', body: '{"not":"sent"}',
    });
    expect(functions.invocations).toHaveLength(1);
    const { event, invocationType, functionName } = functions.invocations[0];
    expect(functionName).toBe(functionArn('record'));
    expect(invocationType).toBe('RequestResponse');
    expect(event).toEqual({
      headers: expect.objectContaining({ 'x-custom': 'v', 'host': 'abc123defg.execute-api.eu-west-1.amazonaws.com' }),
      queryStringParameters: { q: '1' },
      // The path the API was matched on (decoded, as the router decodes it), and the API's template.
      path: '/record/books/a/b c',
      httpMethod: 'POST',
      pathParameters: { kind: 'books', rest: 'a/b c' },
      requestContext: { requestId: 'rid-record', sourceIp: '198.51.100.4', stage: 'RELEASE', apiId: 'record', resourcePath: '/record/{kind}/{rest+}' },
      user_data: '{"tier":"gold"}',
    });
    // The caller's AppCode is not the function's business.
    expect(JSON.stringify(event)).not.toContain(MOBILE);
  });

  // Issue 14 item 2: told the raw path `/guarded/%61dmin`, a function denying `/guarded/admin` allowed it,
  // and the proxy, routing on the decoded path, served /guarded/admin.
  test.each(['/guarded/admin', '/guarded/%61dmin', '/guarded/adm%69n/'])('a function that denies by path sees the path the API was matched on: %s', async path => {
    const { result } = await gw.request({ path });
    expect(functions.invocations.map(i => (i.event as { path: string }).path)).toEqual(['/guarded/admin']);
    expect(result.statusCode).toBe(500);
    expect(result.body).toContain('AUTHORIZER_FAILURE');
  });
});

describe('the result cache', () => {
  test('one invoke for repeated identity values within the TTL; new values and expiry invoke again', async () => {
    // why: Huawei caches results per identity values for the TTL (0-3600 s)
    const fresh = await loadGroupAssets(doc);
    for (let i = 0; i < 3; i++) {
      const { result, authorization } = await fresh.request({ path: '/counting', headers: { 'X-Token': 'same' } });
      expect(result.statusCode).toBe(200);
      expect(authorization?.context?.frontend_code).toBe('counted');
    }
    expect(functions.invocations).toHaveLength(1);
    await fresh.request({ path: '/counting', headers: { 'X-Token': 'other' } });
    expect(functions.invocations).toHaveLength(2);
    const clock = shiftableClock();
    clock.advance(61_000);
    await fresh.request({ path: '/counting', headers: { 'X-Token': 'same' } });
    expect(functions.invocations).toHaveLength(3);
  });

  test('a deny is cached too, with its context', async () => {
    // why: a cached result is the function's answer, whichever it was
    const fresh = await loadGroupAssets(doc);
    for (let i = 0; i < 3; i++) {
      const { result } = await fresh.request({ path: '/counting', headers: { 'X-Token': 'deny' } });
      expect(json(result)).toMatchObject({ type: 'AUTHORIZER_FAILURE', frontendCode: 'counted' });
    }
    expect(functions.invocations).toHaveLength(1);
  });

  test('TTL 0 invokes the function for every request', async () => {
    // why: 0 means no cache
    for (let i = 0; i < 3; i++) { await gw.request({ path: '/uncached', headers: { 'X-Token': 'same' } }); }
    expect(functions.invocations).toHaveLength(3);
  });

  test('failures are not cached', async () => {
    // why: a transient failure must not be served for the whole TTL
    let fail = true;
    functions.register('flaky', () => (fail ? { statusCode: 503, body: '' } : allow({ code: 'recovered' })));
    const flaky = await loadGroupAssets({
      ...doc,
      customAuthorizers: { ...doc.customAuthorizers, counting: authorizer('flaky', { ttlSeconds: 60, identities: [{ in: 'header', name: 'X-Token' }] }) },
    });
    expect(json((await flaky.request({ path: '/counting', headers: { 'X-Token': 'same' } })).result).type).toBe('AUTHORIZER_CONF_FAILURE');
    fail = false;
    expect((await flaky.request({ path: '/counting', headers: { 'X-Token': 'same' } })).authorization?.context?.frontend_code).toBe('recovered');
    expect((await flaky.request({ path: '/counting', headers: { 'X-Token': 'same' } })).authorization?.context?.frontend_code).toBe('recovered');
    expect(functions.invocations).toHaveLength(2);
  });
});

describe('APP + custom (two-factor)', () => {
  test('the app is checked first: no AppCode or a wrong one never calls the function', async () => {
    // why: Huawei's two-factor mode adds the custom authorizer on top of app authentication
    expect(json((await gw.request({ path: '/two-factor', ...identified })).result).type).toBe('AUTH_HEADER_MISSING');
    expect(json((await gw.request({ path: '/two-factor', ...identified, headers: { 'X-Token': TOKEN, 'X-Apig-AppCode': appCode('wrong') } })).result).type)
      .toBe('AUTH_FAILURE');
    expect(functions.invocations).toHaveLength(0);
  });

  test('then the custom authorizer: identities, deny and allow, with the app readable throughout', async () => {
    // why: both factors must pass; the identified app stays readable in refusals
    const app = { 'X-Apig-AppCode': MOBILE };
    const missing = await gw.request({ path: '/two-factor', headers: app });
    expect(json(missing.result)).toMatchObject({ type: 'AUTHORIZER_IDENTITIES_FAILURE', appId: 'app-mobile', appName: 'Mobile' });
    const denied = await gw.request({ path: '/two-factor', headers: { ...app, 'X-Token': 'nope' }, query: { tenant: 't1' } });
    expect(json(denied.result)).toMatchObject({ type: 'AUTHORIZER_FAILURE', appId: 'app-mobile', frontendCode: 'DENIED_BY_POLICY' });
    const ok = await gw.request({ path: '/two-factor', headers: { ...app, 'X-Token': TOKEN }, query: { tenant: 't1' } });
    expect(ok.result.statusCode).toBe(200);
    expect(ok.authorization?.context).toMatchObject({ apigVerdict: 'ok', appId: 'app-mobile', appName: 'Mobile', frontend_code: 'c-ok' });
  });
});

describe('IAM, and IAM + custom in the proxy', () => {
  test('IAM: a request API Gateway signed goes through; one without an IAM identity is AUTH_HEADER_MISSING (APIG.0301)', async () => {
    // why: an IAM API reached through a route without IAM (e.g. the catch-all) must fail closed
    expect((await gw.request({ path: '/iam', iam: true, authorize: false })).result.statusCode).toBe(200);
    const { result } = await gw.request({ path: '/iam', authorize: false });
    expect(result.statusCode).toBe(401);
    expect(json(result)).toMatchObject({ type: 'AUTH_HEADER_MISSING', code: 'APIG.0301', message: defaultsOf('AUTH_HEADER_MISSING').message });
  });

  test('IAM + custom: the proxy runs the function after the signature, with the same outcomes', async () => {
    // why: API Gateway allows one authorizer per method; IAM takes it, so the proxy is the second factor
    const unsigned = await gw.request({ path: '/iam-custom', ...identified, authorize: false });
    expect(json(unsigned.result)).toMatchObject({ type: 'AUTH_HEADER_MISSING', code: 'APIG.0301' });
    expect(functions.invocations).toHaveLength(0);
    const missing = await gw.request({ path: '/iam-custom', iam: true, authorize: false });
    expect(json(missing.result).type).toBe('AUTHORIZER_IDENTITIES_FAILURE');
    const denied = await gw.request({ path: '/iam-custom', iam: true, authorize: false, headers: { 'X-Token': 'nope' }, query: { tenant: 't1' } });
    expect(json(denied.result)).toMatchObject({ type: 'AUTHORIZER_FAILURE', frontendCode: 'DENIED_BY_POLICY' });
    const broken = await gw.request({ path: '/iam-custom-broken', iam: true, authorize: false });
    expect(json(broken.result).type).toBe('AUTHORIZER_CONF_FAILURE');
    const ok = await gw.request({ path: '/iam-custom', iam: true, authorize: false, ...identified });
    expect(ok.result.statusCode).toBe(200);
    expect(functions.invocations.map(i => i.functionName)).toEqual([functionArn('main'), functionArn('throws'), functionArn('main')]);
    expect(functions.invocations[0].event).toMatchObject({ requestContext: { apiId: 'iam-custom' } });
  });

  test('IAM + custom: a function backend receives the custom context in requestContext.authorizer', async () => {
    // why: the authorizer's context can be forwarded to the backend, as in the other modes
    const { result } = await gw.request({ path: '/iam-custom-fn', iam: true, authorize: false, ...identified });
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).authorizer).toMatchObject({ frontend_code: 'c-ok', frontend_user: `u-${TOKEN}` });
  });
});

test('the decision log names request, API and verdict, never identity values or context', async () => {
  // why: identity values are credentials (tokens); the log must not collect them
  const lines = captureLogs();
  await gw.request({ path: '/orders/1', headers: { 'X-Token': 'secrettoken42' }, query: { tenant: 'tenant-secret' }, requestId: 'rid-log' });
  await gw.request({ path: '/orders/1', headers: { 'X-Token': 'nope' }, query: { tenant: 'tenant-secret' } });
  const decision = lines.map(l => JSON.parse(l)).find(l => l.msg === 'authorizer decision' && l.requestId === 'rid-log');
  expect(decision).toMatchObject({ requestId: 'rid-log', apiId: 'orders', verdict: 'ok' });
  expectNoSecretIn(lines, ['secrettoken42', 'tenant-secret', 'u-secrettoken42', 'DENIED_BY_POLICY', 'token revoked']);
});
