import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The `Resource::*` statements the bundled functions' roles need for the production options, and
 * the cdk-nag acknowledgement that says why (once per role, naming only what applies):
 * - VPC: the network-interface permissions Lambda needs to place the function in the VPC (those of
 *   the AWS managed policy AWSLambdaVPCAccessExecutionRole, inline so that no managed policy is
 *   attached). EC2's Describe actions support no resource-level permission, and the interfaces do
 *   not exist before Lambda creates them.
 * - tracing: X-Ray's PutTraceSegments and PutTelemetryRecords (added by aws-cdk-lib's Function),
 *   which support no resource-level permission.
 */
export function addWildcardPermissions(role: iam.Role, uses: { readonly vpc: boolean; readonly tracing: boolean }): void {
  if (uses.vpc) {
    role.addToPolicy(new iam.PolicyStatement({
      actions: [
        'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
      ],
      resources: ['*'],
    }));
  }
  const why: string[] = [];
  if (uses.vpc) {
    why.push('Lambda places the function in the VPC through network interfaces it creates at deploy time: EC2\'s Describe actions ' +
      'have no resource-level permissions and the interfaces\' ids are unknown beforehand (AWSLambdaVPCAccessExecutionRole\'s actions, inline)');
  }
  if (uses.tracing) {
    why.push('X-Ray\'s PutTraceSegments and PutTelemetryRecords (active tracing) have no resource-level permissions');
  }
  if (why.length === 0) { return; }
  Validations.of(role).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', reason: `${why.join('; ')}.` });
}
