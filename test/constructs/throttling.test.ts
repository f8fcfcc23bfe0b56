/**
 * Throttling, all native (API Gateway answers THROTTLED, rendered from the `default` response):
 * the stage's limit, each API's limit as a stage method setting, and per-app limits and quotas
 * through usage plans (test/constructs/auth.test.ts).
 */
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Match } from 'aws-cdk-lib/assertions';
import { ApiAuth, Backend, HttpMethod } from 'cdk-api-groups';
import { newGroup, templateOf } from '../support/synth';

const mock = (): Backend => Backend.mock();

function methodSettings(group: ReturnType<typeof newGroup>): any[] | undefined {
  const stages = Object.values(templateOf(group).findResources('AWS::ApiGateway::Stage'));
  expect(stages).toHaveLength(1);
  return stages[0].Properties.MethodSettings;
}

test('no throttle: no method settings (the account\'s limits apply)', () => {
  // Nothing is synthesized that the user did not ask for.
  const group = newGroup();
  group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: mock() });
  expect(methodSettings(group)).toBeUndefined();
});

test('the group\'s throttle is the stage\'s default for every method', () => {
  // API Gateway's `/*/*` method setting.
  const group = newGroup({ throttle: { rateLimit: 100, burstLimit: 50 } });
  group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: mock() });
  expect(methodSettings(group)).toEqual([
    { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 50, DataTraceEnabled: false },
  ]);
});

test('an API\'s throttle is a method setting of its resource path and method, after the stage\'s', () => {
  // API Gateway keys method settings by resource path with "/" encoded as "~1"; the root is "/".
  const group = newGroup({ throttle: { rateLimit: 100 } });
  group.addApi('GetOrder', { method: HttpMethod.GET, path: '/orders/{id}', backend: mock(), throttle: { rateLimit: 5, burstLimit: 2 } });
  group.addApi('Root', { method: HttpMethod.POST, path: '/', backend: mock(), throttle: { burstLimit: 1 } });
  group.addApi('Free', { method: HttpMethod.GET, path: '/free', backend: mock() });
  expect(methodSettings(group)).toEqual([
    { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, DataTraceEnabled: false },
    { ResourcePath: '/~1orders~1{id}', HttpMethod: 'GET', ThrottlingRateLimit: 5, ThrottlingBurstLimit: 2 },
    { ResourcePath: '/', HttpMethod: 'POST', ThrottlingBurstLimit: 1 },
  ]);
});

test('an ANY API\'s throttle covers each method it answers: not other APIs\' methods, nor the native preflight', () => {
  // API Gateway has no method setting for ANY; each concrete method gets the limit.
  const group = newGroup({ cors: { allowOrigins: ['https://shop.example.com'] } });
  group.addApi('Files', { method: HttpMethod.ANY, path: '/files/{key+}', backend: mock(), throttle: { rateLimit: 10 } });
  group.addApi('Upload', { method: HttpMethod.POST, path: '/files/{name+}', backend: mock() });
  const settings = methodSettings(group)!;
  expect(settings.map(s => s.HttpMethod)).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH', 'PUT']);
  for (const s of settings) { expect(s).toEqual({ ResourcePath: '/~1files~1{key+}', HttpMethod: s.HttpMethod, ThrottlingRateLimit: 10 }); }
});

test('without CORS an ANY API\'s throttle covers OPTIONS too', () => {
  // OPTIONS then reaches the API like any other method.
  const group = newGroup();
  group.addApi('Files', { method: HttpMethod.ANY, path: '/files', backend: mock(), throttle: { rateLimit: 10 } });
  expect(methodSettings(group)!.map(s => s.HttpMethod)).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
});

test('per-app throttles and quotas live on the apps\' usage plans, not on the stage', () => {
  // One bucket per app across the group's APIs, as Huawei's app throttling.
  const group = newGroup({ groupName: 'shop' });
  const app = group.addApp('mobile', { throttle: { rateLimit: 10, burstLimit: 5 }, quota: { limit: 1000, period: apigw.Period.WEEK } });
  group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: mock(), auth: ApiAuth.app({ apps: [app] }) });
  expect(methodSettings(group)).toBeUndefined();
  templateOf(group).hasResourceProperties('AWS::ApiGateway::UsagePlan', {
    UsagePlanName: 'shop-mobile', Throttle: { RateLimit: 10, BurstLimit: 5 }, Quota: { Limit: 1000, Period: 'WEEK', Offset: Match.absent() },
  });
});
