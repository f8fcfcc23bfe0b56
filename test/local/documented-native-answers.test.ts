/**
 * What API Gateway documents about its own answers, in the synthesized document and through the
 * local gateway over HTTP (issue 14 items 11 and 15):
 * - REQUEST_TOO_LARGE cannot be customised ("Amazon API Gateway important notes for REST APIs"):
 *   the document has none, a customised DEFAULT_4XX does not reach it, and a payload over 10 MB gets
 *   AWS's own 413 body;
 * - the CORS preflight is a MOCK integration on a REST API whose binary media types are every type:
 *   both its request and its answer are converted to text ("Content type conversions in API
 *   Gateway"), so the VTL that echoes an allowed origin other than the first one is applied.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ApiGroup, Backend, HttpMethod, ResponseType } from 'cdk-api-groups';
import { ServedAssembly, serveAssembly } from '../support/served-assembly';

const work = path.join(__dirname, '..', '.work', `documented-native-${process.pid}`);
const FIRST = 'https://shop.example.com';
const SECOND = 'https://admin.example.com';

let stack: Stack;
let served: ServedAssembly;
let base: string;

beforeAll(async () => {
  fs.mkdirSync(work, { recursive: true });
  const outdir = path.join(work, 'cdk.out');
  const app = new App({ outdir });
  stack = new Stack(app, 'DocumentedNative');
  const group = new ApiGroup(stack, 'Group', { groupName: 'documented-native', cors: { allowOrigins: [FIRST, SECOND] } });
  group.defaultResponse.addRule({ type: ResponseType.DEFAULT_4XX, body: '{"custom":"$context.error.type"}', headers: { 'X-Custom': 'yes' } });
  group.addApi('Orders', { method: HttpMethod.ANY, path: '/orders', apiName: 'orders', backend: Backend.mock({ body: 'orders' }) });
  served = await serveAssembly(app, work);
  base = served.base;
}, 60_000);

afterAll(async () => { await served?.close(); });

function body(): Record<string, any> {
  const apis = Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi');
  return Object.values(apis)[0].Properties.Body;
}

describe('REQUEST_TOO_LARGE (item 11)', () => {
  test('the document writes no REQUEST_TOO_LARGE gateway response, even with a customised DEFAULT_4XX', () => {
    const responses = body()['x-amazon-apigateway-gateway-responses'];
    expect(responses.DEFAULT_4XX.responseTemplates['application/json']).toBe('{"custom":"DEFAULT_4XX"}');
    expect(Object.keys(responses)).not.toContain('REQUEST_TOO_LARGE');
    expect(Object.keys(responses)).toHaveLength(20);
  });

  test('the customised DEFAULT_4XX rule is a warning: it cannot reach a payload over 10 MB', () => {
    Annotations.fromStack(stack).hasWarning('/DocumentedNative/Group/DefaultResponse', Match.stringLikeRegexp(
      '^the DEFAULT_4XX rule does not apply to a payload over 10 MB: .*REQUEST_TOO_LARGE.*\\[ack: cdk-api-groups:requestTooLargeNotCustomisable\\]$'));
  });

  test('over HTTP: a payload over 10 MB gets AWS\'s own 413, not the DEFAULT_4XX rule', async () => {
    const res = await fetch(`${base}/orders`, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1) });
    expect([res.status, res.headers.get('x-amzn-errortype'), res.headers.get('x-custom'), await res.text()])
      .toEqual([413, 'RequestTooLongException', null, '{"message":"Request Too Long"}']);
  });
});

describe('CORS preflight with every media type binary (item 15)', () => {
  test('the MOCK converts both its request and its answer to text', () => {
    // /orders rides the catch-all resource, whose OPTIONS is the preflight.
    const integration = body().paths['/{proxy+}'].options['x-amazon-apigateway-integration'];
    expect(body()['x-amazon-apigateway-binary-media-types']).toEqual(['*/*']);
    expect(integration.type).toBe('mock');
    expect(integration.contentHandling).toBe('CONVERT_TO_TEXT');
    expect(integration.responses.default.contentHandling).toBe('CONVERT_TO_TEXT');
    // The second origin is echoed by the answer's template, the first is the literal.
    expect(integration.responses.default.responseParameters['method.response.header.Access-Control-Allow-Origin']).toBe(`'${FIRST}'`);
    expect(integration.responses.default.responseTemplates['application/json']).toContain(`$origin == "${SECOND}"`);
  });

  test.each([
    ['the first origin', FIRST, FIRST],
    ['the second origin', SECOND, SECOND],
    ['an origin not allowed (the first is sent: the browser refuses)', 'https://evil.example.com', FIRST],
  ])('over HTTP, %s, with a browser\'s Accept: */*', async (_what, origin, expected) => {
    const res = await fetch(`${base}/orders`, {
      method: 'OPTIONS',
      headers: { 'Origin': origin, 'Access-Control-Request-Method': 'GET', 'Accept': '*/*' },
    });
    expect([res.status, res.headers.get('access-control-allow-origin'), res.headers.get('vary')]).toEqual([204, expected, 'Origin']);
  });
});
