import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { LimitRule, RULES } from '../../limits';
import { Problem } from '../checks';
import { ExposurePlan, ExposureReason } from './exposure';

/**
 * AWS quotas a group's stack must fit (DESIGN section 6), checked at synth so that a group that
 * cannot fit fails with a message naming the quota, the count, the excess and what to change,
 * never at deploy. The rules are in lib/limits.ts's RULES table.
 */

/** A count against its quota. */
export interface QuotaCount {
  readonly used: number;
  readonly quota: number;
}

/** What the quota checks measure. */
export interface QuotaUsage {
  readonly apiGatewayResources?: QuotaCount;
  readonly authorizers?: QuotaCount;
  /** The whole stack's CloudFormation resources, once known. */
  readonly stackResources?: QuotaCount;
  /** The stack's template size in bytes, once known. */
  readonly templateBytes?: QuotaCount;
}

const REASON_WORDS: Record<ExposureReason, string> = {
  iam: 'IAM',
  throttle: 'own throttle',
  options: 'own OPTIONS with CORS',
  shadowed: 'shadowed by another API\'s method',
  noAuthorizer: 'no authorizer-based auth',
  direct: 'direct integration',
};

function over(rule: LimitRule, count: QuotaCount, change: string): Problem {
  const excess = count.used - count.quota;
  return {
    rule,
    message: `${rule.subject} ${count.used} is not allowed (${excess} over the quota of ${count.quota}; ${change}): allowed ${rule.allowed}`,
  };
}

/** Problems of a group's usage; empty when everything fits. */
export function quotaProblems(usage: QuotaUsage, plan: ExposurePlan): Problem[] {
  const found: Problem[] = [];
  if (usage.apiGatewayResources && usage.apiGatewayResources.used > usage.apiGatewayResources.quota) {
    const byReason = new Map<ExposureReason, number>();
    for (const d of plan.decisions.filter(x => x.exposed)) {
      const main = d.reasons[0];
      byReason.set(main, (byReason.get(main) ?? 0) + 1);
    }
    const seen = [...byReason.entries()].map(([r, n]) => `${n} ${REASON_WORDS[r]}`).join(', ');
    found.push(over(RULES.restResources, usage.apiGatewayResources,
      `API Gateway sees ${plan.decisions.filter(d => d.exposed).length} APIs individually (${seen}), and every segment of their paths ` +
      'is a resource; to fit, give fewer APIs their own throttle (an app\'s usage plan or the stage throttle needs no path), ' +
      'put IAM APIs under fewer, shorter paths, split the group, or raise the quota and set maxRestResources'));
  }
  if (usage.authorizers && usage.authorizers.used > usage.authorizers.quota) {
    found.push(over(RULES.authorizersPerApi, usage.authorizers,
      'the group\'s document defines one REQUEST authorizer; remove authorizers added to its REST API by hand, or raise the quota'));
  }
  if (usage.stackResources && usage.stackResources.used > usage.stackResources.quota) {
    found.push(over(RULES.cfnResources, usage.stackResources,
      'the REST API costs one resource, but each app with limits adds a usage plan, an API key and their link; ' +
      'move other constructs or groups into their own stacks, or give fewer apps a throttle or quota'));
  }
  if (usage.templateBytes && usage.templateBytes.used > usage.templateBytes.quota) {
    found.push(over(RULES.templateSize, usage.templateBytes,
      'the REST API\'s OpenAPI document is inline in the template; move other constructs or groups into their own stacks, ' +
      'or let fewer APIs be seen individually'));
  }
  return found;
}

/** CloudFormation resources defined in `scope` (a stack or a group), nested stacks' resources excluded. */
export function countCfnResources(scope: IConstruct): number {
  const stack = Stack.of(scope);
  return scope.node.findAll().filter(c => CfnResource.isCfnResource(c) && Stack.of(c) === stack).length;
}

/** Size in bytes of `value` as the template carries it (tokens resolved to intrinsics, compact JSON). */
export function templateBytesOf(scope: IConstruct, value: unknown): number {
  return Buffer.byteLength(JSON.stringify(Stack.of(scope).resolve(value)), 'utf8');
}
