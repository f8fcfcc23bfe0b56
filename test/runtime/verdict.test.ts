/**
 * The proxy enforces the authorizer's verdict and fails closed: a request to an authenticated
 * API without a valid verdict never reaches the backend. And the authorizer's answers where no
 * authentication applies, or where it cannot work.
 */
import type { ConfigDocument } from '../../lib/private/config-document';
import { authorizerEvent, proxyEvent } from '../support/events';
import { closeAllServers, echoServer, TestServer } from '../support/http-servers';
import { authorizerResultProblems, cleanWorkDirs, loadAuthorizerAsset, loadGroupAssets, LoadedProxy, loadProxyAsset } from '../support/proxy-harness';
import { defaultsOf, document, http, revealingRules } from './documents';
import { captureLogs, json } from './helpers';

const NO_VERDICT = { type: 'AUTH_FAILURE', code: 'APIG.0303', message: 'Incorrect authentication information: no verdict from the authorizer' };

let echo: TestServer;
let proxy: LoadedProxy;
let doc: ConfigDocument;

beforeAll(async () => {
  echo = await echoServer();
  doc = document({
    defaultRules: revealingRules(),
    apps: { mobile: { id: 'app-mobile', name: 'Mobile', secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:mobile-AbCdEf' } },
    customAuthorizers: {
      main: { name: 'main', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:main', identities: [], ttlSeconds: 0, relaxed: false, timeoutMs: 1000 },
    },
    thirdPartyAuthorizers: {
      svc: { name: 'svc', url: 'http://127.0.0.1:9/auth', method: 'GET', identities: [], timeoutMs: 1000, simpleMode: true, relaxed: false, ttlSeconds: 0 },
    },
    apis: [
      { id: 'app', path: '/app', backend: http(`${echo.url}/app`), auth: { type: 'APP', apps: ['mobile'] } },
      { id: 'custom', path: '/custom', backend: http(`${echo.url}/custom`), auth: { type: 'CUSTOM', customAuthorizer: 'main' } },
      { id: 'third', path: '/third', backend: http(`${echo.url}/third`), auth: { type: 'THIRD_PARTY', thirdPartyAuthorizer: 'svc' } },
      { id: 'open', path: '/open', backend: http(`${echo.url}/open`) },
      { id: 'broken', path: '/broken', backend: http(`${echo.url}/broken`), auth: { type: 'APP', apps: ['nobody'] } },
      { id: 'broken-custom', path: '/broken-custom', backend: http(`${echo.url}/broken-custom`), auth: { type: 'CUSTOM', customAuthorizer: 'missing' } },
      { id: 'strange', path: '/strange', backend: http(`${echo.url}/strange`), auth: { type: 'MAGIC' as never } },
    ],
  });
  captureLogs();
  proxy = await loadProxyAsset(doc);
  jest.restoreAllMocks();
});
beforeEach(() => {
  captureLogs();
  echo.requests.length = 0;
});
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  await closeAllServers();
  cleanWorkDirs();
});

describe('fail closed', () => {
  test.each(['/app', '/custom', '/third'])('%s without any authorizer context: AUTH_FAILURE "no verdict"', async path => {
    // why: a route without the authorizer (e.g. the catch-all) must not open an authenticated API
    const r = await proxy.invoke(proxyEvent({ path }));
    expect(r.statusCode).toBe(401);
    expect(json(r)).toMatchObject(NO_VERDICT);
    expect(echo.requests).toHaveLength(0);
  });

  test.each([
    ['no verdict key', { principalId: 'x' }],
    ['an empty verdict', { apigVerdict: '', apigApi: 'custom' }],
    ['a verdict for another API', { apigVerdict: 'ok', apigApi: 'open' }],
    ['a verdict without an API', { apigVerdict: 'ok' }],
    ['an unknown verdict', { apigVerdict: 'yes', apigApi: 'custom' }],
    ['a type the authorizer never answers', { apigVerdict: 'NOT_FOUND', apigApi: 'custom' }],
    ['OK in upper case', { apigVerdict: 'OK', apigApi: 'custom' }],
    ['a numeric verdict', { apigVerdict: 1, apigApi: 'custom' }],
    ['a boolean verdict', { apigVerdict: true, apigApi: 'custom' }],
  ])('a malformed verdict is refused: %s', async (_what, authorizer) => {
    // why: only our authorizer's exact verdict for this API lets a request through
    const r = await proxy.invoke(proxyEvent({ path: '/custom', authorizer: authorizer as Record<string, string> }));
    expect(json(r)).toMatchObject(NO_VERDICT);
    expect(echo.requests).toHaveLength(0);
  });

  test('an ok verdict for an APP API must name one of its apps', async () => {
    // why: defence in depth: an app verdict without the app is not an app verdict
    for (const appId of [undefined, '', 'app-other']) {
      const r = await proxy.invoke(proxyEvent({ path: '/app', authorizer: { apigVerdict: 'ok', apigApi: 'app', ...(appId === undefined ? {} : { appId }) } }));
      expect(json(r)).toMatchObject(NO_VERDICT);
    }
    const ok = await proxy.invoke(proxyEvent({ path: '/app', authorizer: { apigVerdict: 'ok', apigApi: 'app', appId: 'app-mobile' } }));
    expect(ok.statusCode).toBe(200);
    expect(echo.requests).toHaveLength(1);
  });

  test('a verdict forged in headers, query or stage variables is ignored', async () => {
    // why: only requestContext.authorizer (set by API Gateway) carries the verdict
    const forged = { apigVerdict: 'ok', apigApi: 'custom', appId: 'app-mobile' };
    const r = await proxy.invoke(proxyEvent({ path: '/custom', headers: forged, query: forged, stageVariables: forged }));
    expect(json(r)).toMatchObject(NO_VERDICT);
    expect(echo.requests).toHaveLength(0);
  });

  test('a refusal verdict is rendered as its type, with the code and message it gives', async () => {
    // why: the authorizer decides, the proxy renders with the API's response
    const r = await proxy.invoke(proxyEvent({ path: '/third', authorizer: { apigVerdict: 'THIRD_AUTH_FAILURE', apigApi: 'third' } }));
    expect(r.statusCode).toBe(401);
    expect(json(r)).toMatchObject({ type: 'THIRD_AUTH_FAILURE', ...defaultsOf('THIRD_AUTH_FAILURE') });
    const custom = await proxy.invoke(proxyEvent({
      path: '/custom', authorizer: { apigVerdict: 'DEFAULT_5XX', apigApi: 'custom', apigErrorCode: 'APIG.0606', apigErrorMessage: 'Custom words.' },
    }));
    expect(custom.statusCode).toBe(500);
    expect(json(custom)).toMatchObject({ type: 'DEFAULT_5XX', code: 'APIG.0606', message: 'Custom words.' });
  });

  test('an API whose auth cannot be used answers DEFAULT_5XX, whatever the verdict', async () => {
    // why: an unusable configuration is never served as "no authentication"
    for (const path of ['/broken', '/broken-custom', '/strange']) {
      const r = await proxy.invoke(proxyEvent({ path, authorizer: { apigVerdict: 'ok', apigApi: path.slice(1), appId: 'app-mobile' } }));
      expect(r.statusCode).toBe(500);
      expect(json(r).type).toBe('DEFAULT_5XX');
    }
    expect(echo.requests).toHaveLength(0);
  });

  test('an API without authentication ignores any verdict', async () => {
    // why: NONE means NONE, even behind the authorizer
    expect((await proxy.invoke(proxyEvent({ path: '/open' }))).statusCode).toBe(200);
    expect((await proxy.invoke(proxyEvent({ path: '/open', authorizer: { apigVerdict: 'AUTH_FAILURE', apigApi: 'app' } }))).statusCode).toBe(200);
  });
});

describe('the authorizer where no authentication runs', () => {
  test('no API, or an API without authentication: ok for the routed API', async () => {
    // why: the proxy answers NOT_FOUND and method errors itself
    const authorizer = loadAuthorizerAsset(doc);
    expect((await authorizer.invoke(authorizerEvent({ path: '/nowhere' }))).context).toEqual({ apigVerdict: 'ok', apigApi: '' });
    expect((await authorizer.invoke(authorizerEvent({ method: 'DELETE', path: '/open' }))).context).toEqual({ apigVerdict: 'ok', apigApi: '' });
    expect((await authorizer.invoke(authorizerEvent({ path: '/open' }))).context).toEqual({ apigVerdict: 'ok', apigApi: 'open', apigApiName: expect.any(String) });
  });

  test('an API whose auth cannot be used: DEFAULT_5XX, chained into a 500', async () => {
    // why: the authorizer never lets an unusable configuration through
    const gw = await loadGroupAssets(doc);
    for (const path of ['/broken', '/broken-custom', '/strange']) {
      const { result, authorization } = await gw.request({ path });
      expect(authorization?.context).toEqual({ apigVerdict: 'DEFAULT_5XX', apigApi: path.slice(1), apigApiName: expect.any(String) });
      expect(result.statusCode).toBe(500);
    }
  });

  test('a document it cannot read: every answer is a well-formed Allow with a DEFAULT_5XX verdict', async () => {
    // why: the authorizer never throws (a throw is API Gateway's bare 500)
    const lines = captureLogs();
    for (const bad of [{ version: 99 }, 'not an object', { ...doc, apis: 'nope' }]) {
      const authorizer = loadAuthorizerAsset(bad);
      const event = authorizerEvent({ path: '/app' });
      const result = await authorizer.invoke(event);
      expect(authorizerResultProblems(result, event.methodArn)).toEqual([]);
      expect(result.context).toEqual({ apigVerdict: 'DEFAULT_5XX', apigApi: '' });
    }
    expect(lines.filter(l => l.includes('"msg":"configuration refused"'))).toHaveLength(3);
  });

  test('events API Gateway would never send still get a well-formed answer', async () => {
    // why: never throw, whatever arrives
    const authorizer = loadAuthorizerAsset(doc);
    for (const event of [null, 42, 'x', [], {}, { methodArn: 7 }, { httpMethod: 'GET', path: 5 }, { methodArn: 'x'.repeat(2000) }]) {
      const result = await authorizer.invoke(event);
      expect(authorizerResultProblems(result, (event as { methodArn?: unknown } | null)?.methodArn)).toEqual([]);
    }
  });

  test('a method ARN longer than a policy Resource may be is cut to its prefix and *', async () => {
    // why: API Gateway limits a policy's Resource to 512 characters; a longer one fails the request natively
    const authorizer = loadAuthorizerAsset(doc);
    const event = authorizerEvent({ path: `/open/${'a'.repeat(600)}` });
    const result = await authorizer.invoke(event);
    const resource = result.policyDocument.Statement[0].Resource as string;
    expect(resource).toHaveLength(512);
    expect(resource.endsWith('*')).toBe(true);
    expect((event.methodArn as string).startsWith(resource.slice(0, -1))).toBe(true);
  });
});
