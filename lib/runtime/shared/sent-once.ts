/**
 * A credential (AppCode, identity header or query parameter) must be sent once. With two values
 * the authenticator would check one while the backend receives both, so a repeated credential is
 * told apart from a single one and refused by the caller of this module.
 *
 * Read from the event's own maps, not from the request's merged view, because that view keeps
 * only one of two spellings of a header in the single-value map. API Gateway sends every value in
 * the multi-value map and repeats the last one in the single-value map: the same value in both is
 * one value, anything else is several.
 */
import type { RequestView } from '../proxy/request';
import { isRecord } from '../proxy/types';

export type Sent =
  | { readonly kind: 'absent' }
  | { readonly kind: 'once'; readonly value: string }
  | { readonly kind: 'repeated' };

const ABSENT: Sent = { kind: 'absent' };
const REPEATED: Sent = { kind: 'repeated' };

/** The string values under every key `matches` accepts, from a multi-value (arrays) or single-value map. */
function valuesIn(map: unknown, matches: (key: string) => boolean, multi: boolean): string[] {
  const values: string[] = [];
  if (!isRecord(map)) { return values; }
  for (const key of Object.keys(map)) {
    if (!matches(key)) { continue; }
    const raw = map[key];
    if (multi) {
      if (Array.isArray(raw)) { for (const v of raw) { if (typeof v === 'string') { values.push(v); } } }
    } else if (typeof raw === 'string') {
      values.push(raw);
    }
  }
  return values;
}

function judge(multi: readonly string[], single: readonly string[]): Sent {
  if (multi.length > 1 || single.length > 1) { return REPEATED; }
  if (multi.length === 1) { return single.length === 0 || single[0] === multi[0] ? { kind: 'once', value: multi[0] } : REPEATED; }
  return single.length === 1 ? { kind: 'once', value: single[0] } : ABSENT;
}

/** A header by lower-case name, every spelling counted. */
export function headerSent(req: RequestView, lowerName: string): Sent {
  const matches = (key: string) => key.toLowerCase() === lowerName;
  return judge(valuesIn(req.event.multiValueHeaders, matches, true), valuesIn(req.event.headers, matches, false));
}

/** A query parameter by exact name. */
export function querySent(req: RequestView, name: string): Sent {
  const matches = (key: string) => key === name;
  return judge(valuesIn(req.event.multiValueQueryStringParameters, matches, true), valuesIn(req.event.queryStringParameters, matches, false));
}
