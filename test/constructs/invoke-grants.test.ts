/**
 * Issue 14 item 20: execute-api:Invoke grants stay within IAM's policy sizes. Before, granting 160
 * IAM APIs in 3 environments wrote one 82,380-character inline policy (IAM allows 10,240 characters
 * of inline policies per role): the deploy fails. Now the ARNs that fit go into the grantee's own
 * policy and the rest into customer managed policies attached to the role (6,144 characters each),
 * every ARN exactly once and each stage still named; what cannot fit is a synth error.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ApiAuth, ApiGroup, Backend, HttpMethod } from '../../lib';
import { newGroup } from '../support/synth';

/** The policy text as IAM measures it, with every deploy-time part at its longest. */
function deployedSize(document: unknown): number {
  const text = JSON.stringify(document, (_k, v) => {
    if (v && typeof v === 'object' && Array.isArray(v['Fn::Join'])) {
      return v['Fn::Join'][1].map((part: any) => {
        if (typeof part === 'string') { return part; }
        switch (part.Ref) {
          case 'AWS::Partition': return 'aws-us-gov';
          case 'AWS::Region': return 'ap-southeast-4';
          case 'AWS::AccountId': return '123456789012';
          default: return 'abcdefghij'; // a REST API id
        }
      }).join('');
    }
    return v;
  });
  return text.length;
}

function iamGroup(apis: number, environments: string[]): ApiGroup {
  const group = newGroup({ groupName: 'internal' });
  for (const name of environments) { group.addEnvironment(name); }
  for (let i = 0; i < apis; i++) {
    group.addApi(`Report${i}`, {
      method: HttpMethod.GET, path: `/internal-reports-${i}`, backend: Backend.mock(), auth: ApiAuth.iam(),
    });
  }
  return group;
}

function policiesOf(template: Template, stack: Stack, role: iam.Role) {
  const roleRef = { Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) };
  const inline = Object.values<any>(template.findResources('AWS::IAM::Policy'))
    .filter(p => JSON.stringify(p.Properties.Roles) === JSON.stringify([roleRef]));
  const managed = Object.entries<any>(template.findResources('AWS::IAM::ManagedPolicy'));
  const attached = template.findResources('AWS::IAM::Role')[stack.getLogicalId(role.node.defaultChild as iam.CfnRole)]
    .Properties.ManagedPolicyArns ?? [];
  return { inline, managed, attached };
}

const arnsOf = (statement: any): any[] => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]);

describe('grantInvoke within IAM\'s policy sizes', () => {
  test('160 IAM APIs in 3 environments: every ARN once, inline under 10,240 characters, the rest in managed policies on the role', () => {
    const group = iamGroup(160, ['TEST', 'STAGING']);
    const stack = Stack.of(group);
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    group.grantInvoke(role);
    group.apis[0].grantInvoke(role); // granted twice: listed once
    const template = Template.fromStack(stack);
    const { inline, managed, attached } = policiesOf(template, stack, role);

    expect(inline).toHaveLength(1);
    expect(deployedSize(inline[0].Properties.PolicyDocument)).toBeLessThan(10_240);
    expect(managed.length).toBeGreaterThan(0);
    expect(managed.length).toBeLessThanOrEqual(10);
    for (const [, policy] of managed) { expect(deployedSize(policy.Properties.PolicyDocument)).toBeLessThanOrEqual(6_144); }
    expect(attached).toEqual(managed.map(([id]) => ({ Ref: id })));

    const granted = [
      ...inline[0].Properties.PolicyDocument.Statement.filter((s: any) => s.Action === 'execute-api:Invoke').flatMap(arnsOf),
      ...managed.flatMap(([, p]) => p.Properties.PolicyDocument.Statement.flatMap(arnsOf)),
    ].map(a => JSON.stringify(a));
    const expected = group.apis.flatMap(api => api._invokeArns()).map(a => JSON.stringify(stack.resolve(a)));
    expect(granted).toHaveLength(480);
    expect(new Set(granted)).toEqual(new Set(expected));
    // No wildcard stage: each environment is named (least privilege; cdk-nag's IAM5 stays quiet).
    expect(granted.every(a => /\/(RELEASE|TEST|STAGING)\/GET\/internal-reports-\d+"/.test(a))).toBe(true);
  });

  test('a small grant stays one inline statement, as before', () => {
    const group = iamGroup(3, []);
    const stack = Stack.of(group);
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    group.grantInvoke(role);
    const { inline, managed } = policiesOf(Template.fromStack(stack), stack, role);
    expect(managed).toHaveLength(0);
    expect(arnsOf(inline[0].Properties.PolicyDocument.Statement[0])).toHaveLength(3);
  });

  test('too many ARNs for a grantee that is not a role: a synth error naming it and the rule', () => {
    const group = iamGroup(160, ['TEST']);
    const stack = Stack.of(group);
    const user = new iam.User(stack, 'Auditor');
    group.grantInvoke(user);
    expect(() => Template.fromStack(stack)).toThrow(/320 ARNs for Stack\/Auditor.*not a role.*\[invoke-grant-size\]/s);
  });

  test('more managed policies than IAM allows per role: a synth error', () => {
    const group = iamGroup(300, ['TEST', 'STAGING', 'PERF', 'DEMO']);
    const stack = Stack.of(group);
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    group.grantInvoke(role);
    expect(() => Template.fromStack(stack)).toThrow(/1500 ARNs for Stack\/Caller.*more than IAM's 10 per role.*\[invoke-grant-size\]/s);
  });
});
