/**
 * HTTP/HTTPS backend: forwards the request to a URL and passes the answer through, whatever its
 * status. The API's timeout covers the whole exchange (connect, request, full response body).
 */
import * as http from 'http';
import * as https from 'https';
import { HttpBackendDocument } from '../../../private/config-document';
import { encodeBody, exceedsLambdaLimit, LAMBDA_PAYLOAD_LIMIT } from '../body';
import { describeError, errorCode, isBackendUnavailable } from '../errors';
import {
  backendResponseTooLarge, backendTimeout, backendUnavailable, GatewayError, internalError,
} from '../gateway-error';
import { connectionTokens, HOP_BY_HOP_HEADERS, isHopByHop, isToken, isValidHeaderValue } from '../headers';
import { encodeComponent, RequestView } from '../request';
import { isRecord, ProxyResult } from '../types';
import { Backend, BackendCall } from './backend';

// Module-level keep-alive agents: connections survive between invocations of a warm Lambda.
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};


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

function buildPath(target: Target, call: BackendCall): string {
  let path = '';
  for (const piece of target.pieces) {
    if (typeof piece === 'string') {
      path += piece;
    } else if (call.greedy && call.greedy.name === piece.param) {
      path += call.greedy.segments.map(encodeComponent).join('/');
    } else {
      const value = call.params[piece.param];
      path += value === undefined ? '' : encodeComponent(value);
    }
  }
  const query = call.req.queryString;
  if (query !== '') { path += (target.hasQuery ? '&' : '?') + query; }
  return path;
}

/** How forwarding treats a request header (lower-case name); absent: forward it. */
const SPECIAL_REQUEST_HEADERS = new Map<string, 'drop' | 'connection' | 'x-forwarded-for'>([
  ...[...HOP_BY_HOP_HEADERS].map(name => [name, 'drop'] as const),
  // Set by the proxy or by node for the backend connection; `expect: 100-continue` would stall it.
  ...['host', 'content-length', 'x-request-id', 'expect'].map(name => [name, 'drop'] as const),
  ['connection', 'connection'],
  ['x-forwarded-for', 'x-forwarded-for'],
]);

function stringValues(values: readonly unknown[]): string[] {
  return values.filter((v): v is string => typeof v === 'string' && isValidHeaderValue(v));
}

/**
 * The request headers to forward, read straight from the event in one pass (this is the hot
 * path): multi-value headers win over single-value ones, names are lower-cased, hop-by-hop and
 * invalid headers are dropped.
 */
function forwardedHeaders(req: RequestView): http.OutgoingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  let listed: string[] | undefined;
  let chain: string | undefined;
  const take = (name: string, values: readonly unknown[]): void => {
    const lower = name.toLowerCase();
    if (out[lower] !== undefined) { return; }
    const special = SPECIAL_REQUEST_HEADERS.get(lower);
    if (special !== undefined) {
      if (special === 'connection') { listed ??= stringValues(values); }
      if (special === 'x-forwarded-for') { chain ??= stringValues(values).join(', '); }
      return;
    }
    if (lower.startsWith('proxy-') || !isToken(name)) { return; }
    if (values.length === 1) {
      const v = values[0];
      if (typeof v === 'string' && isValidHeaderValue(v)) { out[lower] = v; }
      return;
    }
    const valid = stringValues(values);
    if (valid.length > 0) { out[lower] = valid.length === 1 ? valid[0] : valid; }
  };
  const event = req.event;
  const multi = isRecord(event.multiValueHeaders) ? event.multiValueHeaders : undefined;
  if (multi) {
    for (const name of Object.keys(multi)) {
      const values = multi[name];
      if (Array.isArray(values)) { take(name, values); }
    }
  }
  const single = event.headers;
  if (isRecord(single)) {
    for (const name of Object.keys(single)) {
      // Usually the same names as the multi-value map, already taken.
      if (multi === undefined || !Object.prototype.hasOwnProperty.call(multi, name)) { take(name, [single[name]]); }
    }
  }
  const extra = connectionTokens(listed);
  if (extra) {
    for (const name of extra) { delete out[name]; }
  }
  out['x-request-id'] = req.requestIdHeader;
  // API Gateway already lists the client; add the source IP only when it is not there yet.
  const ip = req.sourceIp;
  const hops = chain ?? '';
  if (ip !== '' && isValidHeaderValue(ip) && !listsHop(hops, ip)) {
    out['x-forwarded-for'] = hops === '' ? ip : `${hops}, ${ip}`;
  } else if (hops !== '') {
    out['x-forwarded-for'] = hops;
  }
  return out;
}

/** True when the comma-separated `chain` holds `hop` as one of its entries. */
function listsHop(chain: string, hop: string): boolean {
  if (chain.indexOf(hop) < 0) { return false; }
  return chain.split(',').some(h => h.trim() === hop);
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
      headers[name] = value;
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

interface Attempt {
  readonly outcome: ProxyResult | GatewayError;
  /** A reset on a reused keep-alive socket before any response: safe to try once more. */
  readonly staleSocket: boolean;
}

function exchange(target: Target, options: http.RequestOptions, body: Buffer | undefined, budgetMs: number, timeoutMs: number): Promise<Attempt> {
  return new Promise(resolve => {
    let settled = false;
    let responded = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: ProxyResult | GatewayError, staleSocket = false): void => {
      if (settled) { return; }
      settled = true;
      if (timer) { clearTimeout(timer); }
      resolve({ outcome, staleSocket });
    };
    const fail = (err: unknown): void => {
      if (isBackendUnavailable(err)) {
        const code = errorCode(err);
        const stale = !responded && req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE');
        settle(backendUnavailable(`backend connection failed: ${describeError(err)}`), stale);
      } else {
        settle(internalError(`backend request failed: ${describeError(err)}`));
      }
    };
    const request = target.protocol === 'https:' ? https.request : http.request;
    let req: http.ClientRequest;
    try {
      req = request(options, onResponse);
    } catch (err) {
      // Options node refuses (a method or header it cannot send): the proxy's fault, not the backend's.
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
        const result = responseResult(res, Buffer.concat(chunks, size));
        settle(result instanceof GatewayError || !exceedsLambdaLimit(result) ? result : backendResponseTooLarge());
      });
      res.on('error', fail);
      // A connection closed before the body ended (reset mid-response).
      res.on('close', () => {
        if (!res.complete) { settle(backendUnavailable('backend connection closed mid-response')); }
      });
    }
    req.on('error', fail);
    timer = setTimeout(() => {
      settle(backendTimeout(timeoutMs));
      req.destroy();
    }, budgetMs);
    req.end(body);
  });
}

/** @throws Error when the document is malformed */
export function compileHttpBackend(doc: HttpBackendDocument, url: string): Backend {
  const target = parseTarget(url);
  const method = typeof doc.method === 'string' && doc.method !== '' && doc.method.toUpperCase() !== 'ANY'
    ? doc.method.toUpperCase() : undefined;
  return {
    timeoutMs: doc.timeoutMs,
    invoke(call) {
      const deadline = Date.now() + call.timeoutMs;
      const headers = forwardedHeaders(call.req);
      const body = call.req.body();
      if (body !== undefined) { headers['content-length'] = String(body.length); }
      const options: http.RequestOptions = {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        auth: target.auth,
        method: method ?? call.req.method,
        path: buildPath(target, call),
        headers,
        agent: AGENTS[target.protocol],
      };
      // Promise chains rather than async/await: fewer microtask hops on the hot path.
      return exchange(target, options, body, call.timeoutMs, call.timeoutMs).then(attempt => {
        const left = deadline - Date.now();
        if (!attempt.staleSocket || left <= 0) { return attempt.outcome; }
        // A kept-alive socket may have died while the Lambda was frozen: one retry on a fresh one.
        return exchange(target, options, body, left, call.timeoutMs).then(retry => retry.outcome);
      });
    },
  };
}
