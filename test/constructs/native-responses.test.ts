/**
 * API Gateway's own gateway responses (20 of the 21 AWS types: REQUEST_TOO_LARGE cannot be customised), translated from the group's `default`
 * response. These answer the errors API Gateway raises before the proxy runs (throttling, IAM,
 * payload size, WAF...), so they must look like the group's other errors.
 */
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ApiGroup, ApiGroupProps, Backend, HttpMethod, ResponseRule, ResponseType } from 'cdk-api-groups';
import { newGroup, restApiDocument, templateOf } from '../support/synth';

/**
 * DESIGN section 4, read the other way round: every AWS type, the Huawei type it is translated
 * from, that type's default status (none for DEFAULT_4XX / DEFAULT_5XX) and the error code a
 * native response carries (APIG.0301 for IAM signature failures).
 */
const TABLE: ReadonlyArray<readonly [aws: string, huawei: string, status: string | undefined, code: string]> = [
  ['ACCESS_DENIED', 'ACCESS_DENIED', '403', 'APIG.0306'],
  ['API_CONFIGURATION_ERROR', 'DEFAULT_5XX', undefined, 'APIG.0601'],
  ['AUTHORIZER_CONFIGURATION_ERROR', 'AUTHORIZER_CONF_FAILURE', '500', 'APIG.0601'],
  ['AUTHORIZER_FAILURE', 'AUTHORIZER_CONF_FAILURE', '500', 'APIG.0601'],
  ['BAD_REQUEST_BODY', 'REQUEST_PARAMETERS_FAILURE', '400', 'APIG.0201'],
  ['BAD_REQUEST_PARAMETERS', 'REQUEST_PARAMETERS_FAILURE', '400', 'APIG.0201'],
  ['DEFAULT_4XX', 'DEFAULT_4XX', undefined, 'APIG.0201'],
  ['DEFAULT_5XX', 'DEFAULT_5XX', undefined, 'APIG.0601'],
  ['EXPIRED_TOKEN', 'AUTH_FAILURE', '401', 'APIG.0301'],
  ['INTEGRATION_FAILURE', 'BACKEND_UNAVAILABLE', '502', 'APIG.0201'],
  ['INTEGRATION_TIMEOUT', 'BACKEND_TIMEOUT', '504', 'APIG.0201'],
  ['INVALID_API_KEY', 'AUTH_FAILURE', '401', 'APIG.0303'],
  ['INVALID_SIGNATURE', 'AUTH_FAILURE', '401', 'APIG.0301'],
  ['MISSING_AUTHENTICATION_TOKEN', 'AUTH_HEADER_MISSING', '401', 'APIG.0301'],
  ['QUOTA_EXCEEDED', 'THROTTLED', '429', 'APIG.0308'],
  ['RESOURCE_NOT_FOUND', 'NOT_FOUND', '404', 'APIG.0101'],
  ['THROTTLED', 'THROTTLED', '429', 'APIG.0308'],
  ['UNAUTHORIZED', 'UNAUTHORIZED', '401', 'APIG.0304'],
  ['UNSUPPORTED_MEDIA_TYPE', 'DEFAULT_4XX', undefined, 'APIG.0201'],
  ['WAF_FILTERED', 'ACCESS_DENIED', '403', 'APIG.0306'],
];

const HUAWEI_TYPES_WITH_AWS_SOURCES = [...new Set(TABLE.map(row => row[1]))];

function group(props: ApiGroupProps = {}): ApiGroup {
  const g = newGroup(props);
  g.addApi('ListOrders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock() });
  return g;
}

function withDefaultRules(rules: ResponseRule[], props: ApiGroupProps = {}): ApiGroup {
  return group({ ...props, defaultResponse: { rules } });
}

/** The REST API document's gateway responses (`x-amazon-apigateway-gateway-responses`), by AWS type. */
function nativeResponses(template: Template): Record<string, any> {
  return restApiDocument(template)['x-amazon-apigateway-gateway-responses'];
}

/**
 * The gateway response of `awsType` in the document, with the names of an
 * AWS::ApiGateway::GatewayResponse's properties (the same values API Gateway imports).
 */
function nativeResponse(template: Template, awsType: string): any {
  const found = nativeResponses(template)[awsType];
  expect(found).toBeDefined();
  return {
    ResponseType: awsType,
    ...(found.statusCode !== undefined ? { StatusCode: found.statusCode } : {}),
    ResponseParameters: found.responseParameters,
    ResponseTemplates: found.responseTemplates,
  };
}

function headersOf(template: Template, awsType: string): Record<string, string> {
  return nativeResponse(template, awsType).ResponseParameters;
}

// ---------------------------------------------------------------------------------------------

describe('one gateway response per AWS type', () => {
  test('exactly 20 gateway responses, one for each AWS type but REQUEST_TOO_LARGE, in the group\'s REST API document', () => {
    // An AWS type left out would answer with AWS's own {"message": ...} body instead of the group's format.
    // GIVEN
    const g = group();
    // WHEN
    const template = templateOf(g);
    // THEN: in the document, so no AWS::ApiGateway::GatewayResponse resource is needed
    template.resourceCountIs('AWS::ApiGateway::GatewayResponse', 0);
    expect(Object.keys(nativeResponses(template)).sort()).toEqual(TABLE.map(row => row[0]));
  });

  test('the public mapping matches DESIGN section 4', () => {
    // Users read ResponseType.awsTypeMapping() to know which rule answers which AWS error.
    expect(ResponseType.awsTypeMapping()).toEqual(Object.fromEntries(TABLE.map(([aws, huawei]) => [aws, huawei])));
  });

  describe('each translated from the right type of the default response', () => {
    // Every Huawei type with AWS sources gets a rule whose body names its type and code.
    let template: Template;
    beforeAll(() => {
      template = templateOf(withDefaultRules(HUAWEI_TYPES_WITH_AWS_SOURCES.map(name => ({
        type: ResponseType.of(name),
        body: '{"type":"$context.error.type","code":"$context.error.code","message":"$context.error.message"}',
      }))));
    });

    test.each(TABLE)('%s ← %s (status %s, code %s)', (aws, huawei, status, code) => {
      // The right rule, the right status and the literal code/type (API Gateway knows neither).
      expect(nativeResponse(template, aws)).toEqual({
        ResponseType: aws,
        ...(status !== undefined ? { StatusCode: status } : {}),
        ResponseTemplates: { 'application/json': `{"type":"${huawei}","code":"${code}","message":$context.error.messageString}` },
        ResponseParameters: { 'gatewayresponse.header.X-Request-Id': 'context.requestId' },
      });
    });
  });

  test('without rules, every type uses Huawei\'s default body with its code', () => {
    // The out-of-the-box format: error_code, error_msg and request_id.
    const template = templateOf(group());
    expect(nativeResponse(template, 'RESOURCE_NOT_FOUND')).toMatchObject({
      StatusCode: '404',
      ResponseTemplates: {
        'application/json': '{"error_code":"APIG.0101","error_msg":$context.error.messageString,"request_id":"$context.requestId"}',
      },
    });
    expect(nativeResponse(template, 'DEFAULT_4XX').StatusCode).toBeUndefined();
    expect(nativeResponse(template, 'UNSUPPORTED_MEDIA_TYPE').StatusCode).toBeUndefined();
    expect(nativeResponse(template, 'DEFAULT_5XX').StatusCode).toBeUndefined();
    expect(nativeResponse(template, 'API_CONFIGURATION_ERROR').StatusCode).toBeUndefined();
  });

  test('a custom status reaches every AWS type of the rule\'s type', () => {
    // THROTTLED covers both throttling and usage-plan quotas.
    const template = templateOf(withDefaultRules([{ type: ResponseType.THROTTLED, statusCode: 503 }]));
    expect(nativeResponse(template, 'THROTTLED').StatusCode).toBe('503');
    expect(nativeResponse(template, 'QUOTA_EXCEEDED').StatusCode).toBe('503');
    expect(nativeResponse(template, 'RESOURCE_NOT_FOUND').StatusCode).toBe('404');
  });

  test('other responses than default never reach the native responses', () => {
    // API Gateway does not know which API a native error belongs to: only `default` can apply.
    const g = group();
    g.addGatewayResponse('strict', { rules: [{ type: ResponseType.THROTTLED, statusCode: 503, headers: { 'Retry-After': '9' } }] });
    const template = templateOf(g);
    expect(nativeResponse(template, 'THROTTLED').StatusCode).toBe('429');
    expect(headersOf(template, 'THROTTLED')).toEqual({ 'gatewayresponse.header.X-Request-Id': 'context.requestId' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('variables translated into API Gateway\'s syntax', () => {
  test('body variables: renamed where AWS has them, literals for code and type, empty where AWS has nothing', () => {
    // Gateway-response templates are plain substitution of AWS's own variables, not VTL.
    // GIVEN
    const body = '{"ip":"$context.sourceIp","method":"$context.reqMethod","user":"$context.authorizer.frontend.user-id",' +
      '"api":"$context.apiId","apiName":"$context.apiName","path":"$context.reqPath","uri":"$context.reqUri","stage":"$context.stage",' +
      '"env":"$stageVariables.env","app":"$context.appId","appName":"$context.appName","type":"$context.error.type",' +
      '"code":"$context.error.code","msg":"$context.error.message","backend":"$context.authorizer.backend.tenant","rid":"$context.requestId"}';
    // WHEN
    const template = templateOf(withDefaultRules([{ type: ResponseType.NOT_FOUND, body }]));
    // THEN
    expect(nativeResponse(template, 'RESOURCE_NOT_FOUND').ResponseTemplates['application/json']).toBe(
      '{"ip":"$context.identity.sourceIp","method":"$context.httpMethod","user":"$context.authorizer.frontend_user_id",' +
      '"api":"","apiName":"","path":"$context.path","uri":"$context.path","stage":"$context.stage",' +
      '"env":"$stageVariables.env","app":"$context.authorizer.appId","appName":"$context.authorizer.appName","type":"NOT_FOUND",' +
      '"code":"APIG.0101","msg":$context.error.messageString,"backend":"","rid":"$context.requestId"}');
  });

  test('the message fills a whole JSON string as AWS\'s already-quoted $context.error.messageString', () => {
    // API Gateway substitutes without escaping: only messageString keeps a message with quotes valid JSON.
    const template = templateOf(withDefaultRules([{ type: ResponseType.THROTTLED, body: '{"a":"$context.error.message", "b" : "$context.error.message"}' }]));
    expect(nativeResponse(template, 'THROTTLED').ResponseTemplates['application/json'])
      .toBe('{"a":$context.error.messageString, "b" : $context.error.messageString}');
  });

  test('inside a longer JSON string the message is the type\'s fixed message, JSON-escaped, with a warning', () => {
    // messageString carries its own quotes, so it cannot sit inside text; a fixed text keeps the JSON valid.
    // GIVEN: the message after text, before text, twice in one string, and in an escaped-quote string that only looks whole
    const body = '{"a":"msg: $context.error.message","b":"$context.error.message!","c":"$context.error.message$context.error.message",' +
      '"d":"\\"$context.error.message\\"","e":"$context.error.message"}';
    // WHEN
    const g = withDefaultRules([{ type: ResponseType.THROTTLED, body }]);
    const rendered = nativeResponse(templateOf(g), 'THROTTLED').ResponseTemplates['application/json'];
    // THEN
    const fixed = ResponseType.THROTTLED.defaultErrorMessage;
    expect(rendered).toBe(`{"a":"msg: ${fixed}","b":"${fixed}!","c":"${fixed}${fixed}","d":"\\"${fixed}\\"","e":$context.error.messageString}`);
    expect(JSON.parse(rendered.replace('$context.error.messageString', '"x"'))).toMatchObject({ d: `"${fixed}"` });
    Annotations.fromStack(Stack.of(g)).hasWarning('/Stack/Group/DefaultResponse', Match.stringLikeRegexp(
      '^THROTTLED body uses \\$context\\.error\\.message, .*: \\$context\\.error\\.message inside a longer string renders as the type\'s fixed message.*' +
      '\\[ack: cdk-api-groups:nativeVariable\\]$'));
  });

  test('headers: quoted literals, or mappings for a single variable', () => {
    // An unquoted literal is a deploy-time error in API Gateway; a variable must be a mapping expression.
    // GIVEN
    const template = templateOf(withDefaultRules([{
      type: ResponseType.THROTTLED,
      headers: {
        'Retry-After': '1',
        'X-Ip': '$context.sourceIp',
        'X-Code': '$context.error.code',
        'X-Type': 'type=$context.error.type',
        'X-Env': '$stageVariables.env',
        'X-User': '$context.authorizer.frontend.user-id',
        'X-Api': '$context.apiId',
        'X-Mixed': 'ip=$context.sourceIp',
        'X-Quote': 'it\'s',
      },
    }]));
    // THEN: both AWS sources of THROTTLED carry them
    for (const aws of ['THROTTLED', 'QUOTA_EXCEEDED']) {
      expect(headersOf(template, aws)).toEqual({
        'gatewayresponse.header.Retry-After': '\'1\'',
        'gatewayresponse.header.X-Ip': 'context.identity.sourceIp',
        'gatewayresponse.header.X-Code': '\'APIG.0308\'',
        'gatewayresponse.header.X-Type': '\'type=THROTTLED\'',
        'gatewayresponse.header.X-Env': 'stageVariables.env',
        'gatewayresponse.header.X-User': 'context.authorizer.frontend_user_id',
        // X-Api: $context.apiId has no native value, so nothing is sent
        'gatewayresponse.header.X-Mixed': '\'ip=\'',
        'gatewayresponse.header.X-Quote': '\'its\'',
        'gatewayresponse.header.X-Request-Id': 'context.requestId',
      });
    }
  });

  test('IAM signature failures carry Huawei\'s IAM code APIG.0301, in body and headers', () => {
    // A SigV4 failure is IAM authentication, not app authentication.
    const template = templateOf(withDefaultRules([
      { type: ResponseType.AUTH_FAILURE, body: '{"code":"$context.error.code"}', headers: { 'X-Code': '$context.error.code' } },
    ]));
    for (const [aws, code] of [['INVALID_SIGNATURE', 'APIG.0301'], ['EXPIRED_TOKEN', 'APIG.0301'], ['INVALID_API_KEY', 'APIG.0303']]) {
      expect(nativeResponse(template, aws).ResponseTemplates['application/json']).toBe(`{"code":"${code}"}`);
      expect(headersOf(template, aws)['gatewayresponse.header.X-Code']).toBe(`'${code}'`);
    }
    expect(nativeResponse(template, 'MISSING_AUTHENTICATION_TOKEN').ResponseTemplates['application/json']).toMatch(/"error_code":"APIG\.0301"/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('CORS headers on native responses', () => {
  // A browser cannot read an error without them: the page would only see a network error.
  const CORS = 'gatewayresponse.header.Access-Control-';

  test('without CORS, only X-Request-Id', () => {
    // No CORS declared: nothing cross-origin is promised, and the request id is always there for support.
    const template = templateOf(group());
    for (const [aws] of TABLE) {
      expect(headersOf(template, aws)).toEqual({ 'gatewayresponse.header.X-Request-Id': 'context.requestId' });
    }
  });

  test('one origin: quoted, with Vary and the exposed headers', () => {
    // The browser may read the error and its X-Request-Id; caches keep answers per Origin.
    const template = templateOf(group({ cors: { allowOrigins: ['https://shop.example.com'] } }));
    for (const [aws] of TABLE) {
      expect(headersOf(template, aws)).toEqual({
        [`${CORS}Allow-Origin`]: '\'https://shop.example.com\'',
        'gatewayresponse.header.Vary': '\'Origin\'',
        [`${CORS}Expose-Headers`]: '\'X-Request-Id\'',
        'gatewayresponse.header.X-Request-Id': 'context.requestId',
      });
    }
  });

  test('"*": quoted, no Vary', () => {
    // Any page may read the error; the answer does not depend on the caller.
    const template = templateOf(group({ cors: { allowOrigins: ['*'], exposeHeaders: ['X-Request-Id', 'X-Total'] } }));
    expect(headersOf(template, 'THROTTLED')).toEqual({
      [`${CORS}Allow-Origin`]: '\'*\'',
      [`${CORS}Expose-Headers`]: '\'X-Request-Id,X-Total\'',
      'gatewayresponse.header.X-Request-Id': 'context.requestId',
    });
  });

  test('several origins: the request\'s Origin is echoed (AWS cannot compare), with a warning when credentials are allowed', () => {
    // Echoing is the only way to name one of several origins natively; with credentials the user must know it is looser.
    // GIVEN
    const g = group({ cors: { allowOrigins: ['https://a.example.com', 'https://b.example.com'], allowCredentials: true } });
    // WHEN
    const template = templateOf(g);
    // THEN
    expect(headersOf(template, 'UNAUTHORIZED')).toEqual({
      [`${CORS}Allow-Origin`]: 'method.request.header.Origin',
      'gatewayresponse.header.Vary': '\'Origin\'',
      [`${CORS}Allow-Credentials`]: '\'true\'',
      [`${CORS}Expose-Headers`]: '\'X-Request-Id\'',
      'gatewayresponse.header.X-Request-Id': 'context.requestId',
    });
    Annotations.fromStack(Stack.of(g)).hasWarning('/Stack/Group', Match.stringLikeRegexp(
      'gateway responses cannot compare origins: .*echo the caller\'s Origin.*\\[ack: cdk-api-groups:nativeCorsEchoesOrigin\\]$'));
  });

  test('rule headers sit beside the CORS headers', () => {
    // A rule's own headers must not drop the CORS ones (or the browser could not read a 429's Retry-After).
    const template = templateOf(withDefaultRules([{ type: ResponseType.THROTTLED, headers: { 'Retry-After': '1' } }],
      { cors: { allowOrigins: ['https://shop.example.com'] } }));
    expect(headersOf(template, 'THROTTLED')).toMatchObject({
      [`${CORS}Allow-Origin`]: '\'https://shop.example.com\'',
      'gatewayresponse.header.Retry-After': '\'1\'',
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('synth-time warnings', () => {
  test('a variable API Gateway cannot render in a native body is a warning, with its ack id', () => {
    // The user tests with the proxy, then sees empty fields on a throttled request in production.
    // GIVEN
    const g = withDefaultRules([
      { type: ResponseType.NOT_FOUND, body: '{"api":"$context.apiId","uri":"$context.reqUri","b":"$context.authorizer.backend.tenant"}' },
    ]);
    // WHEN
    const annotations = Annotations.fromStack(Stack.of(g));
    // THEN
    annotations.hasWarning('/Stack/Group/DefaultResponse',
      'NOT_FOUND body uses $context.apiId, $context.reqUri, $context.authorizer.backend.tenant, which API Gateway\'s own responses ' +
      '(RESOURCE_NOT_FOUND) cannot render: $context.apiId renders empty; $context.reqUri renders as the path with the stage prefix and without query string; ' +
      '$context.authorizer.backend.tenant renders empty [ack: cdk-api-groups:nativeVariable]');
  });

  test('a header that cannot be expressed natively is a warning', () => {
    // Variables inside text, or a single quote, cannot be written as an API Gateway mapping.
    const g = withDefaultRules([{ type: ResponseType.THROTTLED, headers: { 'X-Mixed': 'ip=$context.sourceIp', 'X-Quote': 'it\'s', 'X-Api': '$context.apiName' } }]);
    const annotations = Annotations.fromStack(Stack.of(g));
    for (const [name, value] of [['X-Mixed', '"ip=$context.sourceIp"'], ['X-Quote', '"it\'s"'], ['X-Api', '"$context.apiName"']]) {
      annotations.hasWarning('/Stack/Group/DefaultResponse', Match.stringLikeRegexp(
        `^THROTTLED header ${name} ${value.replace(/[.$+]/g, '\\$&')} cannot be expressed in API Gateway's own responses .*` +
        '\\[ack: cdk-api-groups:nativeVariable\\]$'));
    }
    expect(annotations.findWarning('*', Match.stringLikeRegexp('nativeVariable'))).toHaveLength(3);
  });

  test('a status on DEFAULT_4XX or DEFAULT_5XX is a warning: it re-maps API Gateway\'s other errors', () => {
    // e.g. 400 on DEFAULT_4XX turns "payload too large" (413) into a 400.
    // GIVEN
    const g = withDefaultRules([{ type: ResponseType.DEFAULT_4XX, statusCode: 400 }, { type: ResponseType.DEFAULT_5XX, statusCode: 500 }]);
    // WHEN
    const template = templateOf(g);
    const annotations = Annotations.fromStack(Stack.of(g));
    // THEN
    for (const aws of ['DEFAULT_4XX', 'UNSUPPORTED_MEDIA_TYPE']) { expect(nativeResponse(template, aws).StatusCode).toBe('400'); }
    for (const aws of ['DEFAULT_5XX', 'API_CONFIGURATION_ERROR']) { expect(nativeResponse(template, aws).StatusCode).toBe('500'); }
    annotations.hasWarning('/Stack/Group/DefaultResponse', Match.stringLikeRegexp(
      '^DEFAULT_4XX has status 400: API Gateway\'s own 4XX errors translated from it \\(DEFAULT_4XX, ' +
      'UNSUPPORTED_MEDIA_TYPE\\) then answer with 400 instead of their original statuses \\[ack: cdk-api-groups:defaultStatusRemapsNative\\]$'));
    annotations.hasWarning('/Stack/Group/DefaultResponse', Match.stringLikeRegexp(
      '^DEFAULT_5XX has status 500: .*\\(DEFAULT_5XX, API_CONFIGURATION_ERROR.*\\[ack: cdk-api-groups:defaultStatusRemapsNative\\]$'));
  });

  test('no warning for what renders natively, for types without AWS sources, or for other responses', () => {
    // Warnings that cry wolf get acknowledged blindly.
    const g = withDefaultRules([
      { type: ResponseType.THROTTLED, body: '{"ip":"$context.sourceIp","code":"$context.error.code"}', headers: { 'X-Ip': '$context.sourceIp', 'X-T': 't=$context.error.type' } },
      { type: ResponseType.AUTHORIZER_FAILURE, body: '{"api":"$context.apiId"}' }, // the proxy renders this type, never API Gateway
    ]);
    const strict = g.addGatewayResponse('strict', { rules: [{ type: ResponseType.NOT_FOUND, body: '{"api":"$context.apiId"}' }] });
    g.addApi('GetOrder', { method: HttpMethod.GET, path: '/orders/{id}', backend: Backend.mock(), gatewayResponse: strict });
    Annotations.fromStack(Stack.of(g)).hasNoWarning('*', Match.anyValue());
  });
});
