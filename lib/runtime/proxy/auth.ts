/**
 * Steps 2 and 3 of the request path (DESIGN section 2), compiled per API into one guard that
 * runs after routing and before parameter validation. An API with neither authentication nor an
 * IP rule has no guard: its requests pay nothing for this.
 *
 * Step 2, authentication, fails closed:
 * - APP with a signed request (the verdict carries `apigSignature`): the signature is verified
 *   here in full, with the body, before anything else (shared/app-signature.ts); a mismatch is
 *   AUTH_FAILURE and nothing after runs. The authorizer cannot see the body, so this is the only
 *   full check of a request with one.
 * - APP, CUSTOM, THIRD_PARTY: the authorizer's verdict in `requestContext.authorizer` is
 *   enforced. No verdict, a malformed one, or one reached for another API → AUTH_FAILURE ("no
 *   verdict from the authorizer"); an `ok` for an APP API must name one of its apps; a refusal is
 *   rendered as the type it names, with its code and message when given. The values the
 *   authorizer escaped for native responses (app id and name, `frontend_<key>`) are unescaped
 *   here, once, for everything after.
 * - IAM: API Gateway checked the signature natively; a request that reached the proxy without an
 *   IAM identity (e.g. through a route without IAM) is refused with AUTH_HEADER_MISSING (APIG.0301).
 *   With a custom authorizer (two-factor) the proxy runs it itself.
 * - an API whose `auth` could not be compiled answers DEFAULT_5XX.
 *
 * Step 3: the group's IP rule, then the API's → ACCESS_DENIED (APIG.0402).
 */
import { VERDICT_KEYS } from '../../private/config-document';
import { ResolvedAuth } from '../shared/auth-config';
import { appSecretStore, AppSigning, signingOf, verifyWithAppSecret } from '../shared/app-secrets';
import { BAD_SIGNATURE, bodySha256, dateRefusal, readSignature, SignatureRefusal } from '../shared/app-signature';
import { runCustomAuthorizer } from '../shared/custom-authorizer';
import { isTemplateReadKey, unescapeTemplateValue } from '../shared/template-values';
import { IAM_ERROR_CODE, isRefusalType, REFUSAL_STATUS, StepOutcome, VERDICT_OK } from '../shared/verdict';
import { IpRule } from './access-control';
import { GatewayError, internalError, ipDenied, noVerdict } from './gateway-error';
import { RequestView } from './request';
import { scalarText } from './types';

export interface GuardCall {
  readonly req: RequestView;
  readonly params: Record<string, string>;
  /** The stage when the event names none. */
  readonly defaultStage: string;
  /** A configured timeout capped by the Lambda's remaining time. */
  readonly timeoutFor: (configuredMs: number) => number;
}

export type Guard = (call: GuardCall) => GatewayError | undefined | Promise<GatewayError | undefined>;

type SyncCheck = (req: RequestView) => GatewayError | undefined;

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The values the authorizer sent escaped for native gateway responses (shared/template-values.ts),
 * unescaped once: laid over `requestContext.authorizer`, so backends, forwarded headers and the
 * proxy's own responses read them as the authorizer decided them.
 */
function unescapeTemplateValues(req: RequestView, context: Record<string, unknown>): void {
  let raw: Record<string, string> | undefined;
  for (const key of Object.keys(context)) {
    const value = context[key];
    if (typeof value === 'string' && isTemplateReadKey(key)) { (raw ??= {})[key] = unescapeTemplateValue(value); }
  }
  if (raw !== undefined) { req.authorizerOverlay = raw; }
}

/**
 * Enforces the authorizer's verdict for one API. `signatureOnly`: an APP API that accepts no
 * AppCode, whose ok verdict must come from a signature.
 */
function verdictCheck(apiId: string, appIds: ReadonlySet<string> | undefined, signatureOnly = false): SyncCheck {
  return req => {
    const context = req.authorizer;
    if (context === undefined) { return noVerdict('no authorizer context'); }
    unescapeTemplateValues(req, context);
    const verdict = context[VERDICT_KEYS.verdict];
    if (typeof verdict !== 'string' || verdict === '') { return noVerdict('no verdict in the authorizer context'); }
    if (scalarText(context[VERDICT_KEYS.api]) !== apiId) { return noVerdict('verdict reached for another API'); }
    if (verdict === VERDICT_OK) {
      if (appIds !== undefined && !appIds.has(req.authorizerValue(VERDICT_KEYS.appId))) {
        return noVerdict('ok verdict without an app authorised for the API');
      }
      if (signatureOnly && context[VERDICT_KEYS.signature] === undefined) { return noVerdict('ok verdict without a signature on an API that accepts signatures only'); }
      return undefined;
    }
    if (!isRefusalType(verdict)) { return noVerdict('unknown verdict'); }
    return new GatewayError(verdict, REFUSAL_STATUS[verdict], 'authorizer verdict', undefined,
      nonEmpty(context[VERDICT_KEYS.message]), nonEmpty(context[VERDICT_KEYS.code]));
  };
}

function signatureFailure(refusal: SignatureRefusal): GatewayError {
  return new GatewayError('AUTH_FAILURE', 401, `signature: ${refusal.reason}`, undefined, refusal.message);
}

/**
 * Verifies a signed request in full, with its body (base64-decoded when API Gateway encoded it):
 * the app the verdict names, its AppKey, the date window and the signature. Undefined when it holds.
 */
async function verifySignature(req: RequestView, app: AppSigning): Promise<GatewayError | undefined> {
  const read = readSignature(req);
  if (read.kind === 'refused') { return signatureFailure(read.refusal); }
  if (read.kind === 'absent') { return signatureFailure({ ...BAD_SIGNATURE, reason: 'signature verdict on a request without a signature' }); }
  const signed = read.signed;
  if (signed.access !== app.accessKey) { return signatureFailure({ ...BAD_SIGNATURE, reason: 'AppKey is not the verdict\'s app\'s' }); }
  const expired = dateRefusal(signed, Date.now());
  if (expired) { return signatureFailure(expired); }
  const outcome = await verifyWithAppSecret(appSecretStore(), app, req, signed, bodySha256(req.body()));
  if (outcome === 'unavailable') { return new GatewayError('DEFAULT_5XX', 500, `AppSecret of app ${app.appKey} not readable`); }
  return outcome === 'valid' ? undefined : signatureFailure(BAD_SIGNATURE);
}

/**
 * The guard of an APP API: the verdict, and for a signed request (the verdict says so) the
 * signature verified in full with the body before anything else.
 */
function appGuard(apiId: string, auth: ResolvedAuth, access: SyncCheck | undefined, env: NodeJS.ProcessEnv): Guard {
  const check = verdictCheck(apiId, new Set(auth.apps.map(a => a.id)), auth.appCode === false);
  const signers = new Map<string, AppSigning>();
  if (auth.signature !== false) {
    for (const app of auth.apps) {
      const signing = signingOf(app.key, app.doc, env, []);
      if (signing !== undefined) { signers.set(app.id, signing); }
    }
  }
  const rest = (req: RequestView): GatewayError | undefined => check(req) ?? access?.(req);
  return call => {
    const req = call.req;
    const context = req.authorizer;
    const marker = context?.[VERDICT_KEYS.signature];
    if (context === undefined || marker === undefined) { return rest(req); }
    if (typeof context[VERDICT_KEYS.verdict] !== 'string' || scalarText(context[VERDICT_KEYS.api]) !== apiId) { return rest(req); }
    if (marker !== 'verified' && marker !== 'pending') { return noVerdict('unknown signature marker'); }
    unescapeTemplateValues(req, context);
    const app = signers.get(req.authorizerValue(VERDICT_KEYS.appId));
    if (app === undefined) { return noVerdict('signature verdict without an app of the API that can sign'); }
    return verifySignature(req, app).then(refused => refused ?? rest(req));
  };
}

/** True when API Gateway authenticated the request with IAM (SigV4). */
function hasIamIdentity(req: RequestView): boolean {
  return req.identityValue('userArn') !== '' || req.identityValue('accessKey') !== '' || req.identityValue('caller') !== '';
}

function iamMissing(): GatewayError {
  return new GatewayError('AUTH_HEADER_MISSING', 401, 'no IAM identity on an IAM API', undefined, undefined, IAM_ERROR_CODE);
}

/** A custom authorizer's outcome, as the proxy answers it: its context readable either way. */
function customResult(outcome: StepOutcome, req: RequestView): GatewayError | undefined {
  if (outcome.context !== undefined && Object.keys(outcome.context).length > 0) { req.authorizerOverlay = { ...outcome.context }; }
  if (outcome.verdict === VERDICT_OK) { return undefined; }
  return new GatewayError(outcome.verdict, REFUSAL_STATUS[outcome.verdict], `custom authorizer: ${outcome.reason}`);
}

function accessCheck(rules: readonly IpRule[]): SyncCheck | undefined {
  if (rules.length === 0) { return undefined; }
  return req => {
    const ip = req.sourceIp;
    for (const rule of rules) {
      if (!rule.allows(ip)) { return ipDenied(`IP rule (${rule.action})`); }
    }
    return undefined;
  };
}

/**
 * The guard of one API; undefined when it has nothing to check.
 *
 * @param auth the API's resolved auth, or the reason it could not be resolved
 * @param rules the group's IP rule (if any), then the API's
 */
export function compileGuard(apiId: string, auth: ResolvedAuth | string, rules: readonly IpRule[],
  env: NodeJS.ProcessEnv = process.env): Guard | undefined {
  const access = accessCheck(rules);
  if (typeof auth === 'string') {
    const broken = internalError(`authentication not usable: ${auth}`.slice(0, 300));
    return () => broken;
  }
  let authCheck: SyncCheck | undefined;
  switch (auth.type) {
    case 'NONE':
      break;
    case 'IAM': {
      const custom = auth.custom;
      if (custom !== undefined) {
        return call => {
          const req = call.req;
          if (!hasIamIdentity(req)) { return iamMissing(); }
          return runCustomAuthorizer(custom, {
            req,
            pathParams: call.params,
            apiId,
            apiPath: req.api?.path,
            stage: req.stage || call.defaultStage,
            timeoutMs: call.timeoutFor(custom.timeoutMs),
          }).then(outcome => customResult(outcome, req) ?? access?.(req));
        };
      }
      authCheck = req => (hasIamIdentity(req) ? undefined : iamMissing());
      break;
    }
    case 'APP':
      return appGuard(apiId, auth, access, env);
    default:
      authCheck = verdictCheck(apiId, undefined);
  }
  if (authCheck === undefined) { return access === undefined ? undefined : call => access(call.req); }
  const check = authCheck;
  if (access === undefined) { return call => check(call.req); }
  return call => check(call.req) ?? access(call.req);
}
