/**
 * The configuration document as files (config-document.ts): `config.json` with each API's routing
 * fields, `apis.jsonl` with the rest of each API, one line per API in the same order. Written by
 * the synth side; read whole by the local gateway and the tests (the handlers read them their own
 * way, see lib/runtime/shared/document-file.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { API_DETAILS_FILE_NAME, API_ROUTE_FIELDS, CONFIG_FILE_NAME, ConfigDocument } from './config-document';

/** File name → content. */
export type ConfigFiles = Record<string, string>;

const ROUTE_FIELDS: ReadonlySet<string> = new Set(API_ROUTE_FIELDS);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The files of `doc`. A value that is not a document with a list of APIs (tests hand the runtime
 * broken documents) is written as `config.json` alone, as it is.
 */
export function configFiles(doc: ConfigDocument | unknown): ConfigFiles {
  if (!isRecord(doc) || !Array.isArray(doc.apis)) { return { [CONFIG_FILE_NAME]: JSON.stringify(doc) }; }
  const routes: unknown[] = [];
  const details: string[] = [];
  for (const api of doc.apis as unknown[]) {
    if (!isRecord(api)) {
      routes.push(api);
      details.push('null');
      continue;
    }
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(api)) {
      if (!ROUTE_FIELDS.has(key)) { rest[key] = value; }
    }
    const route: unknown[] = API_ROUTE_FIELDS.map(field => api[field]);
    // Absent fields at the end are left out, those before a present one are written null.
    while (route.length > 3 && route[route.length - 1] === undefined) { route.pop(); }
    for (let k = 3; k < route.length; k++) { if (route[k] === undefined) { route[k] = null; } }
    routes.push(route);
    details.push(JSON.stringify(rest));
  }
  return {
    [CONFIG_FILE_NAME]: JSON.stringify({ ...doc, apis: routes }),
    [API_DETAILS_FILE_NAME]: details.map(line => `${line}\n`).join(''),
  };
}

/** The whole document from its files' contents (the details file absent: `config.json` as it is). */
export function joinConfigFiles(config: string, apiDetails: string | undefined): ConfigDocument {
  const doc = JSON.parse(config);
  if (apiDetails === undefined || !isRecord(doc) || !Array.isArray(doc.apis)) { return doc; }
  const lines = apiDetails.split('\n');
  const apis = doc.apis.map((route: unknown, i: number) => {
    const fields: Record<string, unknown> = {};
    if (Array.isArray(route)) { API_ROUTE_FIELDS.forEach((field, k) => { if (route[k] !== undefined && route[k] !== null) { fields[field] = route[k]; } }); }
    return { ...JSON.parse(lines[i]), ...fields };
  });
  return { ...doc, apis } as ConfigDocument;
}

/** Reads the whole document from a handler's asset folder. */
export function readConfigFiles(dir: string): ConfigDocument {
  const details = path.join(dir, API_DETAILS_FILE_NAME);
  return joinConfigFiles(fs.readFileSync(path.join(dir, CONFIG_FILE_NAME), 'utf8'),
    fs.existsSync(details) ? fs.readFileSync(details, 'utf8') : undefined);
}

/** Writes the files of `doc` into `dir`. */
export function writeConfigFiles(dir: string, doc: ConfigDocument | unknown): void {
  for (const [name, text] of Object.entries(configFiles(doc))) { fs.writeFileSync(path.join(dir, name), text); }
}
