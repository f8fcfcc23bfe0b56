import type { Api } from '../../api';
import { AuthType } from '../../auth';
import { DirectIntegration } from '../../direct-integration';
import { RULES } from '../../limits';
import { Problem, problem } from '../checks';
import { lambdaInvocationUri } from '../definition/openapi-document';
import { assessDirect, DirectAssessment, DirectGroupFacts, nativeHttpLosses } from './direct-eligibility';
import type { DirectOperationInput } from './direct-operation';

/**
 * Which APIs of a group go direct (README "Direct integration"): `direct: true` must (each
 * blocker is a synth error), `direct: false` never does, and under DirectIntegration.AUTO every
 * other API without blockers or losses is a candidate, taken while the REST API's resource quota
 * allows (exposure.ts decides that part).
 */
export interface DirectSelection {
  /** APIs marked `direct: true` without blockers. */
  readonly forced: ReadonlySet<string>;
  /** AUTO's candidates. */
  readonly candidates: ReadonlySet<string>;
  /** Each API's assessment, by API id. */
  readonly assessments: ReadonlyMap<string, DirectAssessment>;
  /** Why each API that was asked to go direct (`direct: true` or AUTO) but is neither forced nor a candidate stays on the proxy (by API id). */
  readonly proxiedBecause: ReadonlyMap<string, string[]>;
  /** `direct: true` with blockers. */
  readonly problems: Problem[];
}

export function selectDirect(apis: readonly Api[], facts: DirectGroupFacts, mode: DirectIntegration | undefined): DirectSelection {
  const forced = new Set<string>();
  const candidates = new Set<string>();
  const assessments = new Map<string, DirectAssessment>();
  const proxiedBecause = new Map<string, string[]>();
  const problems: Problem[] = [];
  const auto = mode === DirectIntegration.AUTO;
  // What the group's `default` response loses on every direct HTTP API alike: judged once.
  const httpLosses = nativeHttpLosses(facts.defaultResponse);
  for (const api of apis) {
    if (api.direct === false) {
      proxiedBecause.set(api.apiId, ['marked direct: false']);
      continue;
    }
    // Not asked for (the group's directIntegration is NONE): nothing to report.
    if (api.direct !== true && !auto) { continue; }
    const assessment = assessDirect(api, facts, httpLosses);
    assessments.set(api.apiId, assessment);
    if (api.direct === true) {
      if (assessment.blockers.length > 0) {
        problems.push(problem(RULES.directIntegration, `${api.node.path}: ${api.method} ${api.path}`,
          `only the proxy can serve it: ${assessment.blockers.map(b => `${b.code} (${b.detail})`).join('; ')}`));
      } else {
        forced.add(api.apiId);
      }
      continue;
    }
    const against = [...assessment.blockers, ...assessment.losses];
    if (against.length > 0) {
      proxiedBecause.set(api.apiId, against.map(r => `${r.code}: ${r.detail}`));
    } else {
      candidates.add(api.apiId);
    }
  }
  return { forced, candidates, assessments, proxiedBecause, problems };
}

/** The document's integration input of a direct API. */
export function directOperationInput(api: Api, assessment: DirectAssessment): DirectOperationInput {
  const backend = assessment.backend;
  return {
    backend,
    apiMethod: api.method,
    required: api.parameters
      .filter(p => p.location !== 'path' && (p.options.required ?? false))
      .map(p => ({ in: p.location === 'header' ? 'header' as const : 'query' as const, name: p.name })),
    hideAppCode: api.auth.authType === AuthType.APP && api.auth.appCode,
    ...(backend.kind === 'FUNCTION' ? { functionUri: lambdaInvocationUri(backend.handler.functionArn) } : {}),
  };
}
