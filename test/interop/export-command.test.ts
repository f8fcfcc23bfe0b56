/**
 * `cdk-api-groups export` copies the definition documents synthesis wrote into the cloud assembly:
 * here from an assembly synthesized in this process (an example), through the CLI's own entry point.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DefinitionFormat } from '../../lib';
import { main } from '../../lib/local/cli';
import { cleanWorkDirs, freshWorkDir } from '../support/proxy-harness';
import { synthesizeExample } from './examples';

afterAll(() => cleanWorkDirs());

function capture(): { out: string[]; err: string[]; restore(): void } {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => { out.push(String(chunk)); return true; });
  const e = jest.spyOn(process.stderr, 'write').mockImplementation(chunk => { err.push(String(chunk)); return true; });
  return { out, err, restore: () => { o.mockRestore(); e.mockRestore(); } };
}

test('export --assembly writes each group\'s documents, as exportDefinition() returns them', async () => {
  const example = synthesizeExample('orders', freshWorkDir('interop-cli'));
  const out = freshWorkDir('interop-cli-out');
  const io = capture();
  const code = await main(['export', '--assembly', example.outdir, '--out', out]).finally(() => io.restore());
  expect([code, io.err]).toEqual([0, []]);
  const base = `${example.stack.artifactId}.${example.group.groupName}`;
  expect(fs.readdirSync(out).sort()).toEqual([`${base}.huawei.json`, `${base}.openapi.json`]);
  expect(io.out.join('')).toBe(`${path.join(out, `${base}.huawei.json`)}\n${path.join(out, `${base}.openapi.json`)}\n`);
  expect(fs.readFileSync(path.join(out, `${base}.huawei.json`), 'utf8')).toBe(example.group.exportDefinition(DefinitionFormat.HUAWEI));

  const only = freshWorkDir('interop-cli-only');
  const io2 = capture();
  expect(await main(['export', '--assembly', example.outdir, '--out', only, '--format', 'openapi', '--stack', example.stack.artifactId])
    .finally(() => io2.restore())).toBe(0);
  expect(fs.readdirSync(only)).toEqual([`${base}.openapi.json`]);
});

test('bad input: one line on stderr, exit 1; a usage error, exit 2; --help, exit 0', async () => {
  const example = synthesizeExample('orders', freshWorkDir('interop-cli-bad'));
  const io = capture();
  const unknownStack = await main(['export', '--assembly', example.outdir, '--stack', 'Nope']);
  const noAssembly = await main(['export', '--assembly', freshWorkDir('interop-cli-empty')]);
  const usage = await main(['export', '--format', 'yaml']);
  const help = await main(['export', '--help']);
  io.restore();
  expect([unknownStack, noAssembly, usage, help]).toEqual([1, 1, 2, 0]);
  expect(io.err).toEqual([
    'cdk-api-groups export: no stack "Nope" in the assembly\n',
    expect.stringMatching(/^cdk-api-groups export: .* is not a cloud assembly: it has no manifest\.json\n$/),
    'cdk-api-groups export: --format expects huawei or openapi, got "yaml" (see --help)\n',
  ]);
  expect(io.out.join('')).toContain('Usage: cdk-api-groups export [options]');
});
