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
import { Router, RouteSpec } from '../proxy/router';

/** A route with the environments its API is published in (absent: every environment). */
export interface PublishedRoute<T> extends RouteSpec<T> {
  readonly environments?: readonly string[];
}

export class EnvironmentRoutes<T> {
  private readonly byStage = new Map<string, Router<T>>();
  private readonly everywhere: Router<T>;

  /** @throws Error when a path is not a valid route template */
  public constructor(routes: readonly PublishedRoute<T>[]) {
    this.everywhere = new Router(routes.filter(r => r.environments === undefined));
    const names = new Set(routes.flatMap(r => r.environments ?? []));
    for (const name of names) {
      this.byStage.set(name, new Router(routes.filter(r => r.environments === undefined || r.environments.includes(name))));
    }
  }

  /** The router of the APIs published in `stage`. */
  public forStage(stage: string): Router<T> {
    return this.byStage.get(stage) ?? this.everywhere;
  }
}

/**
 * An API document's `environments`: undefined (every environment), or a list of names.
 *
 * @throws Error when present but not a list of non-empty strings
 */
export function publishedIn(value: unknown, where: string): string[] | undefined {
  // null: left out before a later routing field (the match mode).
  if (value === undefined || value === null) { return undefined; }
  if (!Array.isArray(value) || !value.every(v => typeof v === 'string' && v !== '')) {
    throw new Error(`${where}.environments is not a list of environment names`);
  }
  return value as string[];
}

/**
 * An API document's `matchMode`: true for PREFIX (the API also serves every path below its own),
 * false when absent or EXACT.
 *
 * @throws Error for any other value
 */
export function isPrefixRoute(value: unknown, where: string): boolean {
  if (value === undefined || value === null || value === 'EXACT') { return false; }
  if (value === 'PREFIX') { return true; }
  throw new Error(`${where}.matchMode is neither EXACT nor PREFIX`);
}

/**
 * The routers of a document's `apis` (`config.json`'s routing tuples: method, path, response,
 * environments, match mode), for the proxy and the authorizer alike; `target` makes what the
 * router holds for the API at `index` (checked after its method and path, before the rest).
 *
 * @throws Error naming the first problem (a tuple without a string method and path, a bad
 * `environments` or `matchMode`, a path that is not a valid route template, or what `target` throws)
 */
export function documentRoutes<T>(apis: readonly unknown[], target: (index: number, route: ApiRouteDocument) => T): EnvironmentRoutes<T> {
  const routes: PublishedRoute<T>[] = new Array(apis.length);
  for (let i = 0; i < apis.length; i++) {
    const route = apis[i] as ApiRouteDocument;
    if (!Array.isArray(route) || typeof route[0] !== 'string' || typeof route[1] !== 'string') {
      throw new Error(`apis[${i}] needs a string method and path`);
    }
    routes[i] = {
      method: route[0],
      path: route[1],
      target: target(i, route),
      environments: route[3] === undefined ? undefined : publishedIn(route[3], `apis[${i}]`),
      prefix: isPrefixRoute(route[4], `apis[${i}]`),
    };
  }
  try {
    return new EnvironmentRoutes(routes);
  } catch (err) {
    throw new Error((err as Error).message);
  }
}
