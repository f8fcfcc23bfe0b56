/**
 * The verdict: what the authorizer decided, handed to the proxy in the context of its (always
 * Allow) policy under VERDICT_KEYS (lib/private/config-document.ts). The proxy renders a refusal
 * with the rule of the API's selected response, and refuses any request to an authenticated API
 * whose verdict is missing, malformed or for another API (fail closed).
 */

/** `apigVerdict` of a request that may go on to the backend. */
export const VERDICT_OK = 'ok';

/**
 * The response types a verdict may name, and their status when a rule has none. DEFAULT_5XX is
 * the authorizer's own failure (e.g. Secrets Manager unreachable with nothing cached): never an
 * allow.
 */
export const REFUSAL_STATUS = {
  AUTH_HEADER_MISSING: 401,
  AUTH_FAILURE: 401,
  UNAUTHORIZED: 401,
  AUTHORIZER_IDENTITIES_FAILURE: 401,
  AUTHORIZER_FAILURE: 500,
  AUTHORIZER_CONF_FAILURE: 500,
  THIRD_AUTH_IDENTITIES_FAILURE: 401,
  THIRD_AUTH_FAILURE: 401,
  THIRD_AUTH_CONF_FAILURE: 500,
  DEFAULT_5XX: 500,
} as const;

export type RefusalType = keyof typeof REFUSAL_STATUS;

export function isRefusalType(value: string): value is RefusalType {
  return Object.prototype.hasOwnProperty.call(REFUSAL_STATUS, value);
}

/** `$context.error.code` of an IAM failure (DESIGN section 4: AUTH_* "IAM: APIG.0301"). */
export const IAM_ERROR_CODE = 'APIG.0301';

/** The outcome of one authentication step (app, custom or third-party authorizer). */
export interface StepOutcome {
  /** `ok`, or the response type to answer. */
  readonly verdict: typeof VERDICT_OK | RefusalType;
  /** Why, for the log line: chosen by the runtime, never request content. */
  readonly reason: string;
  /** Context of a custom authorizer, keyed as it travels (`frontend_<key>`), values as strings. */
  readonly context?: Readonly<Record<string, string>>;
  /** True when the outcome came from the result cache. */
  readonly cached?: boolean;
}
