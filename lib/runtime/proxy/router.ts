/**
 * Routing on the request's own method and its path relative to the REST API's root
 * (RequestView.path, rebuilt with `event.resource` so that a custom domain's base path is left
 * out), never on which resource API Gateway matched: the catch-all and every synthesized ANY send
 * requests here, so the proxy decides.
 *
 * Precedence, per path segment: a static segment beats `{param}`, which beats a greedy
 * `{param+}` (last segment only, one or more segments). Candidates are tried in that order with
 * backtracking, and the first one that declares the request's method (or else ANY) wins: a
 * specific method beats ANY on the same path, and `GET /users/me` falls through to
 * `GET /users/{id}` when `/users/me` only declares DELETE. A trailing slash is ignored; segments
 * are percent-decoded (a malformed escape is kept as written).
 *
 * The tree is built lazily: a node sorts the routes below it into its children the first time a
 * request reaches it, so loading a group of 1000 APIs costs about what 10 cost (issue 8), and a
 * request only pays for the part of the tree it walks, once. Templates are checked when the
 * router is made, so a bad one still refuses the document at load.
 *
 * Prefix routes (MatchMode.PREFIX, Huawei's `SWA` match mode; the README's "Match mode" has the
 * rules): a route so marked also serves every path below its template, by whole segments.
 * It is the least specific candidate where its template ends: after the node's exact routes (on the
 * template's own path) and after its static, `{param}` and greedy children (on a longer path). As
 * the walk is depth-first with backtracking, the deepest (longest) matching prefix wins.
 */
import { decodeSegment } from '../shared/path-text';

/** One declared route, as the router needs it. */
export interface RouteSpec<T> {
  readonly method: string;
  readonly path: string;
  readonly target: T;
  /** Prefix route: also serves every path below `path` (whole segments). */
  readonly prefix?: boolean;
}

interface RouteEnd<T> {
  readonly target: T;
  /** Names of the `{param}` segments, in path order. */
  readonly params: readonly string[];
  /** Name of the trailing `{param+}`, if any. */
  readonly greedy?: string;
  readonly viaAny: boolean;
  /** A prefix route. */
  readonly prefix: boolean;
}

interface MethodTable<T> {
  readonly byMethod: Map<string, RouteEnd<T>>;
  any?: RouteEnd<T>;
}

/** A route not yet sorted into the tree: its raw segments, the next to place, its `{param}` names so far. */
interface PendingRoute<T> {
  readonly route: RouteSpec<T>;
  readonly segments: readonly string[];
  readonly next: number;
  readonly params: readonly string[];
}

interface Node<T> {
  readonly statics: Map<string, Node<T>>;
  param?: Node<T>;
  /** Routes below this node not yet sorted into its children (see the file comment). */
  pending?: PendingRoute<T>[];
  /** Routes whose path ends here. */
  end?: MethodTable<T>;
  /** Routes whose path ends here with a greedy segment. */
  greedy?: MethodTable<T>;
  /** Prefix routes whose template ends here: they serve this path and every path below it. */
  prefix?: MethodTable<T>;
}

export type RouteMatch<T> =
  | {
    readonly kind: 'route';
    readonly target: T;
    /** Decoded path parameters; a greedy one is its segments joined with `/`. */
    readonly params: Record<string, string>;
    /**
     * The same parameters as the client sent them (percent-encoded), as API Gateway puts them in
     * `pathParameters`.
     */
    readonly rawParams: Record<string, string>;
    /** Decoded segments of the greedy parameter, for per-segment re-encoding. */
    readonly greedy?: { readonly name: string; readonly segments: readonly string[] };
    /** True when the route was chosen through its ANY method. */
    readonly viaAny: boolean;
    /**
     * For a prefix route: the part of the path below its template (empty on the template's own
     * path), decoded and as sent, and whether the request's path ended with a `/` there.
     */
    readonly remainder?: PrefixRemainder;
  }
  | { readonly kind: 'no-path' }
  | { readonly kind: 'no-method' };

/** The path below a prefix route's template (see RouteMatch). */
export interface PrefixRemainder {
  /** Decoded segments. */
  readonly segments: readonly string[];
  /** The same segments as the client sent them (percent-encoded). */
  readonly raw: readonly string[];
  /** The request's path ended with `/` (kept for the backend when the remainder is not empty). */
  readonly trailingSlash: boolean;
}

const NO_PATH = { kind: 'no-path' } as const;
const NO_METHOD = { kind: 'no-method' } as const;

const PARAM = /^\{([^{}+]+)\}$/;
const GREEDY = /^\{([^{}+]+)\+\}$/;
/** A greedy segment followed by more segments (trailing slashes aside). */
const GREEDY_NOT_LAST = /\{[^{}+/]+\+\}\/+[^/]/;

function newNode<T>(): Node<T> {
  return { statics: new Map() };
}


/**
 * The path as the router matches it: segments percent-decoded (a malformed escape kept as written),
 * repeated and trailing slashes dropped. What a custom authorizer function is told, so that it
 * decides on the very path the API was chosen on (`/custom/%61dmin` → `/custom/admin`).
 */
export function routedPath(path: string): string {
  return `/${splitRawPath(path).map(decodeSegment).join('/')}`;
}

/** Splits a path into its raw (still percent-encoded) segments: '/a/b%20c/' → ['a', 'b%20c'], '/' → []. */
export function splitRawPath(path: string): string[] {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47 /* / */) { end--; }
  const start = path.charCodeAt(0) === 47 ? 1 : 0;
  if (end <= start) { return []; }
  return path.slice(start, end).split('/');
}

export class Router<T> {
  private readonly root: Node<T> = newNode();

  /** @throws Error when a path is not a valid route template */
  public constructor(routes: readonly RouteSpec<T>[]) {
    const pending: PendingRoute<T>[] = new Array(routes.length);
    for (let i = 0; i < routes.length; i++) {
      const route = routes[i];
      const path = route.path;
      if (path.charCodeAt(0) !== 47 /* / */) { throw new Error(`route path "${path}" must start with "/"`); }
      if (GREEDY_NOT_LAST.test(path)) { throw new Error(`route path "${path}": a greedy parameter must be the last segment`); }
      pending[i] = { route, segments: EMPTY, next: -1, params: EMPTY };
    }
    this.root.pending = pending;
  }

  public match(method: string, path: string): RouteMatch<T> {
    const raw = splitRawPath(path);
    const segments = raw.map(decodeSegment);
    const state: WalkState<T> = { method, segments, values: [], positions: [], pathSeen: false, greedyAt: -1, prefixAt: -1 };
    const end = walk(this.root, 0, state);
    if (!end) { return state.pathSeen ? NO_METHOD : NO_PATH; }
    const params: Record<string, string> = {};
    const rawParams: Record<string, string> = {};
    for (let i = 0; i < end.params.length; i++) {
      params[end.params[i]] = state.values[i];
      rawParams[end.params[i]] = raw[state.positions[i]];
    }
    let greedy: { name: string; segments: string[] } | undefined;
    if (end.greedy !== undefined) {
      const rest = segments.slice(state.greedyAt);
      params[end.greedy] = rest.join('/');
      rawParams[end.greedy] = raw.slice(state.greedyAt).join('/');
      greedy = { name: end.greedy, segments: rest };
    }
    let remainder: PrefixRemainder | undefined;
    if (end.prefix) {
      remainder = {
        segments: segments.slice(state.prefixAt),
        raw: raw.slice(state.prefixAt),
        trailingSlash: state.prefixAt < segments.length && path.length > 1 && path.charCodeAt(path.length - 1) === 47,
      };
    }
    return { kind: 'route', target: end.target, params, rawParams, greedy, viaAny: end.viaAny, remainder };
  }
}

const EMPTY: readonly string[] = [];

/** Route segments without the leading and trailing slashes: '/a/{b}/' → ['a', '{b}']. */
function templateSegments(path: string): string[] {
  const segments = path.split('/').slice(1);
  while (segments.length > 0 && segments[segments.length - 1] === '') { segments.pop(); }
  return segments;
}

/** Sorts a node's pending routes one level down: into its end or greedy table, or a child's pending list. */
function expand<T>(node: Node<T>): void {
  const pending = node.pending!;
  node.pending = undefined;
  for (const entry of pending) {
    const segments = entry.next < 0 ? templateSegments(entry.route.path) : entry.segments;
    const i = entry.next < 0 ? 0 : entry.next;
    if (i === segments.length) {
      const table = entry.route.prefix ? (node.prefix ??= { byMethod: new Map() }) : (node.end ??= { byMethod: new Map() });
      place(table, entry.route, entry.params, undefined);
      continue;
    }
    const segment = segments[i];
    const g = GREEDY.exec(segment);
    if (g) {
      place(node.greedy ??= { byMethod: new Map() }, entry.route, entry.params, g[1]);
      continue;
    }
    const p = PARAM.exec(segment);
    let child: Node<T>;
    let params = entry.params;
    if (p) {
      child = node.param ??= newNode();
      params = [...params, p[1]];
    } else {
      const key = decodeSegment(segment);
      const known = node.statics.get(key);
      if (known) {
        child = known;
      } else {
        child = newNode();
        node.statics.set(key, child);
      }
    }
    (child.pending ??= []).push({ route: entry.route, segments, next: i + 1, params });
  }
}

function place<T>(table: MethodTable<T>, route: RouteSpec<T>, params: readonly string[], greedy: string | undefined): void {
  const method = route.method.toUpperCase();
  // A prefix route ending in a greedy parameter is refused at synth (the greedy already serves every path below): an ordinary greedy here.
  const end: RouteEnd<T> = { target: route.target, params, greedy, viaAny: method === 'ANY', prefix: route.prefix === true && greedy === undefined };
  // (method, path) pairs are unique by synth-time validation; should one repeat, the first wins.
  if (method === 'ANY') {
    table.any ??= end;
  } else if (!table.byMethod.has(method)) {
    table.byMethod.set(method, end);
  }
}

interface WalkState<T> {
  readonly method: string;
  readonly segments: readonly string[];
  /** Values of the `{param}` segments on the current walk. */
  readonly values: string[];
  /** Index in the path of each of those values. */
  readonly positions: number[];
  /** Some route matched the path, whatever its method. */
  pathSeen: boolean;
  /** Index of the first segment taken by the greedy parameter. */
  greedyAt: number;
  /** Index of the first segment below the matched prefix route's template. */
  prefixAt: number;
}

function pick<T>(table: MethodTable<T>, state: WalkState<T>): RouteEnd<T> | undefined {
  state.pathSeen = true;
  return table.byMethod.get(state.method) ?? table.any;
}

function walk<T>(node: Node<T>, i: number, state: WalkState<T>): RouteEnd<T> | undefined {
  if (node.pending !== undefined) { expand(node); }
  const segments = state.segments;
  if (i === segments.length) {
    const exact = node.end ? pick(node.end, state) : undefined;
    if (exact || !node.prefix) { return exact; }
    // The prefix route's own path: after an exact route of the same path (Huawei: exact beats prefix).
    const own = pick(node.prefix, state);
    if (own) { state.prefixAt = i; }
    return own;
  }
  const segment = segments[i];
  const child = node.statics.get(segment);
  if (child) {
    const found = walk(child, i + 1, state);
    if (found) { return found; }
  }
  // A parameter takes a whole, non-empty segment.
  if (node.param && segment !== '') {
    state.values.push(segment);
    state.positions.push(i);
    const found = walk(node.param, i + 1, state);
    if (found) { return found; }
    state.values.pop();
    state.positions.pop();
  }
  if (node.greedy) {
    const found = pick(node.greedy, state);
    if (found) {
      state.greedyAt = i;
      return found;
    }
  }
  // Last, a prefix route ending here serves the rest of the path (whole segments, so `/a` never serves `/ab`).
  if (node.prefix) {
    const found = pick(node.prefix, state);
    if (found) {
      state.prefixAt = i;
      return found;
    }
  }
  return undefined;
}
