/**
 * What a cached authorizer result may be reused for, on the built assets. A custom authorizer's
 * function is told the API, stage, method and path besides the identities, and may decide on
 * them: its cached result is reused only for the same API, stage, method, path and identity
 * values. A third-party service is told the identity values only: its results are shared by
 * every API that uses the same authorizer.
 */
import type { ConfigDocument, CustomAuthorizerDocument } from '../../lib/private/config-document';
import { closeAllServers, startServer, TestServer } from '../support/http-servers';
import { functionArn, lambdaEnv, LocalLambda, startLocalLambda } from '../support/local-lambda';
import { cleanWorkDirs, loadGroupAssets, LocalGatewayChain } from '../support/proxy-harness';
import { document, revealingRules } from './documents';
import { captureLogs, json, setEnv } from './helpers';

let functions: LocalLambda;
let service: TestServer;
let restoreEnv: () => void;
let doc: ConfigDocument;

const answer = (status: 'allow' | 'deny', context: Record<string, string>) =>
  ({ statusCode: 200, body: JSON.stringify({ status, context }) });

/** Allows API `a` (and `iam-a`) only, except for the order `secret`; the context names the API it was asked about. */
function perApi(event: any): unknown {
  const api: string = event.requestContext.apiId;
  const allowed = (api === 'a' || api === 'iam-a') && event.pathParameters.id !== 'secret';
  return answer(allowed ? 'allow' : 'deny', { code: `for-${api}` });
}

const cached: CustomAuthorizerDocument = {
  name: 'per-api',
  functionArn: functionArn('per-api'),
  identities: [{ in: 'header', name: 'X-Token' }],
  ttlSeconds: 60,
  relaxed: false,
  timeoutMs: 1000,
};

beforeAll(async () => {
  functions = await startLocalLambda();
  functions.register('per-api', perApi);
  service = await startServer((req, res) => { res.writeHead(req.headers['x-token'] === 'good' ? 200 : 401); res.end(); });
  restoreEnv = setEnv(lambdaEnv(functions.endpoint));
  doc = document({
    defaultRules: revealingRules(),
    customAuthorizers: { 'per-api': cached },
    thirdPartyAuthorizers: {
      shared: {
        name: 'shared', url: `${service.url}/check`, method: 'GET', identities: [{ in: 'header', name: 'X-Token' }],
        timeoutMs: 1000, simpleMode: true, relaxed: false, ttlSeconds: 60,
      },
    },
    apis: [
      { id: 'a', path: '/a/{id}', auth: { type: 'CUSTOM', customAuthorizer: 'per-api' } },
      { id: 'b', path: '/b/{id}', auth: { type: 'CUSTOM', customAuthorizer: 'per-api' } },
      { id: 'iam-a', path: '/iam-a/{id}', auth: { type: 'IAM', customAuthorizer: 'per-api' } },
      { id: 'iam-b', path: '/iam-b/{id}', auth: { type: 'IAM', customAuthorizer: 'per-api' } },
      { id: 'tp-1', path: '/tp-1', auth: { type: 'THIRD_PARTY', thirdPartyAuthorizer: 'shared' } },
      { id: 'tp-2', path: '/tp-2', auth: { type: 'THIRD_PARTY', thirdPartyAuthorizer: 'shared' } },
    ],
  });
});
beforeEach(() => {
  captureLogs();
  functions.invocations.length = 0;
  service.requests.length = 0;
});
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  restoreEnv();
  await Promise.all([functions.close(), closeAllServers()]);
  cleanWorkDirs();
});

const token = { 'X-Token': 'same-caller' };

async function fresh(): Promise<LocalGatewayChain> {
  return loadGroupAssets(doc);
}

describe('custom authorizer (in the authorizer)', () => {
  test('an allow cached for API A is not reused for API B: B gets its own denial and context', async () => {
    // why: the function is told the API and may allow it alone; a result for A must not open B
    const gw = await fresh();
    const a = await gw.request({ path: '/a/1', headers: token });
    expect(a.result.statusCode).toBe(200);
    expect(a.authorization?.context?.frontend_code).toBe('for-a');
    const b = await gw.request({ path: '/b/1', headers: token });
    expect(json(b.result)).toMatchObject({ type: 'AUTHORIZER_FAILURE', frontendCode: 'for-b' });
    expect(b.authorization?.context).toMatchObject({ apigVerdict: 'AUTHORIZER_FAILURE', apigApi: 'b', frontend_code: 'for-b' });
    expect(functions.invocations.map(i => (i.event as any).requestContext.apiId)).toEqual(['a', 'b']);
  });

  test('the result is still cached for the same API, path and identity values', async () => {
    // why: Huawei caches per identity values for the TTL; the key only adds what the function is told
    const gw = await fresh();
    for (let i = 0; i < 3; i++) { expect((await gw.request({ path: '/a/1', headers: token })).result.statusCode).toBe(200); }
    expect(functions.invocations).toHaveLength(1);
    await gw.request({ path: '/a/1', headers: { 'X-Token': 'another-caller' } });
    expect(functions.invocations).toHaveLength(2);
  });

  test('a result for one path is not reused for another path of the same API', async () => {
    // why: the function is told the path and its parameters and may decide per resource
    const gw = await fresh();
    expect((await gw.request({ path: '/a/1', headers: token })).result.statusCode).toBe(200);
    expect(json((await gw.request({ path: '/a/secret', headers: token })).result).type).toBe('AUTHORIZER_FAILURE');
    expect(functions.invocations).toHaveLength(2);
  });
});

describe('custom authorizer after IAM (in the proxy)', () => {
  test('an allow cached for API A is not reused for API B', async () => {
    // why: the proxy's own result cache follows the same rule as the authorizer's
    const gw = await fresh();
    expect((await gw.request({ path: '/iam-a/1', headers: token, iam: true, authorize: false })).result.statusCode).toBe(200);
    const b = await gw.request({ path: '/iam-b/1', headers: token, iam: true, authorize: false });
    expect(json(b.result)).toMatchObject({ type: 'AUTHORIZER_FAILURE', frontendCode: 'for-iam-b' });
    expect((await gw.request({ path: '/iam-a/1', headers: token, iam: true, authorize: false })).result.statusCode).toBe(200);
    expect(functions.invocations.map(i => (i.event as any).requestContext.apiId)).toEqual(['iam-a', 'iam-b']);
  });
});

describe('third-party authorizer', () => {
  test('the service is told the identity values only, so its cached result serves every API of the authorizer', async () => {
    // why: nothing else reaches the service, so no other request detail can change its answer
    const gw = await fresh();
    expect((await gw.request({ path: '/tp-1', headers: { 'X-Token': 'good' } })).result.statusCode).toBe(200);
    expect((await gw.request({ path: '/tp-2', headers: { 'X-Token': 'good' } })).result.statusCode).toBe(200);
    expect(service.requests).toHaveLength(1);
    expect(service.requests[0].url).toBe('/check');
  });
});
