/**
 * Issue 8: a group at Huawei's scale (1000 APIs of the issue's shape) synthesizes into ONE stack
 * within AWS's default quotas, as `cdk synth` writes it: at most 500 CloudFormation resources, a
 * template under 1 MB, at most 300 API Gateway resources and 10 authorizers. The REST API's
 * document passes an OpenAPI validator and uses only extensions API Gateway documents; the
 * template passes cfn-validate (CloudFormation's resource schemas); the deployment report in the
 * cloud assembly says the same.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Stack } from 'aws-cdk-lib';
import { ApiGroup } from 'cdk-api-groups';
import { DOCUMENTED_EXTENSIONS, extensionsUsed } from '../../lib/private/definition/extensions';
import { deploymentReportFileName } from '../../lib/private/definition/deployment-report-files';
import { addIssueApis, issueGroupProps } from '../support/issue-shape-group';
import { newApp } from '../support/synth';

/** The shared CloudFormation validator of this workspace (outside the repository). */
const CFN_VALIDATE = path.resolve(__dirname, '..', '..', '..', 'shared', 'tools', 'cfn-validate', 'validate.mjs');

describe('a 1000-API group of issue 8\'s shape, synthesized', () => {
  let outdir: string;
  let template: any;
  let body: any;
  let group: ApiGroup;
  beforeAll(() => {
    const app = newApp();
    const stack = new Stack(app, 'Big');
    group = new ApiGroup(stack, 'Group', issueGroupProps());
    addIssueApis(group);
    const assembly = app.synth();
    outdir = assembly.directory;
    template = assembly.getStackByName('Big').template;
    body = Object.values<any>(template.Resources).find(r => r.Type === 'AWS::ApiGateway::RestApi').Properties.Body;
  });

  test('fits one stack: at most 500 CloudFormation resources and a template under 1 MB', () => {
    expect(group.apis).toHaveLength(1000);
    const resources = Object.keys(template.Resources).length;
    expect(resources).toBeLessThanOrEqual(500);
    expect(resources).toBeLessThan(40); // the tree is one resource, whatever the number of APIs
    const bytes = fs.statSync(path.join(outdir, 'Big.template.json')).size;
    expect(bytes).toBeLessThan(1_048_576);
  });

  test('fits the REST API\'s quotas: at most 300 API Gateway resources and 10 authorizers', () => {
    // Every path of the document is a resource (the root is not counted).
    const apiGatewayResources = Object.keys(body.paths).length - 1;
    expect(apiGatewayResources).toBeLessThanOrEqual(300);
    const authorizers = Object.values<any>(body.components.securitySchemes).filter(s => s['x-amazon-apigateway-authorizer']);
    expect(authorizers).toHaveLength(1);
    expect(Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::ApiGateway::Authorizer')).toHaveLength(0);
  });

  test('the REST API\'s document, as CloudFormation receives it, passes an OpenAPI 3.0 validator', async () => {
    await SwaggerParser.validate(JSON.parse(JSON.stringify(body)));
  });

  test('the document uses only extensions API Gateway documents', () => {
    expect([...extensionsUsed(body)].filter(e => !DOCUMENTED_EXTENSIONS.includes(e))).toEqual([]);
  });

  (fs.existsSync(CFN_VALIDATE) ? test : test.skip)('cfn-validate finds no error in the template', () => {
    const result = spawnSync(process.execPath, [CFN_VALIDATE, outdir], { encoding: 'utf8', timeout: 120_000 });
    expect({ status: result.status, out: result.stdout.split('\n').filter(l => !l.startsWith('warning:') && l.trim() !== '') })
      .toEqual({ status: 0, out: [expect.stringMatching(/ 0 errors/)] });
  }, 130_000);

  // cfn-lint, AWS's CloudFormation linter, is on every machine of this project (CI's included: .ci/run checks).
  (spawnSync('cfn-lint', ['--version']).status === 0 ? test : test.skip)('cfn-lint finds no error in the template', () => {
    const script = path.resolve(__dirname, '..', '..', 'scripts', 'cfn-lint.mjs');
    const result = spawnSync(process.execPath, [script, outdir], { encoding: 'utf8', timeout: 300_000 });
    expect({ status: result.status, errors: result.stdout.split('\n').filter(l => l.startsWith('Error ')) })
      .toEqual({ status: 0, errors: [] });
    expect(result.stdout).toMatch(/cfn-lint: 0 errors/);
  }, 310_000);

  test('the deployment report in the cloud assembly shows the quotas used and who API Gateway sees', () => {
    const json = JSON.parse(fs.readFileSync(path.join(outdir, deploymentReportFileName('Big', 'big', 'json')), 'utf8'));
    expect(json.quotas.stackResources).toEqual({ used: Object.keys(template.Resources).length, quota: 500 });
    // Measured as aws-cdk-lib writes the template file (CloudFormation's limit applies to the file), before the
    // stack synthesizer adds its bootstrap-version parameter and rule (well under 1 KB).
    const written = fs.statSync(path.join(outdir, 'Big.template.json')).size;
    expect(json.quotas.templateBytes.quota).toBe(1_048_576);
    expect(written - json.quotas.templateBytes.used).toBeGreaterThanOrEqual(0);
    expect(written - json.quotas.templateBytes.used).toBeLessThan(1024);
    expect(json.quotas.apiGatewayResources).toEqual({ used: Object.keys(body.paths).length - 1, quota: 300 });
    expect(json.quotas.authorizers).toEqual({ used: 1, quota: 10 });
    expect(json.seenIndividually).toHaveLength(150);
    expect(json.catchAll).toMatchObject({ defined: true, carriesAuthorizer: true });
    expect(json.catchAll.apis).toHaveLength(850);
    expect(json.problems).toEqual([]);
    const text = fs.readFileSync(path.join(outdir, deploymentReportFileName('Big', 'big', 'txt')), 'utf8');
    expect(text).toMatch(/^Deployment report of API group big\n/);
    expect(text).toMatch(/CloudFormation resources \(stack\)\s+\d+ of 500/);
    expect(text).toContain('Seen individually by API Gateway: 150');
  });
});
