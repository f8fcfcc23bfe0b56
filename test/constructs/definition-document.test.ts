/**
 * The definition step on real groups: the OpenAPI document (valid OpenAPI 3.0, API Gateway's
 * documented extensions only), the quotas of a 1000-API group of issue 8's shape, quota errors
 * for groups that cannot fit, and the deployment report.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { Duration, Stack } from 'aws-cdk-lib';
import {
  ApiAuth, ApiGroup, ApiGroupProps, Backend, HttpMethod,
} from 'cdk-api-groups';
import { DOCUMENTED_EXTENSIONS, extensionsUsed } from '../../lib/private/definition/extensions';
import { AUTHORIZER_SCHEME } from '../../lib/private/definition/openapi-document';
import { renderDeploymentReport } from '../../lib/private/definition/deployment-report';
import { checkStackQuotas, defineRestApi, RestApiDefinition } from '../../lib/private/definition/rest-api-definition';
import { addIssueApis, GroupShape, ISSUE_CORS, ISSUE_SHAPE, issueGroupProps } from '../support/issue-shape-group';
import { newGroup } from '../support/synth';

const CORS = ISSUE_CORS;

function bigGroup(shape: GroupShape, props: ApiGroupProps = {}): ApiGroup {
  const group = newGroup(issueGroupProps(props));
  addIssueApis(group, shape);
  return group;
}

function define(group: ApiGroup): RestApiDefinition {
  return defineRestApi({
    scope: group,
    groupName: group.groupName,
    apis: group.apis,
    defaultResponse: group.defaultResponse,
    cors: CORS,
    usagePlans: false,
    integrationTimeout: Duration.seconds(29),
    proxyFunctionArn: group.proxyFunction.functionArn,
    authorizerFunctionArn: group.authorizerFunction?.functionArn,
  });
}

async function validate(document: unknown, stack: Stack): Promise<void> {
  // As CloudFormation receives it: tokens resolved to intrinsics (strings stay strings where OpenAPI wants strings).
  const resolved = JSON.parse(JSON.stringify(stack.resolve(document)));
  await SwaggerParser.validate(resolved);
}

describe('a 1000-API group of issue 8\'s shape', () => {
  let group: ApiGroup;
  let definition: RestApiDefinition;
  beforeAll(() => {
    group = bigGroup(ISSUE_SHAPE);
    definition = define(group);
  });

  test('has the declared mix', () => {
    expect(group.apis).toHaveLength(1000);
    expect(group.apis.filter(a => a.throttle).length).toBe(100);
    expect(group.apis.filter(a => a.auth.authType === 'IAM').length).toBe(50);
  });

  test('fits API Gateway\'s quotas: at most 300 resources and 10 authorizers, no problem', () => {
    const { plan, report } = definition;
    expect(definition.problems).toEqual([]);
    expect(plan.resourceCount).toBeLessThanOrEqual(300);
    expect(report.quotas.apiGatewayResources).toEqual({ used: plan.resourceCount, quota: 300 });
    expect(report.quotas.authorizers).toEqual({ used: 1, quota: 10 });
    expect(report.seenIndividually).toHaveLength(150);
    expect(report.catchAll.apis).toHaveLength(850);
    expect(report.catchAll.carriesAuthorizer).toBe(true);
  });

  test('its document passes an OpenAPI 3.0 validator', async () => {
    await validate(definition.document, Stack.of(group));
  });

  test('its document uses only extensions API Gateway documents', () => {
    const used = extensionsUsed(definition.document);
    expect([...used].filter(e => !DOCUMENTED_EXTENSIONS.includes(e))).toEqual([]);
    expect([...used].sort()).toEqual([
      'x-amazon-apigateway-any-method', 'x-amazon-apigateway-authorizer', 'x-amazon-apigateway-authtype',
      'x-amazon-apigateway-binary-media-types', 'x-amazon-apigateway-gateway-responses', 'x-amazon-apigateway-integration',
    ]);
  });

  test('its document, inline in the template, stays far below CloudFormation\'s 1 MB', () => {
    expect(definition.report.quotas.definitionBytes).toBeLessThan(512 * 1024);
  });

  test('every method routes to the proxy or answers the preflight natively; IAM methods are SigV4, the others carry the authorizer', () => {
    const paths = definition.document.paths as Record<string, Record<string, any>>;
    for (const api of group.apis.filter(a => a.auth.authType === 'IAM')) {
      const item = paths[api.path.replace('{id}', '{id}')];
      expect(item[api.method.toLowerCase()].security).toEqual([{ sigv4: [] }]);
    }
    for (const api of group.apis.filter(a => a.throttle && a.auth.authType === 'APP')) {
      expect(paths[api.path][api.method.toLowerCase()].security).toEqual([{ [AUTHORIZER_SCHEME]: [] }]);
    }
    for (const item of Object.values(paths)) {
      expect(item.options['x-amazon-apigateway-integration'].type).toBe('mock');
      for (const [key, op] of Object.entries(item)) {
        if (key === 'options') { continue; }
        expect(op['x-amazon-apigateway-integration']).toMatchObject({ type: 'aws_proxy', httpMethod: 'POST', timeoutInMillis: 29000 });
      }
    }
    const stack = Stack.of(group);
    const uri = JSON.stringify(stack.resolve(paths['/{proxy+}']['x-amazon-apigateway-any-method']['x-amazon-apigateway-integration'].uri));
    expect(uri).toContain(stack.getLogicalId(group.proxyFunction.node.defaultChild as any));
    expect(uri).toContain('AWS::Partition');
    expect(uri).toContain('/invocations');
  });

  test('the report renders as text', () => {
    const text = renderDeploymentReport(definition.report);
    expect(text).toContain('Deployment report of API group big');
    expect(text).toMatch(/API Gateway resources\s+\d+ of 300/);
    expect(text).toContain('Seen individually by API Gateway: 150');
    expect(text).toContain('Not seen individually, served by the proxy through the methods shown: 850\n  (the catch-all: ANY / and ANY /{proxy+}, with the authorizer)');
    expect(text).toContain('[IAM]');
    expect(text).toContain('[own throttle]');
  });

  test('stack quotas are added once the stack is known', () => {
    const stack = Stack.of(group);
    const { report, problems } = checkStackQuotas(definition, { Resources: {} }, 499);
    expect(problems).toEqual([]);
    expect(report.quotas.stackResources).toEqual({ used: 499, quota: 500 });
    const over = checkStackQuotas(definition, { Body: 'x'.repeat(1_048_577) }, 501);
    expect(over.problems.map(p => p.message)).toEqual([
      expect.stringMatching(/^number of CloudFormation resources in the stack 501 is not allowed \(1 over the quota of 500; .*move other constructs/),
      expect.stringMatching(/^size of the CloudFormation template \d+ is not allowed \(\d+ over the quota of 1048576; .*inline in the template/),
    ]);
    expect(renderDeploymentReport(over.report)).toContain('EXCEEDED');
    void stack;
  });
});

test('a group whose own throttles are spread over every path cannot fit, and the error says by how much and what to change', () => {
  // Every 10th API throttled and every 20th IAM, each on another path: ~150 paths of 3 segments.
  const group = bigGroup({ throttled: (r, m) => (r * 4 + m) % 10 === 0, iam: (r, m) => (r * 4 + m) % 20 === 5 });
  const { problems, report } = define(group);
  expect(problems).toHaveLength(1);
  const [p] = problems;
  expect(p.rule.id).toBe('rest-resources');
  const used = report.quotas.apiGatewayResources!.used;
  expect(used).toBeGreaterThan(300);
  expect(p.message).toContain(`number of REST API resources synthesized ${used} is not allowed (${used - 300} over the quota of 300;`);
  expect(p.message).toMatch(/API Gateway sees 150 APIs individually \(100 own throttle, 50 IAM\)/);
  expect(p.message).toContain('give fewer APIs their own throttle');
  expect(p.message).toContain('set maxRestResources');
  expect(report.problems[0]).toContain('[rest-resources]');
});

test('a group with authorizers added by hand beyond the quota gets the authorizer error', () => {
  const group = bigGroup(ISSUE_SHAPE, { groupName: 'auth' });
  const definition = defineRestApi({
    scope: group, groupName: 'auth', apis: group.apis, defaultResponse: group.defaultResponse, cors: CORS, usagePlans: false,
    integrationTimeout: Duration.seconds(29), proxyFunctionArn: group.proxyFunction.functionArn,
    authorizerFunctionArn: group.authorizerFunction!.functionArn, otherAuthorizers: 10,
  });
  expect(definition.problems.map(p => p.message)).toEqual([
    expect.stringMatching(/^number of authorizers of the REST API 11 is not allowed \(1 over the quota of 10; .*remove authorizers added/),
  ]);
});

describe('a small group', () => {
  function small(props: ApiGroupProps = {}): { group: ApiGroup; definition: RestApiDefinition } {
    const group = newGroup({ groupName: 'small', ...props });
    const app = group.addApp('mobile', { throttle: { rateLimit: 10, burstLimit: 20 } });
    group.addApi('Health', { method: HttpMethod.GET, path: '/health', backend: Backend.mock() });
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock(), auth: ApiAuth.app({ apps: [app] }) });
    group.addApi('Admin', { method: HttpMethod.DELETE, path: '/orders/{id}', backend: Backend.mock(), auth: ApiAuth.iam() });
    const definition = defineRestApi({
      scope: group, groupName: 'small', description: 'Small', apis: group.apis, defaultResponse: group.defaultResponse,
      cors: props.cors, usagePlans: true, integrationTimeout: Duration.seconds(10), proxyFunctionArn: group.proxyFunction.functionArn,
      authorizerFunctionArn: group.authorizerFunction!.functionArn, warnings: ['THROTTLED body uses $context.apiName, which ...'],
    });
    return { group, definition };
  }

  test('the document declares the REQUEST authorizer (TTL 0, no identity source), SigV4 and the authorizer\'s API keys', async () => {
    const { group, definition } = small();
    const doc = definition.document as any;
    const stack = Stack.of(group);
    expect(doc['x-amazon-apigateway-api-key-source']).toBe('AUTHORIZER');
    expect(doc['x-amazon-apigateway-binary-media-types']).toEqual(['*/*']);
    const authorizer = doc.components.securitySchemes[AUTHORIZER_SCHEME];
    expect(authorizer['x-amazon-apigateway-authtype']).toBe('custom');
    expect(authorizer['x-amazon-apigateway-authorizer']).toEqual({
      type: 'request', authorizerUri: expect.any(String), authorizerResultTtlInSeconds: 0,
    });
    expect(JSON.stringify(stack.resolve(authorizer['x-amazon-apigateway-authorizer'].authorizerUri)))
      .toContain(stack.getLogicalId(group.authorizerFunction!.node.defaultChild as any));
    expect(doc.components.securitySchemes.sigv4['x-amazon-apigateway-authtype']).toBe('awsSigv4');
    expect(doc.components.securitySchemes.api_key).toEqual({ type: 'apiKey', name: 'x-api-key', in: 'header' });
    // Health needs no authorizer: its own path, no security.
    expect(doc.paths['/health'].get.security).toBeUndefined();
    expect(doc.paths['/orders/{id}'].delete.security).toEqual([{ sigv4: [] }]);
    // GET /orders rides the catch-all but lands on /orders (a resource of DELETE /orders/{id}): its fallback carries the
    // authorizer and the key it supplies; /{proxy+} serves no authenticated API here, so it needs neither.
    expect(doc.paths['/orders']['x-amazon-apigateway-any-method'].security).toEqual([{ [AUTHORIZER_SCHEME]: [] }, { api_key: [] }]);
    expect(doc.paths['/{proxy+}']['x-amazon-apigateway-any-method'].security).toBeUndefined();
    expect(doc.paths['/{proxy+}']['x-amazon-apigateway-any-method'].parameters).toEqual([
      { name: 'proxy', in: 'path', required: true, schema: { type: 'string' } },
    ]);
    expect(doc.info).toEqual({ title: 'small', version: '1', description: 'Small' });
    await validate(doc, stack);
  });

  test('the gateway responses are native-responses.ts\'s translation of the default response', () => {
    const { group, definition } = small();
    const responses = (definition.document as any)['x-amazon-apigateway-gateway-responses'];
    // 20 of AWS's 21 types: REQUEST_TOO_LARGE cannot be customised (issue 14 item 11).
    expect(Object.keys(responses)).toHaveLength(20);
    expect(responses.REQUEST_TOO_LARGE).toBeUndefined();
    expect(responses.THROTTLED.statusCode).toBe('429');
    expect(responses.THROTTLED.responseParameters['gatewayresponse.header.X-Request-Id']).toBe('context.requestId');
    expect(responses.THROTTLED.responseTemplates['application/json']).toContain('$context.requestId');
    void group;
  });

  test('with CORS every path answers OPTIONS with the mock, as the CloudFormation preflight does', async () => {
    const { group, definition } = small({ cors: CORS });
    const doc = definition.document as any;
    for (const item of Object.values(doc.paths) as any[]) {
      const integration = item.options['x-amazon-apigateway-integration'];
      expect(integration).toMatchObject({ type: 'mock', contentHandling: 'CONVERT_TO_TEXT' });
      expect(integration.responses.default.responseParameters['method.response.header.Access-Control-Allow-Credentials']).toBe('\'true\'');
      expect(Object.keys(item.options.responses['204'].headers)).toContain('Access-Control-Allow-Origin');
    }
    await validate(doc, Stack.of(group));
  });

  test('the report lists who is seen and why, the riders and the degradations', () => {
    const { definition } = small();
    const report = definition.report;
    expect(report.seenIndividually.map(a => [a.name, a.reasons])).toEqual([['Health', ['noAuthorizer']], ['Admin', ['iam']]]);
    expect(report.catchAll.apis.map(a => a.name)).toEqual(['Orders']);
    expect(report.degradations).toEqual(['THROTTLED body uses $context.apiName, which ...']);
    expect(report.quotas.groupResources).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});
