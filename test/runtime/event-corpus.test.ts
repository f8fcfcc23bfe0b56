/**
 * A corpus of API Gateway REST (v1 proxy) events captured by other projects
 * (test/fixtures/events, provenance in ORIGIN.md), routed through the BUILT authorizer and the
 * BUILT proxy as API Gateway runs them, each asserting the API chosen: by the authorizer (the API
 * id in its verdict) and by the proxy (the API id in a mock backend's body, in the path an HTTP
 * backend received, or in a refusal rendered with `$context.apiId`).
 *
 * The group's APIs are the resources those events were captured on. Shapes covered: execute-api,
 * custom domains with and without a base path (single- and multi-level), the console's test button,
 * trailing slashes, `//`, `+` and `%2B` in paths and query strings, multi-value maps, base64 bodies.
 * Where no captured event has a shape, a case is derived from a captured one with the smallest
 * change (`derivedFrom`, `change`), also listed in ORIGIN.md.
 */
import * as fs from 'fs';
import { ResponseType } from '../../lib/response-type';
import { authorizerEventOf, CAPTURED_EVENTS_DIR, capturedEvent, throughGateway } from '../support/captured-events';
import { closeAllServers, echoServer, EchoBody, TestServer } from '../support/http-servers';
import { LocalSecretsManager, secretArn, secretsManagerEnv, startLocalSecretsManager } from '../support/local-secrets-manager';
import {
  authorizerResultProblems, cleanWorkDirs, loadAuthorizerAsset, loadProxyAsset, LoadedAuthorizer, LoadedProxy, ProxyResultShape,
} from '../support/proxy-harness';
import { appCode, document, http, mock } from './documents';
import { captureLogs, json, setEnv } from './helpers';

const MOBILE = appCode('corpus-mobile', 72);
/** Every refusal names its type and the API it was rendered for. */
const REFUSAL_BODY = '{"type":"$context.error.type","api":"$context.apiId"}';

type Event = Record<string, any>;

interface CorpusCase {
  readonly name: string;
  /** The captured event (a file in test/fixtures/events). */
  readonly fixture: string;
  /** Set when the event is derived from `fixture`: the change, in words, made by `derive`. */
  readonly derivedFrom?: string;
  readonly change?: string;
  readonly derive?: (event: Event) => Event;
  /** The caller's X-Apig-AppCode, added to the event as API Gateway would pass it. */
  readonly withAppCode?: boolean;
  /** The method has the group's authorizer and the request is not the console's test (which skips authorizers). */
  readonly chained: boolean;
  /** The API both handlers must choose. */
  readonly api: string;
  /** The authorizer's verdict. */
  readonly verdict: string;
  /** The proxy's status, and the refusal type when it refuses (absent for an authorizer-only event). */
  readonly status?: number;
  readonly refusal?: string;
  /** What the HTTP backend must have received. */
  readonly backend?: (received: EchoBody) => void;
}

/** `a=1&b=2` → [['a','1'],['b','2']], decoded as a backend that reads `%2B` as `+` and `%20` as a space does. */
function queryPairs(query: string): Array<[string, string]> {
  if (query === '') { return []; }
  return query.split('&').map(pair => {
    const eq = pair.indexOf('=');
    return [decodeURIComponent(pair.slice(0, eq)), decodeURIComponent(pair.slice(eq + 1))] as [string, string];
  });
}

function expectQuery(received: EchoBody, pairs: Array<[string, string]>): void {
  // A bare `+` would read as a space to most backends: the proxy re-encodes what API Gateway decoded.
  expect(received.query).not.toContain('+');
  expect(queryPairs(received.query)).toEqual(pairs);
}

function setHeader(event: Event, name: string, value: string): Event {
  return {
    ...event,
    headers: { ...(event.headers ?? {}), [name]: value },
    multiValueHeaders: { ...(event.multiValueHeaders ?? {}), [name]: [value] },
  };
}

/** A custom domain's request: `path` and `requestContext.path` carry the base path, not the stage. */
function behindBasePath(basePath: string, apiPath: string): (event: Event) => Event {
  return event => ({ ...event, path: `/${basePath}${apiPath}`, requestContext: { ...event.requestContext, path: `/${basePath}${apiPath}` } });
}

/**
 * The query of localstack's `params-encoding` request as API Gateway decoded it: `+` sent bare is
 * a space, `%2B` is a plus (`#` ends the query). The backend must read exactly these values.
 */
const ENCODED_QUERY: Array<[string, string]> = [
  ['dateTimeOffset', '2023-06-12T18:05:10.123456 00:00'], ['email', 'test+alias@gmail.com'], ['plus', 'test alias@gmail.com'],
  ['url', 'https://www.google.com/'], ['whitespace', 'foo bar'], ['zhash', 'abort/'],
];

const CASES: CorpusCase[] = [
  // --- execute-api, recorded on AWS by localstack's AWS-validated test (stage "stage", catch-all /{proxy+})
  { name: 'execute-api: /{proxy+} → ANY /proxy-value', fixture: 'localstack-without-trailing-slash.json', chained: false,
    api: 'proxy-value', verdict: 'ok', status: 200, backend: r => expect(r.path).toBe('/proxy-value') },
  { name: 'trailing slash: /proxy-value/ → ANY /proxy-value', fixture: 'localstack-with-trailing-slash.json', chained: false,
    api: 'proxy-value', verdict: 'ok', status: 200 },
  { name: 'trailing slash and a query', fixture: 'localstack-with-trailing-slash-and-query-params.json', chained: false,
    api: 'proxy-value', verdict: 'ok', status: 200, backend: r => expectQuery(r, [['urlparam', 'test']]) },
  { name: '`//` inside the path: /proxy-value//double-slash → the greedy /proxy-value/{rest+}', fixture: 'localstack-with-double-slash.json',
    chained: false, api: 'proxy-value-rest', verdict: 'ok', status: 200 },
  { name: '`//` between stage and path (API Gateway drops it from `path`)', fixture: 'localstack-with-prepended-slash.json', chained: false,
    api: 'proxy-value', verdict: 'ok', status: 200 },
  { name: '`//` before a declared resource: //hardcoded → GET /hardcoded', fixture: 'localstack-hardcoded.json', chained: false,
    api: 'hardcoded', verdict: 'ok', status: 200 },
  { name: '`+` and `%2B` in path segments: literal `+` and an encoded one both reach the backend as `+`',
    fixture: 'localstack-with-path-encoded-email.json', chained: false, api: 'proxy-value-user', verdict: 'ok', status: 200,
    backend: r => {
      const segments = r.path.split('/').slice(2).map(decodeURIComponent);
      expect(segments).toEqual(['test+alias@gmail.com', 'test+alias@gmail.com']);
    } },
  { name: '`+` (a space) and `%2B` (a plus) in the query, as API Gateway decoded them', fixture: 'localstack-with-params-encoding.json',
    chained: false, api: 'proxy-value-api', verdict: 'ok', status: 200,
    backend: r => expectQuery(r, ENCODED_QUERY) },
  { name: 'multi-value query (POST): every value reaches the backend, in order', fixture: 'localstack-with-params-encoding-multi.json',
    chained: false, api: 'proxy-value', verdict: 'ok', status: 200,
    backend: r => {
      expect(r.method).toBe('POST');
      expectQuery(r, [['category', 'electronics'], ['category', 'books'], ['price', '10'], ['price', '20'], ['price', '30']]);
    } },

  // --- execute-api, other projects' captured events
  { name: 'public API, no authorizer (powertools)', fixture: 'powertools-ts-no-auth.json', chained: false,
    api: 'no-auth', verdict: 'ok', status: 200 },
  { name: 'IAM-signed request to an IAM API', fixture: 'powertools-ts-iam-auth.json', chained: false,
    api: 'iam', verdict: 'ok', status: 200 },
  { name: 'app API: the recorded Lambda-authorizer context is replaced by our verdict (no AppCode)',
    fixture: 'powertools-ts-lambda-authorizer-auth.json', chained: true,
    api: 'lambda-token', verdict: 'AUTH_HEADER_MISSING', status: 401, refusal: 'AUTH_HEADER_MISSING' },
  { name: 'REQUEST authorizer input captured on AWS', fixture: 'powertools-ts-authorizer-request.json', chained: true,
    api: 'lambda-request', verdict: 'AUTH_HEADER_MISSING' },
  { name: 'catch-all /{proxy+} → POST /hello/{who}, text body', fixture: 'lambda-go-apigw-request.json', chained: false,
    api: 'hello', verdict: 'ok', status: 200,
    backend: r => {
      expect(r.path).toBe('/hello/world');
      expect(r.bodyText).toBe('{\r\n\t"a": 1\r\n}');
      expectQuery(r, [['name', 'me']]);
    } },
  { name: 'multi-value query beside its single-value map', fixture: 'rust-example-apigw-request-multi-value-parameters.json', chained: false,
    api: 'hello', verdict: 'ok', status: 200, backend: r => expectQuery(r, [['name', 'me'], ['name', 'me2']]) },
  { name: 'trailing slash on a declared resource, multi-value maps, isBase64Encoded', fixture: 'powertools-py-apiGatewayProxyEventPathTrailingSlash.json',
    chained: false, api: 'my-path', verdict: 'ok', status: 200,
    backend: r => {
      expect(r.path).toBe('/my-path');
      expectQuery(r, [['parameter1', 'value1'], ['parameter1', 'value2'], ['parameter2', 'value']]);
      expect(r.headers.header2).toBe('value1, value2');
    } },
  { name: 'isBase64Encoded with a body that is not base64', fixture: 'powertools-py-apiGatewayProxyEventAnotherPath.json', chained: false,
    api: 'my-another-path', verdict: 'ok', status: 200 },
  { name: 'base64 body decoded for the HTTP backend', fixture: 'bref-ag-v1-body-base64.json', chained: false,
    api: 'path', verdict: 'ok', status: 200,
    backend: r => {
      expect(r.method).toBe('POST');
      expect(r.bodyText).toBe('foo=bar');
      expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
    } },
  { name: 'multi-value header: both values reach the backend', fixture: 'bref-ag-v1-header-custom-multivalue.json', chained: false,
    api: 'path', verdict: 'ok', status: 200, backend: r => expect(r.headers['x-my-header']).toBe('Hello world, Hello john') },
  { name: 'multi-value query with brackets in the names; a single-value name the multi-value map lacks is kept',
    fixture: 'bref-ag-v1-query-string-multivalue.json', chained: false, api: 'path', verdict: 'ok', status: 200,
    backend: r => expectQuery(r, [
      ['foo[]', 'bar'], ['foo[]', 'baz'], ['cards[]', 'birthday'], ['colors[][]', 'red'], ['colors[][]', 'blue'],
      ['shapes[a][]', 'square'], ['shapes[a][]', 'triangle'], ['myvar', 'abc'], ['foo.bar[]', 'baz'], ['array', 'one'], ['array', 'two'],
      // The fixture's single-value map holds `foo`, which its multi-value map does not (hand-written upstream).
      ['foo', 'bar'],
    ]) },
  { name: 'path parameters of an app API (no AppCode)', fixture: 'bref-ag-v1-path-parameters.json', chained: true,
    api: 'foo', verdict: 'AUTH_HEADER_MISSING', status: 401, refusal: 'AUTH_HEADER_MISSING' },
  { name: '%2F inside a greedy parameter stays one segment at the backend', fixture: 'dotnet-encode-slash-in-resource-path.json', chained: false,
    api: 'api-proxy', verdict: 'ok', status: 200, backend: r => expect(r.path).toBe('/api-proxy/resourcepath/encoding/a%2Fb') },

  // --- the console's test button (stage test-invoke-stage; API Gateway runs no authorizer for it)
  { name: 'console test of a public API', fixture: 'powertools-ts-console-test-ui.json', chained: false,
    api: 'no-auth', verdict: 'ok', status: 200 },
  { name: 'console test of an app API: no verdict, so the proxy fails closed', fixture: 'rust-example-apigw-console-test-request.json',
    chained: false, api: 'my-path-console', verdict: 'AUTH_HEADER_MISSING', status: 401, refusal: 'AUTH_FAILURE' },

  // --- custom domains
  { name: 'custom domain, base path "test" (captured): /test/api/resourcepath on /api/{proxy+}',
    fixture: 'dotnet-values-get-different-proxypath-apigateway-request.json', chained: false,
    api: 'api-proxy', verdict: 'ok', status: 200, backend: r => expect(r.path).toBe('/api-proxy/resourcepath') },
  { name: 'custom domain without a base path', fixture: 'powertools-ts-no-auth.json',
    derivedFrom: 'powertools-ts-no-auth.json',
    change: 'requestContext.domainName api.example.com, domainPrefix api, requestContext.path without the stage, Host api.example.com',
    derive: e => setHeader({
      ...e, requestContext: { ...e.requestContext, domainName: 'api.example.com', domainPrefix: 'api', path: '/no-auth' },
    }, 'Host', 'api.example.com'),
    chained: false, api: 'no-auth', verdict: 'ok', status: 200 },
  { name: 'custom domain, base path "shop", app API (no AppCode)', fixture: 'bref-ag-v1-path-parameters.json',
    derivedFrom: 'bref-ag-v1-path-parameters.json', change: 'path and requestContext.path /shop/foo/abc/def',
    derive: behindBasePath('shop', '/foo/abc/def'),
    chained: true, api: 'foo', verdict: 'AUTH_HEADER_MISSING', status: 401, refusal: 'AUTH_HEADER_MISSING' },
  { name: 'custom domain, base path "shop", app API with its AppCode', fixture: 'bref-ag-v1-path-parameters.json',
    derivedFrom: 'bref-ag-v1-path-parameters.json', change: 'path and requestContext.path /shop/foo/abc/def',
    derive: behindBasePath('shop', '/foo/abc/def'), withAppCode: true,
    chained: true, api: 'foo', verdict: 'ok', status: 200 },
  { name: 'custom domain, multi-level base path "v1/test": /v1/test/api/resourcepath on /api/{proxy+}',
    fixture: 'dotnet-values-get-different-proxypath-apigateway-request.json',
    derivedFrom: 'dotnet-values-get-different-proxypath-apigateway-request.json', change: 'path /v1/test/api/resourcepath',
    derive: e => ({ ...e, path: '/v1/test/api/resourcepath' }),
    chained: false, api: 'api-proxy', verdict: 'ok', status: 200, backend: r => expect(r.path).toBe('/api-proxy/resourcepath') },
  { name: 'custom domain, base path "shop", through the catch-all /{proxy+}', fixture: 'localstack-without-trailing-slash.json',
    derivedFrom: 'localstack-without-trailing-slash.json', change: 'path and requestContext.path /shop/proxy-value',
    derive: behindBasePath('shop', '/proxy-value'),
    chained: false, api: 'proxy-value', verdict: 'ok', status: 200, backend: r => expect(r.path).toBe('/proxy-value') },
  { name: 'custom domain, multi-level base path "v1/shop", catch-all, `+` and `%2B` in the query', fixture: 'localstack-with-params-encoding.json',
    derivedFrom: 'localstack-with-params-encoding.json', change: 'path and requestContext.path /v1/shop/proxy-value/api',
    derive: behindBasePath('v1/shop', '/proxy-value/api'),
    chained: false, api: 'proxy-value-api', verdict: 'ok', status: 200,
    backend: r => {
      expect(r.path).toBe('/proxy-value-api');
      expectQuery(r, ENCODED_QUERY);
    } },
  { name: 'custom domain, multi-level base path "v2/shop", app API with its AppCode', fixture: 'bref-ag-v1-path-parameters.json',
    derivedFrom: 'bref-ag-v1-path-parameters.json', change: 'path and requestContext.path /v2/shop/foo/abc/def',
    derive: behindBasePath('v2/shop', '/foo/abc/def'), withAppCode: true,
    chained: true, api: 'foo', verdict: 'ok', status: 200 },
];

let sm: LocalSecretsManager;
let echo: TestServer;
let restoreEnv: () => void;
let authorizer: LoadedAuthorizer;
let proxy: LoadedProxy;

beforeAll(async () => {
  [sm, echo] = await Promise.all([startLocalSecretsManager(), echoServer()]);
  sm.put('mobile', JSON.stringify({ appCode: MOBILE }));
  restoreEnv = setEnv(secretsManagerEnv(sm.endpoint));
  const app = { type: 'APP' as const, apps: ['mobile'] };
  const doc = document({
    defaultRules: Object.fromEntries(ResponseType.all().map(t => [t.name, { body: REFUSAL_BODY }])),
    apps: { mobile: { id: 'app-mobile', name: 'Mobile', secretArn: secretArn('mobile') } },
    apis: [
      { id: 'proxy-value', method: 'ANY', path: '/proxy-value', backend: http(`${echo.url}/proxy-value`) },
      { id: 'proxy-value-api', method: 'GET', path: '/proxy-value/api', backend: http(`${echo.url}/proxy-value-api`) },
      { id: 'proxy-value-user', method: 'GET', path: '/proxy-value/api/user/{email}/plus/{alias}', backend: http(`${echo.url}/proxy-value-user/{email}/{alias}`) },
      { id: 'proxy-value-rest', method: 'ANY', path: '/proxy-value/{rest+}', backend: mock('{"api":"proxy-value-rest"}') },
      { id: 'hardcoded', method: 'GET', path: '/hardcoded', backend: mock('{"api":"hardcoded"}') },
      { id: 'no-auth', method: 'POST', path: '/no-auth', backend: mock('{"api":"no-auth"}') },
      { id: 'iam', method: 'POST', path: '/iam', backend: mock('{"api":"iam"}'), auth: { type: 'IAM' } },
      { id: 'lambda-token', method: 'POST', path: '/lambda-token', backend: mock('{"api":"lambda-token"}'), auth: app },
      { id: 'lambda-request', method: 'POST', path: '/lambda-request', backend: mock('{"api":"lambda-request"}'), auth: app },
      { id: 'my-path', method: 'ANY', path: '/my/path', backend: http(`${echo.url}/my-path`) },
      { id: 'my-another-path', method: 'GET', path: '/my/anotherPath', backend: mock('{"api":"my-another-path"}') },
      { id: 'hello', method: 'POST', path: '/hello/{who}', backend: http(`${echo.url}/hello/{who}`) },
      { id: 'my-path-console', method: 'POST', path: '/myPath', backend: mock('{"api":"my-path-console"}'), auth: app },
      { id: 'path', method: 'ANY', path: '/path', backend: http(`${echo.url}/path`) },
      { id: 'foo', method: 'GET', path: '/foo/{bar}/{baz}', backend: mock('{"api":"foo"}'), auth: app },
      { id: 'api-proxy', method: 'GET', path: '/api/{proxy+}', backend: http(`${echo.url}/api-proxy/{proxy}`) },
    ],
  });
  captureLogs();
  [authorizer, proxy] = [loadAuthorizerAsset(doc), await loadProxyAsset(doc)];
  jest.restoreAllMocks();
});
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  restoreEnv();
  await Promise.all([sm.close(), closeAllServers()]);
  cleanWorkDirs();
});

/** The API the proxy chose: a mock's body, the first path segment an HTTP backend received, or a refusal's `api`. */
function chosenApi(result: ProxyResultShape): string {
  const body = json(result);
  if (typeof body.type === 'string') { return body.api; }
  if (typeof body.path === 'string') { return body.path.split('/')[1]; }
  return body.api;
}

test.each(CASES)('$name', async c => {
  // why: real events carry base paths, stages, odd slashes and encodings; both handlers must still pick the API they were sent for
  let event = capturedEvent(c.fixture);
  if (c.derive) { event = c.derive(event); }
  if (c.withAppCode) { event = setHeader(event, 'X-Apig-AppCode', MOBILE); }
  const before = echo.requests.length;

  const { authorization, result } = await throughGateway(authorizer, proxy, event, c.chained);

  expect(authorizerResultProblems(authorization, authorizerEventOf(event).methodArn)).toEqual([]);
  expect({ api: authorization.context?.apigApi, verdict: authorization.context?.apigVerdict }).toEqual({ api: c.api, verdict: c.verdict });
  if (c.status === undefined) { return; }
  expect(result).toBeDefined();
  expect({ status: result!.statusCode, api: chosenApi(result!), refusal: json(result!).type }).toEqual({ status: c.status, api: c.api, refusal: c.refusal });
  if (c.backend) {
    expect(echo.requests.length).toBe(before + 1);
    c.backend(json(result!) as EchoBody);
  }
});

test('every captured event in the folder is in the corpus', () => {
  // why: a fixture added without a case would silently test nothing
  const files = fs.readdirSync(CAPTURED_EVENTS_DIR).filter(f => f.endsWith('.json')).sort();
  expect([...new Set(CASES.map(c => c.fixture))].sort()).toEqual(files);
});
