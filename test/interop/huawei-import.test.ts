/**
 * Importing hand-written Huawei definitions (test/fixtures/huawei): the synthesized group holds
 * the definition's APIs, gateway responses, parameters, backends, authentication, throttles and
 * access control, checked in the template, in the configuration document the proxy ships with,
 * and at runtime through the built proxy loaded from the cloud assembly.
 */
import { readConfigFiles } from '../../lib/private/config-files';
import * as path from 'path';
import { Api, ApiGroup, HuaweiDefinition } from '../../lib';
import { ApiDocument, ConfigDocument, VERDICT_KEYS } from '../../lib/private/config-document';
import { proxyEvent } from '../support/events';
import { cleanWorkDirs, LoadedProxy } from '../support/proxy-harness';
import { synthesizeGroup, SynthesizedGroup } from '../support/synth-group';
import { FIXTURES, shopFunctions, VPC_CHANNELS } from './fixtures';

afterAll(() => cleanWorkDirs());

function configOf(s: SynthesizedGroup): ConfigDocument {
  return readConfigFiles(s.assetDir);
}

function apiDoc(config: ConfigDocument, name: string): ApiDocument {
  return config.apis.find(a => a.name === name)!;
}

describe('OpenAPI 3.0 in JSON (shop-openapi3.json)', () => {
  let imported: Api[];
  let s: SynthesizedGroup;
  let config: ConfigDocument;
  let proxy: LoadedProxy;

  beforeAll(() => {
    s = synthesizeGroup({ groupName: 'shop' }, (group, stack) => {
      const mobile = group.addApp('mobile');
      imported = group.importHuaweiDefinition(HuaweiDefinition.fromFile(path.join(FIXTURES, 'shop-openapi3.json')), {
        functions: shopFunctions(stack), vpcChannels: VPC_CHANNELS, apps: [mobile],
      });
    });
    config = configOf(s);
    proxy = s.load();
  });

  test('returns every API, in the document\'s order, with its method, path and name', () => {
    expect(imported.map(a => [a.method, a.path, a.apiName])).toEqual([
      ['GET', '/orders', 'list-orders'],
      ['POST', '/orders', 'create-order'],
      ['GET', '/orders/{id}', 'get-order'],
      ['GET', '/profile', 'get-profile'],
      ['ANY', '/files/{key+}', 'files'],
    ]);
    expect(s.group.apis).toEqual(imported);
  });

  test('x-apigateway-responses: the default response\'s rules and a custom response with its headers; x-apigateway-response selects it', () => {
    expect(s.group.gatewayResponses.map(r => r.responseName)).toEqual(['default', 'strict']);
    expect(config.responses.default.NOT_FOUND).toEqual({ status: 410, body: '{"gone":"$context.reqPath","rid":"$context.requestId"}', headers: {} });
    expect(config.responses.strict.REQUEST_PARAMETERS_FAILURE).toEqual({
      status: 422,
      body: '{"error":"$context.error.type","detail":"$context.error.message","api":"$context.apiName"}',
      headers: { 'X-Error-Code': '$context.error.code' },
    });
    expect(config.responses.strict.ACCESS_DENIED.status).toBe(451);
    expect(apiDoc(config, 'list-orders').response).toBe('strict');
    expect(apiDoc(config, 'get-profile').response).toBe('default');
  });

  test('parameters keep their constraints (integer as NUMBER; Huawei\'s minimum 0 on a string dropped)', () => {
    expect(apiDoc(config, 'list-orders').parameters).toEqual([
      { name: 'status', in: 'query', type: 'STRING', required: false, enumerations: ['open', 'shipped'] },
      { name: 'limit', in: 'query', type: 'NUMBER', required: true, minimum: 1, maximum: 100 },
      { name: 'X-Tenant', in: 'header', type: 'STRING', required: false, minLength: 3, maxLength: 8 },
    ]);
    expect(apiDoc(config, 'get-order').parameters).toEqual([{ name: 'id', in: 'path', type: 'NUMBER', required: true, minimum: 1 }]);
  });

  test('x-apigateway-backend: HTTP (address, scheme, path, method, timeout), HTTP-VPC through vpcChannels, FUNCTION through functions, MOCK', () => {
    expect(apiDoc(config, 'list-orders').backend).toEqual({ type: 'HTTP', url: 'https://orders.internal.example.com:8443/v2/orders', method: 'GET', timeoutMs: 3000 });
    expect(apiDoc(config, 'get-order').backend).toEqual({ type: 'HTTP', url: 'http://10.0.0.5:8080/orders/{id}', method: 'GET', timeoutMs: 2000 });
    expect(apiDoc(config, 'create-order').backend).toEqual({
      type: 'FUNCTION', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:create-order', timeoutMs: 4000,
    });
    expect(apiDoc(config, 'get-profile').backend).toEqual({ type: 'MOCK', statusCode: 200, body: '{"name":"alice"}', headers: {} });
    // method ANY: the request's own method.
    expect(apiDoc(config, 'files').backend).toEqual({ type: 'HTTP', url: 'https://files.example.com/store/{key}', timeoutMs: 5000 });
  });

  test('security: app (AppCode), IAM, a custom authorizer defined from x-apigateway-authorizer, and app + authorizer', () => {
    expect(apiDoc(config, 'list-orders').auth).toBeUndefined();
    expect(apiDoc(config, 'create-order').auth).toEqual({ type: 'APP', apps: ['mobile'] });
    expect(apiDoc(config, 'get-order').auth).toEqual({ type: 'IAM' });
    expect(apiDoc(config, 'get-profile').auth).toEqual({ type: 'CUSTOM', customAuthorizer: 'jwt_auth' });
    expect(apiDoc(config, 'files').auth).toEqual({ type: 'APP', apps: ['mobile'], customAuthorizer: 'jwt_auth' });
    expect(config.customAuthorizers!.jwt_auth).toEqual({
      name: 'jwt_auth', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:jwt-auth',
      identities: [{ in: 'header', name: 'Authorization', validation: '^Bearer .+$' }],
      ttlSeconds: 60, relaxed: true, timeoutMs: 3000,
    });
    // IAM methods are SigV4 operations of the REST API's OpenAPI document.
    const body = Object.values(s.template.Resources as Record<string, any>).find(r => r.Type === 'AWS::ApiGateway::RestApi').Properties.Body;
    const iamMethods = Object.values<any>(body.paths).flatMap(item => Object.values<any>(item))
      .filter(op => JSON.stringify(op.security ?? []) === JSON.stringify([{ sigv4: [] }]));
    expect(iamMethods).toHaveLength(1);
  });

  test('x-apigateway-ratelimit: 120 calls a minute is a rate of 2 per second on the API\'s method', () => {
    expect(imported[0].throttle).toEqual({ rateLimit: 2 });
    const stage = Object.values(s.template.Resources as Record<string, any>).find(r => r.Type === 'AWS::ApiGateway::Stage');
    expect(stage.Properties.MethodSettings).toEqual([expect.objectContaining({ ResourcePath: '/~1orders', HttpMethod: 'GET', ThrottlingRateLimit: 2 })]);
  });

  test('x-apigateway-access-control: the PERMIT list', () => {
    expect(apiDoc(config, 'list-orders').accessControl).toEqual({ action: 'ALLOW', cidrs: ['203.0.113.0/24', '2001:db8:cafe::/48'] });
  });

  test('at runtime: the parameters are validated and refusals rendered with the selected response', async () => {
    const call = (query: Record<string, string>, headers: Record<string, string> = {}, sourceIp = '203.0.113.5') =>
      // GET /orders has its own throttle, so API Gateway routes it through its own resource.
      proxy.invoke({ ...proxyEvent({ method: 'GET', path: '/orders', query, headers, sourceIp, requestId: 'rid-1' }), resource: '/orders' });
    const tooMany = await call({ limit: '500' });
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.headers!['X-Error-Code']).toBe('APIG.0201');
    expect(JSON.parse(tooMany.body)).toMatchObject({ error: 'REQUEST_PARAMETERS_FAILURE', api: 'list-orders', detail: expect.stringContaining('limit') });
    expect(JSON.parse((await call({ limit: '5', status: 'closed' })).body).detail).toContain('status');
    expect(JSON.parse((await call({ limit: '5' }, { 'X-Tenant': 'ab' })).body).detail).toContain('X-Tenant');
    const blocked = await call({ limit: '5' }, {}, '198.51.100.1');
    expect([blocked.statusCode, JSON.parse(blocked.body)]).toEqual([451, { blocked: '198.51.100.1' }]);
    const gone = await proxy.invoke(proxyEvent({ method: 'GET', path: '/nowhere', requestId: 'rid-2' }));
    expect([gone.statusCode, JSON.parse(gone.body)]).toEqual([410, { gone: '/nowhere', rid: 'rid-2' }]);
  });
});

describe('Swagger 2.0 in YAML (shop-swagger2.yaml)', () => {
  let s: SynthesizedGroup;
  let config: ConfigDocument;
  let group: ApiGroup;

  beforeAll(() => {
    s = synthesizeGroup({ groupName: 'shop2' }, g => {
      const mobile = g.addApp('mobile');
      g.importHuaweiDefinition(HuaweiDefinition.fromFile(path.join(FIXTURES, 'shop-swagger2.yaml')), { apps: [mobile] });
    });
    group = s.group;
    config = configOf(s);
  });

  test('securityDefinitions, parameters without schema and root-level x-apigateway-responses are read', () => {
    expect(group.gatewayResponses.map(r => r.responseName)).toEqual(['default', 'tour']);
    expect(config.responses.tour.AUTH_FAILURE).toEqual({ status: 403, body: '{"who":"$context.appName","rid":"$context.requestId"}', headers: {} });
    expect(apiDoc(config, 'get-item')).toMatchObject({
      method: 'GET', path: '/items/{sku}', response: 'tour', auth: { type: 'APP', apps: ['mobile'] },
      parameters: [
        { name: 'sku', in: 'path', type: 'STRING', required: true, minLength: 3, maxLength: 12 },
        { name: 'fields', in: 'query', type: 'STRING', required: false, enumerations: ['name', 'price'] },
      ],
      backend: { type: 'MOCK', statusCode: 200, body: '{"sku":"from-mock"}', headers: {} },
    });
    expect(apiDoc(config, 'delete-item')).toMatchObject({
      backend: { type: 'HTTP', url: 'http://items.example.com/items/{sku}', method: 'DELETE', timeoutMs: 5000 },
      accessControl: { action: 'DENY', cidrs: ['192.0.2.0/24'] },
    });
  });

  test('at runtime: the app API renders the tour response, validates its parameters, and the mock answers', async () => {
    const proxy = s.load();
    const api = group.apis.find(a => a.apiName === 'get-item')!;
    const refused = await proxy.invoke(proxyEvent({ path: '/items/abcd', requestId: 'rid-3' }));
    expect([refused.statusCode, JSON.parse(refused.body)]).toEqual([403, { who: '', rid: 'rid-3' }]);
    const verdict = { [VERDICT_KEYS.verdict]: 'ok', [VERDICT_KEYS.api]: api.apiId, appId: group.apps[0].appId, appName: 'mobile' };
    const short = await proxy.invoke(proxyEvent({ path: '/items/ab', authorizer: verdict }));
    expect(short.statusCode).toBe(400);
    const ok = await proxy.invoke(proxyEvent({ path: '/items/abcd', query: { fields: 'price' }, authorizer: verdict }));
    expect([ok.statusCode, ok.body]).toEqual([200, '{"sku":"from-mock"}']);
    // An API without authentication in a group with an authorizer has its own resource (it skips the authorizer).
    const denied = await proxy.invoke({
      ...proxyEvent({ method: 'DELETE', path: '/items/abcd', sourceIp: '192.0.2.7' }), resource: '/items/{sku}', pathParameters: { sku: 'abcd' },
    });
    expect(denied.statusCode).toBe(403);
  });
});
