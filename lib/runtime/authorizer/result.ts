/**
 * The authorizer's answer to API Gateway (REQUEST authorizer output): always Allow on exactly the
 * request's method ARN, the verdict in `context` (string values only, kept small; those a native
 * gateway response can read JSON-escaped), and the API key to meter the request by.
 */
import { VERDICT_KEYS } from '../../private/config-document';
import { escapeTemplateValue, isTemplateReadKey } from '../shared/template-values';
import { VERDICT_OK } from '../shared/verdict';
import type { AppEntry } from './apps';

export interface AuthorizerResult {
  principalId: string;
  policyDocument: {
    Version: '2012-10-17';
    Statement: Array<{ Action: 'execute-api:Invoke'; Effect: 'Allow'; Resource: string }>;
  };
  context: Record<string, string>;
  usageIdentifierKey?: string;
}

/** What the authorizer decided for one request. */
export interface Decision {
  /** The routed API's id ('' when no API matched). */
  readonly apiId: string;
  /** The routed API's name, for the stages' access log (absent when no API matched). */
  readonly apiName?: string;
  /** `ok` or the response type. */
  readonly verdict: string;
  /** For the log line only. */
  readonly reason: string;
  /** The app identified by its AppCode (also on UNAUTHORIZED and later refusals). */
  readonly app?: AppEntry;
  /** A custom authorizer's context, keyed as it travels. */
  readonly context?: Readonly<Record<string, string>>;
  readonly code?: string;
  readonly message?: string;
  readonly cached?: boolean;
  /**
   * The app signed the request: `verified` here in full, or `pending` (a body the authorizer
   * cannot see: only the proxy can verify it, so the app's usage key is not handed out).
   */
  readonly signature?: 'verified' | 'pending';
}

/** API Gateway's limit on a policy's Resource ARN. */
export const MAX_RESOURCE_LENGTH = 512;
/** Longest value of one of the authorizer's own context entries. */
const MAX_OWN_VALUE = 512;
/** principalId when no app was identified. */
export const ANONYMOUS_PRINCIPAL = 'anonymous';

function cut(value: string): string {
  return value.length > MAX_OWN_VALUE ? value.slice(0, MAX_OWN_VALUE) : value;
}

/**
 * The policy's resource: the method ARN itself. A longer ARN than API Gateway accepts in a policy
 * (a very long request path) becomes its 511-character prefix and a `*`, which still covers
 * only this request's stage, method and path prefix, and is never cached (result TTL 0).
 */
export function policyResource(methodArn: unknown): string {
  const arn = typeof methodArn === 'string' ? methodArn : '';
  return arn.length > MAX_RESOURCE_LENGTH ? `${arn.slice(0, MAX_RESOURCE_LENGTH - 1)}*` : arn;
}

export function authorizerResult(methodArn: unknown, decision: Decision, refusalUsageKey: string | undefined): AuthorizerResult {
  const context: Record<string, string> = {};
  // Keys a native gateway response can read travel escaped (shared/template-values.ts).
  if (decision.context) {
    for (const key of Object.keys(decision.context)) {
      const value = decision.context[key];
      context[key] = isTemplateReadKey(key) ? escapeTemplateValue(value) : value;
    }
  }
  // The verdict's own keys last: nothing can shadow them.
  context[VERDICT_KEYS.verdict] = decision.verdict;
  context[VERDICT_KEYS.api] = cut(decision.apiId);
  if (decision.apiName !== undefined) { context[VERDICT_KEYS.apiName] = cut(decision.apiName); }
  if (decision.code !== undefined) { context[VERDICT_KEYS.code] = cut(decision.code); }
  if (decision.message !== undefined) { context[VERDICT_KEYS.message] = cut(decision.message); }
  const app = decision.app;
  if (app) {
    context[VERDICT_KEYS.appId] = escapeTemplateValue(cut(app.info.id));
    context[VERDICT_KEYS.appName] = escapeTemplateValue(cut(app.info.name));
  }
  if (decision.signature !== undefined) { context[VERDICT_KEYS.signature] = decision.signature; }
  const result: AuthorizerResult = {
    principalId: app ? cut(app.info.id) : ANONYMOUS_PRINCIPAL,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: policyResource(methodArn) }],
    },
    context,
  };
  // The app's key meters what the app is let through for; anything else goes by the refusal key,
  // so that API Gateway lets it reach the proxy instead of answering INVALID_API_KEY. A signature
  // only the proxy can verify (a body) never spends the app's throttle or quota: no app is charged
  // on a signature not verified in full.
  const usageKey = decision.signature === 'pending'
    ? refusalUsageKey
    : decision.verdict === VERDICT_OK && app?.usageKey !== undefined
      ? app.usageKey
      : refusalUsageKey ?? app?.usageKey;
  if (usageKey !== undefined) { result.usageIdentifierKey = usageKey; }
  return result;
}
