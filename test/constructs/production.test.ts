/**
 * Production options (issue 9) as the template carries them: VPC placement and endpoints,
 * environments (stages on one deployment, their variables, the APIs published in each), stage
 * options (access log, tracing, metrics, method settings, endpoint type, custom domain) and warm
 * functions (alias, provisioned concurrency, and every ARN that must name the alias).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiAuth, ApiGroup, ApiGroupProps, Backend, HttpMethod } from 'cdk-api-groups';
import { ACCESS_LOG_FIELDS } from '../../lib/private/access-log';
import { authorizerAsset, newApp, newStack, proxyAsset, restApiDocument, templateOf } from '../support/synth';

function vpcStack(): { stack: Stack; vpc: ec2.Vpc } {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  return { stack, vpc };
}

function backendFn(stack: Stack): lambda.IFunction {
  return lambda.Function.fromFunctionArn(stack, 'Backend', 'arn:aws:lambda:eu-west-1:123456789012:function:orders');
}

function resourcesOf(template: Template, type: string): any[] {
  return Object.values(template.findResources(type));
}

describe('private backends: the functions in the VPC', () => {
  test('both functions get the subnets and security groups; their roles can manage the network interfaces', () => {
    const { stack, vpc } = vpcStack();
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const group = new ApiGroup(stack, 'Group', { vpc, securityGroups: [sg], createVpcEndpoints: true });
    const app = group.addApp('mobile');
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.http('https://orders.internal.example.com/orders'), auth: ApiAuth.app({ apps: [app] }) });
    const t = templateOf(group);
    const functions = resourcesOf(t, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(2);
    const subnets = vpc.isolatedSubnets.map(s => stack.resolve(s.subnetId));
    for (const fn of functions) {
      expect(fn.Properties.VpcConfig).toEqual({ SubnetIds: subnets, SecurityGroupIds: [stack.resolve(sg.securityGroupId)] });
    }
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['ec2:CreateNetworkInterface']), Resource: '*' })]) },
      Roles: [{ Ref: stack.getLogicalId(group.proxyFunction.role!.node.defaultChild as any) }],
    });
  });

  test('createVpcEndpoints: an interface endpoint per called service (Secrets Manager for apps, Lambda for function backends)', () => {
    const { stack, vpc } = vpcStack();
    const group = new ApiGroup(stack, 'Group', { vpc, createVpcEndpoints: true });
    const app = group.addApp('mobile');
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.fn(backendFn(stack)), auth: ApiAuth.app({ apps: [app] }) });
    const t = templateOf(group);
    const services = resourcesOf(t, 'AWS::EC2::VPCEndpoint').map(e => JSON.stringify(e.Properties.ServiceName));
    expect(services).toHaveLength(2);
    expect(services.some(s => s.includes('.lambda'))).toBe(true);
    expect(services.some(s => s.includes('.secretsmanager'))).toBe(true);
    for (const e of resourcesOf(t, 'AWS::EC2::VPCEndpoint')) {
      expect(e.Properties).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    }
  });

  test('no endpoint is created for a service nobody calls', () => {
    const { stack, vpc } = vpcStack();
    const group = new ApiGroup(stack, 'Group', { vpc, createVpcEndpoints: true });
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.http('https://orders.internal.example.com/orders') });
    templateOf(group).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('isolated subnets calling Lambda without an endpoint fail the synth with the way out', () => {
    const { stack, vpc } = vpcStack();
    const group = new ApiGroup(stack, 'Group', { vpc });
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.fn(backendFn(stack)) });
    expect(() => templateOf(group)).toThrow(/isolated subnets \(no NAT\) and call Lambda \(function backends\).*createVpcEndpoints: true.*\[vpc-access\]/s);
  });

  test('an endpoint the user declared in the VPC is enough', () => {
    const { stack, vpc } = vpcStack();
    vpc.addInterfaceEndpoint('Lambda', { service: ec2.InterfaceVpcEndpointAwsService.LAMBDA });
    const group = new ApiGroup(stack, 'Group', { vpc });
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.fn(backendFn(stack)) });
    expect(() => templateOf(group)).not.toThrow();
  });

  test('subnets with a NAT need no endpoint', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 1 });
    const group = new ApiGroup(stack, 'Group', { vpc });
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.fn(backendFn(stack)) });
    templateOf(group).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });
});

describe('environments', () => {
  function twoEnvironments(extra: ApiGroupProps = {}) {
    const group = new ApiGroup(newStack(), 'Group', { stageVariables: { color: 'blue' }, throttle: { rateLimit: 100, burstLimit: 50 }, ...extra });
    const test = group.addEnvironment('TEST', { variables: { backendHost: 'test.internal', color: 'green' }, throttle: { rateLimit: 5, burstLimit: 2 } });
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock(), throttle: { rateLimit: 7, burstLimit: 3 } });
    group.addApi('Beta', { method: HttpMethod.GET, path: '/beta', backend: Backend.mock(), environments: [test] });
    return { group, test };
  }

  test('each environment is a stage of the one deployment, with its variables and rate limit', () => {
    const { group } = twoEnvironments();
    const t = templateOf(group);
    t.resourceCountIs('AWS::ApiGateway::Deployment', 1);
    const stages = resourcesOf(t, 'AWS::ApiGateway::Stage');
    expect(stages.map(s => s.Properties.StageName).sort()).toEqual(['RELEASE', 'TEST']);
    const deployments = new Set(stages.map(s => JSON.stringify(s.Properties.DeploymentId)));
    expect(deployments.size).toBe(1);
    const byName = Object.fromEntries(stages.map(s => [s.Properties.StageName, s.Properties]));
    expect(byName.RELEASE.Variables).toEqual({ color: 'blue' });
    expect(byName.TEST.Variables).toEqual({ backendHost: 'test.internal', color: 'green' });
    expect(byName.RELEASE.MethodSettings).toEqual(expect.arrayContaining([
      expect.objectContaining({ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 50 }),
    ]));
    expect(byName.TEST.MethodSettings).toEqual(expect.arrayContaining([
      expect.objectContaining({ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 5, ThrottlingBurstLimit: 2 }),
    ]));
    // The API's own throttle applies in every environment.
    for (const stage of [byName.RELEASE, byName.TEST]) {
      expect(stage.MethodSettings).toEqual(expect.arrayContaining([
        expect.objectContaining({ ResourcePath: '/~1orders', HttpMethod: 'GET', ThrottlingRateLimit: 7, ThrottlingBurstLimit: 3 }),
      ]));
    }
    expect(group.environments.map(e => e.environmentName)).toEqual(['RELEASE', 'TEST']);
    expect(group.defaultEnvironment.stage).toBe(group.restApi.deploymentStage);
  });

  test('the configuration document says where an API is published; an API published everywhere says nothing', () => {
    const { group } = twoEnvironments();
    const { config } = proxyAsset(group);
    expect(config.apis.find(a => a.name === 'Beta')?.environments).toEqual(['TEST']);
    expect(config.apis.find(a => a.name === 'Orders')).not.toHaveProperty('environments');
  });

  test('an API listing every environment is published everywhere, environments added later included', () => {
    const group = new ApiGroup(newStack(), 'Group');
    const test = group.addEnvironment('TEST');
    group.addApi('Both', { method: HttpMethod.GET, path: '/both', backend: Backend.mock(), environments: [group.defaultEnvironment, test] });
    expect(proxyAsset(group).config.apis[0]).not.toHaveProperty('environments');
  });

  test('the apps\' usage plans (and the refusals\' plan) cover every environment\'s stage', () => {
    // A stage outside every plan would refuse the API keys the authorizer hands API Gateway (403).
    const { group } = twoEnvironments();
    const app = group.addApp('mobile', { throttle: { rateLimit: 10 } });
    group.addApi('Mine', { method: HttpMethod.GET, path: '/mine', backend: Backend.mock(), auth: ApiAuth.app({ apps: [app] }) });
    const t = templateOf(group);
    const stack = Stack.of(group);
    const stageIds = group.environments.map(e => stack.getLogicalId(e.stage.node.defaultChild as any)).sort();
    const plans = resourcesOf(t, 'AWS::ApiGateway::UsagePlan');
    expect(plans).toHaveLength(2);
    for (const plan of plans) {
      expect(plan.Properties.ApiStages.map((s: any) => s.Stage.Ref).sort()).toEqual(stageIds);
    }
  });

  test('the environment exposes its stage and URL', () => {
    const { group, test } = twoEnvironments();
    expect(test.environmentName).toBe('TEST');
    expect((test.stage.node.defaultChild as apigw.CfnStage).stageName).toBe('TEST');
    expect(Stack.of(group).resolve(test.url)).toEqual(expect.objectContaining({ 'Fn::Join': expect.anything() }));
  });
});

describe('stage options', () => {
  test('access logging is on by default: a log group with retention and the JSON format, on every stage', () => {
    const group = new ApiGroup(newStack(), 'Group');
    group.addEnvironment('TEST');
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock() });
    const t = templateOf(group);
    const logGroupId = Stack.of(group).getLogicalId(group.accessLogGroup!.node.defaultChild as any);
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    for (const stage of resourcesOf(t, 'AWS::ApiGateway::Stage')) {
      expect(stage.Properties.AccessLogSetting.DestinationArn).toEqual({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
      const format = JSON.parse(stage.Properties.AccessLogSetting.Format);
      expect(format).toEqual(ACCESS_LOG_FIELDS);
      expect(format).toMatchObject({
        requestId: '$context.requestId', apiId: '$context.authorizer.apigApi', apiName: '$context.authorizer.apigApiName',
        appName: '$context.authorizer.appName', responseType: '$context.error.responseType', status: '$context.status',
        latencyMs: '$context.responseLatency', integrationLatencyMs: '$context.integration.latency',
      });
    }
  });

  test('accessLogging false: no log group, no AccessLogSetting', () => {
    const group = new ApiGroup(newStack(), 'Group', { accessLogging: false });
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock() });
    const t = templateOf(group);
    expect(group.accessLogGroup).toBeUndefined();
    t.hasResourceProperties('AWS::ApiGateway::Stage', { AccessLogSetting: Match.absent() });
  });

  test('tracing: TracingEnabled on every stage, Active tracing on both functions', () => {
    const group = new ApiGroup(newStack(), 'Group', { tracing: true });
    group.addEnvironment('TEST');
    const app = group.addApp('mobile');
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock(), auth: ApiAuth.app({ apps: [app] }) });
    const t = templateOf(group);
    for (const stage of resourcesOf(t, 'AWS::ApiGateway::Stage')) { expect(stage.Properties.TracingEnabled).toBe(true); }
    const functions = resourcesOf(t, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(2);
    for (const fn of functions) { expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' }); }
  });

  test('detailed metrics and execution logging: MethodSettings for every method of every stage', () => {
    const group = new ApiGroup(newStack(), 'Group', { detailedMetrics: true, executionLogLevel: apigw.MethodLoggingLevel.ERROR });
    group.addEnvironment('TEST');
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock() });
    for (const stage of resourcesOf(templateOf(group), 'AWS::ApiGateway::Stage')) {
      expect(stage.Properties.MethodSettings).toEqual(expect.arrayContaining([
        expect.objectContaining({ ResourcePath: '/*', HttpMethod: '*', MetricsEnabled: true, LoggingLevel: 'ERROR' }),
      ]));
    }
  });

  test('endpoint type REGIONAL by default, EDGE on request (configuration and import parameter)', () => {
    const regional = new ApiGroup(newStack(), 'Group');
    templateOf(regional).hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] }, Parameters: { endpointConfigurationTypes: 'REGIONAL' },
    });
    const edge = new ApiGroup(newStack(), 'Group', { endpointType: apigw.EndpointType.EDGE });
    templateOf(edge).hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['EDGE'] }, Parameters: { endpointConfigurationTypes: 'EDGE' },
    });
  });

  test('PRIVATE: an execute-api endpoint in the VPC and the resource policy that admits only it, IAM methods left to IAM', () => {
    const { stack, vpc } = vpcStack();
    const group = new ApiGroup(stack, 'Group', { vpc, endpointType: apigw.EndpointType.PRIVATE });
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders/{id}', backend: Backend.mock() });
    group.addApi('Reports', { method: HttpMethod.GET, path: '/reports/{id}', backend: Backend.mock(), auth: ApiAuth.iam() });
    const t = templateOf(group);
    const endpoints = t.findResources('AWS::EC2::VPCEndpoint');
    expect(Object.keys(endpoints)).toHaveLength(1);
    const [endpointId, endpoint] = Object.entries<any>(endpoints)[0];
    expect(JSON.stringify(endpoint.Properties.ServiceName)).toContain('.execute-api');
    const api = resourcesOf(t, 'AWS::ApiGateway::RestApi')[0];
    expect(api.Properties.EndpointConfiguration).toEqual({ Types: ['PRIVATE'], VpcEndpointIds: [{ Ref: endpointId }] });
    expect(api.Properties.Parameters).toEqual({ endpointConfigurationTypes: 'PRIVATE' });
    // Issue 14 item 13: with a Body CloudFormation ignores EndpointConfiguration; API Gateway reads the
    // endpoints from the document's x-amazon-apigateway-endpoint-configuration.
    expect(api.Properties.Body['x-amazon-apigateway-endpoint-configuration']).toEqual({ vpcEndpointIds: [{ Ref: endpointId }] });
    expect(api.Properties.Policy.Statement).toEqual([
      {
        Effect: 'Deny', Principal: { AWS: '*' }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*',
        Condition: { StringNotEquals: { 'aws:SourceVpce': [{ Ref: endpointId }] } },
      },
      { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'execute-api:Invoke', NotResource: 'execute-api:/*/GET/reports/*' },
    ]);
  });

  test('a custom domain with its base path, mapped to the default environment', () => {
    const stack = newStack();
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc');
    const group = new ApiGroup(stack, 'Group', { domain: { domainName: 'api.example.com', certificate, basePath: 'orders' } });
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock() });
    const t = templateOf(group);
    t.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'api.example.com', RegionalCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    t.hasResourceProperties('AWS::ApiGateway::BasePathMapping', {
      BasePath: 'orders', Stage: { Ref: Stack.of(group).getLogicalId(group.restApi.deploymentStage.node.defaultChild as any) },
    });
    expect(group.domainName).toBeDefined();
  });
});

describe('keep warm: aliases, and every ARN that invokes them', () => {
  function warmGroup() {
    const stack = newStack();
    const group = new ApiGroup(stack, 'Group', { keepWarm: { proxyProvisionedConcurrency: 3, authorizerProvisionedConcurrency: 2 } });
    const app = group.addApp('mobile');
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock(), auth: ApiAuth.app({ apps: [app] }) });
    return { stack, group, t: templateOf(group) };
  }

  test('an alias per function on its current version, with provisioned concurrency', () => {
    const { stack, group, t } = warmGroup();
    const aliases = resourcesOf(t, 'AWS::Lambda::Alias');
    expect(aliases).toHaveLength(2);
    const byFunction = Object.fromEntries(aliases.map(a => [a.Properties.FunctionName.Ref, a.Properties]));
    const proxyId = stack.getLogicalId(group.proxyFunction.node.defaultChild as any);
    const authorizerId = stack.getLogicalId(group.authorizerFunction!.node.defaultChild as any);
    expect(byFunction[proxyId]).toMatchObject({ Name: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 3 } });
    expect(byFunction[authorizerId]).toMatchObject({ Name: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } });
    for (const alias of aliases) { expect(alias.Properties.FunctionVersion['Fn::GetAtt'][1]).toBe('Version'); }
    expect(group.proxyAlias).toBeDefined();
    expect(group.authorizerAlias).toBeDefined();
  });

  test('the integration URI and the authorizer URI in the OpenAPI Body name the aliases', () => {
    const { stack, group, t } = warmGroup();
    const body = JSON.stringify(restApiDocument(t));
    const proxyAliasId = stack.getLogicalId(group.proxyAlias!.node.defaultChild as any);
    const authorizerAliasId = stack.getLogicalId(group.authorizerAlias!.node.defaultChild as any);
    const doc = restApiDocument(t);
    const integrations = JSON.stringify(Object.values<any>(doc.paths).flatMap(item => Object.values<any>(item).map(op => op['x-amazon-apigateway-integration'])));
    expect(integrations).toContain(`{"Ref":"${proxyAliasId}"}`);
    expect(JSON.stringify(doc.components.securitySchemes)).toContain(`{"Ref":"${authorizerAliasId}"}`);
    // Never the unqualified functions.
    expect(body).not.toContain(`"Fn::GetAtt":["${stack.getLogicalId(group.proxyFunction.node.defaultChild as any)}","Arn"]`);
    expect(body).not.toContain(`"Fn::GetAtt":["${stack.getLogicalId(group.authorizerFunction!.node.defaultChild as any)}","Arn"]`);
  });

  test('API Gateway\'s invoke permissions are on the aliases', () => {
    const { stack, group, t } = warmGroup();
    const permissions = resourcesOf(t, 'AWS::Lambda::Permission').filter(p => p.Properties.Principal === 'apigateway.amazonaws.com');
    expect(permissions).toHaveLength(2);
    expect(permissions.map(p => p.Properties.FunctionName).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { Ref: stack.getLogicalId(group.authorizerAlias!.node.defaultChild as any) },
      { Ref: stack.getLogicalId(group.proxyAlias!.node.defaultChild as any) },
    ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
  });

  test('an alias of the user\'s choosing, without provisioned concurrency', () => {
    const group = new ApiGroup(newStack(), 'Group', { keepWarm: { aliasName: 'prod' } });
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock() });
    templateOf(group).hasResourceProperties('AWS::Lambda::Alias', { Name: 'prod', ProvisionedConcurrencyConfig: Match.absent() });
  });

  test('the configuration document is the same for the alias (it ships with the version\'s code)', () => {
    const { group, t } = warmGroup();
    expect(proxyAsset(group, t).configText).toBe(authorizerAsset(group, t).configText);
  });
});

test('time-outs are not changed by the production options', () => {
  const group = new ApiGroup(newStack(newApp()), 'Group', { tracing: true, integrationTimeout: Duration.seconds(10) });
  group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock() });
  templateOf(group).hasResourceProperties('AWS::Lambda::Function', { Timeout: 11 });
});
