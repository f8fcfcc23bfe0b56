/**
 * A credential sent twice, on the built assets: an identity header with two values (a repeated
 * header, or the same name in two spellings) or a repeated identity query parameter. The
 * authorizer would check one value while the backend receives both, so the request is refused
 * with the identity failure of its authentication: AUTH_FAILURE for an AppCode,
 * AUTHORIZER_IDENTITIES_FAILURE for a custom authorizer (in the authorizer or, after IAM, in the
 * proxy), THIRD_AUTH_IDENTITIES_FAILURE for a third-party one. Nobody is asked.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ConfigDocument } from '../../lib/private/config-document';
import { authorizerEventFor, proxyEvent } from '../support/events';
import { closeAllServers, echoServer, startServer, TestServer } from '../support/http-servers';
import { functionArn, lambdaEnv, LocalLambda, startLocalLambda } from '../support/local-lambda';
import { LocalSecretsManager, secretArn, secretsManagerEnv, startLocalSecretsManager } from '../support/local-secrets-manager';
import { cleanWorkDirs, loadGroupAssets, LocalGatewayChain, ProxyResultShape } from '../support/proxy-harness';
import { appCode, document, http, revealingRules } from './documents';
import { captureLogs, json, setEnv } from './helpers';

const MOBILE = appCode('mobile-dup', 80);
const OTHER = appCode('other-dup', 80);

let sm: LocalSecretsManager;
let functions: LocalLambda;
let service: TestServer;
let echo: TestServer;
let restoreEnv: () => void;
let gw: LocalGatewayChain;
let doc: ConfigDocument;

beforeAll(async () => {
  [sm, functions, echo] = await Promise.all([startLocalSecretsManager(), startLocalLambda(), echoServer()]);
  service = await startServer((_req, res) => { res.writeHead(200); res.end(); });
  sm.put('mobile', JSON.stringify({ appCode: MOBILE }));
  sm.put('other', JSON.stringify({ appCode: OTHER }));
  functions.register('allow', () => ({ statusCode: 200, body: JSON.stringify({ status: 'allow' }) }));
  restoreEnv = setEnv({ ...lambdaEnv(functions.endpoint), ...secretsManagerEnv(sm.endpoint) });
  const identities = [{ in: 'header' as const, name: 'X-Token' }, { in: 'query' as const, name: 'tenant' }];
  doc = document({
    defaultRules: revealingRules(),
    apps: {
      mobile: { id: 'app-mobile', name: 'Mobile', secretArn: secretArn('mobile') },
      other: { id: 'app-other', name: 'Other', secretArn: secretArn('other') },
    },
    customAuthorizers: { allow: { name: 'allow', functionArn: functionArn('allow'), identities, ttlSeconds: 0, relaxed: false, timeoutMs: 1000 } },
    thirdPartyAuthorizers: {
      service: { name: 'service', url: `${service.url}/check`, method: 'GET', identities, timeoutMs: 1000, simpleMode: true, relaxed: false, ttlSeconds: 0 },
    },
    apis: [
      { id: 'app', path: '/app', backend: http(`${echo.url}/app`), auth: { type: 'APP', apps: ['mobile', 'other'] } },
      { id: 'custom', path: '/custom', backend: http(`${echo.url}/custom`), auth: { type: 'CUSTOM', customAuthorizer: 'allow' } },
      { id: 'third', path: '/third', backend: http(`${echo.url}/third`), auth: { type: 'THIRD_PARTY', thirdPartyAuthorizer: 'service' } },
      { id: 'iam-custom', path: '/iam-custom', backend: http(`${echo.url}/iam-custom`), auth: { type: 'IAM', customAuthorizer: 'allow' } },
    ],
  });
  captureLogs();
  gw = await loadGroupAssets(doc);
  jest.restoreAllMocks();
});
beforeEach(() => {
  captureLogs();
  functions.invocations.length = 0;
  service.requests.length = 0;
  echo.requests.length = 0;
});
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  restoreEnv();
  await Promise.all([sm.close(), functions.close(), closeAllServers()]);
  cleanWorkDirs();
});

type Maps = Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders' | 'queryStringParameters' | 'multiValueQueryStringParameters'>;

/**
 * One request as API Gateway runs it, with the event's header and query maps replaced by `maps`
 * (e.g. one name in two spellings, which the event builder would group).
 */
async function send(path: string, maps: Partial<Maps>, options: { iam?: boolean } = {}): Promise<ProxyResultShape> {
  const event = { ...proxyEvent({ path, iam: options.iam }), ...maps } as APIGatewayProxyEvent;
  if (options.iam) { return gw.proxy.invoke(event); }
  const authorization = await gw.authorizer.invoke(authorizerEventFor(event));
  const context: Record<string, string> = { principalId: authorization.principalId };
  for (const [key, value] of Object.entries(authorization.context ?? {})) { context[key] = String(value); }
  return gw.proxy.invoke({ ...event, requestContext: { ...event.requestContext, authorizer: context } });
}

/** The ways a header named `name` can carry `first` and `second`. */
function twoHeaderValues(name: string, first: string, second: string): Array<[string, Partial<Maps>]> {
  const lower = name.toLowerCase();
  return [
    ['repeated (multiValueHeaders)', { headers: { [name]: second }, multiValueHeaders: { [name]: [first, second] } }],
    ['two spellings in both maps', { headers: { [name]: first, [lower]: second }, multiValueHeaders: { [name]: [first], [lower]: [second] } }],
    ['two spellings, single-value map only', { headers: { [name]: first, [lower]: second }, multiValueHeaders: {} }],
    ['the maps disagree', { headers: { [name]: second }, multiValueHeaders: { [name]: [first] } }],
    ['the same value twice', { headers: { [name]: first }, multiValueHeaders: { [name]: [first, first] } }],
  ];
}

const tenant = { queryStringParameters: { tenant: 't1' }, multiValueQueryStringParameters: { tenant: ['t1'] } };
const twoTenants: Partial<Maps> = { queryStringParameters: { tenant: 't2' }, multiValueQueryStringParameters: { tenant: ['t1', 't2'] } };
const token = (value: string): Partial<Maps> => ({ headers: { 'X-Token': value }, multiValueHeaders: { 'X-Token': [value] } });

describe('APP: X-Apig-AppCode sent twice is AUTH_FAILURE', () => {
  test.each(twoHeaderValues('X-Apig-AppCode', MOBILE, OTHER))('%s', async (_name, maps) => {
    // why: which of two AppCodes authenticated the caller is ambiguous; Huawei answers a bad credential with AUTH_FAILURE
    const result = await send('/app', maps);
    expect(result.statusCode).toBe(401);
    expect(json(result)).toMatchObject({ type: 'AUTH_FAILURE', appId: '' });
    expect(echo.requests).toHaveLength(0);
  });

  test('one AppCode, present in both maps as API Gateway sends it, still authenticates', async () => {
    // why: the single-value map repeats the multi-value one; that is not a second value
    const result = await send('/app', { headers: { 'x-apig-appcode': MOBILE }, multiValueHeaders: { 'x-apig-appcode': [MOBILE] } });
    expect(result.statusCode).toBe(200);
  });
});

describe('CUSTOM: an identity sent twice is AUTHORIZER_IDENTITIES_FAILURE, the function is not called', () => {
  test.each(twoHeaderValues('X-Token', 'tok1', 'tok2'))('header %s', async (_name, maps) => {
    // why: the function would vouch for one value while the backend receives both
    const result = await send('/custom', { ...maps, ...tenant });
    expect(json(result).type).toBe('AUTHORIZER_IDENTITIES_FAILURE');
    expect(functions.invocations).toHaveLength(0);
    expect(echo.requests).toHaveLength(0);
  });

  test('repeated query parameter', async () => {
    // why: query identities are credentials as well
    const result = await send('/custom', { ...token('tok1'), ...twoTenants });
    expect(json(result).type).toBe('AUTHORIZER_IDENTITIES_FAILURE');
    expect(functions.invocations).toHaveLength(0);
  });

  test('one value of each still reaches the function and the backend', async () => {
    // why: the refusal is for ambiguity only
    expect((await send('/custom', { ...token('tok1'), ...tenant })).statusCode).toBe(200);
    expect(functions.invocations).toHaveLength(1);
  });
});

describe('IAM + custom (in the proxy): an identity sent twice is AUTHORIZER_IDENTITIES_FAILURE', () => {
  test.each(twoHeaderValues('X-Token', 'tok1', 'tok2'))('header %s', async (_name, maps) => {
    // why: the proxy's own custom step follows the authorizer's rule
    const result = await send('/iam-custom', { ...maps, ...tenant }, { iam: true });
    expect(json(result).type).toBe('AUTHORIZER_IDENTITIES_FAILURE');
    expect(functions.invocations).toHaveLength(0);
    expect(echo.requests).toHaveLength(0);
  });

  test('repeated query parameter', async () => {
    const result = await send('/iam-custom', { ...token('tok1'), ...twoTenants }, { iam: true });
    expect(json(result).type).toBe('AUTHORIZER_IDENTITIES_FAILURE');
  });
});

describe('THIRD_PARTY: an identity sent twice is THIRD_AUTH_IDENTITIES_FAILURE, the service is not called', () => {
  test.each(twoHeaderValues('X-Token', 'tok1', 'tok2'))('header %s', async (_name, maps) => {
    // why: the service would vouch for one value while the backend receives both
    const result = await send('/third', { ...maps, ...tenant });
    expect(json(result).type).toBe('THIRD_AUTH_IDENTITIES_FAILURE');
    expect(service.requests).toHaveLength(0);
    expect(echo.requests).toHaveLength(0);
  });

  test('repeated query parameter', async () => {
    const result = await send('/third', { ...token('tok1'), ...twoTenants });
    expect(json(result).type).toBe('THIRD_AUTH_IDENTITIES_FAILURE');
    expect(service.requests).toHaveLength(0);
  });

  test('one value of each still reaches the service and the backend', async () => {
    expect((await send('/third', { ...token('tok1'), ...tenant })).statusCode).toBe(200);
    expect(service.requests).toHaveLength(1);
  });
});
