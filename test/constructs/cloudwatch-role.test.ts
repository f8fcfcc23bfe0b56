/**
 * Issue 14 item 21: the README says what `cloudWatchRole: true` adds to the account: an IAM role
 * with the AWS managed policy AmazonAPIGatewayPushToCloudWatchLogs, set by an AWS::ApiGateway::Account.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { Backend, HttpMethod } from 'cdk-api-groups';
import { newGroup, templateOf } from '../support/synth';

test('cloudWatchRole: true creates the role with the AWS managed policy the README names; off by default', () => {
  // why: a user with rules against AWS managed policies must learn it from the README before deploying
  const group = newGroup({ cloudWatchRole: true });
  group.addApi('Health', { method: HttpMethod.GET, path: '/health', backend: Backend.mock() });
  const template = templateOf(group);
  template.hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })] }),
    ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs']] }],
  });
  template.resourceCountIs('AWS::ApiGateway::Account', 1);
  const off = newGroup();
  off.addApi('Health', { method: HttpMethod.GET, path: '/health', backend: Backend.mock() });
  templateOf(off).resourceCountIs('AWS::ApiGateway::Account', 0);
});
