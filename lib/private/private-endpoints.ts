import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { VpcPlacement } from './vpc-access';

/** A PRIVATE REST API's interface endpoints and its resource policy. */
export interface PrivateAccess {
  readonly endpoints: ec2.IInterfaceVpcEndpoint[];
  /** Empty until finalisation, when the IAM APIs are known (stage-options.ts privateApiStatements). */
  readonly policy: iam.PolicyDocument;
}

/**
 * The endpoints a PRIVATE group is invoked through: the given ones, else one `execute-api`
 * endpoint in the group's VPC (none without a VPC).
 */
export function privateAccessOf(scope: Construct, given: readonly ec2.IInterfaceVpcEndpoint[] | undefined,
  placement: VpcPlacement | undefined): PrivateAccess {
  const endpoints = [...(given ?? [])];
  if (endpoints.length === 0 && placement) {
    endpoints.push(new ec2.InterfaceVpcEndpoint(scope, 'ExecuteApiEndpoint', {
      vpc: placement.vpc,
      service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY,
      subnets: placement.vpcSubnets,
      privateDnsEnabled: true,
      open: true,
    }));
  }
  return { endpoints, policy: new iam.PolicyDocument() };
}
