/**
 * Reading the configuration document beside a bundle (config.json and apis.jsonl, see
 * lib/private/config-document.ts), shared by the proxy and the authorizer. Never throws: a handler
 * whose document cannot be used answers every request with DEFAULT_5XX, so the failure reason is
 * returned, not raised.
 */
import * as fs from 'fs';
import * as path from 'path';
import { API_DETAILS_FILE_NAME } from '../../private/config-document';
import { ApiDetails } from './api-details';
import { isRecord } from '../proxy/types';

export type DocumentState<T> = { readonly ok: true; readonly config: T } | { readonly ok: false; readonly reason: string };

function cannotRead(file: string, err: unknown): { ok: false; reason: string } {
  const code = (err as { code?: unknown }).code;
  return { ok: false, reason: `cannot read ${file}: ${typeof code === 'string' ? code : (err as Error).message}` };
}

/**
 * Reads `file` as JSON, and the APIs' details file beside it as bytes (needed when the document
 * lists APIs), and compiles them with `compile`.
 */
export function loadDocument<T>(file: string, compile: (doc: unknown, details: ApiDetails) => T): DocumentState<T> {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return cannotRead(file, err);
  }
  const apis = isRecord(doc) && Array.isArray(doc.apis) ? doc.apis.length : 0;
  const detailsFile = path.join(path.dirname(file), API_DETAILS_FILE_NAME);
  let bytes = Buffer.alloc(0);
  if (apis > 0) {
    try {
      bytes = fs.readFileSync(detailsFile);
    } catch (err) {
      return cannotRead(detailsFile, err);
    }
  }
  try {
    return { ok: true, config: compile(doc, new ApiDetails(bytes)) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
