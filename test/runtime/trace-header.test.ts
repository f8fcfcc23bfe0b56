/**
 * X-Ray trace propagation (issue 9): the built proxy sends its invocation's trace header
 * (`_X_AMZN_TRACE_ID`, set by Lambda for each invocation when tracing is active) to HTTP backends,
 * so that an instrumented backend's segment joins the trace under the proxy's; without one, API
 * Gateway's header from the event still reaches the backend. Against a real server on 127.0.0.1.
 */
import { proxyEvent } from '../support/events';
import { closeAllServers, EchoBody, echoServer, TestServer } from '../support/http-servers';
import { cleanWorkDirs, LoadedProxy, loadProxyAsset } from '../support/proxy-harness';
import { document, http } from './documents';
import { captureLogs, setEnv } from './helpers';

const LAMBDA_TRACE = 'Root=1-67a0f00d-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1|68fd508a:5';
const GATEWAY_TRACE = 'Root=1-67a0f00d-0123456789abcdef01234567;Parent=0bf07e9d35a1c2b4;Sampled=1';

let echo: TestServer;
let proxy: LoadedProxy;
let restore: () => void = () => undefined;

beforeAll(async () => {
  echo = await echoServer();
  proxy = await loadProxyAsset(document({ apis: [{ path: '/orders', backend: http(`${echo.url}/orders`) }] }));
});
beforeEach(() => { captureLogs(); });
afterEach(() => {
  restore();
  jest.restoreAllMocks();
});
afterAll(async () => {
  await closeAllServers();
  cleanWorkDirs();
});

async function traceReceived(headers: Record<string, string> = {}): Promise<unknown> {
  const r = await proxy.invoke(proxyEvent({ path: '/orders', headers }));
  expect(r.statusCode).toBe(200);
  return (JSON.parse(r.body) as EchoBody).headers['x-amzn-trace-id'];
}

test('the backend receives the trace header of the proxy\'s invocation, replacing API Gateway\'s', async () => {
  restore = setEnv({ _X_AMZN_TRACE_ID: LAMBDA_TRACE });
  expect(await traceReceived({ 'X-Amzn-Trace-Id': GATEWAY_TRACE })).toBe(LAMBDA_TRACE);
});

test('each invocation sends its own trace header (Lambda replaces the variable per invocation)', async () => {
  restore = setEnv({ _X_AMZN_TRACE_ID: LAMBDA_TRACE });
  expect(await traceReceived()).toBe(LAMBDA_TRACE);
  const next = 'Root=1-67a0f00e-fedcba9876543210fedcba98;Parent=1234567890abcdef;Sampled=0';
  process.env._X_AMZN_TRACE_ID = next;
  expect(await traceReceived()).toBe(next);
});

test('without tracing on the function, API Gateway\'s header from the event reaches the backend', async () => {
  restore = setEnv({ _X_AMZN_TRACE_ID: undefined });
  expect(await traceReceived({ 'X-Amzn-Trace-Id': GATEWAY_TRACE })).toBe(GATEWAY_TRACE);
});

test.each([
  ['not an X-Ray header', 'hello'],
  ['a header with a line break', `${GATEWAY_TRACE.replace('0bf07e9d35a1c2b4', 'aaaaaaaaaaaaaaaa')}\r\nX-Evil: 1`],
])('a trace variable that is %s is not sent: the event\'s header is', async (_, value) => {
  restore = setEnv({ _X_AMZN_TRACE_ID: value });
  expect(await traceReceived({ 'X-Amzn-Trace-Id': GATEWAY_TRACE })).toBe(GATEWAY_TRACE);
});
