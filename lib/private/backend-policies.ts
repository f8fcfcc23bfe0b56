/**
 * Backend policies of an API (ApiOptions.backendPolicies): the checks at synth and the runtime
 * document. A policy's backend is a Backend like the API's own: it is checked and bound with the
 * same context (URL checks, function invoke grant, deploy-time values).
 */
import type { BackendBindContext } from '../backend';
import { BackendPolicy, PolicyEffect } from '../backend-policy';
import { LIMITS, RULES } from '../limits';
import { checkLiteral, Problem, problem } from './checks';
import type { BackendPolicyDocument } from './config-document';

/** What a policy condition needs from its API to be checked and written. */
export interface PolicyConditionContext {
  /** The API's declared request parameters: name and location. */
  readonly parameters: ReadonlyArray<{ readonly name: string; readonly location: string }>;
  /** The `{name}` parameters of the API's path. */
  readonly pathVariables: readonly string[];
  /** Whether the API has a custom or third-party authorizer (the frontend authorizer's context). */
  readonly hasFrontendAuthorizer: boolean;
}

const POLICY_NAME = /^[A-Za-z][A-Za-z0-9_]{2,63}$/;

/** Every problem of an API's backend policies. */
export function backendPolicyProblems(policies: readonly BackendPolicy[], apiBackendKind: string,
  backendContext: BackendBindContext, conditionContext: PolicyConditionContext): Problem[] {
  const found: Problem[] = [];
  if (policies.length > LIMITS.backendPoliciesPerApi) {
    found.push(problem(RULES.backendPolicies, policies.length));
  }
  const names = new Set<string>();
  policies.forEach((policy, i) => {
    const name = policy.policyName;
    const where = `backend policy ${typeof name === 'string' ? JSON.stringify(name) : `#${i + 1}`}`;
    const literal = checkLiteral('backend policy name', name);
    if (literal) {
      found.push(literal);
    } else if (typeof name !== 'string' || !POLICY_NAME.test(name)) {
      found.push(problem(RULES.backendPolicyName, name));
    } else if (names.has(name)) {
      found.push(problem(RULES.backendPolicyName, name, 'declared twice in the API'));
    }
    names.add(name);
    if (!policy.backend || typeof policy.backend._problems !== 'function') {
      found.push(problem(RULES.backendPolicyBackend, String(policy.backend), `${where}: not a Backend`));
    } else {
      if (policy.backend.kind !== apiBackendKind) {
        found.push(problem(RULES.backendPolicyBackend, policy.backend.kind, `${where}: the API's backend is ${apiBackendKind}`));
      }
      found.push(...policy.backend._problems(backendContext).map(p => ({ rule: p.rule, message: `${where}: ${p.message}` })));
    }
    const conditions = policy.conditions ?? [];
    if (conditions.length < 1 || conditions.length > LIMITS.conditionsPerPolicy) {
      found.push(problem(RULES.policyConditions, conditions.length, where));
    }
    for (const condition of conditions) { found.push(...condition._problems(conditionContext, where)); }
  });
  return found;
}

/** The runtime documents of an API's backend policies, in order. */
export function backendPolicyDocuments(policies: readonly BackendPolicy[], backendContext: BackendBindContext,
  conditionContext: PolicyConditionContext): BackendPolicyDocument[] {
  return policies.map(policy => ({
    name: policy.policyName,
    effect: policy.effect ?? PolicyEffect.ALL,
    conditions: policy.conditions.map(c => c._toDocument(conditionContext)),
    backend: policy.backend._bind(backendContext),
  }));
}
