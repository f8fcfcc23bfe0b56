/**
 * Issue 14 item 21: a VPC whose selected subnets are public is refused with the library's own
 * message naming the group's construct path and the VPC (aws-cdk-lib threw its own error before,
 * from inside the proxy function, without saying which group or what to change).
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ApiGroup } from 'cdk-api-groups';
import { newStack } from '../support/synth';

function publicOnly(): { stack: ReturnType<typeof newStack>; vpc: ec2.Vpc } {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
  return { stack, vpc };
}

test('a VPC with only public subnets: the library\'s message, with the group\'s path, the VPC and what to do', () => {
  // why: the user must learn which group is misplaced and that a function in a public subnet reaches nothing
  const { stack, vpc } = publicOnly();
  expect(() => new ApiGroup(stack, 'Group', { vpc })).toThrow(new RegExp(
    '^Stack/Group: VPC placement "vpc" is not allowed \\(2 of the 2 selected subnets of the VPC Stack/Vpc are public: a Lambda function gets ' +
    'no public IP, so there it reaches nothing outside the VPC \\(the VPC has only public subnets: add private or isolated ones\\)\\).*\\[vpc-placement\\]$'));
});

test('public subnets selected in a VPC that has private ones: the message says which to select', () => {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 1 });
  expect(() => new ApiGroup(stack, 'Group', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }))
    .toThrow(/^Stack\/Group: VPC placement "vpcSubnets" is not allowed \(1 of the 1 selected subnets .* \(select SubnetType\.PRIVATE_WITH_EGRESS or PRIVATE_ISOLATED\)\).*\[vpc-placement\]$/);
  // A selection the VPC cannot satisfy is the library's error too.
  expect(() => new ApiGroup(stack, 'Other', { vpc, vpcSubnets: { subnetGroupName: 'nosuch' } }))
    .toThrow(/^Stack\/Other: VPC placement "vpcSubnets" is not allowed \(the subnets cannot be selected: .*nosuch.*\[vpc-placement\]$/);
});

test('private subnets (the default selection) are accepted', () => {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 1 });
  expect(() => new ApiGroup(stack, 'Group', { vpc })).not.toThrow();
});
