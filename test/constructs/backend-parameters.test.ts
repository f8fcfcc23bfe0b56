/**
 * What the constructs write for backend parameters, environment addresses and asynchronous
 * invocation into the proxy's configuration document (what the runtime tests then run).
 */
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Backend, BackendParameter, FunctionInvocation, HttpMethod, ParameterLocation, RequestParameter } from 'cdk-api-groups';
import { newGroup, proxyAsset } from '../support/synth';

test('each origin is written with its location, a REQUEST parameter with where the request has it, a system variable in its $context spelling', () => {
  const group = newGroup();
  group.addApi('Orders', {
    method: HttpMethod.GET,
    path: '/orders/{id}',
    parameters: [RequestParameter.header('X-Tenant')],
    backend: Backend.http('https://orders.example.com/{tenant}', {
      parameters: [
        BackendParameter.request('id', { name: 'orderId', location: ParameterLocation.QUERY }),
        BackendParameter.request('x-tenant', { name: 'tenant', location: ParameterLocation.PATH }),
        BackendParameter.constant('X-Invoke-User', 'apigateway', { location: ParameterLocation.HEADER }),
        BackendParameter.system('ip', 'sourceIp', { location: ParameterLocation.QUERY }),
      ],
    }),
  });
  const backend = proxyAsset(group).config.apis[0].backend as any;
  expect(backend.parameters).toEqual([
    { origin: 'REQUEST', name: 'orderId', in: 'query', value: 'id', from: 'path' },
    { origin: 'REQUEST', name: 'tenant', in: 'path', value: 'x-tenant', from: 'header' },
    { origin: 'CONSTANT', name: 'X-Invoke-User', in: 'header', value: 'apigateway' },
    { origin: 'SYSTEM', name: 'ip', in: 'query', value: '$context.sourceIp' },
  ]);
});

test('${stageVariables.x} is written as #x#, with the variables listed; a fixed URL is written as it was', () => {
  const group = newGroup({ stageVariables: { host: 'orders.internal', base: 'v1' } });
  group.addApi('Vars', { method: HttpMethod.GET, path: '/vars', backend: Backend.http('https://${stageVariables.host}/#base#/x') });
  group.addApi('Fixed', { method: HttpMethod.GET, path: '/fixed', backend: Backend.http('https://orders.example.com/a#frag') });
  const [vars, fixed] = proxyAsset(group).config.apis.map(a => a.backend as any);
  expect({ url: vars.url, urlVariables: vars.urlVariables }).toEqual({ url: 'https://#host#/#base#/x', urlVariables: ['host', 'base'] });
  expect(fixed.url).toBe('https://orders.example.com/a#frag');
  expect(fixed.urlVariables).toBeUndefined();
});

test('FunctionInvocation.ASYNC is written; SYNC (the default) leaves the document as before', () => {
  const group = newGroup();
  const fn = lambda.Function.fromFunctionArn(Stack.of(group), 'Fn', 'arn:aws:lambda:eu-west-1:123456789012:function:jobs');
  group.addApi('Async', { method: HttpMethod.POST, path: '/jobs', backend: Backend.fn(fn, { invocation: FunctionInvocation.ASYNC }) });
  group.addApi('Sync', { method: HttpMethod.GET, path: '/jobs', backend: Backend.fn(fn) });
  const [async, sync] = proxyAsset(group).config.apis.map(a => a.backend as any);
  expect(async.invocation).toBe('ASYNC');
  expect(sync.invocation).toBeUndefined();
});
