/**
 * CORS for the group, or for one API with its own (CorsDocument): the same headers on backend responses and on gateway
 * errors, so a browser can read either; and answers to preflight requests for paths the group
 * serves, unless an API declares OPTIONS itself.
 */
import { CorsDocument } from '../../private/config-document';
import { cleanHeaderValue, getResultHeader, setResultHeader } from './headers';
import { RequestView } from './request';
import { ProxyResult } from './types';

const DEFAULT_ALLOW_METHODS = 'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT';

function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}

/** A browser's preflight: OPTIONS with Origin and Access-Control-Request-Method. */
export function isPreflightRequest(req: RequestView): boolean {
  return req.method === 'OPTIONS' && req.header('origin') !== undefined && req.header('access-control-request-method') !== undefined;
}

/**
 * The policy that answers a preflight on a served path (no API declares OPTIONS there): that of the
 * API the announced request (Access-Control-Request-Method, same path) would reach, when it has its
 * own CORS (ApiOptions.cors), else the group's (absent: none, the request is not a preflight to answer).
 */
export function preflightPolicy(req: RequestView, group: CorsPolicy | undefined,
  apiCors: (method: string) => CorsPolicy | undefined): CorsPolicy | undefined {
  const method = (req.header('access-control-request-method') ?? '').trim().toUpperCase();
  return (method !== '' ? apiCors(method) : undefined) ?? group;
}

export class CorsPolicy {
  private readonly anyOrigin: boolean;
  private readonly origins: Set<string>;
  private readonly credentials: boolean;
  /** Echo the request's origin (a list, or `*` with credentials): responses then vary by Origin. */
  private readonly echo: boolean;
  private readonly exposeHeaders?: string;
  private readonly allowMethods: string;
  private readonly allowHeaders?: string;
  private readonly maxAge?: string;

  public constructor(doc: CorsDocument) {
    const origins = Array.isArray(doc.allowOrigins) ? doc.allowOrigins.filter(o => typeof o === 'string') : [];
    this.anyOrigin = origins.includes('*');
    this.origins = new Set(origins.map(normalizeOrigin));
    this.credentials = doc.allowCredentials === true;
    this.echo = !this.anyOrigin || this.credentials;
    const expose = Array.isArray(doc.exposeHeaders) ? doc.exposeHeaders : [];
    this.exposeHeaders = expose.length > 0 ? cleanHeaderValue(expose.join(', ')) : undefined;
    this.allowMethods = Array.isArray(doc.allowMethods) && doc.allowMethods.length > 0
      ? cleanHeaderValue(doc.allowMethods.join(',')) : DEFAULT_ALLOW_METHODS;
    this.allowHeaders = Array.isArray(doc.allowHeaders) ? cleanHeaderValue(doc.allowHeaders.join(',')) : undefined;
    this.maxAge = typeof doc.maxAgeSeconds === 'number' && Number.isInteger(doc.maxAgeSeconds) && doc.maxAgeSeconds >= 0
      ? String(doc.maxAgeSeconds) : undefined;
  }

  /** Adds the CORS headers this request gets to a result (backend response or gateway error). */
  public apply(result: ProxyResult, req: RequestView): void {
    const allowOrigin = this.allowedOrigin(req);
    if (this.echo) {
      // Always, even for a refused origin: a cache must not serve one origin's answer to another.
      const vary = getResultHeader(result, 'Vary');
      if (vary === undefined) {
        setResultHeader(result, 'Vary', 'Origin');
      } else if (!/(^|,)\s*(origin|\*)\s*(,|$)/i.test(vary)) {
        setResultHeader(result, 'Vary', `${vary}, Origin`);
      }
    }
    if (allowOrigin === undefined) { return; }
    setResultHeader(result, 'Access-Control-Allow-Origin', allowOrigin);
    if (this.credentials) { setResultHeader(result, 'Access-Control-Allow-Credentials', 'true'); }
    if (this.exposeHeaders !== undefined) { setResultHeader(result, 'Access-Control-Expose-Headers', this.exposeHeaders); }
  }

  /** A browser's preflight: OPTIONS with Origin and Access-Control-Request-Method. */
  public isPreflight(req: RequestView): boolean {
    return isPreflightRequest(req);
  }

  /** The answer to a preflight (204), with the allow-* headers when the origin is allowed. */
  public preflight(req: RequestView): ProxyResult {
    const result: ProxyResult = { statusCode: 204, headers: {}, body: '', isBase64Encoded: false };
    this.apply(result, req);
    if (result.headers['Access-Control-Allow-Origin'] !== undefined) {
      result.headers['Access-Control-Allow-Methods'] = this.allowMethods;
      const requested = req.header('access-control-request-headers');
      const allowHeaders = this.allowHeaders ?? (requested !== undefined ? cleanHeaderValue(requested) : undefined);
      if (allowHeaders) { result.headers['Access-Control-Allow-Headers'] = allowHeaders; }
      if (this.maxAge !== undefined) { result.headers['Access-Control-Max-Age'] = this.maxAge; }
    }
    return result;
  }

  private allowedOrigin(req: RequestView): string | undefined {
    if (!this.echo) { return '*'; }
    const origin = req.header('origin');
    if (origin === undefined || origin === '') { return undefined; }
    if (this.anyOrigin || this.origins.has(normalizeOrigin(origin))) { return cleanHeaderValue(origin); }
    return undefined;
  }
}
