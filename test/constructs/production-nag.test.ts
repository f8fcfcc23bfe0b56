/**
 * cdk-nag (AwsSolutions) on the production example, which uses every production option: no
 * finding left, and no acknowledgement left anywhere (library or examples) for a finding that no
 * longer exists: what an option settles is settled, not acknowledged.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { OrdersStack } from '../../examples/orders/orders-stack';
import { ProductionStack } from '../../examples/production/production-stack';
import { SecuredStack } from '../../examples/secured/secured-stack';
import { ShowcaseStack } from '../../examples/showcase/showcase-stack';
import { newApp } from '../support/synth';

interface NagReport {
  readonly violations: string[];
  /** `rule path` of each finding an acknowledgement suppressed. */
  readonly suppressed: string[];
  /** `rule path` of every acknowledgement written in the app, as declared. */
  readonly acknowledged: string[];
}

function nag(app: App): NagReport {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: false }));
  try { app.synth(); } catch { /* the report says why */ }
  const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
  const plugin = report.pluginReports.find((p: any) => p.pluginName === 'AwsSolutions');
  const strip = (p: string) => p.split('/').slice(1).join('/');
  const violations = plugin.violations.flatMap((v: any) => v.violatingConstructs.map((c: any) => `${v.ruleName} ${strip(c.constructPath)}`));
  const suppressed = (plugin.suppressedViolations ?? []).flatMap((v: any) => v.violatingConstructs.map((c: any) => `${v.ruleName} ${strip(v.acknowledgedAt)}`));
  const acknowledged: string[] = [];
  const visit = (c: IConstruct): void => {
    for (const entry of c.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data) {
        for (const id of Object.keys(entry.data).filter(k => /AwsSolutions-/.test(k))) {
          acknowledged.push(`${id.replace(/^annotation::/i, '').replace(/^AwsSolutions::/, '')} ${strip(c.node.path)}`);
        }
      }
    }
    c.node.children.forEach(visit);
  };
  visit(app);
  return { violations: violations.sort(), suppressed: [...new Set<string>(suppressed)].sort(), acknowledged: [...new Set(acknowledged)].sort() };
}

describe('the production example', () => {
  let result: NagReport;
  beforeAll(() => {
    const app = newApp();
    new ProductionStack(app, 'Example');
    result = nag(app);
  });

  test('has no AwsSolutions finding left', () => {
    expect(result.violations).toEqual([]);
  });

  test('the stage findings are settled by the options, not acknowledged: access log, execution logging, WAF', () => {
    const rules = result.acknowledged.map(a => a.split(' ')[0]);
    for (const settled of ['AwsSolutions-APIG1', 'AwsSolutions-APIG3', 'AwsSolutions-APIG6']) { expect(rules).not.toContain(settled); }
  });

  test('what remains acknowledged is the library\'s own design, each with a finding behind it', () => {
    expect(result.acknowledged).toEqual([
      'AwsSolutions-APIG2 Shop/RestApi',
      'AwsSolutions-IAM5[Resource::*] Shop/AuthorizerRole',
      'AwsSolutions-IAM5[Resource::*] Shop/ProxyRole',
      'AwsSolutions-SMG4 Shop/Appmobile/AppCode',
      'AwsSolutions-SMG4 Shop/Appmobile/AppSecret',
    ]);
    expect(result.suppressed).toEqual(result.acknowledged);
  });
});

test.each([
  ['orders', (app: App) => new OrdersStack(app, 'Example')],
  ['secured', (app: App) => new SecuredStack(app, 'Example')],
  ['showcase', (app: App) => new ShowcaseStack(app, 'Example', {})],
])('the %s example acknowledges nothing that is not a finding (no acknowledgement an option now settles)', (_name, build) => {
  const app = newApp();
  build(app);
  const result = nag(app);
  expect(result.violations).toEqual([]);
  expect(result.acknowledged.filter(a => !result.suppressed.includes(a))).toEqual([]);
});
