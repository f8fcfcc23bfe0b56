/**
 * X-Ray trace propagation to HTTP backends. With active tracing on the function, Lambda sets
 * `_X_AMZN_TRACE_ID` for each invocation to the header of the function's own segment (`Root=...;
 * Parent=<the function's segment>;Sampled=...`, sometimes `;Lineage=...`). Sent to the backend as
 * `X-Amzn-Trace-Id`, it makes an instrumented backend's segment a child of the proxy's in the same
 * trace, after API Gateway's stage segment. Without it (tracing off, or run locally) the header
 * API Gateway put in the event is forwarded as received (forwarding.ts), which still carries the
 * trace's Root.
 *
 * Read per request: Lambda's Node.js runtime replaces the variable for every invocation.
 */
import { isValidHeaderValue } from '../headers';

const LAMBDA_TRACE = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}(;|$)/;
/** Longer than any header X-Ray writes; a longer value is not Lambda's. */
const MAX_LENGTH = 512;

/** The function's trace header for this invocation, when Lambda set a well-formed one. */
export function lambdaTraceHeader(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env._X_AMZN_TRACE_ID;
  if (typeof value !== 'string' || value.length > MAX_LENGTH || !LAMBDA_TRACE.test(value) || !isValidHeaderValue(value)) {
    return undefined;
  }
  return value;
}
