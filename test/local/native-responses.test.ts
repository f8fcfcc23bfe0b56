/**
 * API Gateway's own responses as the local gateway renders them from the template
 * (lib/local/gateway-responses.ts), the MOCK preflight (lib/local/preflight.ts) and header values
 * made safe for node (lib/local/http.ts).
 */
import { Backend, HttpMethod, ResponseType } from 'cdk-api-groups';
import { NATIVE_TYPES, NativeContext, renderNativeResponse, renderTemplate } from '../../lib/local/gateway-responses';
import { latin1Safe, outgoingHeaders } from '../../lib/local/http';
import { answerMock, originOverrides } from '../../lib/local/preflight';
import type { GatewayResponseModel } from '../../lib/local/rest-api';
import { newGroup, restApiDocument, templateOf } from '../support/synth';

const CTX: NativeContext = {
  requestId: 'c0ffee00-0000-4000-8000-000000000001',
  extendedRequestId: 'ext-1',
  apiId: 'abc123defg',
  accountId: '123456789012',
  stage: 'RELEASE',
  httpMethod: 'POST',
  path: '/orders/7',
  resourcePath: '/orders/{id}',
  resourceId: 'res001',
  sourceIp: '127.0.0.1',
  userAgent: 'curl/8',
  domainName: '127.0.0.1:3000',
  domainPrefix: 'abc123defg',
  deploymentId: 'dep001',
  requestTimeEpoch: 1718635693506,
  requestTime: '17/Jun/2024:14:48:13 +0000',
  protocol: 'HTTP/1.1',
  headers: [['Origin', 'https://shop.example.com'], ['X-Multi', 'a'], ['x-multi', 'b']],
  query: [['q', 'x']],
  pathParameters: { id: '7' },
  stageVariables: { region: 'eu-west-1' },
  authorizer: { appName: 'mobile', principalId: 'user-1' },
};

function responses(...list: GatewayResponseModel[]): Map<string, GatewayResponseModel> {
  return new Map(list.map(r => [r.type, r]));
}

test('the type\'s own response: its status, template variables and header mappings', () => {
  // The library synthesizes one response per AWS type; this is what a client sees for it.
  const out = renderNativeResponse(responses({
    type: 'THROTTLED',
    statusCode: '429',
    parameters: {
      'gatewayresponse.header.Retry-After': '\'1\'',
      'gatewayresponse.header.X-Request-Id': 'context.requestId',
      'gatewayresponse.header.Access-Control-Allow-Origin': 'method.request.header.Origin',
      'gatewayresponse.header.X-Missing': 'method.request.header.Nope',
      'gatewayresponse.header.X-Stage': 'stageVariables.region',
      'gatewayresponse.header.X-Multi': 'method.request.multivalueheader.x-multi',
      'gatewayresponse.header.X-Id': 'method.request.path.id',
    },
    templates: {
      'application/json': '{"code":"APIG.0308","msg":"$context.error.message","type":"$context.error.responseType","rid":"$context.requestId",' +
        '"ip":"$context.identity.sourceIp","path":"$context.path","m":"$context.httpMethod","s":"$context.stage","app":"$context.authorizer.appName",' +
        '"who":"$context.authorizer.principalId","none":"$context.authorizer.nope","sv":"$stageVariables.region","raw":$context.error.messageString}',
    },
  }), 'THROTTLED', CTX);
  expect(out.status).toBe(429);
  expect(JSON.parse(out.body)).toEqual({
    code: 'APIG.0308', msg: 'Too Many Requests', type: 'THROTTLED', rid: CTX.requestId, ip: '127.0.0.1',
    path: '/RELEASE/orders/7', m: 'POST', s: 'RELEASE', app: 'mobile', who: 'user-1', none: '', sv: 'eu-west-1', raw: 'Too Many Requests',
  });
  expect(out.headers).toEqual({
    'Content-Type': 'application/json',
    'Retry-After': '1',
    'X-Request-Id': CTX.requestId,
    'Access-Control-Allow-Origin': 'https://shop.example.com',
    'X-Stage': 'eu-west-1',
    'X-Multi': 'a,b',
    'X-Id': '7',
    'x-amzn-RequestId': CTX.requestId,
    'x-amzn-ErrorType': 'TooManyRequestsException',
  });
});

test('fallback: DEFAULT_4XX / DEFAULT_5XX by family, their status re-maps the type, else AWS\'s default body', () => {
  // API Gateway's documented fallback rules, including the status re-mapping of DEFAULT_4XX.
  const d4 = { type: 'DEFAULT_4XX', parameters: {}, templates: { 'application/json': '{"t":"$context.error.responseType"}' } };
  expect(renderNativeResponse(responses(d4), 'INVALID_API_KEY', CTX)).toMatchObject({ status: 403, body: '{"t":"INVALID_API_KEY"}' });
  expect(renderNativeResponse(responses({ ...d4, statusCode: '400' }), 'INVALID_API_KEY', CTX)).toMatchObject({ status: 400 });
  expect(renderNativeResponse(responses(d4), 'INTEGRATION_TIMEOUT', CTX))
    .toMatchObject({ status: 504, body: '{"message":"Endpoint request timed out"}' });
  const conf = renderNativeResponse(responses(), 'AUTHORIZER_CONFIGURATION_ERROR', CTX, null);
  expect(conf).toMatchObject({ status: 500, body: '{"message":null}' });
  expect(conf.headers['x-amzn-ErrorType']).toBe('AuthorizerConfigurationException');
});

test('values are substituted as they are, as API Gateway does; messageString is the message as a JSON string; one pass only', () => {
  // AWS documents only simple substitution: a quote in "$context.error.message" breaks the JSON there too.
  const ctx = { ...CTX, path: '/a"b', stageVariables: { v: '$context.requestId' } };
  const message = 'say "hi"\n\\ </x>';
  const body = renderTemplate('{"p":"$context.path","v":"$stageVariables.v","m":$context.error.messageString,"raw":"$context.error.message"}', ctx, 'DEFAULT_4XX', message);
  expect(body).toBe(`{"p":"/RELEASE/a"b","v":"$context.requestId","m":${JSON.stringify(message)},"raw":"${message}"}`);
  expect(renderTemplate('{"m":$context.error.messageString}', ctx, 'AUTHORIZER_FAILURE', null)).toBe('{"m":null}');
  expect(renderTemplate('$context.requestId-x ${context.stage}', ctx, 'T', '')).toBe(`${CTX.requestId}-x RELEASE`);
});

describe('a synthesized group\'s native responses, rendered as API Gateway renders them', () => {
  // What the construct writes must stay valid JSON whatever the message or the authorizer context holds.
  const HOSTILE = 'bad "quote" \\ back\nslash\u0000 </script> $context.requestId';
  let models: Map<string, GatewayResponseModel>;
  beforeAll(() => {
    const group = newGroup({
      defaultResponse: {
        rules: [
          { type: ResponseType.THROTTLED, body: '{"msg":"$context.error.message","note":"why: $context.error.message","user":"$context.authorizer.frontend.user-id"}' },
        ],
      },
    });
    group.addApi('ListOrders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock() });
    // The REST API's document carries them (x-amazon-apigateway-gateway-responses).
    const responses = Object.entries<any>(restApiDocument(templateOf(group))['x-amazon-apigateway-gateway-responses']);
    models = new Map(responses.map(([type, r]) => [type, {
      type,
      statusCode: r.statusCode,
      parameters: r.responseParameters ?? {},
      templates: r.responseTemplates ?? {},
    }]));
    expect(models.size).toBe(20); // REQUEST_TOO_LARGE cannot be customised (issue 14 item 11)
  });

  test('REQUEST_TOO_LARGE: API Gateway\'s own answer, whatever the group declares', () => {
    const out = renderNativeResponse(models, 'REQUEST_TOO_LARGE', CTX, undefined);
    expect([out.status, JSON.parse(out.body)]).toEqual([413, { message: 'Request Too Long' }]);
  });

  test.each(Object.keys(NATIVE_TYPES).filter(t => t !== 'REQUEST_TOO_LARGE'))('%s: valid JSON carrying the message exactly, for any message', (type) => {
    for (const message of [HOSTILE, null, undefined]) {
      const out = renderNativeResponse(models, type, CTX, message);
      const parsed = JSON.parse(out.body);
      const expected = message === undefined ? NATIVE_TYPES[type].message : message;
      expect(parsed[type === 'THROTTLED' || type === 'QUOTA_EXCEEDED' ? 'msg' : 'error_msg']).toBe(expected);
    }
  });

  test('an authorizer value handed over JSON-escaped arrives intact; the message inside text is the fixed one', () => {
    // The group's authorizer escapes its context values, since API Gateway inserts them as they are.
    const ctx = { ...CTX, authorizer: { frontend_user_id: JSON.stringify(HOSTILE).slice(1, -1) } };
    const parsed = JSON.parse(renderNativeResponse(models, 'THROTTLED', ctx, HOSTILE).body);
    expect(parsed).toEqual({ msg: HOSTILE, note: `why: ${ResponseType.THROTTLED.defaultErrorMessage}`, user: HOSTILE });
  });
});

test('MOCK preflight: integration response headers, and the origin echoed only when listed', () => {
  // The native OPTIONS method of CORS groups with several origins (aws-cdk's VTL pattern).
  const template = [
    '#set($origin = $input.params().header.get("Origin"))',
    '#if($origin == "")',
    '  #set($origin = $input.params().header.get("origin"))',
    '#end',
    '#if($origin == "https://admin.example.com" || $origin == "https://ops.example.com")',
    '  #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
    '#end',
  ].join('\n');
  expect(originOverrides(template)).toEqual([{ header: 'Access-Control-Allow-Origin', origins: ['https://admin.example.com', 'https://ops.example.com'] }]);
  const mock = [{
    statusCode: '204',
    parameters: {
      'method.response.header.Access-Control-Allow-Origin': '\'https://shop.example.com\'',
      'method.response.header.Access-Control-Allow-Methods': '\'GET,POST\'',
    },
    templates: { 'application/json': template },
  }];
  const listed = answerMock(mock, { ...CTX, headers: [['origin', 'https://ops.example.com']] });
  // The template's media type is the answer's Content-Type (the template renders no body).
  expect(listed).toEqual({ status: 204, body: '', headers: { 'Access-Control-Allow-Origin': 'https://ops.example.com', 'Access-Control-Allow-Methods': 'GET,POST', 'Content-Type': 'application/json' } });
  const other = answerMock(mock, { ...CTX, headers: [['Origin', 'https://evil.example.com']] });
  expect(other.headers['Access-Control-Allow-Origin']).toBe('https://shop.example.com');
});

test('header values node accepts: non-Latin-1 as UTF-8 bytes, control characters removed, bad names dropped', () => {
  // node throws on such values; a user's function or template must not crash the gateway.
  expect(latin1Safe('café')).toBe('café');
  expect(latin1Safe('日本')).toBe(Buffer.from('日本', 'utf8').toString('latin1'));
  expect(latin1Safe('a\r\nb\u0000c')).toBe('abc');
  expect(outgoingHeaders({ 'X-Ok': 'v', 'Bad Name': 'v', 'Content-Length': '3', 'X-List': ['a', '€'] }))
    .toEqual({ 'X-Ok': 'v', 'X-List': ['a', Buffer.from('€', 'utf8').toString('latin1')] });
});
