/**
 * The request as the proxy sees it, read from the API Gateway event. Everything beyond the
 * method, path and request id is computed on first use: a request that ends in NOT_FOUND
 * should not pay for building header or query maps.
 */
import { nodeCrypto } from '../shared/node-crypto';
import { apiRelativePath } from './api-path';
import type { CompiledApi } from './config';
import { cleanHeaderValue } from './headers';
import { isRecord, ProxyEvent, scalarText } from './types';

const EMPTY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** Request headers that carry a credential for the gateway itself (lower case): never forwarded. */
export const CREDENTIAL_HEADERS: readonly string[] = ['x-apig-appcode'];

function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADERS.includes(name.toLowerCase());
}

function withoutCredentials(map: unknown): unknown {
  if (!isRecord(map)) { return map; }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(map)) {
    if (!isCredentialHeader(key)) { out[key] = map[key]; }
  }
  return out;
}

/**
 * `headers` / `multiValueHeaders` of an event without the credential headers, when it has any
 * (`{}` when it has none, so spreading the result over the event is then a no-op).
 */
export function withoutCredentialHeaders(event: Record<string, unknown>): Record<string, unknown> {
  const has = (map: unknown): boolean => isRecord(map) && Object.keys(map).some(isCredentialHeader);
  if (!has(event.headers) && !has(event.multiValueHeaders)) { return {}; }
  return { headers: withoutCredentials(event.headers), multiValueHeaders: withoutCredentials(event.multiValueHeaders) };
}

// Characters a header value cannot carry as such (beyond Latin-1), by code point.
const NOT_LATIN1 = /[^\x00-\xff]/gu;
const HAS_NOT_LATIN1 = /[^\x00-\xff]/;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** encodeURIComponent that cannot throw: a lone surrogate (not encodable in UTF-8) becomes U+FFFD. */
export function encodeComponent(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(LONE_SURROGATE, '\ufffd'));
  }
}

/** True for a multi-value entry that holds at least one string (it then hides the single value). */
function hasUsableValues(raw: unknown): boolean {
  return Array.isArray(raw) && raw.some(v => typeof v === 'string');
}

/** Builds a lower-cased (headers) or exact (query) name → values map; multi-value maps win. */
function valueMap(multi: unknown, single: unknown, lowerCase: boolean): Map<string, string[]> {
  const map = new Map<string, string[]>();
  if (isRecord(multi)) {
    for (const key of Object.keys(multi)) {
      const raw = multi[key];
      if (!Array.isArray(raw)) { continue; }
      const values: string[] = [];
      for (const v of raw) {
        if (typeof v === 'string') { values.push(v); }
      }
      if (values.length === 0) { continue; }
      const name = lowerCase ? key.toLowerCase() : key;
      const existing = map.get(name);
      map.set(name, existing ? existing.concat(values) : values);
    }
  }
  if (isRecord(single)) {
    for (const key of Object.keys(single)) {
      const v = single[key];
      const name = lowerCase ? key.toLowerCase() : key;
      if (typeof v === 'string' && !map.has(name)) { map.set(name, [v]); }
    }
  }
  return map;
}

export class RequestView {
  public readonly event: ProxyEvent;
  /** Upper-cased HTTP method ('' when absent). */
  public readonly method: string;
  /**
   * The path relative to the REST API's root, still percent-encoded: no stage prefix and no
   * custom domain's base path (api-path.ts). What the proxy and the authorizer route on.
   */
  public readonly path: string;
  /** API Gateway's request id; a fresh UUID when the event has none. */
  public readonly requestId: string;
  /** The API this request was routed to, once known (an unexpected error then renders with its response). */
  public api?: CompiledApi;
  /** The response type of the gateway error answered, once rendered (for the request's metrics). */
  public errorType?: string;
  /** Time the backend call took, ms, once it answered (for the request's metrics). */
  public backendMs?: number;
  /**
   * Context of a custom authorizer the proxy ran itself (IAM two-factor), by the key it travels
   * under (`frontend_<key>`): read before `requestContext.authorizer`.
   */
  public authorizerOverlay?: Record<string, string>;

  private readonly context: Record<string, unknown>;
  private headerMap?: Map<string, string[]>;
  private queryMap?: Map<string, string[]>;
  private queryText?: string;
  private requestIdHeaderValue?: string;

  public constructor(event: unknown) {
    const e: ProxyEvent = isRecord(event) ? event : EMPTY;
    this.event = e;
    this.method = typeof e.httpMethod === 'string' ? e.httpMethod.toUpperCase() : '';
    this.path = apiRelativePath(e);
    this.context = isRecord(e.requestContext) ? e.requestContext : EMPTY;
    const id = this.context.requestId;
    this.requestId = typeof id === 'string' && id !== '' ? id : nodeCrypto().randomUUID();
  }

  /**
   * The request id made safe for a header value, sent to backends and clients alike: API Gateway's
   * ids are plain ASCII, but an odd event must not make the proxy emit a header node refuses.
   */
  public get requestIdHeader(): string {
    if (this.requestIdHeaderValue === undefined) {
      const clean = cleanHeaderValue(this.requestId);
      this.requestIdHeaderValue = HAS_NOT_LATIN1.test(clean) ? clean.replace(NOT_LATIN1, encodeComponent) : clean;
    }
    return this.requestIdHeaderValue;
  }

  /** Headers by lower-case name, every value kept. */
  public get headers(): Map<string, string[]> {
    if (!this.headerMap) {
      this.headerMap = valueMap(this.event.multiValueHeaders, this.event.headers, true);
    }
    return this.headerMap;
  }

  /** First value of a header (lower-case name). */
  public header(lowerName: string): string | undefined {
    const values = this.headers.get(lowerName);
    return values ? values[0] : undefined;
  }

  /** Query parameters by exact name, every value kept. */
  public get query(): Map<string, string[]> {
    if (!this.queryMap) {
      this.queryMap = valueMap(this.event.multiValueQueryStringParameters, this.event.queryStringParameters, false);
    }
    return this.queryMap;
  }

  /** The query string rebuilt from the parameters, percent-encoded, without `?` ('' when none). */
  public get queryString(): string {
    if (this.queryText === undefined) {
      let text = '';
      const add = (name: string, value: unknown): void => {
        if (typeof value === 'string') { text += `${text === '' ? '' : '&'}${encodeComponent(name)}=${encodeComponent(value)}`; }
      };
      // Straight from the event (same precedence as `query`): no map needed just to forward it.
      const multi = this.event.multiValueQueryStringParameters;
      const single = this.event.queryStringParameters;
      if (isRecord(multi)) {
        for (const name in multi) {
          const values = multi[name];
          if (Array.isArray(values)) { for (const v of values) { add(name, v); } }
        }
      }
      if (isRecord(single)) {
        for (const name in single) {
          if (!isRecord(multi) || !hasUsableValues(multi[name])) { add(name, single[name]); }
        }
      }
      this.queryText = text;
    }
    return this.queryText;
  }

  /** Path plus `?query` when there is a query. */
  public get uri(): string {
    const q = this.queryString;
    return q === '' ? this.path : `${this.path}?${q}`;
  }

  /** The request body as bytes (base64-decoded when API Gateway encoded it), or undefined. */
  public body(): Buffer | undefined {
    const body = this.event.body;
    if (typeof body !== 'string') { return undefined; }
    return this.event.isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  }

  public get stage(): string {
    return typeof this.context.stage === 'string' ? this.context.stage : '';
  }

  /** The domain API Gateway served the request on (`requestContext.domainName`), '' when absent. */
  public get domainName(): string {
    return scalarText(this.context.domainName);
  }

  public get sourceIp(): string {
    const identity = this.context.identity;
    return isRecord(identity) ? scalarText(identity.sourceIp) : '';
  }

  /** `requestContext.authorizer`, when it is an object. */
  public get authorizer(): Record<string, unknown> | undefined {
    const authorizer = this.context.authorizer;
    return isRecord(authorizer) ? authorizer : undefined;
  }

  /** A value from `requestContext.authorizer`, stringified ('' when unknown or not a scalar). */
  public authorizerValue(key: string): string {
    const overlay = this.authorizerOverlay;
    if (overlay !== undefined && Object.prototype.hasOwnProperty.call(overlay, key)) { return overlay[key]; }
    const authorizer = this.context.authorizer;
    return isRecord(authorizer) && Object.prototype.hasOwnProperty.call(authorizer, key) ? scalarText(authorizer[key]) : '';
  }

  /** A field of `requestContext.identity`, stringified ('' when absent or not a scalar). */
  public identityValue(key: string): string {
    const identity = this.context.identity;
    return isRecord(identity) && Object.prototype.hasOwnProperty.call(identity, key) ? scalarText(identity[key]) : '';
  }

  public stageVariable(name: string): string {
    const vars = this.event.stageVariables;
    return isRecord(vars) && Object.prototype.hasOwnProperty.call(vars, name) ? scalarText(vars[name]) : '';
  }
}
