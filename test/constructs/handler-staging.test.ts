/**
 * Staging of the bundled handlers (issue 7, item 5). What a group deploys must always be the
 * library's own bundle plus its configuration document, whatever lies in folders other users (or
 * an earlier synth) can write: the system temp folder is shared by every OS user, so nothing may
 * be read back from it, and a temp folder someone else owns must not stop a synth.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiAuth, ApiGroup, Backend, HttpMethod } from 'cdk-api-groups';
import { authorizerAsset, filesUnder, newApp, newGroup, newStack, proxyAsset, templateOf, workDir } from '../support/synth';

const BUNDLES = path.join(__dirname, '..', '..', 'assets');
const bundle = (name: string) => fs.readFileSync(path.join(BUNDLES, name, 'index.js'));
const TAMPERED = 'exports.handler = async () => ({ statusCode: 200, body: "tampered" });\n';

// The module object itself (not an import namespace), so that jest.spyOn replaces tmpdir() for the library too
// (setting process.env.TMPDIR in a jest sandbox does not reach node's os.tmpdir()).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeOs: typeof import('os') = require('os');

/** Runs `fn` with os.tmpdir() answering `dir`, as with TMPDIR=dir. */
function withTmpdir<T>(dir: string, fn: () => T): T {
  const spy = jest.spyOn(nodeOs, 'tmpdir').mockReturnValue(dir);
  try {
    return fn();
  } finally {
    spy.mockRestore();
  }
}

/** A group with an app-authenticated API, so both the proxy and the authorizer are staged. */
function appGroup(outdir: string): ApiGroup {
  const group = newGroup({ groupName: 'orders' }, newStack(newApp({ outdir })));
  const mobile = group.addApp('mobile');
  group.addApi('ListOrders', {
    method: HttpMethod.GET, path: '/orders', backend: Backend.http('https://orders.example.com/orders'), auth: ApiAuth.app({ apps: [mobile] }),
  });
  return group;
}

/** Where the library used to stage a handler folder, and reuse it when present: predictable by anyone. */
function sharedTempFolder(tmpdir: string, name: string, config: string): string {
  const hash = crypto.createHash('sha256').update(bundle(name)).update('\0').update(config).digest('hex');
  return path.join(tmpdir, 'cdk-api-groups', `${name}-${hash.slice(0, 32)}`);
}

test('a handler folder planted in the temp folder is never deployed: the assets hold the library\'s own bundles', () => {
  // Another OS user (or malware) writes a tampered handler where a synth would look for one.
  // GIVEN: a first synth tells which document the group stages
  const tmpdir = workDir('tmp-');
  const first = withTmpdir(tmpdir, () => {
    const group = appGroup(workDir('out-'));
    const template = templateOf(group);
    return { proxy: proxyAsset(group, template), authorizer: authorizerAsset(group, template) };
  });
  for (const [name, asset] of [['proxy', first.proxy], ['authorizer', first.authorizer]] as const) {
    const planted = sharedTempFolder(tmpdir, name, asset.configText);
    fs.mkdirSync(planted, { recursive: true });
    fs.writeFileSync(path.join(planted, 'index.js'), TAMPERED);
    fs.writeFileSync(path.join(planted, 'config.json'), asset.configText);
  }
  // WHEN: the same app is synthesized again
  const second = withTmpdir(tmpdir, () => {
    const group = appGroup(workDir('out-'));
    const template = templateOf(group);
    return { proxy: proxyAsset(group, template), authorizer: authorizerAsset(group, template) };
  });
  // THEN: byte for byte the built bundles, the same hashes as before the tampering
  for (const [name, asset] of [['proxy', second.proxy], ['authorizer', second.authorizer]] as const) {
    expect(filesUnder(asset.dir)).toEqual(['apis.jsonl', 'config.json', 'index.js', 'routes.tsv']);
    expect(fs.readFileSync(path.join(asset.dir, 'index.js')).equals(bundle(name))).toBe(true);
  }
  expect(second.proxy.hash).toBe(first.proxy.hash);
  expect(second.authorizer.hash).toBe(first.authorizer.hash);
});

/** The proxy's asset folder as the template names it, resolved against the assembly. */
function proxyAssetPath(group: ApiGroup, outdir: string): string {
  const template = templateOf(group).toJSON();
  const logicalId = Stack.of(group).resolve((group.proxyFunction.node.defaultChild as lambda.CfnFunction).logicalId);
  return path.resolve(outdir, template.Resources[logicalId].Metadata['aws:asset:path']);
}

/** A group without authentication, in an app with asset staging disabled (cdk synth --no-staging, SAM) unless `staging`. */
function plainGroup(outdir: string, staging = false): ApiGroup {
  const context = staging ? {} : { 'aws:cdk:disable-asset-staging': true };
  const group = newGroup({ groupName: 'orders' }, newStack(newApp({ outdir, context })));
  group.addApi('ListOrders', { method: HttpMethod.GET, path: '/orders', backend: Backend.http('https://orders.example.com/orders') });
  return group;
}

test('with asset staging disabled (cdk synth --no-staging, SAM), the asset is a folder of the assembly holding the bundle', () => {
  // Then aws-cdk-lib copies nothing: the staged folder itself is the asset, so it must stay, inside the assembly.
  const outdir = workDir('out-');
  const dir = proxyAssetPath(plainGroup(outdir), outdir);
  expect(dir.startsWith(path.resolve(outdir) + path.sep)).toBe(true);
  expect(filesUnder(dir)).toEqual(['apis.jsonl', 'config.json', 'index.js', 'routes.tsv']);
  expect(fs.readFileSync(path.join(dir, 'index.js')).equals(bundle('proxy'))).toBe(true);
});

test('a tampered folder where the library stages in the assembly is replaced, not reused', () => {
  // The staging folder's name is predictable too: it must be written afresh on every synth.
  // GIVEN: the staging folder's name, as a synth without staging reveals it, planted with a tampered handler
  const probe = workDir('out-');
  const name = path.relative(probe, proxyAssetPath(plainGroup(probe), probe));
  expect(name.startsWith('..')).toBe(false); // inside the assembly (never plant into a shared folder from a test)
  const plant = (outdir: string) => {
    fs.mkdirSync(path.join(outdir, name), { recursive: true });
    fs.writeFileSync(path.join(outdir, name, 'index.js'), TAMPERED);
    fs.writeFileSync(path.join(outdir, name, 'extra.js'), TAMPERED);
  };
  const staged = workDir('out-');
  const unstaged = workDir('out-');
  plant(staged);
  plant(unstaged);
  // WHEN / THEN: staged normally, the asset is the built bundle and the planted folder is gone
  const asset = proxyAsset(plainGroup(staged, true));
  expect(filesUnder(asset.dir)).toEqual(['apis.jsonl', 'config.json', 'index.js', 'routes.tsv']);
  expect(fs.readFileSync(path.join(asset.dir, 'index.js')).equals(bundle('proxy'))).toBe(true);
  expect(fs.existsSync(path.join(staged, name))).toBe(false);
  // without staging, the folder the template names holds the built bundle only
  const dir = proxyAssetPath(plainGroup(unstaged), unstaged);
  expect(filesUnder(dir)).toEqual(['apis.jsonl', 'config.json', 'index.js', 'routes.tsv']);
  expect(fs.readFileSync(path.join(dir, 'index.js')).equals(bundle('proxy'))).toBe(true);
});

test.each([
  ['a file where the shared folder was', (tmpdir: string) => fs.writeFileSync(path.join(tmpdir, 'cdk-api-groups'), 'not a folder')],
  ['the shared folder owned by someone else (mode 000)', (tmpdir: string) => fs.mkdirSync(path.join(tmpdir, 'cdk-api-groups'), { mode: 0o000 })],
  ['a temp folder that does not exist', (tmpdir: string) => fs.rmSync(tmpdir, { recursive: true })],
])('synth works with %s', (_what, spoil) => {
  // A second OS user got EACCES on the first user's folder; an unusable temp folder must not matter.
  const tmpdir = workDir('tmp-');
  spoil(tmpdir);
  try {
    const asset = withTmpdir(tmpdir, () => proxyAsset(appGroup(workDir('out-'))));
    expect(fs.readFileSync(path.join(asset.dir, 'index.js')).equals(bundle('proxy'))).toBe(true);
  } finally {
    if (fs.existsSync(path.join(tmpdir, 'cdk-api-groups'))) { fs.chmodSync(path.join(tmpdir, 'cdk-api-groups'), 0o700); }
  }
});

test('nothing is left behind: the assembly holds the assets and the temp folder is untouched', () => {
  // aws-cdk-lib copies a staged folder into cdk.out as asset.<hash>: the staging copy is junk after that.
  const tmpdir = workDir('tmp-');
  const outdir = workDir('out-');
  withTmpdir(tmpdir, () => templateOf(appGroup(outdir)));
  expect(fs.readdirSync(tmpdir)).toEqual([]);
  const folders = fs.readdirSync(outdir, { withFileTypes: true }).filter(e => e.isDirectory()).map(e => e.name);
  expect(folders).toHaveLength(2);
  for (const name of folders) { expect(name).toMatch(/^asset\.[0-9a-f]{64}$/); }
});
