/**
 * Request routing over API Gateway's resource tree, as a REST API matches a request:
 * - segment by segment, a literal child before the `{var}` child before the greedy `{var+}`
 *   child (one or more segments, the rest of the path); a branch that cannot match the rest of
 *   the path is left for the next candidate;
 * - a trailing slash is ignored; matching is case-sensitive;
 * - on the resource found, the request's method, else `ANY`. No resource, or no method there:
 *   MISSING_AUTHENTICATION_TOKEN (API Gateway's answer for unknown routes). The method is not
 *   retried on a less specific resource (API Gateway documents no such fallback).
 * Path parameters keep the percent-encoding the client sent, as API Gateway (REST) sends them to a
 * proxy integration (`{proxy+}` = `api/user/test%2Balias@gmail.com` in LocalStack's AWS-validated
 * snapshot of an AWS_PROXY event; serverless/serverless#5037); the greedy one spans its segments with
 * their slashes.
 */
import type { MethodModel, ResourceNode } from './rest-api';

export interface RouteMatch {
  readonly resource: ResourceNode;
  /** Undefined when the resource declares neither the method nor ANY. */
  readonly method?: MethodModel;
  /** Decoded values by parameter name; null when the resource has none (as in the proxy event). */
  readonly pathParameters: Record<string, string> | null;
}

function paramName(part: string): { name: string; greedy: boolean } | undefined {
  const m = /^\{([^{}+]+)(\+?)\}$/.exec(part);
  return m ? { name: m[1], greedy: m[2] === '+' } : undefined;
}

/** The segments of a request path (no stage), trailing slash dropped. */
export function pathSegments(path: string): string[] {
  const trimmed = path.replace(/^\/+/, '');
  if (trimmed === '') { return []; }
  const segments = trimmed.split('/');
  if (segments[segments.length - 1] === '') { segments.pop(); }
  return segments;
}

function matchFrom(node: ResourceNode, segments: string[], i: number, params: Record<string, string>): ResourceNode | undefined {
  if (i === segments.length) { return node; }
  const segment = segments[i];
  const literal = node.children.find(c => c.part === segment && paramName(c.part) === undefined);
  if (literal) {
    const found = matchFrom(literal, segments, i + 1, params);
    if (found) { return found; }
  }
  if (segment !== '') {
    for (const child of node.children) {
      const p = paramName(child.part);
      if (!p || p.greedy) { continue; }
      const found = matchFrom(child, segments, i + 1, params);
      if (found) {
        params[p.name] = segment;
        return found;
      }
    }
  }
  for (const child of node.children) {
    const p = paramName(child.part);
    if (!p || !p.greedy) { continue; }
    params[p.name] = segments.slice(i).join('/');
    return child;
  }
  return undefined;
}

/** Finds the resource and method API Gateway would select for a request. */
export function route(root: ResourceNode, method: string, path: string): RouteMatch | undefined {
  const params: Record<string, string> = {};
  const resource = matchFrom(root, pathSegments(path), 0, params);
  if (!resource) { return undefined; }
  const m = resource.methods.get(method.toUpperCase()) ?? resource.methods.get('ANY');
  return { resource, method: m, pathParameters: Object.keys(params).length > 0 ? params : null };
}
