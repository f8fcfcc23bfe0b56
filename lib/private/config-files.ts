/**
 * The configuration document as files (config-document.ts): `config.json` without the APIs,
 * `routes.tsv` with each API's routing fields and `apis.jsonl` with the rest of each API, one line
 * per API in the same order. Written by the synth side; read whole by the local gateway and the
 * tests (the handlers read them their own way, see lib/runtime/shared/document-file.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  API_DETAILS_FILE_NAME, API_ROUTE_FIELDS, CONFIG_FILE_NAME, ConfigDocument, environmentsOfField, EVERY_ENVIRONMENT,
  ROUTE_LINE_FIELD as FIELD, ROUTES_FILE_NAME,
} from './config-document';

/** File name → content. */
export type ConfigFiles = Record<string, string>;

const ROUTE_FIELDS: ReadonlySet<string> = new Set(API_ROUTE_FIELDS);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One field of a routes line: text without the file's separators (a tab, a newline); absent: empty. */
function routeField(api: Record<string, unknown>, field: string, index: number): string {
  const value = api[field] ?? '';
  if (typeof value !== 'string' || /[\t\n]/.test(value)) {
    throw new Error(`apis[${index}].${field} cannot be written to ${ROUTES_FILE_NAME}: ${JSON.stringify(value)}`);
  }
  return value;
}

/** The environments field: `*`, or the names joined with commas. */
function environmentsField(api: Record<string, unknown>, index: number): string {
  const names = api.environments;
  if (names === undefined) { return EVERY_ENVIRONMENT; }
  if (!Array.isArray(names) || names.some(name => typeof name !== 'string' || !/^[^\t\n,*]+$/.test(name))) {
    throw new Error(`apis[${index}].environments cannot be written to ${ROUTES_FILE_NAME}: ${JSON.stringify(names)}`);
  }
  return names.join(',');
}

/**
 * API `index`'s line of `routes.tsv` (without its newline), its details being `detailsLength` bytes
 * from `detailsOffset` in `apis.jsonl`: its path left empty when it is the line above's
 * (`previousPath`), fields left out at the end when they say the default.
 */
function routeLine(api: Record<string, unknown>, index: number, previousPath: unknown, detailsOffset: number, detailsLength: number): string {
  const fields = ['method', 'path', 'response'].map(f => routeField(api, f, index));
  if (fields[1] === previousPath) { fields[1] = ''; }
  fields.push(String(detailsOffset), String(detailsLength));
  const environments = environmentsField(api, index);
  const matchMode = routeField(api, 'matchMode', index);
  if (matchMode !== '') {
    fields.push(environments, matchMode);
  } else if (environments !== EVERY_ENVIRONMENT) {
    fields.push(environments);
  }
  return fields.join('\t');
}

/**
 * The files of `doc`. A value that is not a document with a list of APIs (tests hand the runtime
 * broken documents) is written as `config.json` alone, as it is.
 *
 * @throws Error when an API's routing field cannot be written as a `routes.tsv` field (the synth
 * side's checks make its documents' fields narrower still)
 */
export function configFiles(doc: ConfigDocument | unknown): ConfigFiles {
  if (!isRecord(doc) || !Array.isArray(doc.apis)) { return { [CONFIG_FILE_NAME]: JSON.stringify(doc) }; }
  const routes: string[] = [];
  const details: string[] = [];
  let detailsOffset = 0;
  let previousPath: unknown;
  (doc.apis as unknown[]).forEach((api, index) => {
    if (!isRecord(api)) { throw new Error(`apis[${index}] is not an object`); }
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(api)) {
      if (!ROUTE_FIELDS.has(key)) { rest[key] = value; }
    }
    const line = JSON.stringify(rest);
    const length = Buffer.byteLength(line, 'utf8');
    routes.push(routeLine(api, index, previousPath, detailsOffset, length));
    previousPath = api.path;
    details.push(line);
    detailsOffset += length + 1;
  });
  const { apis, ...withoutApis } = doc;
  return {
    [CONFIG_FILE_NAME]: JSON.stringify({ ...withoutApis, apiCount: apis.length }),
    [ROUTES_FILE_NAME]: routes.map(line => `${line}\n`).join(''),
    [API_DETAILS_FILE_NAME]: details.map(line => `${line}\n`).join(''),
  };
}

/** An API's routing fields from its line of `routes.tsv`. */
function routeFields(line: string): Record<string, unknown> {
  const fields = line.split('\t');
  const environments = environmentsOfField(fields[FIELD.environments]);
  const matchMode = fields[FIELD.matchMode];
  return {
    method: fields[FIELD.method],
    path: fields[FIELD.path],
    response: fields[FIELD.response],
    ...(environments ? { environments } : {}),
    ...(matchMode ? { matchMode } : {}),
  };
}

/** The whole document from its files' contents (the routes file absent: `config.json` as it is). */
export function joinConfigFiles(config: string, routes: string | undefined, apiDetails: string | undefined): ConfigDocument {
  const doc = JSON.parse(config);
  if (routes === undefined || !isRecord(doc)) { return doc; }
  const details = (apiDetails ?? '').split('\n');
  let previousPath = '';
  const apis = routes.split('\n').slice(0, -1).map((line, i) => {
    const fields = routeFields(line);
    // An empty path is the line above's.
    previousPath = fields.path = fields.path === '' ? previousPath : fields.path as string;
    return { ...JSON.parse(details[i] || '{}'), ...fields };
  });
  const { apiCount: _count, ...rest } = doc;
  return { ...rest, apis } as unknown as ConfigDocument;
}

/** Reads the whole document from a handler's asset folder. */
export function readConfigFiles(dir: string): ConfigDocument {
  const optional = (name: string) => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8') : undefined);
  return joinConfigFiles(fs.readFileSync(path.join(dir, CONFIG_FILE_NAME), 'utf8'), optional(ROUTES_FILE_NAME), optional(API_DETAILS_FILE_NAME));
}

/** Writes the files of `doc` into `dir`. */
export function writeConfigFiles(dir: string, doc: ConfigDocument | unknown): void {
  for (const [name, text] of Object.entries(configFiles(doc))) { fs.writeFileSync(path.join(dir, name), text); }
}
