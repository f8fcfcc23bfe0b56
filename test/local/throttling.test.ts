/**
 * Throttling as API Gateway applies it (lib/local/throttling.ts, lib/local/usage-plans.ts), with an
 * injected clock so the token buckets and quota periods are tested exactly, without sleeping.
 */
import type { MethodSettingModel, UsagePlanModel } from '../../lib/local/rest-api';
import { methodThrottle, Throttles, TokenBucket } from '../../lib/local/throttling';
import { quotaPeriodStart, UsagePlans } from '../../lib/local/usage-plans';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

test('a token bucket lets a burst through, then the rate', () => {
  // burstLimit requests at once, then rateLimit per second.
  const c = clock();
  const bucket = new TokenBucket(2, 3, c.now);
  expect([1, 2, 3, 4].map(() => bucket.take())).toEqual([true, true, true, false]);
  c.advance(499);
  expect(bucket.take()).toBe(false);
  c.advance(1);
  expect(bucket.take()).toBe(true);
  c.advance(10_000);
  expect([1, 2, 3, 4].map(() => bucket.take())).toEqual([true, true, true, false]); // refilled to the burst, not beyond
});

test('a burst of 0 refuses everything; no throttle lets everything through', () => {
  // API Gateway's way to block a method, and the default.
  const c = clock();
  const throttles = new Throttles(c.now);
  expect(throttles.take('blocked', { rateLimit: 10, burstLimit: 0 })).toBe(false);
  c.advance(5000);
  expect(throttles.take('blocked', { rateLimit: 10, burstLimit: 0 })).toBe(false);
  for (let i = 0; i < 1000; i++) { expect(throttles.take('free', undefined)).toBe(true); }
});

test('stage method settings: the resource-and-method setting, else the stage\'s /* *', () => {
  // The group's stage throttle and an API's own throttle, as synthesized.
  const settings: MethodSettingModel[] = [
    { resourcePath: '/*', httpMethod: '*', rateLimit: 200, burstLimit: 100 },
    { resourcePath: '/orders', httpMethod: 'GET', rateLimit: 100, burstLimit: 50 },
    { resourcePath: '/slow', httpMethod: 'POST', burstLimit: 1 },
  ];
  expect(methodThrottle(settings, '/orders', 'GET')).toEqual({ rateLimit: 100, burstLimit: 50 });
  expect(methodThrottle(settings, '/orders', 'POST')).toEqual({ rateLimit: 200, burstLimit: 100 });
  expect(methodThrottle(settings, '/slow', 'POST')).toEqual({ rateLimit: 200, burstLimit: 1 });
  expect(methodThrottle([], '/x', 'GET')).toBeUndefined();
});

function plan(overrides: Partial<UsagePlanModel> = {}): UsagePlanModel {
  return {
    logicalId: 'Plan',
    name: 'mobile',
    methodThrottles: {},
    keys: [{ logicalId: 'Key', id: 'k1', value: 'apig-key-1', enabled: true }, { logicalId: 'Off', id: 'k2', value: 'apig-off', enabled: false }],
    ...overrides,
  };
}

test('usage plans: unknown or disabled key, the plan\'s throttle per key, its per-method throttle', () => {
  // Per-app limits are usage plans; the key comes from the authorizer.
  const c = clock();
  const plans = new UsagePlans([plan({ throttle: { rateLimit: 1, burstLimit: 2 }, methodThrottles: { '/orders/POST': { rateLimit: 1, burstLimit: 1 } } })], c.now);
  expect(plans.check(undefined, '/orders', 'GET')).toEqual({ kind: 'INVALID_API_KEY' });
  expect(plans.check('nope', '/orders', 'GET')).toEqual({ kind: 'INVALID_API_KEY' });
  expect(plans.check('apig-off', '/orders', 'GET')).toEqual({ kind: 'INVALID_API_KEY' });
  expect(plans.check('apig-key-1', '/orders', 'POST').kind).toBe('ok');
  expect(plans.check('apig-key-1', '/orders', 'POST').kind).toBe('THROTTLED'); // the method's burst of 1
  expect(plans.check('apig-key-1', '/orders', 'GET').kind).toBe('THROTTLED'); // the plan's burst of 2 is spent
  c.advance(1000);
  expect(plans.check('apig-key-1', '/orders', 'GET').kind).toBe('ok');
});

test('usage plans: the quota counts requests per period and resets with the next one', () => {
  // QUOTA_EXCEEDED until the period (here a UTC day) ends.
  const c = clock(Date.UTC(2026, 2, 1, 23, 59, 0));
  const plans = new UsagePlans([plan({ quota: { limit: 2, period: 'DAY', offset: 0 } })], c.now);
  expect(['ok', 'ok', 'QUOTA_EXCEEDED'].map(() => plans.check('apig-key-1', '/', 'GET').kind)).toEqual(['ok', 'ok', 'QUOTA_EXCEEDED']);
  c.advance(60_000);
  expect(plans.check('apig-key-1', '/', 'GET').kind).toBe('ok');
});

test('quota periods: UTC day, week from Sunday and month, shifted by the offset in days', () => {
  // Where each period starts.
  const wednesday = Date.UTC(2026, 2, 4, 15, 0, 0); // Wed 4 March 2026
  expect(new Date(quotaPeriodStart({ limit: 1, period: 'DAY', offset: 0 }, wednesday)).toISOString()).toBe('2026-03-04T00:00:00.000Z');
  expect(new Date(quotaPeriodStart({ limit: 1, period: 'WEEK', offset: 0 }, wednesday)).toISOString()).toBe('2026-03-01T00:00:00.000Z');
  expect(new Date(quotaPeriodStart({ limit: 1, period: 'WEEK', offset: 4 }, wednesday)).toISOString()).toBe('2026-02-26T00:00:00.000Z');
  expect(new Date(quotaPeriodStart({ limit: 1, period: 'MONTH', offset: 0 }, wednesday)).toISOString()).toBe('2026-03-01T00:00:00.000Z');
  expect(new Date(quotaPeriodStart({ limit: 1, period: 'MONTH', offset: 5 }, wednesday)).toISOString()).toBe('2026-02-06T00:00:00.000Z');
});
