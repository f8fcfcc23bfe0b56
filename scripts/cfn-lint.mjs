#!/usr/bin/env node
// cfn-lint (AWS's CloudFormation linter) on the stack templates of cloud assemblies: prints every
// finding, exits 1 on any error-level finding (or when cfn-lint cannot run), 0 otherwise.
// Warnings are listed, not fatal: the ones that remain are explained in the README ("cfn-lint").
//
//   node scripts/cfn-lint.mjs <cdk.out> [<cdk.out> ...]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function lintAssemblies(dirs) {
  const templates = dirs.flatMap(dir => fs.readdirSync(dir).filter(f => f.endsWith('.template.json')).map(f => path.join(dir, f)));
  if (templates.length === 0) { return { ok: false, findings: [], problem: `no template in ${dirs.join(', ')}` }; }
  const run = spawnSync('cfn-lint', ['-f', 'json', ...templates], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
  if (run.error) { return { ok: false, findings: [], problem: `cfn-lint did not run: ${run.error.message}` }; }
  // cfn-lint's exit status is a bit mask: 1 fatal, 2 error, 4 warning, 8 informational.
  if (run.status & 1) { return { ok: false, findings: [], problem: `cfn-lint failed: ${run.stderr.slice(0, 2000)}` }; }
  const findings = JSON.parse(run.stdout || '[]').map(f => ({
    level: f.Level, rule: f.Rule.Id, file: f.Filename, path: f.Location.Path.join('/'), message: f.Message,
  }));
  return { ok: !findings.some(f => f.level === 'Error'), findings };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const result = lintAssemblies(process.argv.slice(2));
  if (result.problem) { console.error(result.problem); process.exit(1); }
  for (const f of result.findings) { console.log(`${f.level} ${f.rule} ${path.basename(f.file)} ${f.path}: ${f.message}`); }
  const count = level => result.findings.filter(f => f.level === level).length;
  console.log(`cfn-lint: ${count('Error')} errors, ${count('Warning')} warnings, ${count('Informational')} informational`);
  process.exit(result.ok ? 0 : 1);
}
