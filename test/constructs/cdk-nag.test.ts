/**
 * cdk-nag's AwsSolutions pack (a policy-validation plugin) on the example apps: no finding may be
 * left without a written reason. The library acknowledges the findings its design answers
 * (through aws-cdk-lib's `Validations`, without depending on cdk-nag); the examples acknowledge
 * their own decisions. A group without any user acknowledgement shows which findings remain the
 * user's to decide.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiAuth, ApiGroup, Backend, HttpMethod } from 'cdk-api-groups';
import { OrdersStack } from '../../examples/orders/orders-stack';
import { SecuredStack } from '../../examples/secured/secured-stack';
import { newApp } from '../support/synth';

interface Finding {
  readonly rule: string;
  readonly path: string;
}

interface NagResult {
  readonly violations: Finding[];
  readonly suppressed: Array<Finding & { readonly reason: string; readonly at: string }>;
}

/** Synthesizes `app` with the AwsSolutions pack and reads its validation report. */
function nag(app: App): NagResult {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: false }));
  let failed = false;
  try {
    app.synth();
  } catch (e) {
    failed = true;
    expect((e as Error).message).toMatch(/validation-report\.json/);
  }
  const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
  const plugin = report.pluginReports.find((p: any) => p.pluginName === 'AwsSolutions');
  expect(plugin).toBeDefined();
  const strip = (p: string) => p.split('/').slice(1).join('/');
  const violations: Finding[] = plugin.violations.flatMap((v: any) =>
    v.violatingConstructs.map((c: any) => ({ rule: v.ruleName, path: strip(c.constructPath) })));
  const suppressed = (plugin.suppressedViolations ?? []).flatMap((v: any) =>
    v.violatingConstructs.map((c: any) => ({ rule: v.ruleName, path: strip(c.constructPath), reason: v.reason, at: strip(v.acknowledgedAt) })));
  expect(failed).toBe(violations.length > 0);
  return { violations, suppressed };
}

describe.each([
  ['orders', (app: App) => new OrdersStack(app, 'Example')],
  ['secured', (app: App) => new SecuredStack(app, 'Example')],
])('the %s example', (_name, build) => {
  let result: NagResult;
  beforeAll(() => {
    const app = newApp();
    build(app);
    result = nag(app);
  });

  test('has no unacknowledged AwsSolutions finding', () => {
    // CI synthesizes the examples with the pack on: an unexplained finding fails the build.
    expect(result.violations).toEqual([]);
  });

  test('every acknowledgement carries a written reason', () => {
    // An acknowledgement without its reason is a silenced warning, not a decision.
    expect(result.suppressed.length).toBeGreaterThan(0);
    for (const s of result.suppressed) { expect(s.reason.length).toBeGreaterThan(40); }
  });

  test('nothing wider than needed: no managed policy, no wildcard permission, no outdated runtime', () => {
    // These are fixed, never acknowledged.
    const rules = new Set(result.suppressed.map(s => s.rule.replace(/\[.*$/, '')));
    for (const fixed of ['AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'AwsSolutions-L1']) { expect(rules.has(fixed)).toBe(false); }
  });
});

test('the library acknowledges its own design; what remains is the user\'s to decide', () => {
  // A group with every authentication mode and no acknowledgement of the user's: the library has answered
  // request validation (APIG2) and rotation of generated AppCodes (SMG4); the access log is on by default
  // (APIG1). Left: execution logging and WAF.
  // The methods live in the REST API's OpenAPI document, which cdk-nag does not read: APIG4 and COG4
  // (authorization per AWS::ApiGateway::Method) have nothing to check, so nothing of theirs is acknowledged.
  const app = newApp();
  const stack = new Stack(app, 'Stack');
  const group = new ApiGroup(stack, 'Group', { groupName: 'shop' });
  const mobile = group.addApp('mobile', { throttle: { rateLimit: 10 } });
  const jwt = group.addCustomAuthorizer('jwt', {
    handler: lambda.Function.fromFunctionArn(stack, 'Jwt', 'arn:aws:lambda:eu-west-1:123456789012:function:jwt'),
  });
  const partner = group.addThirdPartyAuthorizer('partner', { url: 'https://auth.example.com' });
  group.addApi('Public', { method: HttpMethod.GET, path: '/public', backend: Backend.mock() });
  group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock(), auth: ApiAuth.app({ apps: [mobile], customAuthorizer: jwt }) });
  group.addApi('Profile', { method: HttpMethod.GET, path: '/profile', backend: Backend.mock(), auth: ApiAuth.custom(jwt) });
  group.addApi('Partner', { method: HttpMethod.GET, path: '/partner', backend: Backend.mock(), auth: ApiAuth.thirdParty(partner) });
  group.addApi('Reports', { method: HttpMethod.GET, path: '/reports', backend: Backend.mock(), auth: ApiAuth.iam({ customAuthorizer: jwt }) });

  const { violations, suppressed } = nag(app);

  expect(violations.map(v => `${v.rule} ${v.path}`).sort()).toEqual([
    'AwsSolutions-APIG3 Group/RestApi/DeploymentStage.RELEASE/Resource',
    'AwsSolutions-APIG6 Group/RestApi/DeploymentStage.RELEASE/Resource',
  ]);
  const byLibrary = suppressed.map(s => `${s.rule} ${s.path}`).sort();
  expect(byLibrary).toEqual([
    'AwsSolutions-APIG2 Group/RestApi/Resource',
    'AwsSolutions-SMG4 Group/Appmobile/AppCode/Resource',
    // The AppSecret's secret (app signatures): rotated by replacing it, as the AppCode's.
    'AwsSolutions-SMG4 Group/Appmobile/AppSecret/Resource',
  ]);
});
