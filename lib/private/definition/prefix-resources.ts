import type { PathSegment } from '../paths';
import type { ApiShape } from './api-shape';
import { Landing, ResourceNode, ResourceTree } from './resource-tree';

/**
 * A PREFIX API (MatchMode.PREFIX, Huawei `SWA`) in the REST API's document, when API Gateway must
 * see it individually (IAM, its own throttle: exposure.ts). Its requests are its own path and any
 * path below it, so its method is declared on its own resource and on every resource below it that
 * does not already declare that method (or ANY) for another API, and every resource below it without
 * a variable child gets a greedy `{proxy+}` closure that declares it too: wherever API Gateway lands
 * a request under the prefix, with or without backtracking, the API's IAM method and throttle apply
 * (DESIGN section 11). Those are its own resources; the proxy serves it through no other
 * (ApiDocument.ownResources).
 *
 * Agreement with the proxy's router (lib/runtime/proxy/router.ts): a resource below the prefix that
 * declares the method for another API is that API's (an exact match, or a longer prefix, which win);
 * on the prefix's own path an EXACT API of the same method wins (its resource declares the method, so
 * the prefix API does not claim it).
 */

/** A greedy segment standing for "any path below". */
const BELOW: PathSegment = { text: '{proxy+}', variable: 'proxy', greedy: true };

/** Where the requests of a path pattern land, and for a prefix pattern those of every path below it too. */
export function landingOf(tree: ResourceTree, segments: readonly PathSegment[], prefix: boolean | undefined): Landing {
  const own = tree.landing(segments);
  if (!prefix) { return own; }
  const below = tree.landing([...segments, BELOW]);
  return { nodes: new Set([...own.nodes, ...below.nodes]), stuck: new Set([...own.stuck, ...below.stuck]) };
}

function free(node: ResourceNode, method: string): boolean {
  return !node.declared.has(method) && !node.declared.has('ANY');
}

/** Declares the exposed PREFIX API `api` on `node` (its own path's resource) and below it (see the file comment). */
export function claimPrefixResources(tree: ResourceTree, node: ResourceNode, api: ApiShape): void {
  if (free(node, api.method)) { node.declared.set(api.method, api.id); }
  const below = (at: ResourceNode): void => {
    if (!at.variable) { tree.close(at); }
    for (const child of [...at.literals.values(), at.variable!]) {
      if (free(child, api.method)) { child.declared.set(api.method, api.id); }
      if (!child.greedy) { below(child); }
    }
  };
  below(node);
}

/** The resources that declare `api`'s method for it (its own resources), in the tree's order. */
export function ownNodesOf(tree: ResourceTree, api: ApiShape): ResourceNode[] {
  return tree.nodes.filter(n => n.declared.get(api.method) === api.id);
}
