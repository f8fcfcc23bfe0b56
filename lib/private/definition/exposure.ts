import { LIMITS } from '../../limits';
import { Problem } from '../checks';
import { ApiShape } from './api-shape';
import { unimportableSegment } from './importable-paths';
import { claimPrefixResources, landingOf, ownNodesOf } from './prefix-resources';
import { ResourceNode, ResourceTree } from './resource-tree';

/**
 * Which APIs API Gateway sees individually (their own path and method in the OpenAPI document),
 * and which ride the catch-all `ANY /` and `ANY /{proxy+}` (DESIGN section 11). The proxy and the
 * authorizer route on the request themselves, so an API needs its own method only where API
 * Gateway enforces something per method:
 * - `iam`: SigV4 is checked per method (authorization type AWS_IAM);
 * - `throttle`: stage method settings are keyed by resource path and method;
 * - `options`: with CORS, every resource answers OPTIONS with the native preflight, unless an API
 *   declares OPTIONS there;
 * - `shadowed`: another API's method would otherwise serve this API's requests with the wrong
 *   checks (IAM, no authorizer for an API that needs its verdict, or the other API's own throttle);
 * - `noAuthorizer`: the catch-all carries the authorizer (an API riding it needs one), and this
 *   API, which needs none, should not pay an authorizer call; only while the quota allows.
 * - `direct`: API Gateway calls the API's backend itself (direct integration, README "Direct
 *   integration"): the method integrates the backend instead of the proxy. Forced ones (`direct:
 *   true`) always; AUTO's candidates while the quota allows and their method would serve no other
 *   API's requests.
 * Usage-plan API keys are not a reason: the authorizer hands API Gateway a key for every request
 * it sees (the app's, or the refusal key), so every method carrying the authorizer requires one,
 * the catch-all included, and the apps' plans meter their requests wherever they land.
 */
export type ExposureReason = 'iam' | 'throttle' | 'options' | 'shadowed' | 'noAuthorizer' | 'direct';

/** The decision for one API. */
export interface ExposureDecision {
  readonly api: ApiShape;
  /** True when the document declares the API's own method. */
  readonly exposed: boolean;
  readonly reasons: ExposureReason[];
  /** The resource of an exposed API (as the document spells it). */
  readonly resourcePath?: string;
  /** Why an API that would rather be seen individually rides the catch-all, or which API shadows it. */
  readonly note?: string;
  /** True when API Gateway calls the API's backend itself (its method integrates the backend). */
  readonly direct: boolean;
  /** Why an AUTO direct candidate stays on the proxy (quota, or its method would serve another API's requests). */
  readonly directNote?: string;
  /**
   * An exposed PREFIX API's own resources (its path, and those below it that declare its method:
   * prefix-resources.ts), as the document spells them.
   */
  readonly ownResources?: string[];
  /**
   * The resources a rider's requests reach (as the document spells them), as API Gateway matches
   * them: where it really rides (its deployment report says so).
   */
  readonly landsOn?: string[];
}

/** One method of a resource in the document. */
export interface PlannedMethod {
  /** GET, POST, ..., ANY. */
  readonly httpMethod: string;
  /** `api`: an exposed API's method; `fallback`: ANY to the proxy; `preflight`: the native CORS answer. */
  readonly kind: 'api' | 'fallback' | 'preflight';
  // An OPTIONS `fallback` beside an API's ANY: preflights reach the proxy, which answers with an API's own CORS.
  /** The exposed API's id, for `api`. */
  readonly apiId?: string;
  readonly iam: boolean;
  readonly authorizer: boolean;
  readonly apiKey: boolean;
  /** An `api` method whose API Gateway integration calls the API's backend itself (not the proxy). */
  readonly direct?: boolean;
}

/** One API Gateway resource of the document. */
export interface PlannedResource {
  readonly path: string;
  /** Path parameter names, root first (a greedy one without its `+`). */
  readonly parameters: string[];
  readonly closure: boolean;
  readonly methods: PlannedMethod[];
}

/** A stage method setting for an API's own throttle. */
export interface PlannedMethodSetting {
  readonly apiId: string;
  /** The resource path, `/` encoded as `~1` as CloudFormation's MethodSetting wants it. */
  readonly resourcePath: string;
  readonly httpMethod: string;
  readonly rateLimit?: number;
  readonly burstLimit?: number;
}

export interface ExposurePlan {
  /** One per API, in definition order. */
  readonly decisions: ExposureDecision[];
  /** The document's resources, root first. */
  readonly resources: PlannedResource[];
  /** API Gateway resources counted against the quota (every resource but the root). */
  readonly resourceCount: number;
  readonly maxResources: number;
  /** True when some method carries the REQUEST authorizer (the document defines it). */
  readonly usesAuthorizer: boolean;
  /** False when the root's variable resource leaves no room for `/{proxy+}` (unknown paths below it are not caught). */
  readonly catchAll: boolean;
  readonly methodSettings: PlannedMethodSetting[];
  /** Routes API Gateway cannot express (one variable resource per level). */
  readonly problems: Problem[];
}

export interface ExposureOptions {
  /** CORS declared: every resource answers OPTIONS natively unless an API declares it. */
  readonly cors: boolean;
  /** Per-app usage plans: methods carrying the authorizer require the key it supplies. */
  readonly usagePlans: boolean;
  /** @default 300 (API Gateway's default quota) */
  readonly maxResources?: number;
  /** Ids of the APIs that must go direct (`direct: true`). */
  readonly direct?: ReadonlySet<string>;
  /** Ids of the APIs that go direct while the quota allows (DirectIntegration.AUTO), in definition order. */
  readonly directCandidates?: ReadonlySet<string>;
}

/** Exposure reasons for which API Gateway enforces something on the API's own method only. */
const ENFORCED: ReadonlySet<ExposureReason> = new Set<ExposureReason>(['iam', 'throttle', 'shadowed']);

const CONCRETE_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/** Plans the document's resources and methods for `apis` (in definition order). */
export function planExposure(apis: readonly ApiShape[], options: ExposureOptions): ExposurePlan {
  const maxResources = options.maxResources ?? LIMITS.restResourcesPerApi;
  const reasons = new Map<ApiShape, ExposureReason[]>();
  const notes = new Map<ApiShape, string>();
  const add = (api: ApiShape, reason: ExposureReason): void => {
    reasons.set(api, [...(reasons.get(api) ?? []), reason]);
  };
  for (const api of apis) {
    if (api.enforcement === 'iam') { add(api, 'iam'); }
    if (api.throttle) { add(api, 'throttle'); }
    if (options.cors && api.method === 'OPTIONS') { add(api, 'options'); }
  }

  for (const api of apis) {
    if (options.direct?.has(api.id)) { add(api, 'direct'); }
  }
  let layout = closeShadows(apis, reasons, notes);

  // AUTO's direct candidates first (each saves the proxy's invocation), then the APIs that only
  // save an authorizer call: both only while the quota allows and no other API's requests would
  // reach their method.
  const directNotes = new Map<ApiShape, string>();
  const directCandidates = apis.filter(a => options.directCandidates?.has(a.id) && !reasons.get(a)?.includes('direct'));
  if (directCandidates.length > 0) {
    layout = exposeWhileAccepted(apis, reasons, layout, directCandidates, 'direct', maxResources,
      (api, why) => directNotes.set(api, `stays on the proxy: ${why}`));
  }
  // APIs without authorizer-based auth get their own path when the catch-all carries the
  // authorizer, as long as the quota allows and their method captures no authenticated API.
  const riders = apis.filter(a => !reasons.has(a));
  if (riders.some(a => a.enforcement === 'authorizer')) {
    // A path API Gateway's import refuses (importable-paths.ts) is only ever routed by the proxy.
    const candidates = riders.filter(a => a.enforcement === 'none' && unimportableSegment(a) === undefined);
    if (candidates.length > 0) {
      layout = exposeWhileAccepted(apis, reasons, layout, candidates, 'noAuthorizer', maxResources,
        (api, why) => notes.set(api, `rides the catch-all and pays an authorizer call: ${why}`));
    }
  }

  return finish(apis, reasons, notes, directNotes, layout, options, maxResources);
}

/**
 * Gives `candidates` the reason `reason` (their own method): all at once when the layout accepts
 * them, else one by one in definition order; `refused` is told why each one left out is.
 */
function exposeWhileAccepted(apis: readonly ApiShape[], reasons: Map<ApiShape, ExposureReason[]>, current: Layout,
  candidates: readonly ApiShape[], reason: ExposureReason, maxResources: number, refused: (api: ApiShape, why: string) => void): Layout {
  const accepts = (chosen: readonly ApiShape[]): Layout | string => {
    const trial = new Map(reasons);
    for (const api of chosen) { trial.set(api, [...(trial.get(api) ?? []), reason]); }
    const tried = buildLayout(apis, trial);
    if (tried.conflicts.length > 0) {
      const c = tried.conflicts[0];
      return `its method would also serve requests of API ${c.rider.name} (${c.rider.method} ${c.rider.path})`
        + (reason === 'noAuthorizer' ? ', which needs the authorizer' : '');
    }
    if (tried.tree.resourceCount > maxResources) {
      return `its own path would bring the REST API to ${tried.tree.resourceCount} API Gateway resources, above the quota of ${maxResources}`;
    }
    return tried;
  };
  const all = accepts(candidates);
  if (typeof all !== 'string') {
    for (const api of candidates) { reasons.set(api, [...(reasons.get(api) ?? []), reason]); }
    return all;
  }
  let layout = current;
  const taken: ApiShape[] = [];
  for (const api of candidates) {
    const tried = accepts([...taken, api]);
    if (typeof tried === 'string') {
      refused(api, tried);
    } else {
      taken.push(api);
      layout = tried;
    }
  }
  for (const api of taken) { reasons.set(api, [...(reasons.get(api) ?? []), reason]); }
  return layout;
}

interface Conflict {
  readonly rider: ApiShape;
  readonly by: ApiShape;
}

interface Layout {
  readonly tree: ResourceTree;
  readonly nodeOf: Map<ApiShape, ResourceNode>;
  readonly byId: Map<string, ApiShape>;
  /** Riders and the resources (with methods) their requests reach. */
  readonly reach: Map<ApiShape, ResourceNode[]>;
  readonly conflicts: Conflict[];
  readonly problems: Problem[];
}

/** Exposes riders that another API's method would serve with the wrong checks, until none is left. */
function closeShadows(apis: readonly ApiShape[], reasons: Map<ApiShape, ExposureReason[]>, notes: Map<ApiShape, string>): Layout {
  for (;;) {
    const layout = buildLayout(apis, reasons);
    if (layout.conflicts.length === 0) { return layout; }
    for (const { rider, by } of layout.conflicts) {
      if (reasons.has(rider)) { continue; }
      reasons.set(rider, ['shadowed']);
      notes.set(rider, `API ${by.name} (${by.method} ${by.path}) would otherwise serve its requests`);
    }
  }
}

/** The tree of the exposed APIs, closed for the riders, and what serves each rider's requests. */
function buildLayout(apis: readonly ApiShape[], reasons: Map<ApiShape, ExposureReason[]>): Layout {
  const tree = new ResourceTree();
  const nodeOf = new Map<ApiShape, ResourceNode>();
  const byId = new Map<string, ApiShape>();
  const problems: Problem[] = [];
  for (const api of apis) {
    if (!reasons.has(api) || api.prefix) { continue; }
    const node = tree.insert(api.path, api.segments);
    if (!(node instanceof ResourceNode)) { problems.push(node); continue; }
    node.declared.set(api.method, api.id);
    nodeOf.set(api, node);
    byId.set(api.id, api);
  }
  // PREFIX APIs after the exact ones (an exact API of the same method and path keeps its resource),
  // the deepest first (a longer prefix keeps what is below it): prefix-resources.ts.
  const prefixes = apis.filter(a => a.prefix && reasons.has(a)).sort((a, b) => b.segments.length - a.segments.length);
  for (const api of prefixes) {
    const node = tree.insert(api.path, api.segments);
    if (!(node instanceof ResourceNode)) { problems.push(node); continue; }
    claimPrefixResources(tree, node, api);
    nodeOf.set(api, node);
    byId.set(api.id, api);
  }
  const riders = apis.filter(a => !reasons.has(a));
  // Close every resource where a rider's request could get stuck, and the root (the catch-all).
  const stuck = new Set<ResourceNode>();
  if (!tree.root.variable) { stuck.add(tree.root); }
  for (const rider of riders) {
    for (const node of landingOf(tree, rider.segments, rider.prefix).stuck) { stuck.add(node); }
  }
  for (const node of stuck) { tree.close(node); }

  const reach = new Map<ApiShape, ResourceNode[]>();
  const conflicts: Conflict[] = [];
  for (const rider of riders) {
    const nodes = [...landingOf(tree, rider.segments, rider.prefix).nodes];
    reach.set(rider, nodes);
    for (const node of nodes) {
      for (const method of methodsOf(rider)) {
        const servedBy = node.declared.get(method) ?? node.declared.get('ANY');
        if (servedBy === undefined) { continue; } // the fallback ANY (or the native preflight)
        const by = byId.get(servedBy)!;
        // IAM would refuse the rider's unsigned requests, a method without the authorizer would bring them
        // without a verdict, a method's own throttle (a stage method setting) would throttle them too, and
        // a direct method would send them to its own backend.
        if (by.enforcement === 'iam' || (rider.enforcement === 'authorizer' && by.enforcement !== 'authorizer') || by.throttle !== undefined
          || reasons.get(by)!.includes('direct')) {
          conflicts.push({ rider, by });
        }
      }
    }
  }
  return { tree, nodeOf, byId, reach, conflicts, problems };
}

function methodsOf(api: ApiShape): string[] {
  return api.method === 'ANY' ? CONCRETE_METHODS : [api.method];
}

function finish(apis: readonly ApiShape[], reasons: Map<ApiShape, ExposureReason[]>, notes: Map<ApiShape, string>,
  directNotes: Map<ApiShape, string>, layout: Layout,
  options: ExposureOptions, maxResources: number): ExposurePlan {
  const { tree, nodeOf, byId } = layout;
  // Per resource: do riders needing the authorizer (or app keys) reach methods its fallback serves?
  const fallbackNeeds = new Map<ResourceNode, { authorizer: boolean }>();
  for (const [rider, nodes] of layout.reach) {
    for (const node of nodes) {
      const viaFallback = node.declared.has('ANY') ? false
        : methodsOf(rider).some(m => !node.declared.has(m) && !(m === 'OPTIONS' && options.cors));
      if (!viaFallback) { continue; }
      const needs = fallbackNeeds.get(node) ?? { authorizer: false };
      if (rider.enforcement === 'authorizer') { needs.authorizer = true; }
      fallbackNeeds.set(node, needs);
    }
  }

  // Where a request of an API with its own CORS may land, the proxy answers preflights (with that
  // API's CORS), not the native preflight (the group's): its OPTIONS reaches the proxy.
  const proxyPreflight = new Set<ResourceNode>();
  for (const api of apis.filter(a => a.cors)) {
    for (const node of landingOf(tree, api.segments, api.prefix).nodes) { proxyPreflight.add(node); }
  }
  const nativePreflight = (node: ResourceNode): boolean => options.cors && !node.declared.has('OPTIONS') && !proxyPreflight.has(node);

  let usesAuthorizer = false;
  const resources: PlannedResource[] = tree.nodes.map(node => {
    const methods: PlannedMethod[] = [];
    for (const method of [...node.declared.keys()].sort()) {
      const api = byId.get(node.declared.get(method)!)!;
      const authorizer = api.enforcement === 'authorizer';
      usesAuthorizer ||= authorizer;
      methods.push({
        httpMethod: method, kind: 'api', apiId: api.id, iam: api.enforcement === 'iam', authorizer,
        apiKey: authorizer && options.usagePlans,
        ...(reasons.get(api)!.includes('direct') ? { direct: true } : {}),
      });
    }
    if (!node.declared.has('ANY')) {
      const authorizer = fallbackNeeds.get(node)?.authorizer ?? false;
      usesAuthorizer ||= authorizer;
      methods.push({ httpMethod: 'ANY', kind: 'fallback', iam: false, authorizer, apiKey: authorizer && options.usagePlans });
    }
    if (nativePreflight(node)) {
      methods.push({ httpMethod: 'OPTIONS', kind: 'preflight', iam: false, authorizer: false, apiKey: false });
    } else if (proxyPreflight.has(node) && node.declared.has('ANY') && !node.declared.has('OPTIONS')) {
      // Beside an API's ANY (with its IAM or throttle), preflights go to the proxy unauthenticated; the
      // ANY API's own OPTIONS requests then arrive here too, with the authorizer when it needs one.
      const authorizer = byId.get(node.declared.get('ANY')!)!.enforcement === 'authorizer';
      methods.push({ httpMethod: 'OPTIONS', kind: 'fallback', iam: false, authorizer, apiKey: authorizer && options.usagePlans });
    }
    return { path: node.path, parameters: node.parameters, closure: node.closure, methods };
  });

  const methodSettings: PlannedMethodSetting[] = [];
  for (const api of apis) {
    const own = nodeOf.get(api);
    if (!api.throttle || !own) { continue; }
    // A PREFIX API's throttle covers every resource of its own (prefix-resources.ts).
    for (const node of api.prefix ? ownNodesOf(tree, api) : [own]) {
      const preflight = nativePreflight(node) || (proxyPreflight.has(node) && !node.declared.has('OPTIONS'));
      // An ANY API's throttle covers the methods it answers on its resource: not other APIs', nor the preflight.
      const methods = api.method === 'ANY'
        ? CONCRETE_METHODS.filter(m => !node.declared.has(m) && !(m === 'OPTIONS' && preflight))
        : [api.method];
      for (const httpMethod of methods) {
        methodSettings.push({
          apiId: api.id,
          resourcePath: node.path === '/' ? '/' : node.path.replace(/\//g, '~1').replace(/^~1/, '/~1'),
          httpMethod,
          rateLimit: api.throttle.rateLimit,
          burstLimit: api.throttle.burstLimit,
        });
      }
    }
  }

  return {
    decisions: apis.map(api => ({
      api,
      exposed: nodeOf.has(api),
      reasons: reasons.get(api) ?? [],
      ...(nodeOf.has(api) ? { resourcePath: nodeOf.get(api)!.path } : {}),
      ...(notes.has(api) ? { note: notes.get(api) } : {}),
      direct: (reasons.get(api) ?? []).includes('direct'),
      ...(directNotes.has(api) ? { directNote: directNotes.get(api) } : {}),
      ...(layout.reach.has(api) ? { landsOn: layout.reach.get(api)!.map(n => n.path) } : {}),
      // The catch-all invariant (DESIGN section 11): an API exposed for something API Gateway enforces
      // on its own method (IAM, its throttle, checks a neighbour's method would not make) is served
      // only through these. One exposed only to skip the authorizer call (or a CORS OPTIONS API) loses
      // nothing through the catch-all, and stays reachable there.
      ...(nodeOf.has(api) && (reasons.get(api) ?? []).some(r => ENFORCED.has(r))
        ? { ownResources: api.prefix ? ownNodesOf(tree, api).map(n => n.path) : [nodeOf.get(api)!.path] } : {}),
    })),
    resources,
    resourceCount: tree.resourceCount,
    maxResources,
    usesAuthorizer,
    catchAll: tree.root.variable?.greedy ?? false,
    methodSettings,
    problems: layout.problems,
  };
}
