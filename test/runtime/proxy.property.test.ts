/**
 * Property: for any valid configuration document and any event, the built proxy answers a
 * well-formed proxy result, and every gateway error body is JSON. A throw or a malformed result
 * would become AWS's bare 502, bypassing every gateway response.
 */
import { CONFIG_DOCUMENT_VERSION } from '../../lib/private/config-document';
import fc from 'fast-check';
import type {
  ApiDocument, BackendDocument, ConfigDocument, CorsDocument, ParameterDocument, RuleDocument,
} from '../../lib/private/config-document';
import { CONTEXT_VARIABLES } from '../../lib/private/template';
import { ResponseType } from '../../lib/response-type';
import { closedPort } from '../support/http-servers';
import { cleanWorkDirs, loadProxyAsset, ProxyResultShape } from '../support/proxy-harness';
import { errorDefaults } from './documents';

const MOCK_MARK = 'X-From-Mock';
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS', 'ANY'];
const VARIABLES = [
  ...Object.keys(CONTEXT_VARIABLES).map(n => `$context.${n}`),
  '$context.authorizer.frontend.tenant', '$context.authorizer.frontend.level', '$context.authorizer.backend.key',
  '$stageVariables.env', '$stageVariables.missing',
];

// Text that stresses escaping: any code point, plus the characters and spellings that matter.
const nastyUnit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('"', '\\', '\n', '\r', '\u0000', '\u2028', '\u2029', '\ud800', '\udfff', '$context.requestId', '%', '%zz', '/', '{', '}') },
);
const nasty = (maxLength = 12): fc.Arbitrary<string> => fc.string({ unit: nastyUnit, maxLength });

const tokenName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,10}$/)
  .filter(n => !['content-type', 'x-request-id', MOCK_MARK.toLowerCase()].includes(n.toLowerCase()));

/** A template string: literal text and variables, as a user may write one. */
const templateText: fc.Arbitrary<string> = fc.array(fc.oneof(nasty(6), fc.constantFrom(...VARIABLES)), { maxLength: 5 }).map(parts => parts.join(''));

/** A JSON body whose strings hold variables (the synth side's rule: variables only inside strings). */
const bodyTemplate: fc.Arbitrary<string> = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(templateText, fc.integer(), fc.boolean()), { maxKeys: 5 }).map(o => JSON.stringify(o)),
  templateText.map(t => JSON.stringify([t, { nested: t }])),
);

const status = fc.integer({ min: 200, max: 599 }).filter(s => s !== 444);

function ruleArb(type: string): fc.Arbitrary<RuleDocument> {
  const optionalStatus = type === 'DEFAULT_4XX' || type === 'DEFAULT_5XX';
  return fc.record({
    status: optionalStatus ? fc.option(status, { nil: undefined }) : status,
    body: bodyTemplate,
    headers: fc.dictionary(tokenName, templateText, { maxKeys: 3 }),
  }).map(r => (r.status === undefined ? { body: r.body, headers: r.headers } : r));
}

const responseArb: fc.Arbitrary<Record<string, RuleDocument>> = fc.record(
  Object.fromEntries(ResponseType.all().map(t => [t.name, ruleArb(t.name)])),
);

interface Segment { kind: 'static' | 'param' | 'greedy'; text: string }
const segmentArb: fc.Arbitrary<Segment> = fc.oneof(
  fc.constantFrom('orders', 'items', 'a', 'b', 'x y', 'caf\u00e9').map(text => ({ kind: 'static' as const, text })),
  fc.constantFrom('id', 'name', 'v').map(text => ({ kind: 'param' as const, text })),
);

const pathArb: fc.Arbitrary<{ path: string; params: string[] }> = fc.tuple(
  fc.array(segmentArb, { maxLength: 4 }),
  fc.boolean(),
).map(([segments, greedy]) => {
  const params: string[] = [];
  const parts = segments.map((s, i) => {
    if (s.kind !== 'param') { return s.text; }
    const name = `${s.text}${i}`;
    params.push(name);
    return `{${name}}`;
  });
  if (greedy) { parts.push('{rest+}'); params.push('rest'); }
  return { path: `/${parts.join('/')}`, params };
});

function parameterArb(pathParams: string[]): fc.Arbitrary<ParameterDocument> {
  const location = pathParams.length > 0 ? fc.constantFrom('path', 'query', 'header') : fc.constantFrom('query', 'header');
  return fc.record({
    in: location as fc.Arbitrary<'path' | 'query' | 'header'>,
    type: fc.constantFrom('STRING', 'NUMBER') as fc.Arbitrary<'STRING' | 'NUMBER'>,
    required: fc.boolean(),
    enumerations: fc.option(fc.array(fc.string({ maxLength: 4 }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
    minimum: fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }),
    maximum: fc.option(fc.integer({ min: 5, max: 50 }), { nil: undefined }),
    minLength: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    maxLength: fc.option(fc.integer({ min: 3, max: 20 }), { nil: undefined }),
    queryName: fc.stringMatching(/^[A-Za-z][A-Za-z0-9._-]{0,6}$/),
  }).chain(p => (p.in === 'path' ? fc.constantFrom(...pathParams) : fc.constant(p.queryName)).map(name => {
    const { queryName: _unused, ...rest } = p;
    const doc: ParameterDocument = { ...rest, name };
    return JSON.parse(JSON.stringify(doc)) as ParameterDocument; // drops undefined fields
  }));
}

function backendArb(port: number): fc.Arbitrary<BackendDocument> {
  return fc.oneof(
    fc.record({
      type: fc.constant('MOCK' as const),
      statusCode: fc.integer({ min: 100, max: 599 }),
      body: nasty(20),
      headers: fc.dictionary(tokenName, nasty(8), { maxKeys: 3 }).map(h => ({ ...h, [MOCK_MARK]: '1' })),
    }),
    fc.record({
      type: fc.constant('HTTP' as const),
      url: fc.constantFrom(`http://127.0.0.1:${port}/base/{id0}/{rest}`, `http://127.0.0.1:${port}`),
      method: fc.option(fc.constantFrom('GET', 'POST'), { nil: undefined }),
      timeoutMs: fc.integer({ min: 200, max: 2000 }),
    }).map(b => JSON.parse(JSON.stringify(b)) as BackendDocument),
  );
}

function documentArb(port: number): fc.Arbitrary<ConfigDocument> {
  const names = ['default', 'strict', 'loose', 'x_1', 'Y-2'];
  return fc.record({
    responseCount: fc.integer({ min: 1, max: 5 }),
    responses: fc.array(responseArb, { minLength: 5, maxLength: 5 }),
    routes: fc.uniqueArray(fc.record({ method: fc.constantFrom(...METHODS), path: pathArb }), {
      maxLength: 10,
      selector: r => `${r.method} ${r.path.path}`,
    }),
    cors: fc.option(fc.record({
      allowOrigins: fc.oneof(fc.constant(['*']), fc.array(fc.constantFrom('https://a.example', 'https://b.example'), { minLength: 1 })),
      allowCredentials: fc.boolean(),
      exposeHeaders: fc.array(tokenName, { maxLength: 2 }),
    }), { nil: undefined }),
    stage: fc.constantFrom('RELEASE', 'test'),
  }).chain(d => {
    const responseNames = names.slice(0, d.responseCount);
    const apis: fc.Arbitrary<ApiDocument>[] = d.routes.map((r, i) => fc.record({
      response: fc.constantFrom(...responseNames),
      parameters: fc.array(parameterArb(r.path.params), { maxLength: 3 }),
      backend: backendArb(port),
    }).map(extra => ({ id: `api-${i}`, name: `name-${i}`, method: r.method, path: r.path.path, ...extra })));
    return fc.tuple(...apis).map(apiList => ({
      version: CONFIG_DOCUMENT_VERSION,
      group: { name: 'prop', stage: d.stage },
      errors: errorDefaults(),
      responses: Object.fromEntries(responseNames.map((n, i) => [n, d.responses[i]])),
      apis: apiList,
      ...(d.cors ? { cors: d.cors as CorsDocument } : {}),
    }));
  });
}

const valueMap = fc.option(fc.dictionary(nasty(8), nasty(10), { maxKeys: 4 }), { nil: null });
const multiValueMap = fc.option(fc.dictionary(nasty(8), fc.array(nasty(10), { maxLength: 3 }), { maxKeys: 4 }), { nil: null });

/** Percent-encodes what can be; a lone surrogate is left raw (the proxy must cope with it). */
function encodeLoosely(value: string): string {
  try { return encodeURIComponent(value); } catch { return value; }
}

const REAL_METHODS = METHODS.filter(m => m !== 'ANY');
const weirdMethod = fc.oneof(fc.constantFrom('get', 'PROPFIND', '', 'G E T'), nasty(6));

/** Method and path: mostly one of the document's routes (so APIs are reached), sometimes anything. */
function targetFor(doc: ConfigDocument): fc.Arbitrary<{ method: string; path: string }> {
  const weird = fc.record({
    method: fc.oneof(fc.constantFrom(...REAL_METHODS), weirdMethod),
    path: fc.oneof(nasty(30), fc.constantFrom('', '/', '//', '/%', '/%E0%A4%A', '/a/../b')),
  });
  if (doc.apis.length === 0) { return weird; }
  const routed = fc.record({
    api: fc.constantFrom(...doc.apis),
    values: fc.array(fc.oneof(fc.constantFrom('1', '42', '-3.5', 'a', 'orders'), nasty(5)), { minLength: 6, maxLength: 6 }),
    slash: fc.boolean(),
    otherMethod: fc.oneof(fc.constantFrom(...REAL_METHODS), weirdMethod),
    keepMethod: fc.boolean(),
  }).map(({ api, values, slash, otherMethod, keepMethod }) => {
    let i = 0;
    const filled = api.path.replace(/\{[^}]+\}/g, () => encodeLoosely(values[i++] || 'v'));
    const method = api.method === 'ANY' || !keepMethod ? otherMethod : api.method;
    return { method, path: slash ? `${filled}/` : filled };
  });
  return fc.oneof({ weight: 4, arbitrary: routed }, { weight: 1, arbitrary: weird });
}

function eventArb(doc: ConfigDocument): fc.Arbitrary<unknown> {
  const authorizerValue = fc.oneof(nasty(8), fc.integer(), fc.boolean(), fc.constant(null), fc.constant({ nested: 1 }));
  const event = fc.record({
    target: targetFor(doc),
    headers: valueMap,
    multiValueHeaders: multiValueMap,
    queryStringParameters: valueMap,
    multiValueQueryStringParameters: multiValueMap,
    pathParameters: fc.constant(null),
    mapping: fc.oneof(
      { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
      { weight: 2, arbitrary: fc.constantFrom('', '/payment', '/v1/payment', '/orders').map(base => ({ kind: 'base path' as const, base })) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), resource: fc.oneof(nasty(12), fc.constantFrom('/{proxy+}', '/{a}/{b+}', '/', '/{x')), pathParameters: fc.oneof(fc.constant(null), fc.dictionary(fc.constantFrom('proxy', 'a', 'b', 'x'), fc.oneof(nasty(10), fc.integer()))) }) },
    ),
    stageVariables: fc.option(fc.dictionary(fc.constantFrom('env', 'other', '__proto__', 'constructor'), nasty(8)), { nil: null }),
    requestContext: fc.oneof(
      fc.record({
        requestId: fc.oneof(fc.uuid(), nasty(20)),
        stage: fc.option(nasty(6), { nil: undefined }),
        identity: fc.record({ sourceIp: fc.oneof(fc.ipV4(), nasty(6)) }),
        authorizer: fc.option(fc.dictionary(fc.constantFrom('tenant', 'level', 'appId', 'appName'), authorizerValue), { nil: undefined }),
      }),
      fc.constant(undefined),
      fc.constant('garbage'),
    ),
    body: fc.option(nasty(40), { nil: null }),
    isBase64Encoded: fc.boolean(),
  }).map(({ target, mapping, ...e }) => {
    let where: Record<string, unknown> = { path: target.path };
    if (mapping.kind === 'base path') {
      // Through the catch-all behind a custom domain's base-path mapping, as API Gateway sends it.
      const relative = target.path.replace(/^\/+/, '');
      where = { path: `${mapping.base}/${relative}`, resource: relative === '' ? '/' : '/{proxy+}', pathParameters: relative === '' ? null : { proxy: relative } };
    } else if (mapping.kind === 'garbage') {
      where = { path: target.path, resource: mapping.resource, pathParameters: mapping.pathParameters };
    }
    // Compared with the direct request when the path is one API Gateway would send as it is.
    const comparable = mapping.kind === 'base path' && target.path.startsWith('/') && !target.path.includes('//');
    return JSON.parse(JSON.stringify({ httpMethod: target.method, ...e, ...where, ...(comparable ? { mapping: target.path } : {}) }));
  });
  return fc.oneof({ weight: 20, arbitrary: event }, { weight: 1, arbitrary: fc.constantFrom(null, 42, 'text', [], {}) });
}

function checkWellFormed(r: ProxyResultShape): void {
  expect(Number.isInteger(r.statusCode)).toBe(true);
  expect(r.statusCode).toBeGreaterThanOrEqual(100);
  expect(r.statusCode).toBeLessThanOrEqual(599);
  expect(typeof r.body).toBe('string');
  expect(typeof r.isBase64Encoded).toBe('boolean');
  expect(typeof r.headers).toBe('object');
  for (const [name, value] of Object.entries(r.headers ?? {})) {
    expect(name).toMatch(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/);
    expect(typeof value).toBe('string');
    expect(value).not.toMatch(/[\r\n\u0000]/);
  }
  for (const values of Object.values(r.multiValueHeaders ?? {})) {
    for (const v of values) { expect(typeof v).toBe('string'); }
  }
  const isMock = Object.keys(r.headers ?? {}).includes(MOCK_MARK);
  const isPreflight = r.statusCode === 204 && r.body === '';
  if (!isMock && !isPreflight) {
    // A gateway error: JSON body, fixed headers.
    expect(() => JSON.parse(r.body)).not.toThrow();
    expect(r.headers?.['Content-Type']).toBe('application/json');
    expect(typeof r.headers?.['X-Request-Id']).toBe('string');
  }
}

afterAll(() => { cleanWorkDirs(); });

/** With FC_STATS=1, how often each outcome came up (to check the generators reach every path). */
const stats: string[] = [];

test('any valid document and any event give a well-formed result; gateway errors are JSON', async () => {
  const logs: string[] = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => { logs.push(line); });
  const port = await closedPort();
  const scenario = documentArb(port).chain(doc => fc.tuple(fc.constant(doc), fc.array(eventArb(doc), { minLength: 1, maxLength: 8 })));
  await fc.assert(
    fc.asyncProperty(scenario, async ([doc, events]) => {
      const proxy = await loadProxyAsset(doc);
      for (const event of events) {
        logs.length = 0;
        const result = await proxy.invoke(event);
        checkWellFormed(result);
        const mapped = (typeof event === 'object' && event !== null ? event : {}) as { mapping?: string; path?: string };
        if (typeof mapped.mapping === 'string' && mapped.path !== mapped.mapping) {
          // A base path never changes the answer: the same request without it is answered the same.
          const direct = await proxy.invoke({ ...mapped, path: mapped.mapping, resource: undefined, pathParameters: null });
          // Without a request id in the event each answer gets its own: then the status is compared.
          const context = (mapped as { requestContext?: { requestId?: unknown } }).requestContext;
          const sameId = typeof context === 'object' && context !== null && typeof context.requestId === 'string' && context.requestId !== '';
          expect([result.statusCode, sameId ? result.body : '']).toEqual([direct.statusCode, sameId ? direct.body : '']);
        }
        // No input may reach an unexpected error: that would be a bug, even if well contained.
        expect(logs.filter(l => l.includes('"unexpected error"'))).toEqual([]);
        if (process.env.FC_STATS) { stats.push(logs.map(l => JSON.parse(l)).find(l => l.type)?.reason ?? 'backend answer'); }
      }
    }),
    { numRuns: 200, endOnFailure: true, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
  );
  jest.restoreAllMocks();
  if (process.env.FC_STATS) {
    const counts: Record<string, number> = {};
    for (const s of stats) { counts[s] = (counts[s] ?? 0) + 1; }
    process.stderr.write(`${JSON.stringify(counts, null, 1)}\n`);
  }
}, 60_000);
