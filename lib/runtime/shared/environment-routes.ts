/**
 * Routing per environment (Huawei: an API is published to some of its group's environments; on
 * AWS each environment is a stage of the same REST API and deployment). The proxy and the
 * authorizer receive every stage's requests, so they route with the APIs published in the stage
 * the request arrived on (`requestContext.stage`): elsewhere an API does not exist, and the
 * request gets NOT_FOUND ("...has not been published in the environment"), or falls through to
 * another API whose path also matches, exactly as if the API had not been declared.
 *
 * An API without an `environments` list is published everywhere. One router per environment
 * named in the document (at most 10, by synth-time validation), built at cold start; a stage the
 * document does not name (a stage added by hand) only sees the APIs published everywhere.
 */
import { ApiRouteDocument } from '../../private/config-document';
import { Router, RouteSource } from '../proxy/router';

export class EnvironmentRoutes<T> {
  private readonly byStage = new Map<string, Router<T>>();
  private readonly everywhere: Router<T>;

  /**
   * @param publishedIn each route's environments (undefined: every environment); absent when no
   * route names any (then one router, over every route)
   * @throws Error when a path is not a valid route template
   */
  public constructor(source: RouteSource<T>, publishedIn?: ReadonlyArray<readonly string[] | undefined>) {
    if (publishedIn === undefined) {
      this.everywhere = new Router(source);
      return;
    }
    const indexes = (keep: (environments: readonly string[] | undefined) => boolean): number[] => {
      const out: number[] = [];
      for (let i = 0; i < source.count; i++) { if (keep(publishedIn[i])) { out.push(i); } }
      return out;
    };
    this.everywhere = new Router(source, indexes(e => e === undefined));
    const names = new Set(publishedIn.flatMap(e => e ?? []));
    for (const name of names) {
      this.byStage.set(name, new Router(source, indexes(e => e === undefined || e.includes(name))));
    }
  }

  /** The router of the APIs published in `stage`. */
  public forStage(stage: string): Router<T> {
    return this.byStage.get(stage) ?? this.everywhere;
  }
}

/**
 * The `environments` of the API at `index`: undefined (every environment), or a list of names.
 * (The index, not a ready-made `apis[i]`: the message is built only on failure, never 1000 times at load.)
 *
 * @throws Error when present but not a list of non-empty strings
 */
export function publishedIn(value: unknown, index: number): string[] | undefined {
  // null: left out before a later routing field (the match mode).
  if (value === undefined || value === null) { return undefined; }
  if (!Array.isArray(value) || !value.every(v => typeof v === 'string' && v !== '')) {
    throw new Error(`apis[${index}].environments is not a list of environment names`);
  }
  return value as string[];
}

/**
 * The `matchMode` of the API at `index`: true for PREFIX (the API also serves every path below its own),
 * false when absent or EXACT.
 *
 * @throws Error for any other value
 */
export function isPrefixRoute(value: unknown, index: number): boolean {
  if (value === undefined || value === null || value === 'EXACT') { return false; }
  if (value === 'PREFIX') { return true; }
  throw new Error(`apis[${index}].matchMode is neither EXACT nor PREFIX`);
}

/**
 * The routers of a document's `apis` (`config.json`'s routing tuples: method, path, response,
 * environments, match mode), for the proxy and the authorizer alike. `check` looks at the API at
 * `index` at load (after its method and path, before the rest) and throws to refuse the document;
 * `target` makes what the router holds for it, only when a request first reaches its route
 * (once, shared by every environment's router).
 *
 * Nothing is made per API at load (issue 15: a cold start's allocations grew with the group): the
 * routers read the tuples in place.
 *
 * @throws Error naming the first problem (a tuple without a string method and path, a bad
 * `environments` or `matchMode`, a path that is not a valid route template, or what `check` throws)
 */
export function documentRoutes<T>(apis: readonly unknown[], target: (index: number, route: ApiRouteDocument) => T,
  check: (index: number, route: ApiRouteDocument) => void = () => undefined): EnvironmentRoutes<T> {
  let publishedInSome: Array<string[] | undefined> | undefined;
  for (let i = 0; i < apis.length; i++) {
    const route = apis[i] as ApiRouteDocument;
    if (!Array.isArray(route) || typeof route[0] !== 'string' || typeof route[1] !== 'string') {
      throw new Error(`apis[${i}] needs a string method and path`);
    }
    check(i, route);
    const environments = route[3] === undefined ? undefined : publishedIn(route[3], i);
    if (environments !== undefined) { (publishedInSome ??= new Array(apis.length))[i] = environments; }
    isPrefixRoute(route[4], i);
  }
  const routes = apis as readonly ApiRouteDocument[];
  const targets = new Map<number, T>(); // filled as requests reach routes: a few, not one per API
  const source: RouteSource<T> = {
    count: apis.length,
    method: i => routes[i][0],
    path: i => routes[i][1],
    prefix: i => isPrefixRoute(routes[i][4], i),
    target: i => {
      let made = targets.get(i);
      if (made === undefined) {
        made = target(i, routes[i]);
        targets.set(i, made);
      }
      return made;
    },
  };
  try {
    return new EnvironmentRoutes(source, publishedInSome);
  } catch (err) {
    throw new Error((err as Error).message);
  }
}
