/**
 * Properties of authentication, on the built assets:
 * 1. for any document and any event, the authorizer answers a well-formed REQUEST-authorizer
 *    result: principalId a string, one Allow statement on exactly the method ARN, context values
 *    all strings and the whole context small, a verdict the proxy knows;
 * 2. for any authorizer context (and any forgery elsewhere in the event), the proxy never calls
 *    the backend of an authenticated API without an allow verdict for that API.
 */
import fc from 'fast-check';
import type {
  ApiDocument, AuthDocument, ConfigDocument, CustomAuthorizerDocument, IdentityDocument, ThirdPartyAuthorizerDocument,
} from '../../lib/private/config-document';
import { ResponseType } from '../../lib/response-type';
import { authorizerEventFor, IAM_IDENTITY, methodArn, proxyEvent } from '../support/events';
import { closeAllServers, closedPort, startServer, TestServer } from '../support/http-servers';
import { functionArn, lambdaEnv, LocalLambda, startLocalLambda } from '../support/local-lambda';
import { LocalSecretsManager, secretArn, secretsManagerEnv, startLocalSecretsManager } from '../support/local-secrets-manager';
import { authorizerResultProblems, cleanWorkDirs, loadAuthorizerAsset, LoadedProxy, loadProxyAsset } from '../support/proxy-harness';
import { appCode, document, http } from './documents';
import { captureLogs, setEnv } from './helpers';

const CODES = { a1: appCode('prop-a1'), a2: appCode('prop-a2', 150) };
const VERDICTS = new Set(['ok', 'AUTH_HEADER_MISSING', 'AUTH_FAILURE', 'UNAUTHORIZED', 'AUTHORIZER_IDENTITIES_FAILURE', 'AUTHORIZER_FAILURE',
  'AUTHORIZER_CONF_FAILURE', 'THIRD_AUTH_IDENTITIES_FAILURE', 'THIRD_AUTH_FAILURE', 'THIRD_AUTH_CONF_FAILURE', 'DEFAULT_5XX']);

let sm: LocalSecretsManager;
let functions: LocalLambda;
let service: TestServer;
let backend: TestServer;
let closed: number;
let restoreEnv: () => void;

// Function answers the authorizer must cope with, cycled through by the `garbage` function.
let garbageTurn = 0;
const GARBAGE: unknown[] = [
  'allow', null, 42, [], {}, { statusCode: 200 }, { statusCode: 200, body: '{' }, { statusCode: 200, body: '{"status":"allow","context":{"a":{"b":1}}}' },
  { statusCode: 200, body: JSON.stringify({ status: 'allow', context: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, 'v'.repeat(30)])) }) },
  { statusCode: 200, body: JSON.stringify({ status: 'deny', context: { big: 'x'.repeat(4000) } }) },
  { statusCode: 200, body: JSON.stringify({ status: 'allow', context: { 'a-b': 1, 'a_b': true, 'A': 'x'.repeat(3000) } }) },
  { statusCode: 302, body: '' },
];

beforeAll(async () => {
  [sm, functions] = await Promise.all([startLocalSecretsManager(), startLocalLambda()]);
  service = await startServer((req, res) => {
    const token = String(req.headers['x-token'] ?? '');
    const status = token === 'abc' ? 200 : token === 'down' ? 503 : token === '' ? 204 : 401;
    res.writeHead(status, { 'X-Auth-Result': token === 'abc' ? 'pass' : 'fail' });
    res.end();
  });
  backend = await startServer((_req, res) => { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('backend'); });
  closed = await closedPort();
  sm.put('a1', JSON.stringify({ appCode: CODES.a1 }));
  sm.put('a2', JSON.stringify({ appCodes: [CODES.a2, 'short'] }));
  functions.register('allow', (e: any) => ({ statusCode: 200, body: JSON.stringify({ status: 'allow', context: { who: String(e.headers?.['x-token'] ?? '').slice(0, 2000), n: 1, b: false } }) }));
  functions.register('deny', () => ({ statusCode: 200, body: JSON.stringify({ status: 'deny', context: { code: 'nope' } }) }));
  functions.register('garbage', () => GARBAGE[garbageTurn++ % GARBAGE.length]);
  functions.register('throw', () => { throw new Error('boom'); });
  functions.register('gate', (e: any) => ({ statusCode: 200, body: JSON.stringify({ status: e.headers?.['x-token'] === 'let-me-in' ? 'allow' : 'deny' }) }));
  restoreEnv = setEnv({ ...lambdaEnv(functions.endpoint), ...secretsManagerEnv(sm.endpoint) });
});
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  restoreEnv();
  await Promise.all([sm.close(), functions.close(), closeAllServers()]);
  cleanWorkDirs();
});

// ---------------------------------------------------------------------------------------------
// Arbitraries

const text = (maxLength = 12) => fc.string({ unit: fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('"', '\\', '\n', '\u0000', '\u2028', '\ud800', '%', '/', '{', '}', 'ok', 'apigVerdict') },
), maxLength });

const IDENTITY_NAMES = ['X-Token', 'tenant', 'X-Apig-AppCode', 'x-token'];
const identityArb: fc.Arbitrary<IdentityDocument> = fc.record({
  in: fc.constantFrom('header' as const, 'query' as const),
  name: fc.constantFrom(...IDENTITY_NAMES),
  validation: fc.option(fc.constantFrom('[a-z]+', '.*', '(', 'abc|let-me-in', '[^]*'), { nil: undefined }),
}).map(i => JSON.parse(JSON.stringify(i)));

const customArb: fc.Arbitrary<CustomAuthorizerDocument> = fc.record({
  fn: fc.constantFrom('allow', 'deny', 'garbage', 'throw', 'missing'),
  identities: fc.oneof(fc.constant([]), fc.array(identityArb, { maxLength: 2 })),
  ttlSeconds: fc.constantFrom(0, 60),
  relaxed: fc.boolean(),
  timeoutMs: fc.integer({ min: 200, max: 1000 }),
  userData: fc.option(text(20), { nil: undefined }),
}).map(({ fn, ...rest }) => JSON.parse(JSON.stringify({ name: fn, functionArn: functionArn(fn), ...rest })));

function thirdPartyArb(): fc.Arbitrary<ThirdPartyAuthorizerDocument> {
  return fc.record({
    url: fc.constantFrom(`${service.url}/auth`, `http://127.0.0.1:${closed}/auth`, `https://127.0.0.1:${service.port}/auth`, 'not a url'),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'HEAD', 'PATCH'),
    identities: fc.oneof(fc.constant([]), fc.array(identityArb, { maxLength: 2 })),
    timeoutMs: fc.integer({ min: 200, max: 1000 }),
    simpleMode: fc.boolean(),
    matchHeader: fc.option(fc.constant({ name: 'X-Auth-Result', value: 'pass' }), { nil: undefined }),
    relaxed: fc.boolean(),
    ttlSeconds: fc.constantFrom(0, 60),
  }).map(t => JSON.parse(JSON.stringify({ name: 'tp', ...t })));
}

const authArb: fc.Arbitrary<AuthDocument | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant({ type: 'NONE' as const }),
  fc.constant({ type: 'IAM' as const }),
  fc.constantFrom('c0', 'c1').map(c => ({ type: 'IAM' as const, customAuthorizer: c })),
  fc.subarray(['a1', 'a2', 'ghost']).map(apps => ({ type: 'APP' as const, apps })),
  fc.tuple(fc.subarray(['a1', 'a2']), fc.constantFrom('c0', 'c1')).map(([apps, c]) => ({ type: 'APP' as const, apps, customAuthorizer: c })),
  fc.constantFrom('c0', 'c1', 'ghost').map(c => ({ type: 'CUSTOM' as const, customAuthorizer: c })),
  fc.constantFrom('t0', 't1', 'ghost').map(t => ({ type: 'THIRD_PARTY' as const, thirdPartyAuthorizer: t })),
);

const PATHS = ['/a', '/a/{id}', '/a/{id}/b', '/files/{rest+}', '/x y', '/caf\u00e9'];
const METHODS = ['GET', 'POST', 'ANY', 'DELETE'];

function documentArb(): fc.Arbitrary<ConfigDocument> {
  return fc.record({
    routes: fc.uniqueArray(fc.record({ method: fc.constantFrom(...METHODS), path: fc.constantFrom(...PATHS), auth: authArb }), {
      minLength: 1, maxLength: 6, selector: r => `${r.method} ${r.path}`,
    }),
    customs: fc.tuple(customArb, customArb),
    thirds: fc.tuple(thirdPartyArb(), thirdPartyArb()),
    refusalUsageKey: fc.option(fc.constant('refusals'), { nil: undefined }),
  }).map(d => document({
    apis: d.routes.map((r, i) => ({ id: `api-${i}`, method: r.method, path: r.path, auth: r.auth })),
    apps: {
      a1: { id: 'id-a1', name: 'A1', secretArn: secretArn('a1'), usageKey: 'key-a1' },
      a2: { id: 'id-a2', name: 'A2 "quoted"', secretArn: secretArn('a2') },
    },
    customAuthorizers: { c0: d.customs[0], c1: d.customs[1] },
    thirdPartyAuthorizers: { t0: d.thirds[0], t1: d.thirds[1] },
    refusalUsageKey: d.refusalUsageKey,
  }));
}

function targetArb(doc: ConfigDocument): fc.Arbitrary<{ method: string; path: string }> {
  const routed = fc.record({
    api: fc.constantFrom(...doc.apis),
    value: fc.oneof(fc.constantFrom('1', 'x', 'a/b'), text(6).map(v => { try { return encodeURIComponent(v); } catch { return v; } })),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
  }).map(({ api, value, method }) => ({
    method: api.method === 'ANY' ? method : api.method,
    path: api.path.replace(/\{[^}]+\}/g, value || 'v').replace(' ', '%20').replace('\u00e9', '%C3%A9'),
  }));
  return fc.oneof({ weight: 5, arbitrary: routed }, { weight: 1, arbitrary: fc.record({ method: fc.constantFrom('GET', 'get', ''), path: text(20) }) });
}

const headerValue = fc.oneof(fc.constantFrom('abc', '', 'ABC', 'let-me-in', 'down', CODES.a1, CODES.a2, appCode('other')), text(10));

function requestArb(doc: ConfigDocument) {
  return fc.record({
    target: targetArb(doc),
    headers: fc.dictionary(fc.constantFrom('X-Token', 'x-token', 'X-Apig-AppCode', 'x-apig-appcode', 'Other'), headerValue, { maxKeys: 4 }),
    query: fc.dictionary(fc.constantFrom('tenant', 'X-Token', 'q'), fc.oneof(headerValue, fc.array(headerValue, { maxLength: 2 })), { maxKeys: 2 }),
    arn: fc.oneof(
      { weight: 4, arbitrary: fc.constant('methodArn') },
      { weight: 1, arbitrary: fc.oneof(fc.string({ minLength: 400, maxLength: 700 }), text(20), fc.constant(undefined), fc.integer()) },
    ),
    iam: fc.boolean(),
  });
}

// ---------------------------------------------------------------------------------------------

let seenDocuments = 0;
const verdictsSeen = new Set<string>();

test('property: the authorizer always answers a well-formed Allow on the method ARN with a small, string-valued verdict', async () => {
  // why: a malformed result, a Deny or a throw would become API Gateway's native 401/403/500, bypassing every response
  await fc.assert(fc.asyncProperty(documentArb().chain(doc => fc.tuple(fc.constant(doc), fc.array(requestArb(doc), { minLength: 1, maxLength: 8 }))),
    async ([doc, requests]) => {
      const authorizer = loadAuthorizerAsset(doc);
      seenDocuments += 1;
      const ids = new Set(['', ...doc.apis.map(a => a.id)]);
      for (const r of requests) {
        const base = authorizerEventFor(proxyEvent({ method: r.target.method, path: r.target.path, headers: r.headers, query: r.query as never, iam: r.iam }));
        const arn = r.arn === 'methodArn' ? methodArn(r.target.method, r.target.path) : r.arn;
        const event = { ...base, methodArn: arn };
        const result = await authorizer.invoke(event, { getRemainingTimeInMillis: () => 1500 });
        expect(authorizerResultProblems(result, arn)).toEqual([]);
        const context = result.context as Record<string, string>;
        expect(JSON.stringify(context).length).toBeLessThan(8192);
        expect(VERDICTS.has(context.apigVerdict)).toBe(true);
        verdictsSeen.add(context.apigVerdict);
        expect(ids.has(context.apigApi)).toBe(true);
        if (result.usageIdentifierKey !== undefined) { expect(['key-a1', 'refusals']).toContain(result.usageIdentifierKey); }
      }
    }), { numRuns: 150 });
  // Not vacuous: the runs reached most outcomes (150 runs: at 60, one run in four missed the seventh verdict).
  expect(seenDocuments).toBeGreaterThanOrEqual(150);
  expect(verdictsSeen.size).toBeGreaterThanOrEqual(7);
});

// ---------------------------------------------------------------------------------------------

interface Guarded { readonly id: string; readonly auth?: AuthDocument }

const GUARDED: Guarded[] = [
  { id: 'open' },
  { id: 'app1', auth: { type: 'APP', apps: ['a1'] } },
  { id: 'app12', auth: { type: 'APP', apps: ['a1', 'a2'] } },
  { id: 'app-custom', auth: { type: 'APP', apps: ['a2'], customAuthorizer: 'gate' } },
  { id: 'custom', auth: { type: 'CUSTOM', customAuthorizer: 'gate' } },
  { id: 'third', auth: { type: 'THIRD_PARTY', thirdPartyAuthorizer: 'svc' } },
  { id: 'iam', auth: { type: 'IAM' } },
  { id: 'iam-custom', auth: { type: 'IAM', customAuthorizer: 'gate' } },
  { id: 'any', auth: { type: 'CUSTOM', customAuthorizer: 'gate' } },
  { id: 'broken', auth: { type: 'APP', apps: ['ghost'] } },
];
const ALLOWED_APPS: Record<string, string[]> = { 'app1': ['id-a1'], 'app12': ['id-a1', 'id-a2'], 'app-custom': ['id-a2'] };

function guardedDocument(): ConfigDocument {
  const apis: ApiDocument[] = GUARDED.map(g => ({
    id: g.id,
    name: g.id,
    method: g.id === 'any' ? 'ANY' : 'GET',
    path: g.id === 'any' ? '/g/any/{rest+}' : `/g/${g.id}`,
    response: 'default',
    parameters: [],
    backend: http(`${backend.url}/hit/${g.id}`) as ApiDocument['backend'],
    ...(g.auth ? { auth: g.auth } : {}),
  }));
  return {
    ...document({ apis: [] }),
    apis,
    apps: {
      a1: { id: 'id-a1', name: 'A1', secretArn: secretArn('a1') },
      a2: { id: 'id-a2', name: 'A2', secretArn: secretArn('a2') },
    },
    customAuthorizers: { gate: { name: 'gate', functionArn: functionArn('gate'), identities: [], ttlSeconds: 0, relaxed: false, timeoutMs: 1000 } },
    thirdPartyAuthorizers: { svc: { name: 'svc', url: `${service.url}/auth`, method: 'GET', identities: [], timeoutMs: 1000, simpleMode: true, relaxed: false, ttlSeconds: 0 } },
  };
}

const contextValue = fc.oneof(
  fc.constantFrom(...VERDICTS, 'OK', 'allow', 'NOT_FOUND', ...GUARDED.map(g => g.id), 'id-a1', 'id-a2', ''),
  text(8), fc.integer(), fc.boolean(), fc.constant(null), fc.constant({ nested: 'ok' }),
);
const randomContext = fc.dictionary(
  fc.constantFrom('apigVerdict', 'apigApi', 'appId', 'appName', 'apigErrorCode', 'apigErrorMessage', 'principalId', 'frontend_code', 'integrationLatency'),
  contextValue, { maxKeys: 6 },
);
/** A context close to a real allow for `id` (with some app), then possibly altered. */
function nearAllow(id: string): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({
    apigVerdict: fc.constantFrom('ok', 'ok', 'ok', 'AUTH_FAILURE'),
    apigApi: fc.oneof({ weight: 4, arbitrary: fc.constant(id) }, { weight: 1, arbitrary: fc.constantFrom(...GUARDED.map(g => g.id)) }),
    appId: fc.constantFrom('id-a1', 'id-a2', 'id-a3'),
    principalId: fc.constant('anonymous'),
  }).chain(base => fc.oneof(fc.constant({}), randomContext).map(extra => ({ ...base, ...extra })));
}

test('property: no event reaches the backend of an authenticated API without an allow verdict for it', async () => {
  // why: the proxy fails closed (DESIGN section 2); this is the security property of the whole design
  const proxy: LoadedProxy = await loadProxyAsset(guardedDocument());
  const sendsToken = (headers: Record<string, string>) => Object.entries(headers).find(([k]) => k.toLowerCase() === 'x-token')?.[1] === 'let-me-in';
  const inputArb = fc.constantFrom(...GUARDED.map(g => g.id)).chain(id => fc.record({
    target: fc.oneof(
      { weight: 4, arbitrary: fc.constant(id === 'any' ? '/g/any/x/y' : `/g/${id}`) },
      { weight: 1, arbitrary: fc.constantFrom(`/g/${id}/`, `/g//${id}`, `/G/${id}`, `/g/${id}%2F`, '/g/any/', '/g/%61pp1', `/g/${encodeURIComponent(id)}`) },
    ),
    method: fc.constantFrom('GET', 'GET', 'POST', 'get'),
    authorizer: fc.oneof(
      { weight: 3, arbitrary: randomContext },
      { weight: 5, arbitrary: nearAllow(id) },
      { weight: 1, arbitrary: fc.constantFrom(undefined, 'garbage', 7, null, []) },
    ),
    forged: randomContext,
    headers: fc.dictionary(fc.constantFrom('X-Token', 'x-token', 'apigVerdict', 'Other'), fc.constantFrom('let-me-in', 'ok', 'nope', ''), { maxKeys: 3 }),
    iam: fc.oneof(fc.constant(undefined), fc.constant(IAM_IDENTITY), fc.record({ userArn: fc.constantFrom('', 'arn:x'), accessKey: fc.constantFrom('', null) })),
  }));
  await fc.assert(fc.asyncProperty(inputArb, async input => {
    const event = proxyEvent({ method: input.method, path: input.target, headers: { ...input.headers, ...stringsOf(input.forged) }, query: stringsOf(input.forged) }) as any;
    event.stageVariables = stringsOf(input.forged);
    if (input.authorizer !== undefined) { event.requestContext.authorizer = input.authorizer; }
    if (input.iam !== undefined) { Object.assign(event.requestContext.identity, input.iam); }
    const before = backend.requests.length;
    const result = await proxy.invoke(event);
    expect(typeof result.statusCode).toBe('number');
    const hits = backend.requests.slice(before);
    if (hits.length === 0) { return; }
    expect(hits).toHaveLength(1);
    const id = /^\/hit\/([^/?]+)/.exec(hits[0].url)![1];
    const guarded = GUARDED.find(g => g.id === id)!;
    const auth = guarded.auth;
    const context = typeof input.authorizer === 'object' && input.authorizer !== null && !Array.isArray(input.authorizer)
      ? input.authorizer as Record<string, unknown> : {};
    const identity = event.requestContext.identity;
    switch (auth?.type) {
      case undefined:
        break;
      case 'IAM':
        expect([identity.userArn, identity.accessKey, identity.caller].some(v => typeof v === 'string' && v !== '')).toBe(true);
        if (auth.customAuthorizer) { expect(sendsToken(input.headers)).toBe(true); }
        break;
      default:
        expect(context.apigVerdict).toBe('ok');
        expect(String(context.apigApi)).toBe(id);
        if (auth!.type === 'APP') { expect(ALLOWED_APPS[id]).toContain(String(context.appId)); }
        expect(id).not.toBe('broken');
    }
    if (auth?.type !== undefined) { authenticatedHits.add(id); }
  }), { numRuns: 400 });
  // Not vacuous: allow verdicts did reach authenticated backends.
  expect(authenticatedHits.size).toBeGreaterThanOrEqual(5);
});

const authenticatedHits = new Set<string>();

function stringsOf(record: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v) ?? '']));
}

test('the response types table is what the runtime knows', () => {
  // why: the verdict names types the proxy renders; a renamed type would fail closed everywhere
  const names = new Set(ResponseType.all().map(t => t.name));
  for (const v of VERDICTS) { if (v !== 'ok') { expect(names.has(v)).toBe(true); } }
});
