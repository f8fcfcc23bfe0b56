/**
 * The built asset itself: what Lambda loads and what users' asset hashes are computed from.
 */
import { writeConfigFiles } from '../../lib/private/config-files';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { authorizerEvent, proxyEvent } from '../support/events';
import { closedPort } from '../support/http-servers';
import { AUTHORIZER_ASSET, cleanWorkDirs, freshWorkDir, PROXY_ASSET, REPO_ROOT } from '../support/proxy-harness';
import { appCode, document, fn } from './documents';

const code = fs.readFileSync(PROXY_ASSET, 'utf8');
const authorizerCode = fs.readFileSync(AUTHORIZER_ASSET, 'utf8');

afterAll(() => { cleanWorkDirs(); });

test('the bundle is deterministic and holds no machine-specific path', () => {
  // why: the asset hash (and users' snapshots) must not change between machines or builds
  const out = freshWorkDir('rebuild');
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'bundle.mjs'), '--outdir', out], { cwd: REPO_ROOT, stdio: 'ignore' });
  expect(fs.readFileSync(path.join(out, 'proxy', 'index.js'), 'utf8')).toBe(code);
  expect(fs.readFileSync(path.join(out, 'authorizer', 'index.js'), 'utf8')).toBe(authorizerCode);
  for (const bundle of [code, authorizerCode]) {
    expect(bundle).not.toContain(REPO_ROOT);
    expect(bundle).not.toMatch(/sourceMappingURL|lib\/runtime/);
  }
});

test('the AWS SDK is not bundled but required from the runtime', () => {
  // why: Lambda's Node runtime provides @aws-sdk/*; bundling it would add megabytes
  expect(code).toContain('require("@aws-sdk/client-lambda")');
  // Secrets Manager: the proxy verifies app signatures over the body, with the app's AppSecret.
  expect(code).toContain('require("@aws-sdk/client-secrets-manager")');
  expect(code).not.toMatch(/@smithy|@aws-sdk\/(?!client-lambda|client-secrets-manager)/);
  expect(code.length).toBeLessThan(100 * 1024);
});

test('the SDK is loaded on the first function call, not at cold start', async () => {
  // why: groups without function backends must not pay the SDK's load time at cold start
  const dir = freshWorkDir('lazy-sdk');
  fs.copyFileSync(PROXY_ASSET, path.join(dir, 'index.js'));
  writeConfigFiles(dir, document({
    apis: [{ path: '/mock' }, { path: '/fn', backend: fn('arn:aws:lambda:us-east-1:123456789012:function:f', 3000) }],
  }));
  const port = await closedPort();
  const script = `
    console.log = () => {};
    const loaded = () => Object.keys(require.cache).some(k => k.includes('@aws-sdk'));
    const { handler } = require('./index.js');
    (async () => {
      const atStart = loaded();
      const mock = await handler(${JSON.stringify(proxyEvent({ path: '/mock' }))});
      const afterMock = loaded();
      const fnResult = await handler(${JSON.stringify(proxyEvent({ path: '/fn' }))});
      process.stdout.write(JSON.stringify({ atStart, afterMock, afterFunction: loaded(), mock: mock.statusCode, fn: fnResult.statusCode }));
    })();`;
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: dir,
    env: { ...process.env, AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${port}`, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_MAX_ATTEMPTS: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  expect(JSON.parse(out)).toEqual({ atStart: false, afterMock: false, afterFunction: true, mock: 200, fn: 502 });
});

test('node\'s HTTP client and its net module are loaded by the first call that needs them, not at cold start', async () => {
  // why: issue 15: a cold start whose first request calls no HTTP backend (a mock, a function, a gateway error) must not pay
  // for loading them; an IP rule loads net when it is compiled, an HTTP backend http or https when it is first called
  const dir = freshWorkDir('lazy-http');
  fs.copyFileSync(PROXY_ASSET, path.join(dir, 'index.js'));
  const port = await closedPort();
  writeConfigFiles(dir, document({
    apis: [
      { path: '/mock' },
      { path: '/http', backend: { type: 'HTTP', url: `http://127.0.0.1:${port}/x`, timeoutMs: 2000 } },
      { path: '/guarded', accessControl: { action: 'DENY', cidrs: ['192.0.2.0/24'] } },
    ],
  }));
  // The result goes to a file: a piped stdout or stderr would itself load net.
  const result = path.join(dir, 'result.json');
  const script = `
    console.log = () => {};
    const builtins = () => ['http', 'https', 'net'].filter(m => process.moduleLoadList.includes('NativeModule ' + m));
    const { handler } = require('./index.js');
    (async () => {
      const atStart = builtins();
      const mock = await handler(${JSON.stringify(proxyEvent({ path: '/mock' }))});
      const afterMock = builtins();
      const guarded = await handler(${JSON.stringify(proxyEvent({ path: '/guarded' }))});
      const afterIpRule = builtins();
      const http = await handler(${JSON.stringify(proxyEvent({ path: '/http' }))});
      require('fs').writeFileSync(${JSON.stringify(result)}, JSON.stringify({
        atStart, afterMock, afterIpRule, afterHttp: builtins(), statuses: [mock.statusCode, guarded.statusCode, http.statusCode] }));
    })();`;
  execFileSync(process.execPath, ['-e', script], { cwd: dir, stdio: 'ignore' });
  expect(JSON.parse(fs.readFileSync(result, 'utf8'))).toEqual({
    atStart: [], afterMock: [], afterIpRule: ['net'], afterHttp: ['http', 'net'], statuses: [200, 200, 502],
  });
});

test('the authorizer requires both SDK clients from the runtime, and bundles nothing else of the SDK', () => {
  // why: Lambda's Node runtime provides @aws-sdk/*; the authorizer has no third-party runtime dependency
  expect(authorizerCode).toContain('require("@aws-sdk/client-lambda")');
  expect(authorizerCode).toContain('require("@aws-sdk/client-secrets-manager")');
  expect(authorizerCode).not.toMatch(/@smithy|@aws-sdk\/(?!client-lambda|client-secrets-manager)/);
  expect(authorizerCode.length).toBeLessThan(60 * 1024);
});

test('the authorizer loads an SDK only when it first needs it', async () => {
  // why: requests to APIs without app or custom authentication must not pay the SDKs' load time
  const dir = freshWorkDir('lazy-authorizer-sdk');
  fs.copyFileSync(AUTHORIZER_ASSET, path.join(dir, 'index.js'));
  writeConfigFiles(dir, document({
    apps: { a: { id: 'a', name: 'a', secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf' } },
    apis: [{ path: '/open' }, { path: '/app', auth: { type: 'APP', apps: ['a'] } }],
  }));
  const port = await closedPort();
  const script = `
    console.log = () => {};
    const loaded = name => Object.keys(require.cache).some(k => k.includes(name));
    const { handler } = require('./index.js');
    (async () => {
      const atStart = loaded('@aws-sdk');
      await handler(${JSON.stringify(authorizerEvent({ path: '/open' }))});
      await handler(${JSON.stringify(authorizerEvent({ path: '/app' }))});
      const afterNoCredential = loaded('@aws-sdk');
      const app = await handler(${JSON.stringify(authorizerEvent({ path: '/app', headers: { 'X-Apig-AppCode': appCode('x') } }))});
      process.stdout.write(JSON.stringify({ atStart, afterNoCredential, secrets: loaded('client-secrets-manager'), lambda: loaded('client-lambda'), verdict: app.context.apigVerdict }));
    })();`;
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: dir,
    env: { ...process.env, AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}`, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_MAX_ATTEMPTS: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  expect(JSON.parse(out)).toEqual({ atStart: false, afterNoCredential: false, secrets: true, lambda: false, verdict: 'DEFAULT_5XX' });
});
