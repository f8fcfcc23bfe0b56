/**
 * Every item of a Huawei definition that has no counterpart, or that the import options do not
 * map, is reported with its JSON pointer: all of them in one validation error (nothing is added
 * to the group), or one synth warning each when the import is lenient (the rest is imported).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ApiGroup, ApiGroupErrors, ApiGroupProps, HuaweiDefinition, HuaweiImportOptions } from '../../lib';
import { FIXTURES } from './fixtures';

function newGroup(props: ApiGroupProps = {}): ApiGroup {
  return new ApiGroup(new Stack(new App(), 'Stack'), 'Group', props);
}

/** The message of the error an import throws (failing the test when it does not throw one of the library's errors). */
function importError(text: string, options: HuaweiImportOptions = {}, props: ApiGroupProps = {}): string {
  const group = newGroup(props);
  try {
    group.importHuaweiDefinition(HuaweiDefinition.fromString(text), options);
  } catch (e) {
    expect(ApiGroupErrors.isValidationError(e)).toBe(true);
    expect(group.apis).toEqual([]);
    return (e as Error).message;
  }
  throw new Error('the import did not fail');
}

const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

test('Huawei\'s documented examples: one error naming every item without a counterpart', () => {
  // Backend parameters (REQUEST moved, CONSTANT), SWA and the app's signature all have counterparts now (issue 13).
  const message = importError(fixture('huawei-documented-examples.yaml'));
  expect(message).toMatch(/^Stack\/Group: the definition: 7 items cannot be imported/);
  expect(message).toMatch(/\[huawei-import\]$/);
  const pointers = [...message.matchAll(/^ {2}(\/\S*):/gm)].map(m => m[1]);
  expect(pointers).toEqual([
    '/paths/~1users~1{userId}/post/x-apigateway-backend/functionEndpoints/function-urn',
    '/paths/~1path/get/security/0/apig-auth-app',
    '/x-apigateway-ratelimits/customRatelimitName/user-limit',
    '/x-apigateway-ratelimits/customRatelimitName/app-limit',
    '/x-apigateway-ratelimits/customRatelimitName/ip-limit',
    '/x-apigateway-ratelimits/customRatelimitName/special',
    '/x-apigateway-access-controls/customAccessControlName/value',
  ]);
  expect(message).toContain('FunctionGraph function "" is not mapped: give its Lambda function in options.functions');
  expect(message).toContain('app authentication: the definition names no app');
  expect(message).toContain('host bits set beyond the prefix length');
});

test('lenient: one warning per item, and the APIs that can be imported are', () => {
  const group = newGroup();
  const added = group.importHuaweiDefinition(HuaweiDefinition.fromString(fixture('huawei-documented-examples.yaml')), { lenient: true });
  expect(added.map(a => [a.method, a.path])).toEqual([['PUT', '/users/{userId}']]);
  const warnings = Annotations.fromStack(Stack.of(group)).findWarning('/Stack/Group', Match.stringLikeRegexp('the definition: /'));
  const messages = warnings.map(w => String(w.entry.data));
  expect(messages.map(m => m.match(/the definition: (\S+):/)![1])).toContain('/paths/~1path/get/security/0/apig-auth-app');
  // What the group's constructs refuse when declaring is reported too: the documented 30000 ms timeout needs a longer integration timeout.
  expect(messages).toContainEqual(expect.stringMatching(/the definition: \/paths\/~1users~1\{userId\}\/get: .*backend timeout "30000 ms" is not allowed/));
  expect(warnings).toHaveLength(8);
});

test('unmapped: FunctionGraph functions, VPC channels, authorizer functions and apps, each at its pointer', () => {
  const message = importError(fixture('shop-openapi3.json'));
  expect(message).toContain('  /paths/~1orders/post/x-apigateway-backend/functionEndpoints/function-urn: FunctionGraph function ' +
    '"urn:fss:eu-west-101:0123456789abcdef:function:default:create_order:latest" is not mapped');
  expect(message).toContain('  /paths/~1orders/post/security/0/apig-auth-app-header: app authentication: the definition names no app');
  expect(message).toContain('  /paths/~1orders~1{id}/get/x-apigateway-backend/httpVpcEndpoints/name: VPC channel "orders_channel" is not mapped');
  expect(message).toContain('  /components/securitySchemes/jwt_auth/x-apigateway-authorizer/authorizer_uri: custom authorizer "jwt_auth": ' +
    'FunctionGraph function "urn:fss:eu-west-101:0123456789abcdef:function:default:jwt_auth" is not mapped');
});

/** A one-API OpenAPI 3 document (GET /a, a mock backend) with `operation` and `root` laid over it. */
function doc(operation: Record<string, unknown> = {}, root: Record<string, unknown> = {}): string {
  return JSON.stringify({
    openapi: '3.0.1',
    info: { title: 't', version: '1' },
    paths: { '/a': { get: { operationId: 'a-api', responses: { default: { description: 'd' } }, 'x-apigateway-backend': { type: 'MOCK', mockEndpoints: { 'result-content': '' } }, ...operation } } },
    ...root,
  });
}

const OP = '/paths/~1a/get';
const schemes = (scheme: Record<string, unknown>) => ({ components: { securitySchemes: { s: { type: 'apiKey', name: 'unused', in: 'header', ...scheme } } } });

test.each<[string, string, string]>([
  ['a backend type without counterpart', doc({ 'x-apigateway-backend': { type: 'HTTP-VPC-MEMBER-GROUP' } }), `${OP}/x-apigateway-backend/type`],
  ['no backend', doc({ 'x-apigateway-backend': undefined }), `${OP}/x-apigateway-backend`],
  ['an unknown function invocation type', doc({ 'x-apigateway-backend': { type: 'FUNCTION', functionEndpoints: { 'function-urn': 'u', 'invocation-type': 'later' } } }),
    `${OP}/x-apigateway-backend/functionEndpoints/invocation-type`],
  ['backend retries', doc({ 'x-apigateway-backend': { type: 'HTTP', httpEndpoints: { address: 'a.example.com', scheme: 'https', path: '/', retryCount: '3' } } }),
    `${OP}/x-apigateway-backend/httpEndpoints/retryCount`],
  ['client certificates', doc({ 'x-apigateway-backend': { type: 'HTTP', httpEndpoints: { address: 'a.example.com', scheme: 'https', path: '/', enableClientSsl: true } } }),
    `${OP}/x-apigateway-backend/httpEndpoints/enableClientSsl`],
  ['several addresses', doc({ 'x-apigateway-backend': { type: 'HTTP', httpEndpoints: { address: ['a:1', 'b:2'], scheme: 'https', path: '/' } } }),
    `${OP}/x-apigateway-backend/httpEndpoints/address`],
  ['a backend parameter of a backend authorizer', doc({ 'x-apigateway-backend': { type: 'HTTP', parameters: [{ name: 'u', value: '$context.authorizer.backend.user', in: 'HEADER', origin: 'SYSTEM' }], httpEndpoints: { address: 'a.example.com', scheme: 'https', path: '/' } } }),
    `${OP}/x-apigateway-backend/parameters/0/value`],
  ['a cookie condition of a backend policy', doc({ 'x-apigateway-backend-policies': [{ name: 'p1', type: 'MOCK', mockEndpoints: { 'result-content': '' }, conditions: [{ origin: 'cookie', parameter: 'c', type: 'exact', value: 'v' }] }] }),
    `${OP}/x-apigateway-backend-policies/0/conditions/0/origin`],
  ['a backend policy with several conditions and no effectMode', doc({ 'x-apigateway-backend-policies': [{ name: 'p1', type: 'MOCK', mockEndpoints: { 'result-content': '' }, conditions: [{ origin: 'source', value: '192.0.2.1' }, { origin: 'source', value: '192.0.2.2' }] }] }),
    `${OP}/x-apigateway-backend-policies/0`],
  ['plug-ins', doc({}, { 'x-apigateway-plugins': {} }), '/x-apigateway-plugins'],
  ['an unknown extension', doc({ 'x-apigateway-foo': 1 }), `${OP}/x-apigateway-foo`],
  ['the TRACE method', doc({}, { paths: { '/a': { trace: {} } } }), '/paths/~1a/trace'],
  ['a body sent as is to a function', doc({ 'x-apigateway-is-send-fg-body-base64': false }), `${OP}/x-apigateway-is-send-fg-body-base64`],
  ['CORS that is not a boolean', doc({ 'x-apigateway-cors': 'yes' }), `${OP}/x-apigateway-cors`],
  ['a match mode that is neither NORMAL nor SWA', doc({ 'x-apigateway-match-mode': 'PREFIX' }), `${OP}/x-apigateway-match-mode`],
  ['a cookie parameter', doc({ parameters: [{ name: 'c', in: 'cookie', schema: { type: 'string' } }] }), `${OP}/parameters/0/in`],
  ['an array parameter', doc({ parameters: [{ name: 'c', in: 'query', schema: { type: 'array' } }] }), `${OP}/parameters/0/schema/type`],
  ['a parameter reference', doc({ parameters: [{ $ref: '#/components/parameters/p' }] }), `${OP}/parameters/0/$ref`],
  ['a parameter not passed through', doc({ parameters: [{ name: 'q', in: 'query', 'x-apigateway-pass-through': 'never' }] }), `${OP}/parameters/0/x-apigateway-pass-through`],
  ['an orchestration rule the group does not define', doc({ parameters: [{ name: 'q', in: 'query', 'x-apigateway-orchestrations': ['o1'] }] }), `${OP}/parameters/0/x-apigateway-orchestrations/0`],
  ['an invalid parameter name', doc({ parameters: [{ name: 'x-apig-q', in: 'query' }] }), `${OP}/parameters/0`],
  ['alternative security requirements', doc({ security: [{ s: [] }, { s: [] }] }, schemes({ 'x-apigateway-auth-type': 'IAM' })), `${OP}/security/1`],
  ['an undefined security scheme', doc({ security: [{ nope: [] }] }), `${OP}/security/0/nope`],
  ['IAM_NONE', doc({ security: [{ s: [] }] }, schemes({ 'x-apigateway-auth-type': 'IAM_NONE' })), '/components/securitySchemes/s/x-apigateway-auth-type'],
  ['a backend authorizer', doc({ security: [{ s: [] }] }, schemes({ 'x-apigateway-auth-type': 'AUTHORIZER', 'x-apigateway-authorizer': { type: 'BACKEND', authorizer_uri: 'u' } })),
    '/components/securitySchemes/s/x-apigateway-authorizer/type'],
  ['an authorizer that needs the body', doc({ security: [{ s: [] }] }, schemes({ 'x-apigateway-authorizer': { need_body: true, authorizer_uri: 'u' } })),
    '/components/securitySchemes/s/x-apigateway-authorizer/need_body'],
  // JWT_AUTH_FAILURE: a type of Huawei's SDK enums only, with no documented status (huawei-apig-notes §3).
  ['a response type without counterpart', doc({}, { components: { 'x-apigateway-responses': { default: { JWT_AUTH_FAILURE: { status: 401 } } } } }),
    '/components/x-apigateway-responses/default/JWT_AUTH_FAILURE'],
  ['a text body', doc({}, { components: { 'x-apigateway-responses': { default: { NOT_FOUND: { body: { 'text/plain': 'x' } } } } } }),
    '/components/x-apigateway-responses/default/NOT_FOUND/body/text~1plain'],
  ['a response the group cannot hold', doc({}, { components: { 'x-apigateway-responses': { default: { NOT_FOUND: { status: 444 } } } } }),
    '/components/x-apigateway-responses/default/NOT_FOUND/status'],
  ['an undefined throttling policy', doc({ 'x-apigateway-ratelimit': 'none' }), `${OP}/x-apigateway-ratelimit`],
  ['a shared throttling policy', doc({ 'x-apigateway-ratelimit': 'p' }, { 'x-apigateway-ratelimits': { p: { 'api-limit': 1, interval: 1, unit: 'SECOND', shared: true } } }),
    '/x-apigateway-ratelimits/p/shared'],
  ['account access control', doc({ 'x-apigateway-access-control': 'p' }, { 'x-apigateway-access-controls': { p: { 'acl-type': 'DENY', 'entity-type': 'DOMAIN', value: 'acme' } } }),
    '/x-apigateway-access-controls/p/entity-type'],
  ['address ranges', doc({ 'x-apigateway-access-control': 'p' }, { 'x-apigateway-access-controls': { p: { 'acl-type': 'DENY', 'entity-type': 'IP', value: '10.0.0.1-10.0.0.9' } } }),
    '/x-apigateway-access-controls/p/value'],
  ['the group\'s stage variables, differing', doc({}, { 'x-cdk-api-groups': { stageVariables: { region: 'eu' } } }), '/x-cdk-api-groups/stageVariables'],
])('%s', (_what, text, at) => {
  expect(importError(text)).toContain(`\n  ${at}: `);
});

test('a document that is neither JSON nor YAML, or not Swagger 2.0 / OpenAPI 3.0, is refused when read', () => {
  expect(() => HuaweiDefinition.fromString('{"openapi": ')).toThrow(/the definition is not valid JSON/);
  expect(() => HuaweiDefinition.fromString('a: [1')).toThrow(/neither JSON nor YAML/);
  expect(() => HuaweiDefinition.fromString('{"openapi":"3.1.0"}')).toThrow(/not a Swagger 2.0 or OpenAPI 3.0 document/);
  expect(() => HuaweiDefinition.fromString('a: 1\na: 2\nswagger: "2.0"')).toThrow(/neither JSON nor YAML/);
});
