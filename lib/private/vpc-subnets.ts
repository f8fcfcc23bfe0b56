/**
 * The bundled functions' subnets (issue 14 item 21): a Lambda function in a VPC gets no public IP,
 * so in a public subnet it reaches nothing outside the VPC (aws-cdk-lib refuses it with its own
 * error, without the group's path; with only public subnets, the default selection of private
 * subnets fails in aws-cdk-lib too). Checked before the functions are made, with the library's message.
 */
import { RULES } from '../limits';
import { Problem, problem } from './checks';
import type { VpcPlacement } from './vpc-access';

/** Problems of the functions' subnet selection in the VPC. */
export function vpcSubnetProblems(placement: VpcPlacement | undefined): Problem[] {
  if (!placement) { return []; }
  const { vpc, vpcSubnets } = placement;
  const publicIds = new Set(vpc.publicSubnets.map(s => s.subnetId));
  const privateCount = vpc.privateSubnets.length + vpc.isolatedSubnets.length;
  let selected: string[];
  try {
    selected = vpc.selectSubnets(vpcSubnets).subnets.map(s => s.subnetId);
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return [problem(RULES.vpcPlacement, vpcSubnets ? 'vpcSubnets' : 'vpc',
      privateCount === 0
        ? `the VPC ${vpc.node.path} has only public subnets: the group's functions need private or isolated subnets (${why})`
        : `the subnets cannot be selected: ${why}`)];
  }
  // Subnet ids are tokens for a VPC of the app: the same subnet gives the same token string.
  const inPublic = selected.filter(id => publicIds.has(id));
  if (inPublic.length > 0) {
    return [problem(RULES.vpcPlacement, vpcSubnets ? 'vpcSubnets' : 'vpc',
      `${inPublic.length} of the ${selected.length} selected subnets of the VPC ${vpc.node.path} are public: a Lambda function gets no public ` +
      'IP, so there it reaches nothing outside the VPC' +
      (privateCount === 0 ? ' (the VPC has only public subnets: add private or isolated ones)' : ' (select SubnetType.PRIVATE_WITH_EGRESS or PRIVATE_ISOLATED)'))];
  }
  return [];
}
