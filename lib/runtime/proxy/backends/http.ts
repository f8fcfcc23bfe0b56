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
import { connectionTokens, isHopByHop, isToken, isValidHeaderValue } from '../headers';
import { encodeComponent, RequestView } from '../request';
import { ProxyResult } from '../types';
import { Backend, BackendCall } from './backend';

// Module-level keep-alive agents: connections survive between invocations of a warm Lambda.
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/** Request headers the proxy sets itself or that belong to the client's connection. */
const NOT_FORWARDED = new Set(['host', 'content-length', 'x-request-id', 'x-forwarded-for', 'expect']);

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

function forwardedHeaders(req: RequestView): http.OutgoingHttpHeaders {
  const incoming = req.headers;
  const listed = connectionTokens(incoming.get('connection'));
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, values] of incoming) {
    if (isHopByHop(name) || NOT_FORWARDED.has(name) || (listed && listed.has(name)) || !isToken(name)) { continue; }
    const valid = values.filter(isValidHeaderValue);
    if (valid.length > 0) { out[name] = valid.length === 1 ? valid[0] : valid; }
  }
  out['x-request-id'] = req.requestIdHeader;
  // API Gateway already lists the client; add the source IP only when it is not there yet.
  const chain = (incoming.get('x-forwarded-for') ?? []).filter(isValidHeaderValue).join(', ');
  const ip = req.sourceIp;
  const hops = chain.split(',').map(s => s.trim());
  if (ip !== '' && isValidHeaderValue(ip) && !hops.includes(ip)) {
    out['x-forwarded-for'] = chain === '' ? ip : `${chain}, ${ip}`;
  } else if (chain !== '') {
    out['x-forwarded-for'] = chain;
  }
  return out;
}

function responseResult(res: http.IncomingMessage, body: Buffer): ProxyResult | GatewayError {
  const status = res.statusCode;
  if (status === undefined || !Number.isInteger(status) || status < 100 || status > 599) {
    return backendUnavailable(`backend status ${String(status)} is not usable`);
  }
  const connection = res.headers.connection;
  const listed = connectionTokens(connection === undefined ? undefined : [connection]);
  // rawHeaders keeps the backend's spelling and every repeated header (Set-Cookie).
  const groups = new Map<string, { name: string; values: string[] }>();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const lower = raw[i].toLowerCase();
    if (isHopByHop(lower) || lower === 'content-length' || (listed && listed.has(lower))) { continue; }
    const group = groups.get(lower);
    if (group) { group.values.push(raw[i + 1]); } else { groups.set(lower, { name: raw[i], values: [raw[i + 1]] }); }
  }
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  let multi = false;
  for (const { name, values } of groups.values()) {
    if (values.length === 1) {
      headers[name] = values[0];
    } else {
      multiValueHeaders[name] = values;
      multi = true;
    }
  }
  const encoded = encodeBody(body, res.headers['content-type'], res.headers['content-encoding']);
  const result: ProxyResult = { statusCode: status, headers, body: encoded.body, isBase64Encoded: encoded.isBase64Encoded };
  if (multi) { result.multiValueHeaders = multiValueHeaders; }
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
    async invoke(call) {
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
      let attempt = await exchange(target, options, body, call.timeoutMs, call.timeoutMs);
      // A kept-alive socket may have died while the Lambda was frozen: one retry on a fresh one.
      if (attempt.staleSocket && deadline - Date.now() > 0) {
        attempt = await exchange(target, options, body, deadline - Date.now(), call.timeoutMs);
      }
      return attempt.outcome;
    },
  };
}
