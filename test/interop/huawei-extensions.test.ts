/**
 * Each `x-apigateway-*` extension of issue 13, imported and exported, one test each way, and the
 * artefacts of Huawei's exports read as Huawei means them. Every test cites the documented shape:
 * "ref §n" is ../shared/reference/huawei-request-pipeline.md; "OTC x/<page>" is
 * opentelekomcloud-docs/api-gateway umn/source/api_management/importing_and_exorting_apis/<page>.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  Api, ApiAuth, ApiGroup, ApiGroupProps, Backend, BackendParameter, DefinitionFormat, FunctionInvocation, HttpMethod, HuaweiDefinition,
  HuaweiImportOptions, IdentitySource, MappedParameter, MatchMode, OrchestrationStrategy, ParameterLocation, ParameterType, PolicyCondition, PolicyEffect,
  RequestParameter,
} from '../../lib';
import { readConfigFiles } from '../../lib/private/config-files';
import { cleanWorkDirs } from '../support/proxy-harness';
import { synthesizeGroup } from '../support/synth-group';

afterAll(() => cleanWorkDirs());

interface Imported {
  readonly group: ApiGroup;
  readonly apis: Api[];
  /** The import's warnings (lenient imports): "<pointer>: <message>". */
  readonly warnings: string[];
}

/** Imports `document` (an object, written as JSON) into a fresh group; strict unless the options say otherwise. */
function importDoc(document: object, options: HuaweiImportOptions = {}, props: ApiGroupProps = {}): Imported {
  const stack = new Stack(new App(), 'Stack');
  const group = new ApiGroup(stack, 'Group', props);
  const apis = group.importHuaweiDefinition(HuaweiDefinition.fromString(JSON.stringify(document)), options);
  const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('the definition: '))
    .map(w => String(w.entry.data).replace(/^the definition: /, '').replace(/ \[ack: .*\]$/, ''));
  return { group, apis, warnings };
}

/** A one-operation OpenAPI 3 document (GET /a) with `operation` laid over a MOCK backend, and `root` over the document. */
function oneApi(operation: Record<string, unknown> = {}, root: Record<string, unknown> = {}): object {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: { '/a': { get: { operationId: 'a_api', responses: { default: { description: 'd' } }, 'x-apigateway-backend': { type: 'MOCK', mockEndpoints: { 'result-content': 'ok' } }, ...operation } } },
    ...root,
  };
}

/** The Huawei export of a group built by `build`, as an object. */
function exportOf(build: (group: ApiGroup, stack: Stack) => void, props: ApiGroupProps = {}): any {
  const stack = new Stack(new App(), 'Stack');
  const group = new ApiGroup(stack, 'Group', props);
  build(group, stack);
  return JSON.parse(group.exportDefinition(DefinitionFormat.HUAWEI));
}

describe('Huawei\'s export artefacts, read as Huawei means them', () => {
  test('bounds of 0 are "no limit" (maxLength, maximum, minimum, minLength), on strings and numbers', () => {
    // ref §9 "Export artefacts": maxLength/minLength/maximum/minimum: 0 = unset. OTC x/importing_apis.rst, the OpenAPI examples:
    // schema {maxLength: 0, maximum: 0, minimum: 0, type: string}.
    const { apis, warnings } = importDoc(oneApi({
      parameters: [
        { name: 'test', in: 'header', required: true, example: '', schema: { maxLength: 0, maximum: 0, minimum: 0, type: 'string' }, 'x-apigateway-pass-through': 'always' },
        { name: 'n', in: 'query', schema: { type: 'number', maximum: 0, minimum: 0, maxLength: 0, minLength: 0 } },
      ],
    }));
    expect(warnings).toEqual([]);
    expect(apis[0].parameters.map(p => [p.name, p.options])).toEqual([
      ['test', { type: ParameterType.STRING, required: true }],
      ['n', { type: ParameterType.NUMBER }],
    ]);
  });

  test('maximum and minimum on a string parameter bound its length', () => {
    // ref §9 / huawei-apig-notes §8: a STRING parameter's min_size/max_size (its length) are exported as minimum/maximum.
    const { apis } = importDoc(oneApi({ parameters: [{ name: 'sku', in: 'query', schema: { type: 'string', minimum: 3, maximum: 12 } }] }));
    expect(apis[0].parameters[0].options).toEqual({ type: ParameterType.STRING, minLength: 3, maxLength: 12 });
    // Both spellings, disagreeing: reported (lenient: the length bound of OpenAPI is kept).
    const both = importDoc(oneApi({ parameters: [{ name: 'sku', in: 'query', schema: { type: 'string', maximum: 12, maxLength: 10 } }] }), { lenient: true });
    expect(both.apis[0].parameters[0].options.maxLength).toBe(10);
    expect(both.warnings).toEqual([expect.stringMatching(/^\/paths\/~1a\/get\/parameters\/0\/schema\/maximum: maximum 12 and maxLength 10 of a string parameter disagree/)]);
  });

  test('a bound that really is 0 survives the library\'s own export and import', () => {
    // Huawei would read minimum: 0 as unset: the export also keeps it in x-cdk-api-groups.bounds, which the import reads first.
    const doc = exportOf(group => group.addApi('A', {
      method: HttpMethod.GET, path: '/a', backend: Backend.mock(),
      parameters: [RequestParameter.query('offset', { type: ParameterType.NUMBER, minimum: 0, maximum: 50 })],
    }));
    const parameter = doc.paths['/a'].get.parameters[0];
    expect(parameter.schema).toEqual({ type: 'number', minimum: 0, maximum: 50 });
    expect(parameter['x-cdk-api-groups']).toEqual({ bounds: { minimum: 0 } });
    expect(importDoc(doc).apis[0].parameters[0].options).toEqual({ type: ParameterType.NUMBER, minimum: 0, maximum: 50 });
  });

  test.each([['-1'], [-1], ['0'], [0]])('retryCount %p (Huawei\'s default, as exports write it: a string) is accepted', retryCount => {
    // ref §9: retryCount '-1' is a string in exports; huawei-apig-notes §8: retry_count -1..10, default -1.
    const { apis, warnings } = importDoc(oneApi({
      'x-apigateway-backend': { type: 'HTTP', httpEndpoints: { address: 'example.com', scheme: 'http', method: 'GET', path: '/users', timeout: 5000, retryCount } },
    }), { lenient: true });
    expect(warnings).toEqual([]);
    expect(apis).toHaveLength(1);
  });

  test('upper-case parameter locations, example: \'\', x-apigateway-response: default, x-apigateway-responses: {} and {default: {}}', () => {
    // ref §9: "upper-case in", "example: ''", "x-apigateway-response: default", "x-apigateway-responses: {} or {default: {}}".
    for (const responses of [{}, { default: {} }]) {
      const { apis, group, warnings } = importDoc(oneApi({
        'parameters': [{ name: 'q', in: 'QUERY', example: '', schema: { type: 'string' } }],
        'x-apigateway-response': 'default',
      }, { components: { 'x-apigateway-responses': responses } }));
      expect(warnings).toEqual([]);
      expect(apis[0].parameters.map(p => [p.location, p.name])).toEqual([['query', 'q']]);
      expect(apis[0].gatewayResponse).toBe(group.findGatewayResponse('default'));
    }
  });
});

describe('a function imported from a FunctionGraph URN keeps that URN', () => {
  // x-apigateway-backend.functionEndpoints {function-urn, version, alias-urn, invocation-type, timeout} (OTC x/extended_definition/
  // x-apigateway-backend.functionendpoints.rst; ref §9). Exporting wrote the Lambda ARN (or cdk-function:<path>), which Huawei cannot resolve.
  const URN = 'urn:fss:eu-de:0123456789abcdef:function:default:orders';
  const document = oneApi({
    'x-apigateway-backend': { type: 'FUNCTION', functionEndpoints: { 'function-urn': URN, 'version': 'v2', 'invocation-type': 'sync', 'timeout': 4000 } },
  });
  const importWith = (text: string) => synthesizeGroup({ groupName: 'orders' }, (group, stack) => {
    const fn = new lambda.Function(stack, 'Orders', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({});'),
    });
    group.importHuaweiDefinition(HuaweiDefinition.fromString(text), { functions: { [URN]: fn } });
  });

  test('export writes the URN and its version; import → export → import gives the same template', () => {
    const first = importWith(JSON.stringify(document));
    const exported = first.group.exportDefinition(DefinitionFormat.HUAWEI);
    expect(JSON.parse(exported).paths['/a'].get['x-apigateway-backend'].functionEndpoints).toEqual({
      'function-urn': URN, 'version': 'v2', 'invocation-type': 'sync', 'timeout': 4000,
    });
    const second = importWith(exported);
    expect(second.template).toEqual(first.template);
    expect(second.group.exportDefinition(DefinitionFormat.HUAWEI)).toBe(exported);
  });

  test('an alias URN is kept too, and a custom authorizer\'s authorizer_uri', () => {
    // x-apigateway-authorizer {authorizer_uri, authorizer_version, authorizer_alias_uri, ...} (huawei-apig-notes §7.3).
    const ALIAS = `${URN}:!prod`;
    const AUTH = 'urn:fss:eu-de:0123456789abcdef:function:default:auth';
    const text = JSON.stringify(oneApi({
      'security': [{ jwt: [] }],
      'x-apigateway-backend': { type: 'FUNCTION', functionEndpoints: { 'function-urn': URN, 'alias-urn': ALIAS, 'invocation-type': 'sync' } },
    }, {
      components: {
        securitySchemes: {
          jwt: {
            'type': 'apiKey', 'name': 'unused', 'in': 'header', 'x-apigateway-auth-type': 'AUTHORIZER',
            'x-apigateway-authorizer': { type: 'FRONTEND', authorizer_type: 'FUNC', authorizer_uri: AUTH, authorizer_version: 'v1', identities: [{ location: 'HEADER', name: 'Authorization' }] },
          },
        },
      },
    }));
    const stack = new Stack(new App(), 'Stack');
    const group = new ApiGroup(stack, 'Group');
    const fn = lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:eu-west-1:123456789012:function:f');
    group.importHuaweiDefinition(HuaweiDefinition.fromString(text), { functions: { [ALIAS]: fn, [AUTH]: fn } });
    const doc = JSON.parse(group.exportDefinition(DefinitionFormat.HUAWEI));
    expect(doc.paths['/a'].get['x-apigateway-backend'].functionEndpoints).toMatchObject({ 'function-urn': URN, 'alias-urn': ALIAS });
    expect(doc.components.securitySchemes.jwt['x-apigateway-authorizer']).toMatchObject({ authorizer_uri: AUTH, authorizer_version: 'v1', authorizer_alias_uri: '' });
  });
});

/** The runtime configuration the proxy ships with, after importing `document` into a group with `props`. */
function importedConfig(document: object, options: (stack: Stack, group: ApiGroup) => HuaweiImportOptions = () => ({}), props: ApiGroupProps = {}) {
  const synthesized = synthesizeGroup({ groupName: 'imported', ...props }, (group, stack) => {
    group.importHuaweiDefinition(HuaweiDefinition.fromString(JSON.stringify(document)), options(stack, group));
  });
  return { ...synthesized, config: readConfigFiles(synthesized.assetDir) };
}

const HTTP_ENDPOINT = { address: 'users.example.com', scheme: 'https', method: 'GET', path: '/users', timeout: 5000, retryCount: '-1' };
const APP_SIG = { 'type': 'apiKey', 'name': 'Authorization', 'in': 'header', 'x-apigateway-auth-type': 'AppSigv1' };

describe('app authentication: AppSigv1 and x-apigateway-auth-opt', () => {
  // Security schemes {type: apiKey, name: Authorization, in: header, x-apigateway-auth-type: AppSigv1} and, for simple
  // authentication, x-apigateway-auth-opt: {appcode-auth-type: header | disable} (ref §1 "AppCode", §9; OTC x/importing_apis.rst:
  // apig-auth-app and apig-auth-app-header).
  test('import: apig-auth-app takes signed requests only; auth-opt header also AppCodes; disable is signatures only', () => {
    const document = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: Object.fromEntries([['sig', {}], ['both', { 'x-apigateway-auth-opt': { 'appcode-auth-type': 'header' } }], ['off', { 'x-apigateway-auth-opt': { 'appcode-auth-type': 'disable' } }]]
        .map(([name]) => [`/${name}`, { get: { 'operationId': `${name}_api`, 'security': [{ [name as string]: [] }], 'x-apigateway-backend': { type: 'MOCK', mockEndpoints: { 'result-content': '' } } } }])),
      components: {
        securitySchemes: {
          sig: APP_SIG,
          both: { ...APP_SIG, 'x-apigateway-auth-opt': { 'appcode-auth-type': 'header' } },
          off: { ...APP_SIG, 'x-apigateway-auth-opt': { 'appcode-auth-type': 'disable' } },
        },
      },
    };
    const { config } = importedConfig(document, (_stack, group) => ({ apps: [group.addApp('mobile')] }));
    const auth = (name: string) => config.apis.find(a => a.name === `${name}_api`)!.auth;
    expect(auth('sig')).toEqual({ type: 'APP', apps: ['mobile'], appCode: false });
    expect(auth('both')).toEqual({ type: 'APP', apps: ['mobile'] });
    expect(auth('off')).toEqual({ type: 'APP', apps: ['mobile'], appCode: false });
  });

  test('export: signatures and AppCodes → apig-auth-app-header; signatures only → apig-auth-app; AppCodes only → marked in x-cdk-api-groups', () => {
    const doc = exportOf(group => {
      const apps = [group.addApp('mobile')];
      group.addApi('Both', { method: HttpMethod.GET, path: '/both', backend: Backend.mock(), auth: ApiAuth.app({ apps }) });
      group.addApi('Sig', { method: HttpMethod.GET, path: '/sig', backend: Backend.mock(), auth: ApiAuth.app({ apps, appCode: false }) });
      group.addApi('Code', { method: HttpMethod.GET, path: '/code', backend: Backend.mock(), auth: ApiAuth.app({ apps, signature: false }) });
    });
    expect(doc.components.securitySchemes['apig-auth-app-header']).toEqual({ ...APP_SIG, 'x-apigateway-auth-opt': { 'appcode-auth-type': 'header' } });
    expect(doc.components.securitySchemes['apig-auth-app']).toEqual(APP_SIG);
    expect(doc.paths['/both'].get.security).toEqual([{ 'apig-auth-app-header': [] }]);
    expect(doc.paths['/sig'].get.security).toEqual([{ 'apig-auth-app': [] }]);
    expect(doc.paths['/code'].get.security).toEqual([{ 'apig-auth-app-header': [] }]);
    expect(doc.paths['/code'].get['x-cdk-api-groups']).toEqual({ id: 'Code', apps: ['mobile'], signature: false });
    // And back: each API's flags survive the library's own import.
    const stack = new Stack(new App(), 'Stack');
    const group = new ApiGroup(stack, 'Group');
    const apis = group.importHuaweiDefinition(HuaweiDefinition.fromString(JSON.stringify(doc)), { apps: [group.addApp('mobile')] });
    expect(apis.map(a => [a.path, a.auth.signature, a.auth.appCode])).toEqual([['/both', true, true], ['/sig', true, false], ['/code', false, true]]);
  });
});

describe('x-apigateway-backend.parameters: REQUEST, CONSTANT and SYSTEM', () => {
  // {name, value, in: PATH|QUERY|HEADER (upper case in exports, lower case in the import examples), origin: REQUEST|CONSTANT|SYSTEM,
  // description} (ref §2 "Swagger"; OTC x/extended_definition/x-apigateway-backend.parameters.rst; the example maps path userId to
  // query userId and adds the constant header X-Invoke-User: apigateway).
  const document = oneApi({
    'parameters': [{ name: 'userId', in: 'path', required: true, schema: { type: 'string' } }, { name: 'q', in: 'query', schema: { type: 'string' } }],
    'x-apigateway-backend': {
      type: 'HTTP',
      parameters: [
        { name: 'userId', value: 'userId', in: 'QUERY', origin: 'REQUEST', description: '' },
        { name: 'q', value: 'q', in: 'query', origin: 'REQUEST' },
        { name: 'X-Invoke-User', value: 'apigateway', in: 'header', origin: 'CONSTANT', description: 'invoke user' },
        { name: 'X-Client-Ip', value: '$context.sourceIp', in: 'HEADER', origin: 'SYSTEM' },
      ],
      httpEndpoints: HTTP_ENDPOINT,
    },
  });
  (document as any).paths = { '/a/{userId}': (document as any).paths['/a'] };

  test('import: a moved request parameter, a constant and a system value; a parameter passed as it came needs nothing', () => {
    const { config } = importedConfig(document);
    expect(config.apis[0].backend).toEqual({
      type: 'HTTP', url: 'https://users.example.com/users', method: 'GET', timeoutMs: 5000,
      parameters: [
        { origin: 'REQUEST', name: 'userId', in: 'query', value: 'userId', from: 'path' },
        { origin: 'CONSTANT', name: 'X-Invoke-User', in: 'header', value: 'apigateway' },
        { origin: 'SYSTEM', name: 'X-Client-Ip', in: 'header', value: '$context.sourceIp' },
      ],
    });
  });

  test('export: each declared parameter with its origin; a request parameter not moved is declared passed under its own name', () => {
    const doc = exportOf(group => group.addApi('A', {
      method: HttpMethod.GET, path: '/a/{userId}', parameters: [RequestParameter.query('q')],
      backend: Backend.http('https://users.example.com/users', {
        parameters: [
          BackendParameter.request('userId', { name: 'user', location: ParameterLocation.QUERY }),
          BackendParameter.constant('X-Invoke-User', 'apigateway', { location: ParameterLocation.HEADER }),
          BackendParameter.system('X-Client-Ip', 'sourceIp', { location: ParameterLocation.HEADER }),
        ],
      }),
    }));
    expect(doc.paths['/a/{userId}'].get['x-apigateway-backend'].parameters).toEqual([
      { name: 'q', value: 'q', in: 'query', origin: 'REQUEST' },
      { name: 'user', value: 'userId', in: 'query', origin: 'REQUEST' },
      { name: 'X-Invoke-User', value: 'apigateway', in: 'header', origin: 'CONSTANT' },
      { name: 'X-Client-Ip', value: '$context.sourceIp', in: 'header', origin: 'SYSTEM' },
    ]);
  });
});

describe('x-apigateway-backend-policies', () => {
  // [{name, type, effectMode ALL|ANY, conditions: [{origin, parameter, type, value}], parameters, <endpoints>}] (ref §3, §9; OTC
  // x/extended_definition/x-apigateway-backend-policies(.conditions).rst; the real export in huaweicloudDocs/apig
  // v1-ExportingAllAPIsinanAPIGroup.md). Condition keys in every documented spelling (ref §10.1).
  const policy = (name: string, conditions: object[], extra: object = {}) => ({
    name, type: 'HTTP', effectMode: 'ANY', conditions, httpEndpoints: { ...HTTP_ENDPOINT, address: `${name}.example.com` }, ...extra,
  });
  const document = oneApi({
    'parameters': [{ name: 'tier', in: 'query', schema: { type: 'string' } }, { name: 'X-Ver', in: 'header', schema: { type: 'string' } }],
    'x-apigateway-backend': { type: 'HTTP', httpEndpoints: HTTP_ENDPOINT },
    'x-apigateway-backend-policies': [
      // The export's spelling: origin param, parameter, type exact; a source condition with empty parameter and type.
      policy('exported', [{ origin: 'param', parameter: 'tier', type: 'exact', value: 'gold' }, { origin: 'source', parameter: '', type: '', value: '1.0.0.0/8' }]),
      // The extension page's: origin request / request_parameter, parameter_name, type equal.
      policy('documented', [{ origin: 'request_parameter', parameter_name: 'tier', type: 'equal', value: 'silver' }, { origin: 'request', parameter: 'X-Ver', type: 'enum', value: 'v1,v2' }], { effectMode: 'ALL' }),
      // System and frontend-authorizer conditions (the API's v2 origins), and a pattern.
      { ...policy('system', [{ origin: 'system', parameter: 'req_method', type: 'enum', value: 'GET,HEAD' }, { origin: 'system', parameter: 'req_path', type: 'pattern', value: '^/a$' }]),
        parameters: [{ name: 'X-Policy', value: 'system', in: 'HEADER', origin: 'CONSTANT' }] },
    ],
  });

  test('import: each policy with its conditions, effect, backend and backend parameters, in order', () => {
    const { config } = importedConfig(document);
    const backend = (host: string, extra: object = {}) => ({ type: 'HTTP', url: `https://${host}/users`, method: 'GET', timeoutMs: 5000, ...extra });
    expect(config.apis[0].backendPolicies).toEqual([
      { name: 'exported', effect: 'ANY', conditions: [{ origin: 'param', name: 'tier', in: 'query', equals: 'gold' }, { origin: 'source', cidrs: ['1.0.0.0/8'] }], backend: backend('exported.example.com') },
      { name: 'documented', effect: 'ALL', conditions: [{ origin: 'param', name: 'tier', in: 'query', equals: 'silver' }, { origin: 'param', name: 'X-Ver', in: 'header', oneOf: ['v1', 'v2'] }], backend: backend('documented.example.com') },
      {
        name: 'system', effect: 'ANY',
        conditions: [{ origin: 'system', name: '$context.reqMethod', oneOf: ['GET', 'HEAD'] }, { origin: 'system', name: '$context.reqPath', pattern: '^/a$' }],
        backend: backend('system.example.com', { parameters: [{ origin: 'CONSTANT', name: 'X-Policy', in: 'header', value: 'system' }] }),
      },
    ]);
  });

  test('export: Huawei\'s export spelling, and back through the library\'s import to the same policies', () => {
    const doc = exportOf(group => group.addApi('A', {
      method: HttpMethod.GET, path: '/a', parameters: [RequestParameter.query('tier')],
      backend: Backend.http('https://users.example.com/users'),
      backendPolicies: [{
        policyName: 'gold_users', effect: PolicyEffect.ANY, backend: Backend.http('https://gold.example.com/users', { timeout: Duration.seconds(2) }),
        conditions: [PolicyCondition.parameter('tier', { exact: 'gold' }), PolicyCondition.sourceIp(['1.0.0.0/8', '203.0.113.7']),
          PolicyCondition.system('reqMethod', { oneOf: ['GET', 'HEAD'] }), PolicyCondition.system('reqPath', { pattern: '^/a' })],
      }],
    }));
    const exported = doc.paths['/a'].get['x-apigateway-backend-policies'];
    expect(exported).toEqual([{
      name: 'gold_users', type: 'HTTP', effectMode: 'ANY',
      parameters: [{ name: 'tier', value: 'tier', in: 'query', origin: 'REQUEST' }],
      httpEndpoints: { address: 'gold.example.com', scheme: 'https', method: 'ANY', path: '/users', timeout: 2000, retryCount: '0' },
      conditions: [
        { origin: 'param', parameter: 'tier', type: 'exact', value: 'gold' },
        { origin: 'source', parameter: '', type: '', value: '1.0.0.0/8,203.0.113.7' },
        { origin: 'system', parameter: 'req_method', type: 'enum', value: 'GET,HEAD' },
        { origin: 'system', parameter: 'req_path', type: 'pattern', value: '^/a' },
      ],
    }]);
    const again = importDoc(doc).apis[0].backendPolicies[0];
    expect([again.policyName, again.effect, again.conditions.map(c => [c.origin, c.name, c.exact ?? c.oneOf ?? c.pattern ?? c.cidrs])]).toEqual(['gold_users', 'ANY', [
      ['PARAMETER', 'tier', 'gold'], ['SOURCE_IP', undefined, ['1.0.0.0/8', '203.0.113.7']],
      ['SYSTEM', '$context.reqMethod', ['GET', 'HEAD']], ['SYSTEM', '$context.reqPath', '^/a'],
    ]]);
  });
});

describe('#name# environment variables in backend addresses', () => {
  // `#name#` in the backend address and path, e.g. https://#address#:8080 (ref §4; OTC u/api_management/creating_an_api.rst).
  const document = oneApi({
    'x-apigateway-backend': { type: 'HTTP', httpEndpoints: { address: '#usersHost#:8443', scheme: 'https', method: 'GET', path: '/#apiVersion#/users', timeout: 5000 } },
  });

  test('import: the variables stay in the URL, each environment supplies them (a missing one fails synth naming the environment)', () => {
    const { config } = importedConfig(document, () => ({}), { stageVariables: { usersHost: 'users.example.com', apiVersion: 'v2' } });
    expect(config.apis[0].backend).toEqual({
      type: 'HTTP', url: 'https://#usersHost#:8443/#apiVersion#/users', method: 'GET', timeoutMs: 5000, urlVariables: ['usersHost', 'apiVersion'],
    });
    expect(() => importedConfig(document, () => ({}), { stageVariables: { usersHost: 'users.example.com' } })).toThrow(/environment RELEASE .*apiVersion/);
  });

  test('export: #name# (also from ${stageVariables.name}) kept in the address and the path', () => {
    const doc = exportOf(group => group.addApi('A', {
      method: HttpMethod.GET, path: '/a', backend: Backend.http('https://#usersHost#:8443/${stageVariables.apiVersion}/users'),
    }), { stageVariables: { usersHost: 'users.example.com', apiVersion: 'v2' } });
    const operation = doc.paths['/a'].get;
    expect(operation['x-apigateway-backend'].httpEndpoints).toMatchObject({ address: '#usersHost#:8443', scheme: 'https', path: '/#apiVersion#/users' });
    expect(operation['x-cdk-api-groups'].backendUrl).toBeUndefined();
  });
});

describe('x-apigateway-match-mode: SWA', () => {
  // A string on the operation: NORMAL (exact) | SWA (prefix: /prefix matches /prefix/foo, not /prefixpart). OTC
  // x/extended_definition/x-apigateway-match-mode.rst; ref §5.
  test('import: SWA is MatchMode.PREFIX, NORMAL is EXACT', () => {
    const { config } = importedConfig(oneApi({ 'x-apigateway-match-mode': 'SWA' }));
    expect(config.apis[0].matchMode).toBe('PREFIX');
    expect(importDoc(oneApi({ 'x-apigateway-match-mode': 'NORMAL' })).apis[0].matchMode).toBe(MatchMode.EXACT);
  });

  test('export: MatchMode.PREFIX is SWA', () => {
    const doc = exportOf(group => group.addApi('A', { method: HttpMethod.GET, path: '/files', backend: Backend.mock(), matchMode: MatchMode.PREFIX }));
    expect(doc.paths['/files'].get['x-apigateway-match-mode']).toBe('SWA');
  });
});

describe('functionEndpoints invocation-type: async', () => {
  // {function-urn, version, invocation-type: sync | async, timeout} (ref §6, §9); the extension page's example writes
  // "synchronous" (ref §10.5), read as sync.
  const URN = 'urn:fss:eu-de:0123456789abcdef:function:default:orders';
  const fnDoc = (invocationType: string) => oneApi({ 'x-apigateway-backend': { type: 'FUNCTION', functionEndpoints: { 'function-urn': URN, 'invocation-type': invocationType, 'timeout': 5000 } } });
  const functions = (stack: Stack) => ({ [URN]: lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:eu-west-1:123456789012:function:orders') });

  test('import: async is FunctionInvocation.ASYNC; sync and synchronous are synchronous', () => {
    expect(importedConfig(fnDoc('async'), stack => ({ functions: functions(stack) })).config.apis[0].backend).toMatchObject({ type: 'FUNCTION', invocation: 'ASYNC' });
    for (const type of ['sync', 'synchronous']) {
      expect(importedConfig(fnDoc(type), stack => ({ functions: functions(stack) })).config.apis[0].backend).not.toHaveProperty('invocation');
    }
  });

  test('export: FunctionInvocation.ASYNC is async', () => {
    const doc = exportOf((group, stack) => group.addApi('A', {
      method: HttpMethod.POST, path: '/a', backend: Backend.fn(functions(stack)[URN], { invocation: FunctionInvocation.ASYNC }),
    }));
    expect(doc.paths['/a'].post['x-apigateway-backend'].functionEndpoints['invocation-type']).toBe('async');
  });
});

describe('x-apigateway-cors per API', () => {
  // A boolean on the operation; true adds Access-Control-Allow-Origin: * (OTC x/extended_definition/x-apigateway-cors.rst; ref §7).
  // Huawei's exports of such an API also carry a default-cors response (ref §9), which is documentation.
  const document = oneApi({
    'x-apigateway-cors': true,
    'responses': { 'default-cors': { 'description': 'response example', 'x-apigateway-result-failure-sample': '', 'x-apigateway-result-normal-sample': '' } },
  }, {
    components: { responses: { 'default-cors': { description: 'response example', headers: { 'Access-Control-Allow-Origin': { schema: { default: '*', type: 'string' } } } } } },
  });

  test('import: true is the API\'s own CORS { allowOrigins: [\'*\'] } (the group declares none); default-cors reads as documentation', () => {
    const { config } = importedConfig(document);
    expect(config.apis[0].cors).toMatchObject({ allowOrigins: ['*'] });
    expect(config.cors).toBeUndefined();
    expect(importDoc(document, { lenient: true }).warnings).toEqual([]);
    // With the group's CORS, the API keeps the group's.
    expect(importDoc(document, {}, { cors: { allowOrigins: ['https://shop.example.com'] } }).apis[0].cors).toBeUndefined();
  });

  test('export: an API\'s own CORS is true; options beyond Huawei\'s switch ride x-cdk-api-groups and come back', () => {
    const doc = exportOf(group => {
      group.addApi('Star', { method: HttpMethod.GET, path: '/star', backend: Backend.mock(), cors: { allowOrigins: ['*'] } });
      group.addApi('Shop', { method: HttpMethod.GET, path: '/shop', backend: Backend.mock(), cors: { allowOrigins: ['https://shop.example.com'], maxAge: Duration.hours(1) } });
      group.addApi('None', { method: HttpMethod.GET, path: '/none', backend: Backend.mock() });
    });
    expect(['/star', '/shop', '/none'].map(p => doc.paths[p].get['x-apigateway-cors'])).toEqual([true, true, false]);
    expect(doc.paths['/star'].get['x-cdk-api-groups'].cors).toBeUndefined();
    expect(doc.paths['/shop'].get['x-cdk-api-groups'].cors).toEqual({ allowOrigins: ['https://shop.example.com'], maxAgeSeconds: 3600 });
    const apis = importDoc(doc).apis;
    expect(apis.map(a => a.cors && [a.cors.allowOrigins, a.cors.maxAge?.toSeconds()])).toEqual([[['*'], undefined], [['https://shop.example.com'], 3600], undefined]);
  });
});

describe('x-apigateway-orchestrations', () => {
  // On a parameter: the names of its orchestration rules in priority order (ref §8 "Binding"; Huawei's exports write [] for none).
  // A Huawei definition names rules without defining them: the group's rules are looked up by name.
  const document = oneApi({
    parameters: [
      { 'name': 'tier', 'in': 'query', 'schema': { type: 'string' }, 'x-apigateway-orchestrations': ['tier_none', 'tier_map'] },
      { 'name': 'q', 'in': 'query', 'schema': { type: 'string' }, 'x-apigateway-orchestrations': [] },
    ],
  });
  const rules = (group: ApiGroup) => {
    group.addOrchestrationRule('tier_none', { strategy: OrchestrationStrategy.noneValue('basic'), mappedParameter: MappedParameter.header('X-Tier') });
    group.addOrchestrationRule('tier_map', {
      strategy: OrchestrationStrategy.list([{ values: ['gold', 'platinum'], mappedValue: 'premium' }]), mappedParameter: MappedParameter.header('X-Tier'),
    });
    return {};
  };

  test('import: the group\'s rules, by name, in order; an empty list is none', () => {
    const { config } = importedConfig(document, (_stack, group) => rules(group));
    expect(config.apis[0].orchestration).toEqual({
      parameter: { name: 'tier', in: 'query' },
      rules: [
        { name: 'tier_none', strategy: 'none_value', value: 'basic', mapped: { name: 'X-Tier', in: 'header', type: 'string' } },
        { name: 'tier_map', strategy: 'list', list: [{ values: ['gold', 'platinum'], value: 'premium' }], mapped: { name: 'X-Tier', in: 'header', type: 'string' } },
      ],
    });
  });

  test('export: the rule names on the parameter, the rules themselves in x-cdk-api-groups, which the library\'s import defines', () => {
    const stack = new Stack(new App(), 'Stack');
    const group = new ApiGroup(stack, 'Group');
    rules(group);
    group.importHuaweiDefinition(HuaweiDefinition.fromString(JSON.stringify(document)));
    const doc = JSON.parse(group.exportDefinition(DefinitionFormat.HUAWEI));
    expect(doc.paths['/a'].get.parameters[0]['x-apigateway-orchestrations']).toEqual(['tier_none', 'tier_map']);
    expect(doc.paths['/a'].get.parameters[1]['x-apigateway-orchestrations']).toBeUndefined();
    expect(doc['x-cdk-api-groups'].orchestrationRules).toEqual({
      tier_none: { strategy: 'none_value', value: 'basic', mapped: { name: 'X-Tier', in: 'header', type: 'string' } },
      tier_map: { strategy: 'list', list: [{ values: ['gold', 'platinum'], value: 'premium' }], mapped: { name: 'X-Tier', in: 'header', type: 'string' } },
    });
    // Into an empty group: the rules are defined from the document, and the group exports the same document.
    const empty = new ApiGroup(new Stack(new App(), 'Stack'), 'Group');
    empty.importHuaweiDefinition(HuaweiDefinition.fromString(JSON.stringify(doc)));
    expect(empty.orchestrationRules.map(r => r.orchestrationName)).toEqual(['tier_none', 'tier_map']);
    expect(JSON.parse(empty.exportDefinition(DefinitionFormat.HUAWEI))).toEqual(doc);
  });
});

test('x-apigateway-responses: the two orchestration types import and export like the other 17', () => {
  // x-apigateway-responses: name → type → {status, body: {application/json: template}} (huawei-apig-notes §7.1); the API reference's
  // types include ORCHESTRATION_PARAMETER_NOT_FOUND and ORCHESTRATION_FAILURE (ref §8).
  const rules = {
    ORCHESTRATION_PARAMETER_NOT_FOUND: { status: 422, body: { 'application/json': '{"missing":"$context.error.message"}' } },
    ORCHESTRATION_FAILURE: { status: 409, body: { 'application/json': '{"unmapped":"$context.requestId"}' } },
  };
  const { group, warnings } = importDoc(oneApi({}, { components: { 'x-apigateway-responses': { default: rules } } }), { lenient: true });
  expect(warnings).toEqual([]);
  const exported = JSON.parse(group.exportDefinition(DefinitionFormat.HUAWEI));
  expect(exported.components['x-apigateway-responses'].default).toEqual(rules);
});

test('a request parameter declared to its own name and location comes back declared', () => {
  // Huawei writes a parameter passed as it came as {name: q, value: q, in: query, origin: REQUEST}: one the user declared so is marked.
  const doc = exportOf(group => group.addApi('A', {
    method: HttpMethod.GET, path: '/a', parameters: [RequestParameter.query('q'), RequestParameter.query('r')],
    backend: Backend.http('https://users.example.com/users', { parameters: [BackendParameter.request('q', { name: 'q', location: ParameterLocation.QUERY })] }),
  }));
  expect(doc.paths['/a'].get['x-apigateway-backend'].parameters).toEqual([
    { name: 'r', value: 'r', in: 'query', origin: 'REQUEST' },
    { 'name': 'q', 'value': 'q', 'in': 'query', 'origin': 'REQUEST', 'x-cdk-api-groups': { declared: true } },
  ]);
  const stack = new Stack(new App(), 'Stack');
  const group = new ApiGroup(stack, 'Group');
  group.importHuaweiDefinition(HuaweiDefinition.fromString(JSON.stringify(doc)));
  expect(JSON.parse(group.exportDefinition(DefinitionFormat.HUAWEI)).paths).toEqual(doc.paths);
});

test('frontend authorizer values: frontend_authorizer policy conditions and SYSTEM backend parameters, imported and exported', () => {
  // condition_origin frontend_authorizer + its parameter name ($context.authorizer.frontend.<key>), and SYSTEM backend parameters of
  // the same context (ref §2 "SYSTEM values", §3 condition_origin).
  const document = oneApi({
    'security': [{ jwt: [] }],
    'x-apigateway-backend': {
      type: 'HTTP', httpEndpoints: HTTP_ENDPOINT,
      parameters: [{ name: 'X-User', value: '$context.authorizer.frontend.userId', in: 'HEADER', origin: 'SYSTEM' }],
    },
    'x-apigateway-backend-policies': [{
      name: 'admins', type: 'HTTP', effectMode: 'ALL', httpEndpoints: { ...HTTP_ENDPOINT, address: 'admin.example.com' },
      conditions: [{ origin: 'frontend_authorizer', parameter: 'role', type: 'exact', value: 'admin' }],
    }],
  }, { components: { securitySchemes: { jwt: { 'type': 'apiKey', 'name': 'unused', 'in': 'header', 'x-apigateway-auth-type': 'AUTHORIZER' } } } });
  const stack = new Stack(new App(), 'Stack');
  const group = new ApiGroup(stack, 'Group');
  const jwt = group.addCustomAuthorizer('jwt', {
    handler: lambda.Function.fromFunctionArn(stack, 'Auth', 'arn:aws:lambda:eu-west-1:123456789012:function:auth'),
    identities: [IdentitySource.header('Authorization')],
  });
  const [api] = group.importHuaweiDefinition(HuaweiDefinition.fromString(JSON.stringify(document)), { authorizers: { jwt } });
  expect(api.backendPolicies[0].conditions.map(c => [c.origin, c.name, c.exact])).toEqual([['SYSTEM', '$context.authorizer.frontend.role', 'admin']]);
  const exported = JSON.parse(group.exportDefinition(DefinitionFormat.HUAWEI)).paths['/a'].get;
  expect(exported['x-apigateway-backend-policies'][0].conditions).toEqual([{ origin: 'frontend_authorizer', parameter: 'role', type: 'exact', value: 'admin' }]);
  expect(exported['x-apigateway-backend'].parameters).toEqual([{ name: 'X-User', value: '$context.authorizer.frontend.userId', in: 'header', origin: 'SYSTEM' }]);
});
