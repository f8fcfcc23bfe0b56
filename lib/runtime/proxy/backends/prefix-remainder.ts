/**
 * The path below a PREFIX API's own (Huawei `SWA`), appended to an HTTP backend's path: the API
 * `/test/` with the backend path `/test2/` sends a call of `/test/AA/CC` to `/test2/AA/CC`.
 *
 * - The remainder is joined to the backend path with exactly one `/`, before the backend URL's own
 *   query (`/test2?x=1` → `/test2/AA/CC?x=1`); an empty backend path becomes `/AA/CC`.
 * - A trailing `/` is kept when the caller sent one below the prefix (`/test/AA/CC/` →
 *   `/test2/AA/CC/`), never added: Huawei's documented example shows `/test2/AA/CC/` for
 *   `/test/AA/CC`, which reads as its own normalisation of a backend path written `/test2/`; a
 *   trailing slash names another resource on most servers, so the proxy forwards what was sent.
 * - Each segment is decoded and re-encoded as a greedy parameter's are (a `%2F` stays inside its
 *   segment), and a segment a backend could read as `.` or `..` (dot-segments.ts) is refused with
 *   REQUEST_PARAMETERS_FAILURE: `/test/../admin` must not reach `/admin`.
 * - A request for the prefix's own path (no remainder) leaves the backend path as declared.
 */
import type { PrefixRemainder } from '../router';
import { GatewayError, parameterInvalid } from '../gateway-error';
import { encodeComponent } from '../request';
import { isDotSegment } from './dot-segments';

/** The error for a remainder holding a dot segment. */
export function remainderDotSegment(): GatewayError {
  return parameterInvalid('The path below the API\'s prefix must not hold a "." or ".." segment.', 'prefix remainder: dot segment');
}

/**
 * `path` (a backend path-and-query built from the URL template) with the remainder inserted at
 * `pathEnd` (where the template's own query starts, or the end), or the error of a dot segment.
 */
export function withRemainder(path: string, pathEnd: number, remainder: PrefixRemainder | undefined): string | GatewayError {
  if (remainder === undefined || remainder.segments.length === 0) { return path; }
  const encoded: string[] = new Array(remainder.segments.length);
  for (let i = 0; i < remainder.segments.length; i++) {
    const segment = encodeComponent(remainder.segments[i]);
    // The raw form too: a server may decode once more than the proxy did.
    if (isDotSegment(segment) || isDotSegment(remainder.raw[i] ?? '')) { return remainderDotSegment(); }
    encoded[i] = segment;
  }
  let base = path.slice(0, pathEnd);
  while (base.endsWith('/')) { base = base.slice(0, -1); }
  return `${base}/${encoded.join('/')}${remainder.trailingSlash ? '/' : ''}${path.slice(pathEnd)}`;
}
