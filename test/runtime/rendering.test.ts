/**
 * Gateway-error rendering: per-API response selection, every context variable, escaping,
 * status rules, fixed headers, the log line, and refusing a document the proxy cannot trust.
 */
import { writeConfigFiles } from '../../lib/private/config-files';
import * as fs from 'fs';
import * as path from 'path';
import { proxyEvent } from '../support/events';
import { cleanWorkDirs, freshWorkDir, loadProxyAsset, loadProxyFromDir, PROXY_ASSET, resultHeader } from '../support/proxy-harness';
import { document, fn } from './documents';
import { captureLogs, json, setEnv } from './helpers';

const ALL_VARIABLES = JSON.stringify({
  apiId: '$context.apiId',
  apiName: '$context.apiName',
  appId: '$context.appId',
  appName: '$context.appName',
  requestId: '$context.requestId',
  stage: '$context.stage',
  sourceIp: '$context.sourceIp',
  reqPath: '$context.reqPath',
  reqUri: '$context.reqUri',
  reqMethod: '$context.reqMethod',
  code: '$context.error.code',
  message: '$context.error.message',
  type: '$context.error.type',
  front: '$context.authorizer.frontend.tenant',
  frontNumber: '$context.authorizer.frontend.level',
  frontBoolean: '$context.authorizer.frontend.vip',
  frontUnknown: '$context.authorizer.frontend.nothing',
  back: '$context.authorizer.backend.tenant',
  stageVariable: '$stageVariables.env',
  stageVariableUnknown: '$stageVariables.nothing',
  mixed: 'rid=$context.requestId;m=$context.reqMethod!',
});

const QUERY_REQUIRED = [{ name: 'q', in: 'query' as const, type: 'STRING' as const, required: true }];

beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(() => { cleanWorkDirs(); });

describe('response selection', () => {
  const doc = document({
    apis: [
      { id: 'api-default', name: 'uses-default', path: '/a', parameters: QUERY_REQUIRED },
      { id: 'api-strict', name: 'uses-strict', path: '/b', response: 'strict', parameters: QUERY_REQUIRED },
    ],
    responses: {
      strict: {
        REQUEST_PARAMETERS_FAILURE: { status: 422, body: '{"strict":true,"code":"$context.error.code","api":"$context.apiName"}', headers: { 'X-Strict': 'yes' } },
        NOT_FOUND: { status: 410, body: '{"strict":"not found"}' },
      },
    },
  });

  test('two APIs selecting different responses render different statuses, bodies and headers', async () => {
    // why: per-API response selection is the feature AWS lacks natively
    const proxy = await loadProxyAsset(doc);
    const a = await proxy.invoke(proxyEvent({ path: '/a' }));
    const b = await proxy.invoke(proxyEvent({ path: '/b' }));
    expect(a.statusCode).toBe(400);
    expect(json(a)).toEqual({ error_code: 'APIG.0201', error_msg: 'API request error. Parameter "q" in query is required.', request_id: expect.any(String) });
    expect(resultHeader(a, 'X-Strict')).toBeUndefined();
    expect(b.statusCode).toBe(422);
    expect(json(b)).toEqual({ strict: true, code: 'APIG.0201', api: 'uses-strict' });
    expect(resultHeader(b, 'X-Strict')).toBe('yes');
  });

  test('errors raised before any API matched use the default response', async () => {
    // why: NOT_FOUND has no API, so no selected response: `default` applies
    const proxy = await loadProxyAsset(doc);
    const r = await proxy.invoke(proxyEvent({ path: '/b/unknown' }));
    expect(r.statusCode).toBe(404);
    expect(json(r).error_code).toBe('APIG.0101');
  });
});

describe('context variables', () => {
  const doc = document({
    stage: 'DOC_STAGE',
    apis: [{ id: 'api-123', name: 'get-thing', path: '/things/{id}', parameters: QUERY_REQUIRED }],
    defaultRules: {
      REQUEST_PARAMETERS_FAILURE: { body: ALL_VARIABLES, headers: { 'X-Ctx': '$context.requestId/$context.reqMethod', 'X-Front': '$context.authorizer.frontend.tenant' } },
      NOT_FOUND: { body: ALL_VARIABLES },
    },
  });

  test('every variable renders its value', async () => {
    // why: users build their error bodies from these variables
    const proxy = await loadProxyAsset(doc);
    const r = await proxy.invoke(proxyEvent({
      method: 'GET',
      path: '/things/7',
      query: { other: ['a b', 'c&d'], x: '1' },
      requestId: 'rid-1',
      sourceIp: '203.0.113.9',
      stage: 'RELEASE',
      stageVariables: { env: 'prod' },
      authorizer: { frontend_tenant: 'acme', frontend_level: 3, frontend_vip: true, appId: 'app-9', appName: 'mobile' },
    }));
    expect(r.statusCode).toBe(400);
    expect(json(r)).toEqual({
      apiId: 'api-123',
      apiName: 'get-thing',
      appId: 'app-9',
      appName: 'mobile',
      requestId: 'rid-1',
      stage: 'RELEASE',
      sourceIp: '203.0.113.9',
      reqPath: '/things/7',
      reqUri: '/things/7?other=a%20b&other=c%26d&x=1',
      reqMethod: 'GET',
      code: 'APIG.0201',
      message: 'API request error. Parameter "q" in query is required.',
      type: 'REQUEST_PARAMETERS_FAILURE',
      front: 'acme',
      frontNumber: '3',
      frontBoolean: 'true',
      frontUnknown: '',
      back: '',
      stageVariable: 'prod',
      stageVariableUnknown: '',
      mixed: 'rid=rid-1;m=GET!',
    });
    expect(resultHeader(r, 'X-Ctx')).toBe('rid-1/GET');
    expect(resultHeader(r, 'X-Front')).toBe('acme');
  });

  test('without a matched API, apiId/apiName/app render empty; stage falls back to the document', async () => {
    // why: a request that matched nothing has no API; an event without a stage still has one
    const proxy = await loadProxyAsset(doc);
    const event: any = proxyEvent({ path: '/nowhere', requestId: 'rid-2' });
    delete event.requestContext.stage;
    const body = json(await proxy.invoke(event));
    expect(body).toMatchObject({ apiId: '', apiName: '', appId: '', appName: '', stage: 'DOC_STAGE', reqUri: '/nowhere', type: 'NOT_FOUND', stageVariable: '' });
  });
});

describe('escaping', () => {
  const doc = document({
    apis: [{ path: '/p/{id}', parameters: QUERY_REQUIRED }],
    defaultRules: {
      NOT_FOUND: {
        body: '{"path":"$context.reqPath","uri":"$context.reqUri","front":"$context.authorizer.frontend.x","sv":"$stageVariables.s","rid":"$context.requestId"}',
        headers: { 'X-Path': '$context.reqPath', 'X-Front': '[$context.authorizer.frontend.x]' },
      },
    },
    cors: { allowOrigins: ['*'], allowCredentials: true, exposeHeaders: [] },
  });
  const NASTY = 'a"b\\c\nd\re\u0000f\u2028g\u2029h $context.requestId </script>';

  test('request content with quotes, backslashes, newlines and variable names stays literal, valid JSON', async () => {
    // why: no request content may break or inject into the JSON body, or be expanded as a variable
    const proxy = await loadProxyAsset(doc);
    const r = await proxy.invoke(proxyEvent({
      path: `/x/${NASTY}`,
      query: { [NASTY]: NASTY },
      headers: { 'Origin': `https://o.example${NASTY}`, 'X-Nasty': NASTY },
      requestId: 'rid-esc',
      stageVariables: { s: NASTY },
      authorizer: { frontend_x: NASTY },
    }));
    expect(r.statusCode).toBe(404);
    const body = json(r);
    expect(body.path).toBe(`/x/${NASTY}`);
    expect(body.front).toBe(NASTY);
    expect(body.sv).toBe(NASTY);
    expect(body.rid).toBe('rid-esc');
    expect(body.uri).toBe(`/x/${NASTY}?${encodeURIComponent(NASTY)}=${encodeURIComponent(NASTY)}`);
    // Not expanded a second time: the literal text is still there in path, uri, authorizer value and stage variable.
    expect(r.body.match(/\$context\.requestId/g)).toHaveLength(4);
    // JavaScript line terminators are escaped too (a body may be embedded in a script).
    expect(r.body).not.toMatch(/[\u2028\u2029]/);
    // Headers: control characters removed, no JSON escaping, no expansion.
    expect(resultHeader(r, 'X-Path')).toBe('/x/a"b\\cdef\u2028g\u2029h $context.requestId </script>');
    expect(resultHeader(r, 'X-Front')).toBe('[a"b\\cdef\u2028g\u2029h $context.requestId </script>]');
    expect(resultHeader(r, 'Access-Control-Allow-Origin')).toBe('https://o.examplea"b\\cdef\u2028g\u2029h $context.requestId </script>');
    for (const value of Object.values(r.headers ?? {})) { expect(value).not.toMatch(/[\x00-\x1f\x7f]/); }
  });

  test('a rendered header value is cut to 1024 characters', async () => {
    // why: header values are limited to 1024 characters (DESIGN section 5)
    const proxy = await loadProxyAsset(doc);
    const r = await proxy.invoke(proxyEvent({ path: `/${'y'.repeat(5000)}` }));
    expect(resultHeader(r, 'X-Path')).toHaveLength(1024);
    expect(json(r).path).toHaveLength(5001);
  });
});

describe('status and fixed headers', () => {
  test('DEFAULT_4XX keeps the original status when its rule has none (413 for an oversized function event)', async () => {
    // why: DEFAULT_4XX / DEFAULT_5XX have no status of their own
    const proxy = await loadProxyAsset(document({ apis: [{ method: 'POST', path: '/upload', backend: fn('arn:aws:lambda:us-east-1:123456789012:function:none') }] }));
    const r = await proxy.invoke(proxyEvent({ method: 'POST', path: '/upload', body: 'x'.repeat(6_400_000) }));
    expect(r.statusCode).toBe(413);
    expect(json(r)).toMatchObject({ error_code: 'APIG.0201', error_msg: 'Request entity too large.' });
  });

  test('DEFAULT_5XX keeps the original 500, or takes the rule status when set', async () => {
    // why: an API whose backend cannot be configured answers DEFAULT_5XX; others keep working
    const apis = [
      { path: '/broken', backend: { type: 'HTTP' as const, url: { env: 'UNSET_BACKEND_URL_FOR_TEST' }, timeoutMs: 1000 } },
      { path: '/fine' },
    ];
    const keep = await loadProxyAsset(document({ apis }));
    const r = await keep.invoke(proxyEvent({ path: '/broken' }));
    expect(r.statusCode).toBe(500);
    expect(json(r)).toMatchObject({ error_code: 'APIG.0601', error_msg: 'Internal server error.' });
    expect((await keep.invoke(proxyEvent({ path: '/fine' }))).statusCode).toBe(200);

    const mapped = await loadProxyAsset(document({ apis, defaultRules: { DEFAULT_5XX: { status: 503 } } }));
    expect((await mapped.invoke(proxyEvent({ path: '/broken' }))).statusCode).toBe(503);
  });

  test('Content-Type and X-Request-Id are always set and cannot be overridden by a rule', async () => {
    // why: every gateway response is JSON and carries the request id (DESIGN section 4)
    const proxy = await loadProxyAsset(document({
      apis: [],
      defaultRules: { NOT_FOUND: { headers: { 'content-type': 'text/html', 'x-request-id': 'evil', 'X-Other': 'kept' } } },
    }));
    const r = await proxy.invoke(proxyEvent({ path: '/x', requestId: 'rid-fixed' }));
    expect(r.headers).toEqual({ 'X-Other': 'kept', 'Content-Type': 'application/json', 'X-Request-Id': 'rid-fixed' });
  });

  test('an event without a request id still gets one, the same in header and body', async () => {
    // why: X-Request-Id must be on every response, even for odd events
    const proxy = await loadProxyAsset(document({ apis: [] }));
    const event: any = proxyEvent({ path: '/x' });
    delete event.requestContext.requestId;
    const r = await proxy.invoke(event);
    expect(resultHeader(r, 'X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(json(r).request_id).toBe(resultHeader(r, 'X-Request-Id'));
  });
});

describe('logging', () => {
  test('one compact JSON line per gateway error, without header, query or body values', async () => {
    // why: operators need the error, and logs must not leak request content
    const logs = captureLogs();
    const proxy = await loadProxyAsset(document({ apis: [{ id: 'api-log', path: '/l', parameters: QUERY_REQUIRED }] }));
    logs.length = 0;
    await proxy.invoke(proxyEvent({
      method: 'POST', path: '/l', query: { other: 'query-secret' }, headers: { Authorization: 'header-secret' }, body: 'body-secret', requestId: 'rid-log',
    }));
    await proxy.invoke(proxyEvent({ path: '/l', query: { other: 'query-secret' }, headers: { Authorization: 'header-secret' }, requestId: 'rid-log2' }));
    expect(logs).toHaveLength(2);
    expect(logs.map(l => JSON.parse(l))).toEqual([
      { msg: 'gateway error', requestId: 'rid-log', apiId: '', type: 'REQUEST_PARAMETERS_FAILURE', status: 400, reason: 'method not supported on path' },
      { msg: 'gateway error', requestId: 'rid-log2', apiId: 'api-log', type: 'REQUEST_PARAMETERS_FAILURE', status: 400, reason: 'parameter q in query: missing' },
    ]);
    expect(logs.join('\n')).not.toMatch(/secret/);
  });
});

describe('documents the proxy refuses', () => {
  const FALLBACK = { error_code: 'APIG.0601', error_msg: 'Internal server error.' };

  test('a document of another version gives DEFAULT_5XX with the built-in fallback, not a throw', async () => {
    // why: a proxy must never guess at a contract it does not know; a throw would be AWS's bare 502
    const proxy = await loadProxyAsset({ ...document({ apis: [{ path: '/a' }] }), version: 1 });
    const r = await proxy.invoke(proxyEvent({ path: '/a', requestId: 'rid-v2' }));
    expect(r.statusCode).toBe(500);
    expect(json(r)).toEqual({ ...FALLBACK, request_id: 'rid-v2' });
    expect(resultHeader(r, 'X-Request-Id')).toBe('rid-v2');
  });

  test.each([
    ['not JSON', '{"version": 1,'],
    ['missing default response', { ...document({ apis: [] }), responses: {} }],
    ['an API selecting an unknown response', document({ apis: [{ path: '/a', response: 'nope' }] })],
    ['a rule with a status that is not HTTP', document({ apis: [], defaultRules: { NOT_FOUND: { status: 99 } } })],
    ['APIs without their details file (apis.jsonl)', document({ apis: [{ path: '/a' }] })],
  ] as Array<[string, unknown]>)('%s → DEFAULT_5XX for every request', async (what, doc) => {
    // why: a broken document must fail loudly and safely, not half-work
    const dir = freshWorkDir('refused');
    fs.copyFileSync(PROXY_ASSET, path.join(dir, 'index.js'));
    if (typeof doc === 'string') {
      fs.writeFileSync(path.join(dir, 'config.json'), doc);
    } else {
      writeConfigFiles(dir, doc);
      if (what.includes('apis.jsonl')) { fs.rmSync(path.join(dir, 'apis.jsonl')); }
    }
    const logs = captureLogs();
    const proxy = loadProxyFromDir(dir);
    expect(logs.some(l => JSON.parse(l).msg === 'configuration refused')).toBe(true);
    const r = await proxy.invoke(proxyEvent({ path: '/a' }));
    expect(r.statusCode).toBe(500);
    expect(json(r)).toMatchObject(FALLBACK);
  });

  test('a missing config file → DEFAULT_5XX', async () => {
    const dir = freshWorkDir('nofile');
    fs.copyFileSync(PROXY_ASSET, path.join(dir, 'index.js'));
    const r = await loadProxyFromDir(dir).invoke(proxyEvent({ path: '/a' }));
    expect(r.statusCode).toBe(500);
  });

  test('APIG_CONFIG_FILE overrides the config location', async () => {
    // why: the local gateway (and tests) point the same bundle at another document
    const folder = freshWorkDir('elsewhere');
    const elsewhere = path.join(folder, 'other.json');
    writeConfigFiles(folder, document({ apis: [{ path: '/from-env' }] })); // apis.jsonl beside it
    fs.renameSync(path.join(folder, 'config.json'), elsewhere);
    const restore = setEnv({ APIG_CONFIG_FILE: elsewhere });
    try {
      const proxy = await loadProxyAsset(document({ apis: [] }));
      expect((await proxy.invoke(proxyEvent({ path: '/from-env' }))).body).toBe('GET /from-env');
    } finally {
      restore();
    }
  });
});
