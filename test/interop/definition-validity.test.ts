/**
 * Both exported formats are valid OpenAPI 3.0 for every example (checked with
 * @apidevtools/swagger-parser's validator), and synthesis writes them into the cloud assembly next
 * to the template, the same as exportDefinition() returns.
 */
import * as fs from 'fs';
import * as path from 'path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
import SwaggerParser = require('@apidevtools/swagger-parser');
import { DefinitionFormat } from '../../lib';
import { freshWorkDir, cleanWorkDirs } from '../support/proxy-harness';
import { EXAMPLE_NAMES, synthesizeExample } from './examples';

afterAll(() => cleanWorkDirs());

describe.each(EXAMPLE_NAMES)('example %s', name => {
  const example = synthesizeExample(name, freshWorkDir('interop-valid'));

  test.each([DefinitionFormat.HUAWEI, DefinitionFormat.OPENAPI])('%s document passes the OpenAPI validator', async format => {
    const doc = JSON.parse(example.group.exportDefinition(format));
    await expect(SwaggerParser.validate(doc)).resolves.toBeDefined();
  });

  test('synthesis writes both documents next to the template, as exportDefinition() returns them', () => {
    const files = fs.readdirSync(example.outdir).filter(f => f.endsWith('.huawei.json') || f.endsWith('.openapi.json')).sort();
    const base = `${example.stack.artifactId}.${example.group.groupName}`;
    expect(files).toEqual([`${base}.huawei.json`, `${base}.openapi.json`]);
    expect(fs.readFileSync(path.join(example.outdir, `${base}.huawei.json`), 'utf8')).toBe(example.group.exportDefinition(DefinitionFormat.HUAWEI));
    expect(fs.readFileSync(path.join(example.outdir, `${base}.openapi.json`), 'utf8')).toBe(example.group.exportDefinition(DefinitionFormat.OPENAPI));
    expect(fs.existsSync(path.join(example.outdir, `${example.stack.artifactId}.template.json`))).toBe(true);
  });
});
