import { Duration, Token } from 'aws-cdk-lib';
import type { ApiGroupProps } from '../api-group';
import { LIMITS, RULES } from '../limits';
import { checkBinaryMediaTypes, checkLiteral, checkLiteralNumber, Problem, problem } from './checks';
import { corsProblems } from './cors-checks';
import { STAGE_VARIABLE_NAME_PATTERN } from './template';
import { throttleProblems } from './throttling';

const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9\-_./():]{2,254}$/;
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const STAGE_VALUE = /^[A-Za-z0-9\-._~:/?#&=,]+$/;
/** CloudWatch's namespace characters; `AWS/` is reserved for AWS services (the proxy checks the same). */
const METRICS_NAMESPACE = /^(?!AWS\/)(?=.*[^ ])[A-Za-z0-9 ._\-/#:]{1,255}$/;

/** Problems with an API group's own properties (eager: they are all known at construction). */
export function groupPropsProblems(p: ApiGroupProps, groupName: string, stageName: string, integrationTimeout: Duration): Problem[] {
  const found: Problem[] = [];
  found.push(...(p.accessControl?._problems() ?? []), ...throttleProblems(p.throttle, 'stage'), ...checkBinaryMediaTypes(p.binaryMediaTypes));
  const name = checkLiteral('group name', groupName);
  if (name) { found.push(name); } else if (!GROUP_NAME.test(groupName)) { found.push(problem(RULES.groupName, groupName)); }
  const stage = checkLiteral('stage name', stageName);
  if (stage) { found.push(stage); } else if (!STAGE_NAME.test(stageName)) { found.push(problem(RULES.stageName, stageName)); }
  const variables = Object.entries(p.stageVariables ?? {});
  if (variables.length > LIMITS.stageVariables) { found.push(problem(RULES.stageVariables, `${variables.length} variables`)); }
  for (const [key, value] of variables) {
    if (!STAGE_VARIABLE_NAME_PATTERN.test(key)) { found.push(problem(RULES.stageVariables, key, 'name')); }
    // The AWS CDK writes the template through plain objects, where this name would vanish silently.
    if (key === '__proto__') { found.push(problem(RULES.stageVariables, key, 'a name the AWS CDK cannot write into the template')); }
    if (!Token.isUnresolved(value) && (value.length > LIMITS.stageVariableValueLength || !STAGE_VALUE.test(value))) {
      found.push(problem(RULES.stageVariables, value, `value of ${key}`));
    }
  }
  const timeout = integrationTimeout.toMilliseconds({ integral: false });
  const timeoutToken = checkLiteralNumber('integration timeout', timeout);
  if (timeoutToken) {
    found.push(timeoutToken);
  } else if (!Number.isInteger(timeout) || timeout < LIMITS.integrationTimeoutMin.toMilliseconds()) {
    found.push(problem(RULES.integrationTimeout, `${timeout} ms`));
  }
  const namespace = checkLiteral('metrics namespace', p.metricsNamespace);
  if (namespace) {
    found.push(namespace);
  } else if (p.metricsNamespace !== undefined && !METRICS_NAMESPACE.test(p.metricsNamespace)) {
    found.push(problem(RULES.metricsNamespace, p.metricsNamespace));
  }
  const memory = p.proxyMemorySize;
  if (memory !== undefined && !Token.isUnresolved(memory) && (!Number.isInteger(memory) || memory < 128 || memory > 10240)) {
    found.push(problem(RULES.lambdaMemory, memory));
  }
  found.push(...corsProblems(p.cors));
  return found;
}
