/**
 * Reading the configuration document beside a bundle (config.json, routes.tsv and apis.jsonl, see
 * lib/private/config-document.ts), shared by the proxy and the authorizer. Never throws: a handler
 * whose document cannot be used answers every request with DEFAULT_5XX, so the failure reason is
 * returned, not raised.
 */
import * as fs from 'fs';
import * as path from 'path';
import { API_DETAILS_FILE_NAME, CONFIG_DOCUMENT_VERSION, ROUTES_FILE_NAME } from '../../private/config-document';
import { DetailsReader } from './api-details';
import { isRecord } from '../proxy/types';

export type DocumentState<T> = { readonly ok: true; readonly config: T } | { readonly ok: false; readonly reason: string };

/** What a handler compiles: the parsed `config.json`, the text of `routes.tsv` and a reader of `apis.jsonl`. */
export interface DocumentFiles {
  readonly doc: Record<string, unknown>;
  /** `routes.tsv` (ASCII from the synth side, which V8 keeps as one byte per character). */
  readonly routes: string;
  /** Reads part of `apis.jsonl`, opened at load and read an API's line at a time (api-details.ts). */
  readonly readDetails: DetailsReader;
}

/** Reads nothing: the reader of a document without APIs. */
const NO_DETAILS: DetailsReader = () => Buffer.alloc(0);

/** A reader of the open file `fd`: a failed read reads nothing (the API asking fails, closed). */
function fileReader(fd: number): DetailsReader {
  return (offset, length) => {
    const bytes = Buffer.allocUnsafe(length);
    let read = 0;
    try {
      read = fs.readSync(fd, bytes, 0, length, offset);
    } catch {
      read = 0;
    }
    return bytes.subarray(0, read);
  };
}

function cannotRead(file: string, err: unknown): { ok: false; reason: string } {
  const code = (err as { code?: unknown }).code;
  return { ok: false, reason: `cannot read ${file}: ${typeof code === 'string' ? code : (err as Error).message}` };
}

/**
 * Reads `file` as JSON and the routes file beside it, opens the details file (needed when the
 * document lists APIs: a missing one refuses the document at load), and compiles them with `compile`.
 */
export function loadDocument<T>(file: string, compile: (files: DocumentFiles) => T): DocumentState<T> {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return cannotRead(file, err);
  }
  if (!isRecord(doc)) { return { ok: false, reason: 'the document is not a JSON object' }; }
  if (doc.version !== CONFIG_DOCUMENT_VERSION) {
    return { ok: false, reason: `document version ${JSON.stringify(doc.version)} is not supported (this handler reads version ${CONFIG_DOCUMENT_VERSION})` };
  }
  const routesFile = path.join(path.dirname(file), ROUTES_FILE_NAME);
  let routes: string;
  try {
    routes = fs.readFileSync(routesFile, 'utf8');
  } catch (err) {
    return cannotRead(routesFile, err);
  }
  const detailsFile = path.join(path.dirname(file), API_DETAILS_FILE_NAME);
  let readDetails = NO_DETAILS;
  if (routes.length > 0) {
    try {
      // Kept open for the process's life: Lambda reuses it, and each API reads its line once.
      readDetails = fileReader(fs.openSync(detailsFile, 'r'));
    } catch (err) {
      return cannotRead(detailsFile, err);
    }
  }
  try {
    return { ok: true, config: compile({ doc, routes, readDetails }) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
