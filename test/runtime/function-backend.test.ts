/**
 * FUNCTION backends through the proxy's real `@aws-sdk/client-lambda` client, against a local
 * endpoint speaking the Lambda Invoke API (reached through AWS_ENDPOINT_URL_LAMBDA).
 */
import { proxyEvent } from '../support/events';
import { functionArn, lambdaEnv, LocalLambda, startLocalLambda } from '../support/local-lambda';
import { cleanWorkDirs, LoadedProxy, loadProxyAsset, resultHeader } from '../support/proxy-harness';
import { document, fn } from './documents';
import { captureLogs, json, setEnv, timed } from './helpers';

let lambda: LocalLambda;
let proxy: LoadedProxy;
let restoreEnv: () => void;

// Unref'd: the slow function outlives the proxy's timeout and must not keep jest alive.
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms).unref());

beforeAll(async () => {
  lambda = await startLocalLambda();
  restoreEnv = setEnv(lambdaEnv(lambda.endpoint));
  lambda.register('orders', (event: any) => ({
    statusCode: 201,
    headers: { 'Content-Type': 'text/plain', 'X-Fn': 'yes' },
    multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
    body: `created ${event.pathParameters.id}`,
    isBase64Encoded: false,
  }));
  lambda.register('binary', () => ({ statusCode: 200, headers: { 'Content-Type': 'image/png' }, body: Buffer.from([0, 1, 2, 255]).toString('base64'), isBase64Encoded: true }));
  lambda.register('teapot', () => ({ statusCode: 418, body: '{"tea":true}' }));
  lambda.register('throws', () => { throw new Error('boom'); });
  lambda.register('slow', async () => { await sleep(3000); return { statusCode: 200, body: 'late' }; });
  lambda.register('not-an-object', () => 'just a string');
  lambda.register('string-status', () => ({ statusCode: '200', body: 'x' }));
  lambda.register('object-body', () => ({ statusCode: 200, body: { a: 1 } }));
  lambda.register('no-status', () => ({ body: 'x' }));
  lambda.register('nested-header', () => ({ statusCode: 200, headers: { 'X-A': { b: 1 } }, body: 'x' }));
  captureLogs(); // the cold start reports the API whose {env} reference is unset
  proxy = await loadProxyAsset(document({
    apis: [
      { method: 'POST', path: '/orders/{id}', backend: fn(functionArn('orders')) },
      { method: 'GET', path: '/fn/{name}', backend: { type: 'FUNCTION', functionArn: { env: 'UNUSED_BUT_RESOLVED' }, timeoutMs: 1000 } },
      ...['binary', 'teapot', 'throws', 'not-an-object', 'string-status', 'object-body', 'no-status', 'nested-header', 'missing']
        .map(name => ({ method: 'GET', path: `/${name}`, backend: fn(name) })),
      { method: 'GET', path: '/slow', backend: fn(functionArn('slow'), 400) },
    ],
  }));
  jest.restoreAllMocks();
});
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  restoreEnv();
  await lambda.close();
  cleanWorkDirs();
});

test('the function\'s proxy result passes through, with X-Request-Id added', async () => {
  // why: a function backend behaves like the API's own Lambda integration
  const r = await proxy.invoke(proxyEvent({ method: 'POST', path: '/orders/42', body: '{"n":1}', requestId: 'rid-fn' }));
  expect(r.statusCode).toBe(201);
  expect(r.body).toBe('created 42');
  expect(resultHeader(r, 'X-Fn')).toBe('yes');
  expect(r.multiValueHeaders?.['Set-Cookie']).toEqual(['a=1', 'b=2']);
  expect(resultHeader(r, 'X-Request-Id')).toBe('rid-fn');
  expect((await proxy.invoke(proxyEvent({ path: '/teapot' }))).statusCode).toBe(418);
});

test('the function receives the proxy event with resource, pathParameters and resourcePath of the matched API', async () => {
  // why: functions written for API Gateway read these fields
  lambda.invocations.length = 0;
  const event = proxyEvent({ method: 'POST', path: '/orders/a%20b', body: '{"n":1}', query: { x: '1' }, requestId: 'rid-payload' });
  await proxy.invoke(event);
  expect(lambda.invocations).toHaveLength(1);
  const inv = lambda.invocations[0];
  expect(inv.functionName).toBe(functionArn('orders'));
  expect(inv.invocationType).toBe('RequestResponse');
  expect(inv.event).toEqual({
    ...event,
    resource: '/orders/{id}',
    // API Gateway passes path parameters percent-encoded, as the client sent them.
    pathParameters: { id: 'a%20b' },
    requestContext: { ...event.requestContext, resourcePath: '/orders/{id}' },
  });
});

test('a base64 result passes through as base64', async () => {
  const r = await proxy.invoke(proxyEvent({ path: '/binary' }));
  expect(r.isBase64Encoded).toBe(true);
  expect(Buffer.from(r.body, 'base64')).toEqual(Buffer.from([0, 1, 2, 255]));
});

test('a function error → BACKEND_UNAVAILABLE (502)', async () => {
  // why: an unhandled exception in the function is the backend failing
  const r = await proxy.invoke(proxyEvent({ path: '/throws' }));
  expect(r.statusCode).toBe(502);
  expect(json(r)).toMatchObject({ error_code: 'APIG.0201', error_msg: 'Backend unavailable.' });
  expect(r.body).not.toContain('boom');
});

test('a slow function → BACKEND_TIMEOUT (504) close to the configured timeout', async () => {
  const { value: r, ms } = await timed(() => proxy.invoke(proxyEvent({ path: '/slow' })));
  expect(r.statusCode).toBe(504);
  expect(json(r).error_msg).toBe('Backend timeout.');
  expect(ms).toBeGreaterThanOrEqual(390);
  expect(ms).toBeLessThan(400 + 1500);
});

test.each(['not-an-object', 'object-body', 'nested-header'])(
  'a malformed result (%s) → BACKEND_UNAVAILABLE (502)', async name => {
    // why: API Gateway would answer its bare 502; the group's response must render instead
    const r = await proxy.invoke(proxyEvent({ path: `/${name}` }));
    expect(r.statusCode).toBe(502);
    expect(json(r).error_code).toBe('APIG.0201');
  });

test('a numeric-string status and a missing status are accepted, as API Gateway accepts them', async () => {
  // why: AWS-recorded (test/fixtures/lambda-proxy-results): "201" → 201, no statusCode → 200
  expect(await proxy.invoke(proxyEvent({ path: '/string-status' }))).toMatchObject({ statusCode: 200, body: 'x' });
  expect(await proxy.invoke(proxyEvent({ path: '/no-status' }))).toMatchObject({ statusCode: 200, body: 'x' });
});

test('an unknown function (ResourceNotFoundException) → BACKEND_UNAVAILABLE (502)', async () => {
  const r = await proxy.invoke(proxyEvent({ path: '/missing' }));
  expect(r.statusCode).toBe(502);
});

test('an {env} function reference that is not set → DEFAULT_5XX (500) for that API only', async () => {
  expect((await proxy.invoke(proxyEvent({ path: '/fn/x' }))).statusCode).toBe(500);
  expect((await proxy.invoke(proxyEvent({ path: '/teapot' }))).statusCode).toBe(418);
});

test('an event over 6 MB → DEFAULT_4XX 413 "Request entity too large." without invoking', async () => {
  // why: Lambda would refuse the invoke payload
  lambda.invocations.length = 0;
  const r = await proxy.invoke(proxyEvent({ method: 'POST', path: '/orders/1', body: 'x'.repeat(6_300_000) }));
  expect(r.statusCode).toBe(413);
  expect(json(r).error_msg).toBe('Request entity too large.');
  expect(lambda.invocations).toHaveLength(0);
});

describe('request bodies as a LambdaIntegration passes them (the REST API sends the proxy every body base64)', () => {
  let bodies: LoadedProxy;
  let custom: LoadedProxy;
  beforeAll(async () => {
    lambda.register('echo-event', (event: any) => ({ statusCode: 200, body: JSON.stringify({ body: event.body, isBase64Encoded: event.isBase64Encoded }) }));
    const apis = [{ method: 'POST', path: '/echo', backend: fn(functionArn('echo-event')) }];
    bodies = await loadProxyAsset(document({ apis }));
    custom = await loadProxyAsset({ ...document({ apis }), binaryMediaTypes: ['application/x-custom', 'text/*'] });
  });

  /** What the function saw for a body sent base64-encoded (as API Gateway sends it) with `headers`. */
  async function seen(target: LoadedProxy, bytes: Buffer, headers: Record<string, string>): Promise<{ body: string; isBase64Encoded: boolean }> {
    const r = await target.invoke(proxyEvent({ method: 'POST', path: '/echo', body: bytes, headers }));
    expect(r.statusCode).toBe(200);
    return JSON.parse(r.body);
  }

  test('a JSON body reaches the function as text, so JSON.parse(event.body) works', async () => {
    // why: the REST API declares */* binary; handlers written for a LambdaIntegration expect text
    const body = Buffer.from('{"name":"w\u00efdget"}', 'utf8');
    expect(await seen(bodies, body, { 'Content-Type': 'application/json; charset=utf-8' })).toEqual({ body: body.toString('utf8'), isBase64Encoded: false });
    expect(await seen(bodies, Buffer.from('a=1&b=2'), { 'Content-Type': 'application/x-www-form-urlencoded' })).toEqual({ body: 'a=1&b=2', isBase64Encoded: false });
    // API Gateway with no binary media types treats a body without Content-Type as text too.
    expect(await seen(bodies, Buffer.from('plain'), {})).toEqual({ body: 'plain', isBase64Encoded: false });
  });

  test.each(['image/png', 'IMAGE/PNG; q=1', 'application/octet-stream', 'application/pdf', 'multipart/form-data; boundary=x', 'video/mp4'])(
    'a %s body (a default binary media type) stays base64', async contentType => {
      const bytes = Buffer.from('not really binary but declared so');
      expect(await seen(bodies, bytes, { 'Content-Type': contentType })).toEqual({ body: bytes.toString('base64'), isBase64Encoded: true });
    });

  test('a body declared text that is not valid UTF-8 stays base64, byte for byte', async () => {
    // why: decoding it would replace bytes (API Gateway mangles such bodies); base64 keeps them
    const latin1 = Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]);
    expect(await seen(bodies, latin1, { 'Content-Type': 'application/json' })).toEqual({ body: latin1.toString('base64'), isBase64Encoded: true });
  });

  test('the group\'s binaryMediaTypes replace the default list', async () => {
    const bytes = Buffer.from('abc');
    expect(await seen(custom, bytes, { 'Content-Type': 'application/x-custom' })).toEqual({ body: 'YWJj', isBase64Encoded: true });
    expect(await seen(custom, bytes, { 'Content-Type': 'text/csv' })).toEqual({ body: 'YWJj', isBase64Encoded: true });
    expect(await seen(custom, bytes, { 'Content-Type': 'image/png' })).toEqual({ body: 'abc', isBase64Encoded: false });
  });

  test('a body sent as text (a hand-made or local event) is passed as text', async () => {
    const r = await bodies.invoke(proxyEvent({ method: 'POST', path: '/echo', body: '{"a":1}', headers: { 'Content-Type': 'application/json' } }));
    expect(JSON.parse(r.body)).toEqual({ body: '{"a":1}', isBase64Encoded: false });
  });
});
