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
import { Router, RouteSource } from '../proxy/router';
import { RouteTable } from './route-table';

export class EnvironmentRoutes<T> {
  private readonly byStage = new Map<string, Router<T>>();
  private readonly everywhere: Router<T>;

  /**
   * @param publishedIn each route's environments (undefined: every environment); absent when no
   * route names any (then one router, over every route)
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
 * The routers of a document's routes (`routes.tsv`, read in place by a RouteTable), for the proxy
 * and the authorizer alike. `target` makes what the router holds for the API at `index`, only when
 * a request first reaches its route (once, shared by every environment's router).
 *
 * Nothing is made per API at load (issue 15: a cold start's allocations grew with the group): the
 * routers read the table in place.
 */
export function documentRoutes<T>(table: RouteTable, target: (index: number) => T): EnvironmentRoutes<T> {
  const targets = new Map<number, T>(); // filled as requests reach routes: a few, not one per API
  const source: RouteSource<T> = {
    count: table.count,
    text: table.text,
    pathStarts: table.pathStarts,
    pathEnds: table.pathEnds,
    method: i => table.method(i),
    prefix: i => table.prefix(i),
    target: i => {
      let made = targets.get(i);
      if (made === undefined) {
        made = target(i);
        targets.set(i, made);
      }
      return made;
    },
  };
  return new EnvironmentRoutes(source, table.publishedIn());
}
