/**
 * Orchestration rules bound to an API's request parameters: Huawei's binding limits (checked at
 * synth) and the API's orchestration document for the proxy.
 */
import type { IConstruct } from 'constructs';
import { RULES } from '../limits';
import type { RequestParameter } from '../request-parameter';
import { Problem, problem } from './checks';
import { OrchestrationDocument, ParameterLocation } from './config-document';

function orchestrated(parameters: readonly RequestParameter[]): RequestParameter[] {
  return parameters.filter(p => (p.options.orchestrations ?? []).length > 0);
}

/** Problems of the rules bound to `parameters` of an API of `group`. */
export function orchestrationProblems(parameters: readonly RequestParameter[], group: IConstruct): Problem[] {
  const found: Problem[] = [];
  const bound = orchestrated(parameters);
  if (bound.length > 1) {
    found.push(problem(RULES.orchestrationBinding, bound.map(p => `${p.location} ${p.name}`).join(', '),
      'only one parameter of an API can be orchestrated'));
  }
  for (const p of bound) {
    const rules = p.options.orchestrations!;
    const where = `${p.location} parameter ${p.name}`;
    rules.forEach((rule, i) => {
      const name = rule.orchestrationName;
      if (rule.node.scope !== group) {
        found.push(problem(RULES.orchestrationBinding, name, `${where}: rule ${rule.node.path} belongs to another group`));
      }
      if (rules.indexOf(rule) !== i) { found.push(problem(RULES.orchestrationBinding, name, `${where}: rule listed twice`)); }
      const kind = rule.strategy.strategyName;
      if (kind === 'none_value' && i !== 0) {
        found.push(problem(RULES.orchestrationBinding, name, `${where}: a none_value rule must be the first`));
      }
      if (kind === 'default' && i !== rules.length - 1) {
        found.push(problem(RULES.orchestrationBinding, name, `${where}: a default rule must be the last`));
      }
    });
    const last = rules[rules.length - 1];
    if (last.preprocessing) {
      found.push(problem(RULES.orchestrationBinding, last.orchestrationName, `${where}: a preprocessing rule cannot be the last`));
    }
  }
  return found;
}

/** The API's orchestration document (nothing when no parameter is orchestrated). */
export function orchestrationDocumentOf(parameters: readonly RequestParameter[]): { orchestration?: OrchestrationDocument } {
  const p = orchestrated(parameters)[0];
  if (!p) { return {}; }
  return {
    orchestration: {
      parameter: { name: p.name, in: p.location as ParameterLocation },
      rules: p.options.orchestrations!.map(rule => rule._toDocument()),
    },
  };
}
