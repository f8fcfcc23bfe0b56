/**
 * The catch-all invariant (DESIGN section 11) for every API the REST API's document exposes
 * individually for something API Gateway enforces on its own method (IAM, its own throttle, checks
 * a neighbour's method would not make; not an API given its own path only to skip the authorizer
 * call): API Gateway enforces those on the API's own resources (its path; for a PREFIX API
 * also the greedy `{proxy+}` child below it, see lib/private/definition/exposure.ts) and nowhere
 * else. API Gateway matches the raw request text, while the router decodes fixed segments (`%6C` →
 * `l`) and ignores repeated and trailing slashes: a request the router gives to such an API but that
 * API Gateway matched on another resource (the catch-all, a neighbour's greedy resource) skipped
 * its throttle or IAM method, so it is refused (NOT_FOUND: API Gateway found no API of its own for
 * it), before anything else of the API runs, in the proxy and in the authorizer alike.
 */
import { GatewayError } from './gateway-error';
import { RequestView } from './request';

/** The resource set of an API document's `ownResources`; undefined when absent. @throws Error when malformed */
export function compileOwnResources(value: unknown, where: string): ReadonlySet<string> | undefined {
  if (value === undefined) { return undefined; }
  if (!Array.isArray(value) || value.length === 0 || !value.every(v => typeof v === 'string' && v.startsWith('/'))) {
    throw new Error(`${where}.ownResources is not a list of resource paths`);
  }
  return new Set(value as string[]);
}

/** True when the request arrived through one of `own` (the event's `resource`), or the API has none. */
export function onOwnResources(req: RequestView, own: ReadonlySet<string> | undefined): boolean {
  if (own === undefined) { return true; }
  const resource = req.event.resource;
  return typeof resource === 'string' && own.has(resource);
}

/** NOT_FOUND when the request did not arrive through one of `own` (the event's `resource`), else undefined. */
export function offOwnResources(req: RequestView, own: ReadonlySet<string> | undefined): GatewayError | undefined {
  if (onOwnResources(req, own)) { return undefined; }
  return new GatewayError('NOT_FOUND', 404, 'exposed API reached through a resource not its own');
}
