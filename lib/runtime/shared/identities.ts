/**
 * Identity sources of custom and third-party authorizers (IdentityDocument): a header (name
 * case-insensitive) or a query parameter (name exact), with an optional validation pattern the
 * whole value must match. Compiled once at cold start.
 */
import type { IdentityDocument } from '../../private/config-document';
import type { RequestView } from '../proxy/request';
import { isRecord } from '../proxy/types';
import { headerSent, querySent } from './sent-once';

export interface CompiledIdentity {
  readonly in: 'header' | 'query';
  /** As declared (sent to a third-party service under this name). */
  readonly name: string;
  /** Lower-case name, for header lookups. */
  readonly lower: string;
  /** The validation, anchored to the whole value. */
  readonly pattern?: RegExp;
}

/** @throws Error when the list is malformed or a validation is not a regular expression */
export function compileIdentities(raw: unknown, where: string): CompiledIdentity[] {
  if (raw === undefined) { return []; }
  if (!Array.isArray(raw)) { throw new Error(`${where}.identities is not an array`); }
  return raw.map((item: unknown, i): CompiledIdentity => {
    const doc = item as IdentityDocument;
    if (!isRecord(item) || (doc.in !== 'header' && doc.in !== 'query') || typeof doc.name !== 'string' || doc.name === '') {
      throw new Error(`${where}.identities[${i}] needs a location (header, query) and a name`);
    }
    let pattern: RegExp | undefined;
    if (doc.validation !== undefined) {
      if (typeof doc.validation !== 'string') { throw new Error(`${where}.identities[${i}].validation is not a string`); }
      try {
        pattern = new RegExp(`^(?:${doc.validation})$`);
      } catch {
        throw new Error(`${where}.identities[${i}].validation is not a valid regular expression`);
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
    if (id.pattern !== undefined && !id.pattern.test(value)) { return { ok: false, reason: `identity ${id.in} ${id.name} fails its validation` }; }
    values.push(value);
  }
  return { ok: true, values };
}
