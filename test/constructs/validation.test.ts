/**
 * Synth-time validation: one or more tests per rule of lib/limits.ts. Every error must name the
 * construct path, the offending value, what is allowed (the rule's own words) and the rule id,
 * because that message is all a user sees when `cdk synth` stops.
 */
import { CfnResource, Duration, Lazy, SecretValue, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AccessControl, ApiAuth, ApiGroup, ApiGroupErrors, ApiGroupProps, ApiOptions, Backend, BackendPolicy, CustomAuthorizerOptions, GatewayResponse,
  HttpMethod, IdentitySource, ParameterType, PolicyCondition, RequestParameter, ResponseRule, ResponseType, ThirdPartyAuthorizerOptions,
} from 'cdk-api-groups';
import { BackendParameter, FunctionInvocation, ParameterLocation } from 'cdk-api-groups';
import { MatchMode } from 'cdk-api-groups';
import { MappedParameter, OrchestrationRuleOptions, OrchestrationStrategy } from 'cdk-api-groups';
import { ApiGroupValidationError } from '../../lib/errors';
import { ALL_RULES, LimitRule, RULES } from '../../lib/limits';
import { newGroup, newStack, proxyAsset } from '../support/synth';

// ---------------------------------------------------------------------------------------------
// Helpers

/** Rule ids that have at least one test, collected when tests are declared (so `-t` filters do not matter). */
const tested = new Set<string>();

function ruleTest(rule: LimitRule, name: string, fn: () => void): void {
  tested.add(rule.id);
  test(`[${rule.id}] ${name}`, fn);
}

function ruleTestEach<T>(rule: LimitRule, cases: readonly T[], name: string, fn: (c: T) => void): void {
  tested.add(rule.id);
  test.each(cases.map(c => [c]))(`[${rule.id}] ${name}`, fn);
}

interface Expected {
  /** Construct path the message starts with. */
  readonly path: string;
  readonly rule: LimitRule;
  /** The offending value as the message shows it (strings in double quotes). */
  readonly value: string;
  /** What the message says about this particular value, when there is more to say. */
  readonly detail?: string;
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error, none was thrown');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `<prefix>...<value>...: allowed <rule.allowed> [<rule.id>]`, with the detail somewhere. */
function expectMessage(message: string, prefix: string, x: Expected): void {
  expect(message).toMatch(new RegExp(
    `^${escape(prefix)}.*${escape(x.value)}.*: allowed ${escape(x.rule.allowed)} \\[${escape(x.rule.id)}\\]$`, 's'));
  if (x.detail !== undefined) {
    expect(message).toContain(x.detail);
  }
}

/** An eager error: thrown from a constructor or an add*() call, as an ApiGroupValidationError. */
function expectValidationError(fn: () => unknown, x: Expected): ApiGroupValidationError {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(ApiGroupValidationError);
  const e = error as ApiGroupValidationError;
  expect({ constructPath: e.constructPath, ruleId: e.ruleId }).toEqual({ constructPath: x.path, ruleId: x.rule.id });
  expectMessage(e.message, `${x.path}: `, x);
  return e;
}

/** A whole-group error: reported by node.addValidation when the app is synthesized. */
function expectSynthError(group: ApiGroup, x: Expected): void {
  const error = thrownBy(() => Template.fromStack(Stack.of(group)));
  expect(error).toBeInstanceOf(Error);
  const lines = (error as Error).message.split('\n').map(l => l.trim());
  const line = lines.find(l => l.startsWith(`[${x.path}] `) && l.endsWith(`[${x.rule.id}]`));
  expect({ lines, found: line !== undefined }).toEqual({ lines, found: true });
  expectMessage(line!, `[${x.path}] `, x);
}

const mock = (): Backend => Backend.mock();

function api(group: ApiGroup, id: string, options: Partial<ApiOptions> = {}) {
  return group.addApi(id, { method: HttpMethod.GET, path: '/orders', backend: mock(), ...options });
}

function groupWith(rule: ResponseRule, props: ApiGroupProps = {}): ApiGroup {
  return newGroup({ ...props, defaultResponse: { rules: [rule] } });
}

/** A group whose props break a rule: the error comes from the ApiGroup constructor. */
function expectGroupError(props: ApiGroupProps, x: Omit<Expected, 'path'>): void {
  expectValidationError(() => newGroup(props), { path: 'Stack/Group', ...x });
}

/** A default-response rule that breaks a rule: the error comes from the `default` response. */
function expectRuleError(rule: ResponseRule, x: Omit<Expected, 'path'>): void {
  expectValidationError(() => groupWith(rule), { path: 'Stack/Group/DefaultResponse', ...x });
}

/** An API that breaks a rule: the error comes from addApi, with the API's path. */
function expectApiError(options: Partial<ApiOptions>, x: Omit<Expected, 'path'>, props: ApiGroupProps = {}): void {
  const group = newGroup(props);
  expectValidationError(() => api(group, 'Api', options), { path: 'Stack/Group/Api', ...x });
}

const fnArn = 'arn:aws:lambda:eu-west-1:123456789012:function:inventory';

// ---------------------------------------------------------------------------------------------

describe('error class', () => {
  test('every limit error is an ApiGroupValidationError, recognisable in every jsii language', () => {
    // GIVEN / WHEN: a user writes a bad status code
    const error = thrownBy(() => groupWith({ type: ResponseType.THROTTLED, statusCode: 444 }));

    // THEN: TypeScript users can catch the class, other languages use ApiGroupErrors.isValidationError
    expect(error).toBeInstanceOf(ApiGroupValidationError);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('ApiGroupValidationError');
    expect(ApiGroupErrors.isValidationError(error)).toBe(true);
    expect(ApiGroupErrors.isValidationError(new Error('x'))).toBe(false);
    expect(ApiGroupErrors.isValidationError(undefined)).toBe(false);
    expect(ApiGroupErrors.isValidationError(null)).toBe(false);
    expect(ApiGroupErrors.isValidationError('Stack/Group: [status-code]')).toBe(false);
  });

  test('the message format is pinned: path, subject, value, detail, allowed, rule id', () => {
    // Users grep logs and docs for these messages: a format change must be deliberate.
    const group = newGroup();
    const error = thrownBy(() => group.addGatewayResponse('strict', { rules: [{ type: ResponseType.NOT_FOUND, statusCode: 444 }] }));
    expect((error as Error).message).toBe(
      'Stack/Group/Responsestrict: rule NOT_FOUND: status code 444 is not allowed: ' +
      'allowed an integer from 200 to 599, except 444 [status-code]');
  });
});

// ---------------------------------------------------------------------------------------------

describe('gateway responses', () => {
  ruleTest(RULES.customResponses, 'a 5th custom response is refused, 4 are fine', () => {
    // Huawei APIG allows 4 responses besides `default`; a 5th would not survive an export to APIG.
    // GIVEN
    const group = newGroup();
    // WHEN
    for (const name of ['r1', 'r2', 'r3', 'r4']) { group.addGatewayResponse(name); }
    // THEN
    expect(group.gatewayResponses.map(r => r.responseName)).toEqual(['default', 'r1', 'r2', 'r3', 'r4']);
    expectValidationError(() => group.addGatewayResponse('r5'),
      { path: 'Stack/Group/Responser5', rule: RULES.customResponses, value: '5', detail: '"r5" would be custom response number 5' });
  });

  ruleTestEach(RULES.responseName, ['not ok', 'a.b', 'ünicode', ''], 'response name %p has characters outside letters, digits, "-" and "_"', name => {
    // Names travel into Huawei's console and exports: only its character set is portable.
    const group = newGroup();
    expectValidationError(() => group.addGatewayResponse(name),
      { path: `Stack/Group/Response${name}`, rule: RULES.responseName, value: JSON.stringify(name) });
  });

  ruleTest(RULES.responseName, 'a 65-character name is refused, 64 is fine', () => {
    // The limit is Huawei's; a longer name would be cut or refused there.
    const group = newGroup();
    group.addGatewayResponse('a'.repeat(64));
    expectValidationError(() => group.addGatewayResponse('b'.repeat(65)),
      { path: `Stack/Group/Response${'b'.repeat(65)}`, rule: RULES.responseName, value: `"${'b'.repeat(65)}"` });
  });

  ruleTest(RULES.responseName, 'a name already used in the group is refused (addGatewayResponse)', () => {
    // APIs select responses by name: two with one name would make the choice ambiguous.
    const group = newGroup();
    group.addGatewayResponse('strict');
    expectValidationError(() => group.addGatewayResponse('strict'),
      { path: 'Stack/Group', rule: RULES.responseName, value: '"strict"', detail: 'already used in this group' });
  });

  ruleTest(RULES.responseName, 'a name already used in the group is refused (new GatewayResponse)', () => {
    // The same rule holds when the construct is defined directly, with another construct id.
    const group = newGroup();
    group.addGatewayResponse('strict');
    expectValidationError(() => new GatewayResponse(group, 'Other', { responseName: 'strict' }),
      { path: 'Stack/Group/Other', rule: RULES.responseName, value: '"strict"', detail: 'already used in this group' });
  });

  ruleTest(RULES.responseName, '"default" is reserved for the built-in response', () => {
    // `default` always exists and is edited through ApiGroupProps.defaultResponse, never re-added.
    const group = newGroup();
    expectValidationError(() => group.addGatewayResponse('default'),
      { path: 'Stack/Group/Responsedefault', rule: RULES.responseName, value: '"default"', detail: 'reserved for the built-in response' });
  });

  ruleTest(RULES.ruleType, 'two rules for one type in a response are refused', () => {
    // Only one rule can render a type; silently keeping one of two would surprise.
    expectValidationError(() => newGroup({
      defaultResponse: { rules: [{ type: ResponseType.THROTTLED }, { type: ResponseType.THROTTLED, statusCode: 503 }] },
    }), {
      path: 'Stack/Group/DefaultResponse', rule: RULES.ruleType, value: '"THROTTLED"',
      detail: 'response "default" already has a rule for it',
    });
  });

  ruleTest(RULES.ruleType, 'addRule refuses a second rule for a type of a custom response', () => {
    // Same rule through the imperative API.
    const group = newGroup();
    const strict = group.addGatewayResponse('strict', { rules: [{ type: ResponseType.NOT_FOUND, statusCode: 410 }] });
    strict.addRule({ type: ResponseType.THROTTLED });
    expectValidationError(() => strict.addRule({ type: ResponseType.NOT_FOUND }), {
      path: 'Stack/Group/Responsestrict', rule: RULES.ruleType, value: '"NOT_FOUND"',
      detail: 'response "strict" already has a rule for it',
    });
  });

  ruleTestEach(RULES.statusCode, [199, 600, 444, 1.5, 0, -404], 'status code %p is refused', status => {
    // Huawei accepts 200-599 except 444 (nginx's "close connection"); anything else breaks the response.
    expectRuleError({ type: ResponseType.THROTTLED, statusCode: status },
      { rule: RULES.statusCode, value: `rule THROTTLED: status code ${status} is not allowed` });
  });

  ruleTest(RULES.statusCode, 'status codes 200 and 599 are allowed', () => {
    // The bounds are inclusive.
    expect(() => groupWith({ type: ResponseType.THROTTLED, statusCode: 200 })).not.toThrow();
    expect(() => groupWith({ type: ResponseType.BACKEND_TIMEOUT, statusCode: 599 })).not.toThrow();
  });

  ruleTest(RULES.body, 'a body that is not valid JSON is refused', () => {
    // Clients parse error bodies as JSON: a broken template would break every error response.
    expectRuleError({ type: ResponseType.NOT_FOUND, body: '{"code": "x"' },
      { rule: RULES.body, value: '"{\\"code\\": \\"x\\""', detail: 'not valid JSON' });
  });

  ruleTest(RULES.body, 'a variable outside a JSON string is refused, with a hint', () => {
    // Values are JSON-escaped into strings; a bare variable could never give valid JSON.
    expectRuleError({ type: ResponseType.NOT_FOUND, body: '{"rid":$context.requestId}' }, {
      rule: RULES.body, value: '"{\\"rid\\":$context.requestId}"',
      detail: 'put variables inside JSON strings, e.g. "$context.requestId"',
    });
  });

  ruleTest(RULES.body, 'an unknown variable is refused', () => {
    // A typo would otherwise render literally in production.
    expectRuleError({ type: ResponseType.NOT_FOUND, body: '{"x":"$context.foo"}' },
      { rule: RULES.body, value: '"{\\"x\\":\\"$context.foo\\"}"', detail: 'unknown variable "$context.foo"' });
  });

  ruleTestEach(RULES.body, ['', '   '], 'an empty body %p is refused', body => {
    // Huawei requires a body; an empty one would give clients nothing to parse.
    expectRuleError({ type: ResponseType.NOT_FOUND, body },
      { rule: RULES.body, value: JSON.stringify(body), detail: 'empty' });
  });

  ruleTest(RULES.headersPerRule, '11 headers are refused, 10 are fine', () => {
    // Huawei's limit per rule.
    const headers = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`X-H${i}`, 'v']));
    expect(() => groupWith({ type: ResponseType.THROTTLED, headers: headers(10) })).not.toThrow();
    expectRuleError({ type: ResponseType.THROTTLED, headers: headers(11) },
      { rule: RULES.headersPerRule, value: 'number of headers in a rule 11', detail: '"X-H10"' });
  });

  ruleTestEach(RULES.headerKey, ['Bad Header', 'X:Y', 'x'.repeat(129)], 'header name %p is refused', key => {
    // Header names outside token characters cannot be sent on HTTP.
    expectRuleError({ type: ResponseType.THROTTLED, headers: { [key]: 'v' } },
      { rule: RULES.headerKey, value: `header name ${JSON.stringify(key).slice(0, 100)}` });
  });

  ruleTest(RULES.headerKey, 'the same header twice, in another case, is refused', () => {
    // HTTP header names ignore case: the second would overwrite the first.
    expectRuleError({ type: ResponseType.THROTTLED, headers: { 'X-A': '1', 'x-a': '2' } },
      { rule: RULES.headerKey, value: '"x-a"', detail: 'declared twice (header names ignore case)' });
  });

  ruleTestEach(RULES.headerValue, ['a[[b', 'a]]b'], 'header value %p with "[[" or "]]" is refused', value => {
    // Huawei reserves the brackets in header values.
    expectRuleError({ type: ResponseType.THROTTLED, headers: { 'X-V': value } },
      { rule: RULES.headerValue, value: JSON.stringify(value), detail: 'header X-V contains "[[" or "]]"' });
  });

  ruleTest(RULES.headerValue, 'a 1025-character value is refused, 1024 is fine', () => {
    // Huawei's limit; the runtime also cuts rendered values to 1024.
    expect(() => groupWith({ type: ResponseType.THROTTLED, headers: { 'X-V': 'v'.repeat(1024) } })).not.toThrow();
    expectRuleError({ type: ResponseType.THROTTLED, headers: { 'X-V': 'v'.repeat(1025) } },
      { rule: RULES.headerValue, value: `"${'v'.repeat(50)}`, detail: 'header X-V: length 1025' });
  });

  ruleTest(RULES.headerValue, 'an empty value is refused', () => {
    // An empty header is almost always a mistake in the declaration.
    expectRuleError({ type: ResponseType.THROTTLED, headers: { 'X-V': '' } },
      { rule: RULES.headerValue, value: '""', detail: 'header X-V: length 0' });
  });

  ruleTest(RULES.headerValue, 'an unknown variable in a header value is refused', () => {
    // A typo would otherwise be sent literally to clients.
    expectRuleError({ type: ResponseType.THROTTLED, headers: { 'X-V': 'id=$context.nope' } },
      { rule: RULES.headerValue, value: '"id=$context.nope"', detail: 'header X-V: unknown variable "$context.nope"' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('APIs', () => {
  ruleTest(RULES.apisPerGroup, 'the 1001st API is refused, 1000 are fine', () => {
    // Huawei's per-group limit; mock backends keep this fast.
    const group = newGroup({ maxRestResources: 2000 });
    for (let i = 0; i < 1000; i++) { api(group, `Api${i}`, { path: `/p${i}` }); }
    expect(group.apis).toHaveLength(1000);
    expectValidationError(() => api(group, 'Api1000', { path: '/p1000' }),
      { path: 'Stack/Group/Api1000', rule: RULES.apisPerGroup, value: 'number of APIs in a group 1001' });
  });

  ruleTest(RULES.restResources, 'more resources than maxRestResources fail at synthesis (catch-all counted), saying what to change', () => {
    // The resource count is only known once every API is added; deploying over quota fails late and slowly.
    // GIVEN: IAM APIs, which API Gateway must see individually: /a, /a/b, /c and the catch-all /{proxy+} = 4 resources
    const group = newGroup({ maxRestResources: 3 });
    api(group, 'ApiAb', { path: '/a/b', auth: ApiAuth.iam() });
    api(group, 'ApiC', { path: '/c', auth: ApiAuth.iam() });
    // THEN
    expectSynthError(group, {
      path: 'Stack/Group', rule: RULES.restResources, value: 'number of REST API resources synthesized 4 is not allowed (1 over the quota of 3;',
      detail: 'API Gateway sees 2 APIs individually (2 IAM), and every segment of their paths is a resource; to fit, ' +
        'give fewer APIs their own throttle',
    });
  });

  ruleTest(RULES.restResources, 'the default limit is API Gateway\'s quota of 300 resources; APIs riding the catch-all cost none', () => {
    // 299 IAM paths + the catch-all fit; one more path does not. APIs API Gateway need not see are not counted.
    const fits = newGroup();
    for (let i = 0; i < 299; i++) { api(fits, `Api${i}`, { path: `/p${i}`, auth: ApiAuth.iam() }); }
    for (let i = 0; i < 500; i++) { api(fits, `Rider${i}`, { path: `/r${i}/{id}` }); }
    expect(() => Template.fromStack(Stack.of(fits))).not.toThrow();

    const over = newGroup();
    for (let i = 0; i < 300; i++) { api(over, `Api${i}`, { path: `/p${i}`, auth: ApiAuth.iam() }); }
    expectSynthError(over, {
      path: 'Stack/Group', rule: RULES.restResources, value: '301 is not allowed (1 over the quota of 300;', detail: 'set maxRestResources',
    });
  });

  ruleTest(RULES.cfnResources, 'a stack over CloudFormation\'s 500 resources fails at synthesis, naming the count and what to change', () => {
    // aws-cdk-lib would refuse the template too, without saying what the group costs or what to move.
    const group = newGroup();
    api(group, 'Api');
    const stack = Stack.of(group);
    for (let i = 0; i < 500; i++) { new CfnResource(stack, `Topic${i}`, { type: 'AWS::SNS::Topic' }); }
    expectSynthError(group, {
      path: 'Stack/Group', rule: RULES.cfnResources, value: 'number of CloudFormation resources in the stack 5',
      detail: 'over the quota of 500; the REST API costs one resource, but each app with limits adds a usage plan, an API key and their link; ' +
        'move other constructs or groups into their own stacks',
    });
  });

  ruleTest(RULES.templateSize, 'a template over CloudFormation\'s 1 MB fails at synthesis, naming the size and what to change', () => {
    // The REST API's document is inline in the template: a deploy would fail late otherwise.
    const group = newGroup();
    api(group, 'Api');
    new CfnResource(Stack.of(group), 'Big', { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: 'x'.repeat(1_100_000) } });
    expectSynthError(group, {
      path: 'Stack/Group', rule: RULES.templateSize, value: 'size of the CloudFormation template 11',
      detail: 'over the quota of 1048576; the REST API\'s OpenAPI document is inline in the template; move other constructs or groups into their own stacks',
    });
  });

  ruleTestEach(RULES.method, ['FETCH', 'get', 'CONNECT'], 'method %p is refused', method => {
    // Only Huawei's methods are routable (a jsii language may pass any string).
    expectApiError({ method: method as HttpMethod }, { rule: RULES.method, value: `method ${JSON.stringify(method)}` });
  });

  ruleTest(RULES.method, 'the same (method, path) twice is refused', () => {
    // Two APIs on one route: only one could ever be called.
    const group = newGroup();
    api(group, 'First', { path: '/orders' });
    api(group, 'Other', { path: '/orders', method: HttpMethod.POST }); // another method is fine
    api(group, 'Any', { path: '/orders', method: HttpMethod.ANY }); // ANY beside GET is fine
    expectValidationError(() => api(group, 'Second', { path: '/orders' }), {
      path: 'Stack/Group/Second', rule: RULES.method, value: '"GET /orders"',
      detail: 'same route as Stack/Group/First (GET /orders)',
    });
  });

  ruleTest(RULES.method, '/a/{x} and /a/{y} are the same route', () => {
    // Parameter names do not distinguish requests: GET /a/1 would match both.
    const group = newGroup();
    api(group, 'First', { path: '/a/{x}' });
    expectValidationError(() => api(group, 'Second', { path: '/a/{y}' }), {
      path: 'Stack/Group/Second', rule: RULES.method, value: '"GET /a/{y}"',
      detail: 'same route as Stack/Group/First (GET /a/{x})',
    });
  });

  ruleTest(RULES.path, 'a path without a leading "/" is refused', () => {
    // Huawei paths are absolute.
    expectApiError({ path: 'orders' }, { rule: RULES.path, value: '"orders"', detail: 'does not start with "/"' });
  });

  ruleTest(RULES.path, 'a 513-character path is refused, 512 is fine', () => {
    // Huawei's limit.
    const group = newGroup();
    api(group, 'Fits', { path: '/' + 'a'.repeat(511) });
    expectValidationError(() => api(group, 'Api', { path: '/' + 'b'.repeat(512) }),
      { path: 'Stack/Group/Api', rule: RULES.path, value: `"/${'b'.repeat(50)}`, detail: '513 characters' });
  });

  ruleTest(RULES.path, 'a greedy parameter that is not the last segment is refused', () => {
    // {name+} swallows the rest of the path: nothing can follow it.
    expectApiError({ path: '/files/{key+}/meta' },
      { rule: RULES.path, value: '"/files/{key+}/meta"', detail: 'greedy parameter {key+} is not the last segment' });
  });

  ruleTestEach(RULES.path, [['/orders/a b', 'segment "a b"'], ['/orders?x=1', 'segment "orders?x=1"'], ['/a//b', 'empty segment'],
    ['/{1abc}', 'segment "{1abc}"']] as const, 'path %p is refused', ([path, detail]) => {
    // Characters outside Huawei's set cannot be routed by API Gateway either.
    expectApiError({ path }, { rule: RULES.path, value: JSON.stringify(path), detail });
  });

  ruleTest(RULES.path, 'a parameter repeated in one path is refused', () => {
    // {id} twice: which value would the backend get?
    expectApiError({ path: '/a/{id}/b/{id}' }, { rule: RULES.path, value: '"/a/{id}/b/{id}"', detail: 'parameter {id} appears twice' });
  });

  ruleTest(RULES.path, 'a greedy and a non-greedy variable at the same level are refused', () => {
    // API Gateway allows one variable child per resource.
    const group = newGroup();
    api(group, 'First', { path: '/a/{x}' });
    expectValidationError(() => api(group, 'Second', { path: '/a/{y+}' }), {
      path: 'Stack/Group/Second', rule: RULES.path, value: '"/a/{y+}"',
      detail: 'API Gateway allows one variable segment per level, and /a/{x} is already defined there',
    });
  });

  ruleTest(RULES.apiName, 'an API name outside Huawei\'s rules is refused', () => {
    // $context.apiName and exports use it.
    expectApiError({ apiName: 'ab' }, { rule: RULES.apiName, value: '"ab"' });
    expectApiError({ apiName: 'get order' }, { rule: RULES.apiName, value: '"get order"' });
    expectApiError({ apiName: '-get-order' }, { rule: RULES.apiName, value: '"-get-order"' });
  });

  ruleTest(RULES.apiGatewayResponse, 'a gateway response of another group is refused', () => {
    // The other group's proxy renders it: this group's proxy would not know it.
    const stack = newStack();
    const a = new ApiGroup(stack, 'A');
    const b = new ApiGroup(stack, 'B');
    const foreign: GatewayResponse = b.addGatewayResponse('strict');
    expectValidationError(() => api(a, 'GetOrder', { gatewayResponse: foreign }), {
      path: 'Stack/A/GetOrder', rule: RULES.apiGatewayResponse, value: '"strict"', detail: 'response Stack/B/Responsestrict belongs to another group',
    });
    expectValidationError(() => api(a, 'GetDefault', { gatewayResponse: b.defaultResponse }), {
      path: 'Stack/A/GetDefault', rule: RULES.apiGatewayResponse, value: '"default"', detail: 'response Stack/B/DefaultResponse belongs to another group',
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('request parameters', () => {
  ruleTest(RULES.parametersPerApi, '51 parameters are refused, 50 are fine', () => {
    // Huawei's limit per API.
    const params = (n: number) => Array.from({ length: n }, (_, i) => RequestParameter.query(`q${i}`));
    const group = newGroup();
    api(group, 'Fits', { parameters: params(50) });
    expectValidationError(() => api(group, 'Api', { path: '/other', parameters: params(51) }),
      { path: 'Stack/Group/Api', rule: RULES.parametersPerApi, value: 'number of request parameters 51' });
  });

  ruleTestEach(RULES.parameterName, ['x-apig-foo', 'X-Stage', '1abc', 'X-Sdk-Date', 'a'.repeat(33), 'a b'],
    'parameter name %p is refused', name => {
      // Reserved prefixes collide with the gateway's own headers; others break Huawei's grammar.
      expectApiError({ parameters: [RequestParameter.header(name)] },
        { rule: RULES.parameterName, value: `request parameter name ${JSON.stringify(name)}` });
    });

  ruleTest(RULES.parameterName, 'the same parameter twice in one location is refused (headers ignore case)', () => {
    // The second declaration would silently replace the first.
    expectApiError({ parameters: [RequestParameter.header('Trace'), RequestParameter.header('trace')] },
      { rule: RULES.parameterName, value: '"trace"', detail: 'declared twice in header' });
    expectApiError({ parameters: [RequestParameter.query('q'), RequestParameter.query('q')] },
      { rule: RULES.parameterName, value: '"q"', detail: 'declared twice in query' });
  });

  ruleTest(RULES.pathParameter, 'an optional path parameter is refused', () => {
    // A path parameter is part of the route: it is always present.
    expectApiError({ path: '/orders/{id}', parameters: [RequestParameter.path('id', { required: false })] },
      { rule: RULES.pathParameter, value: '"id"', detail: 'path parameters cannot be optional' });
  });

  ruleTest(RULES.pathParameter, 'a path parameter that is not in the path is refused', () => {
    // Its validation could never run.
    expectApiError({ path: '/orders/{id}', parameters: [RequestParameter.path('sku')] },
      { rule: RULES.pathParameter, value: '"sku"', detail: 'path /orders/{id} has no {sku}' });
  });

  ruleTest(RULES.parameterRange, 'minimum on a STRING parameter is refused', () => {
    // Bounds of the wrong kind would be ignored at runtime.
    expectApiError({ parameters: [RequestParameter.query('q', { minimum: 1 })] },
      { rule: RULES.parameterRange, value: '"q"', detail: 'query parameter q is a STRING: use minLength/maxLength' });
  });

  ruleTest(RULES.parameterRange, 'minLength on a NUMBER parameter is refused', () => {
    // Same mistake the other way round.
    expectApiError({ parameters: [RequestParameter.query('n', { type: ParameterType.NUMBER, minLength: 1 })] },
      { rule: RULES.parameterRange, value: '"n"', detail: 'query parameter n is a NUMBER: use minimum/maximum' });
  });

  ruleTest(RULES.parameterRange, 'minimum above maximum is refused', () => {
    // No value could ever pass.
    expectApiError({ parameters: [RequestParameter.query('n', { type: ParameterType.NUMBER, minimum: 10, maximum: 1 })] },
      { rule: RULES.parameterRange, value: '"10 > 1"', detail: 'query parameter n: minimum is above its maximum' });
    expectApiError({ parameters: [RequestParameter.query('s', { minLength: 5, maxLength: 2 })] },
      { rule: RULES.parameterRange, value: '"5 > 2"', detail: 'query parameter s: minLength is above its maximum' });
  });

  ruleTest(RULES.parameterRange, 'NUMBER enumerations that are not numbers are refused', () => {
    // "two" can never equal a NUMBER value.
    expectApiError({ parameters: [RequestParameter.query('n', { type: ParameterType.NUMBER, enumerations: ['1', 'two', '3'] })] },
      { rule: RULES.parameterRange, value: '"two"', detail: 'query parameter n is a NUMBER: enumerations must be numbers' });
  });

  ruleTest(RULES.parameterRange, 'negative lengths and empty enumerations are refused', () => {
    // Both make the parameter impossible (or meaningless) to validate.
    expectApiError({ parameters: [RequestParameter.query('s', { minLength: -1 })] },
      { rule: RULES.parameterRange, value: '-1', detail: 'lengths are whole numbers >= 0' });
    expectApiError({ parameters: [RequestParameter.query('s', { enumerations: [] })] },
      { rule: RULES.parameterRange, value: '"[]"', detail: 'enumerations must list at least one value' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('backends', () => {
  ruleTestEach(RULES.backendTimeout, [0, 60_001, 1.5], 'a backend timeout of %p ms is refused', ms => {
    // Huawei allows 1 ms - 60 s.
    expectApiError({ backend: Backend.http('https://orders.example.com', { timeout: Duration.millis(ms) }) },
      { rule: RULES.backendTimeout, value: `"${ms} ms"` }, { integrationTimeout: Duration.seconds(90) });
  });

  ruleTest(RULES.backendTimeout, 'a backend timeout above the integration timeout minus 1 s is refused', () => {
    // API Gateway would cut the request first and answer its own 504, bypassing the API's response.
    const group = newGroup();
    api(group, 'Fits', { backend: Backend.http('https://orders.example.com', { timeout: Duration.millis(28_000) }) });
    expectValidationError(() => api(group, 'Api', { path: '/other', backend: Backend.http('https://orders.example.com', { timeout: Duration.millis(28_001) }) }), {
      path: 'Stack/Group/Api', rule: RULES.backendTimeout, value: '"28001 ms"',
      detail: 'the group\'s integration timeout is 29000 ms, so at most 28000 ms fits',
    });
  });

  ruleTest(RULES.backendTimeout, 'function backends are held to the same limits, against a raised integration timeout', () => {
    // The ceiling follows the group's integrationTimeout.
    const group = newGroup({ integrationTimeout: Duration.seconds(45) });
    const fn = lambda.Function.fromFunctionArn(group, 'Fn', fnArn);
    api(group, 'Fits', { backend: Backend.fn(fn, { timeout: Duration.seconds(44) }) });
    expectValidationError(() => api(group, 'Api', { path: '/other', backend: Backend.fn(fn, { timeout: Duration.millis(44_001) }) }),
      { path: 'Stack/Group/Api', rule: RULES.backendTimeout, value: '"44001 ms"', detail: 'at most 44000 ms fits' });
  });

  ruleTest(RULES.integrationTimeout, 'an integration timeout below 50 ms is refused', () => {
    // API Gateway's lower bound.
    expectGroupError({ integrationTimeout: Duration.millis(49) }, { rule: RULES.integrationTimeout, value: '"49 ms"' });
  });

  ruleTestEach(RULES.backendUrl, ['ftp://files.example.com/x', 'orders.example.com/x', 'https://'], 'backend URL %p is refused', url => {
    // The proxy can only call absolute http(s) URLs.
    expectApiError({ backend: Backend.http(url) }, { rule: RULES.backendUrl, value: JSON.stringify(url) });
  });

  ruleTest(RULES.backendUrl, 'a URL placeholder that is not a path parameter is refused', () => {
    // It could never be filled in: the backend would receive "{orderId}" literally.
    expectApiError({ path: '/orders/{id}', backend: Backend.http('https://orders.example.com/orders/{orderId}') }, {
      rule: RULES.backendUrl, value: '"https://orders.example.com/orders/{orderId}"',
      detail: 'placeholder {orderId} is neither a path parameter nor a PATH backend parameter (the API has {id})',
    });
  });

  ruleTest(RULES.backendUrl, 'a URL holding tokens is accepted, its placeholders still checked', () => {
    // e.g. a load balancer's DNS name: the token's own ${Token[...]} is not a placeholder.
    const group = newGroup();
    const host = Lazy.string({ produce: () => 'internal.example.com' });
    expect(() => api(group, 'Accepted', { path: '/orders/{id}', backend: Backend.http(`https://${host}/orders/{id}`) })).not.toThrow();
    expectValidationError(() => api(group, 'Api', { path: '/items/{id}', backend: Backend.http(`https://${host}/items/{sku}`) }),
      { path: 'Stack/Group/Api', rule: RULES.backendUrl, value: '/items/{sku}"', detail: 'placeholder {sku} is neither a path parameter nor a PATH backend parameter' });
  });

  ruleTestEach(RULES.mockBackend, [700, 99, 200.5], 'mock status %p is refused', statusCode => {
    // Not an HTTP status.
    expectApiError({ backend: Backend.mock({ statusCode }) }, { rule: RULES.mockBackend, value: `mock backend ${statusCode}` });
  });

  ruleTestEach(RULES.contextHeaders, [['Bad Header', 'user'], ['X-User', '1user'], ['X-User', 'a'.repeat(33)]],
    'authorizer context header %p is refused', ([header, key]) => {
      // The header could not be sent, or the key could never come from an authorizer's context.
      expectApiError({ backend: Backend.http('https://orders.example.com', { authorizerContextHeaders: { [header]: key } }) },
        { rule: RULES.contextHeaders, value: `"${header}: ${key}"` });
    });

  ruleTest(RULES.mockBackend, 'a mock header name outside token characters is refused', () => {
    // It could not be sent.
    expectApiError({ backend: Backend.mock({ headers: { 'Bad Header': 'x' } }) },
      { rule: RULES.mockBackend, value: '"Bad Header"', detail: 'header name' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('group properties', () => {
  ruleTestEach(RULES.stageName, ['prod stage', 'a'.repeat(129), 'v1.0'], 'stage name %p is refused', stageName => {
    // API Gateway's stage-name rule.
    expectGroupError({ stageName }, { rule: RULES.stageName, value: `stage name ${JSON.stringify(stageName).slice(0, 50)}` });
  });

  ruleTest(RULES.stageVariables, '101 stage variables are refused, 100 are fine', () => {
    // API Gateway's and Huawei's limit.
    const vars = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`v${i}`, 'x']));
    expect(() => newGroup({ stageVariables: vars(100) })).not.toThrow();
    expectGroupError({ stageVariables: vars(101) }, { rule: RULES.stageVariables, value: '"101 variables"' });
  });

  ruleTest(RULES.stageVariables, 'a stage variable name outside letters, digits and "_" is refused', () => {
    // $stageVariables.<name> could not refer to it.
    expectGroupError({ stageVariables: { 'my-var': 'x' } }, { rule: RULES.stageVariables, value: '"my-var"', detail: 'name' });
  });

  ruleTest(RULES.stageVariables, 'a stage variable named __proto__ is refused; constructor is a variable like any other', () => {
    // The AWS CDK writes the template through plain objects: __proto__ would vanish from the stage silently.
    const proto = Object.defineProperty({}, '__proto__', { value: 'x', enumerable: true, writable: true, configurable: true });
    expectGroupError({ stageVariables: proto }, { rule: RULES.stageVariables, value: '"__proto__"', detail: 'a name the AWS CDK cannot write into the template' });
    expect(() => newGroup({ stageVariables: { constructor: 'x' } as never })).not.toThrow();
  });

  ruleTestEach(RULES.stageVariables, ['a b', 'x'.repeat(513), ''], 'stage variable value %p is refused', value => {
    // API Gateway refuses the stage at deploy time otherwise.
    expectGroupError({ stageVariables: { v: value } },
      { rule: RULES.stageVariables, value: JSON.stringify(value).slice(0, 50), detail: 'value of v' });
  });

  ruleTestEach(RULES.groupName, ['ab', '-orders', 'orders group', 'o'.repeat(256)], 'group name %p is refused', groupName => {
    // Huawei's group-name rule (also the REST API's name).
    expectGroupError({ groupName }, { rule: RULES.groupName, value: `group name ${JSON.stringify(groupName).slice(0, 50)}` });
  });

  ruleTest(RULES.cors, 'CORS without an origin is refused', () => {
    // Nothing would be allowed: almost certainly a mistake.
    expectGroupError({ cors: { allowOrigins: [] } }, { rule: RULES.cors, value: '"[]"', detail: 'no origin' });
  });

  ruleTestEach(RULES.cors, ['shop.example.com', 'https://shop.example.com/', 'https://shop.example.com/app'], 'origin %p is refused', origin => {
    // Browsers send scheme://host[:port]; anything else never matches.
    expectGroupError({ cors: { allowOrigins: [origin] } }, { rule: RULES.cors, value: JSON.stringify(origin) });
  });

  ruleTest(RULES.matchMode, 'a PREFIX path ending in a greedy parameter, and a second PREFIX API of the same method and path', () => {
    // The greedy parameter already serves every path below; (method, path, match mode) is unique.
    expectApiError({ path: '/files/{key+}', matchMode: MatchMode.PREFIX }, {
      rule: RULES.matchMode, value: '"PREFIX /files/{key+}"', detail: 'a path ending in a greedy parameter already serves every path below it: use EXACT',
    });
    expectApiError({ matchMode: 'SWA' as MatchMode }, { rule: RULES.matchMode, value: '"SWA"' });
  });

  ruleTest(RULES.cors, 'an API\'s own CORS is checked as the group\'s', () => {
    // ApiOptions.cors: the same rule, naming the API.
    expectApiError({ cors: { allowOrigins: ['shop.example.com'] } }, { rule: RULES.cors, value: '"shop.example.com"' });
  });

  ruleTest(RULES.cors, '"*" with credentials, or mixed with origins, is refused', () => {
    // Browsers reject "*" with credentials; "*" beside origins is contradictory.
    expectGroupError({ cors: { allowOrigins: ['*'], allowCredentials: true } },
      { rule: RULES.cors, value: '"*"', detail: '"*" with allowCredentials' });
    expectGroupError({ cors: { allowOrigins: ['*', 'https://shop.example.com'] } },
      { rule: RULES.cors, value: '"*,https://shop.example.com"', detail: '"*" mixed with origins' });
  });

  ruleTestEach(RULES.lambdaMemory, [64, 10_241, 1.5], 'proxy memory %p MB is refused', proxyMemorySize => {
    // Lambda's range: deployment would fail.
    expectGroupError({ proxyMemorySize }, { rule: RULES.lambdaMemory, value: `proxy memory size ${proxyMemorySize}` });
  });

  ruleTest(RULES.lambdaMemory, '128 and 10240 MB are allowed', () => {
    // The bounds are inclusive.
    expect(() => newGroup({ proxyMemorySize: 128 })).not.toThrow();
    expect(() => newGroup({ proxyMemorySize: 10_240 })).not.toThrow();
  });

  ruleTestEach(RULES.binaryMediaTypes, ['image', '*/json', 'image/*png', 'text/plain; charset=utf-8', '*', 'image/ png', ''],
    'binary media type %p is refused', type => {
      // The proxy matches Content-Type against type/subtype, type/* or */*: anything else would never match.
      expectGroupError({ binaryMediaTypes: ['image/png', type] },
        { rule: RULES.binaryMediaTypes, value: `binary media type ${JSON.stringify(type)}` });
    });

  ruleTest(RULES.binaryMediaTypes, 'media types, whole types and */* are allowed; the list reaches the configuration document', () => {
    // Vendor and suffixed names (RFC 6838) included.
    const types = ['application/vnd.ms-excel', 'image/*', '*/*', 'application/x-protobuf', 'model/gltf+json'];
    expect(proxyAsset(newGroup({ binaryMediaTypes: types })).config.binaryMediaTypes).toEqual(types);
    expect(proxyAsset(newGroup({ binaryMediaTypes: [] })).config.binaryMediaTypes).toEqual([]);
    // Not set: the document says nothing, and the proxy applies its default list.
    expect(proxyAsset(newGroup()).config.binaryMediaTypes).toBeUndefined();
    expectGroupError({ binaryMediaTypes: [Token.asString(Lazy.string({ produce: () => 'image/png' }))] },
      { rule: RULES.literal, value: 'binary media type' });
  });

  ruleTestEach(RULES.metricsNamespace, ['AWS/ApiGateway', '', '   ', 'Shop\tGateway', 'Bücher', 'x'.repeat(256)],
    'a namespace CloudWatch refuses or reserves for AWS (%j) is refused', (namespace) => {
      expectGroupError({ metricsNamespace: namespace }, { rule: RULES.metricsNamespace, value: JSON.stringify(namespace).slice(0, 20) });
    });

  ruleTest(RULES.metricsNamespace, 'a namespace of letters, digits, space and ".-_/#:" reaches the configuration document; default CdkApiGroups', () => {
    expect(proxyAsset(newGroup({ metricsNamespace: 'Shop Gateway/prod#1:a_b-c.d' })).config.metrics).toEqual({ namespace: 'Shop Gateway/prod#1:a_b-c.d' });
    expect(proxyAsset(newGroup()).config.metrics).toEqual({ namespace: 'CdkApiGroups' });
    expectGroupError({ metricsNamespace: Token.asString(Lazy.string({ produce: () => 'Ns' })) }, { rule: RULES.literal, value: 'metrics namespace' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('tokens where a literal is required', () => {
  const token = () => Lazy.string({ produce: () => 'x' });

  ruleTest(RULES.literal, 'a token group name is refused', () => {
    // The name is validated and written into the configuration document at synth time.
    const groupName = token();
    expectGroupError({ groupName }, { rule: RULES.literal, value: JSON.stringify(groupName), detail: 'group name must not be a token' });
  });

  ruleTest(RULES.literal, 'a token stage name is refused', () => {
    // Same for the stage.
    const stageName = token();
    expectGroupError({ stageName }, { rule: RULES.literal, value: JSON.stringify(stageName), detail: 'stage name must not be a token' });
  });

  ruleTest(RULES.literal, 'a token path is refused', () => {
    // Routing is decided at synth time.
    const path = token();
    expectApiError({ path }, { rule: RULES.literal, value: JSON.stringify(path), detail: 'path must not be a token' });
  });

  ruleTest(RULES.literal, 'token body, header value and status code are refused', () => {
    // Templates are parsed at synth time and translated into API Gateway's syntax.
    const body = token();
    expectRuleError({ type: ResponseType.THROTTLED, body }, { rule: RULES.literal, value: JSON.stringify(body), detail: 'body template must not be a token' });
    const value = token();
    expectRuleError({ type: ResponseType.THROTTLED, headers: { 'X-Tenant': value } },
      { rule: RULES.literal, value: JSON.stringify(value), detail: 'header value of X-Tenant must not be a token' });
    const statusCode = Token.asNumber(Lazy.number({ produce: () => 429 }));
    expectRuleError({ type: ResponseType.THROTTLED, statusCode },
      { rule: RULES.literal, value: '${Token[', detail: 'status code must not be a token' });
  });

  ruleTest(RULES.literal, 'a token response name is refused', () => {
    // APIs select responses by name.
    const group = newGroup();
    const name = token();
    expectValidationError(() => group.addGatewayResponse(name),
      { path: `Stack/Group/Response${name}`, rule: RULES.literal, value: JSON.stringify(name), detail: 'gateway response name must not be a token' });
  });

  ruleTest(RULES.literal, 'a token backend timeout is refused', () => {
    // The timeout is checked against the integration timeout at synth time.
    expectApiError({ backend: Backend.http('https://orders.example.com', { timeout: Duration.millis(Token.asNumber(Lazy.number({ produce: () => 5 }))) }) },
      { rule: RULES.literal, value: '${Token[', detail: 'backend timeout must not be a token' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('apps, authorizers, access control and throttling', () => {
  const authFn = (group: ApiGroup) => {
    const stack = Stack.of(group);
    return (stack.node.tryFindChild('AuthFn') as lambda.IFunction | undefined) ?? lambda.Function.fromFunctionArn(stack, 'AuthFn', `${fnArn}-auth`);
  };
  const custom = (group: ApiGroup, options: Partial<CustomAuthorizerOptions> = {}, name = 'jwt') =>
    group.addCustomAuthorizer(name, { handler: authFn(group), ...options });
  const thirdParty = (group: ApiGroup, options: Partial<ThirdPartyAuthorizerOptions> = {}, name = 'partner') =>
    group.addThirdPartyAuthorizer(name, { url: 'https://auth.example.com/check', ...options });
  const code = (n: number, c = 'a') => c.repeat(n);
  const literalSecret = (group: ApiGroup, value: string) => new secretsmanager.Secret(Stack.of(group), 'Secret', {
    secretStringValue: SecretValue.unsafePlainText(value),
  });

  ruleTestEach(RULES.appName, ['ab', '1app', 'my-app', 'a'.repeat(65)], 'app name %p is refused', name => {
    // Huawei's credential-name rule; it is also $context.appName.
    const group = newGroup();
    expectValidationError(() => group.addApp(name), { path: `Stack/Group/App${name}`, rule: RULES.appName, value: JSON.stringify(name) });
  });

  ruleTest(RULES.appName, 'a second app of the same name is refused', () => {
    // Apps are named in APIs' authorisations and in $context.appName.
    const group = newGroup();
    group.addApp('mobile');
    expectValidationError(() => group.addApp('mobile'),
      { path: 'Stack/Group', rule: RULES.appName, value: '"mobile"', detail: 'already used in this group' });
  });

  ruleTest(RULES.appsPerGroup, 'a 51st app is refused, 50 are fine', () => {
    // Huawei's credential quota.
    const group = newGroup();
    for (let i = 1; i <= 50; i++) { group.addApp(`app_${i}`); }
    expectValidationError(() => group.addApp('app_51'), { path: 'Stack/Group/Appapp_51', rule: RULES.appsPerGroup, value: '51' });
  });

  ruleTestEach(RULES.appSecret, [
    ['{"appCode":"short"}', 'AppCode number 1 is not a string of the allowed length'],
    [JSON.stringify({ appCode: code(181) }), 'AppCode number 1 is not a string of the allowed length'],
    [JSON.stringify({ appCodes: Array.from({ length: 6 }, (_, i) => code(64, String(i))) }), '6 AppCodes'],
    [JSON.stringify({ appCodes: [] }), '0 AppCodes'],
    [code(64), 'its value is not JSON with "appCode" or "appCodes"'],
  ] as const, 'a supplied secret with a bad literal value is refused (%#), without showing the value', ([value, detail]) => {
    // The authorizer could never match such an AppCode; and the message must not leak the secret.
    const group = newGroup();
    const secret = literalSecret(group, value);
    const e = expectValidationError(() => group.addApp('mobile', { secret }),
      { path: 'Stack/Group/Appmobile', rule: RULES.appSecret, value: '"Stack/Secret"', detail });
    expect(e.message).not.toContain(value);
  });

  ruleTest(RULES.appSecret, 'a supplied secret generated without an "appCode" key, or too short, is refused', () => {
    // `new Secret(this, 'X')` generates a bare 32-character password: no AppCode the authorizer can read.
    const group = newGroup();
    const stack = Stack.of(group);
    expectValidationError(() => group.addApp('plain', { secret: new secretsmanager.Secret(stack, 'Plain') }), {
      path: 'Stack/Group/Appplain', rule: RULES.appSecret, value: '"Stack/Plain"', detail: 'generated without generateStringKey "appCode"',
    });
    const short = new secretsmanager.Secret(stack, 'Short', {
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'appCode', passwordLength: 32 },
    });
    expectValidationError(() => group.addApp('short', { secret: short }),
      { path: 'Stack/Group/Appshort', rule: RULES.appSecret, value: '"Stack/Short"', detail: 'it generates AppCodes of 32 characters' });
  });

  ruleTest(RULES.appSecret, 'good literal, generated and imported secrets are accepted', () => {
    // 1-5 codes of 64-180 characters; an imported secret is checked by the authorizer at run time.
    const group = newGroup();
    const stack = Stack.of(group);
    expect(() => group.addApp('one', { secret: literalSecret(group, JSON.stringify({ appCode: code(64) })) })).not.toThrow();
    expect(() => group.addApp('five', {
      secret: new secretsmanager.Secret(stack, 'Five', { secretStringValue: SecretValue.unsafePlainText(JSON.stringify({ appCodes: Array(5).fill(code(180)) })) }),
    })).not.toThrow();
    expect(() => group.addApp('generated', {
      secret: new secretsmanager.Secret(stack, 'Gen', {
        generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'appCode', passwordLength: 100, excludePunctuation: true },
      }),
    })).not.toThrow();
    expect(() => group.addApp('imported', {
      secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Imported', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:partner-AbCdEf'),
    })).not.toThrow();
  });

  ruleTestEach(RULES.appKey, ['seven77', '-leading-dash', 'has.dot.inside', 'has space inside'], 'AppKey %p is refused', appKey => {
    // Huawei's app_key: 8-200 of [A-Za-z0-9_-], first a letter or digit; it is echoed in refusals.
    const group = newGroup();
    expectValidationError(() => group.addApp('mobile', { appKey }), { path: 'Stack/Group/Appmobile', rule: RULES.appKey, value: JSON.stringify(appKey) });
  });

  ruleTest(RULES.appKey, 'an AppKey already used in the group is refused; a token AppKey is accepted', () => {
    // The AppKey names the app of a signed request: it must name one.
    const group = newGroup();
    group.addApp('mobile', { appKey: 'mobile-key-01' });
    expectValidationError(() => group.addApp('web', { appKey: 'mobile-key-01' }),
      { path: 'Stack/Group/Appweb', rule: RULES.appKey, value: '"mobile-key-01"', detail: 'already the AppKey of app mobile' });
    expect(() => group.addApp('token', { appKey: Lazy.string({ produce: () => 'token-key-001' }) })).not.toThrow();
  });

  ruleTestEach(RULES.appSecretValue, [
    ['{"appSecret":"short"}', 'its appSecret has characters or a length not allowed'],
    [JSON.stringify({ appSecret: 'with space inside' }), 'its appSecret has characters or a length not allowed'],
    [JSON.stringify({ appCode: code(64) }), 'its value is not JSON with "appSecret"'],
  ] as const, 'a supplied AppSecret secret with a bad literal value is refused (%#), without showing the value', ([value, detail]) => {
    // Every signature of the app would fail; and the message must not leak the secret.
    const group = newGroup();
    const appSecret = literalSecret(group, value);
    const e = expectValidationError(() => group.addApp('mobile', { appSecret }),
      { path: 'Stack/Group/Appmobile', rule: RULES.appSecretValue, value: '"Stack/Secret"', detail });
    expect(e.message).not.toContain(value);
  });

  ruleTest(RULES.appSecretValue, 'a supplied AppSecret secret generated without "appSecret", or with punctuation, is refused', () => {
    // A plain generated password is not JSON; generated punctuation may fall outside Huawei's _-!@#$%.
    const group = newGroup();
    const stack = Stack.of(group);
    expectValidationError(() => group.addApp('plain', { appSecret: new secretsmanager.Secret(stack, 'Plain') }), {
      path: 'Stack/Group/Appplain', rule: RULES.appSecretValue, value: '"Stack/Plain"', detail: 'generated without generateStringKey "appSecret"',
    });
    const punctuated = new secretsmanager.Secret(stack, 'Punctuated', {
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'appSecret', passwordLength: 32 },
    });
    expectValidationError(() => group.addApp('punctuated', { appSecret: punctuated }),
      { path: 'Stack/Group/Apppunctuated', rule: RULES.appSecretValue, value: '"Stack/Punctuated"', detail: 'set excludePunctuation' });
    const good = new secretsmanager.Secret(stack, 'Good', {
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'appSecret', passwordLength: 40, excludePunctuation: true },
    });
    expect(() => group.addApp('good', { appSecret: good })).not.toThrow();
  });

  ruleTest(RULES.apiAuth, 'ApiAuth.app() without an app is refused', () => {
    // Nobody could ever call the API.
    expectApiError({ auth: ApiAuth.app({ apps: [] }) }, { rule: RULES.apiAuth, value: '"ApiAuth.app({ apps: [] })"', detail: 'no app' });
  });

  ruleTest(RULES.apiAuth, 'apps and authorizers of another group are refused', () => {
    // Each group has its own authorizer, secrets grants and configuration document.
    const stack = newStack();
    const other = new ApiGroup(stack, 'Other');
    const group = newGroup({}, stack);
    const app = other.addApp('mobile');
    const jwt = custom(other);
    expectValidationError(() => api(group, 'Api', { auth: ApiAuth.app({ apps: [app] }) }),
      { path: 'Stack/Group/Api', rule: RULES.apiAuth, value: '"mobile"', detail: 'app Stack/Other/Appmobile belongs to another group' });
    expectValidationError(() => api(group, 'Api2', { auth: ApiAuth.custom(jwt) }),
      { path: 'Stack/Group/Api2', rule: RULES.apiAuth, value: '"jwt"', detail: 'belongs to another group' });
  });

  ruleTestEach(RULES.authorizerName, ['ab', '1auth', 'my-auth', 'a'.repeat(65)], 'authorizer name %p is refused', name => {
    // Huawei's authorizer-name rule, for both kinds.
    const group = newGroup();
    expectValidationError(() => custom(group, {}, name),
      { path: `Stack/Group/CustomAuthorizer${name}`, rule: RULES.authorizerName, value: JSON.stringify(name) });
    expectValidationError(() => thirdParty(group, {}, name),
      { path: `Stack/Group/ThirdPartyAuthorizer${name}`, rule: RULES.authorizerName, value: JSON.stringify(name) });
  });

  ruleTest(RULES.authorizerName, 'custom and third-party authorizers share one name space', () => {
    // APIs and the configuration document name authorizers; Huawei's names are unique per gateway.
    const group = newGroup();
    custom(group, {}, 'auth');
    expectValidationError(() => thirdParty(group, {}, 'auth'),
      { path: 'Stack/Group', rule: RULES.authorizerName, value: '"auth"', detail: 'already used in this group' });
  });

  ruleTestEach(RULES.cacheTtl, [Duration.seconds(3601), Duration.millis(1500), Duration.hours(2)], 'cache TTL %p is refused', cacheTtl => {
    // Huawei's and API Gateway's range, whole seconds.
    const group = newGroup();
    const value = `"${cacheTtl.toSeconds({ integral: false })} s"`;
    const identities = [IdentitySource.header('Authorization')];
    expectValidationError(() => custom(group, { cacheTtl, identities }), { path: 'Stack/Group/CustomAuthorizerjwt', rule: RULES.cacheTtl, value });
    expectValidationError(() => thirdParty(group, { cacheTtl, identities }), { path: 'Stack/Group/ThirdPartyAuthorizerpartner', rule: RULES.cacheTtl, value });
  });

  ruleTest(RULES.cacheTtl, '0 and 3600 s are allowed', () => {
    // The bounds are inclusive.
    const group = newGroup();
    expect(() => custom(group, { cacheTtl: Duration.seconds(0) }, 'nocache')).not.toThrow();
    expect(() => custom(group, { cacheTtl: Duration.hours(1), identities: [IdentitySource.query('token')] }, 'hour')).not.toThrow();
  });

  ruleTest(RULES.cacheIdentities, 'a caching authorizer without identity sources is refused', () => {
    // The identity values are the cache key: without them every caller would share one cached verdict.
    const group = newGroup();
    expectValidationError(() => custom(group, { cacheTtl: Duration.minutes(1) }),
      { path: 'Stack/Group/CustomAuthorizerjwt', rule: RULES.cacheIdentities, value: '"cacheTtl 60 s without identities"' });
    expectValidationError(() => thirdParty(group, { cacheTtl: Duration.minutes(1) }),
      { path: 'Stack/Group/ThirdPartyAuthorizerpartner', rule: RULES.cacheIdentities, value: '"cacheTtl 60 s without identities"' });
  });

  ruleTest(RULES.userData, 'user data over 2048 characters is refused, 2048 are fine', () => {
    // Huawei's limit on user_data.
    const group = newGroup();
    expect(() => custom(group, { userData: 'u'.repeat(2048) }, 'fits')).not.toThrow();
    expectValidationError(() => custom(group, { userData: 'u'.repeat(2049) }),
      { path: 'Stack/Group/CustomAuthorizerjwt', rule: RULES.userData, value: '"uuu', detail: '2049 characters' });
  });

  ruleTestEach(RULES.identityName, [
    IdentitySource.header('Author ization'), IdentitySource.header('X~Token'), IdentitySource.query('a b'), IdentitySource.query('q'.repeat(129)),
  ], 'identity source %p is refused', identity => {
    // Not a header or parameter name a request can carry.
    const group = newGroup();
    expectValidationError(() => custom(group, { identities: [identity] }),
      { path: 'Stack/Group/CustomAuthorizerjwt', rule: RULES.identityName, value: JSON.stringify(identity.name).slice(0, 50) });
  });

  ruleTest(RULES.identityName, 'an identity source declared twice is refused (header names ignore case)', () => {
    // A duplicate is a mistake, and would count twice in the cache key.
    const group = newGroup();
    expectValidationError(() => custom(group, { identities: [IdentitySource.header('Authorization'), IdentitySource.header('authorization')] }),
      { path: 'Stack/Group/CustomAuthorizerjwt', rule: RULES.identityName, value: '"authorization"', detail: 'declared twice as a header' });
    expect(() => custom(group, { identities: [IdentitySource.header('token'), IdentitySource.query('token')] }, 'both')).not.toThrow();
  });

  ruleTestEach(RULES.identityValidation, ['(unclosed', '', 'x'.repeat(2049), '(a+)+', '(\\w+\\s?)+$', '(a|a)*b', '(x)\\1'], 'validation %p is refused', validation => {
    // The authorizer compiles it at cold start: a bad pattern would break every request.
    const group = newGroup();
    expectValidationError(() => custom(group, { identities: [IdentitySource.header('Authorization', { validation })] }),
      { path: 'Stack/Group/CustomAuthorizerjwt', rule: RULES.identityValidation, value: JSON.stringify(validation).slice(0, 50) });
  });

  ruleTest(RULES.thirdPartyIdentities, 'more than 10 headers or 10 query parameters are refused; 10 of each are fine', () => {
    // Huawei's third-party authorizer limit.
    const group = newGroup();
    const headers = (n: number) => Array.from({ length: n }, (_, i) => IdentitySource.header(`X-H${i}`));
    const queries = (n: number) => Array.from({ length: n }, (_, i) => IdentitySource.query(`q${i}`));
    expect(() => thirdParty(group, { identities: [...headers(10), ...queries(10)] }, 'fits')).not.toThrow();
    expectValidationError(() => thirdParty(group, { identities: headers(11) }),
      { path: 'Stack/Group/ThirdPartyAuthorizerpartner', rule: RULES.thirdPartyIdentities, value: '"11 headers and 0 query parameters"' });
    expectValidationError(() => thirdParty(group, { identities: queries(11) }, 'other'),
      { path: 'Stack/Group/ThirdPartyAuthorizerother', rule: RULES.thirdPartyIdentities, value: '"0 headers and 11 query parameters"' });
  });

  ruleTestEach(RULES.thirdPartyAuthorizer, [
    [{ url: 'ftp://auth.example.com' }, '"ftp://auth.example.com"', 'URL'],
    [{ url: 'auth.example.com/check' }, '"auth.example.com/check"', 'URL'],
    [{ method: HttpMethod.DELETE }, '"DELETE"', 'method'],
    [{ simpleMode: false }, '"simpleMode false"', 'no match header'],
    [{ simpleMode: true, matchHeader: { name: 'X-Allowed', value: 'yes' } }, '"X-Allowed"', 'a match header with simple mode on'],
    [{ matchHeader: { name: 'X Allowed', value: 'yes' } }, '"X Allowed: yes"', 'match header'],
    [{ matchHeader: { name: 'X-Allowed', value: '' } }, '"X-Allowed: "', 'match header'],
  ] as const, 'third-party authorizer %p is refused', ([options, value, detail]) => {
    // What the proxy could not call, or a mode that cannot decide.
    const group = newGroup();
    expectValidationError(() => thirdParty(group, options as Partial<ThirdPartyAuthorizerOptions>),
      { path: 'Stack/Group/ThirdPartyAuthorizerpartner', rule: RULES.thirdPartyAuthorizer, value, detail });
  });

  ruleTestEach(RULES.authorizerTimeout, [Duration.millis(0), Duration.millis(10_001), Duration.millis(1.5)], 'authorizer timeout %p is refused', timeout => {
    // The authorizer must answer before API Gateway gives up on it.
    const group = newGroup();
    const value = `"${timeout.toMilliseconds({ integral: false })} ms"`;
    expectValidationError(() => custom(group, { timeout }), { path: 'Stack/Group/CustomAuthorizerjwt', rule: RULES.authorizerTimeout, value });
    expectValidationError(() => thirdParty(group, { timeout }), { path: 'Stack/Group/ThirdPartyAuthorizerpartner', rule: RULES.authorizerTimeout, value });
  });

  ruleTestEach(RULES.accessControl, [
    ['10.0.0.1/8', 'host bits set beyond the prefix length'],
    ['300.1.1.1', 'not an IPv4 or IPv6 address'],
    ['10.0.0.0/33', 'prefix length must be 0-32'],
    ['2001:db8::/129', 'prefix length must be 0-128'],
    ['fe80::1/64', 'host bits set beyond the prefix length'],
    ['10.0.0.0/8/8', 'not an IPv4 or IPv6 address'],
    ['example.com', 'not an IPv4 or IPv6 address'],
  ] as const, 'CIDR %p is refused, on the group and on an API', ([cidr, detail]) => {
    // A rule that can never match as written is almost always a typo.
    expectGroupError({ accessControl: AccessControl.deny([cidr]) }, { rule: RULES.accessControl, value: JSON.stringify(cidr), detail });
    expectApiError({ accessControl: AccessControl.allow(['192.0.2.0/24', cidr]) }, { rule: RULES.accessControl, value: JSON.stringify(cidr), detail });
  });

  ruleTest(RULES.accessControl, 'an empty list is refused; addresses, IPv4 and IPv6 blocks are fine', () => {
    // An empty allow list would refuse everyone.
    expectGroupError({ accessControl: AccessControl.allow([]) }, { rule: RULES.accessControl, value: '"[]"', detail: 'an empty ALLOW list' });
    expect(() => newGroup({
      accessControl: AccessControl.allow(['10.0.0.0/8', '198.51.100.7', '2001:db8::/32', '::ffff:192.0.2.0/120', '0.0.0.0/0', '::/0', '2001:db8::1']),
    })).not.toThrow();
  });

  ruleTestEach(RULES.throttle, [
    [{ rateLimit: -1 }, '-1', 'stage rateLimit'],
    [{ burstLimit: -1 }, '-1', 'stage burstLimit'],
    [{ burstLimit: 1.5 }, '1.5', 'stage burstLimit'],
  ] as const, 'stage throttle %p is refused', ([throttle, value, detail]) => {
    // API Gateway refuses the stage at deploy time otherwise.
    expectGroupError({ throttle }, { rule: RULES.throttle, value, detail });
  });

  ruleTest(RULES.throttle, 'API and app throttles are checked too; fractional rates are fine', () => {
    // Rates are requests per second and may be fractional; bursts are whole requests.
    expectApiError({ throttle: { rateLimit: -0.5 } }, { rule: RULES.throttle, value: '-0.5', detail: 'API rateLimit' });
    const group = newGroup({ throttle: { rateLimit: 0.5, burstLimit: 0 } });
    expectValidationError(() => group.addApp('mobile', { throttle: { burstLimit: 2.5 } }),
      { path: 'Stack/Group/Appmobile', rule: RULES.throttle, value: '2.5', detail: 'app burstLimit' });
  });

  ruleTestEach(RULES.quota, [
    [{ limit: 1.5, period: apigw.Period.DAY }, '1.5', 'app quota limit'],
    [{ limit: -1, period: apigw.Period.DAY }, '-1', 'app quota limit'],
    [{ limit: 100 }, '"no period"', 'app quota period'],
    [{ period: apigw.Period.WEEK }, '"no limit"', 'app quota limit'],
    [{ limit: 100, period: apigw.Period.MONTH, offset: -1 }, '-1', 'app quota offset'],
  ] as const, 'app quota %p is refused', ([quota, value, detail]) => {
    // A usage plan quota needs a whole limit and a period.
    const group = newGroup();
    expectValidationError(() => group.addApp('mobile', { quota: quota as apigw.QuotaSettings }),
      { path: 'Stack/Group/Appmobile', rule: RULES.quota, value, detail });
  });

  ruleTest(RULES.authorizersPerApi, 'an 11th authorizer on the group\'s REST API is refused at synth', () => {
    // API Gateway's quota; the group's own authorizer counts.
    const group = newGroup();
    const app = group.addApp('mobile');
    api(group, 'Api', { auth: ApiAuth.app({ apps: [app] }) });
    for (let i = 0; i < 10; i++) {
      new apigw.CfnAuthorizer(Stack.of(group), `Extra${i}`, { restApiId: group.restApi.restApiId, name: `extra${i}`, type: 'TOKEN' });
    }
    expectSynthError(group, {
      path: 'Stack/Group', rule: RULES.authorizersPerApi, value: 'number of authorizers of the REST API 11 is not allowed (1 over the quota of 10;',
      detail: 'the group\'s document defines one REQUEST authorizer; remove authorizers added to its REST API by hand, or raise the quota',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Production options (issue 9): environments, VPC, endpoint type, warm functions

describe('production options', () => {
  ruleTest(RULES.environmentsPerGroup, 'an 11th environment is refused (the default one counts)', () => {
    // Huawei APIG: at most 10 environments per group.
    const group = newGroup();
    for (let i = 1; i <= 9; i++) { group.addEnvironment(`ENV_${i}`); }
    expect(group.environments).toHaveLength(10);
    expectValidationError(() => group.addEnvironment('ENV_10'), {
      path: 'Stack/Group', rule: RULES.environmentsPerGroup, value: '11', detail: '"ENV_10" would be environment number 11',
    });
  });

  ruleTestEach(RULES.environmentName, [
    ['ab', undefined], ['1TEST', undefined], ['has-dash', undefined], ['a'.repeat(65), undefined], ['RELEASE', 'already used in this group'],
  ] as const, 'environment name %p is refused', ([name, detail]) => {
    // Huawei: 3-64 letters, digits or "_", starting with a letter, unique; RELEASE is the default one.
    const group = newGroup();
    expectValidationError(() => group.addEnvironment(name), {
      path: 'Stack/Group', rule: RULES.environmentName, value: JSON.stringify(name).slice(0, 117), detail,
    });
  });

  ruleTest(RULES.environmentVariables, 'an environment with 51 variables is refused', () => {
    // Huawei: at most 50 variables per environment.
    const variables: Record<string, string> = {};
    for (let i = 0; i < 51; i++) { variables[`var${i}`] = 'x'; }
    expectValidationError(() => newGroup().addEnvironment('TEST', { variables }), {
      path: 'Stack/Group', rule: RULES.environmentVariables, value: '"51 variables"',
    });
  });

  ruleTestEach(RULES.environmentVariable, [
    [{ ab: 'x' }, '"ab"', 'name'],
    [{ 'bad-name': 'x' }, '"bad-name"', 'name'],
    [{ host: 'has space' }, '"has space"', 'value of host'],
    [{ host: '' }, '""', 'value of host'],
    [{ host: 'x'.repeat(256) }, '"xxx', 'value of host'],
  ] as const, 'environment variable %p is refused', ([variables, value, detail]) => {
    // Huawei's names and values, within what API Gateway's stage variables allow.
    expectValidationError(() => newGroup().addEnvironment('TEST', { variables: variables as Record<string, string> }), {
      path: 'Stack/Group', rule: RULES.environmentVariable, value, detail,
    });
  });

  ruleTest(RULES.apiEnvironments, 'an API published nowhere, or in another group\'s environment, is refused', () => {
    const group = newGroup();
    expectValidationError(() => api(group, 'Nowhere', { environments: [] }), {
      path: 'Stack/Group/Nowhere', rule: RULES.apiEnvironments, value: '"[]"', detail: 'published nowhere',
    });
    const other = new ApiGroup(Stack.of(group), 'Other');
    const foreign = other.addEnvironment('TEST');
    expectValidationError(() => api(group, 'Foreign', { environments: [foreign] }), {
      path: 'Stack/Group/Foreign', rule: RULES.apiEnvironments, value: '"TEST"', detail: 'belongs to another group',
    });
  });

  ruleTest(RULES.vpcAccess, 'functions in isolated subnets that call Secrets Manager without an endpoint fail the synth', () => {
    // The call would hang until the authorizer's timeout: refused at synth, with the ways out.
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const group = newGroup({ vpc }, stack);
    const app = group.addApp('mobile');
    api(group, 'Api', { auth: ApiAuth.app({ apps: [app] }) });
    expectSynthError(group, {
      path: 'Stack/Group', rule: RULES.vpcAccess, value: 'call SecretsManager (the apps\' AppCodes)', detail: 'set createVpcEndpoints: true',
    });
  });

  ruleTestEach(RULES.vpcPlacement, ['vpcSubnets', 'securityGroups', 'createVpcEndpoints'] as const,
    '%s without a vpc is refused', prop => {
      const stack = newStack();
      const props: ApiGroupProps = prop === 'vpcSubnets' ? { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }
        : prop === 'securityGroups' ? { securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-12345678')] }
          : { createVpcEndpoints: true };
      expectValidationError(() => newGroup(props, stack), { path: 'Stack/Group', rule: RULES.vpcPlacement, value: `"${prop}"`, detail: 'no vpc' });
    });

  ruleTestEach(RULES.endpointType, [
    [{ endpointType: apigw.EndpointType.PRIVATE }, '"PRIVATE"', 'neither privateEndpoints nor a vpc'],
    [{ endpointType: apigw.EndpointType.REGIONAL, privateEndpoints: ['vpce'] }, '"REGIONAL"', 'privateEndpoints need PRIVATE'],
  ] as const, 'endpoint options %p are refused', ([props, value, detail]) => {
    const stack = newStack();
    const endpoints = 'privateEndpoints' in props
      ? [ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Vpce', { vpcEndpointId: 'vpce-1', port: 443 })] : undefined;
    expectValidationError(() => newGroup({ endpointType: props.endpointType, privateEndpoints: endpoints }, stack), {
      path: 'Stack/Group', rule: RULES.endpointType, value, detail,
    });
  });

  ruleTestEach(RULES.keepWarm, [
    [{ aliasName: '123' }, '"123"', 'alias name'],
    [{ aliasName: 'has space' }, '"has space"', 'alias name'],
    [{ proxyProvisionedConcurrency: 0 }, '0', 'proxyProvisionedConcurrency'],
    [{ authorizerProvisionedConcurrency: 1.5 }, '1.5', 'authorizerProvisionedConcurrency'],
  ] as const, 'keepWarm %p is refused', ([keepWarm, value, detail]) => {
    expectGroupError({ keepWarm }, { rule: RULES.keepWarm, value, detail });
  });
});

describe('backend policies', () => {
  const when = (name: string): PolicyCondition => PolicyCondition.parameter(name, { exact: 'x' });
  const policy = (over: Partial<BackendPolicy> = {}): BackendPolicy => ({
    policyName: 'beta', backend: Backend.mock({ body: 'beta' }), conditions: [when('tier')], ...over,
  });
  const withPolicies = (backendPolicies: BackendPolicy[], over: Partial<ApiOptions> = {}): Partial<ApiOptions> => ({
    path: '/orders/{id}', parameters: [RequestParameter.query('tier')], backendPolicies, ...over,
  });

  ruleTest(RULES.backendPolicies, 'at most 5 policies per API', () => {
    const six = [1, 2, 3, 4, 5, 6].map(i => policy({ policyName: `p${i}xx` }));
    expectApiError(withPolicies(six), { rule: RULES.backendPolicies, value: '6' });
    expect(() => api(newGroup(), 'Five', withPolicies(six.slice(0, 5)))).not.toThrow();
  });

  ruleTestEach(RULES.backendPolicyName, [
    ['ab', undefined], ['1abc', undefined], ['has-dash', undefined], ['a'.repeat(65), undefined],
  ] as const, 'policy name %p is refused', ([name]) => {
    expectApiError(withPolicies([policy({ policyName: name })]), { rule: RULES.backendPolicyName, value: `"${name}"` });
  });

  ruleTest(RULES.backendPolicyName, 'a policy name is unique in the API', () => {
    expectApiError(withPolicies([policy(), policy()]), { rule: RULES.backendPolicyName, value: '"beta"', detail: 'declared twice in the API' });
  });

  ruleTest(RULES.backendPolicyBackend, 'a policy backend has the kind of the API\'s backend', () => {
    expectApiError(withPolicies([policy({ backend: Backend.http('https://beta.example.com/orders/{id}') })]),
      { rule: RULES.backendPolicyBackend, value: '"HTTP"', detail: 'backend policy "beta": the API\'s backend is MOCK' });
  });

  ruleTest(RULES.backendUrl, 'a policy backend is checked like the API\'s own (URL placeholders are path parameters)', () => {
    expectApiError(withPolicies([policy({ backend: Backend.http('https://beta.example.com/{nope}') })],
      { backend: Backend.http('https://main.example.com/orders/{id}') }),
    { rule: RULES.backendUrl, value: '"https://beta.example.com/{nope}"', detail: 'backend policy "beta": ' });
  });

  ruleTest(RULES.backendTimeout, 'a policy backend\'s own timeout is checked', () => {
    expectApiError(withPolicies([policy({ backend: Backend.http('https://beta.example.com', { timeout: Duration.seconds(61) }) })],
      { backend: Backend.http('https://main.example.com') }), { rule: RULES.backendTimeout, value: '"61000 ms"' });
  });

  ruleTestEach(RULES.policyConditions, [[0], [6]] as const, '%p conditions are refused', ([n]) => {
    expectApiError(withPolicies([policy({ conditions: Array.from({ length: n }, () => when('tier')) })]),
      { rule: RULES.policyConditions, value: String(n), detail: 'backend policy "beta"' });
  });

  ruleTestEach(RULES.policyCondition, [
    [when('nope'), '"parameter(nope)"', 'not a parameter of the API (it declares query tier, path id)'],
    [PolicyCondition.parameter('tier', { exact: 'a', oneOf: ['a'] }), '"parameter(tier)"', 'more than one of exact, oneOf and pattern'],
    [PolicyCondition.parameter('tier', {}), '"parameter(tier)"', 'no exact, oneOf or pattern'],
    [PolicyCondition.parameter('tier', { exact: '' }), '""', 'exact of parameter(tier): 0 characters'],
    [PolicyCondition.parameter('tier', { oneOf: ['a,b'] }), '"a,b"', 'contains ","'],
    [PolicyCondition.parameter('tier', { oneOf: Array.from({ length: 21 }, (_, i) => `v${i}`) }), '21', 'number of oneOf values'],
    [PolicyCondition.system('$context.apiId', { exact: 'x' }), '"$context.apiId"', 'not a system variable a condition may name'],
    [PolicyCondition.system('$context.reqMethod', { pattern: '^P' }), '"system($context.reqMethod)"', 'exact or oneOf only'],
    [PolicyCondition.system('$context.authorizer.frontend.user', { exact: 'x' }), '"$context.authorizer.frontend.user"',
      'the API has no custom or third-party authorizer'],
    [PolicyCondition.sourceIp(['10.0.0.1/8']), '"10.0.0.1/8"', 'sourceIp: not an IPv4 or IPv6 address or CIDR block'],
    [PolicyCondition.sourceIp([]), '"sourceIp([])"', 'no address'],
  ] as const, 'condition %#: %p is refused', ([condition, value, detail]) => {
    expectApiError(withPolicies([policy({ conditions: [condition] })]), { rule: RULES.policyCondition, value, detail });
  });

  ruleTest(RULES.policyCondition, 'a parameter declared in two locations is ambiguous', () => {
    expectApiError(withPolicies([policy()], { parameters: [RequestParameter.query('tier'), RequestParameter.header('tier')] }),
      { rule: RULES.policyCondition, value: '"parameter(tier)"', detail: 'declared in several locations (header, query)' });
  });

  ruleTestEach(RULES.policyPattern, [
    ['(a+)+', 'nested quantifiers'],
    ['(a|a)*', 'nested quantifiers'],
    ['^(\\w+\\s?)+$', 'nested quantifiers'],
    ['((a|b){5}){5}', 'nested quantifiers'],
    ['(a)\\1', 'back-references'],
    ['[', 'not a valid regular expression'],
    ['a'.repeat(256), '256 characters'],
  ] as const, 'pattern %p is refused', ([pattern, detail]) => {
    expectApiError(withPolicies([policy({ conditions: [PolicyCondition.parameter('tier', { pattern })] })]),
      { rule: RULES.policyPattern, value: JSON.stringify(pattern).slice(0, 100), detail });
  });

  test('usual patterns, IPv6 blocks, path variables and Huawei\'s system variables are accepted', () => {
    const conditions = [
      PolicyCondition.parameter('tier', { pattern: '^(\\d{1,3}\\.){3}\\d{1,3}$' }),
      PolicyCondition.parameter('id', { pattern: '^(beta|canary)-[0-9]+$' }),
      PolicyCondition.sourceIp(['2001:db8::/32', '203.0.113.7']),
      PolicyCondition.system('$context.reqMethod', { oneOf: ['GET', 'POST'] }),
      PolicyCondition.system('reqPath', { pattern: '^/orders/' }),
    ];
    expect(() => api(newGroup(), 'Fine', withPolicies([policy({ conditions })]))).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Backend parameters, per-environment addresses, asynchronous invocation (issue 13)

describe('backend parameters', () => {
  const { PATH, QUERY, HEADER } = ParameterLocation;
  const withParams = (parameters: BackendParameter[], url = 'https://orders.example.com/v1/{id}'): Partial<ApiOptions> => ({
    path: '/orders/{id}',
    parameters: [RequestParameter.query('tier'), RequestParameter.header('X-Trace')],
    backend: Backend.http(url, { parameters }),
  });

  ruleTestEach(RULES.backendParameter, ['1abc', 'a'.repeat(33), 'bad name', 'x-stage', 'X-Apig-Mine', 'x-sdk-date'],
    'a name of 1-32 letters, digits, ".", "_" or "-" starting with a letter, not x-stage, x-apig-* or x-sdk-*: %p refused', name => {
      expectApiError(withParams([BackendParameter.constant(name, 'v', { location: HEADER })]), { rule: RULES.backendParameter, value: JSON.stringify(name), detail: 'name' });
    });

  ruleTest(RULES.backendParameter, 'a header the backend connection needs cannot be a parameter', () => {
    expectApiError(withParams([BackendParameter.constant('Content-Length', '1', { location: HEADER })]),
      { rule: RULES.backendParameter, value: '"Content-Length"', detail: 'the proxy sets this header for the backend connection' });
  });

  ruleTest(RULES.backendParameter, 'at most 50 per backend', () => {
    const many = Array.from({ length: 51 }, (_, i) => BackendParameter.constant(`p${i}`, 'v', { location: QUERY }));
    expectApiError(withParams(many), { rule: RULES.backendParameter, value: '"51 parameters"', detail: 'at most 50 per backend' });
  });

  ruleTest(RULES.backendParameter, 'a PATH parameter must appear as {name} in the backend URL\'s path', () => {
    expectApiError(withParams([BackendParameter.constant('version', 'v2', { location: PATH })]),
      { rule: RULES.backendParameter, value: '"version"', detail: 'PATH parameter version has no {version} in the backend URL\'s path' });
  });

  ruleTest(RULES.backendParameter, 'a REQUEST parameter must name a declared request parameter or path variable', () => {
    expectApiError(withParams([BackendParameter.request('user', { name: 'X-User', location: HEADER })]),
      { rule: RULES.backendParameter, value: '"user"', detail: 'maps request parameter "user", which the API does not declare (declared: id, tier, X-Trace)' });
  });

  ruleTest(RULES.backendParameter, 'a constant is at most 255 characters', () => {
    expectApiError(withParams([BackendParameter.constant('X-Long', 'v'.repeat(256), { location: HEADER })]),
      { rule: RULES.backendParameter, value: '"vvvv', detail: 'longer than 255 characters' });
  });

  ruleTestEach(RULES.backendParameter, ['$context.nope', '$context.error.code', '$stageVariables.x', '$context.authorizer.backend.user'],
    'a system variable must be one of the README\'s $context list: %p refused', variable => {
      expectApiError(withParams([BackendParameter.system('X-Sys', variable, { location: HEADER })]),
        { rule: RULES.backendParameter, value: JSON.stringify(variable), detail: 'system variable of X-Sys' });
    });

  ruleTest(RULES.backendParameter, 'two parameters with the same name and location are refused (header names ignore case)', () => {
    expectApiError(withParams([
      BackendParameter.constant('X-Invoke-User', 'a', { location: HEADER }),
      BackendParameter.system('x-invoke-user', '$context.sourceIp', { location: HEADER }),
    ]), { rule: RULES.backendParameter, value: '"x-invoke-user"', detail: 'declared twice in header (header names ignore case)' });
  });

  ruleTest(RULES.backendParameter, 'a mock takes no backend parameters (nothing would reach anything)', () => {
    const options = { body: 'ok', parameters: [BackendParameter.constant('a', 'b', { location: QUERY })] } as never;
    expectApiError({ backend: Backend.mock(options) }, { rule: RULES.backendParameter, value: '"Backend.mock({ parameters })"' });
  });

  test('every origin in every location is accepted, on HTTP and function backends', () => {
    const parameters = [
      BackendParameter.request('id', { name: 'orderId', location: QUERY }),
      BackendParameter.request('tier', { name: 'tier', location: PATH }),
      BackendParameter.request('x-trace', { name: 'trace', location: QUERY }),
      BackendParameter.constant('X-Invoke-User', 'apigateway', { location: HEADER }),
      BackendParameter.system('X-Source-Ip', '$context.sourceIp', { location: HEADER }),
      BackendParameter.system('app', 'appName', { location: QUERY }),
      BackendParameter.system('user', '$context.authorizer.frontend.userId', { location: QUERY }),
    ];
    const group = newGroup();
    expect(() => api(group, 'Http', withParams(parameters, 'https://orders.example.com/v1/{tier}'))).not.toThrow();
    const fn = lambda.Function.fromFunctionArn(Stack.of(group), 'Fn', fnArn);
    expect(() => api(group, 'Fn', { ...withParams(parameters), method: HttpMethod.POST, backend: Backend.fn(fn, { parameters, invocation: FunctionInvocation.ASYNC }) })).not.toThrow();
  });
});

describe('backend URLs with environment variables', () => {
  test('${stageVariables.x} and #x# are not taken for path placeholders', () => {
    const group = newGroup({ stageVariables: { host: 'orders.internal', base: 'v1' } });
    expect(() => api(group, 'Stage', { backend: Backend.http('https://${stageVariables.host}/${stageVariables.base}/orders') })).not.toThrow();
    expect(() => api(group, 'Huawei', { path: '/h', backend: Backend.http('https://#host#/#base#/orders') })).not.toThrow();
    expect(() => Template.fromStack(Stack.of(group))).not.toThrow();
  });

  ruleTest(RULES.backendUrl, 'a request value never goes into the host', () => {
    expectApiError({ path: '/orders/{tenant}', backend: Backend.http('https://{tenant}.example.com/orders') },
      { rule: RULES.backendUrl, value: '"https://{tenant}.example.com/orders"', detail: 'placeholder {tenant} is in the host' });
  });

  ruleTest(RULES.backendUrl, 'a path parameter a backend parameter moves elsewhere is not also a placeholder', () => {
    expectApiError({
      path: '/orders/{id}',
      backend: Backend.http('https://orders.example.com/{id}', { parameters: [BackendParameter.request('id', { name: 'id', location: ParameterLocation.QUERY })] }),
    }, { rule: RULES.backendUrl, value: '"https://orders.example.com/{id}"', detail: 'a backend parameter moves the path parameter id elsewhere' });
  });

  ruleTest(RULES.backendAddress, 'an environment that publishes the API must define the URL\'s variable: the error names it, the variable and the API', () => {
    const group = newGroup({ stageVariables: { host: 'orders.internal' } });
    group.addEnvironment('TEST', { variables: { other: 'x' } });
    api(group, 'Api', { backend: Backend.http('https://#host#/orders') });
    expectSynthError(group, { path: 'Stack/Group/Api', rule: RULES.backendAddress, value: '"#host#"',
      detail: 'environment TEST publishes the API but does not define the variable host used in the backend URL "https://#host#/orders"' });
  });

  ruleTest(RULES.backendAddress, 'an environment added after the API is checked too; one that does not publish the API is not', () => {
    const group = newGroup({ stageVariables: { host: 'orders.internal' } });
    const beta = group.addEnvironment('BETA', { variables: { host: 'beta.internal' } });
    api(group, 'Listed', { backend: Backend.http('https://#host#/orders'), environments: [group.defaultEnvironment, beta] });
    api(group, 'All', { path: '/all', backend: Backend.http('https://${stageVariables.host}/all') });
    group.addEnvironment('LATE');
    expectSynthError(group, { path: 'Stack/Group/All', rule: RULES.backendAddress, value: '"#host#"', detail: 'environment LATE' });
  });

  ruleTest(RULES.backendAddress, 'the URL with an environment\'s values must be an absolute http(s) URL', () => {
    const group = newGroup({ stageVariables: { host: 'orders:http' } });
    api(group, 'Api', { backend: Backend.http('http://#host#/orders') });
    expectSynthError(group, { path: 'Stack/Group/Api', rule: RULES.backendAddress, value: '"http://orders:http/orders"',
      detail: 'the backend URL in environment RELEASE is not an absolute http(s) URL' });
  });
});

describe('function invocation', () => {
  ruleTest(RULES.functionInvocation, 'SYNC or ASYNC', () => {
    const group = newGroup();
    const fn = lambda.Function.fromFunctionArn(Stack.of(group), 'Fn', fnArn);
    expectValidationError(() => api(group, 'Api', { backend: Backend.fn(fn, { invocation: 'LATER' as FunctionInvocation }) }),
      { path: 'Stack/Group/Api', rule: RULES.functionInvocation, value: '"LATER"' });
  });
});

describe('parameter orchestration rules', () => {
  const header = MappedParameter.header('X-Tier');
  const listOf = (n: number, items = 1) => OrchestrationStrategy.list(Array.from({ length: n }, (_, i) => ({
    values: Array.from({ length: items }, (__, j) => `v${i}_${j}`), mappedValue: `m${i}`,
  })));
  const expectOrchestrationError = (options: OrchestrationRuleOptions, x: Omit<Expected, 'path'>, id = 'rule_one') => {
    const group = newGroup();
    expectValidationError(() => group.addOrchestrationRule(id, options), { path: `Stack/Group/Orchestration${id}`, ...x });
  };

  ruleTest(RULES.orchestrationName, 'names of 3-64 letters, digits or "_" starting with a letter, unique in the group', () => {
    expectOrchestrationError({ strategy: OrchestrationStrategy.noneValue('0'), mappedParameter: header }, { rule: RULES.orchestrationName, value: '"1bad"' }, '1bad');
    const group = newGroup();
    group.addOrchestrationRule('tier', { strategy: OrchestrationStrategy.noneValue('0'), mappedParameter: header });
    expectValidationError(() => group.addOrchestrationRule('other', { strategy: OrchestrationStrategy.noneValue('1'), mappedParameter: header, orchestrationName: 'tier' }),
      { path: 'Stack/Group', rule: RULES.orchestrationName, value: '"tier"', detail: 'already used in this group' });
  });

  ruleTestEach(RULES.orchestrationMap, [
    { strategy: listOf(301), value: '301', detail: 'number of entries' },
    { strategy: listOf(2, 1501), value: '"2 x 1501"', detail: 'entries x the largest list' },
    { strategy: OrchestrationStrategy.list([{ values: ['a b'], mappedValue: '1' }]), value: '"a b"' },
    { strategy: OrchestrationStrategy.list([{ values: ['a'], mappedValue: 'x-1' }]), value: '"x-1"', detail: 'mapped value' },
    { strategy: OrchestrationStrategy.range([{ start: '0', end: '9223372036854775808', mappedValue: '1' }]), value: '"9223372036854775808"' },
    { strategy: OrchestrationStrategy.range([{ start: '-1', end: '5', mappedValue: '1' }]), value: '"-1"' },
    { strategy: OrchestrationStrategy.range([{ start: '10', end: '9', mappedValue: '1' }]), value: '"10-9"', detail: 'starts after its end' },
    { strategy: OrchestrationStrategy.headN(0), value: '0' },
    { strategy: OrchestrationStrategy.tailN(101), value: '101' },
    { strategy: OrchestrationStrategy.defaultValue(''), value: '""' },
  ], 'entries, items, values, ranges and lengths within Huawei\'s limits: %p', c => {
    expectOrchestrationError({ strategy: c.strategy, mappedParameter: header }, { rule: RULES.orchestrationMap, value: c.value, detail: c.detail });
  });

  ruleTestEach(RULES.orchestrationMappedParameter, [
    { options: { strategy: OrchestrationStrategy.noneValue('0') }, value: '"rule_one"', detail: 'needs a mapped parameter' },
    { options: { strategy: OrchestrationStrategy.defaultValue('0'), mappedParameter: header, preprocessing: true }, value: '"rule_one"', detail: 'cannot be preprocessing' },
    { options: { strategy: OrchestrationStrategy.noneValue('0'), mappedParameter: MappedParameter.query('1shard') }, value: '"1shard"' },
    { options: { strategy: OrchestrationStrategy.noneValue('0'), mappedParameter: MappedParameter.header('Host') }, value: '"Host"', detail: 'the proxy sets this header itself' },
    { options: { strategy: OrchestrationStrategy.noneValue('0'), mappedParameter: MappedParameter.header('X-Forwarded-For') }, value: '"X-Forwarded-For"' },
  ], 'a mapped header or query name, required unless preprocessing, never a header the proxy sets: %p', c => {
    expectOrchestrationError(c.options as OrchestrationRuleOptions, { rule: RULES.orchestrationMappedParameter, value: c.value, detail: c.detail });
  });

  ruleTest(RULES.orchestrationBinding, 'none_value first, default last, preprocessing never last, one parameter per API, the API\'s own group', () => {
    const group = newGroup();
    const none = group.addOrchestrationRule('tier_none', { strategy: OrchestrationStrategy.noneValue('0'), mappedParameter: header });
    const list = group.addOrchestrationRule('tier_list', { strategy: OrchestrationStrategy.list([{ values: ['gold'], mappedValue: '1' }]), mappedParameter: header });
    const other = group.addOrchestrationRule('tier_default', { strategy: OrchestrationStrategy.defaultValue('9'), mappedParameter: header });
    const head = group.addOrchestrationRule('tier_head', { strategy: OrchestrationStrategy.headN(2), preprocessing: true });
    const cases: Array<[string, Partial<ApiOptions>, string, string]> = [
      ['A1', { parameters: [RequestParameter.query('tier', { orchestrations: [list, none] })] }, '"tier_none"', 'a none_value rule must be the first'],
      ['A2', { parameters: [RequestParameter.query('tier', { orchestrations: [other, list] })] }, '"tier_default"', 'a default rule must be the last'],
      ['A3', { parameters: [RequestParameter.query('tier', { orchestrations: [list, head] })] }, '"tier_head"', 'a preprocessing rule cannot be the last'],
      ['A4', { parameters: [RequestParameter.query('tier', { orchestrations: [list, list] })] }, '"tier_list"', 'rule listed twice'],
      ['A5', { parameters: [RequestParameter.query('tier', { orchestrations: [list] }), RequestParameter.header('X-Zone', { orchestrations: [other] })] },
        '"query tier, header X-Zone"', 'only one parameter of an API can be orchestrated'],
    ];
    for (const [id, options, value, detail] of cases) {
      expectValidationError(() => api(group, id, options), { path: `Stack/Group/${id}`, rule: RULES.orchestrationBinding, value, detail });
    }
    const elsewhere = newGroup({}, newStack()).addOrchestrationRule('foreign', { strategy: OrchestrationStrategy.noneValue('0'), mappedParameter: header });
    expectValidationError(() => api(group, 'A6', { parameters: [RequestParameter.query('tier', { orchestrations: [elsewhere] })] }),
      { path: 'Stack/Group/A6', rule: RULES.orchestrationBinding, value: '"foreign"', detail: 'belongs to another group' });
    // The same rules in a valid order are accepted.
    expect(() => api(group, 'Ok', { parameters: [RequestParameter.query('tier', { orchestrations: [none, head, list, other] })] })).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------

describe('what API Gateway and IAM accept (issue 14)', () => {
  ruleTest(RULES.exposedPath, 'an IAM API whose path holds "*" cannot be imported by API Gateway', () => {
    // More cases (own throttle, the catch-all fallback) in importable-paths.test.ts.
    const group = newGroup();
    api(group, 'Odd', { path: '/files*', auth: ApiAuth.iam() });
    expectSynthError(group, { path: 'Stack/Group', rule: RULES.exposedPath, value: '"Stack/Group/Odd: GET /files*"', detail: 'refuses the segment "files*"' });
  });

  ruleTest(RULES.directIntegration, 'an API marked direct: true that selects another response than `default` (one test per reason in direct-integration.test.ts)', () => {
    const group = newGroup();
    api(group, 'Fast', { path: '/fast', direct: true, gatewayResponse: group.addGatewayResponse('strict', {}) });
    expectSynthError(group, { path: 'Stack/Group', rule: RULES.directIntegration, value: '"Stack/Group/Fast: GET /fast"', detail: 'only the proxy can serve it: response (it selects the gateway response strict' });
  });

  ruleTest(RULES.invokeGrantSize, 'grants that cannot fit IAM\'s sizes are refused (more in invoke-grants.test.ts)', () => {
    const group = newGroup();
    for (let i = 0; i < 200; i++) { api(group, `R${i}`, { path: `/r${i}`, auth: ApiAuth.iam() }); }
    group.grantInvoke(new iam.User(Stack.of(group), 'Auditor'));
    expectValidationError(() => Template.fromStack(Stack.of(group)),
      { path: 'Stack/Group', rule: RULES.invokeGrantSize, value: '"200 ARNs for Stack/Auditor"', detail: 'the grantee is not a role' });
  });
});

test('every rule of lib/limits.ts has at least one test', () => {
  // A rule added to the table without a test must fail the suite.
  expect(ALL_RULES.map(r => r.id).filter(id => !tested.has(id))).toEqual([]);
  expect([...tested].filter(id => !ALL_RULES.some(r => r.id === id))).toEqual([]);
  expect(new Set(ALL_RULES.map(r => r.id)).size).toBe(ALL_RULES.length);
});
