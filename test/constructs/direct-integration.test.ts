/**
 * Issue 15 items 1-2: direct integration. An API marked `direct: true` is integrated by API
 * Gateway itself (HTTP_PROXY, AWS_PROXY, MOCK) and never reaches the proxy; one that uses anything
 * only the proxy can do fails the synth naming each reason; DirectIntegration.AUTO takes every
 * API that loses nothing, while the resource quota allows, and the deployment report says why.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  AccessControl, ApiAuth, ApiGroup, ApiGroupProps, Backend, BackendParameter, BackendPolicy, DirectIntegration, FunctionInvocation,
  HttpMethod, MatchMode, ParameterLocation, ParameterType, PolicyCondition, RequestParameter,
} from '../../lib';
import SwaggerParser from '@apidevtools/swagger-parser';
import { DirectStack } from '../../examples/direct/direct-stack';
import { DOCUMENTED_EXTENSIONS, extensionsUsed } from '../../lib/private/definition/extensions';
import { authorizerAsset, newApp, newGroup, newStack, restApiDocument, templateOf } from './../support/synth';

const URL = 'https://status.example.com/health';

function userFunction(stack: Stack, id = 'Fn'): lambda.Function {
  return new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({statusCode:200})') });
}

/** The deployment report the synth wrote for `group`. */
function reportOf(group: ApiGroup): any {
  const stack = Stack.of(group);
  const assembly = (stack.node.root as any).synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const dir = assembly.directory;
  const file = fs.readdirSync(dir).find((f: string) => f.startsWith(`${artifact.id}.`) && f.endsWith('.deployment-report.json'))!;
  return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
}

/** The synth's error message (fails the test when the synth succeeds). */
function synthError(group: ApiGroup): string {
  try {
    templateOf(group);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the synth succeeded');
}

function operation(group: ApiGroup, resource: string, method: string): any {
  const doc = restApiDocument(templateOf(group));
  return doc.paths[resource]?.[method === 'ANY' ? 'x-amazon-apigateway-any-method' : method.toLowerCase()];
}

describe('direct: true, one integration kind each', () => {
  test('an HTTP backend becomes HTTP_PROXY to its URL, with the request id sent on and required parameters checked by a validator', () => {
    const group = newGroup();
    group.addApi('Health', {
      method: HttpMethod.GET, path: '/health', backend: Backend.http(URL, { timeout: Duration.seconds(3) }), direct: true,
      parameters: [RequestParameter.query('verbose', { required: true }), RequestParameter.header('X-Trace', { required: false })],
    });
    const op = operation(group, '/health', 'GET');
    expect(op['x-amazon-apigateway-integration']).toEqual({
      type: 'http_proxy', httpMethod: 'GET', uri: URL, passthroughBehavior: 'when_no_match',
      requestParameters: { 'integration.request.header.X-Request-Id': 'context.requestId' }, timeoutInMillis: 3000,
    });
    expect(op.parameters).toEqual([{ name: 'verbose', in: 'query', required: true, schema: { type: 'string' } }]);
    expect(op['x-amazon-apigateway-request-validator']).toBe('direct-parameters');
    const doc = restApiDocument(templateOf(group));
    expect(doc['x-amazon-apigateway-request-validators']).toEqual({ 'direct-parameters': { validateRequestParameters: true, validateRequestBody: false } });
    // The proxy is not the integration of this method, and no other API's request reaches it.
    expect(JSON.stringify(op)).not.toContain('aws_proxy');
  });

  test('a backend address per environment is a stage variable of the integration URI; the backend method wins over ANY', () => {
    const group = newGroup({ stageVariables: { host: 'release.example.com' } });
    group.addEnvironment('Test', { variables: { host: 'test.example.com' } });
    group.addApi('Ping', { method: HttpMethod.ANY, path: '/ping', backend: Backend.http('https://#host#/ping', { method: HttpMethod.POST }), direct: true });
    const integration = operation(group, '/ping', 'ANY')['x-amazon-apigateway-integration'];
    expect(integration.uri).toBe('https://${stageVariables.host}/ping');
    expect(integration.httpMethod).toBe('POST');
  });

  test('a function backend becomes AWS_PROXY to the function, which lets API Gateway invoke it for that method only', () => {
    const stack = newStack();
    const fn = userFunction(stack);
    const group = newGroup({}, stack);
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders/{id}', backend: Backend.fn(fn, { timeout: Duration.seconds(10) }), direct: true });
    const template = templateOf(group);
    const integration = restApiDocument(template).paths['/orders/{id}'].get['x-amazon-apigateway-integration'];
    expect(integration).toMatchObject({ type: 'aws_proxy', httpMethod: 'POST', timeoutInMillis: 10000 });
    expect(JSON.stringify(integration.uri)).toContain(stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction));
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction), 'Arn'] },
      SourceArn: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/\\*/GET/orders/\\*$')])] },
    });
  });

  test('a mock becomes MOCK: its status selected by the request template, headers and body base64-encoded so no $ or # is read as VTL', () => {
    const group = newGroup();
    const body = '{"price":"$5","tag":"#1"}';
    group.addApi('Mocked', { method: HttpMethod.POST, path: '/mocked', backend: Backend.mock({ statusCode: 201, body, headers: { 'X-Kind': 'm$ck' } }), direct: true });
    const op = operation(group, '/mocked', 'POST');
    const integration = op['x-amazon-apigateway-integration'];
    expect(integration.type).toBe('mock');
    expect(integration.requestTemplates).toEqual({ 'application/json': '{"statusCode": 201}' });
    expect(op.responses).toHaveProperty('201');
    const template: string = integration.responses.default.responseTemplates['application/json'];
    expect(integration.responses.default.statusCode).toBe('201');
    expect(template).not.toContain('$5');
    const decoded = [...template.matchAll(/\$util\.base64Decode\("([^"]*)"\)/g)].map(m => Buffer.from(m[1], 'base64').toString('utf8'));
    expect(decoded).toEqual(['m$ck', body]);
    expect(template).toContain('#set($context.responseOverride.header.X-Request-Id = $context.requestId)');
    expect(template).toContain('#set($context.responseOverride.header.X-Kind = $util.base64Decode(');
  });

  test('an app-authenticated API keeps the authorizer and the app key; the AppCode is replaced and the authorizer context mapped', () => {
    const group = newGroup();
    const app = group.addApp('mobile');
    group.addApi('Profile', {
      method: HttpMethod.GET, path: '/profile', direct: true,
      auth: ApiAuth.app({ apps: [app], signature: false }),
      backend: Backend.http('https://users.example.com/profile', { authorizerContextHeaders: { 'X-App': 'appId' } }),
    });
    const op = operation(group, '/profile', 'GET');
    expect(op.security).toEqual([{ apigGroupAuthorizer: [] }]);
    expect(op['x-amazon-apigateway-integration'].requestParameters).toEqual({
      'integration.request.header.X-Request-Id': 'context.requestId',
      'integration.request.header.X-Apig-AppCode': '\'-\'',
      'integration.request.header.X-App': 'context.authorizer.appId',
    });
    // The authorizer knows the API's resource: there it answers API Gateway itself.
    const config = authorizerAsset(group).config as any;
    expect(JSON.stringify(config)).toContain('"directResource":"/profile"');
  });
});

describe('direct: true with something only the proxy can do fails the synth, naming the reason', () => {
  const cases: Array<[string, (group: ApiGroup, stack: Stack) => void, ApiGroupProps?]> = [
    ['response', g => g.addApi('A', { method: HttpMethod.GET, path: '/a', backend: Backend.http(URL), direct: true, gatewayResponse: g.addGatewayResponse('strict', {}) })],
    ['parameters', g => g.addApi('A', { method: HttpMethod.GET, path: '/a', backend: Backend.http(URL), direct: true, parameters: [RequestParameter.query('n', { type: ParameterType.NUMBER })] })],
    ['backendParameters', g => g.addApi('A', { method: HttpMethod.GET, path: '/a', direct: true, backend: Backend.http(URL, { parameters: [BackendParameter.constant('v', '1', { location: ParameterLocation.HEADER })] }) })],
    ['backendPolicies', g => g.addApi('A', {
      method: HttpMethod.GET, path: '/a', backend: Backend.http(URL), direct: true,
      backendPolicies: [{ policyName: 'office', backend: Backend.http('https://office.example.com/'), conditions: [PolicyCondition.sourceIp(['10.0.0.0/8'])] } as BackendPolicy],
    })],
    ['accessControl', g => g.addApi('A', { method: HttpMethod.GET, path: '/a', backend: Backend.http(URL), direct: true, accessControl: AccessControl.allow(['10.0.0.0/8']) })],
    ['matchMode', g => g.addApi('A', { method: HttpMethod.GET, path: '/a', backend: Backend.http(URL), direct: true, matchMode: MatchMode.PREFIX })],
    ['environments', g => {
      const test = g.addEnvironment('Test');
      void test;
      g.addApi('A', { method: HttpMethod.GET, path: '/a', backend: Backend.http(URL), direct: true, environments: [test] });
    }],
    ['cors', g => g.addApi('A', { method: HttpMethod.GET, path: '/a', backend: Backend.http(URL), direct: true }), { cors: { allowOrigins: ['https://shop.example.com'] } }],
    ['path', g => g.addApi('A', { method: HttpMethod.GET, path: '/a*b', backend: Backend.http(URL), direct: true })],
    ['signature', g => g.addApi('A', { method: HttpMethod.GET, path: '/a', backend: Backend.http(URL), direct: true, auth: ApiAuth.app({ apps: [g.addApp('mobile')] }) })],
    ['iamWithCustomAuthorizer', (g, s) => g.addApi('A', {
      method: HttpMethod.GET, path: '/a', backend: Backend.http(URL), direct: true,
      auth: ApiAuth.iam({ customAuthorizer: g.addCustomAuthorizer('second', { handler: userFunction(s, 'Auth') }) }),
    })],
    ['backendPath', g => g.addApi('A', { method: HttpMethod.GET, path: '/a/{id}', backend: Backend.http('https://x.example.com/items/{id}'), direct: true })],
    ['timeout', g => g.addApi('A', { method: HttpMethod.GET, path: '/a', backend: Backend.http(URL, { timeout: Duration.millis(20) }), direct: true })],
    ['asyncInvocation', (g, s) => g.addApi('A', { method: HttpMethod.GET, path: '/a', backend: Backend.fn(userFunction(s), { invocation: FunctionInvocation.ASYNC }), direct: true })],
    ['appCodeToFunction', (g, s) => g.addApi('A', { method: HttpMethod.GET, path: '/a', backend: Backend.fn(userFunction(s)), direct: true, auth: ApiAuth.app({ apps: [g.addApp('mobile')], signature: false }) })],
    ['mockHeaders', g => g.addApi('A', { method: HttpMethod.GET, path: '/a', backend: Backend.mock({ headers: { '1st': 'x' } }), direct: true })],
    ['accessControl', g => g.addApi('A', { method: HttpMethod.GET, path: '/a', backend: Backend.mock(), direct: true }), { accessControl: AccessControl.deny(['192.0.2.0/24']) }],
  ];
  // Every row as long as the callback's parameters (jest takes a missing one for `done`).
  test.each(cases.map(([code, build, props]) => [code, build, props ?? {}] as const))('%s', (code, build, props) => {
    const stack = newStack();
    const group = newGroup(props, stack);
    build(group, stack);
    const message = synthError(group);
    expect(message).toContain('[direct-integration]');
    expect(message).toMatch(/"Stack\/Group\/A: GET \/a[^"]*" is not allowed \(only the proxy can serve it: /);
    expect(message).toMatch(new RegExp(`(: |; )${code} \\(`));
  });

  test('a private backend (the proxy runs in a VPC) is a reason too, and several reasons are named together', () => {
    const ec2 = require('aws-cdk-lib/aws-ec2');
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const group = newGroup({ vpc, createVpcEndpoints: false } as ApiGroupProps, stack);
    group.addApi('A', { method: HttpMethod.GET, path: '/a', backend: Backend.http('https://10.0.0.5/x/{id}'.replace('/{id}', '')), direct: true, accessControl: AccessControl.allow(['10.0.0.0/8']) });
    expect(() => templateOf(group)).toThrow(/only the proxy can serve it: accessControl \(.*; privateBackend \(/);
  });
});

describe('DirectIntegration.AUTO', () => {
  function mixedGroup(props: ApiGroupProps = {}): ApiGroup {
    const stack = newStack(newApp());
    const group = newGroup({ directIntegration: DirectIntegration.AUTO, ...props }, stack);
    const app = group.addApp('mobile');
    const strict = group.addGatewayResponse('strict', {});
    group.addApi('Health', { method: HttpMethod.GET, path: '/health', backend: Backend.http(URL) });
    group.addApi('Internal', { method: HttpMethod.POST, path: '/internal/jobs', backend: Backend.http('https://jobs.example.com/run'), auth: ApiAuth.iam() });
    group.addApi('Version', { method: HttpMethod.GET, path: '/version', backend: Backend.mock({ body: '{"v":1}' }) });
    group.addApi('Order', { method: HttpMethod.GET, path: '/orders/{id}', backend: Backend.http('https://orders.example.com/orders/{id}') });
    group.addApi('Func', { method: HttpMethod.GET, path: '/func', backend: Backend.fn(userFunction(stack)) });
    group.addApi('Mine', { method: HttpMethod.GET, path: '/mine', backend: Backend.http(URL), auth: ApiAuth.app({ apps: [app], signature: false }) });
    group.addApi('Strict', { method: HttpMethod.GET, path: '/strict', backend: Backend.http(URL), gatewayResponse: strict });
    group.addApi('Kept', { method: HttpMethod.GET, path: '/kept', backend: Backend.http(URL), direct: false });
    group.addApi('Echo', { method: HttpMethod.POST, path: '/echo', backend: Backend.mock({ statusCode: 202 }) });
    return group;
  }

  test('every API that loses nothing goes direct; the others stay on the proxy with their reasons (the decision list)', () => {
    const report = reportOf(mixedGroup());
    const decisions = [...report.seenIndividually, ...report.catchAll.apis]
      .map((a: any) => ({ api: a.name, integration: a.integration, why: (a.integrationNotes ?? []).map((n: string) => n.split(':')[0]) }))
      .sort((a: any, b: any) => a.api.localeCompare(b.api));
    expect(decisions).toMatchSnapshot();
    const by = new Map(decisions.map((d: any) => [d.api, d]));
    expect(by.get('Health')).toEqual({ api: 'Health', integration: 'direct', why: [] });
    expect(by.get('Internal')).toEqual({ api: 'Internal', integration: 'direct', why: [] });
    expect(by.get('Version')).toEqual({ api: 'Version', integration: 'direct', why: [] });
    expect(by.get('Order')).toMatchObject({ integration: 'proxy', why: ['backendPath'] });
    expect(by.get('Func')).toMatchObject({ integration: 'proxy', why: ['functionErrors'] });
    expect(by.get('Mine')).toMatchObject({ integration: 'proxy', why: ['authorizerVerdicts'] });
    expect(by.get('Strict')).toMatchObject({ integration: 'proxy', why: ['response'] });
    expect(by.get('Kept')).toMatchObject({ integration: 'proxy', why: ['marked direct'] });
    expect(by.get('Echo')).toMatchObject({ integration: 'proxy', why: ['mockRequestBody'] });
    expect(report.integrations).toEqual({ direct: 3, proxy: 6 });
  });

  test('the direct APIs\' methods integrate their backends; the IAM one keeps SigV4', () => {
    const group = mixedGroup();
    expect(operation(group, '/health', 'GET')['x-amazon-apigateway-integration'].type).toBe('http_proxy');
    const internal = operation(group, '/internal/jobs', 'POST');
    expect(internal.security).toEqual([{ sigv4: [] }]);
    expect(internal['x-amazon-apigateway-integration'].uri).toBe('https://jobs.example.com/run');
    expect(operation(group, '/version', 'GET')['x-amazon-apigateway-integration'].type).toBe('mock');
  });

  test('AUTO stops at the resource quota and reports it; the synth does not fail', () => {
    const group = mixedGroup({ maxRestResources: 4 });
    const report = reportOf(group);
    const all = [...report.seenIndividually, ...report.catchAll.apis];
    const direct = all.filter((a: any) => a.integration === 'direct');
    const stopped = all.filter((a: any) => (a.integrationNotes ?? []).some((n: string) => /stays on the proxy: .*above the quota of 4/.test(n)));
    expect(report.quotas.apiGatewayResources.used).toBeLessThanOrEqual(4);
    expect(stopped.length).toBeGreaterThan(0);
    expect(direct.length + stopped.length).toBe(3);
    expect(report.problems).toEqual([]);
  });

  test('without AUTO, nothing goes direct and the document is the proxy\'s alone', () => {
    const stack = newStack();
    const group = newGroup({}, stack);
    group.addApi('Health', { method: HttpMethod.GET, path: '/health', backend: Backend.http(URL) });
    const text = JSON.stringify(restApiDocument(templateOf(group)));
    expect(text).not.toContain('http_proxy');
    expect(reportOf(group).integrations).toEqual({ direct: 0, proxy: 1 });
  });
});

describe('the direct-integration example (examples/direct)', () => {
  test('its document is valid OpenAPI 3 with API Gateway\'s documented extensions only, every integration kind in it', async () => {
    // why: API Gateway imports the Body; a malformed or undocumented direct method would fail the deployment
    const stack = new DirectStack(newApp(), 'DirectExample');
    const template = templateOf(stack.group);
    const doc = restApiDocument(template);
    expect([...extensionsUsed(doc)].filter(e => !DOCUMENTED_EXTENSIONS.includes(e))).toEqual([]);
    const kinds = new Set<string>();
    for (const item of Object.values(doc.paths) as any[]) {
      for (const op of Object.values(item) as any[]) { kinds.add(op['x-amazon-apigateway-integration']?.type); }
    }
    expect([...kinds].sort()).toEqual(['aws_proxy', 'http_proxy', 'mock']);
    // The function API's own AWS_PROXY: to the Prices function, not to the group's proxy.
    const prices = Stack.of(stack.group).getLogicalId(stack.node.findChild('Prices').node.defaultChild as lambda.CfnFunction);
    expect(JSON.stringify(doc.paths['/catalog/prices'].get['x-amazon-apigateway-integration'].uri)).toContain(prices);
    await SwaggerParser.validate(JSON.parse(JSON.stringify(Stack.of(stack.group).resolve(doc))));
  });
});
