import { Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type { ApiGroupProps } from '../api-group';
import { RULES } from '../limits';
import { Problem, problem } from './checks';
import { DEFAULT_WARM_ALIAS, isAliasName } from './warm-functions';

/** Problems of the group's production options (VPC placement, endpoint type, custom domain, warm functions). */
export function productionPropsProblems(p: ApiGroupProps): Problem[] {
  const found: Problem[] = [];
  if (!p.vpc) {
    if (p.vpcSubnets) { found.push(problem(RULES.vpcPlacement, 'vpcSubnets', 'no vpc')); }
    if (p.securityGroups) { found.push(problem(RULES.vpcPlacement, 'securityGroups', 'no vpc')); }
    if (p.createVpcEndpoints) { found.push(problem(RULES.vpcPlacement, 'createVpcEndpoints', 'no vpc')); }
  }
  const type = p.endpointType ?? apigw.EndpointType.REGIONAL;
  if (type === apigw.EndpointType.PRIVATE) {
    if ((p.privateEndpoints ?? []).length === 0 && !p.vpc) {
      found.push(problem(RULES.endpointType, type, 'neither privateEndpoints nor a vpc to create the execute-api endpoint in'));
    }
    if (p.domain) { found.push(problem(RULES.endpointType, type, 'with a custom domain')); }
  } else if ((p.privateEndpoints ?? []).length > 0) {
    found.push(problem(RULES.endpointType, type, 'privateEndpoints need PRIVATE'));
  }
  const warm = p.keepWarm;
  if (warm) {
    const name = warm.aliasName ?? DEFAULT_WARM_ALIAS;
    if (Token.isUnresolved(name) || !isAliasName(name)) { found.push(problem(RULES.keepWarm, name, 'alias name')); }
    for (const [what, n] of [['proxyProvisionedConcurrency', warm.proxyProvisionedConcurrency],
      ['authorizerProvisionedConcurrency', warm.authorizerProvisionedConcurrency]] as const) {
      if (n !== undefined && !Token.isUnresolved(n) && (!Number.isInteger(n) || n < 1)) { found.push(problem(RULES.keepWarm, n, what)); }
    }
  }
  return found;
}
