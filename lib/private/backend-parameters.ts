/**
 * Checks of a backend's parameters (lib/backend-parameter.ts) as a whole, shared by every backend
 * kind and by backend policies.
 */
import { Token } from 'aws-cdk-lib';
import { BackendParameter, ParameterLocation } from '../backend-parameter';
import { LIMITS, RULES } from '../limits';
import { Problem, problem } from './checks';

/** What a backend parameter needs from its API, to be checked. */
export interface BackendParameterContext {
  /** The API's declared request parameters: name and location. */
  readonly requestParameters: ReadonlyArray<{ readonly name: string; readonly location: string }>;
  /** The API path's `{name}` variables. */
  readonly pathVariables: ReadonlySet<string>;
}

/**
 * Problems of a backend's parameters as a whole: each one's, at most 50, no two with the same name
 * in the same location (header names ignore case), and each PATH parameter a `{name}` of the
 * backend path (`pathPlaceholders`; undefined for backends without a path).
 */
export function backendParameterProblems(parameters: readonly BackendParameter[], ctx: BackendParameterContext,
  pathPlaceholders: ReadonlySet<string> | undefined): Problem[] {
  const found: Problem[] = [];
  if (parameters.length > LIMITS.backendParametersPerBackend) {
    found.push(problem(RULES.backendParameter, `${parameters.length} parameters`, `at most ${LIMITS.backendParametersPerBackend} per backend`));
  }
  const seen = new Set<string>();
  for (const p of parameters) {
    found.push(...p._problems(ctx));
    if (Token.isUnresolved(p.name)) { continue; }
    const key = `${p.location}:${p.location === ParameterLocation.QUERY ? p.name : p.name.toLowerCase()}`;
    if (seen.has(key)) {
      found.push(problem(RULES.backendParameter, p.name, `declared twice in ${p.location}${p.location === ParameterLocation.HEADER ? ' (header names ignore case)' : ''}`));
    }
    seen.add(key);
    if (p.location === ParameterLocation.PATH && pathPlaceholders && !pathPlaceholders.has(p.name)) {
      found.push(problem(RULES.backendParameter, p.name, `PATH parameter ${p.name} has no {${p.name}} in the backend URL's path`));
    }
  }
  return found;
}
