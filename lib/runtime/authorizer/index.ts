/**
 * The group's Lambda authorizer (REQUEST type, result TTL 0 at the AWS level: it runs for every
 * request and caches by itself). It decides who is calling and hands the proxy a verdict; it
 * never denies at the AWS level and never throws (DESIGN section 2): every answer is Allow on
 * exactly the request's method ARN, with the verdict in `context` (shared/verdict.ts).
 *
 * The request is routed with the proxy's router, on the same document, then:
 * - no API, or an API with NONE or IAM authentication → ok (the proxy does the rest);
 * - APP: an AppCode in `X-Apig-AppCode` (when the API accepts AppCodes): sent twice, or no app
 *   holds it → AUTH_FAILURE; an app not authorised for the API → UNAUTHORIZED; codes unreadable
 *   (Secrets Manager) → DEFAULT_5XX. Otherwise a signature (`SDK-HMAC-SHA256`, when the API
 *   accepts signatures: authenticateSignature); neither credential → AUTH_HEADER_MISSING. Then the
 *   custom authorizer, if any (two-factor);
 * - CUSTOM: the custom authorizer (shared/custom-authorizer.ts);
 * - THIRD_PARTY: the auth service (third-party.ts).
 *
 * One log line per decision: request id, API id, verdict, a reason chosen here, the app id.
 * Never an AppCode, a header value or an identity value.
 */
import * as path from 'path';
import { CONFIG_FILE_NAME } from '../../private/config-document';
import { logEvent, logId, stackFrames } from '../proxy/log';
import { onOwnResources } from '../proxy/own-resources';
import { RequestView } from '../proxy/request';
import { isRecord, LambdaContextLike } from '../proxy/types';
import { runCustomAuthorizer } from '../shared/custom-authorizer';
import { appSecretStore, verifyWithAppSecret } from '../shared/app-secrets';
import {
  BAD_SIGNATURE, bodyEvidence, dateRefusal, EMPTY_BODY_SHA256, readSignature, SignatureRefusal, UNSIGNED_PAYLOAD, unknownAppKey,
} from '../shared/app-signature';
import { headerSent } from '../shared/sent-once';
import { StepOutcome, VERDICT_OK } from '../shared/verdict';
import { DirectAnswer, directAnswerOf, UNAUTHORIZED_MESSAGE } from './direct-answer';
import { AppEntry } from './apps';
import { AuthorizerApi, AuthorizerConfig, loadAuthorizerConfig } from './config';
import { ANONYMOUS_PRINCIPAL, authorizerResult, AuthorizerResult, Decision, policyResource } from './result';
import { runThirdParty } from './third-party';

/** Time kept back from Lambda's own timeout to answer. */
const LAMBDA_TIMEOUT_MARGIN_MS = 200;
const APP_CODE_HEADER = 'x-apig-appcode';

const configFile = process.env.APIG_CONFIG_FILE || path.join(__dirname, CONFIG_FILE_NAME);
// A problem confined to one API is found when that API is first called (its auth resolves then).
const state = loadAuthorizerConfig(configFile, process.env, reason => logEvent('configuration warning', { reason }));
if (state.ok) {
  for (const warning of state.config.warnings) { logEvent('configuration warning', { reason: warning }); }
} else {
  logEvent('configuration refused', { file: configFile, reason: state.reason });
}

function budget(configured: number, context: LambdaContextLike | undefined): number {
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
  if (typeof remaining !== 'number' || !Number.isFinite(remaining)) { return configured; }
  return Math.max(1, Math.min(configured, remaining - LAMBDA_TIMEOUT_MARGIN_MS));
}

function fromStep(apiId: string, outcome: StepOutcome, app?: AppEntry): Decision {
  return { apiId, verdict: outcome.verdict, reason: outcome.reason, context: outcome.context, cached: outcome.cached, app };
}

async function authenticate(req: RequestView, config: AuthorizerConfig, api: AuthorizerApi,
  params: Record<string, string>, context: LambdaContextLike | undefined): Promise<Decision> {
  const auth = api.auth;
  if (typeof auth === 'string') { return { apiId: api.id, verdict: 'DEFAULT_5XX', reason: 'authentication not usable' }; }
  let app: AppEntry | undefined;
  switch (auth.type) {
    case 'NONE':
    case 'IAM':
      return { apiId: api.id, verdict: VERDICT_OK, reason: `auth ${auth.type}` };
    case 'THIRD_PARTY':
      return fromStep(api.id, await runThirdParty(api.thirdParty!, req, budget(api.thirdParty!.timeoutMs, context)));
    case 'APP': {
      const sent = headerSent(req, APP_CODE_HEADER);
      const codeGiven = sent.kind === 'repeated' || (sent.kind === 'once' && sent.value !== '');
      if (!codeGiven || auth.appCode === false) {
        // No AppCode (or AppCodes not accepted): a signature, or no credential at all.
        const signed = await authenticateSignature(req, config, api, auth.signature !== false, codeGiven);
        if (signed.verdict !== VERDICT_OK || auth.custom === undefined) { return signed; }
        const second = await runCustomAuthorizer(auth.custom, {
          req, pathParams: params, apiId: api.id, apiPath: api.path, stage: req.stage || config.stage, timeoutMs: budget(auth.custom.timeoutMs, context),
        });
        return { ...fromStep(api.id, second, signed.app), signature: signed.signature };
      }
      // Two AppCodes: which one authenticates is ambiguous; refused as a bad credential, none compared.
      if (sent.kind === 'repeated') { return { apiId: api.id, verdict: 'AUTH_FAILURE', reason: 'AppCode sent more than once' }; }
      const code = sent.kind === 'once' ? sent.value : '';
      const found = await config.apps.identify(code, api.authorisedApps);
      if (found.kind === 'unavailable') { return { apiId: api.id, verdict: 'DEFAULT_5XX', reason: found.reason }; }
      if (found.kind === 'unknown') { return { apiId: api.id, verdict: 'AUTH_FAILURE', reason: 'AppCode of no app' }; }
      app = found.app;
      if (!api.authorisedApps.has(app.info.key)) {
        return { apiId: api.id, verdict: 'UNAUTHORIZED', reason: 'app not authorised for the API', app };
      }
      if (auth.custom === undefined) { return { apiId: api.id, verdict: VERDICT_OK, reason: 'app authenticated', app }; }
      break;
    }
    default:
      break;
  }
  const custom = auth.custom!;
  const outcome = await runCustomAuthorizer(custom, {
    req,
    pathParams: params,
    apiId: api.id,
    apiPath: api.path,
    stage: req.stage || config.stage,
    timeoutMs: budget(custom.timeoutMs, context),
  });
  return fromStep(api.id, outcome, app);
}

/**
 * Signature authentication (DESIGN section 7): the AppKey names the app, the date must be within
 * the window and the app authorised for the API. With no body (the headers say so) or an
 * UNSIGNED-PAYLOAD signature, the signature is verified here in full (`verified`: the app's usage
 * key may be handed out); otherwise only the proxy, which sees the body, can (`pending`: the proxy
 * verifies before anything else, and the app is not charged).
 */
async function authenticateSignature(req: RequestView, config: AuthorizerConfig, api: AuthorizerApi, accepted: boolean,
  codeGiven: boolean): Promise<Decision> {
  const refuse = (refusal: SignatureRefusal): Decision => ({ apiId: api.id, verdict: 'AUTH_FAILURE', reason: refusal.reason, message: refusal.message });
  const read = readSignature(req);
  if (read.kind === 'absent') {
    return codeGiven
      ? refuse({ reason: 'AppCode on an API that accepts no AppCode', message: 'Incorrect app authentication information: AppCode authentication is not enabled for the API' })
      : { apiId: api.id, verdict: 'AUTH_HEADER_MISSING', reason: 'no AppCode and no signature' };
  }
  if (!accepted) {
    return refuse({ reason: 'signature on an API that accepts no signature', message: 'Incorrect app authentication information: signature authentication is not enabled for the API' });
  }
  if (read.kind === 'refused') { return refuse(read.refusal); }
  const signed = read.signed;
  const app = config.appsByAccessKey.get(signed.access);
  if (app === undefined || app.signing === undefined) { return refuse(unknownAppKey(signed.access)); }
  const expired = dateRefusal(signed, Date.now());
  if (expired) { return refuse(expired); }
  const authorised = api.authorisedApps.has(app.info.key);
  const evidence = bodyEvidence(req);
  const unsigned = signed.contentSha256 === UNSIGNED_PAYLOAD;
  if (evidence === 'maybe' && !unsigned) {
    // A body may be there: the proxy verifies. An app not authorised is refused without being named.
    if (!authorised) { return { apiId: api.id, verdict: 'UNAUTHORIZED', reason: 'app not authorised for the API (signature not verified)' }; }
    return { apiId: api.id, verdict: VERDICT_OK, reason: 'app identified by its AppKey; signature to verify in the proxy', app, signature: 'pending' };
  }
  const outcome = await verifyWithAppSecret(appSecretStore(), app.signing, req, signed, EMPTY_BODY_SHA256);
  if (outcome === 'unavailable') { return { apiId: api.id, verdict: 'DEFAULT_5XX', reason: `AppSecret of app ${app.info.key} not readable` }; }
  if (outcome === 'invalid') {
    // Without a Content-Length the body is only presumed empty: the proxy, which sees it, decides.
    if (evidence === 'none-implied' && !unsigned && authorised) {
      return { apiId: api.id, verdict: VERDICT_OK, reason: 'signature not verified with an empty body; to verify in the proxy', app, signature: 'pending' };
    }
    return refuse(BAD_SIGNATURE);
  }
  if (!authorised) { return { apiId: api.id, verdict: 'UNAUTHORIZED', reason: 'app not authorised for the API', app }; }
  return { apiId: api.id, verdict: VERDICT_OK, reason: 'app authenticated by its signature', app, signature: 'verified' };
}

function logDecision(requestId: string, decision: Decision, started: number): void {
  logEvent('authorizer decision', {
    requestId: logId(requestId),
    apiId: decision.apiId,
    verdict: decision.verdict,
    reason: decision.reason,
    ...(decision.app ? { appId: decision.app.info.id } : {}),
    ...(decision.cached ? { cached: true } : {}),
    ms: Date.now() - started,
  });
}

/** The answer of last resort: a DEFAULT_5XX verdict, built without anything that could fail. */
function staticResult(methodArn: unknown): AuthorizerResult {
  let resource = '';
  try { resource = policyResource(methodArn); } catch { /* keep '' */ }
  return {
    principalId: ANONYMOUS_PRINCIPAL,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resource }] },
    context: { apigVerdict: 'DEFAULT_5XX', apigApi: '' },
  };
}

export async function handler(event: unknown, context?: LambdaContextLike): Promise<AuthorizerResult> {
  const started = Date.now();
  const methodArn = isRecord(event) ? event.methodArn : undefined;
  let requestId = '';
  let apiId = '';
  let decision: Decision;
  // A direct API reached on its own method: API Gateway, not the proxy, acts on the verdict.
  let direct = false;
  try {
    const req = new RequestView(event);
    requestId = req.requestId;
    if (!state.ok) {
      decision = { apiId, verdict: 'DEFAULT_5XX', reason: 'configuration refused' };
    } else {
      const match = state.config.routes.forStage(req.stage || state.config.stage).match(req.method, req.path);
      if (match.kind !== 'route') {
        decision = { apiId, verdict: VERDICT_OK, reason: 'no API matched' };
      } else if (!onOwnResources(req, match.target.compiled.ownResources)) {
        // An exposed API reached through another resource skipped its throttle or IAM method: it is no API
        // of this request (the proxy answers NOT_FOUND), and no app's usage plan is charged for it.
        decision = { apiId, verdict: VERDICT_OK, reason: 'exposed API reached through a resource not its own' };
      } else {
        const api = match.target.compiled;
        apiId = api.id;
        direct = api.directResource !== undefined && req.event.resource === api.directResource;
        decision = { ...await authenticate(req, state.config, api, match.params, context), apiName: api.name };
      }
    }
  } catch (err) {
    // Our own failure, for the routed API (so the proxy renders it with the API's response).
    decision = { apiId, verdict: 'DEFAULT_5XX', reason: `unexpected error: ${err instanceof Error ? err.name : typeof err}` };
    try { logEvent('unexpected error', { requestId: logId(requestId), stack: stackFrames(err) }); } catch { /* never throw */ }
  }
  let answer: DirectAnswer = 'allow';
  try {
    logDecision(requestId, decision, started);
    answer = direct ? directAnswerOf(decision.verdict) : 'allow';
    if (answer === 'allow') { return authorizerResult(methodArn, decision, state.ok ? state.config.refusalUsageKey : undefined); }
  } catch {
    return direct ? Promise.reject(new Error('authorizer failure')) : staticResult(methodArn);
  }
  // Outside the try: these answers are the function's error, which API Gateway reads.
  throw new Error(answer === 'unauthorized' ? UNAUTHORIZED_MESSAGE : `verdict ${decision.verdict}`);
}
