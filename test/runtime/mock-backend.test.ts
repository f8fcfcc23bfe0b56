/** MOCK backends: a fixed answer from the configuration, with the gateway's own headers. */
import { proxyEvent } from '../support/events';
import { cleanWorkDirs, loadProxyAsset, resultHeader } from '../support/proxy-harness';
import { document, mock } from './documents';
import { captureLogs } from './helpers';

beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(() => { cleanWorkDirs(); });

test('a mock answers its configured status, body and headers, plus X-Request-Id', async () => {
  // why: mocks let a team publish an API before its backend exists
  const proxy = await loadProxyAsset(document({
    apis: [{ method: 'POST', path: '/m', backend: mock('{"ok":true}', 202, { 'Content-Type': 'application/json', 'X-Mock': '1' }) }],
  }));
  const r = await proxy.invoke(proxyEvent({ method: 'POST', path: '/m', requestId: 'rid-mock' }));
  expect(r).toEqual({
    statusCode: 202,
    headers: { 'Content-Type': 'application/json', 'X-Mock': '1', 'X-Request-Id': 'rid-mock' },
    body: '{"ok":true}',
    isBase64Encoded: false,
  });
  // A second call is unaffected by the first (the configured headers are not shared state).
  const again = await proxy.invoke(proxyEvent({ method: 'POST', path: '/m', requestId: 'rid-mock-2' }));
  expect(resultHeader(again, 'X-Request-Id')).toBe('rid-mock-2');
});

test('a mock\'s own X-Request-Id is replaced by the request\'s', async () => {
  // why: X-Request-Id always identifies the request, whoever answered
  const proxy = await loadProxyAsset(document({ apis: [{ path: '/m', backend: mock('x', 200, { 'x-request-id': 'fixed' }) }] }));
  const r = await proxy.invoke(proxyEvent({ path: '/m', requestId: 'rid-real' }));
  expect(r.headers).toEqual({ 'X-Request-Id': 'rid-real' });
});
