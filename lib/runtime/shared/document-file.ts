/**
 * Reading the configuration document beside a bundle (config.json), shared by the proxy and the
 * authorizer. Never throws: a handler whose document cannot be used answers every request with
 * DEFAULT_5XX, so the failure reason is returned, not raised.
 */
import * as fs from 'fs';

export type DocumentState<T> = { readonly ok: true; readonly config: T } | { readonly ok: false; readonly reason: string };

/** Reads `file` as JSON and compiles it with `compile`. */
export function loadDocument<T>(file: string, compile: (doc: unknown) => T): DocumentState<T> {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return { ok: false, reason: `cannot read ${file}: ${typeof code === 'string' ? code : (err as Error).message}` };
  }
  try {
    return { ok: true, config: compile(doc) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
