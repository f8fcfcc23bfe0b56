/**
 * MOCK integrations through `cdk-api-groups local` over HTTP (lib/local/preflight.ts, lib/local/vtl.ts):
 * the shape a direct mock API uses in a REST API's OpenAPI Body (request template giving the status,
 * a default integration response whose template sets headers through `$context.responseOverride`
 * and writes a base64-decoded body), and aws-cdk-lib MockIntegration methods choosing an integration
 * response by selection pattern. API Gateway's own answers (no template for the content type, a
 * status no response selects) come from the REST API's gateway responses.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { send } from '../support/http-client';
import { serveAssembly, ServedAssembly } from '../support/served-assembly';

const work = path.join(__dirname, '..', '.work', `local-mock-${process.pid}`);

// Text a template must not interpret: VTL syntax, quotes, a backslash, non-ASCII, newlines.
const MOCK_BODY = '{"msg": "héllo \\"quoted\\" $context.requestId #if($x) #set($a = 1) \\\\ 日本"}\nline two\n';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function directMock(status: number, body: string, contentType: string) {
  const template = '#set($context.responseOverride.header.X-Request-Id = $context.requestId)'
    + `#set($context.responseOverride.header.Content-Type = $util.base64Decode("${b64(contentType)}"))`
    + `$util.base64Decode("${b64(body)}")`;
  return {
    'responses': { [String(status)]: { description: 'mock' } },
    'x-amazon-apigateway-integration': {
      type: 'mock',
      contentHandling: 'CONVERT_TO_TEXT',
      requestTemplates: { 'application/json': `{"statusCode": ${status}}` },
      responses: { default: { statusCode: String(status), contentHandling: 'CONVERT_TO_TEXT', responseTemplates: { 'application/json': template } } },
    },
  };
}

let served: ServedAssembly;

beforeAll(async () => {
  const app = new App({ outdir: path.join(work, 'cdk.out') });
  const stack = new Stack(app, 'Mocks');
  new apigw.SpecRestApi(stack, 'Direct', {
    deployOptions: { stageName: 'RELEASE' },
    apiDefinition: apigw.ApiDefinition.fromInline({
      'openapi': '3.0.1',
      'info': { title: 'mocks', version: '1' },
      'x-amazon-apigateway-binary-media-types': ['*/*'],
      'x-amazon-apigateway-gateway-responses': {
        DEFAULT_4XX: { responseTemplates: { 'application/json': '{"custom":$context.error.messageString,"type":"$context.error.responseType"}' } },
        DEFAULT_5XX: { responseTemplates: { 'application/json': '{"custom":$context.error.messageString,"type":"$context.error.responseType"}' } },
      },
      'paths': {
        '/mock': { get: directMock(201, MOCK_BODY, 'text/plain; charset=utf-8'), post: directMock(201, MOCK_BODY, 'text/plain; charset=utf-8') },
        '/strict': {
          post: {
            'x-amazon-apigateway-integration': {
              type: 'mock', passthroughBehavior: 'never', requestTemplates: { 'application/json': '{"statusCode": 200}' },
              responses: { default: { statusCode: '200' } },
            },
          },
        },
      },
    }),
  });
  const api = new apigw.RestApi(stack, 'Cfn', { deployOptions: { stageName: 'RELEASE' } });
  api.root.addResource('selected').addMethod('GET', new apigw.MockIntegration({
    requestTemplates: { 'application/json': '{ statusCode: 404 }' },
    integrationResponses: [
      { statusCode: '200' },
      {
        statusCode: '404', selectionPattern: '4\\d{2}',
        responseParameters: { 'method.response.header.X-Stage': 'context.stage' },
        responseTemplates: { 'application/json': '#if($input.params("lang") == "fr")introuvable#{else}not found#end' },
      },
    ],
  }), { methodResponses: [{ statusCode: '200' }, { statusCode: '404', responseParameters: { 'method.response.header.X-Stage': true } }] });
  api.root.addResource('unselected').addMethod('GET', new apigw.MockIntegration({
    requestTemplates: { 'application/json': '{"statusCode": 500}' },
    integrationResponses: [{ statusCode: '200', selectionPattern: '2\\d{2}' }],
  }), { methodResponses: [{ statusCode: '200' }] });
  served = await serveAssembly(app, work);
}, 120_000);

afterAll(async () => {
  await served?.close();
});

test('a direct mock: the request template\'s status, headers set by the response template, the base64 body byte for byte', async () => {
  const a = await send(served.base, 'GET', '/mock');
  expect(a.status).toBe(201);
  expect(a.text).toBe(MOCK_BODY);
  expect(a.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(a.headers['x-request-id']).toBe(a.headers['x-amzn-requestid']);
  expect(a.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  // Answered by API Gateway alone: no function was started.
  expect(served.gateway.startedFunctions()).toEqual([]);
  // Each request gets its own id.
  const b = await send(served.base, 'POST', '/mock', { headers: { 'Content-Type': 'application/json' }, body: '{"anything": true}' });
  expect(b.status).toBe(201);
  expect(b.headers['x-request-id']).not.toBe(a.headers['x-request-id']);
});

test('no request template for the content type: passed through, no statusCode in it → 500; NEVER → 415', async () => {
  const passed = await send(served.base, 'POST', '/mock', { headers: { 'Content-Type': 'text/plain' }, body: 'not json' });
  expect(passed.status).toBe(500);
  expect(passed.json).toEqual({ custom: 'Internal server error', type: 'DEFAULT_5XX' });
  const strict = await send(served.base, 'POST', '/strict', { headers: { 'Content-Type': 'text/plain' }, body: 'x' });
  expect(strict.status).toBe(415);
  expect(strict.json).toEqual({ custom: 'Unsupported Media Type', type: 'UNSUPPORTED_MEDIA_TYPE' });
  expect((await send(served.base, 'POST', '/strict', { headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(200);
});

test('aws-cdk MockIntegration: the selection pattern picks the response; its mappings and #if template apply', async () => {
  // The second REST API of the app, served on the next port.
  const cfn = served.gateway.groups.find(g => g.name === 'Cfn')!.url.replace(/\/$/, '');
  const en = await send(cfn, 'GET', '/selected');
  expect(en.status).toBe(404);
  expect(en.text).toBe('not found');
  expect(en.headers['x-stage']).toBe('RELEASE');
  const fr = await send(cfn, 'GET', '/selected?lang=fr');
  expect(fr.text).toBe('introuvable');
  // No response for status 500 and no default one: API Gateway's 500.
  const none = await send(cfn, 'GET', '/unselected');
  expect(none.status).toBe(500);
});
