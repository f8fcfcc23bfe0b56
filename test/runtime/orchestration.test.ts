/**
 * Parameter orchestration (issue 13 item 6), through the BUILT proxy loaded from a synthesized
 * cloud assembly: each strategy's mapping reaches a real HTTP backend on 127.0.0.1 (header or
 * query) and a function backend (its event), a caller cannot forge the mapped parameter, and the
 * two orchestration response types are rendered with the API's selected gateway response.
 */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  ApiGroup, Backend, GatewayResponse, HttpMethod, MappedParameter, OrchestrationRule, OrchestrationStrategy, ParameterType,
  RequestParameter, ResponseType,
} from '../../lib';
import { proxyEvent } from '../support/events';
import { closeAllServers, echoServer, EchoBody, TestServer } from '../support/http-servers';
import { functionArn, lambdaEnv, LocalLambda, startLocalLambda } from '../support/local-lambda';
import { cleanWorkDirs, LoadedProxy, ProxyResultShape } from '../support/proxy-harness';
import { synthesizeGroup } from '../support/synth-group';
import { captureLogs, json, setEnv } from './helpers';

const TYPE_BODY = '{"type":"$context.error.type","code":"$context.error.code","msg":"$context.error.message","api":"$context.apiName"}';

let backend: TestServer;
let fnBackend: LocalLambda;
let proxy: LoadedProxy;
let restoreEnv: () => void;

/** The tier rules, shared by several APIs: none_value → 0, gold/platinum → 1, silver → 2, anything else → 9. */
function tierRules(group: ApiGroup): OrchestrationRule[] {
  const header = MappedParameter.header('X-Tier', { type: ParameterType.NUMBER });
  return [
    group.addOrchestrationRule('tier_none', { strategy: OrchestrationStrategy.noneValue('0'), mappedParameter: header }),
    group.addOrchestrationRule('tier_list', {
      strategy: OrchestrationStrategy.list([{ values: ['gold', 'platinum'], mappedValue: '1' }, { values: ['silver'], mappedValue: '2' }]),
      mappedParameter: header,
    }),
    group.addOrchestrationRule('tier_default', { strategy: OrchestrationStrategy.defaultValue('9'), mappedParameter: header }),
  ];
}

beforeAll(async () => {
  backend = await echoServer();
  fnBackend = await startLocalLambda();
  restoreEnv = setEnv(lambdaEnv(fnBackend.endpoint));
  fnBackend.register('echo', (event: any) => ({ statusCode: 200, body: JSON.stringify(event) }));
  const synthesized = synthesizeGroup({ groupName: 'orchestration' }, (g, stack) => {
    const strictResponse: GatewayResponse = g.addGatewayResponse('strict', {
      rules: [
        { type: ResponseType.ORCHESTRATION_PARAMETER_NOT_FOUND, statusCode: 412, body: TYPE_BODY, headers: { 'X-Why': '$context.error.type' } },
        { type: ResponseType.ORCHESTRATION_FAILURE, statusCode: 409, body: TYPE_BODY },
      ],
    });
    const [none, list, fallback] = tierRules(g);
    const shard = MappedParameter.query('shard');
    const range = g.addOrchestrationRule('user_range', {
      strategy: OrchestrationStrategy.range([
        { start: '0', end: '9007199254740992', mappedValue: 'low' },
        { start: '9007199254740993', end: '9223372036854775807', mappedValue: 'high' },
      ]),
      mappedParameter: shard,
    });
    const head = g.addOrchestrationRule('region_head', { strategy: OrchestrationStrategy.headN(2), preprocessing: true });
    const regions = g.addOrchestrationRule('region_list', {
      strategy: OrchestrationStrategy.list([{ values: ['eu'], mappedValue: 'E' }, { values: ['us'], mappedValue: 'U' }]),
      mappedParameter: MappedParameter.header('X-Zone'),
    });
    const tail = g.addOrchestrationRule('account_tail', {
      strategy: OrchestrationStrategy.tailN(4), mappedParameter: MappedParameter.header('X-Account-Suffix'),
    });
    const http = (path: string) => Backend.http(`${backend.url}${path}`);
    g.addApi('Tier', {
      method: HttpMethod.GET, path: '/tier', backend: http('/tier'),
      parameters: [RequestParameter.query('tier', { orchestrations: [none, list, fallback] })],
    });
    g.addApi('Strict', {
      method: HttpMethod.GET, path: '/strict', backend: http('/strict'), apiName: 'strict-tier', gatewayResponse: strictResponse,
      parameters: [RequestParameter.query('tier', { orchestrations: [list] })],
    });
    g.addApi('Users', {
      method: HttpMethod.GET, path: '/users/{uid}', backend: http('/users/{uid}'),
      parameters: [RequestParameter.path('uid', { orchestrations: [range] })],
    });
    g.addApi('Region', {
      method: HttpMethod.GET, path: '/region', backend: http('/region'),
      parameters: [RequestParameter.header('X-Region', { orchestrations: [head, regions] })],
    });
    g.addApi('Account', {
      method: HttpMethod.GET, path: '/account', backend: http('/account'),
      parameters: [RequestParameter.header('X-Account', { orchestrations: [tail] })],
    });
    g.addApi('Fn', {
      method: HttpMethod.GET, path: '/fn', backend: Backend.fn(lambda.Function.fromFunctionArn(stack, 'Echo', functionArn('echo'))),
      parameters: [RequestParameter.query('tier', { orchestrations: [none, list, fallback] })],
    });
  });
  captureLogs();
  proxy = synthesized.load();
  jest.restoreAllMocks();
});
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  restoreEnv();
  await fnBackend.close();
  await closeAllServers();
  cleanWorkDirs();
});

async function call(path: string, options: { query?: Record<string, string | string[]>; headers?: Record<string, string> } = {}):
Promise<ProxyResultShape> {
  return proxy.invoke(proxyEvent({ path, query: options.query, headers: options.headers }));
}

function echoed(r: ProxyResultShape): EchoBody {
  expect(r.statusCode).toBe(200);
  return json(r);
}

describe('each strategy maps the value sent to the backend', () => {
  test.each([
    ['gold', '1'], ['platinum', '1'], ['silver', '2'], ['bronze', '9'], ['GOLD', '9'],
  ])('list + default: tier=%s reaches the backend as X-Tier: %s', async (tier, mapped) => {
    expect(echoed(await call('/tier', { query: { tier } })).headers['x-tier']).toBe(mapped);
  });

  test('none_value: no tier (absent or empty) reaches the backend as X-Tier: 0', async () => {
    expect(echoed(await call('/tier')).headers['x-tier']).toBe('0');
    expect(echoed(await call('/tier', { query: { tier: '' } })).headers['x-tier']).toBe('0');
  });

  test.each([
    ['0', 'low'], ['9007199254740992', 'low'],
    // Above 2^53 a float would round 9007199254740993 down to ...992 and pick "low": compared as BigInt.
    ['9007199254740993', 'high'], ['9223372036854775807', 'high'], ['000000000000000000000042', 'low'],
  ])('range: uid %s reaches the backend as the query parameter shard=%s', async (uid, shard) => {
    const echo = echoed(await call(`/users/${uid}`));
    expect(new URLSearchParams(echo.query).getAll('shard')).toEqual([shard]);
  });

  test.each([['-1'], ['9223372036854775808'], ['1.5'], ['12abc']])('range: uid %s is in no range → ORCHESTRATION_FAILURE', async uid => {
    const r = await call(`/users/${uid}`);
    expect(r.statusCode).toBe(400);
    expect(json(r)).toMatchObject({ error_code: 'APIG.0106', error_msg: 'Orchestration error.' });
    expect(backend.requests.some(q => q.url.startsWith(`/users/${encodeURIComponent(uid)}`))).toBe(false);
  });

  test('head_n (preprocessing) then list: the first 2 characters of X-Region choose X-Zone', async () => {
    expect(echoed(await call('/region', { headers: { 'X-Region': 'eu-west-1' } })).headers['x-zone']).toBe('E');
    expect(echoed(await call('/region', { headers: { 'X-Region': 'us' } })).headers['x-zone']).toBe('U');
    // "ap" matches no entry and there is no default rule.
    const r = await call('/region', { headers: { 'X-Region': 'ap-southeast-1' } });
    expect([r.statusCode, json(r).error_code]).toEqual([400, 'APIG.0106']);
  });

  test('tail_n: the last 4 characters of X-Account are sent as X-Account-Suffix (all of a shorter value)', async () => {
    expect(echoed(await call('/account', { headers: { 'X-Account': 'acct-00123456' } })).headers['x-account-suffix']).toBe('3456');
    expect(echoed(await call('/account', { headers: { 'X-Account': 'ab' } })).headers['x-account-suffix']).toBe('ab');
  });

  test('the first non-empty value of a repeated query parameter is orchestrated', async () => {
    const echo = echoed(await call('/tier', { query: { tier: ['', 'silver', 'gold'] } }));
    expect(echo.headers['x-tier']).toBe('2');
  });
});

describe('a caller cannot forge the mapped parameter', () => {
  test('a header sent by the caller, in any case, is replaced, never doubled', async () => {
    const r = await call('/tier', { query: { tier: 'silver' }, headers: { 'x-TIER': '1', 'X-Tier': '1' } });
    const echo = echoed(r);
    expect(echo.headers['x-tier']).toBe('2');
    const received = backend.requests[backend.requests.length - 1];
    expect(received.rawHeaders.filter((_, i) => i % 2 === 0 && received.rawHeaders[i].toLowerCase() === 'x-tier')).toHaveLength(1);
  });

  test('a query parameter sent by the caller is replaced, never doubled', async () => {
    const echo = echoed(await call('/users/7', { query: { shard: 'high', other: 'kept' } }));
    const query = new URLSearchParams(echo.query);
    expect(query.getAll('shard')).toEqual(['low']);
    expect(query.get('other')).toBe('kept');
  });

  test('a function backend gets the mapped header in its event, the caller\'s copies gone', async () => {
    const r = await call('/fn', { query: { tier: 'gold' }, headers: { 'x-tier': '7', 'X-TIER': '8' } });
    expect(r.statusCode).toBe(200);
    const event = json(r);
    const tierHeaders = Object.entries(event.headers).filter(([k]) => k.toLowerCase() === 'x-tier');
    expect(tierHeaders).toEqual([['X-Tier', '1']]);
    expect(Object.entries(event.multiValueHeaders).filter(([k]) => k.toLowerCase() === 'x-tier')).toEqual([['X-Tier', ['1']]]);
    expect(event.queryStringParameters.tier).toBe('gold');
  });

  test('a function backend gets none_value and default mappings too', async () => {
    expect(json(await call('/fn')).headers['X-Tier']).toBe('0');
    expect(json(await call('/fn', { query: { tier: 'bronze' } })).headers['X-Tier']).toBe('9');
  });
});

describe('the two orchestration response types, rendered with the API\'s selected response', () => {
  test('ORCHESTRATION_PARAMETER_NOT_FOUND: no value and no none_value rule', async () => {
    const before = backend.requests.length;
    const r = await call('/strict');
    expect(r.statusCode).toBe(412);
    expect(r.headers?.['X-Why']).toBe('ORCHESTRATION_PARAMETER_NOT_FOUND');
    expect(json(r)).toEqual({ type: 'ORCHESTRATION_PARAMETER_NOT_FOUND', code: 'APIG.0106', msg: 'Orchestration error.', api: 'strict-tier' });
    expect(backend.requests.length).toBe(before);
  });

  test('ORCHESTRATION_FAILURE: a value no rule matched and no default rule', async () => {
    const before = backend.requests.length;
    const r = await call('/strict', { query: { tier: 'bronze' } });
    expect(r.statusCode).toBe(409);
    expect(json(r)).toEqual({ type: 'ORCHESTRATION_FAILURE', code: 'APIG.0106', msg: 'Orchestration error.', api: 'strict-tier' });
    expect(backend.requests.length).toBe(before);
  });

  test('with the default response: Huawei\'s default body, status 400, code APIG.0106', async () => {
    const r = await call('/region');
    expect(r.statusCode).toBe(400);
    expect(json(r)).toMatchObject({ error_code: 'APIG.0106', error_msg: 'Orchestration error.' });
  });

  test('a value the header cannot carry (head_n / tail_n keep caller text) fails, it is never altered', async () => {
    // API Gateway hands header values on as received; a control character cannot go into a backend header.
    const r = await call('/account', { headers: { 'X-Account': 'ab\u0001cd' } });
    expect([r.statusCode, json(r).error_code]).toEqual([400, 'APIG.0106']);
  });
});
