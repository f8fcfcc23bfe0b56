/**
 * Issue 14 item 21: an API's own throttle above its environment's stage throttle is a synth
 * warning. On API Gateway the API's method setting replaces the stage's default for that method
 * (the local gateway models the same: lib/local/throttling.ts), so the environment's limit does
 * not hold for it; a Huawei user expects nested limits.
 */
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ApiGroup, Backend, HttpMethod } from 'cdk-api-groups';
import { newGroup, templateOf } from '../support/synth';

const ID = 'cdk-api-groups:apiThrottleAboveStage';

function warnings(group: ApiGroup): Array<[string, string]> {
  templateOf(group);
  return Annotations.fromStack(Stack.of(group)).findWarning('*', Match.stringLikeRegexp(`\\[ack: ${ID}\\]$`))
    .map(w => [w.id, String(w.entry.data)]);
}

test('an API throttle above the group\'s stage throttle: a warning on the API naming both limits and what happens', () => {
  // why: the user believes the environment's limit caps every API; on API Gateway this API escapes it
  const group = newGroup({ throttle: { rateLimit: 10, burstLimit: 5 } });
  group.addApi('Fast', { method: HttpMethod.GET, path: '/fast', apiName: 'fast', backend: Backend.mock(), throttle: { rateLimit: 100, burstLimit: 5 } });
  group.addApi('Slow', { method: HttpMethod.GET, path: '/slow', backend: Backend.mock(), throttle: { rateLimit: 2, burstLimit: 1 } });
  expect(warnings(group)).toEqual([['/Stack/Group/Fast', expect.stringMatching(new RegExp(
    '^API fast \\(GET /fast\\) has its own throttle \\(rate 100/s, burst 5\\) with a higher rate than environment RELEASE\'s stage throttle ' +
    '\\(rate 10/s, burst 5\\): API Gateway applies a method\'s own setting instead of the stage\'s'))]]);
});

test('per environment that publishes the API: another environment\'s lower throttle, and only where the API is published', () => {
  const group = newGroup();
  const tight = group.addEnvironment('tight', { throttle: { burstLimit: 2 } });
  group.addEnvironment('loose', { throttle: { rateLimit: 1000, burstLimit: 500 } });
  const unpublished = group.addEnvironment('other', { throttle: { rateLimit: 1, burstLimit: 1 } });
  void unpublished;
  group.addApi('Api', { method: HttpMethod.POST, path: '/a', apiName: 'api-a', backend: Backend.mock(), throttle: { rateLimit: 50, burstLimit: 20 },
    environments: [group.defaultEnvironment, tight, group.environments.find(e => e.environmentName === 'loose')!] });
  expect(warnings(group).map(([, m]) => m)).toEqual([
    expect.stringMatching(/^API api-a \(POST \/a\) has its own throttle \(rate 50\/s, burst 20\) with a higher burst than environment tight's stage throttle \(burst 2\)/),
  ]);
});

test('no stage throttle, or an API within it: no warning', () => {
  const group = newGroup({ throttle: { rateLimit: 100, burstLimit: 50 } });
  group.addApi('Within', { method: HttpMethod.GET, path: '/w', backend: Backend.mock(), throttle: { rateLimit: 100, burstLimit: 50 } });
  expect(warnings(group)).toEqual([]);
  const open = newGroup();
  open.addApi('Any', { method: HttpMethod.GET, path: '/x', backend: Backend.mock(), throttle: { rateLimit: 1000 } });
  expect(warnings(open)).toEqual([]);
});
