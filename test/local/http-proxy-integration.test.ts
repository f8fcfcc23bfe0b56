/**
 * HTTP_PROXY integrations through `cdk-api-groups local` over HTTP (lib/local/http-proxy.ts): a plain
 * aws-cdk-lib SpecRestApi whose hand-written OpenAPI Body integrates 127.0.0.1 backends directly, as a
 * group's direct APIs do. Each test asserts what the backend received (path, query, headers, body
 * bytes) and what the caller got, including API Gateway's own answers rendered from the REST API's
 * customised gateway responses, and a REQUEST authorizer whose verdicts and context reach the backend.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Aws, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { send } from '../support/http-client';
import { BINARY_BYTES, binaryServer, closedPort, EchoBody, echoServer, slowServer, statusServer, TestServer } from '../support/http-servers';
import { serveAssembly, ServedAssembly } from '../support/served-assembly';

const work = path.join(__dirname, '..', '.work', `local-http-proxy-${process.pid}`);

const AUTHORIZER = `
exports.handler = async (event) => {
  const verdict = event.headers['x-verdict'];
  if (verdict === 'unauthorized') { throw new Error('Unauthorized'); }
  if (verdict === 'crash') { throw new Error('boom'); }
  return {
    principalId: 'alice',
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: verdict === 'deny' ? 'Deny' : 'Allow', Resource: event.methodArn }] },
    context: { user: verdict === 'inject' ? 'mallory\\r\\nX-Injected: yes' : 'alice' },
  };
};
`;

let served: ServedAssembly;
let echo: TestServer;
let statuses: TestServer;
let binary: TestServer;

function httpProxy(uri: string, requestParameters: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return { type: 'http_proxy', httpMethod: 'ANY', uri, requestParameters, passthroughBehavior: 'when_no_match', timeoutInMillis: 5000, ...extra };
}

beforeAll(async () => {
  echo = await echoServer();
  statuses = await statusServer();
  binary = await binaryServer();
  const slow = await slowServer(3000);
  const down = await closedPort();
  fs.mkdirSync(path.join(work, 'auth'), { recursive: true });
  fs.writeFileSync(path.join(work, 'auth', 'index.js'), AUTHORIZER);

  const app = new App({ outdir: path.join(work, 'cdk.out'), context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'Direct');
  const auth = new lambda.Function(stack, 'Verdict', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(path.join(work, 'auth')) });
  const customised = (type: string) => ({ 'application/json': `{"custom":$context.error.messageString,"type":"${type}"}` });
  new apigw.SpecRestApi(stack, 'Api', {
    deployOptions: { stageName: 'RELEASE', variables: { echoPort: String(echo.port) } },
    apiDefinition: apigw.ApiDefinition.fromInline({
      'openapi': '3.0.1',
      'info': { title: 'direct', version: '1' },
      'x-amazon-apigateway-binary-media-types': ['*/*'],
      'components': {
        securitySchemes: {
          verdict: {
            'type': 'apiKey', 'name': 'Unused', 'in': 'header', 'x-amazon-apigateway-authtype': 'custom',
            'x-amazon-apigateway-authorizer': {
              type: 'request', identitySource: '', authorizerResultTtlInSeconds: 0,
              authorizerUri: `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}:lambda:path/2015-03-31/functions/${auth.functionArn}/invocations`,
            },
          },
        },
      },
      'x-amazon-apigateway-gateway-responses': {
        DEFAULT_4XX: { responseTemplates: customised('$context.error.responseType') },
        DEFAULT_5XX: { responseTemplates: customised('$context.error.responseType') },
        ACCESS_DENIED: { statusCode: 403, responseTemplates: { 'application/json': '{"denied":$context.error.messageString,"who":"$context.authorizer.principalId"}' } },
        UNAUTHORIZED: { statusCode: 401, responseTemplates: { 'application/json': '{"unauthorized":$context.error.messageString}' } },
      },
      'paths': {
        '/items/{id}': {
          get: {
            'parameters': [{ name: 'id', in: 'path', required: true }],
            'x-amazon-apigateway-integration': httpProxy(`${echo.url}/items/{id}?fixed=1`, {
              'integration.request.path.id': 'method.request.path.id',
              'integration.request.header.X-Request-Id': 'context.requestId',
              'integration.request.header.X-Apig-AppCode': '\'-\'',
              'integration.request.querystring.fixed': '\'2\'',
              'integration.request.querystring.mapped': 'method.request.querystring.q',
              'integration.request.querystring.absent': 'method.request.header.Not-Sent',
            }, { httpMethod: 'GET' }),
          },
        },
        '/users/{id}': {
          'x-amazon-apigateway-any-method': {
            'security': [{ verdict: [] }],
            'x-amazon-apigateway-integration': httpProxy(`${echo.url}/users/{id}`, {
              'integration.request.path.id': 'method.request.path.id',
              'integration.request.header.X-User': 'context.authorizer.user',
              'integration.request.header.X-Source-Ip': 'context.identity.sourceIp',
            }),
          },
        },
        '/files/{proxy+}': {
          'x-amazon-apigateway-any-method': {
            'x-amazon-apigateway-integration': httpProxy(`${echo.url}/files/{proxy}`, { 'integration.request.path.proxy': 'method.request.path.proxy' }),
          },
        },
        '/staged': { get: { 'x-amazon-apigateway-integration': httpProxy('http://127.0.0.1:${stageVariables.echoPort}/staged') } },
        '/status/{code}': { get: { 'x-amazon-apigateway-integration': httpProxy(`${statuses.url}/{code}`, { 'integration.request.path.code': 'method.request.path.code' }) } },
        '/binary': { post: { 'x-amazon-apigateway-integration': httpProxy(`${binary.url}/`) } },
        '/slow': { get: { 'x-amazon-apigateway-integration': httpProxy(`${slow.url}/`, {}, { timeoutInMillis: 300 }) } },
        '/down': { get: { 'x-amazon-apigateway-integration': httpProxy(`http://127.0.0.1:${down}/`) } },
      },
    }),
  });
  served = await serveAssembly(app, work);
}, 120_000);

afterAll(async () => {
  await served?.close();
});

function received(): EchoBody & { headers: Record<string, string> } {
  const last = echo.requests[echo.requests.length - 1];
  const url = last.url;
  const q = url.indexOf('?');
  return { method: last.method, url, path: q < 0 ? url : url.slice(0, q), query: q < 0 ? '' : url.slice(q + 1), headers: last.headers as Record<string, string>, bodyBase64: last.body.toString('base64'), bodyText: last.body.toString('utf8') };
}

test('the backend gets the URL\'s path and query, the caller\'s query, then the mapped query strings; mapped headers replace the caller\'s', async () => {
  const a = await send(served.base, 'GET', '/items/42?q=x%26y%3D1&q=second', {
    headers: { 'X-Apig-AppCode': 'forged', 'X-Request-Id': 'forged-id', 'X-Custom': 'kept' },
  });
  expect(a.status).toBe(200);
  const r = received();
  // URL query first, the caller's as sent, then the mappings (an empty one sends nothing).
  expect(r.url).toBe('/items/42?fixed=1&q=x%26y%3D1&q=second&fixed=2&mapped=second');
  expect(r.method).toBe('GET');
  expect(r.headers['x-apig-appcode']).toBe('-');
  expect(r.headers['x-request-id']).toBe(a.headers['x-amzn-requestid']);
  expect(r.headers['x-custom']).toBe('kept');
  // Defaults API Gateway sets when the caller sent none; the Host is the backend's.
  expect(r.headers.accept).toBe('application/json');
  expect(r.headers['user-agent']).toMatch(/^AmazonAPIGateway_[a-z0-9]+$/);
  expect(r.headers['x-amzn-apigateway-api-id']).toBe(served.gateway.groups[0].restApiId);
  expect(r.headers.host).toBe(`127.0.0.1:${echo.port}`);
  // The answer is the backend's, its own framing headers remapped, API Gateway's request id added.
  expect(a.headers['x-backend']).toBe('echo');
  expect(a.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(a.headers['x-amzn-remapped-date']).toBeDefined();
  expect(a.headers['x-amzn-remapped-connection']).toBeDefined();
  expect(a.headers['transfer-encoding']).toBeUndefined();
  expect(a.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
});

test('hostile path parameters: an encoded slash stays encoded, dot segments cannot climb out of the URL\'s path', async () => {
  await send(served.base, 'GET', '/items/a%2Fb');
  expect(received().path).toBe('/items/a%2Fb');
  await send(served.base, 'GET', '/items/..');
  expect(received().path).toBe('/items/%2E%2E');
  await send(served.base, 'GET', '/items/%2E%2E');
  expect(received().path).toBe('/items/%2E%2E');
  // A greedy parameter keeps its slashes; its dot segments are encoded too.
  await send(served.base, 'DELETE', '/files/a/b%2Fc/../d');
  const r = received();
  expect(r.method).toBe('DELETE');
  expect(r.path).toBe('/files/a/b%2Fc/%2E%2E/d');
});

test('stage variables fill the URL; bytes pass through unchanged both ways', async () => {
  const staged = await send(served.base, 'GET', '/staged');
  expect(staged.status).toBe(200);
  expect(received().path).toBe('/staged');

  const a = await send(served.base, 'POST', '/binary', { headers: { 'Content-Type': 'application/octet-stream' }, body: BINARY_BYTES });
  expect(a.status).toBe(200);
  expect(a.body.equals(BINARY_BYTES)).toBe(true);
  expect(binary.requests[binary.requests.length - 1].body.equals(BINARY_BYTES)).toBe(true);
});

test('the backend\'s status, headers and cookies reach the caller as they are', async () => {
  const a = await send(served.base, 'GET', '/status/404');
  expect(a.status).toBe(404);
  expect(a.json).toEqual({ backendStatus: 404, message: 'backend says 404' });
  expect(a.headers['x-backend-status']).toBe('404');
  expect(a.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
});

test('a backend past the timeout: INTEGRATION_TIMEOUT 504; an unreachable one: 500 Internal server error (API_CONFIGURATION_ERROR), both with the REST API\'s responses', async () => {
  const slow = await send(served.base, 'GET', '/slow');
  expect(slow.status).toBe(504);
  expect(slow.json).toEqual({ custom: 'Endpoint request timed out', type: 'INTEGRATION_TIMEOUT' });
  const down = await send(served.base, 'GET', '/down');
  expect(down.status).toBe(500);
  expect(down.json).toEqual({ custom: 'Internal server error', type: 'API_CONFIGURATION_ERROR' });
});

test('a REQUEST authorizer: its context and the caller\'s IP reach the backend through mapped headers; no header can be injected', async () => {
  const allowed = await send(served.base, 'PUT', '/users/7', { headers: { 'x-verdict': 'allow', 'X-User': 'forged' }, body: 'payload' });
  expect(allowed.status).toBe(200);
  let r = received();
  expect(r.method).toBe('PUT');
  expect(r.path).toBe('/users/7');
  expect(r.headers['x-user']).toBe('alice');
  expect(r.headers['x-source-ip']).toBe('127.0.0.1');
  expect(r.bodyText).toBe('payload');

  await send(served.base, 'GET', '/users/7', { headers: { 'x-verdict': 'inject' } });
  r = received();
  expect(r.headers['x-user']).toBe('malloryX-Injected: yes');
  expect(r.headers['x-injected']).toBeUndefined();
});

test('authorizer verdicts become API Gateway\'s answers, customised: explicit Deny 403, Unauthorized 401, a failing function 500', async () => {
  const before = echo.requests.length;
  const denied = await send(served.base, 'GET', '/users/7', { headers: { 'x-verdict': 'deny' } });
  expect(denied.status).toBe(403);
  expect(denied.json).toEqual({ denied: 'User is not authorized to access this resource with an explicit deny', who: 'alice' });
  expect(denied.headers['x-amzn-errortype']).toBe('AccessDeniedException');
  const unauthorized = await send(served.base, 'GET', '/users/7', { headers: { 'x-verdict': 'unauthorized' } });
  expect(unauthorized.status).toBe(401);
  expect(unauthorized.json).toEqual({ unauthorized: 'Unauthorized' });
  // A function error is AUTHORIZER_CONFIGURATION_ERROR on AWS (500, message null), answered through DEFAULT_5XX here.
  const failed = await send(served.base, 'GET', '/users/7', { headers: { 'x-verdict': 'crash' } });
  expect(failed.status).toBe(500);
  expect(failed.json).toEqual({ custom: null, type: 'AUTHORIZER_CONFIGURATION_ERROR' });
  expect(failed.headers['x-amzn-errortype']).toBe('AuthorizerConfigurationException');
  expect(echo.requests.length).toBe(before);
});
