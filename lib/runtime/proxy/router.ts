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
 * request only pays for the part of the tree it walks, once. Routes are read by index from a
 * RouteSource, segment by segment in place in one shared text, and what a match returns is asked
 * for only when a request reaches its route (issue 15: no object or string per route, at load or
 * on the first request). Templates are checked by the source (route-table.ts at load, specSource),
 * so a bad one still refuses the document at load.
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

/**
 * The declared routes, read by index: what the router needs of each, asked for only when a request
 * first reaches where the route sits in the tree. No object and no string per route at load
 * (issue 15: the allocations of 1000 route objects, not their CPU, made a cold start grow with the
 * group): a path is read in place, as the span `[pathStarts[i], pathEnds[i])` of one shared `text`
 * (the routes file, route-table.ts). Typed arrays rather than methods: sorting reads them for every
 * route, in a cold process's interpreter, where each call costs more than the read.
 */
export interface RouteSource<T> {
  readonly count: number;
  /** The text every path is read from. */
  readonly text: string;
  /** Where each route's path starts in `text` (its leading `/`). */
  readonly pathStarts: Int32Array;
  /** Where each route's path ends in `text` (exclusive). */
  readonly pathEnds: Int32Array;
  method(index: number): string;
  prefix(index: number): boolean;
  /** What a match on the route returns; asked once per router, when the route is placed. */
  target(index: number): T;
}

/**
 * Checks a route template as the router needs it: a leading `/`, and a greedy `{name+}` only as
 * the last segment.
 *
 * @throws Error naming the path otherwise
 */
export function checkRoutePath(path: string): void {
  if (path.charCodeAt(0) !== 47 /* / */) { throw new Error(`route path "${path}" must start with "/"`); }
  if (GREEDY_NOT_LAST.test(path)) { throw new Error(`route path "${path}": a greedy parameter must be the last segment`); }
}

/**
 * The source of a list of RouteSpec objects (tests, benchmarks): their paths joined into one text.
 *
 * @throws Error when a path is not a valid route template
 */
export function specSource<T>(routes: readonly RouteSpec<T>[]): RouteSource<T> {
  const pathStarts = new Int32Array(routes.length);
  const pathEnds = new Int32Array(routes.length);
  let text = '';
  routes.forEach((route, i) => {
    checkRoutePath(route.path);
    pathStarts[i] = text.length;
    pathEnds[i] = text.length + route.path.length;
    text += `${route.path}\n`;
  });
  return {
    count: routes.length,
    text,
    pathStarts,
    pathEnds,
    method: i => routes[i].method,
    prefix: i => routes[i].prefix === true,
    target: i => routes[i].target,
  };
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

interface Node<T> {
  readonly statics: Map<string, Node<T>>;
  param?: Node<T>;
  /**
   * The routes below this node not yet sorted into its children (see the file comment): the first
   * and last of a list linked through the router's `next`, in declaration order. Where each
   * route's next segment starts is the router's `cursor`.
   */
  pending?: { first: number; last: number };
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

/**
 * What sorting pending routes reads: the routes, where each one's next unsorted segment starts in
 * the text (0: at the start of its path), and the route after it in its pending list, as the
 * number of routes skipped (0: the very next route; a list's own `last` ends it). A route sits in
 * one pending list at a time, so one of each per route, typed: outside the JavaScript heap, whose
 * first collections were what a cold start at 1000 APIs paid (issue 15); and a new array of zeros
 * is already the list of every route, so a router over all of them links nothing at load.
 */
interface Sorting<T> {
  readonly source: RouteSource<T>;
  readonly cursor: Int32Array;
  readonly next: Int32Array;
}

export class Router<T> {
  private readonly root: Node<T> = newNode();
  private readonly sorting: Sorting<T>;

  /** The router of `source`'s routes, or of those at `only` (indexes, in declaration order). */
  public constructor(source: RouteSource<T>, only?: readonly number[]) {
    const next = new Int32Array(source.count);
    const count = only ? only.length : source.count;
    if (only) {
      // An indexed loop: a cold process runs it in the interpreter, where `for...of` allocates a result object per step.
      for (let k = 1; k < count; k++) { next[only[k - 1]] = only[k] - only[k - 1] - 1; }
    }
    if (count > 0) { this.root.pending = { first: only ? only[0] : 0, last: only ? only[count - 1] : count - 1 }; }
    // cursor 0: the route's path not read yet (expand starts it after the path's leading `/`).
    this.sorting = { source, cursor: new Int32Array(source.count), next };
  }

  /** The router of a list of routes. */
  public static of<T>(routes: readonly RouteSpec<T>[]): Router<T> {
    return new Router(specSource(routes));
  }

  public match(method: string, path: string): RouteMatch<T> {
    const raw = splitRawPath(path);
    const segments = raw.map(decodeSegment);
    const state: WalkState<T> = { method, segments, values: [], positions: [], pathSeen: false, greedyAt: -1, prefixAt: -1 };
    const end = walk(this.sorting, this.root, 0, state);
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

const STATIC = 0;
const PARAM = 1;
const GREEDY = 2;

/**
 * What the template segment `path[start, end)` is: `{name}` (PARAM), `{name+}` (GREEDY), or
 * anything else, matched as written (STATIC); a name has no `{`, `}` or `+`. Read in place: no
 * substring per route.
 */
function segmentKind(path: string, start: number, end: number): number {
  if (end - start < 3 || path.charCodeAt(start) !== 123 /* { */ || path.charCodeAt(end - 1) !== 125 /* } */) { return STATIC; }
  const greedy = path.charCodeAt(end - 2) === 43 /* + */;
  const nameEnd = greedy ? end - 2 : end - 1;
  if (nameEnd <= start + 1) { return STATIC; }
  for (let k = start + 1; k < nameEnd; k++) {
    const c = path.charCodeAt(k);
    if (c === 123 || c === 125 || c === 43) { return STATIC; }
  }
  return greedy ? GREEDY : PARAM;
}

/** Where the template `text[from, to)` ends without its trailing slashes (`from` for `/`). */
function trimmedEnd(text: string, from: number, to: number): number {
  let end = to;
  while (end > from && text.charCodeAt(end - 1) === 47 /* / */) { end--; }
  return end;
}

/** Where the segment starting at `start` ends (its `/`, or `limit`). */
function segmentEnd(text: string, start: number, limit: number): number {
  const slash = text.indexOf('/', start);
  return slash < 0 || slash > limit ? limit : slash;
}

/**
 * Names of the `{param}` segments of the template `text[from, to)`, in path order (read when a
 * route is placed: a few per request path).
 */
function paramNames(text: string, from: number, to: number): string[] {
  const names: string[] = [];
  const limit = trimmedEnd(text, from, to);
  for (let start = from + 1; start <= limit;) {
    const end = segmentEnd(text, start, limit);
    if (segmentKind(text, start, end) === PARAM) { names.push(text.slice(start + 1, end - 1)); }
    start = end + 1;
  }
  return names;
}

/**
 * Sorts a node's pending routes one level down: into its end or greedy table, or a child's pending
 * list. Segments are read in place from each route's path (the router's cursor) and the lists are
 * linked through `next`: what this allocates is the children, and a key per run of routes with
 * the same segment.
 */
function expand<T>({ source, cursor, next }: Sorting<T>, node: Node<T>): void {
  const pending = node.pending!;
  node.pending = undefined;
  const { text, pathStarts, pathEnds } = source;
  // The last static segment read and its child: routes are declared grouped (a path's methods in a
  // row), so most segments are the previous one again, compared in place instead of cut out.
  let lastRaw = '';
  let lastChild: Node<T> | undefined;
  // The last route sent to a child: a route with the very same path span at the same cursor (the
  // routes file writes a path once for a run of its methods) goes where it went, unread.
  let runFrom = -1;
  let runStart = -1;
  let runEnd = -1;
  let runChild: Node<T> | undefined;
  // Lists hold routes in declaration order: each route is linked after the previous one.
  for (let i = pending.first, following = 0, done = false; !done; i = following) {
    done = i === pending.last;
    following = i + 1 + next[i];
    const from = pathStarts[i];
    const start = cursor[i] === 0 ? from + 1 : cursor[i];
    let child: Node<T>;
    let end: number;
    if (from === runFrom && start === runStart) {
      child = runChild!;
      end = runEnd;
    } else {
      const to = pathEnds[i];
      // (Most templates have no trailing slash: the loop only where one is.)
      const limit = text.charCodeAt(to - 1) === 47 /* / */ ? trimmedEnd(text, from, to) : to;
      if (start > limit) {
        const prefix = source.prefix(i);
        const table = prefix ? (node.prefix ??= { byMethod: new Map() }) : (node.end ??= { byMethod: new Map() });
        place(table, source, i, undefined);
        continue;
      }
      end = segmentEnd(text, start, limit);
      // Only a segment starting with `{` can be a parameter.
      const kind = text.charCodeAt(start) === 123 /* { */ ? segmentKind(text, start, end) : STATIC;
      if (kind === GREEDY) {
        place(node.greedy ??= { byMethod: new Map() }, source, i, text.slice(start + 1, end - 2));
        continue;
      }
      if (kind === PARAM) {
        child = node.param ??= newNode();
      } else if (lastChild !== undefined && end - start === lastRaw.length && text.startsWith(lastRaw, start)) {
        child = lastChild;
      } else {
        lastRaw = text.slice(start, end);
        const key = decodeSegment(lastRaw);
        const known = node.statics.get(key);
        if (known) {
          child = known;
        } else {
          child = newNode();
          node.statics.set(key, child);
        }
        lastChild = child;
      }
      runFrom = from;
      runStart = start;
      runEnd = end;
      runChild = child;
    }
    cursor[i] = end + 1;
    if (child.pending === undefined) {
      child.pending = { first: i, last: i };
    } else {
      next[child.pending.last] = i - child.pending.last - 1;
      child.pending.last = i;
    }
  }
}

function place<T>(table: MethodTable<T>, source: RouteSource<T>, index: number, greedy: string | undefined): void {
  const method = source.method(index).toUpperCase();
  // (method, path) pairs are unique by synth-time validation; should one repeat, the first wins.
  if (method === 'ANY' ? table.any !== undefined : table.byMethod.has(method)) { return; }
  // A prefix route ending in a greedy parameter is refused at synth (the greedy already serves every path below): an ordinary greedy here.
  const end: RouteEnd<T> = {
    target: source.target(index),
    params: paramNames(source.text, source.pathStarts[index], source.pathEnds[index]),
    greedy,
    viaAny: method === 'ANY',
    prefix: source.prefix(index) && greedy === undefined,
  };
  if (method === 'ANY') {
    table.any = end;
  } else {
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

function walk<T>(sorting: Sorting<T>, node: Node<T>, i: number, state: WalkState<T>): RouteEnd<T> | undefined {
  if (node.pending !== undefined) { expand(sorting, node); }
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
    const found = walk(sorting, child, i + 1, state);
    if (found) { return found; }
  }
  // A parameter takes a whole, non-empty segment.
  if (node.param && segment !== '') {
    state.values.push(segment);
    state.positions.push(i);
    const found = walk(sorting, node.param, i + 1, state);
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
