/**
 * Signed requests (AppKey/AppSecret, `SDK-HMAC-SHA256`) through the local gateway over HTTP: a group
 * synthesized in this process, served by startLocalGateway (what `cdk-api-groups local` runs) with the
 * AppSecret given as `--app-secret` gives it, requests signed by Huawei's own AKSKSigner, a real HTTP
 * backend on 127.0.0.1 recording its calls, and the app's quota as API Gateway's usage plan applies it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { ApiAuth, ApiGroup, Backend, HttpMethod } from 'cdk-api-groups';
import { parseArguments, USAGE } from '../../lib/local/cli';
import { LocalGateway, startLocalGateway } from '../../lib/local';
import { closeAllServers, echoServer, TestServer } from '../support/http-servers';

const work = path.join(__dirname, '..', '.work', `local-signature-${process.pid}`);
const APP_KEY = 'mobile-local-key-01';
const APP_SECRET = 'Given_AppSecret-for-tests-7f3a9c';
const QUOTA = 3;

let gateway: LocalGateway;
let base: string;
let backend: TestServer;
const lines: string[] = [];

function synthesize(outdir: string): void {
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'SignatureTest');
  const group = new ApiGroup(stack, 'Group', { groupName: 'signed' });
  const mobile = group.addApp('mobile', { appKey: APP_KEY, quota: { limit: QUOTA, period: apigw.Period.DAY } });
  const other = group.addApp('other');
  group.addApi('Read', { method: HttpMethod.GET, path: '/orders/{id}', backend: Backend.http(`${backend.url}/orders/{id}`), auth: ApiAuth.app({ apps: [mobile] }) });
  group.addApi('Create', { method: HttpMethod.POST, path: '/orders', backend: Backend.http(`${backend.url}/orders`), auth: ApiAuth.app({ apps: [mobile] }) });
  group.addApi('Codes', { method: HttpMethod.GET, path: '/codes', backend: Backend.mock({ body: 'codes' }), auth: ApiAuth.app({ apps: [other], signature: false }) });
  group.addApi('Signed', { method: HttpMethod.GET, path: '/signed', backend: Backend.mock({ body: 'signed' }), auth: ApiAuth.app({ apps: [other], appCode: false }) });
  app.synth();
}

beforeAll(async () => {
  fs.mkdirSync(work, { recursive: true });
  backend = await echoServer();
  const outdir = path.join(work, 'cdk.out');
  synthesize(outdir);
  const args = parseArguments(['local', '--assembly', outdir, '--app-secret', `mobile=${APP_KEY}:${APP_SECRET}`], {});
  gateway = await startLocalGateway({ ...args.options, port: 0, region: 'eu-west-1', log: line => lines.push(line) });
  base = gateway.groups[0].url.replace(/\/$/, '');
}, 90_000);

afterAll(async () => {
  await gateway?.close();
  await closeAllServers();
  fs.rmSync(work, { recursive: true, force: true });
});

interface Signed {
  readonly method: string;
  readonly path: string;
  readonly data?: unknown;
  readonly headers?: Record<string, string>;
  readonly key?: string;
  readonly secret?: string;
}

/** Signs as Huawei's JS SDK does, for the URL the request goes to (host and port signed). */
function signedHeaders(s: Signed): Record<string, string> {
  const headers = AKSKSigner.sign({
    method: s.method, endpoint: `${base}${s.path}`, headers: { ...(s.headers ?? {}) }, queryParams: {}, data: s.data,
  } as never, { getAk: () => s.key ?? APP_KEY, getSk: () => s.secret ?? APP_SECRET } as never) as Record<string, string>;
  const { host: _host, ...rest } = headers; // fetch sends the same Host itself
  return rest;
}

async function call(s: Signed, body?: string, appSecretOverride?: Record<string, string>): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${s.path}`, {
    method: s.method,
    headers: { ...signedHeaders(s), ...(appSecretOverride ?? {}) },
    body: body ?? (s.data === undefined ? undefined : JSON.stringify(s.data)),
  });
  const text = await res.text();
  let json: any;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, json };
}

test('the app\'s AppKey is the synthesized one, its AppSecret the one given (never printed)', () => {
  // why: --app-secret supplies the local Secrets Manager that the bundled handlers read
  expect(gateway.apps.find(a => a.app === 'mobile')).toMatchObject({ appKey: APP_KEY, appSecret: APP_SECRET, appSecretGenerated: false });
  expect(gateway.apps.find(a => a.app === 'other')).toMatchObject({ appSecretGenerated: true, appSecret: expect.stringMatching(/^[A-Za-z0-9]{64}$/) });
  expect(lines.join('\n')).not.toContain(APP_SECRET);
});

test('the AppSecret is in no file of the cloud assembly (template, assets, configuration documents)', () => {
  // why: the AppSecret never appears in a template, asset or configuration document
  const outdir = path.join(work, 'cdk.out');
  const files = fs.readdirSync(outdir, { recursive: true, withFileTypes: true }).filter(e => e.isFile());
  expect(files.length).toBeGreaterThan(3);
  for (const f of files) {
    expect(fs.readFileSync(path.join(f.parentPath, f.name), 'utf8')).not.toContain(APP_SECRET);
  }
});

test('signed requests: accepted, refused when tampered, and a changed body never reaches the backend nor the app\'s quota', async () => {
  // why: the acceptance: Huawei's signer accepted, every tampering refused with Huawei's type and code,
  // and no usage plan charged on a signature that was not verified in full
  backend.requests.length = 0;
  // A body changed after signing, five times: refused by the proxy, the backend never called.
  for (let i = 0; i < 5; i++) {
    const tampered = await call({ method: 'POST', path: '/orders', headers: { 'Content-Type': 'application/json' }, data: { amount: 1 } }, '{"amount":1000}');
    expect(tampered.status).toBe(401);
    expect(tampered.json).toMatchObject({ error_code: 'APIG.0303', error_msg: 'Incorrect app authentication information: verify signature fail' });
  }
  expect(backend.requests).toHaveLength(0);
  // A signed POST with its own body goes through (verified by the proxy), also not charged.
  const created = await call({ method: 'POST', path: '/orders', headers: { 'Content-Type': 'application/json' }, data: { amount: 1 } });
  expect(created.status).toBe(200);
  expect(backend.requests).toHaveLength(1);
  expect(backend.requests[0].body.toString()).toBe('{"amount":1}');
  // Tampered GETs (path, wrong secret, unknown AppKey, expired date): refused before the usage plan, by the authorizer.
  const wrongPath = await fetch(`${base}/orders/2`, { headers: signedHeaders({ method: 'GET', path: '/orders/1' }) });
  expect(wrongPath.status).toBe(401);
  expect((await call({ method: 'GET', path: '/orders/1', secret: 'NotTheSecret9' })).json.error_msg).toBe('Incorrect app authentication information: verify signature fail');
  expect((await call({ method: 'GET', path: '/orders/1', key: 'nobodys-key-01' })).json.error_msg)
    .toBe('Incorrect app authentication information: app not found, appkey nobodys-key-01');
  const old = new Date(Date.now() - 20 * 60_000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  expect((await call({ method: 'GET', path: '/orders/1', headers: { 'X-Sdk-Date': old } })).json.error_msg).toMatch(/: signature expired, /);
  expect(backend.requests).toHaveLength(1);
  // The quota is intact: exactly QUOTA verified GETs pass, the next is QUOTA_EXCEEDED (429).
  const statuses: number[] = [];
  for (let i = 0; i <= QUOTA; i++) { statuses.push((await call({ method: 'GET', path: `/orders/${i}` })).status); }
  expect(statuses).toEqual([...Array(QUOTA).fill(200), 429]);
  expect(backend.requests.map(r => r.url)).toEqual(['/orders', '/orders/0', '/orders/1', '/orders/2']);
});

test('signature: false refuses signatures; appCode: false refuses AppCodes; AppCodes still work', async () => {
  // why: an API accepts exactly the credentials it declares, and AppCode groups keep working
  const other = gateway.apps.find(a => a.app === 'other')!;
  const refused = await call({ method: 'GET', path: '/codes', key: other.appKey, secret: other.appSecret });
  expect(refused.json).toMatchObject({ error_code: 'APIG.0303', error_msg: expect.stringMatching(/signature authentication is not enabled/) });
  const byCode = await fetch(`${base}/codes`, { headers: { 'X-Apig-AppCode': other.appCode } });
  expect(byCode.status).toBe(200);
  const codeRefused = await fetch(`${base}/signed`, { headers: { 'X-Apig-AppCode': other.appCode } });
  expect(codeRefused.status).toBe(401);
  const signed = await call({ method: 'GET', path: '/signed', key: other.appKey, secret: other.appSecret });
  expect(signed.status).toBe(200);
});

describe('--app-secret, --app-secrets-file and CDK_API_GROUPS_APP_SECRETS', () => {
  test('the three sources, later ones winning: environment, then files, then --app-secret', () => {
    // why: a secret need not be on the command line (files and the environment), and an explicit flag wins
    const file = path.join(work, 'secrets.txt');
    fs.writeFileSync(file, '# local AppSecrets\n\nweb=webAppKey0001:fromFile0001\nmobile=mobileKey0001:fromFile0002\n');
    const parsed = parseArguments(['local', '--app-secrets-file', file, '--app-secret', 'mobile=mobileKey0001:fromFlag0003'], {
      CDK_API_GROUPS_APP_SECRETS: 'admin=adminKey00001:fromEnv00001\nweb=webAppKey0001:fromEnv00002',
    });
    expect(parsed.options.appSecrets).toEqual({
      admin: { appKey: 'adminKey00001', appSecret: 'fromEnv00001' },
      web: { appKey: 'webAppKey0001', appSecret: 'fromFile0001' },
      mobile: { appKey: 'mobileKey0001', appSecret: 'fromFlag0003' },
    });
  });

  test('a malformed value or an unreadable file is a usage error', () => {
    // why: one clear line instead of a gateway that silently refuses every signature
    expect(() => parseArguments(['--app-secret', 'mobile=keyOnly'], {})).toThrow(/--app-secret expects <name>:<value>/);
    expect(() => parseArguments(['--app-secrets-file', path.join(work, 'missing.txt')], {})).toThrow(/cannot be read/);
  });

  test('an AppKey that is not the app\'s, or a bad AppSecret, stops the gateway with a message that does not show the secret', async () => {
    // why: the local gateway must verify what the deployed group would
    const outdir = path.join(work, 'cdk.out');
    await expect(startLocalGateway({ assembly: outdir, port: 0, appSecrets: { mobile: { appKey: 'another-key-01', appSecret: APP_SECRET } } }))
      .rejects.toThrow(/AppKey given for app mobile is not its AppKey: group signed synthesized mobile-local-key-01/);
    await expect(startLocalGateway({ assembly: outdir, port: 0, appSecrets: { mobile: { appKey: APP_KEY, appSecret: 'bad secret!' } } }))
      .rejects.toThrow(/AppSecret given for app mobile is not 8-128/);
  });
});

test('the README\'s copy of the help shows the signature options exactly as --help prints them', () => {
  // why: users read the README's help block; it must not drift from the command
  const block = USAGE.slice(USAGE.indexOf('  --app-secret '), USAGE.indexOf('  --iam-credentials'));
  expect(block).toMatch(/--app-secrets-file <file>[\s\S]*CDK_API_GROUPS_APP_SECRETS/);
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  expect(readme).toContain(block);
});
