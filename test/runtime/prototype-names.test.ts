/**
 * Names that are also JavaScript's (issue 14 item 3, DESIGN section 7: "every keyed object is built
 * without a prototype"): a response, a rule header, a mock header, an app, an authorizer, a request
 * or backend parameter named `__proto__`, `constructor`, `toString` or `hasOwnProperty` is data, never
 * a property lookup. A group declared with the constructs, synthesized, and its bundled authorizer
 * and proxy loaded from the cloud assembly, chained as API Gateway runs them.
 */
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  ApiAuth, Backend, BackendParameter, HttpMethod, HuaweiDefinition, IdentitySource, MappedParameter, OrchestrationStrategy, ParameterLocation,
  RequestParameter, ResponseType,
} from '../../lib';
import { readConfigFiles } from '../../lib/private/config-files';
import { proxyEvent } from '../support/events';
import { closeAllServers, startServer, TestServer } from '../support/http-servers';
import { functionArn, lambdaEnv, LocalLambda, startLocalLambda } from '../support/local-lambda';
import { LocalSecretsManager, secretArn, secretsManagerEnv, startLocalSecretsManager } from '../support/local-secrets-manager';
import { chain, cleanWorkDirs, loadAuthorizerFromDir, LocalGatewayChain } from '../support/proxy-harness';
import { authorizerAssetDir, synthesizeGroup, SynthesizedGroup } from '../support/synth-group';
import { appCode } from './documents';
import { captureLogs, json, setEnv } from './helpers';

/** An object whose only own key is `name` (an object literal's `__proto__:` would set the prototype instead). */
function own(name: string, value: string): { [name: string]: string } {
  return Object.defineProperty({}, name, { value, enumerable: true, writable: true, configurable: true });
}

/** The own value of `name` in `map` (undefined when it is not an own property). */
function ownValue(map: unknown, name: string): unknown {
  return map !== null && typeof map === 'object' && Object.prototype.hasOwnProperty.call(map, name)
    ? (map as Record<string, unknown>)[name] : undefined;
}

const CONSTRUCTOR_CODE = appCode('app-constructor', 72);
const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

let sm: LocalSecretsManager;
let functions: LocalLambda;
let backend: TestServer;
let synthesized: SynthesizedGroup;
let gw: LocalGatewayChain;
let restoreEnv: () => void;

beforeAll(async () => {
  [sm, functions] = await Promise.all([startLocalSecretsManager(), startLocalLambda()]);
  backend = await startServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const raw = (name: string) => { const at = req.rawHeaders.findIndex((v, i) => i % 2 === 0 && v.toLowerCase() === name); return at < 0 ? null : req.rawHeaders[at + 1]; };
    res.end(JSON.stringify({ url: req.url, constructor: raw('constructor'), proto: raw('__proto__') }));
  });
  sm.put('constructor', JSON.stringify({ appCode: CONSTRUCTOR_CODE }));
  functions.register('to-string', (event: any) => ({
    statusCode: 200,
    body: JSON.stringify({ status: event.headers['x-token'] === 'nope' ? 'deny' : 'allow', context: { constructor: 'ctx' } }),
  }));
  synthesized = synthesizeGroup({
    groupName: 'prototype-names',
    // THROTTLED is answered by API Gateway itself: the rule reaches the REST API's gateway responses.
    defaultResponse: { rules: [{ type: ResponseType.THROTTLED, headers: own('__proto__', 'native') }] },
  }, (group, stack: Stack) => {
    // Four custom responses (the group's limit), one per name, each with its own status and body.
    const responses = NAMES.map((name, i) => group.addGatewayResponse(name, {
      rules: [{
        type: ResponseType.REQUEST_PARAMETERS_FAILURE,
        statusCode: 461 + i,
        body: `{"response":"${name}","type":"$context.error.type","var":"$stageVariables.__proto__","ctor":"$stageVariables.constructor"}`,
        headers: own(name, `header-${name}`),
      }],
    }));
    NAMES.forEach((name, i) => group.addApi(`Response${i}`, {
      method: HttpMethod.GET, path: `/responses/${i}`, backend: Backend.mock({ body: 'ok' }), gatewayResponse: responses[i],
      parameters: [RequestParameter.query('constructor', { required: true })],
    }));
    group.addApi('MockHeaders', {
      method: HttpMethod.GET, path: '/mock', backend: Backend.mock({ body: 'mock', headers: { ...own('__proto__', 'm1'), ...own('constructor', 'm2') } }),
    });
    const app = group.addApp('constructor', { secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'CtorSecret', secretArn('constructor')) });
    group.addApi('AppApi', { method: HttpMethod.GET, path: '/app', backend: Backend.mock({ body: '{"api":"app"}' }), auth: ApiAuth.app({ apps: [app] }) });
    const custom = group.addCustomAuthorizer('toString', {
      handler: lambda.Function.fromFunctionArn(stack, 'ToString', functionArn('to-string')),
      identities: [IdentitySource.header('X-Token')],
    });
    group.addApi('CustomApi', { method: HttpMethod.GET, path: '/custom', backend: Backend.mock({ body: '{"api":"custom"}' }), auth: ApiAuth.custom(custom) });
    const ctorRule = group.addOrchestrationRule('constructor', {
      strategy: OrchestrationStrategy.list([{ values: ['gold'], mappedValue: '1' }]), mappedParameter: MappedParameter.query('valueOf'),
    });
    group.addApi('Orchestrated', {
      method: HttpMethod.GET, path: '/orchestrated', backend: Backend.http(`${backend.url}/orchestrated`),
      parameters: [RequestParameter.query('hasOwnProperty', { orchestrations: [ctorRule] })],
    });
    group.addApi('Parameters', {
      method: HttpMethod.GET, path: '/parameters', parameters: [RequestParameter.query('constructor')],
      backend: Backend.http(`${backend.url}/backend`, {
        parameters: [
          BackendParameter.constant('constructor', 'c1', { location: ParameterLocation.HEADER }),
          BackendParameter.request('constructor', { name: 'toString', location: ParameterLocation.QUERY }),
        ],
      }),
    });
  });
  restoreEnv = setEnv({ ...lambdaEnv(functions.endpoint), ...secretsManagerEnv(sm.endpoint) });
  captureLogs();
  gw = chain(loadAuthorizerFromDir(authorizerAssetDir(synthesized)), synthesized.load());
  jest.restoreAllMocks();
}, 60_000);
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  restoreEnv?.();
  await Promise.all([sm?.close(), functions?.close(), closeAllServers()]);
  cleanWorkDirs();
});


test('the configuration document holds every such name as its own key', () => {
  // why: a name that disappears from the document made every API of the group answer 500
  const doc = readConfigFiles(synthesized.assetDir) as any;
  for (const name of NAMES) {
    expect(Object.keys(doc.responses)).toContain(name);
    expect(Object.keys(ownValue(doc.responses, name) as object)).toContain('REQUEST_PARAMETERS_FAILURE');
  }
  expect(Object.keys(doc.apps)).toEqual(['constructor']);
  expect(Object.keys(doc.customAuthorizers)).toEqual(['toString']);
  const mock = doc.apis.find((a: any) => a.path === '/mock');
  expect(Object.keys(mock.backend.headers)).toEqual(['__proto__', 'constructor']);
});

test('a default-response header named __proto__ reaches the gateway responses API Gateway answers itself', () => {
  // why: natively answered errors (THROTTLED) carry the rule's headers too
  const body = Object.values(synthesized.template.Resources as Record<string, any>)
    .find(r => r.Type === 'AWS::ApiGateway::RestApi').Properties.Body;
  const throttled = body['x-amazon-apigateway-gateway-responses'].THROTTLED;
  expect(ownValue(throttled.responseParameters, 'gatewayresponse.header.__proto__')).toBe("'native'");
});

test.each(NAMES.map((name, i) => [name, i]))('a response named %s renders its own rule, with its header', async (name, i) => {
  // why: a response name is data; each API answers its own response's status, body and headers
  const { result } = await gw.request({ path: `/responses/${i}`, stageVariables: own('__proto__', 'var-value') });
  expect(result.statusCode).toBe(461 + (i as number));
  expect(json(result)).toEqual({ response: name, type: 'REQUEST_PARAMETERS_FAILURE', var: 'var-value', ctor: '' });
  expect(ownValue(result.headers, name as string)).toBe(`header-${name}`);
});

test('a mock header named __proto__ or constructor is sent', async () => {
  // why: mock headers are data; Object.prototype's setter would drop __proto__
  const { result } = await gw.request({ path: '/mock' });
  expect(result.statusCode).toBe(200);
  expect(ownValue(result.headers, '__proto__')).toBe('m1');
  expect(ownValue(result.headers, 'constructor')).toBe('m2');
});

test('an app named constructor authenticates by AppCode; a wrong AppCode is refused', async () => {
  // why: the app is found by its own name, never by Object.prototype.constructor
  const ok = await gw.request({ path: '/app', headers: { 'X-Apig-AppCode': CONSTRUCTOR_CODE } });
  expect([ok.result.statusCode, json(ok.result)]).toEqual([200, { api: 'app' }]);
  expect(ownValue(ok.authorization?.context, 'appName')).toBe('constructor');
  const bad = await gw.request({ path: '/app', headers: { 'X-Apig-AppCode': appCode('nobody') } });
  expect(bad.result.statusCode).toBe(401);
});

test('a custom authorizer named toString runs, allows and denies; its context key constructor travels', async () => {
  // why: the authorizer is found by its own name, never by Object.prototype.toString
  const ok = await gw.request({ path: '/custom', headers: { 'X-Token': 'abc' } });
  expect([ok.result.statusCode, json(ok.result)]).toEqual([200, { api: 'custom' }]);
  expect(ownValue(ok.authorization?.context, 'frontend_constructor')).toBe('ctx');
  const denied = await gw.request({ path: '/custom', headers: { 'X-Token': 'nope' } });
  expect(denied.result.statusCode).toBe(500);
});

test('request and backend parameters named constructor and toString, and a caller\'s header __proto__, reach the backend', async () => {
  // why: parameter names are data: a missing one is missing, a present one is sent
  const { result } = await gw.request({ path: '/parameters', query: { constructor: 'q1' }, headers: own('__proto__', 'hv') });
  expect(result.statusCode).toBe(200);
  expect(json(result)).toEqual({ url: '/backend?toString=q1', constructor: 'c1', proto: 'hv' });
  const absent = await gw.request({ path: '/parameters' });
  expect(json(absent.result)).toEqual({ url: '/backend', constructor: 'c1', proto: null });
});

test('an orchestration rule named constructor on a parameter named hasOwnProperty maps its value', async () => {
  // why: rule and parameter names are data
  const { result } = await gw.request({ path: '/orchestrated', query: { hasOwnProperty: 'gold' } });
  expect(result.statusCode).toBe(200);
  expect(json(result).url).toContain('valueOf=1');
});

describe('through a Huawei import', () => {
  test('a gateway response named __proto__ (and one named constructor) is imported, selected and rendered', async () => {
    // why: issue 14 item 3 found the name through an import: the group then answered 500 everywhere
    const responses = JSON.parse('{"__proto__":{"REQUEST_PARAMETERS_FAILURE":{"status":471,"body":{"application/json":"{\\"r\\":\\"proto\\"}"}}},' +
      '"constructor":{"REQUEST_PARAMETERS_FAILURE":{"status":472,"body":{"application/json":"{\\"r\\":\\"ctor\\"}"}}}}');
    const operation = (id: string, response: string) => ({
      operationId: id,
      parameters: [{ name: 'q', in: 'query', required: true, type: 'string' }],
      'x-apigateway-response': response,
      'x-apigateway-backend': { type: 'MOCK', mockEndpoints: { 'result-content': id } },
    });
    const definition = {
      swagger: '2.0', info: { title: 'imported', version: '1.0' },
      paths: { '/p': { get: operation('proto-api', '__proto__') }, '/c': { get: operation('ctor-api', 'constructor') } },
      'x-apigateway-responses': responses,
    };
    const s = synthesizeGroup({ groupName: 'imported-names' },
      group => group.importHuaweiDefinition(HuaweiDefinition.fromString(JSON.stringify(definition))));
    expect(s.group.gatewayResponses.map(r => r.responseName).sort()).toEqual(['__proto__', 'constructor', 'default']);
    const proxy = s.load();
    const p = await proxy.invoke(proxyEvent({ path: '/p' }));
    expect([p.statusCode, json(p)]).toEqual([471, { r: 'proto' }]);
    const c = await proxy.invoke(proxyEvent({ path: '/c' }));
    expect([c.statusCode, json(c)]).toEqual([472, { r: 'ctor' }]);
    const ok = await proxy.invoke(proxyEvent({ path: '/p', query: { q: '1' } }));
    expect([ok.statusCode, ok.body]).toEqual([200, 'proto-api']);
  });
});
