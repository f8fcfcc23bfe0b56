/**
 * Real Huawei APIG definitions (test/fixtures/huawei/ORIGIN.md: the import examples of Open Telekom
 * Cloud's user guide for HTTP, HTTP-VPC, FUNCTION and MOCK backends in Swagger 2.0 and OpenAPI 3.0,
 * an export-task result, and the export sample of Huawei's API reference), imported as a migrating
 * team would: its FunctionGraph function, VPC channels and apps mapped through the import options.
 * Those whose every item has a counterpart import in strict mode with nothing reported, and their
 * export imports back to the same template; for the others, exactly what is reported.
 */
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiGroup, ApiGroupErrors, ApiGroupProps, DefinitionFormat, HuaweiDefinition, HuaweiImportOptions } from '../../lib';
import { ApiDocument } from '../../lib/private/config-document';
import { readConfigFiles } from '../../lib/private/config-files';
import { cleanWorkDirs } from '../support/proxy-harness';
import { synthesizeGroup } from '../support/synth-group';
import { FIXTURES } from './fixtures';

afterAll(() => cleanWorkDirs());

/** What a team maps: the examples' function ("your function urn address"), VPC channels, and an app for the app-authenticated APIs. */
function mapping(stack: Stack, group: ApiGroup): HuaweiImportOptions {
  const fn = lambda.Function.fromFunctionArn(stack, 'UserFunction', 'arn:aws:lambda:eu-west-1:123456789012:function:users');
  return {
    functions: { 'your function urn address': fn },
    vpcChannels: { userVpc: 'http://10.0.0.5:8080', VPC_n9ct: 'https://10.0.0.6' },
    apps: group.apps.length > 0 ? group.apps : [group.addApp('mobile')],
  };
}

/** The examples' backends answer within 30000 ms, which needs an integration timeout above API Gateway's default 29 s. */
const LONG_TIMEOUT: ApiGroupProps = { integrationTimeout: Duration.seconds(31) };

function importFixture(file: string, text?: string, props: ApiGroupProps = LONG_TIMEOUT) {
  let warnings: string[] = [];
  const synthesized = synthesizeGroup({ groupName: 'fixture', ...props }, (group, stack) => {
    const definition = text === undefined ? HuaweiDefinition.fromFile(path.join(FIXTURES, file)) : HuaweiDefinition.fromString(text);
    group.importHuaweiDefinition(definition, mapping(stack, group));
    warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('huaweiImport')).map(w => String(w.entry.data));
  });
  const config = readConfigFiles(synthesized.assetDir);
  return { ...synthesized, config, api: config.apis[0] as ApiDocument, warnings };
}

/** The problems a strict import of `file` reports (pointer: message), none when it imports. */
function strictProblems(file: string, props: ApiGroupProps = LONG_TIMEOUT, options?: HuaweiImportOptions): string[] {
  const stack = new Stack(new App(), 'Stack');
  const group = new ApiGroup(stack, 'Group', props);
  try {
    group.importHuaweiDefinition(HuaweiDefinition.fromFile(path.join(FIXTURES, file)), options ?? mapping(stack, group));
  } catch (e) {
    expect(ApiGroupErrors.isValidationError(e)).toBe(true);
    return [...(e as Error).message.matchAll(/^ {2}(\/\S*: .*)$/gm)].map(m => m[1]);
  }
  return [];
}

const IMPORTED_STRICTLY = [
  'otc-import-http.swagger2.yaml', 'otc-import-http.openapi3.yaml',
  'otc-import-http-vpc.swagger2.yaml', 'otc-import-http-vpc.openapi3.yaml',
  'otc-import-function.swagger2.yaml', 'otc-import-function.openapi3.yaml',
  'otc-export-task-result.swagger2.json',
];

describe.each(IMPORTED_STRICTLY)('%s', file => {
  test('imports in strict mode with nothing reported, and its export imports back to the same template', () => {
    const first = importFixture(file);
    expect(first.warnings).toEqual([]);
    expect(first.config.apis).toHaveLength(1);
    const exported = first.group.exportDefinition(DefinitionFormat.HUAWEI);
    const second = importFixture(file, exported);
    expect(second.template).toEqual(first.template);
    expect(second.group.exportDefinition(DefinitionFormat.HUAWEI)).toBe(exported);
  });
});

describe('what each example becomes', () => {
  test('HTTP: IAM, the path parameter moved to the query, the constant header, CORS on the API (both formats)', () => {
    for (const file of ['otc-import-http.swagger2.yaml', 'otc-import-http.openapi3.yaml']) {
      const { api } = importFixture(file);
      expect(api).toMatchObject({ method: 'GET', path: '/http/{userId}', auth: { type: 'IAM' }, cors: { allowOrigins: ['*'] } });
      expect(api.backend).toMatchObject({ type: 'HTTP', url: 'http://example.com/users', method: 'GET', timeoutMs: 30000 });
      // The OpenAPI example (an export: zero placeholders, upper-case in, retryCount '-1') lists the same parameters in another order.
      expect(new Set((api.backend as any).parameters)).toEqual(new Set([
        { origin: 'REQUEST', name: 'userId', in: 'query', value: 'userId', from: 'path' },
        { origin: 'CONSTANT', name: 'X-Invoke-User', in: 'header', value: 'apigateway' },
      ]));
      expect(api.parameters).toContainEqual({ name: 'test', in: 'header', type: 'STRING', required: true });
    }
  });

  test('HTTP-VPC: ANY, prefix match (SWA), signed requests only (apig-auth-app), the channel\'s base URL', () => {
    for (const file of ['otc-import-http-vpc.swagger2.yaml', 'otc-import-http-vpc.openapi3.yaml']) {
      const { api } = importFixture(file);
      expect(api).toMatchObject({ method: 'ANY', path: '/http-vpc', matchMode: 'PREFIX', auth: { type: 'APP', apps: ['mobile'], appCode: false } });
      expect(api.backend).toEqual({
        type: 'HTTP', url: 'http://10.0.0.5:8080/users', method: 'GET', timeoutMs: 30000,
        parameters: [{ origin: 'CONSTANT', name: 'X-Invoke-User', in: 'header', value: 'apigateway' }],
      });
    }
  });

  test('FUNCTION: asynchronous invocation, the path parameter as the query\'s functionName, the constant header', () => {
    for (const file of ['otc-import-function.swagger2.yaml', 'otc-import-function.openapi3.yaml']) {
      const { api } = importFixture(file);
      expect(api.backend).toMatchObject({ type: 'FUNCTION', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:users', timeoutMs: 30000, invocation: 'ASYNC' });
      expect(new Set((api.backend as any).parameters)).toEqual(new Set([
        { origin: 'REQUEST', name: 'functionName', in: 'query', value: 'name', from: 'path' },
        { origin: 'CONSTANT', name: 'X-Invoke-User', in: 'header', value: 'apigateway' },
      ]));
    }
  });

  test('the export task result: a mock authenticated by app signatures (apig-auth-app)', () => {
    const { api } = importFixture('otc-export-task-result.swagger2.json');
    expect(api).toMatchObject({ name: 'API_zjev', method: 'GET', path: '/test1', auth: { type: 'APP', apps: ['mobile'], appCode: false } });
    expect(api.backend).toEqual({ type: 'MOCK', statusCode: 200, body: 'not ok', headers: {} });
  });

  test('the v1 export sample: its backend policy (HTTP-VPC through the channel, a param and a source condition, ANY)', () => {
    const stack = new Stack();
    const group = new ApiGroup(stack, 'Group');
    const [api] = group.importHuaweiDefinition(HuaweiDefinition.fromFile(path.join(FIXTURES, 'huawei-v1-export-all-apis.swagger2.json')),
      { ...mapping(stack, group), lenient: true });
    expect(api.backendPolicies.map(p => [p.policyName, p.effect, p.backend.kind, p.conditions.map(c => [c.origin, c.name, c.exact ?? c.cidrs])]))
      .toEqual([['policy_test', 'ANY', 'HTTP', [['PARAMETER', 'path', 'path'], ['SOURCE_IP', undefined, ['1.0.0.0/8']]]]]);
  });
});

describe('exactly what is reported', () => {
  test('the v1 export sample: the query parameter\'s default value (Huawei sends it when the request has none)', () => {
    expect(strictProblems('huawei-v1-export-all-apis.swagger2.json')).toEqual([
      '/paths/~1test~1{path}/get/parameters/2/default: a default value ("123", which Huawei sends to the backend when the request has none) ' +
      'has no counterpart: the proxy sends only what the request has',
    ]);
  });

  test('the mock examples: served over plain HTTP only (API Gateway serves HTTPS only)', () => {
    expect(strictProblems('otc-import-mock.swagger2.yaml')).toEqual([
      '/paths/~1mock/get/schemes: ["http"]: API Gateway serves HTTPS only, callers of this API must use https',
    ]);
    expect(strictProblems('otc-import-mock.openapi3.yaml')).toEqual([
      '/paths/~1mock/get/servers: no https server: API Gateway serves HTTPS only, callers of this API must use https',
    ]);
  });

  test('with API Gateway\'s default integration timeout (29 s), the examples\' 30000 ms backend timeout', () => {
    const apis: Record<string, string> = {
      'otc-import-http.swagger2.yaml': '/paths/~1http~1{userId}/get: Stack/Group/getUser3',
      'otc-import-http-vpc.openapi3.yaml': '/paths/~1http-vpc/x-apigateway-any-method: Stack/Group/userOperation',
      'otc-import-function.openapi3.yaml': '/paths/~1function~1{name}/get: Stack/Group/invokeFunction',
    };
    for (const [file, at] of Object.entries(apis)) {
      expect(strictProblems(file, {})).toEqual([
        `${at}: backend timeout "30000 ms" is not allowed (the group's integration timeout is 29000 ms, so at most 28000 ms fits): ` +
        'allowed 1-60000 ms, and at least 1000 ms below the group\'s integration timeout [backend-timeout]',
      ]);
    }
  });

  test('without the mappings: the function, the VPC channel and the apps, each at its pointer', () => {
    expect(strictProblems('otc-import-function.openapi3.yaml', LONG_TIMEOUT, {})).toEqual([
      '/paths/~1function~1{name}/get/x-apigateway-backend/functionEndpoints/function-urn: FunctionGraph function "your function urn address" ' +
      'is not mapped: give its Lambda function in options.functions',
    ]);
    expect(strictProblems('otc-import-http-vpc.swagger2.yaml', LONG_TIMEOUT, {})).toEqual([
      '/paths/~1http-vpc/x-apigateway-any-method/x-apigateway-backend/httpVpcEndpoints/name: VPC channel "userVpc" is not mapped: ' +
      'give its base URL in options.vpcChannels',
      '/paths/~1http-vpc/x-apigateway-any-method/security/0/apig-auth-app: app authentication: the definition names no app ' +
      '(exports carry no credentials): give the apps in options.apps',
    ]);
  });
});
