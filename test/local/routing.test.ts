/**
 * Resource matching as API Gateway does it (lib/local/router.ts) over a REST API model read from
 * a template (lib/local/rest-api.ts): literal before {var} before {var+}, method then ANY.
 */
import { CfnResolver, CfnTemplate } from '../../lib/local/cfn';
import { readRestApi, RestApiModel } from '../../lib/local/rest-api';
import { route } from '../../lib/local/router';

const API = { Ref: 'Api' };
function resource(parent: unknown, part: string) {
  return { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: API, ParentId: parent, PathPart: part } };
}
function method(resourceId: unknown, httpMethod: string, extra: Record<string, unknown> = {}) {
  return {
    Type: 'AWS::ApiGateway::Method',
    Properties: {
      RestApiId: API, ResourceId: resourceId, HttpMethod: httpMethod, AuthorizationType: 'NONE',
      Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: { 'Fn::Join': ['', ['arn:aws:apigateway:', { Ref: 'AWS::Region' }, ':lambda:path/2015-03-31/functions/', { 'Fn::GetAtt': ['Fn', 'Arn'] }, '/invocations']] } },
      ...extra,
    },
  };
}

const ROOT = { 'Fn::GetAtt': ['Api', 'RootResourceId'] };
const TEMPLATE: CfnTemplate = {
  Resources: {
    Fn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs24.x', Handler: 'index.handler' } },
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'shop', BinaryMediaTypes: ['*/*'] } },
    Users: resource(ROOT, 'users'),
    UsersMe: resource({ Ref: 'Users' }, 'me'),
    UserId: resource({ Ref: 'Users' }, '{id}'),
    UserIdOrders: resource({ Ref: 'UserId' }, 'orders'),
    Files: resource(ROOT, 'files'),
    FilesKey: resource({ Ref: 'Files' }, '{key+}'),
    Proxy: resource(ROOT, '{proxy+}'),
    UsersMeDelete: method({ Ref: 'UsersMe' }, 'DELETE'),
    UserIdGet: method({ Ref: 'UserId' }, 'GET', { AuthorizationType: 'AWS_IAM' }),
    UserIdOrdersAny: method({ Ref: 'UserIdOrders' }, 'ANY'),
    FilesKeyGet: method({ Ref: 'FilesKey' }, 'GET'),
    ProxyAny: method({ Ref: 'Proxy' }, 'ANY'),
    RootAny: method(ROOT, 'ANY'),
    Stage: {
      Type: 'AWS::ApiGateway::Stage',
      Properties: { RestApiId: API, StageName: 'RELEASE', Variables: { fn: { 'Fn::GetAtt': ['Fn', 'Arn'] } },
        MethodSettings: [{ ResourcePath: '/~1users~1{id}', HttpMethod: 'GET', ThrottlingRateLimit: 5, ThrottlingBurstLimit: 2 }] },
    },
  },
};

let model: RestApiModel;
beforeAll(() => {
  const resolver = new CfnResolver(TEMPLATE, { region: 'eu-west-1', account: '111122223333', stackName: 'Shop' });
  model = readRestApi(TEMPLATE, resolver, 'Api', { stageName: 'RELEASE', seed: 'Shop' });
});

test('the model: tree paths, integrations, stage variables and method settings', () => {
  // What the gateway serves comes from the template alone.
  expect(model.resources.map(r => r.path).sort()).toEqual(['/', '/files', '/files/{key+}', '/users', '/users/me', '/users/{id}', '/users/{id}/orders', '/{proxy+}']);
  expect(model.root.methods.get('ANY')?.integration).toEqual({ type: 'AWS_PROXY', functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:Fn', timeoutMs: 29000 });
  expect(model.stage).toMatchObject({ name: 'RELEASE', variables: { fn: 'arn:aws:lambda:eu-west-1:111122223333:function:Fn' } });
  expect(model.stage.methodSettings).toEqual([{ resourcePath: '/users/{id}', httpMethod: 'GET', rateLimit: 5, burstLimit: 2 }]);
  expect(model.binaryMediaTypes).toEqual(['*/*']);
  expect(model.id).toMatch(/^[a-z0-9]{10}$/);
});

test.each([
  ['GET', '/', '/', null],
  ['GET', '/users/42', '/users/{id}', { id: '42' }],
  ['GET', '/users/42/', '/users/{id}', { id: '42' }],
  ['DELETE', '/users/me', '/users/me', null],
  ['POST', '/users/7/orders', '/users/{id}/orders', { id: '7' }],
  // Values keep the client's percent-encoding, as API Gateway sends them.
  ['GET', '/files/a/b%20c.txt', '/files/{key+}', { key: 'a/b%20c.txt' }],
  ['GET', '/users/42/orders/9', '/{proxy+}', { proxy: 'users/42/orders/9' }],
  ['GET', '/Users/42', '/{proxy+}', { proxy: 'Users/42' }],
])('%s %s → %s', (httpMethod, path, resourcePath, params) => {
  // Literal first, then {var}, then the greedy variable; backtracking when a branch dead-ends; case-sensitive.
  const match = route(model.root, httpMethod, path);
  expect(match?.resource.path).toBe(resourcePath);
  expect(match?.pathParameters).toEqual(params);
});

test('the method, else ANY; a resource without either has no method (MISSING_AUTHENTICATION_TOKEN)', () => {
  // API Gateway does not retry a less specific resource for the method.
  expect(route(model.root, 'GET', '/users/42')?.method?.authorizationType).toBe('AWS_IAM');
  expect(route(model.root, 'PATCH', '/users/7/orders')?.method?.httpMethod).toBe('ANY');
  const me = route(model.root, 'GET', '/users/me');
  expect(me?.resource.path).toBe('/users/me');
  expect(me?.method).toBeUndefined();
  expect(route(model.root, 'POST', '/users')?.method).toBeUndefined();
});
