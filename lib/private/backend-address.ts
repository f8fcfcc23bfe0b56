/**
 * Per-environment backend addresses: environment variables inside an HTTP backend's URL, written
 * `#name#` (Huawei's syntax, concatenable: `#a##b#`) or `${stageVariables.name}` (API Gateway's).
 * The synth side normalises both to `#name#` and lists the names in the backend's document; the
 * proxy substitutes the request's stage variables (the environment's variables) for the listed
 * names only, so a `#` that is not a listed variable stays what it was. Pure code, no imports:
 * shared by the constructs and the bundled proxy.
 */

/** `#name#`: Huawei's variable names (3-32 letters, digits, `_` or `-`, starting with a letter). */
const HUAWEI_REFERENCE = /#([A-Za-z][A-Za-z0-9_-]{2,31})#/g;
/** `${stageVariables.name}`: API Gateway's stage variable names. */
const STAGE_REFERENCE = /\$\{stageVariables\.([A-Za-z0-9_]{1,64})\}/g;
/** Any `#name#` the runtime may substitute (the document's list decides which are variables). */
const ANY_REFERENCE = /#([A-Za-z0-9_-]{1,64})#/g;

/** A backend URL with its environment variables: the URL uses `#name#` only. */
export interface BackendAddress {
  readonly url: string;
  /** Names of the variables it uses, in order of first use (empty: a fixed address). */
  readonly variables: string[];
}

/** Rewrites `${stageVariables.name}` as `#name#` and lists the variables a backend URL uses. */
export function normaliseAddress(url: string): BackendAddress {
  const normal = url.replace(STAGE_REFERENCE, (_, name: string) => `#${name}#`);
  const variables: string[] = [];
  const add = (name: string): void => { if (!variables.includes(name)) { variables.push(name); } };
  for (const m of url.matchAll(STAGE_REFERENCE)) { add(m[1]); }
  for (const m of url.replace(STAGE_REFERENCE, '').matchAll(HUAWEI_REFERENCE)) { add(m[1]); }
  return { url: normal, variables };
}

/**
 * Substitutes the listed variables of a normalised URL with `valueOf(name)`, in one pass (a value
 * is never scanned again).
 *
 * @returns the URL, or the name of the first variable without a value
 */
export function substituteAddress(url: string, variables: readonly string[], valueOf: (name: string) => string | undefined):
{ readonly url: string } | { readonly missing: string } {
  let missing: string | undefined;
  const out = url.replace(ANY_REFERENCE, (whole: string, name: string) => {
    if (!variables.includes(name)) { return whole; }
    const value = valueOf(name);
    if (value === undefined || value === '') {
      missing ??= name;
      return whole;
    }
    return value;
  });
  return missing === undefined ? { url: out } : { missing };
}

/** Huawei's environment variable values (reference section 4): what may be put into an address. */
export const ADDRESS_VALUE = /^[A-Za-z0-9_\-/.:]{1,255}$/;
