/**
 * Usage plans of a stage: a method that requires an API key gets the key (from the `x-api-key`
 * header, or from the authorizer's `usageIdentifierKey` when the REST API's key source is
 * AUTHORIZER), then the plan holding that key applies its throttle (per key; a per-method
 * throttle of the plan's API stage in addition) and its quota (requests per UTC day, week or
 * month, shifted by the plan's offset in days; weeks start on Sunday).
 *
 * An unknown or disabled key, or one in no plan of the stage: INVALID_API_KEY (403). Over a
 * throttle: THROTTLED (429). Over the quota: QUOTA_EXCEEDED (429).
 */
import type { ApiKeyModel, QuotaModel, UsagePlanModel } from './rest-api';
import { Clock, Throttles } from './throttling';

export type UsageOutcome =
  | { readonly kind: 'ok'; readonly plan: UsagePlanModel; readonly key: ApiKeyModel }
  | { readonly kind: 'INVALID_API_KEY' | 'THROTTLED' | 'QUOTA_EXCEEDED' };

const DAY_MS = 86_400_000;

/** Start (epoch ms) of the quota period holding `now`. */
export function quotaPeriodStart(quota: QuotaModel, now: number): number {
  const d = new Date(now);
  const dayStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const offset = Math.max(0, Math.floor(quota.offset)) * DAY_MS;
  switch (quota.period) {
    case 'WEEK': {
      const sunday = dayStart - d.getUTCDay() * DAY_MS;
      const start = sunday + offset;
      return start <= now ? start : start - 7 * DAY_MS;
    }
    case 'MONTH': {
      const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) + offset;
      return start <= now ? start : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1) + offset;
    }
    default:
      return dayStart;
  }
}

export class UsagePlans {
  private readonly byKey = new Map<string, { plan: UsagePlanModel; key: ApiKeyModel }>();
  private readonly throttles: Throttles;
  private readonly used = new Map<string, { period: number; count: number }>();

  constructor(plans: readonly UsagePlanModel[], private readonly clock: Clock = Date.now) {
    this.throttles = new Throttles(clock);
    for (const plan of plans) {
      for (const key of plan.keys) {
        if (!this.byKey.has(key.value)) { this.byKey.set(key.value, { plan, key }); }
      }
    }
  }

  /** Applies the plan of `keyValue` to one request of `resourcePath` `httpMethod`. */
  public check(keyValue: string | undefined, resourcePath: string, httpMethod: string): UsageOutcome {
    const entry = keyValue === undefined || keyValue === '' ? undefined : this.byKey.get(keyValue);
    if (!entry || !entry.key.enabled) { return { kind: 'INVALID_API_KEY' }; }
    const { plan, key } = entry;
    if (!this.throttles.take(`${plan.logicalId}/${key.logicalId}`, plan.throttle)) { return { kind: 'THROTTLED' }; }
    const methodKey = `${resourcePath}/${httpMethod}`;
    const methodThrottle = plan.methodThrottles[methodKey] ?? plan.methodThrottles[`${resourcePath}/*`];
    if (methodThrottle && !this.throttles.take(`${plan.logicalId}/${key.logicalId}${methodKey}`, methodThrottle)) {
      return { kind: 'THROTTLED' };
    }
    if (plan.quota) {
      const period = quotaPeriodStart(plan.quota, this.clock());
      const id = `${plan.logicalId}/${key.logicalId}`;
      let used = this.used.get(id);
      if (!used || used.period !== period) {
        used = { period, count: 0 };
        this.used.set(id, used);
      }
      if (used.count >= plan.quota.limit) { return { kind: 'QUOTA_EXCEEDED' }; }
      used.count += 1;
    }
    return { kind: 'ok', plan, key };
  }
}
