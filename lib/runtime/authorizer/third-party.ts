/**
 * Third-party authorizers (ThirdPartyAuthorizerDocument): an HTTP(S) call to the user's auth
 * service carrying exactly the declared identity headers and query parameters, within a timeout.
 *
 * - an identity source missing (or failing its validation) → THIRD_AUTH_IDENTITIES_FAILURE;
 * - 2xx → allow in simple mode; otherwise only with the match header set to its value, else
 *   THIRD_AUTH_FAILURE;
 * - 4xx → THIRD_AUTH_FAILURE;
 * - 5xx, timeout, connection refused or reset, DNS, TLS → THIRD_AUTH_CONF_FAILURE, or through in
 *   relaxed mode; any other status (3xx: redirects are not followed) → THIRD_AUTH_CONF_FAILURE;
 * - `101 Switching Protocols`, or an interim 1xx after which the connection ends, is no answer:
 *   THIRD_AUTH_CONF_FAILURE at once (not after the timeout), even in relaxed mode, since the
 *   service did answer, only not with a decision.
 *
 * Allow and refusal results are cached per identity values for the TTL; failures never are. The
 * service is sent the identity values and nothing else about the request, so nothing else can
 * change its answer: a result serves every API that uses the same authorizer.
 */
import { nodeCrypto } from '../shared/node-crypto';
import type * as http from 'http';
import { transport } from '../shared/http-transport';
import type { ThirdPartyAuthorizerDocument } from '../../private/config-document';
import { setOwn } from '../../private/own-keys';
import { cancelDeadline, Deadline, startDeadline } from '../proxy/deadlines';
import { describeError, errorCode } from '../proxy/errors';
import { isValidHeaderValue } from '../proxy/headers';
import { encodeComponent, RequestView } from '../proxy/request';
import { isRecord } from '../proxy/types';
import { TtlCache } from '../shared/cache';
import { RESULT_CACHE_ENTRIES } from '../shared/custom-authorizer';
import { resolveDeployTime } from '../shared/deploy-time';
import { compileIdentities, CompiledIdentity, readIdentities } from '../shared/identities';
import { StepOutcome, VERDICT_OK } from '../shared/verdict';

const METHODS = new Set(['GET', 'POST', 'PUT', 'HEAD']);
const MAX_TTL_SECONDS = 3600;
const MAX_TIMEOUT_MS = 60_000;
const MAX_IDENTITIES_PER_LOCATION = 10;
/** A response body is read and discarded (so the connection can be reused) up to this size. */
const MAX_DRAINED_BYTES = 64 * 1024;

export interface ThirdPartyAuthorizer {
  readonly name: string;
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port?: number;
  /** `user:password` of the URL, if it has one. */
  readonly userInfo?: string;
  /** Path and query of the URL. */
  readonly path: string;
  readonly hasQuery: boolean;
  readonly method: string;
  readonly identities: readonly CompiledIdentity[];
  readonly timeoutMs: number;
  readonly simpleMode: boolean;
  readonly match?: { readonly lower: string; readonly value: string };
  readonly relaxed: boolean;
  readonly ttlMs: number;
  readonly cache: TtlCache<StepOutcome>;
}

/** @throws Error naming the problem when the document cannot be used */
export function compileThirdParty(raw: unknown, env: NodeJS.ProcessEnv, where: string): ThirdPartyAuthorizer {
  if (!isRecord(raw)) { throw new Error(`${where} is not an object`); }
  const doc = raw as unknown as ThirdPartyAuthorizerDocument;
  const url = new URL(resolveDeployTime(doc.url, env, `${where}.url`));
  if (url.protocol !== 'http:' && url.protocol !== 'https:') { throw new Error(`${where}.url is not an http(s) URL`); }
  const method = typeof doc.method === 'string' ? doc.method.toUpperCase() : '';
  if (!METHODS.has(method)) { throw new Error(`${where}.method must be GET, POST, PUT or HEAD`); }
  const identities = compileIdentities(doc.identities, where);
  for (const location of ['header', 'query'] as const) {
    if (identities.filter(i => i.in === location).length > MAX_IDENTITIES_PER_LOCATION) {
      throw new Error(`${where}: more than ${MAX_IDENTITIES_PER_LOCATION} ${location} identity sources`);
    }
  }
  const timeout = doc.timeoutMs;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 1 || timeout > MAX_TIMEOUT_MS) {
    throw new Error(`${where}.timeoutMs ${JSON.stringify(timeout)} is not within 1-${MAX_TIMEOUT_MS}`);
  }
  const ttl = doc.ttlSeconds ?? 0;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0 || ttl > MAX_TTL_SECONDS) {
    throw new Error(`${where}.ttlSeconds ${JSON.stringify(ttl)} is not within 0-${MAX_TTL_SECONDS}`);
  }
  const simpleMode = doc.simpleMode === true;
  let match: ThirdPartyAuthorizer['match'];
  if (doc.matchHeader !== undefined) {
    if (!isRecord(doc.matchHeader) || typeof doc.matchHeader.name !== 'string' || typeof doc.matchHeader.value !== 'string') {
      throw new Error(`${where}.matchHeader needs a string name and value`);
    }
    match = { lower: doc.matchHeader.name.toLowerCase(), value: doc.matchHeader.value };
  }
  if (!simpleMode && match === undefined) { throw new Error(`${where}: without simple mode a matchHeader is required`); }
  return {
    name: typeof doc.name === 'string' ? doc.name : '',
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : undefined,
    userInfo: url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
    path: `${url.pathname}${url.search}`,
    hasQuery: url.search !== '',
    method,
    identities,
    timeoutMs: Math.floor(timeout),
    simpleMode,
    match,
    relaxed: doc.relaxed === true,
    ttlMs: Math.floor(ttl * 1000),
    cache: new TtlCache(RESULT_CACHE_ENTRIES),
  };
}

function unusable(auth: ThirdPartyAuthorizer, reason: string, relaxable: boolean): StepOutcome {
  return auth.relaxed && relaxable
    ? { verdict: VERDICT_OK, reason: `relaxed: ${reason}` }
    : { verdict: 'THIRD_AUTH_CONF_FAILURE', reason };
}

/** What the service's answer means; `cacheable` for allow and refusal, never for failures. */
function judge(auth: ThirdPartyAuthorizer, res: http.IncomingMessage): { outcome: StepOutcome; cacheable: boolean } {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status <= 299) {
    if (auth.simpleMode) { return { outcome: { verdict: VERDICT_OK, reason: `service answered ${status}` }, cacheable: true }; }
    const m = auth.match!;
    const raw = res.headers[m.lower];
    const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    return values.some(v => v === m.value)
      ? { outcome: { verdict: VERDICT_OK, reason: `service answered ${status} with the match header` }, cacheable: true }
      : { outcome: { verdict: 'THIRD_AUTH_FAILURE', reason: `service answered ${status} without the match header` }, cacheable: true };
  }
  if (status >= 400 && status <= 499) {
    return { outcome: { verdict: 'THIRD_AUTH_FAILURE', reason: `service answered ${status}` }, cacheable: true };
  }
  return { outcome: unusable(auth, `service answered ${status}`, status >= 500), cacheable: false };
}

interface Exchange {
  readonly auth: ThirdPartyAuthorizer;
  readonly options: http.RequestOptions;
  readonly deadlineAt: number;
  readonly budgetMs: number;
}

/** One call to the service; never rejects. A kept-alive socket found dead is retried once. */
function exchange(x: Exchange, mayRetry: boolean): Promise<{ outcome: StepOutcome; cacheable: boolean }> {
  return new Promise(resolve => {
    let settled = false;
    let responded = false;
    /** Status of an interim (1xx) response received, if any. */
    let interim: number | undefined;
    let deadline: Deadline | undefined;
    const settle = (value: { outcome: StepOutcome; cacheable: boolean } | Promise<{ outcome: StepOutcome; cacheable: boolean }>): void => {
      if (settled) { return; }
      settled = true;
      if (deadline) { cancelDeadline(deadline); }
      resolve(value);
    };
    let req: http.ClientRequest;
    try {
      req = transport(x.auth.protocol).request(x.options, res => {
        responded = true;
        settle(judge(x.auth, res));
        let drained = 0;
        res.on('data', (chunk: Buffer) => {
          drained += chunk.length;
          if (drained > MAX_DRAINED_BYTES) { res.destroy(); }
        });
        res.on('error', () => { /* decided already */ });
      });
    } catch (err) {
      settle({ outcome: unusable(x.auth, `request refused: ${describeError(err)}`, false), cacheable: false });
      return;
    }
    req.on('information', (info: http.InformationEvent) => { interim = info.statusCode; });
    // Node hands a 101 to 'upgrade' listeners, and without one closes the socket with no response and no error.
    req.on('upgrade', (res: http.IncomingMessage, socket: NodeJS.ReadableStream & { destroy(): void }) => {
      socket.destroy();
      settle({ outcome: unusable(x.auth, `service answered ${res.statusCode ?? 101}`, false), cacheable: false });
    });
    req.on('error', (err: unknown) => {
      if (interim !== undefined) {
        settle({ outcome: unusable(x.auth, `service answered ${interim} and nothing more`, false), cacheable: false });
        return;
      }
      const code = errorCode(err);
      if (mayRetry && !responded && req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE') && x.deadlineAt > Date.now()) {
        settle(exchange(x, false));
        return;
      }
      settle({ outcome: unusable(x.auth, `service unreachable: ${describeError(err)}`, true), cacheable: false });
    });
    // Whatever else ends the exchange without an answer or an error must not wait for the deadline.
    req.on('close', () => {
      if (responded) { return; }
      const outcome = interim !== undefined
        ? unusable(x.auth, `service answered ${interim} and nothing more`, false)
        : unusable(x.auth, 'service closed the connection without answering', true);
      settle({ outcome, cacheable: false });
    });
    deadline = startDeadline(Math.max(1, x.deadlineAt - Date.now()), () => {
      settle({ outcome: unusable(x.auth, `service timeout after ${x.budgetMs} ms`, true), cacheable: false });
      req.destroy();
    });
    req.end();
  });
}

function cacheKey(values: readonly string[]): string {
  return nodeCrypto().createHash('sha256').update(JSON.stringify(values)).digest('base64');
}

/** Runs the authorizer for one request; never rejects. */
export async function runThirdParty(auth: ThirdPartyAuthorizer, req: RequestView, budgetMs: number): Promise<StepOutcome> {
  const identities = readIdentities(auth.identities, req);
  if (!identities.ok) { return { verdict: 'THIRD_AUTH_IDENTITIES_FAILURE', reason: identities.reason }; }
  const headers: http.OutgoingHttpHeaders = {};
  let path = auth.path;
  let separator = auth.hasQuery ? '&' : '?';
  for (let i = 0; i < auth.identities.length; i++) {
    const id = auth.identities[i];
    const value = identities.values[i];
    if (id.in === 'header') {
      if (!isValidHeaderValue(value)) { return { verdict: 'THIRD_AUTH_IDENTITIES_FAILURE', reason: `identity header ${id.name} cannot be sent` }; }
      setOwn(headers, id.lower, value);
    } else {
      path += `${separator}${encodeComponent(id.name)}=${encodeComponent(value)}`;
      separator = '&';
    }
  }
  const key = auth.ttlMs > 0 && auth.identities.length > 0 ? cacheKey(identities.values) : undefined;
  if (key !== undefined) {
    const hit = auth.cache.get(key, Date.now());
    if (hit !== undefined) { return { ...hit, cached: true }; }
  }
  if (auth.method === 'POST' || auth.method === 'PUT') { headers['content-length'] = '0'; }
  const { outcome, cacheable } = await exchange({
    auth,
    options: {
      protocol: auth.protocol,
      hostname: auth.hostname,
      port: auth.port,
      auth: auth.userInfo,
      method: auth.method,
      path,
      headers,
      agent: transport(auth.protocol).agent,
    },
    deadlineAt: Date.now() + budgetMs,
    budgetMs,
  }, true);
  if (key !== undefined && cacheable) { auth.cache.set(key, outcome, auth.ttlMs, Date.now()); }
  return outcome;
}
