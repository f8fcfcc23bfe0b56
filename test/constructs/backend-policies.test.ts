/**
 * Backend policies on the synth side: what the proxy's configuration document holds (the import and
 * export read the same shape), the invoke grant of a policy's function backend, and that API
 * Gateway's own definition does not change (policies are the proxy's business).
 */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiOptions, Backend, HttpMethod, PolicyCondition, PolicyEffect, RequestParameter } from 'cdk-api-groups';
import { newGroup, proxyAsset, restApiDocument, templateOf } from '../support/synth';

function inlineFunction(scope: any, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})'),
  });
}

test('the document lists each policy in order, with its effect, conditions and own backend', () => {
  const group = newGroup();
  group.addApi('Orders', {
    method: HttpMethod.GET, path: '/orders/{id}', parameters: [RequestParameter.header('X-Tier')],
    backend: Backend.http('https://main.example.com/orders/{id}'),
    backendPolicies: [
      { policyName: 'gold', backend: Backend.http('https://gold.example.com/orders/{id}', { timeout: Duration.millis(800) }),
        conditions: [PolicyCondition.parameter('x-tier', { exact: 'gold' }), PolicyCondition.parameter('id', { pattern: '^g' })] },
      { policyName: 'office', effect: PolicyEffect.ANY, backend: Backend.http('https://office.example.com/orders/{id}'),
        conditions: [PolicyCondition.sourceIp(['10.0.0.0/8']), PolicyCondition.system('reqMethod', { oneOf: ['GET', 'HEAD'] })] },
    ],
  });
  const api = proxyAsset(group).config.apis[0];
  expect(api.backendPolicies).toEqual([
    { name: 'gold', effect: 'ALL', backend: { type: 'HTTP', url: 'https://gold.example.com/orders/{id}', timeoutMs: 800 },
      // The header keeps its declared spelling; the path variable is found without a declaration.
      conditions: [{ origin: 'param', name: 'X-Tier', in: 'header', equals: 'gold' }, { origin: 'param', name: 'id', in: 'path', pattern: '^g' }] },
    { name: 'office', effect: 'ANY', backend: { type: 'HTTP', url: 'https://office.example.com/orders/{id}', timeoutMs: 5000 },
      conditions: [{ origin: 'source', cidrs: ['10.0.0.0/8'] }, { origin: 'system', name: '$context.reqMethod', oneOf: ['GET', 'HEAD'] }] },
  ]);
});

test('an API without policies has no backendPolicies field', () => {
  const group = newGroup();
  group.addApi('Plain', { method: HttpMethod.GET, path: '/plain', backend: Backend.mock() });
  expect(proxyAsset(group).config.apis[0]).not.toHaveProperty('backendPolicies');
});

test('the proxy may invoke a policy\'s function backend, as the API\'s own', () => {
  const group = newGroup();
  const stack = group.node.scope as any;
  const main = inlineFunction(stack, 'Main');
  const canary = inlineFunction(stack, 'Canary');
  group.addApi('Fn', {
    method: HttpMethod.POST, path: '/fn', backend: Backend.fn(main),
    backendPolicies: [{ policyName: 'canary', backend: Backend.fn(canary), conditions: [PolicyCondition.sourceIp(['192.0.2.0/24'])] }],
  });
  const template = templateOf(group);
  const statements = Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
    .filter((st: any) => st.Action === 'lambda:InvokeFunction');
  // Exactly the two functions: the policy's backend is granted like the API's own.
  expect(statements).toEqual([
    { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: stack.resolve(main.functionArn) },
    { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: stack.resolve(canary.functionArn) },
  ]);
});

test('API Gateway\'s definition is the same with or without policies', () => {
  const options = (withPolicies: boolean): ApiOptions => ({
    method: HttpMethod.GET, path: '/orders/{id}', backend: Backend.http('https://main.example.com/orders/{id}'),
    ...(withPolicies ? { backendPolicies: [{ policyName: 'beta', backend: Backend.http('https://beta.example.com/{id}'),
      conditions: [PolicyCondition.parameter('id', { exact: '1' })] }] } : {}),
  });
  const documents = [false, true].map(withPolicies => {
    const group = newGroup({ groupName: 'same' });
    group.addApi('Orders', options(withPolicies));
    return restApiDocument(templateOf(group));
  });
  expect(documents[1]).toEqual(documents[0]);
});
