import * as crypto from 'crypto';
import { Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import type { ApiGroup } from '../api-group';

/** Options of one usage plan and its API key. */
export interface UsagePlanInput {
  readonly name: string;
  readonly description: string;
  readonly throttle?: apigw.ThrottleSettings;
  readonly quota?: apigw.QuotaSettings;
  readonly usageKey: string;
}

/** A usage plan on the group's stage, with one API key whose value is `usageKey`. */
export function addUsagePlan(scope: Construct, group: ApiGroup, input: UsagePlanInput): apigw.UsagePlan {
  const plan = new apigw.UsagePlan(scope, 'UsagePlan', {
    name: input.name,
    description: input.description,
    throttle: input.throttle,
    quota: input.quota,
    apiStages: [{ api: group.restApi, stage: group.restApi.deploymentStage }],
  });
  const key = new apigw.ApiKey(scope, 'UsageKey', {
    value: input.usageKey,
    description: `${input.description} (usage plan key, supplied by the authorizer; not a credential)`,
  });
  plan.addApiKey(key);
  return plan;
}

/**
 * The value of an API key: deterministic (snapshots, redeploys), unique per stack and construct
 * (API key values must be unique in an account and region), at least 20 characters.
 */
export function usageKeyFor(scope: Construct): string {
  const stack = Stack.of(scope);
  const stackName = Token.isUnresolved(stack.stackName) ? '' : stack.stackName;
  return `apig-${crypto.createHash('sha256').update(`${stackName}\0${scope.node.path}`).digest('hex').slice(0, 40)}`;
}

/**
 * The usage plan of refused requests: the authorizer hands its key to API Gateway for requests it
 * refuses, so that they reach the proxy's gateway response instead of API Gateway's 403. Defined
 * once per group, when the first app gets limits (every method carrying the authorizer then
 * requires a key, which the document's `x-amazon-apigateway-api-key-source: AUTHORIZER` takes from it).
 */
export function addRefusalUsagePlan(group: ApiGroup): { readonly key: string; readonly plan: apigw.UsagePlan } {
  const scope = new Construct(group, 'Refusals');
  const key = usageKeyFor(scope);
  const plan = addUsagePlan(scope, group, {
    name: `${group.groupName}-refusals`,
    description: `Requests refused by the authorizer of API group ${group.groupName}, so that they reach its gateway responses`,
    usageKey: key,
  });
  return { key, plan };
}
