#!/usr/bin/env node
// Fails on error-level findings in the validation reports aws-cdk-lib writes at synth
// (cdk.out/validation-report.json): AWS's own rules and any policy-validation plugin.
//   node scripts/check-validation-report.mjs <cdk.out> [<cdk.out> ...]
import * as fs from 'node:fs';
import * as path from 'node:path';

let errors = 0;
for (const out of process.argv.slice(2)) {
  const file = path.join(out, 'validation-report.json');
  if (!fs.existsSync(file)) {
    console.log(`${file}: no report (no validation plugin ran)`);
    continue;
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  let findings = 0;
  for (const plugin of report.pluginReports ?? []) {
    for (const v of plugin.violations ?? []) {
      findings++;
      const severity = String(v.severity ?? '').toLowerCase();
      const where = (v.violatingConstructs ?? v.violatingResources ?? []).map(c => c.constructPath ?? c.resourceLogicalId).join(', ');
      console.log(`${file}: ${plugin.pluginName ?? 'plugin'} ${severity} ${v.ruleName}: ${v.description ?? ''} ${where}`);
      if (severity === 'error' || severity === 'fatal') errors++;
    }
  }
  console.log(`${file}: ${findings} findings`);
}
if (errors > 0) {
  console.error(`${errors} error-level findings`);
  process.exit(1);
}
