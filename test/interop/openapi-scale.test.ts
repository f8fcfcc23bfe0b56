/**
 * Issue 8: the consumer OpenAPI document of a 1000-API group, as synthesis writes it into the cloud
 * assembly. Every operation refers to its gateway errors in `components` instead of repeating
 * them, so the document stays small (it was 10.8 MB, a large share of the group's synth time) and
 * still passes the OpenAPI validator.
 */
import * as fs from 'fs';
import * as path from 'path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
import SwaggerParser = require('@apidevtools/swagger-parser');
import { Stack } from 'aws-cdk-lib';
import { ApiGroup } from '../../lib';
import { addIssueApis, issueGroupProps } from '../support/issue-shape-group';
import { newApp } from '../support/synth';

describe('the consumer OpenAPI document of a 1000-API group of issue 8\'s shape', () => {
  let text: string;
  beforeAll(() => {
    const app = newApp();
    const stack = new Stack(app, 'Big');
    const group = new ApiGroup(stack, 'Group', issueGroupProps());
    addIssueApis(group);
    const outdir = app.synth().directory;
    text = fs.readFileSync(path.join(outdir, `${stack.artifactId}.${group.groupName}.openapi.json`), 'utf8');
  });

  test('is under 2 MB: each gateway error is documented once and referred to', () => {
    const doc = JSON.parse(text);
    expect(Object.keys(doc.paths)).toHaveLength(250);
    expect(text.length).toBeLessThan(2 * 1024 * 1024);
    expect(Object.keys(doc.components.responses).length).toBeLessThan(50);
  });

  test('passes the OpenAPI validator', async () => {
    await expect(SwaggerParser.validate(JSON.parse(text))).resolves.toBeDefined();
  });
});
