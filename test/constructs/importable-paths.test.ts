/**
 * Issue 14 item 10: the REST API's document holds only paths API Gateway's import accepts. Huawei
 * paths may hold `*` and `%`; API Gateway's import refuses them in a resource path, while it accepts
 * `,` and `:` (refused by the library before). An API that must be seen individually with such a
 * path is a synth error; one that would only save an authorizer call stays on the catch-all.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ApiAuth, ApiGroup, Backend, HttpMethod } from '../../lib';
import { newGroup } from '../support/synth';

function bodyOf(group: ApiGroup): any {
  return Object.values<any>(Template.fromStack(Stack.of(group)).findResources('AWS::ApiGateway::RestApi'))[0].Properties.Body;
}

test('"," and ":" are accepted, and written into the document when the API is seen individually', () => {
  const group = newGroup();
  group.addApi('Range', { method: HttpMethod.GET, path: '/v1/items:batchGet/a,b', backend: Backend.mock(), auth: ApiAuth.iam() });
  expect(Object.keys(bodyOf(group).paths)).toContain('/v1/items:batchGet/a,b');
});

test.each(['/files/*', '/report%20s', '/a/b*c'])('an IAM API on %s is a synth error naming the API, the path and the rule', path => {
  const group = newGroup();
  group.addApi('Odd', { method: HttpMethod.GET, path, backend: Backend.mock(), auth: ApiAuth.iam() });
  expect(() => Template.fromStack(Stack.of(group))).toThrow(new RegExp(
    `Stack/Group/Odd: GET ${path.replace(/[*.]/g, '\\$&')}.*API Gateway must see it individually \\(iam\\).*refuses the segment.*\\[exposed-path\\]`, 's'));
});

test('an API with its own throttle is refused too; one riding the catch-all keeps its Huawei path', () => {
  const throttled = newGroup();
  throttled.addApi('Hot', { method: HttpMethod.GET, path: '/hot*', backend: Backend.mock(), throttle: { rateLimit: 5, burstLimit: 5 } });
  expect(() => Template.fromStack(Stack.of(throttled))).toThrow(/\(throttle\).*\[exposed-path\]/s);

  // With an authenticated rider the catch-all carries the authorizer, and public APIs normally get their own
  // path to skip it: not one whose path API Gateway cannot import.
  const group = newGroup();
  const app = group.addApp('mobile');
  group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock(), auth: ApiAuth.app({ apps: [app] }) });
  group.addApi('Stars', { method: HttpMethod.GET, path: '/stars*', backend: Backend.mock() });
  group.addApi('Plain', { method: HttpMethod.GET, path: '/plain', backend: Backend.mock() });
  const paths = Object.keys(bodyOf(group).paths);
  expect(paths).toContain('/plain');
  expect(paths).not.toContain('/stars*');
  expect(paths).toContain('/{proxy+}');
});
