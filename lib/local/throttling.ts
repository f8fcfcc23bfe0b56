/**
 * API Gateway's throttling: a token bucket per limit, holding at most `burstLimit` tokens and
 * refilled at `rateLimit` tokens per second; a request takes one token or is THROTTLED. A bucket
 * starts full. A burst of 0 refuses everything (API Gateway's way of blocking a method).
 *
 * Stage and method settings (the stage's `/*` `*` setting and per resource-and-method settings,
 * the more specific winning field by field) apply to each method separately: every resource and
 * HTTP method has its own bucket, as API Gateway's "per-method" stage throttling does.
 */
import type { MethodSettingModel, ThrottleModel } from './rest-api';

/** Milliseconds since some origin; injected in tests. */
export type Clock = () => number;

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly rate: number, private readonly burst: number, private readonly clock: Clock) {
    this.tokens = burst;
    this.last = clock();
  }

  /** Takes a token if there is one. */
  public take(): boolean {
    const now = this.clock();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

/** Buckets by key, created on first use with the throttle the key resolves to. */
export class Throttles {
  private readonly buckets = new Map<string, TokenBucket | null>();

  constructor(private readonly clock: Clock = Date.now) {}

  /** True when the request may proceed under `throttle` (undefined: unlimited). */
  public take(key: string, throttle: ThrottleModel | undefined): boolean {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = throttle === undefined ? null : bucketFor(throttle, this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket === null ? true : bucket.take();
  }
}

function bucketFor(throttle: ThrottleModel, clock: Clock): TokenBucket | null {
  if (throttle.rateLimit === undefined && throttle.burstLimit === undefined) { return null; }
  // One limit alone: a rate without a burst holds one second of requests; a burst without a rate refills in a second.
  const burst = throttle.burstLimit ?? Math.max(1, Math.ceil(throttle.rateLimit ?? 1));
  const rate = throttle.rateLimit ?? burst;
  return new TokenBucket(rate, burst, clock);
}

/** The throttle of a method from the stage's method settings: the specific setting, else the stage's `/*` `*`. */
export function methodThrottle(settings: readonly MethodSettingModel[], resourcePath: string, httpMethod: string): ThrottleModel | undefined {
  const stage = settings.find(s => s.resourcePath === '/*' && s.httpMethod === '*');
  const specific = settings.find(s => s.resourcePath === resourcePath && (s.httpMethod === httpMethod || s.httpMethod === '*'));
  const rateLimit = specific?.rateLimit ?? stage?.rateLimit;
  const burstLimit = specific?.burstLimit ?? stage?.burstLimit;
  if (rateLimit === undefined && burstLimit === undefined) { return undefined; }
  return { rateLimit, burstLimit };
}
