/**
 * Every item of a Huawei definition that has no counterpart, or that the import options do not
 * map, is reported with its JSON pointer: all of them in one validation error (nothing is added
 * to the group), or one synth warning each when the import is lenient (the rest is imported).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ApiGroup, ApiGroupErrors, ApiGroupProps, Backend, HttpMethod, HuaweiDefinition, HuaweiImportOptions } from '../../lib';
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

/** The message of the [huawei-import] error that reading `text` throws (failing the test on any other outcome). */
function readError(text: string): string {
  try {
    HuaweiDefinition.fromString(text);
  } catch (e) {
    expect(ApiGroupErrors.isValidationError(e)).toBe(true);
    expect((e as Error).message).toMatch(/^the definition: [\s\S]* \[huawei-import\]$/);
    return (e as Error).message;
  }
  throw new Error('reading the definition did not fail');
}

test('a document that is neither JSON nor YAML, or not Swagger 2.0 / OpenAPI 3.0, is refused when read, as a [huawei-import] problem', () => {
  expect(readError('{"openapi": ')).toMatch(/^the definition: not valid JSON/);
  expect(readError('a: [1')).toMatch(/neither JSON nor YAML/);
  expect(readError('{"openapi":"3.1.0"}')).toMatch(/not a Swagger 2.0 or OpenAPI 3.0 document/);
  expect(readError('a: 1\na: 2\nswagger: "2.0"')).toMatch(/neither JSON nor YAML: Map keys must be unique/);
});

describe('what a definition gives twice, nests too deep or loops is refused when read, at its JSON pointer (issue 14 items 4 and 5)', () => {
  const HEAD = '{"openapi":"3.0.1","info":{"title":"t","version":"1"},';
  const MOCK = '"x-apigateway-backend":{"type":"MOCK","mockEndpoints":{"result-content":""}}';

  test('a JSON key given twice in one object (JSON.parse would keep the last one, YAML refuses it)', () => {
    // Two path items /a: the first one's GET would vanish.
    expect(readError(`${HEAD}"paths":{"/a":{"get":{${MOCK}}},"/a":{"put":{${MOCK}}}}}`))
      .toBe('the definition: /paths/~1a: duplicate key "/a": an object gives it twice, and readers disagree on which one counts [huawei-import]');
    // Inside an array, and written with an escape: "\u006e" is "n".
    expect(readError(`${HEAD}"paths":{"/a":{"get":{${MOCK},"parameters":[{"in":"query","name":"q"},{"in":"query","name":"q","\\u006eame":"r"}]}}}}`))
      .toMatch(/^the definition: \/paths\/~1a\/get\/parameters\/1\/name: duplicate key "name"/);
    // __proto__ twice (JSON.parse keeps it as an own key), under a key that needs escaping.
    expect(readError(`${HEAD}"paths":{},"x-cdk-api-groups":{"a/b~":{"__proto__":1,"__proto__":2}}}`))
      .toMatch(/^the definition: \/x-cdk-api-groups\/a~1b~0\/__proto__: duplicate key "__proto__"/);
    // The same keys in different objects, and a key equal to a string value, are not duplicates.
    expect(() => HuaweiDefinition.fromString(`${HEAD}"paths":{"/a":{"get":{${MOCK}}},"/b":{"get":{${MOCK},"summary":"get"}}}}`)).not.toThrow();
  });

  test('200,000 levels of JSON arrays or objects: refused at the 129th level, no RangeError', () => {
    const N = 200_000;
    const arrays = readError(`${HEAD}"paths":{},"x-deep":${'['.repeat(N)}${']'.repeat(N)}}`);
    expect(arrays).toMatch(/^the definition: \/x-deep(\/0){128}: the definition nests deeper than 128 levels \[huawei-import\]$/);
    const objects = readError(`${HEAD}"paths":{"/a":{"get":{${MOCK},"parameters":${'{"a":'.repeat(N)}1${'}'.repeat(N)}}}}}`);
    expect(objects).toMatch(/^the definition: \/paths\/~1a\/get\/parameters(\/a){125}: the definition nests deeper than 128 levels/);
  });

  test('deep YAML: too deep for the parser, or deeper than 128 levels', () => {
    const yamlHead = 'openapi: 3.0.1\ninfo: {title: t, version: "1"}\npaths: {}\n';
    expect(readError(`${yamlHead}x-deep: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`))
      .toMatch(/^the definition: neither JSON nor YAML: the YAML nests too deep to be read \(a definition nests at most 128 levels\)/);
    expect(readError(`${yamlHead}x-deep: ${'['.repeat(300)}${']'.repeat(300)}\n`))
      .toMatch(/^the definition: \/x-deep(\/0){128}: the definition nests deeper than 128 levels/);
  });

  test('YAML aliases: a cycle is refused at its pointer, an alias bomb by the parser\'s alias count', () => {
    const yamlHead = 'openapi: 3.0.1\ninfo: {title: t, version: "1"}\npaths: {}\n';
    expect(readError(`${yamlHead}x-loop: &a\n  b: [1, *a]\n`))
      .toBe('the definition: /x-loop/b/1: a cycle: this value contains itself (at /x-loop), a YAML alias inside its own anchor [huawei-import]');
    let bomb = `${yamlHead}a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n`;
    for (let i = 1; i < 10; i++) { bomb += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`; }
    expect(readError(bomb)).toMatch(/neither JSON nor YAML: Excessive alias count/);
    // Aliases without a cycle are read as copies.
    expect(HuaweiDefinition.fromString(`${yamlHead}x-a: &a {k: v}\nx-b: *a\n`).toJson()).toContain('"x-b":{"k":"v"}');
  });
});

describe('names every object inherits are the document\'s own names (issue 14 item 5)', () => {
  test('as root keys, operation ids and parameter names: imported as any other name', () => {
    const group = newGroup();
    const text = JSON.parse(doc({ operationId: 'constructor', parameters: [{ name: 'toString', in: 'query' }, { name: 'constructor', in: 'header' }] },
      { constructor: 1, toString: 2, hasOwnProperty: 3 }));
    text.paths['/toString'] = { get: { ...text.paths['/a'].get, operationId: 'valueOf', parameters: [] } };
    const added = group.importHuaweiDefinition(HuaweiDefinition.fromString(JSON.stringify(text)));
    expect(added.map(a => [a.method, a.path, a.apiName, a.node.id])).toEqual([
      ['GET', '/a', 'constructor', 'api_constructor'], ['GET', '/toString', 'valueOf', 'api_valueOf'],
    ]);
    expect(added[0].parameters.map(p => p.name)).toEqual(['toString', 'constructor']);
  });

  test.each<[string, string, string, string, HuaweiImportOptions]>([
    ['an operation named constructor', JSON.stringify({ openapi: '3.0.1', info: { title: 't', version: '1' }, paths: { '/a': { constructor: {} } } }),
      '/paths/~1a/constructor', 'method CONSTRUCTOR is not supported', {}],
    ['an operation named __proto__', '{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{"/a":{"__proto__":{}}}}',
      '/paths/~1a/__proto__', 'method __PROTO__ is not supported', {}],
    ['a FunctionGraph function named toString', doc({ 'x-apigateway-backend': { type: 'FUNCTION', functionEndpoints: { 'function-urn': 'toString' } } }),
      `${OP}/x-apigateway-backend/functionEndpoints/function-urn`, 'FunctionGraph function "toString" is not mapped', { functions: {} }],
    ['a VPC channel named constructor', doc({ 'x-apigateway-backend': { type: 'HTTP-VPC', httpVpcEndpoints: { name: 'constructor', path: '/' } } }),
      `${OP}/x-apigateway-backend/httpVpcEndpoints/name`, 'VPC channel "constructor" is not mapped', { vpcChannels: {} }],
    ['a custom authorizer named toString', doc({ security: [{ toString: [] }] }, { components: { securitySchemes: { toString: {
      type: 'apiKey', name: 'a', in: 'header', 'x-apigateway-auth-type': 'AUTHORIZER', 'x-apigateway-authorizer': { authorizer_uri: 'u' } } } } }),
    '/components/securitySchemes/toString/x-apigateway-authorizer/authorizer_uri', 'custom authorizer "toString": FunctionGraph function "u" is not mapped',
    { authorizers: {}, functions: {} }],
    ['an authorizer function named valueOf', doc({ security: [{ s: [] }] }, schemes({ 'x-apigateway-auth-type': 'AUTHORIZER', 'x-apigateway-authorizer': { authorizer_uri: 'valueOf' } })),
      '/components/securitySchemes/s/x-apigateway-authorizer/authorizer_uri', 'custom authorizer "s": FunctionGraph function "valueOf" is not mapped', { functions: {}, authorizers: {} }],
    ['a throttling policy named constructor', doc({ 'x-apigateway-ratelimit': 'constructor' }, { 'x-apigateway-ratelimits': {} }),
      `${OP}/x-apigateway-ratelimit`, 'request throttling policy "constructor" is not defined', {}],
    ['an access control policy named hasOwnProperty', doc({ 'x-apigateway-access-control': 'hasOwnProperty' }, { 'x-apigateway-access-controls': {} }),
      `${OP}/x-apigateway-access-control`, 'access control policy "hasOwnProperty" is not defined', {}],
  ])('%s: a [huawei-import] problem at its pointer', (_what, text, at, message, options) => {
    expect(importError(text, options)).toContain(`\n  ${at}: ${message}`);
  });

  test('a throttling policy named __proto__ is the document\'s own policy', () => {
    const text = doc({ 'x-apigateway-ratelimit': '__proto__' }).replace(/}$/, ',"x-apigateway-ratelimits":{"__proto__":{"api-limit":5,"interval":1,"unit":"SECOND"}}}');
    const [api] = newGroup().importHuaweiDefinition(HuaweiDefinition.fromString(text));
    expect(api.throttle).toEqual({ rateLimit: 5 });
  });
});

describe('a large definition: cut at the group\'s limit, its problems counted beyond the first 50 (issue 14 item 5)', () => {
  /** `count` operations GET /p<i>, each with `extra` laid over it. */
  function operations(count: number, extra: Record<string, unknown> = {}): string {
    const paths: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      paths[`/p${i}`] = { get: { operationId: `api_${i}`, 'x-apigateway-backend': { type: 'MOCK', mockEndpoints: { 'result-content': '' } }, ...extra } };
    }
    return JSON.stringify({ openapi: '3.0.1', info: { title: 't', version: '1' }, paths });
  }
  const warningsOf = (group: ApiGroup) => Annotations.fromStack(Stack.of(group))
    .findWarning('/Stack/Group', Match.stringLikeRegexp('^the definition: ')).map(w => String(w.entry.data));

  test('100,000 operations, lenient: the first 1000 are imported, one warning names how many are left out', () => {
    const group = newGroup();
    const added = group.importHuaweiDefinition(HuaweiDefinition.fromString(operations(100_000)), { lenient: true });
    expect(added).toHaveLength(1000);
    expect(added[999].path).toBe('/p999');
    expect(warningsOf(group)).toEqual([expect.stringMatching(/^the definition: \/paths\/~1p1000\/get: 99000 operations from here on are left out: a group holds at most 1000 APIs \(rule apis-per-group\), the group has 0 and the 1000 read before them fill it/)]);
  });

  test('the group\'s own APIs count; strict: the cut is an error', () => {
    const group = newGroup();
    group.addApi('Own', { method: HttpMethod.GET, path: '/own', backend: Backend.mock({ body: '' }) });
    const message = (() => {
      try { group.importHuaweiDefinition(HuaweiDefinition.fromString(operations(1001))); } catch (e) { return (e as Error).message; }
      throw new Error('the import did not fail');
    })();
    expect(message).toContain('  /paths/~1p999/get: 2 operations from here on are left out: a group holds at most 1000 APIs (rule apis-per-group), the group has 1 and the 999 read before them fill it');
    expect(group.apis).toHaveLength(1);
  });

  test('120 problems: 50 warnings and one that counts the other 70; the error lists 50 and counts the rest', () => {
    const group = newGroup();
    group.importHuaweiDefinition(HuaweiDefinition.fromString(operations(120, { 'x-apigateway-foo': 1 })), { lenient: true });
    const warnings = warningsOf(group);
    expect(warnings).toHaveLength(51);
    expect(warnings[49]).toMatch(/^the definition: \/paths\/~1p49\/get\/x-apigateway-foo: unknown extension/);
    expect(warnings[50]).toMatch(/^the definition: 70 more items cannot be imported \(120 in all; the first 50 are listed\)/);
    const message = importError(operations(120, { 'x-apigateway-foo': 1 }));
    expect(message).toMatch(/^Stack\/Group: the definition: 120 items cannot be imported/);
    expect([...message.matchAll(/^ {2}\/paths/gm)]).toHaveLength(50);
    expect(message).toContain('\n  ... 70 more items cannot be imported (120 in all; the first 50 are listed)\n');
  });
});

test('lenient: a throttle keeps its api-limit when its other limits have no counterpart (issue 14 item 21)', () => {
  const group = newGroup();
  const text = doc({ 'x-apigateway-ratelimit': 'p' }, {
    'x-apigateway-ratelimits': { p: { 'api-limit': 120, interval: 1, unit: 'MINUTE', 'user-limit': 10, 'ip-limit': 5, shared: true, special: [{ type: 'APP', instance: 'a', limit: 1 }] } },
  });
  const [api] = group.importHuaweiDefinition(HuaweiDefinition.fromString(text), { lenient: true });
  expect(api.throttle).toEqual({ rateLimit: 2 });
  const warnings = Annotations.fromStack(Stack.of(group)).findWarning('/Stack/Group', Match.stringLikeRegexp('^the definition: ')).map(w => String(w.entry.data));
  expect(warnings.map(w => w.match(/^the definition: (\S+):/)![1])).toEqual([
    '/x-apigateway-ratelimits/p/user-limit', '/x-apigateway-ratelimits/p/ip-limit', '/x-apigateway-ratelimits/p/shared', '/x-apigateway-ratelimits/p/special',
  ]);
  for (const w of warnings) { expect(w).toContain('(the API keeps the policy\'s api-limit, 120 per 1 MINUTE)'); }
});
