/**
 * Each `x-apigateway-*` extension of issue 13, imported and exported, one test each way, and the
 * artefacts of Huawei's exports read as Huawei means them. Every test cites the documented shape:
 * "ref §n" is ../shared/reference/huawei-request-pipeline.md; "OTC x/<page>" is
 * opentelekomcloud-docs/api-gateway umn/source/api_management/importing_and_exorting_apis/<page>.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  Api, ApiGroup, ApiGroupProps, Backend, DefinitionFormat, HttpMethod, HuaweiDefinition, HuaweiImportOptions, ParameterType, RequestParameter,
} from '../../lib';
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
