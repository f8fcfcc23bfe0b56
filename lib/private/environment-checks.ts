import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Token } from 'aws-cdk-lib';
import { LIMITS, RULES } from '../limits';
import { checkLiteral, Problem, problem } from './checks';
import { throttleProblems } from './throttling';

/** Huawei's environment names (a subset of API Gateway's stage names). */
const ENVIRONMENT_NAME = /^[A-Za-z][A-Za-z0-9_]{2,63}$/;
/** Huawei's variable names, within API Gateway's stage variable names (no `-`). */
const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]{2,31}$/;
/** Huawei's variable values, within API Gateway's stage variable values. */
const VARIABLE_VALUE = /^[A-Za-z0-9_\-/.:]{1,255}$/;

export interface EnvironmentDeclaration {
  readonly environmentName: string;
  readonly variables?: { [name: string]: string };
  readonly throttle?: apigw.ThrottleSettings;
}

/**
 * Problems of an environment added to a group (Huawei's rules, DESIGN section 6). The default
 * environment is the group's stage (`stageName`, `stageVariables`), checked with API Gateway's
 * stage rules instead, so that existing stacks keep synthesizing.
 *
 * @param taken names of the group's environments so far (the default one first)
 */
export function environmentProblems(env: EnvironmentDeclaration, taken: readonly string[]): Problem[] {
  const found: Problem[] = [];
  const name = env.environmentName;
  const literal = checkLiteral('environment name', name);
  if (literal) {
    found.push(literal);
  } else if (!ENVIRONMENT_NAME.test(name)) {
    found.push(problem(RULES.environmentName, name));
  } else if (taken.includes(name)) {
    found.push(problem(RULES.environmentName, name, 'already used in this group'));
  }
  if (taken.length + 1 > LIMITS.environmentsPerGroup) {
    found.push(problem(RULES.environmentsPerGroup, taken.length + 1, `"${name}" would be environment number ${taken.length + 1}`));
  }
  const variables = Object.entries(env.variables ?? {});
  if (variables.length > LIMITS.variablesPerEnvironment) {
    found.push(problem(RULES.environmentVariables, `${variables.length} variables`));
  }
  for (const [key, value] of variables) {
    if (!VARIABLE_NAME.test(key)) { found.push(problem(RULES.environmentVariable, key, 'name')); }
    // A token (a load balancer's DNS name...) is only known at deploy time.
    if (!Token.isUnresolved(value) && !VARIABLE_VALUE.test(value)) {
      found.push(problem(RULES.environmentVariable, value, `value of ${key}`));
    }
  }
  found.push(...throttleProblems(env.throttle, `environment ${name}`));
  return found;
}

