/**
 * Backend parameters (issue 13, item 2) through the built proxy asset: each origin (REQUEST,
 * CONSTANT, SYSTEM) in each location (PATH, QUERY, HEADER), reaching a real HTTP backend on
 * 127.0.0.1 and a function backend through the local Lambda endpoint. Moved request values do not
 * also arrive under their old name; a caller cannot override a constant or system value.
 */
import type { BackendDocument, BackendParameterDocument } from '../../lib/private/config-document';
import { proxyEvent } from '../support/events';
import { closeAllServers, EchoBody, echoServer, TestServer } from '../support/http-servers';
import { functionArn, lambdaEnv, LocalLambda, startLocalLambda } from '../support/local-lambda';
import { cleanWorkDirs, LoadedProxy, loadProxyAsset } from '../support/proxy-harness';
import { document, fn, http } from './documents';
import { captureLogs, setEnv } from './helpers';

/** One of each origin in each location. */
const PARAMETERS: BackendParameterDocument[] = [
  { origin: 'REQUEST', name: 'rp', in: 'path', value: 'id', from: 'path' },
  { origin: 'REQUEST', name: 'rq', in: 'query', value: 'q', from: 'query' },
  { origin: 'REQUEST', name: 'X-Rh', in: 'header', value: 'X-Src', from: 'header' },
  { origin: 'CONSTANT', name: 'cp', in: 'path', value: 'v1 x?' },
  { origin: 'CONSTANT', name: 'cq', in: 'query', value: 'a b&c' },
  { origin: 'CONSTANT', name: 'X-Invoke-User', in: 'header', value: 'apigateway' },
  { origin: 'SYSTEM', name: 'sp', in: 'path', value: '$context.stage' },
  { origin: 'SYSTEM', name: 'sq', in: 'query', value: '$context.sourceIp' },
  { origin: 'SYSTEM', name: 'X-Api', in: 'header', value: '$context.apiId' },
  { origin: 'SYSTEM', name: 'X-User', in: 'header', value: '$context.authorizer.frontend.user' },
];

let echo: TestServer;
let lambda: LocalLambda;
let proxy: LoadedProxy;
let restoreEnv: () => void;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms).unref());
let asyncRuns: unknown[] = [];

beforeAll(async () => {
  echo = await echoServer();
  lambda = await startLocalLambda();
  restoreEnv = setEnv(lambdaEnv(lambda.endpoint));
  lambda.register('params', (event: any) => ({ statusCode: 200, body: JSON.stringify(event) }));
  lambda.register('later', async (event: any) => {
    await sleep(1500);
    asyncRuns.push(event);
    return { statusCode: 500, body: 'never seen' };
  });
  const withParams = (backend: BackendDocument, parameters: BackendParameterDocument[]): BackendDocument => ({ ...backend, parameters } as BackendDocument);
  captureLogs();
  proxy = await loadProxyAsset(document({
    apis: [
      { id: 'api-http', path: '/h/{id}', backend: withParams(http(`${echo.url}/b/{rp}/{cp}/{sp}`), PARAMETERS) },
      { id: 'api-fn', path: '/f/{id}', backend: withParams(fn(functionArn('params')), PARAMETERS) },
      {
        id: 'api-dots', path: '/dots', backend: withParams(http(`${echo.url}/files/{file}`),
          [{ origin: 'REQUEST', name: 'file', in: 'path', value: 'name', from: 'query' }]),
      },
      { id: 'api-async', method: 'POST', path: '/async', backend: { ...fn(functionArn('later')), invocation: 'ASYNC' } as BackendDocument },
    ],
  }));
  jest.restoreAllMocks();
});
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  restoreEnv();
  await lambda.close();
  await closeAllServers();
  cleanWorkDirs();
});

/** A request carrying every source value, plus the caller's attempts at the target names. */
function request(path: string, extra: { headers?: Record<string, string | string[]>; query?: Record<string, string | string[]> } = {}) {
  return proxyEvent({
    path,
    requestId: 'rid-params',
    sourceIp: '198.51.100.7',
    query: { q: 'moved value', keep: 'k', ...(extra.query ?? {}) },
    headers: { 'X-Src': 'from header', ...(extra.headers ?? {}) },
    authorizer: { frontend_user: 'alice' },
  });
}

function echoed(body: string): EchoBody {
  return JSON.parse(body) as EchoBody;
}

function queryOf(e: EchoBody): Array<[string, string]> {
  return [...new URLSearchParams(e.query)];
}

describe('HTTP backend', () => {
  test('each origin reaches the backend in each location: path, query and headers', async () => {
    const r = await proxy.invoke(request('/h/42'));
    expect(r.statusCode).toBe(200);
    const e = echoed(r.body);
    // PATH: REQUEST {rp} from the path, CONSTANT {cp} (Huawei's encoding: space and ? encoded), SYSTEM {sp} the stage.
    expect(e.path).toBe('/b/42/v1%20x%3F/RELEASE');
    // QUERY: the caller's other parameters stay, then the backend parameters.
    expect(queryOf(e)).toEqual([['keep', 'k'], ['rq', 'moved value'], ['cq', 'a b&c'], ['sq', '198.51.100.7']]);
    expect(e.query).toContain('cq=a%20b%26c');
    // HEADER
    expect(e.headers['x-rh']).toBe('from header');
    expect(e.headers['x-invoke-user']).toBe('apigateway');
    expect(e.headers['x-api']).toBe('api-http');
    expect(e.headers['x-user']).toBe('alice');
  });

  test('moved request values do not also arrive under their old name', async () => {
    const e = echoed((await proxy.invoke(request('/h/42'))).body);
    expect(queryOf(e).map(([k]) => k)).not.toContain('q');
    expect(e.headers['x-src']).toBeUndefined();
  });

  test.each([
    ['the same header name', { 'X-Invoke-User': 'evil', 'X-Api': 'evil', 'X-User': 'mallory' }],
    ['case variants', { 'x-invoke-user': 'evil', 'X-API': 'evil', 'x-USER': 'mallory' }],
    ['repeated headers', { 'X-Invoke-User': ['evil', 'worse'], 'X-Api': ['evil', 'worse'] }],
  ])('a caller cannot override a constant or system header: %s', async (_what, headers) => {
    const e = echoed((await proxy.invoke(request('/h/42', { headers }))).body);
    // Replaced, not doubled: node would join a second value with ", ".
    expect(e.headers['x-invoke-user']).toBe('apigateway');
    expect(e.headers['x-api']).toBe('api-http');
    expect(e.headers['x-user']).toBe('alice');
  });

  test('a caller cannot override a constant or system query parameter, even repeated, nor add one for a moved value', async () => {
    const e = echoed((await proxy.invoke(request('/h/42', { query: { cq: ['evil', 'worse'], sq: '10.0.0.1', rq: 'forged' } }))).body);
    expect(queryOf(e)).toEqual([['keep', 'k'], ['rq', 'moved value'], ['cq', 'a b&c'], ['sq', '198.51.100.7']]);
  });

  test('a missing optional request value sends nothing, and the caller\'s copy of the target name is still dropped', async () => {
    const event = proxyEvent({ path: '/h/42', headers: { 'X-Rh': 'forged' }, query: { rq: 'forged' } });
    const e = echoed((await proxy.invoke(event)).body);
    expect(e.headers['x-rh']).toBeUndefined();
    expect(queryOf(e).map(([k]) => k)).not.toContain('rq');
  });

  test('a system value with control characters reaches a header without them (no header splitting)', async () => {
    const event = proxyEvent({ path: '/h/42', authorizer: { frontend_user: 'alice\r\nX-Evil: 1' } });
    const e = echoed((await proxy.invoke(event)).body);
    expect(e.headers['x-user']).toBe('aliceX-Evil: 1');
    expect(e.headers['x-evil']).toBeUndefined();
  });

  test.each(['..', '.', '%2e%2e', '..;x'])('a request value %p moved into the backend path as a dot segment is refused, the backend not called', async name => {
    const before = echo.requests.length;
    const r = await proxy.invoke(proxyEvent({ path: '/dots', query: { name } }));
    expect(r.statusCode).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ error_code: 'APIG.0201' });
    expect(echo.requests.length).toBe(before);
  });

  test('a request value moved into the path is one segment: its "/" is encoded, and "a/../b" is still a dot segment', async () => {
    const e = echoed((await proxy.invoke(proxyEvent({ path: '/dots', query: { name: 'a/b c' } }))).body);
    expect(e.path).toBe('/files/a%2Fb%20c');
    // Servers that decode %2F would see a "..": refused like any dot segment (dot-segments.ts).
    expect((await proxy.invoke(proxyEvent({ path: '/dots', query: { name: 'a/../b' } }))).statusCode).toBe(400);
  });
});

describe('function backend', () => {
  async function eventOf(path: string, extra: Parameters<typeof request>[1] = {}): Promise<any> {
    const r = await proxy.invoke(request(path, extra));
    expect(r.statusCode).toBe(200);
    return JSON.parse(r.body);
  }

  test('each origin reaches the event in each location: pathParameters, query parameters and headers', async () => {
    const event = await eventOf('/f/42');
    expect(event.pathParameters).toEqual({ rp: '42', cp: 'v1%20x%3F', sp: 'RELEASE' });
    expect(event.queryStringParameters).toEqual({ keep: 'k', rq: 'moved value', cq: 'a b&c', sq: '198.51.100.7' });
    expect(event.multiValueQueryStringParameters).toEqual({ keep: ['k'], rq: ['moved value'], cq: ['a b&c'], sq: ['198.51.100.7'] });
    expect(event.headers).toMatchObject({ 'X-Rh': 'from header', 'X-Invoke-User': 'apigateway', 'X-Api': 'api-fn', 'X-User': 'alice' });
    expect(event.multiValueHeaders).toMatchObject({ 'X-Rh': ['from header'], 'X-Invoke-User': ['apigateway'], 'X-Api': ['api-fn'] });
  });

  test('moved request values are no longer under their old name', async () => {
    const event = await eventOf('/f/42');
    expect(event.pathParameters.id).toBeUndefined();
    expect(event.queryStringParameters.q).toBeUndefined();
    expect(event.multiValueQueryStringParameters.q).toBeUndefined();
    expect(Object.keys(event.headers).map(k => k.toLowerCase())).not.toContain('x-src');
    expect(Object.keys(event.multiValueHeaders).map(k => k.toLowerCase())).not.toContain('x-src');
  });

  test('a caller cannot override a constant or system value: same name, case variants, repeated', async () => {
    const event = await eventOf('/f/42', {
      headers: { 'x-invoke-user': ['evil', 'worse'], 'X-API': 'evil', 'X-User': 'mallory' },
      query: { cq: ['evil', 'worse'], sq: '10.0.0.1' },
    });
    const headerValues = (name: string) => Object.entries(event.multiValueHeaders as Record<string, string[]>)
      .filter(([k]) => k.toLowerCase() === name).flatMap(([, v]) => v);
    expect(headerValues('x-invoke-user')).toEqual(['apigateway']);
    expect(headerValues('x-api')).toEqual(['api-fn']);
    expect(headerValues('x-user')).toEqual(['alice']);
    expect(Object.keys(event.headers).filter(k => k.toLowerCase() === 'x-invoke-user')).toEqual(['X-Invoke-User']);
    expect(event.multiValueQueryStringParameters.cq).toEqual(['a b&c']);
    expect(event.queryStringParameters.sq).toBe('198.51.100.7');
  });
});

describe('asynchronous function invocation', () => {
  test('the function is invoked with InvocationType Event; the client gets 202 {"request_id"} at once, and the function runs', async () => {
    asyncRuns = [];
    lambda.invocations.length = 0;
    const started = Date.now();
    const r = await proxy.invoke(proxyEvent({ method: 'POST', path: '/async', body: '{"job":1}', requestId: 'rid-async' }));
    const elapsed = Date.now() - started;
    expect(r.statusCode).toBe(202);
    expect(JSON.parse(r.body)).toEqual({ request_id: 'rid-async' });
    expect(r.headers?.['Content-Type']).toBe('application/json');
    // Answered before the function's 1.5 s were over: nobody waited for it.
    expect(elapsed).toBeLessThan(1000);
    expect(asyncRuns).toHaveLength(0);
    expect(lambda.invocations.map(i => i.invocationType)).toEqual(['Event']);
    await sleep(2000);
    expect(asyncRuns).toHaveLength(1);
    expect((asyncRuns[0] as any).body).toBe('{"job":1}');
  });
});
