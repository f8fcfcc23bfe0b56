/**
 * A function backend's result judged as API Gateway's Lambda proxy integration judges it (issue 14
 * item 16), through the built proxy, its real Lambda client and a real function run by the local
 * Lambda endpoint. Each case is a result → answer pair recorded on AWS
 * (test/fixtures/lambda-proxy-results/ORIGIN.md); the function returns what the request's body
 * says, as the recording's function did.
 *
 * What the client sees is what API Gateway makes of the proxy's own result: it joins `headers`
 * and `multiValueHeaders` and adds `Content-Type: application/json` when there is none (both
 * recorded). Where API Gateway answered 502 "Internal server error", the proxy answers
 * BACKEND_UNAVAILABLE (502) rendered with the group's response (README, function backends).
 */
import { proxyEvent } from '../support/events';
import { lambdaEnv, LocalLambda, startLocalLambda } from '../support/local-lambda';
import { cleanWorkDirs, LoadedProxy, loadProxyAsset, ProxyResultShape } from '../support/proxy-harness';
import { document, fn } from './documents';
import { captureLogs, json, setEnv } from './helpers';
import { RECORDED_CASES } from '../support/lambda-proxy-results';

const CASES = RECORDED_CASES;

let lambda: LocalLambda;
let proxy: LoadedProxy;
let restoreEnv: () => void;

beforeAll(async () => {
  lambda = await startLocalLambda();
  restoreEnv = setEnv(lambdaEnv(lambda.endpoint));
  // The recording's function: `return json.loads(event["body"])`.
  lambda.register('result-from-body', (event: any) => JSON.parse(event.body));
  lambda.register('returns', (event: any) => RESULTS[event.queryStringParameters?.case ?? '']);
  captureLogs();
  proxy = await loadProxyAsset(document({
    apis: [
      { method: 'POST', path: '/test', backend: fn('result-from-body') },
      { method: 'GET', path: '/returns', backend: fn('returns') },
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

/** The headers a client gets from a proxy result: API Gateway's join of the two maps, and its default Content-Type. */
function clientHeaders(r: ProxyResultShape): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const multi = r.multiValueHeaders ?? {};
  const multiNames = new Set(Object.keys(multi).map(n => n.toLowerCase()));
  for (const [name, values] of Object.entries(multi)) { if (values.length > 0) { out.push([name, values.join(', ')]); } }
  for (const [name, value] of Object.entries(r.headers ?? {})) {
    // The proxy leaves no name in both maps, so API Gateway's join has nothing left to do.
    expect(multiNames.has(name.toLowerCase())).toBe(false);
    out.push([name, value]);
  }
  if (!out.some(([n]) => n.toLowerCase() === 'content-type')) { out.push(['Content-Type', 'application/json']); }
  return out;
}

test.each(CASES.map(c => [c.name, c] as const))('AWS-recorded: %s', async (_name, c) => {
  const r = await proxy.invoke(proxyEvent({ method: 'POST', path: '/test', body: JSON.stringify(c.result), headers: { 'Content-Type': 'application/json' } }));
  expect(r.statusCode).toBe(c.expect.status);
  if (c.expect.status === 502) {
    // API Gateway: {"message": "Internal server error"}; the group: its BACKEND_UNAVAILABLE response.
    expect(json(r)).toMatchObject({ error_code: 'APIG.0201', error_msg: 'Backend unavailable.' });
    return;
  }
  // The body reaches API Gateway as the function gave it, base64 flag included (the recorded API
  // had no binary media types, so its client got the base64 text; a group's REST API declares
  // every type binary, so API Gateway decodes it there).
  expect(r.body).toBe(c.expect.body);
  const result = c.result as Record<string, unknown>;
  expect(r.isBase64Encoded ?? false).toBe(result.isBase64Encoded ?? false);
  const headers = clientHeaders(r);
  for (const [name, value] of Object.entries(c.expect.headers ?? {})) {
    // Exactly one header of that name in any case, spelled as recorded.
    expect(headers.filter(([n]) => n.toLowerCase() === name.toLowerCase())).toEqual([[name, value]]);
  }
});

// Not recorded on AWS (the README says what the proxy does): results whose shape API Gateway's
// documentation rules out, answered BACKEND_UNAVAILABLE; scalars as header values are text.
const RESULTS: Record<string, unknown> = {
  'null': null,
  'list': [{ statusCode: 200 }],
  'cookies': { statusCode: 200, cookies: ['a=1'] },
  'object-body': { statusCode: 200, body: { a: 1 } },
  'number-body': { statusCode: 200, body: 5 },
  'base64-string': { statusCode: 200, body: 'eA==', isBase64Encoded: 'true' },
  'status-600': { statusCode: 600 },
  'status-float': { statusCode: 200.5 },
  'status-string-float': { statusCode: '200.0' },
  'header-null': { statusCode: 200, headers: { 'X-A': null } },
  'multi-object': { statusCode: 200, multiValueHeaders: { 'X-A': [{}] } },
  'numbers': { statusCode: 200, headers: { 'X-N': 5 }, multiValueHeaders: { 'X-M': [1, false] } },
  'status-null': { statusCode: null, body: 'ok' },
};

test.each(['null', 'list', 'cookies', 'object-body', 'number-body', 'base64-string', 'status-600', 'status-float', 'status-string-float', 'header-null', 'multi-object'])(
  'malformed (%s) → BACKEND_UNAVAILABLE (502)', async name => {
    const r = await proxy.invoke(proxyEvent({ path: '/returns', query: { case: name } }));
    expect(r.statusCode).toBe(502);
    expect(json(r).error_code).toBe('APIG.0201');
  });

test('numbers and booleans as header values are text; a null statusCode is 200', async () => {
  const r = await proxy.invoke(proxyEvent({ path: '/returns', query: { case: 'numbers' } }));
  expect([r.statusCode, r.headers?.['X-N'], r.multiValueHeaders?.['X-M']]).toEqual([200, '5', ['1', 'false']]);
  expect(await proxy.invoke(proxyEvent({ path: '/returns', query: { case: 'status-null' } }))).toMatchObject({ statusCode: 200, body: 'ok' });
});
