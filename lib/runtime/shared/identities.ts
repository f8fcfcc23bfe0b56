/**
 * Identity sources of custom and third-party authorizers (IdentityDocument): a header (name
 * case-insensitive) or a query parameter (name exact), with an optional validation pattern the
 * whole value must match. Compiled once at cold start.
 */
import type { IdentityDocument } from '../../private/config-document';
import { compileBoundedPattern } from '../proxy/bounded-pattern';
import { logEvent } from '../proxy/log';
import type { RequestView } from '../proxy/request';
import { isRecord } from '../proxy/types';
import { headerSent, querySent } from './sent-once';

export interface CompiledIdentity {
  readonly in: 'header' | 'query';
  /** As declared (sent to a third-party service under this name). */
  readonly name: string;
  /** Lower-case name, for header lookups. */
  readonly lower: string;
  /** The validation, anchored to the whole value, bounded in time (proxy/bounded-pattern.ts). */
  readonly pattern?: (value: string) => boolean;
}

/**
 * Longest value a validation pattern is run on: a caller cannot make the authorizer spin with a
 * long header (issue 14 item 6: `(a+)+` on 25 characters took 1.5 s). Longer fails the validation.
 */
export const MAX_VALIDATED_LENGTH = 4096;

/** @throws Error when the list is malformed or a validation is not a regular expression */
export function compileIdentities(raw: unknown, where: string): CompiledIdentity[] {
  if (raw === undefined) { return []; }
  if (!Array.isArray(raw)) { throw new Error(`${where}.identities is not an array`); }
  return raw.map((item: unknown, i): CompiledIdentity => {
    const doc = item as IdentityDocument;
    if (!isRecord(item) || (doc.in !== 'header' && doc.in !== 'query') || typeof doc.name !== 'string' || doc.name === '') {
      throw new Error(`${where}.identities[${i}] needs a location (header, query) and a name`);
    }
    let pattern: ((value: string) => boolean) | undefined;
    if (doc.validation !== undefined) {
      if (typeof doc.validation !== 'string') { throw new Error(`${where}.identities[${i}].validation is not a string`); }
      try {
        // Patterns that backtrack exponentially are refused (also at synth); the rest run bounded.
        pattern = compileBoundedPattern(`^(?:${doc.validation})$`,
          () => logEvent('identity validation timed out', { identity: `${doc.in} ${doc.name}` }));
      } catch (err) {
        throw new Error(`${where}.identities[${i}].validation is not usable: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return { in: doc.in, name: doc.name, lower: doc.name.toLowerCase(), pattern };
  });
}

export type IdentityReading =
  | { readonly ok: true; readonly values: string[] }
  /** `reason` names the identity source, never its value. */
  | { readonly ok: false; readonly reason: string };

/**
 * The value of each identity source, or why they are unusable: missing, empty, sent more than once
 * (the function or service would vouch for one value while the backend receives every one), or
 * failing its validation.
 */
export function readIdentities(identities: readonly CompiledIdentity[], req: RequestView): IdentityReading {
  const values: string[] = [];
  for (const id of identities) {
    const sent = id.in === 'header' ? headerSent(req, id.lower) : querySent(req, id.name);
    if (sent.kind === 'repeated') { return { ok: false, reason: `identity ${id.in} ${id.name} sent more than once` }; }
    const value = sent.kind === 'once' ? sent.value : undefined;
    if (value === undefined || value === '') { return { ok: false, reason: `identity ${id.in} ${id.name} missing` }; }
    if (id.pattern !== undefined && (value.length > MAX_VALIDATED_LENGTH || !id.pattern(value))) {
      return { ok: false, reason: `identity ${id.in} ${id.name} fails its validation` };
    }
    values.push(value);
  }
  return { ok: true, values };
}
