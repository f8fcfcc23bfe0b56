import { RULES } from '../../limits';
import { Problem, problem } from '../checks';
import type { ApiShape } from './api-shape';
import type { ExposurePlan } from './exposure';

/**
 * What API Gateway's OpenAPI import accepts in a resource path (issue 14 item 10). An API path may
 * hold Huawei's `*` and `%` in its literal segments, and the proxy routes such an API from the
 * catch-all without trouble; but an API that API Gateway must see individually (IAM, its own
 * throttle, a per-method API key) becomes a resource of the REST API's document, and API Gateway's
 * import refuses those characters there (aws-cdk-lib validates resource path parts against the same
 * set: letters, digits and `:._-`, plus `$`; `,` is accepted by the import as well). So:
 * - an API that would only get its own path to save an authorizer call stays on the catch-all;
 * - one that must be seen individually is a synth error.
 */
const IMPORTABLE_SEGMENT = /^[A-Za-z0-9._\-:,$]+$/;

/** The first literal segment of `api` that API Gateway's import would refuse, if any. */
export function unimportableSegment(api: ApiShape): string | undefined {
  return api.segments.find(s => s.variable === undefined && !IMPORTABLE_SEGMENT.test(s.text))?.text;
}

/** An error for every API API Gateway must see individually whose path it cannot import. */
export function unimportablePathProblems(plan: ExposurePlan): Problem[] {
  const found: Problem[] = [];
  for (const decision of plan.decisions) {
    if (!decision.exposed) { continue; }
    const segment = unimportableSegment(decision.api);
    if (segment === undefined) { continue; }
    found.push(problem(RULES.exposedPath, `${decision.api.constructPath}: ${decision.api.method} ${decision.api.path}`,
      `API Gateway must see it individually (${decision.reasons.join(', ')}), and its import refuses the segment ${JSON.stringify(segment)}`));
  }
  return found;
}
