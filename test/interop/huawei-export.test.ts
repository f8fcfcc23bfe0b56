/**
 * The Huawei document uses each `x-apigateway-*` extension in the shape Huawei's "API Design File
 * Extension Definitions" pages give (APIG user guide, apig_03_0084 and the pages it lists). Each
 * test restates that shape in a comment; where Huawei's pages are silent the comment says so.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  AccessControl, ApiAuth, ApiGroup, Backend, DefinitionFormat, HttpMethod, IdentitySource, ParameterType, RequestParameter, ResponseType,
} from '../../lib';

let doc: any;
let openapi: any;
const op = (path: string, method: string) => doc.paths[path][method];

beforeAll(() => {
  const stack = new Stack(new App(), 'Stack');
  const group = new ApiGroup(stack, 'Group', {
    groupName: 'shop', stageVariables: { region: 'eu-west-1' }, cors: { allowOrigins: ['https://shop.example.com'] },
    throttle: { rateLimit: 50, burstLimit: 20 }, accessControl: AccessControl.deny(['192.0.2.0/24']),
  });
  const strict = group.addGatewayResponse('strict', {
    rules: [{ type: ResponseType.THROTTLED, statusCode: 503, body: '{"busy":"$context.requestId"}', headers: { 'Retry-After': '5' } }],
  });
  const app = group.addApp('mobile');
  const fn = lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:eu-west-1:123456789012:function:orders');
  const authFn = new lambda.Function(stack, 'AuthFn', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
  const jwt = group.addCustomAuthorizer('jwt', {
    handler: authFn, identities: [IdentitySource.header('Authorization', { validation: '^Bearer .+$' })], cacheTtl: Duration.seconds(60),
    relaxed: true, timeout: Duration.seconds(2), userData: 'aud=shop',
  });
  group.addApi('ListOrders', {
    method: HttpMethod.GET, path: '/orders', apiName: 'list-orders', gatewayResponse: strict,
    backend: Backend.http('https://orders.example.com:8443/v2/orders', { timeout: Duration.seconds(3), method: HttpMethod.GET }),
    parameters: [
      RequestParameter.query('limit', { type: ParameterType.NUMBER, required: true, minimum: 1, maximum: 100 }),
      RequestParameter.header('X-Tenant', { minLength: 3, maxLength: 8, enumerations: ['acme', 'umbrella'] }),
    ],
    throttle: { rateLimit: 0.5, burstLimit: 2 },
    accessControl: AccessControl.allow(['203.0.113.0/24', '2001:db8::/32']),
  });
  group.addApi('GetOrder', { method: HttpMethod.GET, path: '/orders/{id}', backend: Backend.fn(fn), auth: ApiAuth.app({ apps: [app] }) });
  group.addApi('Reports', { method: HttpMethod.GET, path: '/reports', backend: Backend.fn(authFn), auth: ApiAuth.iam({ customAuthorizer: jwt }) });
  group.addApi('Files', {
    method: HttpMethod.ANY, path: '/files/{key+}', backend: Backend.mock({ statusCode: 202, body: 'queued', headers: { 'X-Mock': '1' } }),
    auth: ApiAuth.custom(jwt),
  });
  doc = JSON.parse(group.exportDefinition(DefinitionFormat.HUAWEI));
  openapi = JSON.parse(group.exportDefinition(DefinitionFormat.OPENAPI));
});

test('the document: OpenAPI 3.0, info.title the group name (Huawei\'s import names the group after it)', () => {
  expect(doc.openapi).toBe('3.0.1');
  expect(doc.info).toEqual({ title: 'shop', version: '1.0.0' });
  // operationId is the API name.
  expect(op('/orders', 'get').operationId).toBe('list-orders');
});

test('x-apigateway-request-type and x-apigateway-match-mode', () => {
  // request-type: a string on the operation, "public" or "private" (the API's visibility).
  // match-mode: a string on the operation, "NORMAL" (the whole path) or "SWA" (a prefix).
  expect(op('/orders', 'get')['x-apigateway-request-type']).toBe('public');
  expect(op('/orders', 'get')['x-apigateway-match-mode']).toBe('NORMAL');
});

test('x-apigateway-cors', () => {
  // A boolean on the operation: true lets browsers call the API cross-origin.
  expect(op('/orders', 'get')['x-apigateway-cors']).toBe(true);
});

test('x-apigateway-any-method', () => {
  // The path item holds the operation of an API answering every method under this key, beside get/post/...
  expect(Object.keys(doc.paths['/files/{key+}'])).toEqual(['x-apigateway-any-method']);
  expect(doc.paths['/files/{key+}']['x-apigateway-any-method'].operationId).toBe('Files');
});

test('parameters with their constraints', () => {
  // OpenAPI 3 parameter objects; the constraints (maxLength, maximum, minimum, enum) in the schema, type string or number.
  expect(op('/orders', 'get').parameters).toEqual([
    { name: 'limit', in: 'query', required: true, schema: { type: 'number', minimum: 1, maximum: 100 } },
    { name: 'X-Tenant', in: 'header', required: false, schema: { type: 'string', enum: ['acme', 'umbrella'], minLength: 3, maxLength: 8 } },
  ]);
  // Huawei declares every path parameter; one the API did not declare is marked for the library's own import.
  expect(op('/orders/{id}', 'get').parameters).toEqual([
    { 'name': 'id', 'in': 'path', 'required': true, 'schema': { type: 'string' }, 'x-cdk-api-groups': { implicit: true } },
  ]);
});

test('x-apigateway-backend with httpEndpoints and parameters', () => {
  // {type: HTTP, parameters: [{name, value, in, origin: REQUEST|CONSTANT}], httpEndpoints: {address "<host>:[port]", scheme http|https,
  // method (ANY allowed), path (path variables allowed), timeout ms 1-60000 (default 5000), retryCount (-1 to 10, a string)}}.
  expect(op('/orders', 'get')['x-apigateway-backend']).toEqual({
    type: 'HTTP',
    parameters: [
      { name: 'limit', value: 'limit', in: 'query', origin: 'REQUEST' },
      { name: 'X-Tenant', value: 'X-Tenant', in: 'header', origin: 'REQUEST' },
    ],
    httpEndpoints: { address: 'orders.example.com:8443', scheme: 'https', method: 'GET', path: '/v2/orders', timeout: 3000, retryCount: '0' },
  });
});

test('x-apigateway-backend with functionEndpoints', () => {
  // {type: FUNCTION, functionEndpoints: {function-urn, version, invocation-type (async or sync), timeout ms}}.
  expect(op('/orders/{id}', 'get')['x-apigateway-backend']).toEqual({
    type: 'FUNCTION',
    parameters: [{ name: 'id', value: 'id', in: 'path', origin: 'REQUEST' }],
    functionEndpoints: { 'function-urn': 'arn:aws:lambda:eu-west-1:123456789012:function:orders', 'version': 'latest', 'invocation-type': 'sync', 'timeout': 5000 },
  });
  // A function whose ARN is a deploy-time value is named by its construct path.
  expect(op('/reports', 'get')['x-apigateway-backend'].functionEndpoints['function-urn']).toBe('cdk-function:Stack/AuthFn');
});

test('x-apigateway-backend with mockEndpoints', () => {
  // {type: MOCK, mockEndpoints: {result-content}}: Huawei's mock has no status or headers; they ride the library's extension.
  const operation = doc.paths['/files/{key+}']['x-apigateway-any-method'];
  expect(operation['x-apigateway-backend'].mockEndpoints).toEqual({ 'result-content': 'queued' });
  expect(operation['x-cdk-api-groups'].mock).toEqual({ statusCode: 202, headers: { 'X-Mock': '1' } });
});

test('x-apigateway-auth-type and x-apigateway-auth-opt', () => {
  // Security schemes {type: apiKey, in: header, name, x-apigateway-auth-type: AppSigv1 (name Authorization) | IAM (name unused)};
  // simple authentication adds x-apigateway-auth-opt {appcode-auth-type: header}.
  expect(doc.components.securitySchemes['apig-auth-app-header']).toEqual({
    'type': 'apiKey', 'name': 'Authorization', 'in': 'header', 'x-apigateway-auth-type': 'AppSigv1', 'x-apigateway-auth-opt': { 'appcode-auth-type': 'header' },
  });
  expect(doc.components.securitySchemes['apig-auth-iam']).toEqual({ 'type': 'apiKey', 'name': 'unused', 'in': 'header', 'x-apigateway-auth-type': 'IAM' });
  expect(op('/orders/{id}', 'get').security).toEqual([{ 'apig-auth-app-header': [] }]);
  // Two-factor: both schemes in one requirement.
  expect(op('/reports', 'get').security).toEqual([{ 'apig-auth-iam': [], 'jwt': [] }]);
  expect(op('/orders', 'get').security).toBeUndefined();
});

test('x-apigateway-authorizer', () => {
  // On a security scheme: {auth_downgrade_enabled, authorizer_alias_uri, authorizer_type FUNC, authorizer_uri, authorizer_version,
  // identities [{location HEADER|QUERY, name, validation}], need_body, network_type V1|V2, retry_attempts, timeout, ttl, type FRONTEND|BACKEND}.
  // The scheme's auth type AUTHORIZER is not on Huawei's auth-type page (AppSigv1 and IAM); user_data is not on the authorizer page.
  expect(doc.components.securitySchemes.jwt).toEqual({
    'type': 'apiKey', 'name': 'unused', 'in': 'header', 'x-apigateway-auth-type': 'AUTHORIZER',
    'x-apigateway-authorizer': {
      auth_downgrade_enabled: true, authorizer_alias_uri: '', authorizer_type: 'FUNC', authorizer_uri: 'cdk-function:Stack/AuthFn',
      authorizer_version: 'latest', identities: [{ location: 'HEADER', name: 'Authorization', validation: '^Bearer .+$' }],
      need_body: false, network_type: 'V1', retry_attempts: 0, timeout: 2000, ttl: 60, type: 'FRONTEND',
    },
    'x-cdk-api-groups': { userData: 'aud=shop' },
  });
});

test('x-apigateway-response and x-apigateway-responses', () => {
  // x-apigateway-response: the operation's group response, by name.
  expect(op('/orders', 'get')['x-apigateway-response']).toBe('strict');
  expect(op('/orders/{id}', 'get')['x-apigateway-response']).toBe('default');
  // x-apigateway-responses (components in OpenAPI 3): name → type → {status, body: {application/json: template}}; an empty map keeps
  // every default. Huawei's page shows no headers: they are written as [{key, value}], the shape of its REST API's rule headers.
  expect(doc.components['x-apigateway-responses']).toEqual({
    default: {},
    strict: { THROTTLED: { status: 503, body: { 'application/json': '{"busy":"$context.requestId"}' }, headers: [{ key: 'Retry-After', value: '5' }] } },
  });
});

test('x-apigateway-ratelimit and x-apigateway-ratelimits', () => {
  // ratelimit: the policy's name on the operation. ratelimits (document root): name → {api-limit, user-limit, app-limit, ip-limit,
  // interval, unit SECOND|MINUTE|HOUR|DAY, shared, special[{type, limit, instance}]}. 0.5 per second is 1 per 2 seconds.
  expect(op('/orders', 'get')['x-apigateway-ratelimit']).toBe('api_throttle_1');
  expect(doc['x-apigateway-ratelimits']).toEqual({ api_throttle_1: { 'api-limit': 1, 'interval': 2, 'unit': 'SECOND', 'shared': false } });
  expect(op('/orders', 'get')['x-cdk-api-groups'].throttleBurst).toBe(2);
});

test('x-apigateway-access-control and x-apigateway-access-controls', () => {
  // access-control: the policy's name on the operation. access-controls (document root): name → {acl-type PERMIT|DENY,
  // entity-type IP (the only one), value: comma-separated}.
  expect(op('/orders', 'get')['x-apigateway-access-control']).toBe('api_acl_1');
  expect(doc['x-apigateway-access-controls']).toEqual({
    api_acl_1: { 'acl-type': 'PERMIT', 'entity-type': 'IP', 'value': '203.0.113.0/24,2001:db8::/32' },
    group_acl: { 'acl-type': 'DENY', 'entity-type': 'IP', 'value': '192.0.2.0/24' },
  });
});

test('what Huawei cannot express rides x-cdk-api-groups: stage variables, CORS, the stage throttle, the group\'s IP rule, apps, ids', () => {
  expect(doc['x-cdk-api-groups']).toEqual({
    version: 1, stage: 'RELEASE', stageVariables: { region: 'eu-west-1' }, cors: { allowOrigins: ['https://shop.example.com'] },
    throttle: { rateLimit: 50, burstLimit: 20 }, accessControl: 'group_acl',
  });
  expect(op('/orders/{id}', 'get')['x-cdk-api-groups']).toEqual({ id: 'GetOrder', apps: ['mobile'] });
});

describe('the OpenAPI document for consumers', () => {
  test('security schemes: the AppCode header, SigV4, and the custom authorizer\'s identity source', () => {
    expect(openapi.components.securitySchemes).toEqual({
      'AppCode': { type: 'apiKey', in: 'header', name: 'X-Apig-AppCode', description: expect.any(String) },
      'SigV4': { type: 'apiKey', in: 'header', name: 'Authorization', description: expect.stringContaining('Signature Version 4') },
      'jwt-header-Authorization': { type: 'apiKey', in: 'header', name: 'Authorization', description: expect.stringContaining('^Bearer .+$') },
    });
    expect(openapi.paths['/reports'].get.security).toEqual([{ 'SigV4': [], 'jwt-header-Authorization': [] }]);
  });

  test('the greedy path is a plain parameter, and ANY is every method', () => {
    expect(Object.keys(openapi.paths['/files/{key}'])).toEqual(['get', 'post', 'put', 'delete', 'patch', 'head', 'options']);
  });

  /** `value` with its `$ref`s (to the document's components) replaced by what they point at. */
  const deref = (value: any): any => {
    if (Array.isArray(value)) { return value.map(deref); }
    if (value === null || typeof value !== 'object') { return value; }
    if (typeof value.$ref === 'string') {
      return deref(value.$ref.slice(2).split('/').reduce((at: any, key: string) => at[key], openapi));
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deref(v)]));
  };

  test('every gateway error the operation can answer, with the body its rule renders and that body\'s schema', () => {
    const responses = deref(openapi.paths['/orders'].get.responses);
    expect(Object.keys(responses).sort()).toEqual(['400', '403', '4XX', '502', '503', '504', '5XX', 'default']);
    expect(responses['503'].description).toContain('THROTTLED');
    expect(responses['503'].headers).toEqual({ 'X-Request-Id': { schema: { type: 'string' } }, 'Retry-After': { schema: { type: 'string' } } });
    expect(responses['503'].content['application/json']).toEqual({
      schema: { type: 'object', properties: { busy: { type: 'string' } }, required: ['busy'] },
      examples: { THROTTLED: { summary: 'THROTTLED', value: { busy: 'example-request-id' } } },
    });
    expect(responses['403'].content['application/json'].examples.ACCESS_DENIED.value).toEqual({
      error_code: 'APIG.0306', error_msg: 'API access denied.', request_id: 'example-request-id',
    });
    const app = deref(openapi.paths['/orders/{id}'].get.responses);
    expect(app['401'].description).toMatch(/AUTH_FAILURE, AUTH_HEADER_MISSING, UNAUTHORIZED/);
  });

  test('each distinct gateway error is written once, in components, and operations refer to it', () => {
    // why: repeating every error body per operation made the 1000-API group's document 10.8 MB (issue 8)
    const refs = Object.values(openapi.paths).flatMap((item: any) => Object.values(item))
      .flatMap((op: any) => Object.entries(op.responses).filter(([status]) => status !== 'default').map(([, r]) => r as any));
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.every(r => Object.keys(r).join() === '$ref' && r.$ref.startsWith('#/components/responses/'))).toBe(true);
    const stored = Object.values(openapi.components.responses).map(r => JSON.stringify(r));
    expect(new Set(stored).size).toBe(stored.length);
    expect(new Set(refs.map(r => r.$ref)).size).toBe(stored.length);
  });
});
