/**
 * A gateway error: the proxy itself answers instead of a backend. It names the response type
 * (the rule to render), the status to keep when the rule has none (DEFAULT_4XX / DEFAULT_5XX),
 * and what `$context.error.message` says. A plain class, not an Error: raising one is a normal
 * outcome on the hot path and must not pay for a stack trace.
 */

import { REFUSAL_STATUS } from '../shared/verdict';
import { cutAtCodePoint } from './headers';

/** The response types this proxy raises or renders, and their status when a rule has none. */
export const PROXY_ERROR_STATUS = {
  NOT_FOUND: 404,
  REQUEST_PARAMETERS_FAILURE: 400,
  BACKEND_TIMEOUT: 504,
  BACKEND_UNAVAILABLE: 502,
  DEFAULT_4XX: 400,
  ACCESS_DENIED: 403,
  ORCHESTRATION_PARAMETER_NOT_FOUND: 400,
  ORCHESTRATION_FAILURE: 400,
  // The authorizer's refusals (DEFAULT_5XX among them), rendered by the proxy.
  ...REFUSAL_STATUS,
} as const;

export type ProxyErrorType = keyof typeof PROXY_ERROR_STATUS;

export class GatewayError {
  public constructor(
    public readonly type: ProxyErrorType,
    /** The original status: used when the rule sets none. */
    public readonly status: number,
    /** Short reason for the log line; never request content. */
    public readonly reason: string,
    /** Appended to the type's default message (`API request error. Parameter ...`). */
    public readonly detail?: string,
    /** Replaces the type's default message entirely. */
    public readonly message?: string,
    /** Replaces the type's default code (`$context.error.code`). */
    public readonly code?: string,
  ) {}
}

export function notFound(): GatewayError {
  return new GatewayError('NOT_FOUND', 404, 'no route for path');
}

const MAX_METHOD_IN_MESSAGE = 32;

export function methodNotSupported(method: string): GatewayError {
  const shown = method.length > MAX_METHOD_IN_MESSAGE ? `${cutAtCodePoint(method, MAX_METHOD_IN_MESSAGE)}...` : method;
  return new GatewayError('REQUEST_PARAMETERS_FAILURE', 400, 'method not supported on path',
    `Method "${shown}" is not supported on this path.`);
}

export function parameterInvalid(detail: string, reason: string): GatewayError {
  return new GatewayError('REQUEST_PARAMETERS_FAILURE', 400, reason, detail);
}

/** The orchestrated parameter is absent and no `none_value` rule applies (orchestration.ts). */
export function orchestrationParameterNotFound(parameter: string): GatewayError {
  return new GatewayError('ORCHESTRATION_PARAMETER_NOT_FOUND', 400, `orchestrated parameter ${parameter} absent, no none_value rule`);
}

/** The orchestrated parameter has a value no rule matched, and no `default` rule applies (orchestration.ts). */
export function orchestrationFailed(parameter: string, reason: string): GatewayError {
  return new GatewayError('ORCHESTRATION_FAILURE', 400, `orchestrated parameter ${parameter}: ${reason}`);
}

export function backendTimeout(timeoutMs: number): GatewayError {
  return new GatewayError('BACKEND_TIMEOUT', 504, `backend timeout after ${timeoutMs} ms`);
}

export function backendUnavailable(reason: string, message?: string): GatewayError {
  return new GatewayError('BACKEND_UNAVAILABLE', 502, reason, undefined, message);
}

export function backendResponseTooLarge(): GatewayError {
  return backendUnavailable('backend response over the Lambda response limit', 'Backend response too large.');
}

export function requestTooLarge(): GatewayError {
  return new GatewayError('DEFAULT_4XX', 413, 'request over the Lambda invoke payload limit', undefined, 'Request entity too large.');
}

export function internalError(reason: string): GatewayError {
  return new GatewayError('DEFAULT_5XX', 500, reason);
}

/** The IP access-control code and message (DESIGN section 4: ACCESS_DENIED, IP rule). */
export const IP_RULE_CODE = 'APIG.0402';
export const IP_RULE_MESSAGE = 'The IP address is not authorized to access the API.';

export function ipDenied(reason: string): GatewayError {
  return new GatewayError('ACCESS_DENIED', 403, reason, undefined, IP_RULE_MESSAGE, IP_RULE_CODE);
}

/** The message of a fail-closed refusal: an authenticated API without a valid verdict. */
export const NO_VERDICT_MESSAGE = 'Incorrect authentication information: no verdict from the authorizer';

export function noVerdict(reason: string): GatewayError {
  return new GatewayError('AUTH_FAILURE', 401, reason, undefined, NO_VERDICT_MESSAGE);
}
