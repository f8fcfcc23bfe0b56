/**
 * What an ApiGroup synthesizes: the REST API and its stage, the methods and catch-all routes,
 * CORS preflight, the proxy function with its permissions, and the configuration document the
 * proxy loads at cold start.
 */
import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  ApiAuth, ApiGroup, ApiGroupProps, Backend, HttpMethod, ParameterType, RequestParameter, ResponseType,
} from 'cdk-api-groups';
import { methodAt, methodsByPath, newGroup, newStack, proxyAsset, restApiDocument, templateOf } from '../support/synth';

const mock = (): Backend => Backend.mock();

/** The 19 response types: the 17 DESIGN section 4 lists, and Huawei's two orchestration types (issue 13). */
const RESPONSE_TYPES = [
  'ACCESS_DENIED', 'AUTHORIZER_CONF_FAILURE', 'AUTHORIZER_FAILURE', 'AUTHORIZER_IDENTITIES_FAILURE',
  'THIRD_AUTH_CONF_FAILURE', 'THIRD_AUTH_FAILURE', 'THIRD_AUTH_IDENTITIES_FAILURE', 'AUTH_FAILURE',
  'AUTH_HEADER_MISSING', 'BACKEND_TIMEOUT', 'BACKEND_UNAVAILABLE', 'DEFAULT_4XX', 'DEFAULT_5XX', 'NOT_FOUND',
  'REQUEST_PARAMETERS_FAILURE', 'THROTTLED', 'UNAUTHORIZED', 'ORCHESTRATION_PARAMETER_NOT_FOUND', 'ORCHESTRATION_FAILURE',
];

const HUAWEI_DEFAULT_BODY = '{"error_code":"$context.error.code","error_msg":"$context.error.message","request_id":"$context.requestId"}';

function ordersGroup(props: ApiGroupProps = {}): ApiGroup {
  const group = newGroup({ groupName: 'orders', ...props });
  group.addApi('ListOrders', { method: HttpMethod.GET, path: '/orders', backend: Backend.http('https://orders.example.com/orders') });
  group.addApi('CreateOrder', { method: HttpMethod.POST, path: '/orders', backend: Backend.http('https://orders.example.com/orders') });
  group.addApi('GetOrder', { method: HttpMethod.GET, path: '/orders/{id}', backend: Backend.http('https://orders.example.com/orders/{id}') });
  return group;
}

function proxyArn(group: ApiGroup): unknown {
  return Stack.of(group).resolve(group.proxyFunction.functionArn);
}

function proxyIntegrationUri(group: ApiGroup): unknown {
  return {
    'Fn::Join': ['', [
      'arn:', { Ref: 'AWS::Partition' }, ':apigateway:', { Ref: 'AWS::Region' }, ':lambda:path/2015-03-31/functions/',
      proxyArn(group), '/invocations',
    ]],
  };
}

function ref(group: ApiGroup, construct: { node: { defaultChild?: any } }): { Ref: string } {
  return { Ref: Stack.of(group).resolve((construct.node.defaultChild as any).logicalId) };
}

// ---------------------------------------------------------------------------------------------

describe('REST API and stage', () => {
  test('a regional REST API named after the group, every media type binary, no account-wide CloudWatch role', () => {
    // Binary */* lets the proxy pass any body byte for byte; a CloudWatch role would be an account-wide side effect.
    // GIVEN
    const group = ordersGroup({ description: 'Orders API group' });
    // WHEN
    const template = templateOf(group);
    // THEN
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    // CloudFormation ignores EndpointConfiguration when it imports a body: the import parameter sets the type.
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'orders',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      Parameters: { endpointConfigurationTypes: 'REGIONAL' },
    });
    const document = restApiDocument(template);
    expect(document.info).toEqual({ title: 'orders', version: '1', description: 'Orders API group' });
    expect(document['x-amazon-apigateway-binary-media-types']).toEqual(['*/*']);
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    expect(group.groupName).toBe('orders');
  });

  test('without groupName the name is derived from the construct path', () => {
    // Two groups in one account must not collide by default.
    const group = newGroup();
    group.addApi('Health', { method: HttpMethod.GET, path: '/health', backend: mock() });
    expect(group.groupName).toMatch(/^Stack-Group-[0-9A-F]{8}$/);
    templateOf(group).hasResourceProperties('AWS::ApiGateway::RestApi', { Name: group.groupName });
  });

  test('the stage is RELEASE by default, Huawei\'s default environment', () => {
    // Users coming from Huawei APIG expect their URLs to end in /RELEASE.
    const template = templateOf(ordersGroup());
    template.resourceCountIs('AWS::ApiGateway::Stage', 1);
    template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'RELEASE', Variables: Match.absent() });
  });

  test('a custom stage name and stage variables', () => {
    // $stageVariables.<name> in templates reads these.
    const group = ordersGroup({ stageName: 'prod', stageVariables: { env: 'prod', region: 'eu-west-1' } });
    const template = templateOf(group);
    expect(group.stageName).toBe('prod');
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      Variables: { env: 'prod', region: 'eu-west-1' },
      DeploymentId: { Ref: Match.stringLikeRegexp('^GroupRestApiDeployment') },
    });
    expect(proxyAsset(group, template).config.group).toEqual({ name: 'orders', stage: 'prod' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('methods and routes', () => {
  test('the REST API is one document: no resource or method of its own, every API method routed to the proxy', () => {
    // One CloudFormation resource for the whole tree (DESIGN section 11); every request must reach the proxy,
    // which alone knows the API's response, parameters and backend.
    // GIVEN
    const group = ordersGroup();
    group.addApi('DeleteOrder', { method: HttpMethod.DELETE, path: '/orders/{id}', backend: mock(), auth: ApiAuth.iam() });
    // WHEN
    const template = templateOf(group);
    // THEN
    template.resourceCountIs('AWS::ApiGateway::Resource', 0);
    template.resourceCountIs('AWS::ApiGateway::Method', 0);
    const integration = { type: 'aws_proxy', httpMethod: 'POST', timeoutInMillis: 29000, uri: proxyIntegrationUri(group) };
    for (const [path, methods] of Object.entries(methodsByPath(template))) {
      for (const method of methods) { expect(methodAt(template, path, method)['x-amazon-apigateway-integration']).toEqual(integration); }
    }
  });

  test('APIs without per-method enforcement ride ANY / and ANY /{proxy+}; IAM APIs get their own method', () => {
    // API Gateway sees a path only where it must enforce something per method (DESIGN section 11).
    const group = ordersGroup();
    group.addApi('DeleteOrder', { method: HttpMethod.DELETE, path: '/orders/{id}', backend: mock(), auth: ApiAuth.iam() });
    const template = templateOf(group);
    expect(methodsByPath(template)).toEqual({
      '/': ['ANY'], '/orders': ['ANY'], '/orders/{id}': ['ANY', 'DELETE'], '/{proxy+}': ['ANY'],
    });
    expect(methodAt(template, '/orders/{id}', 'DELETE').security).toEqual([{ sigv4: [] }]);
    expect(methodAt(template, '/orders/{id}', 'ANY').security).toBeUndefined();
  });

  test('ANY on every resource without an ANY API, the root and the catch-all /{proxy+} included', () => {
    // Requests API Gateway would otherwise answer with MISSING_AUTHENTICATION_TOKEN reach the proxy,
    // which answers NOT_FOUND or "method not supported" from the group's responses.
    // GIVEN: IAM APIs, which API Gateway must see individually
    const group = newGroup();
    group.addApi('ListOrders', { method: HttpMethod.GET, path: '/orders', backend: mock(), auth: ApiAuth.iam() });
    group.addApi('AnyOrder', { method: HttpMethod.ANY, path: '/orders/{id}', backend: mock(), auth: ApiAuth.iam() });
    group.addApi('GetItem', { method: HttpMethod.GET, path: '/orders/{id}/items/{item}', backend: mock(), auth: ApiAuth.iam() });
    // WHEN
    const template = templateOf(group);
    // THEN: intermediate resources (/orders/{id}/items) get ANY too; the ANY API is not doubled
    expect(methodsByPath(template)).toEqual({
      '/': ['ANY'],
      '/orders': ['ANY', 'GET'],
      '/orders/{id}': ['ANY'],
      '/orders/{id}/items': ['ANY'],
      '/orders/{id}/items/{item}': ['ANY', 'GET'],
      '/{proxy+}': ['ANY'],
    });
    for (const [path, method] of [['/', 'ANY'], ['/{proxy+}', 'ANY'], ['/orders/{id}/items', 'ANY']]) {
      expect(methodAt(template, path, method)).toMatchObject({ 'x-amazon-apigateway-integration': { type: 'aws_proxy', uri: proxyIntegrationUri(group) } });
      expect(methodAt(template, path, method).security).toBeUndefined();
    }
    expect(methodAt(template, '/orders/{id}', 'ANY').security).toEqual([{ sigv4: [] }]);
  });

  test('APIs whose paths differ only in a parameter name share one resource', () => {
    // API Gateway allows one variable child per level; the proxy routes on the real path.
    const group = newGroup();
    group.addApi('GetA', { method: HttpMethod.GET, path: '/a/{x}', backend: mock(), auth: ApiAuth.iam() });
    group.addApi('PostB', { method: HttpMethod.POST, path: '/a/{y}/b', backend: mock(), auth: ApiAuth.iam() });
    expect(methodsByPath(templateOf(group))).toEqual({
      '/': ['ANY'], '/a': ['ANY'], '/a/{x}': ['ANY', 'GET'], '/a/{x}/b': ['ANY', 'POST'], '/{proxy+}': ['ANY'],
    });
  });

  test('an ANY API on the root replaces the root\'s own ANY', () => {
    // The user's API answers there, not the proxy's NOT_FOUND.
    const group = newGroup();
    group.addApi('Root', { method: HttpMethod.ANY, path: '/', backend: mock(), auth: ApiAuth.iam() });
    const template = templateOf(group);
    expect(methodsByPath(template)).toEqual({ '/': ['ANY'], '/{proxy+}': ['ANY'] });
    expect(methodAt(template, '/', 'ANY').security).toEqual([{ sigv4: [] }]);
  });

  test('no catch-all when an API seen individually puts a {param} resource at the root, with a warning', () => {
    // API Gateway allows one variable child per level: unknown paths elsewhere keep AWS's 403, so the user must know.
    // GIVEN
    const group = newGroup();
    group.addApi('TenantOrders', { method: HttpMethod.GET, path: '/{tenant}/orders', backend: mock(), auth: ApiAuth.iam() });
    // WHEN
    const template = templateOf(group);
    // THEN
    expect(methodsByPath(template)).toEqual({ '/': ['ANY'], '/{tenant}': ['ANY'], '/{tenant}/orders': ['ANY', 'GET'] });
    Annotations.fromStack(Stack.of(group)).hasWarning('/Stack/Group', Match.stringLikeRegexp(
      'the root already has the variable resource /\\{tenant\\}, so no catch-all /\\{proxy\\+\\} can be defined: .*MISSING_AUTHENTICATION_TOKEN.*' +
      '\\[ack: cdk-api-groups:noCatchAll\\]$'));
  });

  test('a {param} root path riding the catch-all leaves room for it, without a warning', () => {
    // The catch-all /{proxy+} serves /{tenant}/orders itself; the proxy routes on the real path.
    const group = newGroup();
    group.addApi('TenantOrders', { method: HttpMethod.GET, path: '/{tenant}/orders', backend: mock() });
    expect(methodsByPath(templateOf(group))).toEqual({ '/': ['ANY'], '/{proxy+}': ['ANY'] });
    Annotations.fromStack(Stack.of(group)).hasNoWarning('*', Match.stringLikeRegexp('noCatchAll'));
  });

  test('a greedy root API is reused as the catch-all', () => {
    // /{path+} already catches every path; a second greedy child is impossible, and not needed.
    const group = newGroup();
    group.addApi('Files', { method: HttpMethod.GET, path: '/{path+}', backend: mock(), auth: ApiAuth.iam() });
    const template = templateOf(group);
    expect(methodsByPath(template)).toEqual({ '/': ['ANY'], '/{path+}': ['ANY', 'GET'] });
    Annotations.fromStack(Stack.of(group)).hasNoWarning('*', Match.stringLikeRegexp('noCatchAll'));
  });
});

// ---------------------------------------------------------------------------------------------

describe('CORS preflight', () => {
  test('without CORS there is no OPTIONS method at all', () => {
    // OPTIONS then reaches the proxy like any method (and an OPTIONS API would get it).
    const template = templateOf(ordersGroup());
    for (const methods of Object.values(methodsByPath(template))) { expect(methods).not.toContain('OPTIONS'); }
  });

  test('with one origin: a MOCK OPTIONS method on every resource, answered as text with the allow headers', () => {
    // Browsers preflight every path; CONVERT_TO_TEXT is needed because every media type is binary.
    // GIVEN
    const group = ordersGroup({ cors: { allowOrigins: ['https://shop.example.com'] } });
    // WHEN
    const template = templateOf(group);
    // THEN
    const table = methodsByPath(template);
    expect(Object.keys(table).sort()).toEqual(['/', '/{proxy+}']);
    for (const methods of Object.values(table)) { expect(methods).toContain('OPTIONS'); }
    const headers = {
      'method.response.header.Access-Control-Allow-Headers':
        '\'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-User-Agent,X-Apig-AppCode\'',
      'method.response.header.Access-Control-Allow-Origin': '\'https://shop.example.com\'',
      'method.response.header.Access-Control-Allow-Methods': '\'GET,POST,PUT,DELETE,HEAD,PATCH,OPTIONS\'',
      'method.response.header.Vary': '\'Origin\'',
    };
    expect(methodAt(template, '/{proxy+}', 'OPTIONS')).toEqual({
      parameters: [{ name: 'proxy', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        204: {
          description: 'CORS preflight, answered by API Gateway',
          headers: Object.fromEntries(Object.keys(headers).map(k => [k.replace('method.response.header.', ''), { schema: { type: 'string' } }])),
        },
      },
      'x-amazon-apigateway-integration': {
        type: 'mock',
        contentHandling: 'CONVERT_TO_TEXT',
        requestTemplates: { 'application/json': '{ "statusCode": 200 }' },
        // The answer is text too under binary media types such as */* (issue 14 item 15).
        responses: { default: { statusCode: '204', contentHandling: 'CONVERT_TO_TEXT', responseParameters: headers } },
      },
    });
  });

  test('custom headers, methods, credentials and max age reach the preflight answer', () => {
    // What the browser is told must be what the user declared.
    const group = ordersGroup({
      cors: {
        allowOrigins: ['https://shop.example.com'], allowHeaders: ['X-Custom', 'Content-Type'], allowMethods: ['GET', 'POST'],
        allowCredentials: true, maxAge: Duration.minutes(10),
      },
    });
    const options = methodAt(templateOf(group), '/', 'OPTIONS');
    expect(options['x-amazon-apigateway-integration'].responses.default.responseParameters).toEqual({
      'method.response.header.Access-Control-Allow-Headers': '\'X-Custom,Content-Type\'',
      'method.response.header.Access-Control-Allow-Origin': '\'https://shop.example.com\'',
      'method.response.header.Access-Control-Allow-Methods': '\'GET,POST\'',
      'method.response.header.Vary': '\'Origin\'',
      'method.response.header.Access-Control-Allow-Credentials': '\'true\'',
      'method.response.header.Access-Control-Max-Age': '\'600\'',
    });
  });

  test('with several origins the preflight echoes an allowed Origin through a VTL template', () => {
    // A response can name only one origin: the template picks the caller's when it is allowed.
    // GIVEN
    const group = ordersGroup({ cors: { allowOrigins: ['https://a.example.com', 'https://b.example.com', 'https://c.example.com'] } });
    // WHEN
    const response = methodAt(templateOf(group), '/{proxy+}', 'OPTIONS')['x-amazon-apigateway-integration'].responses.default;
    // THEN
    expect(response.responseParameters['method.response.header.Access-Control-Allow-Origin']).toBe('\'https://a.example.com\'');
    expect(response.responseTemplates).toEqual({
      'application/json': [
        '#set($origin = $input.params().header.get("Origin"))',
        '#if($origin == "")',
        '  #set($origin = $input.params().header.get("origin"))',
        '#end',
        '#if($origin == "https://b.example.com" || $origin == "https://c.example.com")',
        '  #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
        '#end',
      ].join('\n'),
    });
  });

  test('"*" allows any origin without Vary', () => {
    // The answer does not depend on the caller.
    const options = methodAt(templateOf(ordersGroup({ cors: { allowOrigins: ['*'] } })), '/', 'OPTIONS');
    const answer = options['x-amazon-apigateway-integration'].responses.default;
    expect(answer.responseParameters['method.response.header.Access-Control-Allow-Origin']).toBe('\'*\'');
    expect(answer.responseParameters['method.response.header.Vary']).toBeUndefined();
    expect(answer.responseTemplates).toBeUndefined();
  });

  test('an OPTIONS API replaces the native preflight on its resource, with a warning', () => {
    // The user's API answers OPTIONS there; the user should know preflight is now theirs.
    const group = ordersGroup({ cors: { allowOrigins: ['https://shop.example.com'] } });
    group.addApi('OrdersOptions', { method: HttpMethod.OPTIONS, path: '/orders', backend: mock() });
    const template = templateOf(group);
    expect(methodAt(template, '/orders', 'OPTIONS')).toMatchObject({ 'x-amazon-apigateway-integration': { type: 'aws_proxy' } });
    expect(methodAt(template, '/{proxy+}', 'OPTIONS')).toMatchObject({ 'x-amazon-apigateway-integration': { type: 'mock' } });
    Annotations.fromStack(Stack.of(group)).hasWarning('/Stack/Group/OrdersOptions', Match.stringLikeRegexp(
      'API OPTIONS /orders answers OPTIONS on /orders, so the group\'s native CORS preflight is not defined there ' +
      '\\[ack: cdk-api-groups:optionsReplacesPreflight\\]'));
  });
});

// ---------------------------------------------------------------------------------------------

describe('proxy function and permissions', () => {
  test('the proxy: Node.js 24 on arm64, index.handler, a timeout longer than the integration timeout', () => {
    // API Gateway must give up before Lambda does, so the proxy's own timeouts always win.
    // GIVEN
    const group = ordersGroup();
    // WHEN
    const template = templateOf(group);
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 30,
      MemorySize: 512,
      LoggingConfig: { LogGroup: ref(group, group.proxyLogGroup) },
      Role: Stack.of(group).resolve(group.proxyFunction.role!.roleArn),
    });
  });

  test('a raised integration timeout raises the function timeout and warns about the quota', () => {
    // Above 29 s needs an AWS quota increase; the user must know before deploying.
    const group = ordersGroup({ integrationTimeout: Duration.seconds(40), proxyMemorySize: 1024 });
    const template = templateOf(group);
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 41, MemorySize: 1024 });
    const timeouts = Object.entries(methodsByPath(template))
      .flatMap(([path, methods]) => methods.map(m => methodAt(template, path, m)['x-amazon-apigateway-integration'].timeoutInMillis));
    expect(timeouts).toEqual([40000, 40000]);
    Annotations.fromStack(Stack.of(group)).hasWarning('/Stack/Group', Match.stringLikeRegexp(
      'integrationTimeout 40000 ms is above API Gateway\'s default quota of 29000 ms.*\\[ack: cdk-api-groups:integrationTimeoutQuota\\]'));
  });

  test('exactly one Lambda permission, scoped to the REST API\'s execute-api ARN', () => {
    // One permission for every method (not one per method): fewer resources, and no other caller may invoke the proxy.
    // GIVEN: function backends too, which must not get resource policies of their own
    const group = ordersGroup();
    const fn = new lambda.Function(Stack.of(group), 'Inventory', {
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})'),
    });
    group.addApi('GetInventory', { method: HttpMethod.GET, path: '/inventory/{sku}', backend: Backend.fn(fn) });
    // WHEN
    const template = templateOf(group);
    // THEN
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: proxyArn(group),
      Principal: 'apigateway.amazonaws.com',
      SourceArn: {
        'Fn::Join': ['', [
          'arn:', { Ref: 'AWS::Partition' }, ':execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':',
          ref(group, group.restApi), '/*/*/*',
        ]],
      },
    });
  });

  test('the proxy role: logs on its own log group, lambda:InvokeFunction on exactly the function backends', () => {
    // Least privilege: the proxy can invoke the functions its APIs call, and nothing else.
    // GIVEN: fnA used by two APIs, fnB by one, plus HTTP and mock APIs and an unrelated function
    const group = ordersGroup();
    const stack = Stack.of(group);
    const newFn = (id: string) => new lambda.Function(stack, id, {
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})'),
    });
    const [fnA, fnB] = [newFn('FnA'), newFn('FnB')];
    newFn('Unrelated');
    group.addApi('UseA1', { method: HttpMethod.GET, path: '/a1', backend: Backend.fn(fnA) });
    group.addApi('UseA2', { method: HttpMethod.GET, path: '/a2', backend: Backend.fn(fnA) });
    group.addApi('UseB', { method: HttpMethod.GET, path: '/b', backend: Backend.fn(fnB) });
    group.addApi('Health', { method: HttpMethod.GET, path: '/health', backend: mock() });
    // WHEN
    const template = templateOf(group);
    // THEN
    const roleRef = ref(group, group.proxyFunction.role as any);
    const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [roleRef] } }));
    expect(policies).toHaveLength(1);
    const arn = (fn: lambda.Function) => stack.resolve(fn.functionArn);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: stack.resolve(group.proxyLogGroup.logGroupArn),
      },
      // Exactly the ARNs: the proxy invokes them unqualified, so no `:*` version wildcard (cdk-nag IAM5).
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: arn(fnA) },
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: arn(fnB) },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      },
      Description: Match.stringLikeRegexp('^Proxy of API group orders'),
      ManagedPolicyArns: Match.absent(),
      Policies: Match.absent(),
    });
  });

  test('without function backends the proxy may only write its logs', () => {
    // HTTP and mock backends need no AWS permission.
    const group = ordersGroup();
    const template = templateOf(group);
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([{
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: Stack.of(group).resolve(group.proxyLogGroup.logGroupArn),
    }]);
  });

  test('the proxy\'s log group keeps logs three months by default, as configured otherwise', () => {
    // Logs are the only record of gateway errors: unbounded retention costs, too short loses evidence.
    templateOf(ordersGroup()).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    templateOf(ordersGroup({ logRetention: logs.RetentionDays.ONE_WEEK })).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });
});

// ---------------------------------------------------------------------------------------------

describe('configuration document (config.json in the proxy\'s asset)', () => {
  function fullGroup() {
    const stack = newStack();
    const group = newGroup({
      groupName: 'orders',
      defaultResponse: {
        rules: [{ type: ResponseType.THROTTLED, statusCode: 429, body: '{"code":"$context.error.code"}', headers: { 'Retry-After': '1' } }],
      },
    }, stack);
    const strict = group.addGatewayResponse('strict', {
      rules: [{ type: ResponseType.NOT_FOUND, statusCode: 410, headers: { 'X-Api': '$context.apiName' } }],
    });
    const inventory = new lambda.Function(stack, 'Inventory', {
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})'),
    });
    const imported = lambda.Function.fromFunctionAttributes(stack, 'Imported', {
      functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:legacy', sameEnvironment: true,
    });
    group.addApi('ListOrders', {
      method: HttpMethod.GET, path: '/orders', apiName: 'list-orders',
      backend: Backend.http('https://orders.example.com/orders', { timeout: Duration.seconds(3) }),
      parameters: [
        RequestParameter.query('status', { enumerations: ['open', 'shipped'] }),
        RequestParameter.query('limit', { type: ParameterType.NUMBER, minimum: 1, maximum: 100 }),
        RequestParameter.header('X-Trace', { required: true, minLength: 8, maxLength: 64 }),
      ],
    });
    group.addApi('GetOrder', {
      method: HttpMethod.GET, path: '/orders/{id}',
      backend: Backend.http('https://orders.example.com/legacy/{id}', { method: HttpMethod.POST }),
      parameters: [RequestParameter.path('id', { type: ParameterType.NUMBER })],
      gatewayResponse: strict,
    });
    group.addApi('GetInventory', { method: HttpMethod.GET, path: '/inventory/{sku+}', backend: Backend.fn(inventory, { timeout: Duration.millis(1500) }) });
    group.addApi('GetLegacy', { method: HttpMethod.ANY, path: '/legacy', backend: Backend.fn(imported) });
    group.addApi('Health', { method: HttpMethod.GET, path: '/health', backend: Backend.mock({ statusCode: 200, body: '{"ok":true}', headers: { 'Content-Type': 'application/json' } }) });
    return { stack, group, inventory };
  }

  test('routes, parameters and backends of every API, in definition order', () => {
    // The proxy routes and validates from this document alone: it must say exactly what the user declared.
    // GIVEN
    const { stack, group, inventory } = fullGroup();
    // WHEN
    const template = templateOf(group);
    const { config } = proxyAsset(group, template);
    // THEN
    expect(config.version).toBe(3);
    expect(config.group).toEqual({ name: 'orders', stage: 'RELEASE' });
    expect(config.apis).toEqual([
      {
        id: group.apis[0].apiId, name: 'list-orders', method: 'GET', path: '/orders', response: 'default',
        parameters: [
          { name: 'status', in: 'query', type: 'STRING', required: false, enumerations: ['open', 'shipped'] },
          { name: 'limit', in: 'query', type: 'NUMBER', required: false, minimum: 1, maximum: 100 },
          { name: 'X-Trace', in: 'header', type: 'STRING', required: true, minLength: 8, maxLength: 64 },
        ],
        backend: { type: 'HTTP', url: 'https://orders.example.com/orders', timeoutMs: 3000 },
      },
      {
        id: group.apis[1].apiId, name: 'GetOrder', method: 'GET', path: '/orders/{id}', response: 'strict',
        parameters: [{ name: 'id', in: 'path', type: 'NUMBER', required: true }],
        backend: { type: 'HTTP', url: 'https://orders.example.com/legacy/{id}', method: 'POST', timeoutMs: 5000 },
      },
      {
        id: group.apis[2].apiId, name: 'GetInventory', method: 'GET', path: '/inventory/{sku+}', response: 'default', parameters: [],
        backend: { type: 'FUNCTION', functionArn: { env: 'APIG_VALUE_0' }, timeoutMs: 1500 },
      },
      {
        id: group.apis[3].apiId, name: 'GetLegacy', method: 'ANY', path: '/legacy', response: 'default', parameters: [],
        backend: { type: 'FUNCTION', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:legacy', timeoutMs: 5000 },
      },
      {
        id: group.apis[4].apiId, name: 'Health', method: 'GET', path: '/health', response: 'default', parameters: [],
        backend: { type: 'MOCK', statusCode: 200, body: '{"ok":true}', headers: { 'Content-Type': 'application/json' } },
      },
    ]);
    // API ids: 32 hex characters, distinct
    const ids = config.apis.map(a => a.id);
    for (const id of ids) { expect(id).toMatch(/^[0-9a-f]{32}$/); }
    expect(new Set(ids).size).toBe(ids.length);
    // the function's ARN, a deploy-time token, comes through the proxy's environment
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: { Variables: { APIG_VALUE_0: stack.resolve(inventory.functionArn) } },
    });
    // the imported function is granted by its literal ARN
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: 'lambda:InvokeFunction', Effect: 'Allow',
          Resource: 'arn:aws:lambda:eu-west-1:123456789012:function:legacy',
        }]),
      },
    });
    expect(config.cors).toBeUndefined();
  });

  test('every response, with a fully resolved rule for each of the 19 types', () => {
    // The runtime never applies defaults itself: a missing type would crash or mis-render an error.
    // GIVEN
    const { group } = fullGroup();
    // WHEN
    const { config } = proxyAsset(group);
    // THEN
    expect(Object.keys(config.responses)).toEqual(['default', 'strict']);
    for (const rules of Object.values(config.responses)) { expect(Object.keys(rules).sort()).toEqual([...RESPONSE_TYPES].sort()); }
    expect(Object.keys(config.errors).sort()).toEqual([...RESPONSE_TYPES].sort());
    const { default: dflt, strict } = config.responses;
    expect(dflt.THROTTLED).toEqual({ status: 429, body: '{"code":"$context.error.code"}', headers: { 'Retry-After': '1' } });
    expect(dflt.NOT_FOUND).toEqual({ status: 404, body: HUAWEI_DEFAULT_BODY, headers: {} });
    expect(dflt.AUTHORIZER_FAILURE).toEqual({ status: 500, body: HUAWEI_DEFAULT_BODY, headers: {} });
    // DEFAULT_4XX / DEFAULT_5XX: no status, the original one is kept
    expect(dflt.DEFAULT_4XX).toEqual({ body: HUAWEI_DEFAULT_BODY, headers: {} });
    expect(dflt.DEFAULT_5XX).toEqual({ body: HUAWEI_DEFAULT_BODY, headers: {} });
    // a custom response starts from the built-in defaults, not from `default`'s rules
    expect(strict.NOT_FOUND).toEqual({ status: 410, body: HUAWEI_DEFAULT_BODY, headers: { 'X-Api': '$context.apiName' } });
    expect(strict.THROTTLED).toEqual({ status: 429, body: HUAWEI_DEFAULT_BODY, headers: {} });
    // error codes and messages of DESIGN section 4
    expect(config.errors.NOT_FOUND).toEqual({ code: 'APIG.0101', message: 'The API does not exist or has not been published in the environment.' });
    expect(config.errors.THROTTLED).toEqual({ code: 'APIG.0308', message: 'The throttling threshold has been reached.' });
    expect(config.errors.AUTH_FAILURE).toEqual({ code: 'APIG.0303', message: 'Incorrect app authentication information' });
    expect(config.errors.THIRD_AUTH_CONF_FAILURE).toEqual({ code: 'APIG.0617', message: 'Incorrect third-party authentication response information' });
    // the two orchestration types: Huawei's one documented orchestration error, APIG.0106 (400)
    expect(dflt.ORCHESTRATION_PARAMETER_NOT_FOUND).toEqual({ status: 400, body: HUAWEI_DEFAULT_BODY, headers: {} });
    expect(strict.ORCHESTRATION_FAILURE).toEqual({ status: 400, body: HUAWEI_DEFAULT_BODY, headers: {} });
    expect(config.errors.ORCHESTRATION_PARAMETER_NOT_FOUND).toEqual({ code: 'APIG.0106', message: 'Orchestration error.' });
    expect(config.errors.ORCHESTRATION_FAILURE).toEqual({ code: 'APIG.0106', message: 'Orchestration error.' });
  });

  test('CORS settings, with the defaults the native preflight uses', () => {
    // Preflights that reach the proxy must get the same answer as the native ones.
    const group = ordersGroup({ cors: { allowOrigins: ['https://a.example.com', 'https://b.example.com'], allowCredentials: true } });
    expect(proxyAsset(group).config.cors).toEqual({
      allowOrigins: ['https://a.example.com', 'https://b.example.com'],
      allowCredentials: true,
      exposeHeaders: ['X-Request-Id'],
      allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'X-Amz-Date', 'Authorization', 'X-Api-Key', 'X-Amz-Security-Token', 'X-Amz-User-Agent', 'X-Apig-AppCode'],
    });
    const custom = ordersGroup({
      cors: { allowOrigins: ['*'], allowMethods: ['GET'], allowHeaders: ['X-A'], exposeHeaders: [], maxAge: Duration.hours(1) },
    });
    expect(proxyAsset(custom).config.cors).toEqual({
      allowOrigins: ['*'], allowCredentials: false, exposeHeaders: [], allowMethods: ['GET'], allowHeaders: ['X-A'], maxAgeSeconds: 3600,
    });
  });

  test('a backend URL holding a token is passed through the environment', () => {
    // e.g. a load balancer's DNS name, known only at deploy time.
    const group = newGroup();
    const host = Lazy.string({ produce: () => 'internal.example.com' });
    group.addApi('GetOrder', { method: HttpMethod.GET, path: '/orders/{id}', backend: Backend.http(`https://${host}/orders/{id}`) });
    const template = templateOf(group);
    expect(proxyAsset(group, template).config.apis[0].backend).toEqual({ type: 'HTTP', url: { env: 'APIG_VALUE_0' }, timeoutMs: 5000 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: { Variables: { APIG_VALUE_0: 'https://internal.example.com/orders/{id}' } },
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('lifecycle and accessors', () => {
  test('the group exposes its APIs, responses, REST API, proxy and URL', () => {
    // Users reach the L2 constructs through these to customise what the group does not cover.
    const group = ordersGroup();
    const strict = group.addGatewayResponse('strict');
    expect(group.apis.map(a => a.apiName)).toEqual(['ListOrders', 'CreateOrder', 'GetOrder']);
    expect(group.gatewayResponses).toEqual([group.defaultResponse, strict]);
    expect(group.defaultResponse.isDefault).toBe(true);
    expect(group.findGatewayResponse('strict')).toBe(strict);
    expect(group.findGatewayResponse('nope')).toBeUndefined();
    expect(group.url).toBe(group.restApi.url);
    expect(group.apis[2].pathVariables).toEqual(['id']);
  });

  test('API ids are stable: derived from the group name and construct id only', () => {
    // $context.apiId must not change between deployments of the same app.
    const ids = () => ordersGroup().apis.map(a => a.apiId);
    expect(ids()).toEqual(ids());
    expect(new Set(ids()).size).toBe(3);
  });

  test('adding an API or a response after synthesis is refused', () => {
    // It could not reach the synthesized template or configuration: failing loudly beats a silent no-op.
    const group = ordersGroup();
    templateOf(group);
    expect(() => group.addApi('Late', { method: HttpMethod.GET, path: '/late', backend: mock() }))
      .toThrow('Stack/Group/Late: cannot be added to API group Stack/Group after it was synthesized');
    expect(() => group.addGatewayResponse('late')).toThrow(/cannot be added to API group Stack\/Group after it was synthesized/);
  });

  test.each([
    ['a valid id is the name as it is', 'ListOrders', 'ListOrders'],
    ['a short id is padded', 'Me', 'Me-api'],
    ['a one-letter id is padded', 'A', 'A-api'],
    ['characters Huawei does not allow become "_"', 'get order ä', 'get_order__'],
    ['an id that does not start with a letter or digit gets a prefix', '_internal', 'api_internal'],
    ['a long id is cut to 255 characters', 'x'.repeat(300), 'x'.repeat(255)],
  ])('the default API name is always valid: %s (%s)', (_what, id, name) => {
    // A construct id like `Me` must not need an explicit apiName; the name reaches $context.apiName.
    const group = newGroup({ groupName: 'orders' });
    const api = group.addApi(id, { method: HttpMethod.GET, path: '/me', backend: mock() });
    expect(api.apiName).toBe(name);
    expect(api.apiName).toMatch(/^[A-Za-z0-9][A-Za-z0-9\-_./:()]{2,254}$/); // Huawei's API name rule (RULES.apiName)
    expect(proxyAsset(group).config.apis[0].name).toBe(name);
  });

  test('the same id always derives the same name (deterministic, so $context.apiName is stable)', () => {
    const names = () => {
      const group = newGroup();
      return ['Me', 'my api', '_x'].map((id, i) => group.addApi(id, { method: HttpMethod.GET, path: `/p${i}`, backend: mock() }).apiName);
    };
    expect(names()).toEqual(names());
  });

  test('two groups in one stack synthesize side by side', () => {
    // Each group has its own REST API, proxy and configuration.
    const stack = newStack();
    const a = new ApiGroup(stack, 'A', { groupName: 'group-a' });
    const b = new ApiGroup(stack, 'B', { groupName: 'group-b' });
    a.addApi('GetA', { method: HttpMethod.GET, path: '/a', backend: mock() });
    b.addApi('GetB', { method: HttpMethod.GET, path: '/b', backend: mock() });
    const template = Template.fromStack(stack);
    const apis = Object.values(template.findResources('AWS::ApiGateway::RestApi'));
    expect(apis.map(r => r.Properties.Name).sort()).toEqual(['group-a', 'group-b']);
    for (const r of apis) { expect(Object.keys(r.Properties.Body['x-amazon-apigateway-gateway-responses'])).toHaveLength(20); }
    expect(proxyAsset(a, template).config.apis.map(x => x.path)).toEqual(['/a']);
    expect(proxyAsset(b, template).config.apis.map(x => x.path)).toEqual(['/b']);
  });
});
