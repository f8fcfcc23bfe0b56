/**
 * The authorizer's answer for a direct API (README "Direct integration"): API Gateway calls the
 * backend itself, no proxy renders a verdict, so the authorizer answers API Gateway in its own
 * terms. A Lambda REQUEST authorizer can say Allow, Deny (ACCESS_DENIED, 403, which no verdict of
 * the authorizer's needs: IP rules are the proxy's, and an API with one is never direct),
 * "Unauthorized" (UNAUTHORIZED, 401) or fail (a function error: API Gateway answers 500 through
 * AUTHORIZER_CONFIGURATION_ERROR, as recorded in serverless/examples#305 and
 * auth0-samples/jwt-rsa-aws-custom-authorizer#6); each verdict takes the one whose status is the
 * verdict type's default status, and the REST API's native responses render it from the group's
 * `default` response (both AWS types translate from AUTHORIZER_CONF_FAILURE).
 */
import { VERDICT_OK } from '../shared/verdict';

export type DirectAnswer = 'allow' | 'unauthorized' | 'fail';

/** Verdicts whose type answers 401 by default. */
const UNAUTHORIZED_VERDICTS: ReadonlySet<string> = new Set([
  'AUTH_HEADER_MISSING', 'AUTH_FAILURE', 'UNAUTHORIZED', 'AUTHORIZER_IDENTITIES_FAILURE', 'THIRD_AUTH_FAILURE', 'THIRD_AUTH_IDENTITIES_FAILURE',
]);

export function directAnswerOf(verdict: string): DirectAnswer {
  if (verdict === VERDICT_OK) { return 'allow'; }
  if (UNAUTHORIZED_VERDICTS.has(verdict)) { return 'unauthorized'; }
  // DEFAULT_5XX, AUTHORIZER_FAILURE (500 in Huawei's documentation), the *_CONF_FAILURE types.
  return 'fail';
}

/**
 * The error message by which a Lambda authorizer makes API Gateway answer UNAUTHORIZED (401), as
 * AWS's Lambda authorizer examples throw it ("Output from an API Gateway Lambda authorizer").
 */
export const UNAUTHORIZED_MESSAGE = 'Unauthorized';
