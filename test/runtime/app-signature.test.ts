/**
 * App authentication by signature (AppKey/AppSecret, Huawei's `SDK-HMAC-SHA256`) on the built
 * assets: requests signed by Huawei's own signer (`AKSKSigner` of @huaweicloud/huaweicloud-sdk-core),
 * the authorizer and the proxy reading the AppSecrets from a local Secrets Manager through their
 * real SDK client, chained as API Gateway runs them, in front of a real HTTP backend on 127.0.0.1.
 */
import { createHash } from 'crypto';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner';
import type { ConfigDocument } from '../../lib/private/config-document';
import { RequestView } from '../../lib/runtime/proxy/request';
import {
  canonicalQuery, canonicalRequest, canonicalUri, EMPTY_BODY_SHA256, hmacHex, readSignature, stringToSign,
} from '../../lib/runtime/shared/app-signature';
import { closeAllServers, echoServer, TestServer } from '../support/http-servers';
import { LocalSecretsManager, secretArn, secretsManagerEnv, startLocalSecretsManager } from '../support/local-secrets-manager';
import { cleanWorkDirs, GatewayExchange, loadGroupAssets, LocalGatewayChain } from '../support/proxy-harness';
import { appCode, defaultsOf, document, http, revealingRules } from './documents';
import { captureLogs, expectNoSecretIn, json, setEnv } from './helpers';

const HOST = 'abc123defg.execute-api.eu-west-1.amazonaws.com';
const MOBILE_KEY = 'mobile-app-key-0001';
const MOBILE_SECRET = 'Mobile_Secret-!@#$%0123456789abcdef';
const PARTNER_KEY = 'partnerAppKey0001';
const PARTNER_SECRET = 'PartnerSecret0123456789';
const MOBILE_CODE = appCode('mobile-code');

let sm: LocalSecretsManager;
let echo: TestServer;
let restoreEnv: () => void;
let gw: LocalGatewayChain;
let logs: string[];

function groupDocument(): ConfigDocument {
  const any = (id: string, path: string, method: string, auth: Record<string, unknown>) =>
    ({ id, method, path, backend: http(`${echo.url}${path.replace(/\{(\w+)\}/g, '{$1}')}`), auth: { type: 'APP', ...auth } as never });
  return document({
    defaultRules: revealingRules(),
    refusalUsageKey: 'usage-key-refusals',
    apps: {
      mobile: {
        id: 'app-mobile', name: 'Mobile', secretArn: secretArn('mobile-codes'), usageKey: 'usage-key-mobile',
        appKey: MOBILE_KEY, appSecretArn: { env: 'MOBILE_APP_SECRET_ARN' },
      },
      partner: {
        id: 'app-partner', name: 'Partner', secretArn: secretArn('partner-codes'), usageKey: 'usage-key-partner',
        appKey: PARTNER_KEY, appSecretArn: secretArn('partner-signing'),
      },
    },
    apis: [
      any('orders', '/orders/{id}', 'GET', { apps: ['mobile'] }),
      any('create', '/orders', 'POST', { apps: ['mobile'] }),
      any('items', '/items/{id}', 'ANY', { apps: ['mobile'] }),
      any('signatureOnly', '/signature-only', 'POST', { apps: ['mobile'], appCode: false }),
      any('codeOnly', '/code-only', 'GET', { apps: ['mobile'], signature: false }),
      any('partnerOnly', '/partner', 'GET', { apps: ['partner'] }),
    ],
  });
}

beforeAll(async () => {
  [sm, echo] = await Promise.all([startLocalSecretsManager(), echoServer()]);
  sm.put('mobile-codes', JSON.stringify({ appCode: MOBILE_CODE }));
  sm.put('mobile-signing', JSON.stringify({ appSecret: MOBILE_SECRET }));
  sm.put('partner-codes', JSON.stringify({ appCode: appCode('partner-code') }));
  sm.put('partner-signing', JSON.stringify({ appSecret: PARTNER_SECRET }));
  restoreEnv = setEnv({ ...secretsManagerEnv(sm.endpoint), MOBILE_APP_SECRET_ARN: secretArn('mobile-signing') });
  captureLogs();
  gw = await loadGroupAssets(groupDocument());
  jest.restoreAllMocks();
});
beforeEach(() => {
  logs = captureLogs();
  echo.requests.length = 0;
});
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  restoreEnv();
  await Promise.all([sm.close(), closeAllServers()]);
  cleanWorkDirs();
});

interface Signing {
  readonly method: string;
  /** Path after the stage, as the proxy event's `path`. */
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  /** JSON body: the signer hashes JSON.stringify(data). */
  readonly data?: unknown;
  readonly key?: string;
  readonly secret?: string;
}

/**
 * The headers Huawei's JS signer produces for a request to the deployed execute-api endpoint (it
 * signs every header it is given, plus host and X-Sdk-Date). `host` is renamed `Host`, the
 * spelling of the event's own Host header.
 */
function sign(s: Signing): Record<string, string> {
  const signed = AKSKSigner.sign({
    method: s.method,
    endpoint: `https://${HOST}/RELEASE${s.path}`,
    headers: { ...(s.headers ?? {}) },
    queryParams: s.query ?? {},
    data: s.data,
  } as never, { getAk: () => s.key ?? MOBILE_KEY, getSk: () => s.secret ?? MOBILE_SECRET } as never) as Record<string, string>;
  const { host, ...rest } = signed;
  return { ...rest, Host: host };
}

function sdkDate(offsetMs: number): string {
  return new Date(Date.now() + offsetMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

async function send(s: Signing, override: { method?: string; path?: string; query?: Record<string, string>;
  headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<GatewayExchange> {
  const headers = { ...sign(s), ...(override.headers ?? {}) };
  const body = override.body ?? (s.data === undefined ? undefined : JSON.stringify(s.data));
  if (body !== undefined && headers['Content-Length'] === undefined) { headers['Content-Length'] = String(Buffer.byteLength(body)); }
  return gw.request({ method: override.method ?? s.method, path: override.path ?? s.path, query: override.query ?? s.query, headers, body });
}

function expectAuthFailure(exchange: GatewayExchange, messagePrefix: string): void {
  expect(exchange.result.statusCode).toBe(401);
  const body = json(exchange.result);
  expect(body).toMatchObject({ type: 'AUTH_FAILURE', code: 'APIG.0303' });
  expect(body.message).toMatch(new RegExp(`^Incorrect app authentication information: ${messagePrefix}`));
  // Never echoed: the secret, the signature, the canonical request.
  expect(exchange.result.body).not.toContain(MOBILE_SECRET);
  expect(exchange.result.body).not.toContain('canonical');
}

describe('the algorithm', () => {
  test('the verified vector of the reference: AppSecret "SecretKey", GET /path?limit=1, only x-sdk-date signed', () => {
    // why: the signature must be Huawei's, byte for byte (huaweicloud-sdk-go-v3 signer_test, recomputed)
    const req = new RequestView({
      httpMethod: 'GET', path: '/path', requestContext: { path: '/path' },
      headers: { 'X-Sdk-Date': '20060102T150405Z', 'Authorization': `SDK-HMAC-SHA256 Access=AppKey0001, SignedHeaders=x-sdk-date, Signature=${'0'.repeat(64)}` },
      multiValueQueryStringParameters: { limit: ['1'] },
    });
    const read = readSignature(req);
    if (read.kind !== 'signed') { throw new Error(`not read: ${JSON.stringify(read)}`); }
    const canonical = canonicalRequest(req, read.signed, EMPTY_BODY_SHA256)!;
    expect(canonical).toBe(`GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n${EMPTY_BODY_SHA256}`);
    expect(hmacHex(Buffer.from('SecretKey'), stringToSign('20060102T150405Z', canonical)))
      .toBe('5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624');
  });

  test('URI and query encoding: RFC 3986 per segment, trailing slash added, names and values sorted', () => {
    // why: a path or query with reserved characters must canonicalise as the signers encode it
    expect(canonicalUri('/a%20b/c+d/%E4%BD%A0')).toBe('/a%20b/c%2Bd/%E4%BD%A0/');
    expect(canonicalUri('/x/')).toBe('/x/');
    expect(canonicalQuery(new Map([['b', ['2', '1']], ['a b', ['*']], ['c', ['']]]))).toBe('a%20b=%2A&b=1&b=2&c=');
  });
});

describe('requests signed by Huawei\'s AKSKSigner', () => {
  test('a GET is verified in full by the authorizer, which hands out the app\'s usage key', async () => {
    // why: a request without a body is fully verified before API Gateway meters it, so the app is charged
    const exchange = await send({ method: 'GET', path: '/orders/42', query: { limit: '1', q: 'a b' }, headers: { 'X-Custom': 'v' } });
    expect(exchange.result.statusCode).toBe(200);
    expect(echo.requests).toHaveLength(1);
    expect(echo.requests[0].url).toBe('/orders/42?limit=1&q=a%20b');
    expect(exchange.authorization).toMatchObject({
      principalId: 'app-mobile', usageIdentifierKey: 'usage-key-mobile',
      context: { apigVerdict: 'ok', appId: 'app-mobile', apigSignature: 'verified' },
    });
    expectNoSecretIn(logs, [MOBILE_SECRET]);
  });

  test('a POST with a body is verified by the proxy, and not charged to the app', async () => {
    // why: the authorizer never sees the body; no usage plan may act on a signature not verified in full
    const exchange = await send({ method: 'POST', path: '/orders', headers: { 'Content-Type': 'application/json' }, data: { item: 'book', n: 2 } });
    expect(exchange.result.statusCode).toBe(200);
    expect(echo.requests).toHaveLength(1);
    expect(echo.requests[0].body.toString()).toBe('{"item":"book","n":2}');
    expect(exchange.authorization?.context).toMatchObject({ apigVerdict: 'ok', apigSignature: 'pending' });
    expect(exchange.authorization?.usageIdentifierKey).toBe('usage-key-refusals');
  });

  test('UNSIGNED-PAYLOAD is verified by the authorizer even with a body', async () => {
    // why: a signature that leaves the body out is complete without it, so the app can be charged
    const exchange = await send({ method: 'POST', path: '/orders', headers: { 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' } },
      { body: 'any body at all' });
    expect(exchange.result.statusCode).toBe(200);
    expect(exchange.authorization).toMatchObject({ usageIdentifierKey: 'usage-key-mobile', context: { apigSignature: 'verified' } });
  });

  test('a binary body (base64 in the event) is verified against its raw bytes', async () => {
    // why: API Gateway base64-encodes binary bodies; the client signed the bytes
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 255]);
    const declared = createHash('sha256').update(bytes).digest('hex');
    const ok = await send({ method: 'POST', path: '/orders', headers: { 'X-Sdk-Content-Sha256': declared } }, { body: bytes });
    expect(ok.result.statusCode).toBe(200);
    expect(ok.proxyEvent.isBase64Encoded).toBe(true);
    const changed = await send({ method: 'POST', path: '/orders', headers: { 'X-Sdk-Content-Sha256': declared } },
      { body: Buffer.from([0, 1, 2, 250, 251, 252, 254]) });
    expectAuthFailure(changed, 'verify signature fail');
    expect(echo.requests).toHaveLength(1);
  });

  test('an AppCode still works on an API that accepts both', async () => {
    // why: existing AppCode groups keep working after signatures arrived (both are accepted by default)
    const exchange = await gw.request({ path: '/orders/1', headers: { 'X-Apig-AppCode': MOBILE_CODE } });
    expect(exchange.result.statusCode).toBe(200);
    expect(exchange.authorization?.context).not.toHaveProperty('apigSignature');
  });
});

describe('refused, with Huawei\'s type, code and message', () => {
  test.each([
    ['method', { method: 'DELETE', path: '/items/1' }, { method: 'GET' }],
    ['path', { method: 'GET', path: '/orders/1' }, { path: '/orders/2' }],
    ['query value', { method: 'GET', path: '/orders/1', query: { limit: '1' } }, { query: { limit: '2' } }],
    ['query added', { method: 'GET', path: '/orders/1', query: { limit: '1' } }, { query: { limit: '1', more: 'x' } }],
    ['signed header', { method: 'GET', path: '/orders/1', headers: { 'X-Custom': 'a' } }, { headers: { 'X-Custom': 'b' } }],
  ])('a changed %s: AUTH_FAILURE "verify signature fail", backend not called', async (_what, signing, override) => {
    // why: the signature covers method, path, query and signed headers: any change is a forgery
    const exchange = await send(signing as Signing, override as never);
    expectAuthFailure(exchange, 'verify signature fail');
    expect(echo.requests).toHaveLength(0);
  });

  test('a body changed after signing never reaches the backend and is not charged to the app', async () => {
    // why: the proxy verifies the body before anything else; the authorizer handed out no app key for it
    const exchange = await send({ method: 'POST', path: '/orders', data: { amount: 10 } }, { body: JSON.stringify({ amount: 10000 }) });
    expectAuthFailure(exchange, 'verify signature fail');
    expect(echo.requests).toHaveLength(0);
    expect(exchange.authorization?.usageIdentifierKey).toBe('usage-key-refusals');
  });

  test('a body added to a request the authorizer verified as empty is refused by the proxy', async () => {
    // why: the proxy re-verifies every signed request in full, whatever the authorizer concluded
    const exchange = await send({ method: 'POST', path: '/orders' }, { headers: { 'Content-Length': '0' }, body: 'smuggled' });
    expect(exchange.authorization?.context).toMatchObject({ apigSignature: 'verified' });
    expectAuthFailure(exchange, 'verify signature fail');
    expect(echo.requests).toHaveLength(0);
  });

  test('an unknown AppKey: "app not found, appkey <key>"', async () => {
    // why: Huawei's message names the AppKey (not a secret) so that a caller finds its mistake
    const exchange = await send({ method: 'GET', path: '/orders/1', key: 'unknownAppKey42' });
    expectAuthFailure(exchange, 'app not found, appkey unknownAppKey42');
  });

  test('a wrong AppSecret: "verify signature fail"', async () => {
    // why: only the holder of the app's AppSecret can sign for it
    const exchange = await send({ method: 'GET', path: '/orders/1', secret: 'NotTheSecret123' });
    expectAuthFailure(exchange, 'verify signature fail');
    expect(echo.requests).toHaveLength(0);
  });

  test.each([['16 minutes late', -16 * 60_000], ['16 minutes early', 16 * 60_000]])('X-Sdk-Date %s: "signature expired"', async (_what, offset) => {
    // why: Huawei refuses a date more than 15 minutes from its clock, either way (replays are bounded)
    const exchange = await send({ method: 'GET', path: '/orders/1', headers: { 'X-Sdk-Date': sdkDate(offset) } });
    expectAuthFailure(exchange, 'signature expired, signature time:\\d{8}T\\d{6}Z,server time:\\d{8}T\\d{6}Z');
  });

  test('X-Sdk-Date 14 minutes off either way is accepted', async () => {
    // why: the window is 15 minutes either way, not less
    for (const offset of [-14 * 60_000, 14 * 60_000]) {
      const exchange = await send({ method: 'GET', path: '/orders/1', headers: { 'X-Sdk-Date': sdkDate(offset) } });
      expect(exchange.result.statusCode).toBe(200);
    }
  });

  test('Authorization or X-Sdk-Date sent twice: AUTH_FAILURE', async () => {
    // why: which value the signature covers would be ambiguous
    const headers = sign({ method: 'GET', path: '/orders/1' });
    for (const repeated of [
      { ...headers, Authorization: [headers.Authorization, headers.Authorization] },
      { ...headers, 'X-Sdk-Date': [headers['X-Sdk-Date'], headers['X-Sdk-Date']] },
    ]) {
      const exchange = await gw.request({ path: '/orders/1', headers: repeated as never });
      expectAuthFailure(exchange, '.*sent more than once');
    }
  });

  test('no credential: AUTH_HEADER_MISSING; a garbled signature or x-sdk-date not signed: AUTH_FAILURE', async () => {
    // why: a caller that sent nothing is told so; one that sent a broken signature is told it is wrong
    const missing = await gw.request({ path: '/orders/1' });
    expect(missing.result.statusCode).toBe(401);
    expect(json(missing.result)).toMatchObject({ type: 'AUTH_HEADER_MISSING', ...defaultsOf('AUTH_HEADER_MISSING') });
    for (const authorization of ['SDK-HMAC-SHA256', 'SDK-HMAC-SHA256 Access=mobile-app-key-0001', `SDK-HMAC-SHA256 Access=${MOBILE_KEY}, SignedHeaders=host, Signature=${'a'.repeat(64)}`]) {
      const exchange = await gw.request({ path: '/orders/1', headers: { 'Authorization': authorization, 'X-Sdk-Date': sdkDate(0) } });
      expect(json(exchange.result)).toMatchObject({ type: 'AUTH_FAILURE', code: 'APIG.0303' });
    }
  });

  test('an app not authorised for the API: UNAUTHORIZED after its signature was verified', async () => {
    // why: Huawei tells a known, authenticated app without rights apart from a forged one
    const exchange = await send({ method: 'GET', path: '/orders/1', key: PARTNER_KEY, secret: PARTNER_SECRET });
    expect(json(exchange.result)).toMatchObject({ type: 'UNAUTHORIZED', code: 'APIG.0304', appId: 'app-partner' });
    const forged = await send({ method: 'GET', path: '/orders/1', key: PARTNER_KEY, secret: 'forgedSecret99' });
    expect(json(forged.result)).toMatchObject({ type: 'AUTH_FAILURE' });
  });

  test('signature: false refuses signatures; appCode: false refuses AppCodes', async () => {
    // why: an API accepts exactly the credentials it declares
    const signed = await send({ method: 'GET', path: '/code-only' });
    expectAuthFailure(signed, 'signature authentication is not enabled');
    const code = await gw.request({ path: '/code-only', headers: { 'X-Apig-AppCode': MOBILE_CODE } });
    expect(code.result.statusCode).toBe(200);
    const codeOnSignatureOnly = await gw.request({ method: 'POST', path: '/signature-only', headers: { 'X-Apig-AppCode': MOBILE_CODE } });
    expectAuthFailure(codeOnSignatureOnly, 'AppCode authentication is not enabled');
    const signedOnSignatureOnly = await send({ method: 'POST', path: '/signature-only', data: { a: 1 } });
    expect(signedOnSignatureOnly.result.statusCode).toBe(200);
    expect(echo.requests).toHaveLength(2);
  });

  test('the proxy refuses an ok verdict without a signature on a signature-only API (fail closed)', async () => {
    // why: a verdict that does not say how the app was authenticated cannot stand for a signature
    const exchange = await gw.request({
      method: 'POST', path: '/signature-only', authorize: false,
      authorizer: { apigVerdict: 'ok', apigApi: 'signatureOnly', appId: 'app-mobile', appName: 'Mobile' },
    });
    expect(json(exchange.result)).toMatchObject({ type: 'AUTH_FAILURE' });
    expect(echo.requests).toHaveLength(0);
  });

  test('nothing logged holds the AppSecret or a signature', async () => {
    // why: the AppSecret never appears in a log; a signature is a credential for 15 minutes
    const headers = sign({ method: 'GET', path: '/orders/1' });
    await gw.request({ path: '/orders/1', headers });
    await send({ method: 'POST', path: '/orders', data: { a: 1 } }, { body: '{"a":2}' });
    const signature = /Signature=([0-9a-f]{64})/.exec(headers.Authorization)![1];
    expectNoSecretIn(logs, [MOBILE_SECRET, PARTNER_SECRET, signature]);
  });
});
