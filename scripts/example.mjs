#!/usr/bin/env node
// The main job: synthesize the bundled examples with the real cdk CLI, offline, and print what was
// produced (the REST API, the APIs and the responses they select, the native gateway responses, the
// proxy's asset); then serve examples/showcase with the local gateway (`cdk-api-groups local`) in
// front of a tiny backend and auth service on 127.0.0.1, and send one request per response type,
// printing the equivalent curl line, the status and the body. Everything is stopped at the end.
//
//   node scripts/example.mjs                     (npm run example builds the library first)
//   node scripts/example.mjs examples/<name>     only the synth summary of that example
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { readConfigFiles } = createRequire(import.meta.url)(path.join(root, 'lib', 'private', 'config-files.js'));
const env = {
  ...process.env,
  CDK_DISABLE_CLI_TELEMETRY: '1',
  CDK_DISABLE_VERSION_CHECK: '1',
  CDK_HOME: process.env.CDK_HOME ?? path.join(root, '.cdk-home'),
};
const cdk = path.join(root, 'node_modules', '.bin', 'cdk');

/** `cdk synth` in `dir` (into `out`, with `context`), then a summary of the assembly. */
function synthAndSummarize(dir, out = path.join(dir, 'cdk.out'), context = {}) {
  const contextArgs = Object.entries(context).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  console.log(`$ cdk synth${contextArgs.length ? ` ${contextArgs.join(' ')}` : ''}  (in ${path.relative(root, dir) || '.'})`);
  fs.rmSync(out, { recursive: true, force: true });
  execFileSync(cdk, ['synth', '--quiet', '--no-notices', '-o', out, ...contextArgs], { cwd: dir, env, stdio: 'inherit' });
  summarize(out);
}

function summarize(out) {
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
      // Document version 2 is two files (config.json, apis.jsonl): the library's own reader joins them.
      const config = readConfigFiles(path.join(out, assetPath));
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

    // The REST API is defined by its OpenAPI document (the Body): gateway responses and methods are in it.
    for (const [, api] of resources.filter(([, r]) => r.Type === 'AWS::ApiGateway::RestApi' && r.Properties.Body)) {
      const body = api.Properties.Body;
      const native = Object.entries(body['x-amazon-apigateway-gateway-responses'] ?? {}).sort(([a], [b]) => a.localeCompare(b));
      console.log(`\n  native gateway responses of REST API "${api.Properties.Name}" (${native.length}, from the "default" response):`);
      for (const [type, r] of native) {
        const text = r.responseTemplates?.['application/json'] ?? '';
        console.log(`    ${type.padEnd(31)} ${String(r.statusCode ?? '(kept)').padEnd(7)} ${text.length > 90 ? `${text.slice(0, 87)}...` : text}`);
      }
      const paths = Object.keys(body.paths);
      const methods = paths.reduce((n, p) => n + Object.keys(body.paths[p]).filter(k => k !== 'parameters').length, 0);
      console.log(`\n  REST API document: ${paths.length - 1} resources, ${methods} methods (APIs seen individually, ANY catch-alls, CORS preflight)`);
    }
  }
  // The deployment report of every group (quotas, who API Gateway sees and why, what degrades).
  for (const file of fs.readdirSync(out).filter(f => f.endsWith('.deployment-report.txt')).sort()) {
    console.log(`\n${path.relative(root, path.join(out, file))}:\n`);
    console.log(fs.readFileSync(path.join(out, file), 'utf8').replace(/^/gm, '  ').trimEnd());
  }
  const shown = path.relative(root, out);
  console.log(`\nCloud assembly: ${shown.startsWith('..') ? out : shown}`);
}

// ---------------------------------------------------------------------------------------------
// The showcase tour.

/** Listens on an ephemeral port of 127.0.0.1. */
function serve(handler) {
  const server = http.createServer(handler);
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise(done => { server.closeAllConnections(); server.close(() => done()); }),
  })));
}

/** The backend: 200 with what it received; `X-Backend: slow` answers after 3 s, `reset` resets. */
const startBackend = () => serve((req, res) => {
  const mode = req.headers['x-backend'];
  if (mode === 'reset') { req.socket.destroy(); return; }
  const answer = () => {
    if (res.destroyed) return;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ backend: 'showcase', method: req.method, url: req.url }));
  };
  if (mode === 'slow') {
    const timer = setTimeout(answer, 3000);
    res.on('close', () => clearTimeout(timer));
  } else {
    answer();
  }
});

/** The third-party auth service: `X-Token: ok` → 200, `broken` → 500, anything else → 401. */
const startAuthService = () => serve((req, res) => {
  const token = req.headers['x-token'];
  res.writeHead(token === 'ok' ? 200 : token === 'broken' ? 500 : 401, { 'Content-Type': 'application/json' });
  res.end('{}');
});

const APP_CODES = { mobile: 'M'.repeat(64), limited: 'L'.repeat(64), outsider: 'O'.repeat(64) };

/** One request per response type: [type, method, path, headers, body?, note?]. */
function tourCases() {
  const app = code => ({ 'X-Apig-AppCode': code });
  return [
    ['NOT_FOUND', 'GET', '/nowhere', {}],
    ['REQUEST_PARAMETERS_FAILURE', 'GET', '/items/abc', {}, undefined, 'the `tour` response of /items/{id}: 422'],
    ['AUTH_HEADER_MISSING', 'GET', '/orders', {}],
    ['AUTH_FAILURE', 'GET', '/orders', app('x'.repeat(64))],
    ['UNAUTHORIZED', 'GET', '/orders', app('$OUTSIDER_APPCODE')],
    ['THROTTLED', 'GET', '/limited', {}, undefined, 'the second of two requests in the same second (API throttle 1/s; or app `limited` on /orders)'],
    ['AUTHORIZER_IDENTITIES_FAILURE', 'GET', '/profile', {}],
    ['AUTHORIZER_FAILURE', 'GET', '/profile', { 'X-Mode': 'deny' }],
    ['AUTHORIZER_CONF_FAILURE', 'GET', '/profile', { 'X-Mode': 'malformed' }],
    ['THIRD_AUTH_IDENTITIES_FAILURE', 'GET', '/partner', {}],
    ['THIRD_AUTH_FAILURE', 'GET', '/partner', { 'X-Token': 'bad' }],
    ['THIRD_AUTH_CONF_FAILURE', 'GET', '/partner', { 'X-Token': 'broken' }],
    ['ACCESS_DENIED', 'GET', '/vault?x=1', { ...app('$MOBILE_APPCODE'), 'X-Mode': 'allow' }, undefined, 'every variable, in the `tour` response'],
    ['BACKEND_TIMEOUT', 'GET', '/items/1', { 'X-Backend': 'slow' }],
    ['BACKEND_UNAVAILABLE', 'GET', '/items/1', { 'X-Backend': 'reset' }],
    ['DEFAULT_4XX', 'POST', '/upload', { 'Content-Type': 'text/plain' }, Math.round(1.2 * 1024 * 1024),
      'the proxy\'s own 413: as text, 1.2 MB of \\x01 escapes to an event over Lambda\'s 6 MB for the upload function ' +
      '(API Gateway\'s REQUEST_TOO_LARGE, over 10 MB, cannot be customised)'],
    ['DEFAULT_5XX', 'GET', '/stock/1', {}, undefined, 'its function ARN is an Fn::ImportValue, unresolvable locally'],
    ['ORCHESTRATION_PARAMETER_NOT_FOUND', 'GET', '/offers', {}, undefined, 'no `tier`: its orchestration rule has nothing to map'],
    ['ORCHESTRATION_FAILURE', 'GET', '/offers?tier=bronze', {}, undefined, 'a tier the rule\'s list does not hold'],
  ];
}

function curlLine(base, method, p, headers, size) {
  // Double quotes where the value names a shell variable ($MOBILE_APPCODE).
  const h = Object.entries(headers).map(([k, v]) => (v.includes('$') ? ` -H "${k}: ${v}"` : ` -H '${k}: ${v}'`)).join('');
  const url = `'${base}${p}'`;
  if (size !== undefined) return `head -c ${size} /dev/zero | tr '\\0' '\\1' | curl -i -X ${method}${h} --data-binary @- ${url}`;
  return `curl -i${method === 'GET' ? '' : ` -X ${method}`}${h} ${url}`;
}

async function tour() {
  const require = createRequire(import.meta.url);
  const localEntry = path.join(root, 'lib', 'local', 'index.js');
  if (!fs.existsSync(localEntry)) throw new Error(`${localEntry} is missing: run npm run build first (npm run example does)`);
  const { startLocalGateway } = require(localEntry);

  const services = [];
  let gateway;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-api-groups-showcase-'));
  try {
    const backend = await startBackend();
    services.push(backend);
    const auth = await startAuthService();
    services.push(auth);
    console.log(`\n=== The showcase, served locally: one request per response type ===\n`);
    console.log(`backend ${backend.url} (X-Backend: slow | reset), third-party auth service ${auth.url}/verify (X-Token: ok | bad | broken)\n`);
    const out = path.join(work, 'cdk.out');
    synthAndSummarize(path.join(root, 'examples', 'showcase'), out, { showcaseBackendUrl: backend.url, showcaseAuthUrl: `${auth.url}/verify` });

    const entries = [];
    gateway = await startLocalGateway({
      assembly: out,
      port: 0,
      appCodes: APP_CODES,
      iamCredentials: [{ accessKeyId: 'AKIDLOCALSHOWCASE', secretAccessKey: 'local-showcase-secret' }],
      onRequest: e => entries.push(e),
    });
    const base = gateway.groups[0].url.replace(/\/$/, '');
    console.log(`\n$ npx cdk-api-groups local --assembly <that cdk.out> --app-code mobile=$MOBILE_APPCODE --app-code outsider=$OUTSIDER_APPCODE ...`);
    console.log(`serving group ${gateway.groups[0].name} (stage ${gateway.groups[0].stage}) at ${base}/`);
    for (const w of gateway.warnings) console.log(`warning: ${w}`);
    console.log(`  MOBILE_APPCODE=${APP_CODES.mobile}\n  OUTSIDER_APPCODE=${APP_CODES.outsider}\n`);

    const seen = new Set();
    for (const [type, method, p, shown, size, note] of tourCases()) {
      const headers = Object.fromEntries(Object.entries(shown).map(([k, v]) => [k, v === '$MOBILE_APPCODE' ? APP_CODES.mobile : v === '$OUTSIDER_APPCODE' ? APP_CODES.outsider : v]));
      if (type === 'THROTTLED') await fetch(base + p).then(r => r.arrayBuffer());
      const started = Date.now();
      const res = await fetch(base + p, { method, headers, body: size === undefined ? undefined : Buffer.alloc(size, 1) });
      const body = await res.text();
      const got = entries.find(e => e.requestId === res.headers.get('x-request-id'));
      const answered = got?.responseType ?? type;
      seen.add(type);
      console.log(`--- ${type}${note ? `  (${note})` : ''}`);
      console.log(`$ ${curlLine(base, method, p, shown, size)}`);
      console.log(`HTTP ${res.status}  X-Request-Id: ${res.headers.get('x-request-id')}  (${Date.now() - started} ms, gateway log: ${answered})`);
      console.log(`${body.length > 800 ? `${body.slice(0, 797)}...` : body}\n`);
    }
    console.log(`${seen.size} response types produced over HTTP by ${base}/.`);
  } finally {
    await gateway?.close();
    for (const s of services) await s.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const only = process.argv[2];
if (only !== undefined) {
  synthAndSummarize(path.resolve(root, only));
} else {
  synthAndSummarize(path.join(root, 'examples', 'orders'));
  // Direct integration: which APIs API Gateway calls itself (its deployment report says why).
  synthAndSummarize(path.join(root, 'examples', 'direct'));
  // A bounded run: CI runs this; nothing may keep it alive.
  const watchdog = setTimeout(() => { console.error('the showcase tour did not finish in 180 s'); process.exit(1); }, 180_000);
  watchdog.unref();
  tour().then(() => process.exit(0), err => { console.error(`the showcase tour failed: ${err instanceof Error ? err.stack : String(err)}`); process.exit(1); });
}
