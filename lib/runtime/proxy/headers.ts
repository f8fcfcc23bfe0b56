/**
 * Header hygiene: which headers a proxy must not forward, what a valid header looks like, and
 * setting a header on a result case-insensitively (API Gateway merges `headers` and
 * `multiValueHeaders`, the latter winning, so a header must be replaced in both).
 */
import { ProxyResult } from './types';
import { setOwn } from '../../private/own-keys';

// RFC 9110 section 7.6.1 hop-by-hop headers; `proxy-*` is matched by prefix.
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** A header meaningful only for one connection, never forwarded (lower-case name). */
export function isHopByHop(lowerName: string): boolean {
  return HOP_BY_HOP_HEADERS.has(lowerName) || lowerName.startsWith('proxy-');
}

const PLAIN_CONNECTION = /^\s*(?:keep-alive|close)\s*$/i;

/** Extra hop-by-hop names listed in a Connection header (`Connection: close, x-foo`). */
export function connectionTokens(values: readonly string[] | undefined): Set<string> | undefined {
  if (!values || values.length === 0) { return undefined; }
  // The usual `Connection: keep-alive` / `close` names no other header.
  if (values.length === 1 && PLAIN_CONNECTION.test(values[0])) { return undefined; }
  const tokens = new Set<string>();
  for (const v of values) {
    for (const t of v.split(',')) {
      const name = t.trim().toLowerCase();
      if (name) { tokens.add(name); }
    }
  }
  return tokens;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// What node's http accepts in a field value: tab, visible ASCII, space, obs-text.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** An HTTP token: what a header name or a method may be. */
export function isToken(name: string): boolean {
  return TOKEN.test(name);
}

export function isValidHeaderValue(value: string): boolean {
  return FIELD_VALUE.test(value);
}

// C0 controls (tab included: a template has no reason to emit one), DEL and C1 controls.
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;
const HAS_CONTROL = /[\x00-\x1f\x7f-\x9f]/;

/** Maximum length of a rendered header value (DESIGN section 5). */
export const MAX_HEADER_VALUE_LENGTH = 1024;

/**
 * `text` cut to at most `max` UTF-16 units, never between the two halves of a surrogate pair
 * (half a character would be a lone surrogate: not text, and not encodable in UTF-8).
 */
export function cutAtCodePoint(text: string, max: number): string {
  if (text.length <= max) { return text; }
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** Removes control characters (so no header splitting) and cuts to 1024 characters. */
export function cleanHeaderValue(value: string): string {
  const clean = HAS_CONTROL.test(value) ? value.replace(CONTROL, '') : value;
  return cutAtCodePoint(clean, MAX_HEADER_VALUE_LENGTH);
}

/** Removes control characters only: for passed-through headers, which are not cut. */
export function stripControlCharacters(value: string): string {
  return HAS_CONTROL.test(value) ? value.replace(CONTROL, '') : value;
}

/** Sets `name: value` on a result, replacing any header of the same name in any case. */
export function setResultHeader(result: ProxyResult, name: string, value: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(result.headers)) {
    if (key.toLowerCase() === lower) { delete result.headers[key]; }
  }
  const multi = result.multiValueHeaders;
  if (multi) {
    for (const key of Object.keys(multi)) {
      if (key.toLowerCase() === lower) { delete multi[key]; }
    }
  }
  setOwn(result.headers, name, value);
}

/** The value of a header on a result (first in any case), or undefined. */
export function getResultHeader(result: ProxyResult, name: string): string | undefined {
  const lower = name.toLowerCase();
  const multi = result.multiValueHeaders;
  if (multi) {
    for (const key of Object.keys(multi)) {
      if (key.toLowerCase() === lower && multi[key].length > 0) { return multi[key].join(', '); }
    }
  }
  for (const key of Object.keys(result.headers)) {
    if (key.toLowerCase() === lower) { return result.headers[key]; }
  }
  return undefined;
}
