/**
 * The path a request addresses relative to the REST API's root: what the proxy and the authorizer
 * route on (DESIGN section 2).
 *
 * `event.path` is not that path behind a custom domain with a base-path mapping: it then carries
 * the base path (`/payment/subscriptions/123` for the API's `/subscriptions/{id}`, `/v1/payment/...`
 * for a multi-level one). `event.resource` (the matched API Gateway resource, `/{proxy+}` for the
 * catch-all) and `event.pathParameters` never do, and API Gateway leaves `path` and the parameter
 * values percent-encoded as the client sent them. So the relative path is the tail of `event.path`
 * that the resource and its parameter values account for, which keeps the request's own encoding
 * (a `%2F` inside a parameter stays one segment). Parameter values that some tool decoded are
 * recognised too. An event whose path does not account for its resource and values is routed on the
 * path rebuilt from them, never on `event.path` as it is (behind a custom domain it carries the
 * base path); only an event with no usable resource or without the resource's parameters
 * (test-console and hand-made events; API Gateway always sends both) is routed on `event.path`.
 */
import { decodeSegment, withoutTrailingSlashes } from '../shared/path-text';
import { isRecord, ProxyEvent } from './types';

const GREEDY = /^\{([^{}]+)\+\}$/;
const PARAM = /^\{([^{}]+)\}$/;

type Piece = { readonly text: string } | { readonly param: string };


/** True when the raw (percent-encoded) text stands for `value`, given as sent or decoded. */
function stands(raw: string, value: string): boolean {
  return raw === value || decodeSegment(raw) === value;
}

/** True when the raw segments, joined, stand for the greedy value (sent as is or decoded). */
function greedyStands(segments: readonly string[], value: string): boolean {
  const raw = segments.join('/');
  return raw === value || decodeSegment(raw) === value || segments.map(decodeSegment).join('/') === value;
}


/** Where the resource's fixed pieces start in `segments` (the greedy tail, if any, after them), or -1. */
function tailStart(segments: readonly string[], fixed: readonly Piece[], greedy: string | undefined,
  values: Record<string, string>): number {
  const fits = (start: number): boolean => {
    for (let k = 0; k < fixed.length; k++) {
      const piece = fixed[k];
      const segment = segments[start + k];
      if ('text' in piece ? !stands(segment, piece.text) : !stands(segment, values[piece.param])) { return false; }
    }
    return true;
  };
  if (greedy === undefined) {
    const start = segments.length - fixed.length;
    return start >= 0 && fits(start) ? start : -1;
  }
  const value = withoutTrailingSlashes(values[greedy]);
  // A value as API Gateway sends it has as many segments as the path it came from: try that first.
  const guess = segments.length - fixed.length - value.split('/').length;
  if (guess >= 0 && fits(guess) && greedyStands(segments.slice(guess + fixed.length), value)) { return guess; }
  for (let start = segments.length - fixed.length - 1; start >= 0; start--) {
    if (fits(start) && greedyStands(segments.slice(start + fixed.length), value)) { return start; }
  }
  return -1;
}

/** A resource template parsed: its fixed pieces, its greedy parameter (last) if any, and every parameter name in order. */
interface ParsedResource {
  readonly fixed: readonly Piece[];
  readonly greedy?: string;
  readonly names: readonly string[];
}

/** Resources parsed so far: a REST API has a handful; bounded so that hand-made events cannot grow it. */
const parsedResources = new Map<string, ParsedResource | null>();
const MAX_PARSED_RESOURCES = 256;

/** `resource` parsed, or null when no resource API Gateway could have matched (a greedy segment that is not the last). */
function parseResource(resource: string): ParsedResource | null {
  const fixed: Piece[] = [];
  const names: string[] = [];
  let greedy: string | undefined;
  const parts = withoutTrailingSlashes(resource).split('/').slice(1);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const g = GREEDY.exec(part);
    const p = g ? undefined : PARAM.exec(part);
    const name = g ? g[1] : p ? p[1] : undefined;
    if (name === undefined) {
      fixed.push({ text: part });
      continue;
    }
    names.push(name);
    if (g) {
      if (i !== parts.length - 1) { return null; }
      greedy = name;
    } else {
      fixed.push({ param: name });
    }
  }
  return { fixed, greedy, names };
}

function parsedResource(resource: string): ParsedResource | null {
  let parsed = parsedResources.get(resource);
  if (parsed === undefined) {
    parsed = parseResource(resource);
    if (parsedResources.size < MAX_PARSED_RESOURCES) { parsedResources.set(resource, parsed); }
  }
  return parsed;
}

/** The path relative to the REST API's root, still percent-encoded (see the file comment). */
export function apiRelativePath(event: ProxyEvent): string {
  const received = typeof event.path === 'string' ? event.path : '';
  const resource = event.resource;
  if (typeof resource !== 'string' || !resource.startsWith('/')) { return received; }
  const parsed = parsedResource(resource);
  // A greedy segment that is not the last: no resource API Gateway could have matched.
  if (parsed === null) { return received; }
  const { fixed, greedy } = parsed;
  const params = isRecord(event.pathParameters) ? event.pathParameters : undefined;
  const values: Record<string, string> = {};
  for (const name of parsed.names) {
    const value = params?.[name];
    // A resource whose parameters the event does not carry at all (API Gateway always sends them; a
    // hand-made or test-console event may not) cannot be rebuilt: routed on event.path.
    if (typeof value !== 'string') { return received; }
    values[name] = value;
  }
  if (received !== '') {
    const trimmed = withoutTrailingSlashes(received);
    const trailing = received.length > trimmed.length && trimmed !== '' ? '/' : '';
    const segments = trimmed === '' ? [] : trimmed.slice(trimmed.charCodeAt(0) === 47 ? 1 : 0).split('/');
    const start = tailStart(segments, fixed, greedy, values);
    if (start >= 0) {
      const tail = segments.slice(start).join('/');
      return tail === '' ? '/' : `/${tail}${trailing}`;
    }
    // The path does not account for the resource and its values (e.g. a greedy value of only
    // slashes behind a base path: `/v1//`): rebuilt from them, never `event.path`, which may carry
    // a custom domain's base path (issue 14 item 7).
  }
  let rebuilt = '';
  for (const piece of fixed) { rebuilt += `/${'text' in piece ? piece.text : values[piece.param]}`; }
  if (greedy !== undefined) { rebuilt += `/${values[greedy]}`; }
  return rebuilt === '' ? '/' : rebuilt;
}
