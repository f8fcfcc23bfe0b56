/**
 * HTTP/HTTPS backend: forwards the request to a URL and passes the answer through, whatever its
 * status. The API's timeout covers the whole exchange (connect, request, full response body).
 */
import type * as http from 'http';
import { transport } from '../../shared/http-transport';
import { HttpBackendDocument } from '../../../private/config-document';
import { keyed, setOwn } from '../../../private/own-keys';
import { encodeBody, exceedsLambdaLimit, LAMBDA_PAYLOAD_LIMIT } from '../body';
import { cancelDeadline, Deadline, startDeadline } from '../deadlines';
import { describeError, errorCode, isBackendUnavailable } from '../errors';
import {
  backendResponseTooLarge, backendTimeout, backendUnavailable, GatewayError, internalError, parameterInvalid,
} from '../gateway-error';
import { connectionTokens, HOP_BY_HOP_HEADERS, isHopByHop, isToken, isValidHeaderValue } from '../headers';
import { CREDENTIAL_HEADERS, encodeComponent, RequestView } from '../request';
import { isRecord, ProxyResult } from '../types';
import { ADDRESS_VALUE, substituteAddress } from '../../../private/backend-address';
import { Backend, BackendCall } from './backend';
import { compileBackendParameters, ResolvedParameters } from './backend-parameters';
import { isDotSegment } from './dot-segments';
import { withRemainder } from './prefix-remainder';
import { forwardingOf, GatewayHeader, setForwardingHeaders } from './forwarding';
import { withMappedQuery } from '../orchestration';
import { lambdaTraceHeader } from './trace';

type UrlPiece = string | { readonly param: string };

interface Target {
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port?: number;
  readonly auth?: string;
  /** Path-and-query template, split into literal text and `{name}` / `{name+}` parameters. */
  readonly pieces: readonly UrlPiece[];
  readonly hasQuery: boolean;
}

const PLACEHOLDER = /\{([^{}]+?)\+?\}/g;
// Node refuses a request path holding characters outside this range.
const UNSAFE_PATH_CHAR = /[^\x21-\x7e]/g;

/** @throws Error when the URL is not an absolute http(s) URL with a literal authority */
function parseTarget(url: string): Target {
  const m = /^(https?):\/\/([^/?#]+)(.*)$/i.exec(url);
  if (!m) { throw new Error('backend url is not an absolute http(s) URL'); }
  if (m[2].includes('{')) { throw new Error('backend url: parameters are only allowed in the path and query'); }
  const protocol = m[1].toLowerCase() === 'https' ? 'https:' : 'http:';
  const base = new URL(`${protocol}//${m[2]}/`);
  let rest = m[3];
  const hash = rest.indexOf('#');
  if (hash >= 0) { rest = rest.slice(0, hash); }
  if (!rest.startsWith('/')) { rest = `/${rest}`; }
  const pieces: UrlPiece[] = [];
  let last = 0;
  PLACEHOLDER.lastIndex = 0;
  for (let p = PLACEHOLDER.exec(rest); p !== null; p = PLACEHOLDER.exec(rest)) {
    pieces.push(rest.slice(last, p.index).replace(UNSAFE_PATH_CHAR, encodeComponent));
    pieces.push({ param: p[1] });
    last = p.index + p[0].length;
  }
  pieces.push(rest.slice(last).replace(UNSAFE_PATH_CHAR, encodeComponent));
  return {
    protocol,
    hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: base.port ? Number(base.port) : undefined,
    auth: base.username ? `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}` : undefined,
    pieces,
    hasQuery: rest.includes('?'),
  };
}

/** Where a request value landed in the backend path. */
interface Landing {
  readonly param: string;
  readonly start: number;
  readonly end: number;
}

function dotSegmentRefused(param: string): GatewayError {
  return parameterInvalid(`Parameter "${param}" in path must not hold a "." or ".." segment.`, `parameter ${param} in path: dot segment`);
}

/** The first request value that made a dot segment of the backend path (dot-segments.ts), if any. */
function dotSegmentIn(path: string, pathEnd: number, landings: readonly Landing[]): string | undefined {
  for (const landing of landings) {
    let start = path.lastIndexOf('/', landing.start - 1) + 1;
    for (;;) {
      let end = path.indexOf('/', start);
      if (end < 0 || end > pathEnd) { end = pathEnd; }
      if (isDotSegment(path.slice(start, end))) { return landing.param; }
      if (end >= landing.end || end >= pathEnd) { break; }
      start = end + 1;
    }
  }
  return undefined;
}

/**
 * The backend's path and query for the request, or REQUEST_PARAMETERS_FAILURE when a path
 * parameter would put a `.` or `..` segment into the backend path (refused rather than
 * re-encoded: see dot-segments.ts). Values are percent-encoded, so they add no `/`, `?` or `#`
 * of their own (a greedy value's segments are joined with `/`).
 */
function buildPath(target: Target, call: BackendCall, parameters?: ResolvedParameters): string | GatewayError {
  let path = '';
  // End of the path part: the template's own `?`, if any (values placed after it are query text).
  let pathEnd = -1;
  const landings: Landing[] = [];
  for (const piece of target.pieces) {
    if (typeof piece === 'string') {
      const q = piece.indexOf('?');
      if (pathEnd < 0 && q >= 0) { pathEnd = path.length + q; }
      path += piece;
      continue;
    }
    let value: string;
    // A PATH backend parameter of that name wins over the request's path parameter.
    const parameter = parameters?.pathValue(piece.param);
    if (parameter !== undefined) {
      value = parameter;
    } else if (call.greedy && call.greedy.name === piece.param) {
      value = call.greedy.segments.map(encodeComponent).join('/');
    } else {
      const v = call.params[piece.param];
      value = v === undefined ? '' : encodeComponent(v);
    }
    if (pathEnd < 0 && value !== '') { landings.push({ param: piece.param, start: path.length, end: path.length + value.length }); }
    path += value;
  }
  if (landings.length > 0) {
    const param = dotSegmentIn(path, pathEnd < 0 ? path.length : pathEnd, landings);
    if (param !== undefined) { return dotSegmentRefused(param); }
  }
  if (call.remainder !== undefined) {
    const appended = withRemainder(path, pathEnd < 0 ? path.length : pathEnd, call.remainder);
    if (typeof appended !== 'string') { return appended; }
    path = appended;
  }
  const mapped = call.orchestrated;
  // Backend parameters first: the caller's copies of their names dropped, their values added.
  const sent = parameters ? parameters.queryString(call.req) : call.req.queryString;
  const query = mapped?.in === 'query' ? withMappedQuery(sent, mapped) : sent;
  if (query !== '') { path += (target.hasQuery ? '&' : '?') + query; }
  return path;
}

/** How forwarding treats a request header the proxy never forwards as sent (lower-case name). */
const SPECIAL_REQUEST_HEADERS = new Map<string, 'drop' | 'connection'>([
  ...[...HOP_BY_HOP_HEADERS].map(name => [name, 'drop'] as const),
  // Set by the proxy or by node for the backend connection; `expect: 100-continue` would stall it.
  ...['host', 'content-length', 'x-request-id', 'expect'].map(name => [name, 'drop'] as const),
  // The caller's AppCode is a credential for the gateway, never for the backend.
  ...CREDENTIAL_HEADERS.map(name => [name, 'drop'] as const),
  ['connection', 'connection'],
]);

function stringValues(values: readonly unknown[], strict: boolean): string[] {
  return values.filter((v): v is string => typeof v === 'string' && (!strict || isValidHeaderValue(v)));
}

/** Collects forwarded headers; a class rather than closures, as this runs for every header. */
class HeaderCollector {
  /** Without a prototype: a request header named `__proto__` is forwarded like any other. */
  public readonly out: Record<string, string | string[]> = keyed();
  /** Values of the request's Connection header. */
  public listed: string[] | undefined = undefined;
  /** The forwarding headers API Gateway set, which the proxy rebuilds (forwarding.ts). */
  public readonly gateway = new Map<GatewayHeader, string[]>();

  public constructor(private readonly strict: boolean) {}

  public take(name: string, values: readonly unknown[]): void {
    const lower = name.toLowerCase();
    const out = this.out;
    // `out` has no prototype: `__proto__` is a header like any other.
    if (Object.prototype.hasOwnProperty.call(out, lower)) { return; }
    const special = SPECIAL_REQUEST_HEADERS.get(lower);
    if (special !== undefined) {
      if (special === 'connection') { this.listed ??= stringValues(values, false); }
      return;
    }
    const forwarding = forwardingOf(lower);
    if (forwarding !== 'forward') {
      // Always checked: the proxy builds new values from these.
      if (forwarding !== 'drop' && !this.gateway.has(forwarding)) { this.gateway.set(forwarding, stringValues(values, true)); }
      return;
    }
    if (lower.startsWith('proxy-') || (this.strict && !isToken(name))) { return; }
    if (values.length === 1) {
      const v = values[0];
      if (typeof v === 'string' && (!this.strict || isValidHeaderValue(v))) { out[lower] = v; }
      return;
    }
    const valid = stringValues(values, this.strict);
    if (valid.length > 0) { out[lower] = valid.length === 1 ? valid[0] : valid; }
  }
}

/**
 * The request headers to forward, read straight from the event in one pass (this is the hot
 * path): multi-value headers win over single-value ones, names are lower-cased, hop-by-hop
 * headers are dropped.
 *
 * Node validates every header it sends and throws on an invalid one; API Gateway's headers are
 * valid, so the first attempt leaves checking to node (`strict` false) and only after such a
 * throw are invalid names and values dropped one by one (`strict` true).
 */
function forwardedHeaders(req: RequestView, strict: boolean): http.OutgoingHttpHeaders {
  const collector = new HeaderCollector(strict);
  const event = req.event;
  const multi = isRecord(event.multiValueHeaders) ? event.multiValueHeaders : undefined;
  if (multi) {
    for (const name in multi) {
      const values = multi[name];
      if (Array.isArray(values)) { collector.take(name, values); }
    }
  }
  const single = event.headers;
  if (isRecord(single)) {
    for (const name in single) {
      // Usually the same names as the multi-value map, already taken.
      if (multi === undefined || !Object.prototype.hasOwnProperty.call(multi, name)) { collector.take(name, [single[name]]); }
    }
  }
  const out = collector.out;
  const extra = connectionTokens(collector.listed);
  if (extra) {
    for (const name of extra) { delete out[name]; }
  }
  out['x-request-id'] = req.requestIdHeader;
  setForwardingHeaders(out, req, collector.gateway);
  const trace = lambdaTraceHeader();
  if (trace !== undefined) { out['x-amzn-trace-id'] = trace; }
  return out;
}

function responseResult(res: http.IncomingMessage, body: Buffer): ProxyResult | GatewayError {
  const status = res.statusCode;
  if (status === undefined || !Number.isInteger(status) || status < 100 || status > 599) {
    return backendUnavailable(`backend status ${String(status)} is not usable`);
  }
  // One pass over rawHeaders (res.headers would build a second, lower-cased copy): it keeps the
  // backend's spelling, and a repeated header (Set-Cookie) moves to multiValueHeaders.
  const headers: Record<string, string> = {};
  let multiValueHeaders: Record<string, string[]> | undefined;
  const spelling = new Map<string, string>();
  let contentType: string | undefined;
  let contentEncoding: string | undefined;
  let connection: string[] | undefined;
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    const lower = name.toLowerCase();
    if (lower === 'content-type') {
      contentType = value;
    } else if (lower === 'content-encoding') {
      contentEncoding = value;
    } else if (lower === 'content-length' || isHopByHop(lower)) {
      if (lower === 'connection') { (connection ??= []).push(value); }
      continue;
    }
    const first = spelling.get(lower);
    if (first === undefined) {
      spelling.set(lower, name);
      setOwn(headers, name, value);
    } else {
      multiValueHeaders ??= {};
      const values = multiValueHeaders[first];
      if (values) {
        values.push(value);
      } else {
        multiValueHeaders[first] = [headers[first], value];
        delete headers[first];
      }
    }
  }
  const listed = connectionTokens(connection);
  if (listed) {
    for (const lower of listed) {
      const name = spelling.get(lower);
      if (name !== undefined) {
        delete headers[name];
        if (multiValueHeaders) { delete multiValueHeaders[name]; }
      }
    }
  }
  const encoded = encodeBody(body, contentType, contentEncoding);
  const result: ProxyResult = { statusCode: status, headers, body: encoded.body, isBase64Encoded: encoded.isBase64Encoded };
  if (multiValueHeaders) { result.multiValueHeaders = multiValueHeaders; }
  return result;
}

/** One call to the backend, as prepared by `invoke`. */
interface Exchange {
  readonly request: typeof http.request;
  readonly options: http.RequestOptions;
  /** The headers again, each one checked: after node refused one. */
  readonly strictHeaders: () => http.OutgoingHttpHeaders;
  readonly body: Buffer | undefined;
  /** When the whole exchange must be over (ms since the epoch). */
  readonly deadlineAt: number;
  /** The budget as configured, for the log. */
  readonly timeoutMs: number;
}

/** Node's errors for a header it refuses to send. */
const INVALID_HEADER = new Set(['ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN', 'ERR_HTTP_INVALID_HEADER_VALUE']);

/** Sends the request and reads the whole answer, within the deadline; never rejects. */
function exchange(x: Exchange, mayRetry: boolean): Promise<ProxyResult | GatewayError> {
  return new Promise(resolve => {
    let settled = false;
    let responded = false;
    let deadline: Deadline | undefined;
    const settle = (outcome: ProxyResult | GatewayError | Promise<ProxyResult | GatewayError>): void => {
      if (settled) { return; }
      settled = true;
      if (deadline) { cancelDeadline(deadline); }
      resolve(outcome);
    };
    const fail = (err: unknown): void => {
      if (!isBackendUnavailable(err)) {
        settle(internalError(`backend request failed: ${describeError(err)}`));
        return;
      }
      const code = errorCode(err);
      if (mayRetry && !responded && req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE') && x.deadlineAt > Date.now()) {
        // A kept-alive socket may have died while the Lambda was frozen: one retry on a fresh one.
        settle(exchange(x, false));
        return;
      }
      settle(backendUnavailable(`backend connection failed: ${describeError(err)}`));
    };
    let req: http.ClientRequest;
    try {
      try {
        req = x.request(x.options, onResponse);
      } catch (err) {
        if (!INVALID_HEADER.has(errorCode(err) ?? '')) { throw err; }
        req = x.request({ ...x.options, headers: x.strictHeaders() }, onResponse);
      }
    } catch (err) {
      // Options node still refuses (e.g. the method): the proxy's fault, not the backend's.
      settle(internalError(`backend request refused: ${describeError(err)}`));
      return;
    }
    function onResponse(res: http.IncomingMessage): void {
      responded = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // The serialized result is at least as large as the raw body: stop reading early.
        if (size > LAMBDA_PAYLOAD_LIMIT) {
          settle(backendResponseTooLarge());
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        if (settled) { return; }
        const result = responseResult(res, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
        settle(result instanceof GatewayError || !exceedsLambdaLimit(result) ? result : backendResponseTooLarge());
      });
      // Also a connection closed before the body ended: node reports it as ECONNRESET "aborted".
      res.on('error', fail);
    }
    req.on('error', fail);
    // A 101 (node hands the socket over) or a connection closed after interim 1xx answers only
    // (no error raised) would otherwise wait for the deadline: neither can ever be an answer.
    req.on('upgrade', (_res: http.IncomingMessage, socket: { destroy(): void }) => {
      socket.destroy();
      settle(backendUnavailable('backend answered 101 Switching Protocols'));
    });
    req.on('close', () => {
      if (!responded) { settle(backendUnavailable('backend connection closed without a response')); }
    });
    deadline = startDeadline(x.deadlineAt - Date.now(), () => {
      settle(backendTimeout(x.timeoutMs));
      req.destroy();
    });
    req.end(x.body);
  });
}

/** Most distinct addresses an environment-dependent backend keeps parsed (one per environment in practice). */
const MAX_CACHED_TARGETS = 16;

/**
 * The backend's target for a call: parsed once for a fixed URL; for a URL with environment
 * variables, parsed per distinct result of substituting the request's stage variables (the
 * environment's variables, which API Gateway passes, never the caller's text). A variable the
 * stage does not define, a value outside Huawei's characters, or a result that is not an absolute
 * http(s) URL is the gateway's own misconfiguration: DEFAULT_5XX, logged with the reason.
 *
 * @throws Error when a fixed URL is malformed
 */
function targetsOf(url: string, variables: unknown): (call: BackendCall) => Target | GatewayError {
  if (variables === undefined) {
    const fixed = parseTarget(url);
    return () => fixed;
  }
  if (!Array.isArray(variables) || !variables.every(v => typeof v === 'string')) { throw new Error('urlVariables is not a list of names'); }
  const names = variables as string[];
  const cache = new Map<string, Target | GatewayError>();
  return call => {
    let bad: string | undefined;
    const resolved = substituteAddress(url, names, name => {
      const value = call.req.stageVariable(name);
      if (value !== '' && !ADDRESS_VALUE.test(value)) { bad ??= name; }
      return value;
    });
    if ('missing' in resolved) { return internalError(`backend url: the stage defines no variable ${resolved.missing}`); }
    if (bad !== undefined) { return internalError(`backend url: stage variable ${bad} holds characters an address cannot`); }
    let target = cache.get(resolved.url);
    if (target === undefined) {
      try {
        target = parseTarget(resolved.url);
      } catch (err) {
        target = internalError(`backend url of stage ${call.req.stage}: ${(err as Error).message}`);
      }
      if (cache.size >= MAX_CACHED_TARGETS) { cache.clear(); }
      cache.set(resolved.url, target);
    }
    return target;
  };
}

/** @throws Error when the document is malformed */
export function compileHttpBackend(doc: HttpBackendDocument, url: string): Backend {
  const targets = targetsOf(url, doc.urlVariables);
  const method = typeof doc.method === 'string' && doc.method !== '' && doc.method.toUpperCase() !== 'ANY'
    ? doc.method.toUpperCase() : undefined;
  // Backend parameters, with the authorizer-context headers (their older shorthand) among them.
  const backendParameters = compileBackendParameters(doc.parameters, doc.contextHeaders);
  return {
    timeoutMs: doc.timeoutMs,
    invoke(call) {
      const deadlineAt = Date.now() + call.timeoutMs;
      const target = targets(call);
      if (target instanceof GatewayError) { return target; }
      const { request, agent } = transport(target.protocol);
      const body = call.req.body();
      const parameters = backendParameters?.resolve(call);
      const headersFor = (strict: boolean): http.OutgoingHttpHeaders => {
        const h = forwardedHeaders(call.req, strict);
        // Constants, system values (the authorizer's context too) and moved values replace the caller's copies.
        parameters?.applyHeaders(h);
        const mapped = call.orchestrated;
        // Orchestration's mapped header replaces the caller's (names were lower-cased above).
        if (mapped?.in === 'header') { h[mapped.name.toLowerCase()] = mapped.value; }
        if (body !== undefined) { h['content-length'] = String(body.length); }
        return h;
      };
      const path = buildPath(target, call, parameters);
      if (path instanceof GatewayError) { return path; }
      const options: http.RequestOptions = {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        auth: target.auth,
        method: method ?? call.req.method,
        path,
        headers: headersFor(false),
        agent,
      };
      return exchange({ request, options, strictHeaders: () => headersFor(true), body, deadlineAt, timeoutMs: call.timeoutMs }, true);
    },
  };
}
