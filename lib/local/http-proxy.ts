/**
 * HTTP_PROXY integrations: API Gateway sends the request to the integration's URL itself and passes
 * the answer back as it came. What is sent (AWS-DG "Set up HTTP proxy integrations", "Parameter
 * mapping for REST APIs"; LocalStack's next-gen integration request handler and its AWS-recorded
 * snapshot `test_http_proxy_integration_request_data_mappings`, cited as "recorded" below):
 *
 * - the URL: `${stageVariables.<name>}` replaced by the stage's variable (AWS-DG "Use stage variables
 *   ... in an HTTP integration URL"), `{name}` by the value `integration.request.path.<name>` maps to;
 * - the method: the integration's, the request's when it is ANY;
 * - the query: the URL's own, then the caller's as received, then each mapped
 *   `integration.request.querystring.<name>`, added (recorded: a URL's `testQs=bar` and a mapped
 *   `testQs=foo` both reach the backend, `bar,foo`); an empty mapped value sends nothing (recorded);
 * - the headers: the caller's, less Host and the hop-by-hop ones, each mapped
 *   `integration.request.header.<name>` replacing the caller's of that name (recorded: the caller's
 *   `headerVar: request-value` arrives as the mapped `mapped-value`); Accept `application/json` and
 *   User-Agent `AmazonAPIGateway_<api id>` when the caller sent none, X-Amzn-Apigateway-Api-Id and
 *   the request's X-Amzn-Trace-Id; control characters are removed from values (no header injection);
 * - the body's bytes as received.
 *
 * The answer: the backend's status, headers and body bytes, its Connection, Content-Length, Date,
 * Server and x-amzn-RequestId renamed `x-amzn-Remapped-<name>` (recorded), Transfer-Encoding and Via
 * dropped. Failures (LocalStack's HTTP_PROXY integration): past `timeoutInMillis` → INTEGRATION_TIMEOUT
 * (504); the backend refusing or dropping the connection, or an unresolvable host →
 * API_CONFIGURATION_ERROR (500 "Internal server error"); a TLS failure → INTEGRATION_FAILURE
 * ("Network error communicating with endpoint"); a URL that is not http(s) → 500 "Internal server error".
 *
 * Path parameter values are inserted as the client sent them (percent-encoding kept, as the proxy
 * event carries them, router.ts); characters not allowed in a path are percent-encoded, and a value
 * that is `.` or `..` (or such a segment of a greedy parameter) is sent as `%2E`/`%2E%2E`, so that no
 * value can climb out of the URL's path on a backend that normalises dot segments. A `/` is kept only
 * in a greedy (`{name+}`) parameter's value. These three encoding rules are this emulation's safe
 * reading: AWS does not document them.
 */
import * as http from 'http';
import * as https from 'https';
import { latin1Safe } from './http';
import { mappingValue, NativeContext } from './gateway-responses';
import type { HttpProxyIntegrationModel } from './rest-api';

/** What the backend answered, or API Gateway's own answer instead. */
export type HttpProxyOutcome =
  | { readonly ok: true; readonly status: number; readonly headers: Record<string, string | string[]>; readonly body: Buffer }
  | { readonly ok: false; readonly type: 'INTEGRATION_TIMEOUT' | 'API_CONFIGURATION_ERROR' | 'INTEGRATION_FAILURE' | 'DEFAULT_5XX'; readonly message?: string; readonly reason: string };

export interface HttpProxyRequest {
  readonly method: string;
  /** The caller's query string as received (no `?`). */
  readonly rawQuery: string;
  readonly body: Buffer;
  readonly apiId: string;
  /** X-Amzn-Trace-Id of the request. */
  readonly trace: string;
  /** Largest answer body read (API Gateway's 10 MB payload limit). */
  readonly maxBody: number;
}

/** Request headers never passed on (hop-by-hop, or recomputed for the new connection). */
const DROPPED_REQUEST = new Set(['host', 'connection', 'keep-alive', 'content-length', 'content-md5', 'transfer-encoding', 'te', 'trailer',
  'upgrade', 'expect', 'max-forwards', 'proxy-authenticate', 'proxy-authorization', 'via', 'server', 'www-authenticate']);
const REMAPPED_RESPONSE = new Set(['connection', 'content-length', 'date', 'server', 'x-amzn-requestid']);
const DROPPED_RESPONSE = new Set(['transfer-encoding', 'via', 'keep-alive']);
const TLS_ERRORS = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/;

/** One path parameter value as it goes into the URL (see the file comment). */
export function pathValue(value: string, greedy: boolean): string {
  const segments = greedy ? value.split('/') : [value];
  return segments.map(segment => {
    if (segment === '.' || segment === '..') { return segment.replace(/\./g, '%2E'); }
    return segment
      .replace(/%(?![0-9A-Fa-f]{2})/g, '%25')
      .replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@%]/g, c => encodeURIComponent(c));
  }).join('/');
}

/** The URL API Gateway calls, with its placeholders filled. */
export function integrationUrl(integration: HttpProxyIntegrationModel, ctx: NativeContext, rawQuery: string): string {
  const greedy = new Set([...ctx.resourcePath.matchAll(/\{([^{}+]+)\+\}/g)].map(m => m[1]));
  let uri = integration.uri.replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (_w, name: string) => ctx.stageVariables[name] ?? '');
  for (const [key, expression] of Object.entries(integration.requestParameters)) {
    const m = /^integration\.request\.path\.(.+)$/.exec(key);
    if (!m) { continue; }
    const fromGreedy = /^method\.request\.path\.(.+)$/.exec(expression)?.[1];
    const value = pathValue(mappingValue(expression, ctx, '', null), fromGreedy !== undefined && greedy.has(fromGreedy));
    uri = uri.split(`{${m[1]}}`).join(value);
  }
  const added: string[] = [];
  if (rawQuery !== '') { added.push(rawQuery); }
  for (const [key, expression] of Object.entries(integration.requestParameters)) {
    const m = /^integration\.request\.querystring\.(.+)$/.exec(key);
    if (!m) { continue; }
    const value = mappingValue(expression, ctx, '', null);
    if (value !== '') { added.push(`${encodeURIComponent(m[1])}=${encodeURIComponent(value)}`); }
  }
  if (added.length === 0) { return uri; }
  const hash = uri.indexOf('#');
  const base = hash < 0 ? uri : uri.slice(0, hash);
  return `${base}${base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?'}${added.join('&')}`;
}

/** The headers API Gateway sends to the backend. */
export function integrationHeaders(integration: HttpProxyIntegrationModel, ctx: NativeContext, request: HttpProxyRequest): Array<[string, string]> {
  const mapped: Array<[string, string]> = [];
  for (const [key, expression] of Object.entries(integration.requestParameters)) {
    const m = /^integration\.request\.header\.(.+)$/.exec(key);
    if (!m) { continue; }
    const value = mappingValue(expression, ctx, '', null);
    if (value !== '') { mapped.push([m[1], value]); }
  }
  const replaced = new Set(mapped.map(([n]) => n.toLowerCase()));
  const out: Array<[string, string]> = ctx.headers
    .filter(([n]) => !DROPPED_REQUEST.has(n.toLowerCase()) && !replaced.has(n.toLowerCase())
      && !/^(x-amzn-trace-id|x-amzn-apigateway-api-id)$/i.test(n))
    .map(([n, v]) => [n, v]);
  out.push(...mapped);
  const has = (name: string) => out.some(([n]) => n.toLowerCase() === name);
  if (!has('accept')) { out.push(['Accept', 'application/json']); }
  if (!has('user-agent')) { out.push(['User-Agent', `AmazonAPIGateway_${request.apiId}`]); }
  out.push(['X-Amzn-Apigateway-Api-Id', request.apiId]);
  out.push(['X-Amzn-Trace-Id', request.trace]);
  return out
    .filter(([n]) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(n))
    .map(([n, v]) => [n, latin1Safe(v)]);
}

function answerHeaders(raw: string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const lower = raw[i].toLowerCase();
    if (DROPPED_RESPONSE.has(lower)) { continue; }
    const name = REMAPPED_RESPONSE.has(lower) ? `x-amzn-Remapped-${raw[i]}` : raw[i];
    const existing = out[name];
    out[name] = existing === undefined ? raw[i + 1] : Array.isArray(existing) ? [...existing, raw[i + 1]] : [existing, raw[i + 1]];
  }
  return { ...out };
}

/** Calls the backend of an HTTP_PROXY integration. Never throws. */
export function callHttpProxy(integration: HttpProxyIntegrationModel, ctx: NativeContext, request: HttpProxyRequest): Promise<HttpProxyOutcome> {
  // The path is taken as rendered: a URL parser would resolve `%2E%2E` segments (WHATWG URL does).
  let url: URL;
  let requestPath: string;
  try {
    const rendered = integrationUrl(integration, ctx, request.rawQuery);
    const m = /^(https?):\/\/([^/?#]+)([^#]*)/i.exec(rendered);
    if (!m) { throw new Error(`${rendered.slice(0, 200)} is not an http(s) URL`); }
    url = new URL(`${m[1].toLowerCase()}://${m[2]}/`);
    requestPath = m[3] === '' ? '/' : m[3].startsWith('?') ? `/${m[3]}` : m[3];
    if (/[^\x21-\x7e]/.test(requestPath)) { throw new Error('the path has characters a URL cannot carry'); }
  } catch (err) {
    return Promise.resolve({ ok: false, type: 'DEFAULT_5XX', reason: `invalid endpoint address: ${(err as Error).message}` });
  }
  const method = integration.httpMethod === 'ANY' || integration.httpMethod === '' ? request.method : integration.httpMethod;
  // The backend's own Host (node adds none when headers are given as a list).
  const headers: Array<[string, string]> = [['Host', url.host], ...integrationHeaders(integration, ctx, request)];
  if (request.body.length > 0) { headers.push(['Content-Length', String(request.body.length)]); }
  return new Promise(resolve => {
    let settled = false;
    const finish = (outcome: HttpProxyOutcome) => {
      if (settled) { return; }
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request({
      protocol: url.protocol, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, path: requestPath, method, headers: headers.flat(), agent: false,
    }, res => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxBody) {
          req.destroy();
          finish({ ok: false, type: 'DEFAULT_5XX', reason: `the backend's answer is over ${request.maxBody} bytes` });
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => finish({ ok: true, status: res.statusCode ?? 502, headers: answerHeaders(res.rawHeaders), body: Buffer.concat(chunks) }));
      res.on('error', err => finish({ ok: false, type: 'API_CONFIGURATION_ERROR', reason: `the backend's answer broke off: ${err.message}` }));
      res.on('aborted', () => finish({ ok: false, type: 'API_CONFIGURATION_ERROR', reason: 'the backend\'s answer broke off' }));
    });
    const timer = setTimeout(() => {
      finish({ ok: false, type: 'INTEGRATION_TIMEOUT', reason: `no answer from ${url.host} within ${integration.timeoutMs} ms` });
      req.destroy();
    }, integration.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (TLS_ERRORS.test(err.code ?? '')) {
        finish({ ok: false, type: 'INTEGRATION_FAILURE', message: 'Network error communicating with endpoint', reason: `TLS: ${err.message}` });
      } else {
        finish({ ok: false, type: 'API_CONFIGURATION_ERROR', reason: `cannot reach ${url.host}: ${err.code ?? err.message}` });
      }
    });
    req.end(request.body.length > 0 ? request.body : undefined);
  });
}
