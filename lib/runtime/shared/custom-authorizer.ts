/**
 * Custom authorizers (CustomAuthorizerDocument): the user's Lambda function with Huawei's
 * FunctionGraph contract (DESIGN section 7). Run by the authorizer for CUSTOM and APP + custom
 * APIs, and by the proxy for IAM + custom (API Gateway allows one authorizer per method, and IAM
 * takes that place).
 *
 * The function receives `{ headers, queryStringParameters, path, httpMethod, pathParameters,
 * requestContext: { requestId, sourceIp, stage, apiId, resourcePath }, user_data }` (`path` as the
 * API was matched on it, decoded; `resourcePath` the API's path template) and returns
 * `{ statusCode: 200, body: '{"status":"allow"|"deny","context":{...}}' }`.
 *
 * - identity source missing or failing its validation → AUTHORIZER_IDENTITIES_FAILURE (the
 *   function is not called);
 * - `allow` → ok, with the context; `deny` → AUTHORIZER_FAILURE, with the context (readable in
 *   the gateway response);
 * - anything else (non-200, malformed body, status or context, invoke error, timeout) →
 *   AUTHORIZER_CONF_FAILURE, or, in relaxed mode, ok with an empty context.
 *
 * Results (allow and deny) are cached for the TTL; failures never are. Huawei keys its cache on the
 * identity values; the function is also told the API, stage, method and path (with its
 * parameters) and may decide on them, so a result is reused only when all of these match too: an
 * allow for one API never opens another.
 */
import { nodeCrypto } from './node-crypto';
import { CustomAuthorizerDocument } from '../../private/config-document';
import { setOwn } from '../../private/own-keys';
import { AUTHORIZER_KEY_PATTERN, authorizerContextKey } from '../../private/template';
import { describeError } from '../proxy/errors';
import { CREDENTIAL_HEADERS, RequestView } from '../proxy/request';
import { routedPath } from '../proxy/router';
import { isRecord } from '../proxy/types';
import { TtlCache } from './cache';
import { resolveDeployTime } from './deploy-time';
import { compileIdentities, CompiledIdentity, readIdentities } from './identities';
import { invokeWithTimeout } from './lambda-client';
import { escapeTemplateValue } from './template-values';
import { StepOutcome, VERDICT_OK } from './verdict';

/** Largest cache TTL (DESIGN section 6). */
const MAX_TTL_SECONDS = 3600;
/** Longest wait for the function (the backend maximum, DESIGN section 6). */
const MAX_TIMEOUT_MS = 60_000;
/** Cached results per authorizer, per Lambda instance. */
export const RESULT_CACHE_ENTRIES = 1000;
/** Huawei's limit on the function's answer. */
const MAX_RESULT_BYTES = 1024 * 1024;
/** Largest context accepted, serialized (keys as they travel): API Gateway limits the whole context. */
export const MAX_CONTEXT_CHARS = 4096;

export interface CustomAuthorizer {
  readonly name: string;
  readonly functionName: string;
  readonly identities: readonly CompiledIdentity[];
  readonly ttlMs: number;
  readonly userData?: string;
  readonly relaxed: boolean;
  readonly timeoutMs: number;
  readonly cache: TtlCache<StepOutcome>;
}

/** @throws Error naming the problem when the document cannot be used */
export function compileCustomAuthorizer(doc: CustomAuthorizerDocument, env: NodeJS.ProcessEnv, where: string): CustomAuthorizer {
  if (!isRecord(doc)) { throw new Error(`${where} is not an object`); }
  const ttl = doc.ttlSeconds ?? 0;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0 || ttl > MAX_TTL_SECONDS) {
    throw new Error(`${where}.ttlSeconds ${JSON.stringify(ttl)} is not within 0-${MAX_TTL_SECONDS}`);
  }
  const timeout = doc.timeoutMs;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 1 || timeout > MAX_TIMEOUT_MS) {
    throw new Error(`${where}.timeoutMs ${JSON.stringify(timeout)} is not within 1-${MAX_TIMEOUT_MS}`);
  }
  if (doc.userData !== undefined && typeof doc.userData !== 'string') { throw new Error(`${where}.userData is not a string`); }
  return {
    name: typeof doc.name === 'string' ? doc.name : '',
    functionName: resolveDeployTime(doc.functionArn, env, `${where}.functionArn`),
    identities: compileIdentities(doc.identities, where),
    ttlMs: Math.floor(ttl * 1000),
    userData: doc.userData,
    relaxed: doc.relaxed === true,
    timeoutMs: Math.floor(timeout),
    cache: new TtlCache(RESULT_CACHE_ENTRIES),
  };
}

/** What the function is told about the request, besides its headers and query. */
export interface CustomCall {
  readonly req: RequestView;
  /** Path parameters of the matched API, from the router. */
  readonly pathParams: Readonly<Record<string, string>>;
  /** The API's id in the group. */
  readonly apiId: string;
  /** The API's path template (`/custom/{name}`), when known. */
  readonly apiPath?: string;
  /** The stage (the event's, else the document's). */
  readonly stage: string;
  /** Longest wait: the authorizer's timeout, capped by the Lambda's remaining time. */
  readonly timeoutMs: number;
}

/** Single-value maps (first value of a repeated name), without credential headers. */
function firstValues(map: Map<string, string[]>, skip?: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, values] of map) {
    if (skip !== undefined && skip.includes(name)) { continue; }
    setOwn(out, name, values[0]);
  }
  return out;
}

/** The FunctionGraph-style event of DESIGN section 7. Header names are lower case, as FunctionGraph passes them. */
export function functionGraphEvent(auth: CustomAuthorizer, call: CustomCall): Record<string, unknown> {
  const req = call.req;
  const event: Record<string, unknown> = {
    headers: firstValues(req.headers, CREDENTIAL_HEADERS),
    queryStringParameters: firstValues(req.query),
    // The path the API was matched on (decoded as the router decodes it), never the raw one: a
    // function that decides by path must see what chose the API (`/custom/%61dmin` is `/custom/admin`).
    path: routedPath(req.path),
    httpMethod: req.method,
    pathParameters: { ...call.pathParams },
    requestContext: {
      requestId: req.requestId, sourceIp: req.sourceIp, stage: call.stage, apiId: call.apiId,
      ...(call.apiPath !== undefined ? { resourcePath: call.apiPath } : {}),
    },
  };
  if (auth.userData !== undefined) { event.user_data = auth.userData; }
  return event;
}

type Parsed =
  | { readonly ok: true; readonly allow: boolean; readonly context: Record<string, string> }
  | { readonly ok: false; readonly reason: string };

/** Reads the function's answer; every deviation from the contract is a reason. */
export function parseFunctionResult(payload: unknown): Parsed {
  if (!isRecord(payload)) { return { ok: false, reason: 'function result is not an object' }; }
  if (payload.statusCode !== 200) {
    const status = typeof payload.statusCode === 'number' ? String(payload.statusCode) : typeof payload.statusCode;
    return { ok: false, reason: `function statusCode ${status.slice(0, 16)}, not 200` };
  }
  if (typeof payload.body !== 'string') { return { ok: false, reason: 'function body is not a string' }; }
  let body: unknown;
  try {
    body = JSON.parse(payload.body);
  } catch {
    return { ok: false, reason: 'function body is not JSON' };
  }
  if (!isRecord(body)) { return { ok: false, reason: 'function body is not a JSON object' }; }
  if (body.status !== 'allow' && body.status !== 'deny') { return { ok: false, reason: 'function body status is neither allow nor deny' }; }
  const context: Record<string, string> = {};
  const raw = body.context;
  if (raw !== undefined && raw !== null) {
    if (!isRecord(raw)) { return { ok: false, reason: 'function context is not an object' }; }
    let size = 0;
    for (const key of Object.keys(raw)) {
      if (!AUTHORIZER_KEY_PATTERN.test(key)) { return { ok: false, reason: 'function context has an invalid key' }; }
      const value = raw[key];
      let text: string;
      switch (typeof value) {
        case 'string': text = value; break;
        case 'number':
        case 'boolean': text = String(value); break;
        default: return { ok: false, reason: `function context value of type ${value === null ? 'null' : typeof value}` };
      }
      const travelKey = authorizerContextKey(key);
      // Counted as it travels: escaped for native gateway responses (template-values.ts).
      size += travelKey.length + escapeTemplateValue(text).length + 6;
      if (size > MAX_CONTEXT_CHARS) { return { ok: false, reason: `function context over ${MAX_CONTEXT_CHARS} characters` }; }
      context[travelKey] = text;
    }
  }
  return { ok: true, allow: body.status === 'allow', context };
}

const EMPTY_CONTEXT: Readonly<Record<string, string>> = Object.freeze({});

/** The function failed: AUTHORIZER_CONF_FAILURE, or through with an empty context in relaxed mode. */
function failed(auth: CustomAuthorizer, reason: string): StepOutcome {
  return auth.relaxed
    ? { verdict: VERDICT_OK, reason: `relaxed: ${reason}`, context: EMPTY_CONTEXT }
    : { verdict: 'AUTHORIZER_CONF_FAILURE', reason };
}

async function invoke(auth: CustomAuthorizer, call: CustomCall): Promise<Parsed> {
  const payload = Buffer.from(JSON.stringify(functionGraphEvent(auth, call)), 'utf8');
  const outcome = await invokeWithTimeout(auth.functionName, payload, call.timeoutMs);
  switch (outcome.kind) {
    case 'no-sdk':
    case 'unavailable': return { ok: false, reason: outcome.reason };
    case 'timeout': return { ok: false, reason: `function timeout after ${call.timeoutMs} ms` };
    case 'function-error': return { ok: false, reason: `function error: ${outcome.functionError}` };
  }
  const bytes = outcome.payload;
  if (bytes.length > MAX_RESULT_BYTES) { return { ok: false, reason: 'function result over 1 MB' }; }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return { ok: false, reason: 'function result is not JSON' };
  }
  return parseFunctionResult(parsed);
}

/** What the function's answer may depend on, besides `user_data` (fixed per authorizer). */
function cacheKey(call: CustomCall, identityValues: readonly string[]): string {
  const params = Object.keys(call.pathParams).sort().map(name => [name, call.pathParams[name]]);
  const facts = [call.apiId, call.stage, call.req.method, routedPath(call.req.path), params, identityValues];
  return nodeCrypto().createHash('sha256').update(JSON.stringify(facts)).digest('base64');
}

/** Runs the authorizer for one request; never rejects. */
export async function runCustomAuthorizer(auth: CustomAuthorizer, call: CustomCall): Promise<StepOutcome> {
  const identities = readIdentities(auth.identities, call.req);
  if (!identities.ok) { return { verdict: 'AUTHORIZER_IDENTITIES_FAILURE', reason: identities.reason }; }
  // Without identity sources there is nothing to tell callers apart: never cached.
  const key = auth.ttlMs > 0 && auth.identities.length > 0 ? cacheKey(call, identities.values) : undefined;
  if (key !== undefined) {
    const hit = auth.cache.get(key, Date.now());
    if (hit !== undefined) { return { ...hit, cached: true }; }
  }
  let parsed: Parsed;
  try {
    parsed = await invoke(auth, call);
  } catch (err) {
    parsed = { ok: false, reason: `function invoke failed: ${describeError(err)}` };
  }
  if (!parsed.ok) { return failed(auth, parsed.reason); }
  const outcome: StepOutcome = parsed.allow
    ? { verdict: VERDICT_OK, reason: 'custom authorizer allowed', context: parsed.context }
    : { verdict: 'AUTHORIZER_FAILURE', reason: 'custom authorizer denied', context: parsed.context };
  if (key !== undefined) { auth.cache.set(key, outcome, auth.ttlMs, Date.now()); }
  return outcome;
}
