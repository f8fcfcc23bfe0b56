#!/usr/bin/env node
// The main job: synthesize the bundled example with the real cdk CLI, offline, and print what was
// produced: the REST API, the APIs and the responses they select, the native gateway responses,
// and the proxy's asset (bundle plus configuration document).
//
//   node scripts/example.mjs [examples/<name>]      (npm run example builds the library first)
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.resolve(root, process.argv[2] ?? 'examples/orders');
const env = {
  ...process.env,
  CDK_DISABLE_CLI_TELEMETRY: '1',
  CDK_DISABLE_VERSION_CHECK: '1',
  CDK_HOME: process.env.CDK_HOME ?? path.join(root, '.cdk-home'),
};

console.log(`$ cdk synth  (in ${path.relative(root, dir) || '.'})`);
fs.rmSync(path.join(dir, 'cdk.out'), { recursive: true, force: true });
execFileSync(path.join(root, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--no-notices'], { cwd: dir, env, stdio: 'inherit' });

const out = path.join(dir, 'cdk.out');
const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');

for (const [name, artifact] of stacks) {
  const template = JSON.parse(fs.readFileSync(path.join(out, artifact.properties.templateFile), 'utf8'));
  const resources = Object.entries(template.Resources);
  const counts = {};
  for (const [, r] of resources) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
  console.log(`\nStack ${name}: ${resources.length} resources`);
  for (const [type, n] of Object.entries(counts).sort()) console.log(`  ${String(n).padStart(3)}  ${type}`);

  for (const [id, fn] of resources.filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
    const assetPath = fn.Metadata?.['aws:asset:path'];
    const configFile = assetPath && path.join(out, assetPath, 'config.json');
    // The group's proxy and authorizer share one configuration document: describe it once, from the proxy.
    if (!configFile || !fs.existsSync(configFile) || !String(fn.Properties.Description ?? '').includes(' proxy of ')) continue;
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    const bundle = fs.statSync(path.join(out, assetPath, 'index.js')).size;
    console.log(`\nAPI group "${config.group.name}", stage ${config.group.stage} (proxy ${id}, ${fn.Properties.Runtime}, ${fn.Properties.Architectures?.join(',')})`);
    console.log(`  proxy asset ${assetPath}: index.js ${(bundle / 1024).toFixed(1)} KB, config.json ${(fs.statSync(configFile).size / 1024).toFixed(1)} KB (document version ${config.version})`);
    console.log(`  gateway responses: ${Object.keys(config.responses).join(', ')}`);
    if (config.apps) console.log(`  apps: ${Object.values(config.apps).map(a => a.name).join(', ')} (AppCodes in Secrets Manager)`);
    const authorizers = [...Object.keys(config.customAuthorizers ?? {}), ...Object.keys(config.thirdPartyAuthorizers ?? {})];
    if (authorizers.length) console.log(`  authorizers: ${authorizers.join(', ')}`);
    console.log('  APIs:');
    for (const api of config.apis) {
      const b = api.backend;
      const target = b.type === 'HTTP' ? `${typeof b.url === 'string' ? b.url : `$${b.url.env}`} (${b.timeoutMs} ms)`
        : b.type === 'FUNCTION' ? `function ${typeof b.functionArn === 'string' ? b.functionArn : `$${b.functionArn.env}`} (${b.timeoutMs} ms)`
          : `mock ${b.statusCode}`;
      const params = api.parameters.map(p => `${p.in}:${p.name}`).join(' ') || '-';
      const auth = api.auth ? api.auth.type + (api.auth.customAuthorizer ? `+${api.auth.customAuthorizer}` : '') : 'NONE';
      console.log(`    ${api.method.padEnd(6)} ${api.path.padEnd(18)} ${api.name.padEnd(16)} response=${api.response.padEnd(8)} auth=${auth.padEnd(12)} ${b.type.padEnd(8)} ${target}  params: ${params}`);
    }
    if (config.cors) console.log(`  CORS: ${config.cors.allowOrigins.join(', ')}`);
  }

  const native = resources.filter(([, r]) => r.Type === 'AWS::ApiGateway::GatewayResponse')
    .map(([, r]) => r.Properties).sort((a, b) => a.ResponseType.localeCompare(b.ResponseType));
  console.log(`\n  native gateway responses (${native.length}, from the "default" response):`);
  for (const r of native) {
    const body = r.ResponseTemplates?.['application/json'] ?? '';
    console.log(`    ${r.ResponseType.padEnd(31)} ${String(r.StatusCode ?? '(kept)').padEnd(7)} ${body.length > 90 ? `${body.slice(0, 87)}...` : body}`);
  }
  const methods = resources.filter(([, r]) => r.Type === 'AWS::ApiGateway::Method').length;
  const routes = resources.filter(([, r]) => r.Type === 'AWS::ApiGateway::Resource').length;
  console.log(`\n  REST API: ${routes} resources, ${methods} methods (APIs, ANY catch-alls, CORS preflight)`);
}
console.log(`\nCloud assembly: ${path.relative(root, out)}`);
