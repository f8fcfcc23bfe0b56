/**
 * Backend parameters at runtime (Huawei: `backend_params`): what an HTTP or function backend
 * receives besides the request as it came.
 *
 * - REQUEST: a request parameter is MOVED to its backend name and location: the backend does not
 *   also get it under its old name (Huawei's documented example). A request without it sends nothing.
 * - CONSTANT and SYSTEM: never taken from the caller. Whatever the caller sent under the same name
 *   and location (header names in any case, every value of a repeated header or query parameter)
 *   is dropped and the parameter's value sent instead.
 * - The caller's copies of every target name are dropped even when a REQUEST value is missing,
 *   so a caller cannot put a value where the API declares the backend gets one of its own.
 *
 * Encoding, by where a value lands: a backend path value is one segment, percent-encoded (a
 * greedy path parameter moved to the path keeps its `/`), then checked for dot segments by the
 * HTTP backend (dot-segments.ts); constants follow Huawei (path: control characters, non-ASCII,
 * space, `?`, `>`, plus `#`; query: also `=<+&%"[\]^\`{|}`); request and system values in a query
 * are fully encoded; header values lose control characters and are cut to 1024 characters, and a
 * value a header cannot carry (beyond Latin-1) has those characters percent-encoded.
 */
import type * as http from 'http';
import { BackendParameterDocument } from '../../../private/config-document';
import { cleanHeaderValue } from '../headers';
import { encodeComponent, RequestView } from '../request';
import { authorizerValueGetter, SystemValueGetter, SystemValueScope, systemValueGetter } from '../system-values';
import { isRecord } from '../types';
import type { BackendCall } from './backend';

type Location = 'path' | 'query' | 'header';
const LOCATIONS: ReadonlySet<string> = new Set(['path', 'query', 'header']);

/** Reads a parameter's values for one call ([] when the request has none). */
type Reader = (call: BackendCall, scope: SystemValueScope) => readonly string[];

interface CompiledParameter {
  readonly name: string;
  readonly in: Location;
  readonly constant: boolean;
  readonly read: Reader;
  /** REQUEST from a greedy path parameter: its segments are kept apart in a backend path. */
  readonly from?: { readonly in: Location; readonly name: string };
}

/** One parameter's values for one call. */
export interface ResolvedParameter {
  readonly name: string;
  readonly in: Location;
  readonly values: readonly string[];
  readonly constant: boolean;
  /** A greedy path value's segments (decoded), when it came from one. */
  readonly segments?: readonly string[];
}

// Huawei's constant encodings (reference section 2), `#` added to the path's (a fragment otherwise).
const CONSTANT_PATH_UNSAFE = /[\x00-\x20\x7f-\uffff?>#]/g;
const CONSTANT_QUERY_UNSAFE = /[\x00-\x20\x7f-\uffff>=<+&%#"[\\\]^`{|}]/g;
const NOT_LATIN1 = /[^\x00-\xff]/gu;

function encodeConstant(value: string, unsafe: RegExp): string {
  return value.replace(unsafe, c => encodeComponent(c));
}

function fail(message: string): never {
  throw new Error(message);
}

function requestReader(from: Location, name: string): Reader {
  switch (from) {
    case 'path': return call => (call.params[name] === undefined ? [] : [call.params[name]]);
    case 'query': return call => call.req.query.get(name) ?? [];
    case 'header': {
      const lower = name.toLowerCase();
      return call => call.req.headers.get(lower) ?? [];
    }
  }
}

function compileOne(raw: unknown, where: string): CompiledParameter {
  if (!isRecord(raw) || typeof raw.name !== 'string' || raw.name === '' || !LOCATIONS.has(raw.in as string) || typeof raw.value !== 'string') {
    fail(`${where} needs a name, a location (path, query, header) and a value`);
  }
  const name = raw.name;
  const location = raw.in as Location;
  const value = raw.value;
  switch (raw.origin) {
    case 'CONSTANT':
      return { name, in: location, constant: true, read: () => [value] };
    case 'SYSTEM': {
      const getter: SystemValueGetter = systemValueGetter(value) ?? fail(`${where}: ${JSON.stringify(value)} is not a system variable`);
      return {
        name, in: location, constant: false, read: (_call, scope) => {
          const v = getter(scope);
          return v === '' ? [] : [v];
        },
      };
    }
    case 'REQUEST': {
      if (!LOCATIONS.has(raw.from as string)) { fail(`${where}: from must be path, query or header`); }
      const from = raw.from as Location;
      return { name, in: location, constant: false, read: requestReader(from, value), from: { in: from, name: value } };
    }
    default:
      return fail(`${where}: origin ${JSON.stringify(raw.origin)} is not REQUEST, CONSTANT or SYSTEM`);
  }
}

/** A backend's parameters, compiled once; `resolve` reads their values for a call. */
export class BackendParameters {
  /** Header names (lower case) whose caller copies never reach the backend. */
  public readonly dropHeaders = new Set<string>();
  /** Query names whose caller copies never reach the backend. */
  public readonly dropQuery = new Set<string>();
  /** Path parameters moved elsewhere (a function's `pathParameters` loses them). */
  public readonly dropPath = new Set<string>();

  public constructor(private readonly parameters: readonly CompiledParameter[]) {
    for (const p of parameters) {
      if (p.in === 'header') { this.dropHeaders.add(p.name.toLowerCase()); }
      if (p.in === 'query') { this.dropQuery.add(p.name); }
      if (p.in === 'path') { this.dropPath.add(p.name); }
      if (p.from) {
        if (p.from.in === 'header') { this.dropHeaders.add(p.from.name.toLowerCase()); }
        if (p.from.in === 'query') { this.dropQuery.add(p.from.name); }
        if (p.from.in === 'path') { this.dropPath.add(p.from.name); }
      }
    }
  }

  /** The parameters' values for a call. */
  public resolve(call: BackendCall): ResolvedParameters {
    const req = call.req;
    const scope: SystemValueScope = { req, apiId: req.api?.id ?? '', apiName: req.api?.name ?? '', defaultStage: call.defaultStage ?? '' };
    const values: ResolvedParameter[] = [];
    for (const p of this.parameters) {
      const read = p.read(call, scope);
      const segments = p.from?.in === 'path' && call.greedy?.name === p.from.name ? call.greedy.segments : undefined;
      values.push({ name: p.name, in: p.in, values: read, constant: p.constant, ...(segments ? { segments } : {}) });
    }
    return new ResolvedParameters(this, values);
  }
}

/** A backend's parameters with their values for one call, ready to be put where they go. */
export class ResolvedParameters {
  public constructor(private readonly plan: BackendParameters, public readonly values: readonly ResolvedParameter[]) {}

  /**
   * The backend path text of a `{name}` placeholder that names a PATH parameter (percent-encoded),
   * '' when the request has no value, undefined when no PATH parameter has that name.
   */
  public pathValue(name: string): string | undefined {
    const p = this.values.find(v => v.in === 'path' && v.name === name);
    if (!p) { return undefined; }
    if (p.values.length === 0) { return ''; }
    if (p.constant) { return encodeConstant(p.values[0], CONSTANT_PATH_UNSAFE); }
    return p.segments ? p.segments.map(encodeComponent).join('/') : encodeComponent(p.values[0]);
  }

  /** The request's query string without the dropped names, then the QUERY parameters (encoded, no `?`). */
  public queryString(req: RequestView): string {
    const pieces: string[] = [];
    for (const [name, values] of req.query) {
      if (this.plan.dropQuery.has(name)) { continue; }
      for (const v of values) { pieces.push(`${encodeComponent(name)}=${encodeComponent(v)}`); }
    }
    for (const p of this.values) {
      if (p.in !== 'query') { continue; }
      for (const v of p.values) {
        pieces.push(`${encodeComponent(p.name)}=${p.constant ? encodeConstant(v, CONSTANT_QUERY_UNSAFE) : encodeComponent(v)}`);
      }
    }
    return pieces.join('&');
  }

  /** Sets the HEADER parameters on the forwarded headers (lower-case names), replacing the caller's. */
  public applyHeaders(headers: http.OutgoingHttpHeaders): void {
    for (const name of this.plan.dropHeaders) { delete headers[name]; }
    for (const p of this.values) {
      if (p.in !== 'header') { continue; }
      const clean = p.values.map(headerValue).filter(v => v !== '');
      if (clean.length > 0) { headers[p.name.toLowerCase()] = clean.length === 1 ? clean[0] : clean; }
    }
  }

  /**
   * The function event with the parameters in place: HEADER in `headers`/`multiValueHeaders`,
   * QUERY in `queryStringParameters`/`multiValueQueryStringParameters`, PATH in `pathParameters`
   * (percent-encoded, as API Gateway passes path parameters); the moved and replaced names gone.
   */
  public applyToEvent(event: Record<string, unknown>): Record<string, unknown> {
    const sameHeader = (k: string) => this.plan.dropHeaders.has(k.toLowerCase());
    const sameQuery = (k: string) => this.plan.dropQuery.has(k);
    const samePath = (k: string) => this.plan.dropPath.has(k);
    const headers = without(event.headers, sameHeader);
    const multiHeaders = without(event.multiValueHeaders, sameHeader);
    const query = without(event.queryStringParameters, sameQuery);
    const multiQuery = without(event.multiValueQueryStringParameters, sameQuery);
    const path = without(event.pathParameters, samePath);
    for (const p of this.values) {
      if (p.values.length === 0) { continue; }
      if (p.in === 'header') {
        const clean = p.values.map(headerValue).filter(v => v !== '');
        if (clean.length === 0) { continue; }
        headers[p.name] = clean[clean.length - 1];
        multiHeaders[p.name] = clean;
      } else if (p.in === 'query') {
        query[p.name] = p.values[p.values.length - 1];
        multiQuery[p.name] = [...p.values];
      } else {
        path[p.name] = this.pathValue(p.name)!;
      }
    }
    return {
      ...event,
      headers: headers,
      multiValueHeaders: multiHeaders,
      queryStringParameters: Object.keys(query).length > 0 ? query : null,
      multiValueQueryStringParameters: Object.keys(multiQuery).length > 0 ? multiQuery : null,
      pathParameters: Object.keys(path).length > 0 ? path : null,
    };
  }
}

/** A copy of an event map without the names `drop` says ({} for a missing map). */
function without(map: unknown, drop: (name: string) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (isRecord(map)) {
    for (const k of Object.keys(map)) {
      if (!drop(k)) { out[k] = map[k]; }
    }
  }
  return out;
}

/** A value made safe for a header: no control characters, at most 1024 characters, Latin-1 only. */
function headerValue(value: string): string {
  const clean = cleanHeaderValue(value);
  return clean.replace(NOT_LATIN1, c => encodeComponent(c));
}

/**
 * Compiles a backend's parameters, with an HTTP backend's older `contextHeaders` (header → frontend
 * authorizer key) as SYSTEM header parameters; undefined when there are none.
 *
 * @throws Error when the document is malformed
 */
export function compileBackendParameters(parameters: unknown, contextHeaders?: unknown): BackendParameters | undefined {
  const compiled: CompiledParameter[] = [];
  if (parameters !== undefined) {
    if (!Array.isArray(parameters)) { fail('backend parameters is not an array'); }
    parameters.forEach((p: unknown, i) => compiled.push(compileOne(p as BackendParameterDocument, `backend parameters[${i}]`)));
  }
  if (isRecord(contextHeaders)) {
    for (const [header, key] of Object.entries(contextHeaders)) {
      const getter = authorizerValueGetter(String(key));
      compiled.push({
        name: header, in: 'header', constant: false, read: (_call, scope) => {
          const v = getter(scope);
          return v === '' ? [] : [v];
        },
      });
    }
  }
  return compiled.length === 0 ? undefined : new BackendParameters(compiled);
}
