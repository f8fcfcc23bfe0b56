import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { RULES } from '../limits';
import { checkLiteralNumber, Problem, problem } from './checks';

/** Problems of a throttle (stage, API or app): rate >= 0, burst an integer >= 0, literals. */
export function throttleProblems(throttle: apigw.ThrottleSettings | undefined, what: string): Problem[] {
  if (!throttle) { return []; }
  const found: Problem[] = [];
  const { rateLimit, burstLimit } = throttle;
  const literal = checkLiteralNumber(`${what} rateLimit`, rateLimit) ?? checkLiteralNumber(`${what} burstLimit`, burstLimit);
  if (literal) { return [literal]; }
  if (rateLimit !== undefined && (!Number.isFinite(rateLimit) || rateLimit < 0)) {
    found.push(problem(RULES.throttle, rateLimit, `${what} rateLimit`));
  }
  if (burstLimit !== undefined && (!Number.isInteger(burstLimit) || burstLimit < 0)) {
    found.push(problem(RULES.throttle, burstLimit, `${what} burstLimit`));
  }
  return found;
}

/** Problems of an app's quota: a limit (integer >= 0) with a period, offset an integer >= 0. */
export function quotaProblems(quota: apigw.QuotaSettings | undefined, what: string): Problem[] {
  if (!quota) { return []; }
  const { limit, offset, period } = quota;
  const literal = checkLiteralNumber(`${what} quota limit`, limit) ?? checkLiteralNumber(`${what} quota offset`, offset);
  if (literal) { return [literal]; }
  const found: Problem[] = [];
  if (limit === undefined || !Number.isInteger(limit) || limit < 0) {
    found.push(problem(RULES.quota, limit === undefined ? 'no limit' : limit, `${what} quota limit`));
  }
  if (period === undefined || !Object.values(apigw.Period).includes(period)) {
    found.push(problem(RULES.quota, period === undefined ? 'no period' : period, `${what} quota period`));
  }
  if (offset !== undefined && (!Number.isInteger(offset) || offset < 0)) {
    found.push(problem(RULES.quota, offset, `${what} quota offset`));
  }
  return found;
}
