/**
 * App authentication (X-Apig-AppCode) on the built assets: the authorizer reading AppCodes from
 * Secrets Manager through its real SDK client (a local endpoint speaking the service's JSON
 * protocol), chained into the proxy as API Gateway runs them.
 */
import type { ConfigDocument } from '../../lib/private/config-document';
import { closeAllServers, echoServer, EchoBody, TestServer } from '../support/http-servers';
import { functionArn, lambdaEnv, LocalLambda, startLocalLambda } from '../support/local-lambda';
import { LocalSecretsManager, secretArn, secretsManagerEnv, startLocalSecretsManager } from '../support/local-secrets-manager';
import { cleanWorkDirs, loadGroupAssets, LocalGatewayChain, resultHeader } from '../support/proxy-harness';
import { appCode, defaultsOf, document, fn, http, revealingRules } from './documents';
import { captureLogs, expectNoSecretIn, json, setEnv, shiftableClock } from './helpers';

const MOBILE = [appCode('mobile-first'), appCode('mobile-second', 180)];
const WEB = appCode('web-only', 100);
const PARTNER = appCode('partner', 64);
/** The `odd` app's secret: entries that must be ignored around valid ones. */
const ODD_VALID = [1, 2, 3, 4, 5, 6].map(i => appCode(`odd-${i}`));
const ODD_TOO_SHORT = appCode('odd-short', 63);
const ODD_TOO_LONG = appCode('odd-long', 181);
const ALL_CODES = [...MOBILE, WEB, PARTNER, ...ODD_VALID, ODD_TOO_SHORT, ODD_TOO_LONG];

let sm: LocalSecretsManager;
let functions: LocalLambda;
let echo: TestServer;
let restoreEnv: () => void;
let gw: LocalGatewayChain;
let doc: ConfigDocument;

function groupDocument(refusalUsageKey?: string): ConfigDocument {
  return document({
    defaultRules: revealingRules(),
    responses: { strict: revealingRules({ AUTH_FAILURE: { status: 403, body: '{"strict":true,"code":"$context.error.code"}' } }) },
    refusalUsageKey,
    apps: {
      mobile: { id: 'app-mobile', name: 'Mobile', secretArn: secretArn('mobile'), usageKey: 'usage-key-mobile' },
      web: { id: 'app-web', name: 'Web', secretArn: { env: 'WEB_SECRET_ARN' } },
      partner: { id: 'app-partner', name: 'Partner', secretArn: secretArn('partner'), usageKey: 'usage-key-partner' },
      odd: { id: 'app-odd', name: 'Odd', secretArn: secretArn('odd') },
    },
    apis: [
      { id: 'orders', method: 'GET', path: '/orders/{id}', backend: http(`${echo.url}/orders/{id}`), auth: { type: 'APP', apps: ['mobile', 'web', 'odd'] } },
      { id: 'admin', method: 'GET', path: '/admin', response: 'strict', auth: { type: 'APP', apps: ['web'] } },
      { id: 'fn', method: 'POST', path: '/fn', backend: fn(functionArn('echo-event')), auth: { type: 'APP', apps: ['mobile'] } },
      { id: 'public', method: 'GET', path: '/public' },
    ],
  });
}

beforeAll(async () => {
  [sm, functions, echo] = await Promise.all([startLocalSecretsManager(), startLocalLambda(), echoServer()]);
  sm.put('mobile', JSON.stringify({ appCodes: MOBILE }));
  sm.put('web', JSON.stringify({ appCode: WEB }));
  sm.put('partner', JSON.stringify({ appCode: PARTNER }));
  sm.put('odd', JSON.stringify({ appCodes: [ODD_TOO_SHORT, 42, ODD_TOO_LONG, ...ODD_VALID] }));
  functions.register('echo-event', (event: any) => ({ statusCode: 200, body: JSON.stringify(event) }));
  restoreEnv = setEnv({ ...lambdaEnv(functions.endpoint), ...secretsManagerEnv(sm.endpoint), WEB_SECRET_ARN: secretArn('web') });
  doc = groupDocument('usage-key-refusals');
  captureLogs();
  gw = await loadGroupAssets(doc);
  jest.restoreAllMocks();
});
beforeEach(() => { captureLogs(); });
afterEach(() => {
  jest.restoreAllMocks();
  sm.failWith(undefined);
});
afterAll(async () => {
  restoreEnv();
  await Promise.all([sm.close(), functions.close(), closeAllServers()]);
  cleanWorkDirs();
});

function appHeader(code: string): Record<string, string> {
  return { 'X-Apig-AppCode': code };
}

describe('response types of app authentication', () => {
  test('AUTH_HEADER_MISSING: no X-Apig-AppCode, or an empty one', async () => {
    // why: a caller that sends no credential is told so (401 APIG.0303), not that it is wrong
    for (const headers of [{}, appHeader('')]) {
      const { result, authorization } = await gw.request({ path: '/orders/1', headers, requestId: 'rid-missing' });
      expect(result.statusCode).toBe(401);
      expect(json(result)).toMatchObject({ type: 'AUTH_HEADER_MISSING', ...defaultsOf('AUTH_HEADER_MISSING'), appId: '', requestId: 'rid-missing' });
      expect(authorization?.context).toMatchObject({ apigVerdict: 'AUTH_HEADER_MISSING', apigApi: 'orders' });
    }
    expect(echo.requests).toHaveLength(0);
  });

  test('AUTH_FAILURE: an AppCode that belongs to no app', async () => {
    // why: unknown credentials are refused with 401 APIG.0303 and never reach the backend
    for (const code of [appCode('nobody'), 'short', appCode('nobody', 180), `${MOBILE[0]}x`, MOBILE[0].slice(1)]) {
      const { result } = await gw.request({ path: '/orders/1', headers: appHeader(code) });
      expect(result.statusCode).toBe(401);
      expect(json(result)).toMatchObject({ type: 'AUTH_FAILURE', ...defaultsOf('AUTH_FAILURE'), appId: '' });
    }
    expect(echo.requests).toHaveLength(0);
  });

  test('UNAUTHORIZED: a known app not authorised for the API, with $context.appId / appName readable', async () => {
    // why: Huawei tells a known credential without rights (APIG.0304) apart from a wrong one
    const { result } = await gw.request({ path: '/admin', headers: appHeader(MOBILE[1]) });
    expect(result.statusCode).toBe(401);
    expect(json(result)).toMatchObject({ type: 'UNAUTHORIZED', ...defaultsOf('UNAUTHORIZED'), appId: 'app-mobile', appName: 'Mobile' });
  });

  test('an authorised app reaches the backend, which never sees the AppCode', async () => {
    // why: the AppCode is a credential for the gateway, not for the backend
    echo.requests.length = 0;
    const { result, authorization } = await gw.request({ path: '/orders/42', headers: appHeader(MOBILE[0]) });
    expect(result.statusCode).toBe(200);
    const seen = JSON.parse(result.body) as EchoBody;
    expect(seen.path).toBe('/orders/42');
    expect(Object.keys(seen.headers).map(h => h.toLowerCase())).not.toContain('x-apig-appcode');
    expect(authorization).toMatchObject({ principalId: 'app-mobile', context: { apigVerdict: 'ok', apigApi: 'orders', appId: 'app-mobile', appName: 'Mobile' } });
  });

  test('a function backend receives the app in requestContext.authorizer and no AppCode header', async () => {
    // why: function backends read who called from the authorizer context, as with any Lambda authorizer
    const { result } = await gw.request({ method: 'POST', path: '/fn', headers: appHeader(MOBILE[1]), body: '{}' });
    expect(result.statusCode).toBe(200);
    const event = JSON.parse(result.body);
    expect(event.requestContext.authorizer).toMatchObject({ apigVerdict: 'ok', appId: 'app-mobile', appName: 'Mobile' });
    expect(JSON.stringify(event.headers)).not.toContain(MOBILE[1]);
    expect(JSON.stringify(event.multiValueHeaders)).not.toContain(MOBILE[1]);
  });

  test('the API\'s selected response renders its auth errors', async () => {
    // why: each API chooses its gateway response, authentication errors included
    const { result } = await gw.request({ path: '/admin', headers: appHeader(appCode('nobody')) });
    expect(result.statusCode).toBe(403);
    expect(json(result)).toEqual({ strict: true, code: 'APIG.0303' });
    const other = await gw.request({ path: '/orders/1', headers: appHeader(appCode('nobody')) });
    expect(other.result.statusCode).toBe(401);
  });

  test('an API without authentication is not affected by the authorizer', async () => {
    // why: NONE APIs behind an authorizer (or reached through it) answer as before
    const { result, authorization } = await gw.request({ path: '/public' });
    expect(result.statusCode).toBe(200);
    expect(authorization?.context).toMatchObject({ apigVerdict: 'ok', apigApi: 'public' });
  });
});

describe('AppCode comparison', () => {
  test('every valid code of every app is recognised, in both secret formats', async () => {
    // why: apps hold up to 5 codes ({"appCodes": [...]}) or one ({"appCode": "..."}); all must work
    const cases: Array<[string, string]> = [
      [MOBILE[0], 'app-mobile'], [MOBILE[1], 'app-mobile'], [WEB, 'app-web'],
      ...ODD_VALID.slice(0, 5).map(c => [c, 'app-odd'] as [string, string]),
    ];
    for (const [code, appId] of cases) {
      const { result, authorization } = await gw.request({ path: '/orders/1', headers: appHeader(code) });
      expect(result.statusCode).toBe(200);
      expect(authorization?.context?.appId).toBe(appId);
    }
  });

  test('codes outside 64-180 characters, non-strings and a sixth code are ignored', async () => {
    // why: DESIGN section 6 allows at most 5 AppCodes of 64-180 characters per app
    for (const code of [ODD_TOO_SHORT, ODD_TOO_LONG, ODD_VALID[5]]) {
      const { result } = await gw.request({ path: '/orders/1', headers: appHeader(code) });
      expect(json(result).type).toBe('AUTH_FAILURE');
    }
  });

  test('an app authorised for no API of this request is still identified (UNAUTHORIZED, not AUTH_FAILURE)', async () => {
    // why: the code is compared with every app of the group, not only the API's apps
    const { result } = await gw.request({ path: '/orders/1', headers: appHeader(PARTNER) });
    expect(json(result)).toMatchObject({ type: 'UNAUTHORIZED', appId: 'app-partner', appName: 'Partner' });
  });

  test('no log line of either handler holds an AppCode', async () => {
    // why: AppCodes live in Secrets Manager only, never in a log (the rule)
    const lines = captureLogs();
    const fresh = await loadGroupAssets(doc);
    for (const code of ALL_CODES) {
      await fresh.request({ path: '/orders/1', headers: appHeader(code) });
      await fresh.request({ path: '/admin', headers: appHeader(code) });
      await fresh.request({ method: 'POST', path: '/fn', headers: appHeader(code), body: '{}' });
    }
    expect(lines.some(l => l.includes('app code ignored'))).toBe(true);
    expect(lines.some(l => l.includes('authorizer decision'))).toBe(true);
    expectNoSecretIn(lines, ALL_CODES);
  });
});

describe('usageIdentifierKey', () => {
  test('the app\'s usage key when it is let through; the refusal key for refusals and apps without one', async () => {
    // why: usage plans meter apps by the key the authorizer returns; refusals must still reach the proxy
    const key = async (path: string, code?: string) =>
      (await gw.request({ path, headers: code ? appHeader(code) : {} })).authorization?.usageIdentifierKey;
    expect(await key('/orders/1', MOBILE[0])).toBe('usage-key-mobile');
    expect(await key('/orders/1', WEB)).toBe('usage-key-refusals');
    expect(await key('/orders/1')).toBe('usage-key-refusals');
    expect(await key('/orders/1', appCode('nobody'))).toBe('usage-key-refusals');
    expect(await key('/orders/1', PARTNER)).toBe('usage-key-refusals');
    expect(await key('/public')).toBe('usage-key-refusals');
  });

  test('without a refusal key: the identified app\'s key, else none', async () => {
    // why: refusalUsageKey is optional in the document
    const plain = await loadGroupAssets(groupDocument());
    const key = async (path: string, code?: string) =>
      (await plain.request({ path, headers: code ? appHeader(code) : {} })).authorization?.usageIdentifierKey;
    expect(await key('/orders/1', MOBILE[0])).toBe('usage-key-mobile');
    expect(await key('/orders/1', PARTNER)).toBe('usage-key-partner');
    expect(await key('/orders/1', WEB)).toBeUndefined();
    expect(await key('/orders/1')).toBeUndefined();
  });
});

describe('the secrets cache', () => {
  test('one GetSecretValue per secret for many requests, concurrent ones included', async () => {
    // why: Secrets Manager is called per cold start, not per request (latency, cost, quotas)
    sm.resetCalls();
    const fresh = await loadGroupAssets(doc);
    await Promise.all(Array.from({ length: 10 }, () => fresh.request({ path: '/orders/1', headers: appHeader(MOBILE[0]) })));
    for (let i = 0; i < 10; i++) {
      const { result } = await fresh.request({ path: '/orders/1', headers: appHeader(i % 2 === 0 ? WEB : MOBILE[1]) });
      expect(result.statusCode).toBe(200);
    }
    for (const app of ['mobile', 'web', 'partner', 'odd']) { expect(sm.calls(app)).toBe(1); }
  });

  test('a copy older than 5 minutes is fetched again', async () => {
    // why: a revoked code stops working within a bounded time
    const fresh = await loadGroupAssets(doc);
    await fresh.request({ path: '/orders/1', headers: appHeader(MOBILE[0]) });
    sm.resetCalls();
    const clock = shiftableClock();
    clock.advance(4 * 60_000);
    await fresh.request({ path: '/orders/1', headers: appHeader(MOBILE[0]) });
    expect(sm.calls('mobile')).toBe(0);
    clock.advance(61_000);
    await fresh.request({ path: '/orders/1', headers: appHeader(MOBILE[0]) });
    expect(sm.calls('mobile')).toBe(1);
  });

  test('a just-rotated code works once the 10 s miss interval has passed; the old one then fails', async () => {
    // why: rotation must not wait for the 5-minute refresh, and unknown codes must not hammer Secrets Manager
    const rotated = appCode('partner-rotated', 120);
    const fresh = await loadGroupAssets(doc);
    expect((await fresh.request({ path: '/orders/1', headers: appHeader(PARTNER) })).result.statusCode).toBe(401);
    sm.put('partner', JSON.stringify({ appCode: rotated }));
    sm.resetCalls();
    const clock = shiftableClock();
    clock.advance(1000);
    for (let i = 0; i < 5; i++) {
      expect(json((await fresh.request({ path: '/orders/1', headers: appHeader(rotated) })).result).type).toBe('AUTH_FAILURE');
    }
    expect(sm.calls()).toBe(0);
    clock.advance(10_000);
    expect(json((await fresh.request({ path: '/orders/1', headers: appHeader(rotated) })).result)).toMatchObject({ type: 'UNAUTHORIZED', appId: 'app-partner' });
    expect(sm.calls('partner')).toBe(1);
    expect(json((await fresh.request({ path: '/orders/1', headers: appHeader(PARTNER) })).result).type).toBe('AUTH_FAILURE');
    sm.put('partner', JSON.stringify({ appCode: PARTNER }));
  });

  test('a failing refresh keeps serving the last good copy', async () => {
    // why: a Secrets Manager outage must not lock every caller out
    const fresh = await loadGroupAssets(doc);
    await fresh.request({ path: '/orders/1', headers: appHeader(MOBILE[0]) });
    sm.failWith('error');
    sm.resetCalls();
    const clock = shiftableClock();
    clock.advance(6 * 60_000);
    const { result } = await fresh.request({ path: '/orders/1', headers: appHeader(MOBILE[0]) });
    expect(result.statusCode).toBe(200);
    expect(sm.calls('mobile')).toBe(1);
    // Retried no more than once per 10 s while failing.
    await fresh.request({ path: '/orders/1', headers: appHeader(MOBILE[0]) });
    expect(sm.calls('mobile')).toBe(1);
  });

  test('Secrets Manager failing with nothing cached: DEFAULT_5XX, never an allow', async () => {
    // why: the authorizer's own failure is a 5xx, not a 401 that blames the caller, and never a pass
    sm.failWith('error');
    const fresh = await loadGroupAssets(doc);
    for (const code of [MOBILE[0], appCode('nobody')]) {
      const { result } = await fresh.request({ path: '/orders/1', headers: appHeader(code) });
      expect(result.statusCode).toBe(500);
      expect(json(result)).toMatchObject({ type: 'DEFAULT_5XX', ...defaultsOf('DEFAULT_5XX') });
    }
    sm.failWith(undefined);
    // Read again once the failure's backoff (1 s) has passed.
    shiftableClock().advance(1000);
    expect((await fresh.request({ path: '/orders/1', headers: appHeader(MOBILE[0]) })).result.statusCode).toBe(200);
  });

  test('Secrets Manager not answering: DEFAULT_5XX after the 3 s fetch timeout', async () => {
    // why: a hanging dependency must not hold the request until API Gateway's own timeout
    sm.failWith('hang');
    const fresh = await loadGroupAssets(doc);
    const started = Date.now();
    const { result } = await fresh.request({ path: '/orders/1', headers: appHeader(MOBILE[0]) });
    expect(json(result).type).toBe('DEFAULT_5XX');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('one unreadable secret: other apps still authenticate; an unmatched code is DEFAULT_5XX', async () => {
    // why: an unknown code could belong to the unreadable app, so AUTH_FAILURE would be a guess
    sm.remove('odd');
    try {
      const fresh = await loadGroupAssets(doc);
      expect((await fresh.request({ path: '/orders/1', headers: appHeader(MOBILE[0]) })).result.statusCode).toBe(200);
      expect(json((await fresh.request({ path: '/orders/1', headers: appHeader(appCode('nobody')) })).result).type).toBe('DEFAULT_5XX');
    } finally {
      sm.put('odd', JSON.stringify({ appCodes: [ODD_TOO_SHORT, 42, ODD_TOO_LONG, ...ODD_VALID] }));
    }
  });

  test('a secret that is not the expected JSON counts as unreadable, without logging its content', async () => {
    // why: a wrongly shaped secret must not leak into the log, nor authenticate anyone
    sm.put('partner', `not json ${PARTNER}`);
    const lines = captureLogs();
    try {
      const fresh = await loadGroupAssets(doc);
      expect(json((await fresh.request({ path: '/orders/1', headers: appHeader(PARTNER) })).result).type).toBe('DEFAULT_5XX');
      expect(lines.some(l => l.includes('app secret not readable'))).toBe(true);
      expectNoSecretIn(lines, [PARTNER]);
    } finally {
      sm.put('partner', JSON.stringify({ appCode: PARTNER }));
    }
  });
});

test('the AppCode header is case-insensitive and X-Request-Id is set on refusals', async () => {
  // why: HTTP header names are case-insensitive; every response carries the request id
  const { result } = await gw.request({ path: '/orders/1', headers: { 'x-apig-appcode': MOBILE[0] } });
  expect(result.statusCode).toBe(200);
  const refused = await gw.request({ path: '/orders/1', requestId: 'rid-refused' });
  expect(resultHeader(refused.result, 'X-Request-Id')).toBe('rid-refused');
});
