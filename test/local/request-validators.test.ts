/**
 * Request validators through `cdk-api-groups local` over HTTP (lib/local/request-validation.ts): a
 * REST API's OpenAPI Body declaring `x-amazon-apigateway-request-validators`, a document-wide default
 * and a per-operation `x-amazon-apigateway-request-validator`, with the operation's required
 * `parameters`; and an aws-cdk-lib RestApi method with a RequestValidator. A request missing a required
 * query string or header gets BAD_REQUEST_PARAMETERS (400, AWS's message) through the REST API's
 * gateway responses, and never reaches the backend.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { send } from '../support/http-client';
import { echoServer, TestServer } from '../support/http-servers';
import { serveAssembly, ServedAssembly } from '../support/served-assembly';

const work = path.join(__dirname, '..', '.work', `local-validators-${process.pid}`);

let served: ServedAssembly;
let echo: TestServer;

beforeAll(async () => {
  echo = await echoServer();
  const app = new App({ outdir: path.join(work, 'cdk.out') });
  const stack = new Stack(app, 'Validators');
  const integration = { type: 'http_proxy', httpMethod: 'ANY', uri: `${echo.url}/`, passthroughBehavior: 'when_no_match' };
  const required = [{ name: 'name', in: 'query', required: true }, { name: 'X-Tenant', in: 'header', required: true }, { name: 'page', in: 'query', required: false }];
  new apigw.SpecRestApi(stack, 'Direct', {
    deployOptions: { stageName: 'RELEASE' },
    apiDefinition: apigw.ApiDefinition.fromInline({
      'openapi': '3.0.1',
      'info': { title: 'validators', version: '1' },
      'x-amazon-apigateway-request-validators': {
        params: { validateRequestParameters: true, validateRequestBody: false },
        none: { validateRequestParameters: false, validateRequestBody: false },
      },
      'x-amazon-apigateway-request-validator': 'params',
      'x-amazon-apigateway-gateway-responses': {
        DEFAULT_4XX: { responseTemplates: { 'application/json': '{"custom":$context.error.messageString,"type":"$context.error.responseType"}' } },
      },
      'paths': {
        '/named': { get: { 'parameters': required, 'x-amazon-apigateway-request-validator': 'params', 'x-amazon-apigateway-integration': integration } },
        '/defaulted': { get: { 'parameters': required, 'x-amazon-apigateway-integration': integration } },
        '/unchecked': { get: { 'parameters': required, 'x-amazon-apigateway-request-validator': 'none', 'x-amazon-apigateway-integration': integration } },
      },
    }),
  });
  const api = new apigw.RestApi(stack, 'Cfn', { deployOptions: { stageName: 'RELEASE' } });
  api.root.addResource('items').addMethod('GET', new apigw.HttpIntegration(`${echo.url}/`, { proxy: true }), {
    requestParameters: { 'method.request.querystring.q': true, 'method.request.header.X-Key': true, 'method.request.querystring.opt': false },
    requestValidatorOptions: { validateRequestParameters: true },
  });
  served = await serveAssembly(app, work);
}, 120_000);

afterAll(async () => {
  await served?.close();
});

test('a missing required header or query string: 400 BAD_REQUEST_PARAMETERS with AWS\'s message, the backend not called', async () => {
  for (const route of ['/named', '/defaulted']) {
    const before = echo.requests.length;
    const none = await send(served.base, 'GET', route);
    expect(none.status).toBe(400);
    // Headers first, then query strings, as AWS orders them.
    expect(none.json).toEqual({ custom: 'Missing required request parameters: [X-Tenant, name]', type: 'BAD_REQUEST_PARAMETERS' });
    expect(none.headers['x-amzn-errortype']).toBe('BadRequestException');
    const noHeader = await send(served.base, 'GET', `${route}?name=a`);
    expect(noHeader.json.custom).toBe('Missing required request parameters: [X-Tenant]');
    // A header in another case is the same header; an empty value is present.
    const noQuery = await send(served.base, 'GET', `${route}?other=1`, { headers: { 'x-tenant': 't1' } });
    expect(noQuery.json.custom).toBe('Missing required request parameters: [name]');
    expect(echo.requests.length).toBe(before);
    const ok = await send(served.base, 'GET', `${route}?name=&name=b`, { headers: { 'x-tenant': 't1' } });
    expect(ok.status).toBe(200);
    expect(echo.requests.length).toBe(before + 1);
  }
});

test('a validator that does not validate parameters lets the request through', async () => {
  expect((await send(served.base, 'GET', '/unchecked')).status).toBe(200);
});

test('an aws-cdk RestApi method with a RequestValidator: the same check on CloudFormation methods', async () => {
  const cfn = served.gateway.groups.find(g => g.name === 'Cfn')!.url.replace(/\/$/, '');
  const missing = await send(cfn, 'GET', '/items');
  expect(missing.status).toBe(400);
  expect(missing.json).toEqual({ message: 'Missing required request parameters: [X-Key, q]' });
  const ok = await send(cfn, 'GET', '/items?q=1', { headers: { 'X-Key': 'k' } });
  expect(ok.status).toBe(200);
  expect(ok.json.query).toBe('q=1');
});
