/**
 * The `cdk-api-groups local` command as a user runs it: the compiled lib/local/cli.js (build
 * first: `npm run build`; `npm test` does) against examples/orders, over real HTTP. Bad input
 * gets one line on stderr and a non-zero exit, never a stack trace; Ctrl-C stops cleanly.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { SignatureV4 } from '@smithy/signature-v4';
import { synthesize } from '../../lib/local/assembly';
import { NodeSha256 } from './node-sha256';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'lib', 'local', 'cli.js');
const example = path.join(root, 'examples', 'orders');
const work = path.join(root, 'test', '.work', `local-cli-${process.pid}`);
const assembly = path.join(work, 'orders.out');

interface Run {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

function run(args: string[], cwd = root, env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd,
    env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r: Run = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise(resolve => child.on('exit', code => resolve(code))),
  };
  child.stdout!.on('data', (c: Buffer) => { r.stdout += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { r.stderr += c.toString(); });
  return r;
}

/** Waits until stdout matches, or fails with what the command printed. */
async function waitFor(r: Run, pattern: RegExp, timeoutMs = 40_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = pattern.exec(r.stdout);
    if (m) { return m; }
    if (r.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`no ${pattern} in the output.\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^cdk-api-groups local: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

const running: Run[] = [];

beforeAll(async () => {
  // The compiled command must be at least as new as its sources.
  if (!fs.existsSync(cli)) { throw new Error(`${cli} is missing: run npm run build first (npm test does)`); }
  const built = fs.statSync(cli).mtimeMs;
  const stale = fs.readdirSync(path.dirname(cli)).filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .filter(f => fs.statSync(path.join(path.dirname(cli), f)).mtimeMs > built);
  if (stale.length > 0) { throw new Error(`lib/local is stale (${stale.join(', ')} changed since the build): run npm run build first`); }
  fs.mkdirSync(work, { recursive: true });
  // One assembly of the example for the commands that take --assembly.
  await synthesize({ app: 'npx tsx --tsconfig ../tsconfig.json app.ts', cwd: example, outdir: assembly });
}, 90_000);

afterAll(async () => {
  for (const r of running) {
    if (r.child.exitCode === null) { r.child.kill('SIGKILL'); }
  }
  fs.rmSync(work, { recursive: true, force: true });
});

test('synthesizes the app of ./cdk.json, serves it, logs each request, and stops on SIGINT with exit 0', async () => {
  // The README's main command: run in a CDK app's folder with no options but the port.
  const r = run(['local', '--port', '0'], example);
  running.push(r);
  const [, url] = await waitFor(r, /^ {2}orders {2}RELEASE {2}(http:\/\/127\.0\.0\.1:\d+\/)$/m);

  const health = await fetch(`${url}health`);
  expect([health.status, await health.text()]).toEqual([200, '{"status":"ok"}']);
  const unknown = await fetch(`${url}no/such/path`);
  expect(unknown.status).toBe(404);
  expect(JSON.parse(await unknown.text())).toMatchObject({ error_code: 'APIG.0101', path: '/no/such/path' });
  await waitFor(r, /^GET \/no\/such\/path - 404 NOT_FOUND \d+ms$/m);
  expect(r.stdout).toMatch(/^GET \/health health 200 - \d+ms$/m);

  // A second instance on the same port: one line, exit 1.
  const port = new URL(url).port;
  const second = run(['local', '--assembly', assembly, '--port', port]);
  running.push(second);
  expect(await second.exited).toBe(1);
  expectOneLine(second.stderr, new RegExp(`port ${port} is already in use`));

  r.child.kill('SIGINT');
  expect(await r.exited).toBe(0);
}, 60_000);

test('--stack that does not exist: one line, non-zero exit', async () => {
  // The stacks of the assembly are named in the message.
  const r = run(['local', '--assembly', assembly, '--stack', 'Nope', '--port', '0']);
  expect(await r.exited).toBe(1);
  expectOneLine(r.stderr, /no stack "Nope" in the cloud assembly \(stacks: OrdersExample\)/);
});

test('--assembly of a folder without groups, or without an assembly: one line, non-zero exit', async () => {
  // A plain CDK app's cdk.out, and a folder that is not one.
  const plain = path.join(work, 'plain.out');
  fs.mkdirSync(plain, { recursive: true });
  fs.writeFileSync(path.join(plain, 'manifest.json'), JSON.stringify({
    version: '55.0.0',
    artifacts: { Plain: { type: 'aws:cloudformation:stack', environment: 'aws://unknown-account/unknown-region', properties: { templateFile: 'Plain.template.json' } } },
  }));
  fs.writeFileSync(path.join(plain, 'Plain.template.json'), JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue' } } }));
  const none = run(['local', '--assembly', plain, '--port', '0']);
  expect(await none.exited).toBe(1);
  expectOneLine(none.stderr, /defines no API group/);

  const notAssembly = run(['local', '--assembly', work, '--port', '0']);
  expect(await notAssembly.exited).toBe(1);
  expectOneLine(notAssembly.stderr, /is not a cloud assembly: it has no manifest\.json/);
});

test('no app: one line; a bad option: usage error, exit 2', async () => {
  // Outside a CDK app, and a typo.
  const noApp = run(['local'], work);
  expect(await noApp.exited).toBe(1);
  expectOneLine(noApp.stderr, /no CDK app here: .* has no cdk\.json/);
  const bad = run(['local', '--prot', '3000']);
  expect(await bad.exited).toBe(2);
  expectOneLine(bad.stderr, /unknown option --prot \(see --help\)/);
  const help = run(['--help']);
  expect(await help.exited).toBe(0);
  expect(help.stdout).toMatch(/^Usage: cdk-api-groups local \[options\]/);
});

test('--version and --help answer and exit 0; a bare command prints the usage and exits 1 without serving', async () => {
  // As git, npm and cdk do: nothing is synthesized or served without the `local` command.
  const version = run(['--version']);
  expect(await version.exited).toBe(0);
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  expect([version.stdout, version.stderr]).toEqual([`${pkg.version}\n`, '']);
  expect(await run(['local', '-v']).exited).toBe(0);
  for (const args of [['--help'], ['local', '--help'], ['-h']]) {
    const help = run(args);
    expect(await help.exited).toBe(0);
    expect(help.stdout).toMatch(/--base-path <path>[\s\S]*--version/);
  }
  // Run in the example's folder: a bare command there used to synthesize and serve it.
  const bare = run([], example);
  expect(await bare.exited).toBe(1);
  expect(bare.stdout).toMatch(/^Usage: cdk-api-groups local \[options\]/);
  expect(bare.stdout).not.toMatch(/^(serving|synthesizing)\b/m);
});

test('only generated AppCodes are printed, never one given with --app-code', async () => {
  // A given AppCode is the caller's secret; the generated ones are how a user learns theirs.
  const secured = path.join(work, 'secured.out');
  await synthesize({ app: 'npx tsx --tsconfig ../tsconfig.json app.ts', cwd: path.join(root, 'examples', 'secured'), outdir: secured });
  const given = `Given${'0'.repeat(60)}`;
  const r = run(['local', '--assembly', secured, '--port', '0', '--app-code', `mobile=${given}`]);
  running.push(r);
  await waitFor(r, /^Ctrl-C stops\.$/m);
  expect(r.stdout).not.toContain(given);
  expect(r.stdout).toMatch(/^AppCodes given \(not shown\): secured\/mobile$/m);
  const generated = [...r.stdout.matchAll(/^ {2}secured\/(\w+) +([A-Za-z0-9]{64})$/gm)].map(m => m[1]).sort();
  expect(generated).toEqual(['backoffice', 'partner']);
  r.child.kill('SIGINT');
  expect(await r.exited).toBe(0);
}, 90_000);

test('AppCodes and IAM credentials from a file or an environment variable, never on the command line: a flag wins over a file, a file over the variable', async () => {
  // why (issue 14 item 8): a command line is readable by every user of the machine (ps); a file or the environment is not
  const secured = path.join(work, 'secured-secrets.out');
  await synthesize({ app: 'npx tsx --tsconfig ../tsconfig.json app.ts', cwd: path.join(root, 'examples', 'secured'), outdir: secured });
  const mobileCode = `FromFile${'1'.repeat(60)}`;
  const partnerCode = `FromEnv${'2'.repeat(60)}`;
  const codesFile = path.join(work, 'app-codes.txt');
  fs.writeFileSync(codesFile, `# local AppCodes\n\nmobile=${mobileCode}\npartner=Overridden${'3'.repeat(60)}\n`);
  const iamFile = path.join(work, 'iam.txt');
  fs.writeFileSync(iamFile, '# the accepted credentials\nAKIDFROMFILE:file-secret\n');
  const args = ['local', '--assembly', secured, '--port', '0', '--region', 'eu-west-1', '--app-codes-file', codesFile, '--iam-credentials-file', iamFile];
  const r = run(args, root, {
    CDK_API_GROUPS_APP_CODES: `partner=${partnerCode}\nbackoffice=FromEnvToo${'4'.repeat(60)}`,
    CDK_API_GROUPS_IAM_CREDENTIALS: 'AKIDFROMENV:env-secret',
  });
  running.push(r);
  const [, url] = await waitFor(r, /^ {2}secured {2}\S+ {2}(http:\/\/127\.0\.0\.1:\d+\/)$/m);
  await waitFor(r, /^Ctrl-C stops\.$/m);
  // Every given AppCode stays unprinted: mobile and partner from the file, backoffice from the variable.
  expect(r.stdout).toMatch(/^AppCodes given \(not shown\): (secured\/\w+, ){2}secured\/\w+$/m);
  for (const app of ['mobile', 'partner', 'backoffice']) { expect(r.stdout).toMatch(new RegExp(`^AppCodes given.*secured/${app}\\b`, 'm')); }
  expect(r.stdout).not.toMatch(/FromFile|FromEnv|Overridden/);
  expect(r.stdout).toMatch(/^IAM APIs accept SigV4 signatures of access key AKIDFROMFILE \(service execute-api\)$/m);

  // The file's AppCode for mobile authenticates.
  const orders = async (code: string): Promise<number> => (await fetch(`${url}orders`, { headers: { 'X-Apig-AppCode': code } })).status;
  expect(await orders(`Wrong${'0'.repeat(60)}`)).toBe(401);
  expect(await orders(mobileCode)).not.toBe(401);
  // partner: the file (higher than the variable) gave it Overridden..., so the variable's code is refused.
  expect(await orders(partnerCode)).toBe(401);
  expect(await orders(`Overridden${'3'.repeat(60)}`)).not.toBe(401);
  expect(await orders(`FromEnvToo${'4'.repeat(60)}`)).not.toBe(401);

  // The IAM API accepts the file's credentials only (the file wins over the variable).
  const reports = async (credentials: { accessKeyId: string; secretAccessKey: string }): Promise<number> => {
    const target = new URL(`${url}reports`);
    const signer = new SignatureV4({ credentials, region: 'eu-west-1', service: 'execute-api', sha256: NodeSha256 });
    const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: target.hostname, port: Number(target.port), path: '/reports', headers: { host: target.host } });
    return (await fetch(target, { headers: signed.headers as Record<string, string> })).status;
  };
  expect(await reports({ accessKeyId: 'AKIDFROMENV', secretAccessKey: 'env-secret' })).toBe(401);
  expect([401, 403]).not.toContain(await reports({ accessKeyId: 'AKIDFROMFILE', secretAccessKey: 'file-secret' }));
  r.child.kill('SIGINT');
  expect(await r.exited).toBe(0);

  // A flag wins over its file; a credentials file with two lines, or an unreadable file, is a usage error.
  const flagged = run([...args, '--iam-credentials', 'AKIDFROMFLAG:flag-secret']);
  running.push(flagged);
  await waitFor(flagged, /^IAM APIs accept SigV4 signatures of access key AKIDFROMFLAG /m);
  flagged.child.kill('SIGINT');
  expect(await flagged.exited).toBe(0);
  fs.writeFileSync(iamFile, 'AKIDONE:one\nAKIDTWO:two\n');
  const two = run(['local', '--assembly', secured, '--iam-credentials-file', iamFile]);
  expect(await two.exited).toBe(2);
  expectOneLine(two.stderr, /--iam-credentials-file \S+ holds 2 lines: it takes one <id>:<secret> line/);
  const missing = run(['local', '--assembly', secured, '--app-codes-file', path.join(work, 'missing.txt')]);
  expect(await missing.exited).toBe(2);
  expectOneLine(missing.stderr, /--app-codes-file \S+missing\.txt cannot be read/);
}, 120_000);

test('--base-path serves the group behind a custom domain: the base path in the URL, the domain\'s 403 elsewhere', async () => {
  const r = run(['local', '--assembly', assembly, '--port', '0', '--base-path', 'v1/shop', '--domain-name', 'api.shop.example.com']);
  running.push(r);
  const [, url] = await waitFor(r, /^ {2}orders {2}RELEASE {2}(http:\/\/127\.0\.0\.1:\d+\/v1\/shop\/) {2}\(custom domain api\.shop\.example\.com, base path v1\/shop\)$/m);
  const health = await fetch(`${url}health`);
  expect([health.status, await health.text()]).toEqual([200, '{"status":"ok"}']);
  const outside = await fetch(url.replace('/v1/shop/', '/health'));
  expect([outside.status, await outside.text()]).toEqual([403, '{"message":"Forbidden"}']);
  r.child.kill('SIGINT');
  expect(await r.exited).toBe(0);
  const bad = run(['local', '--assembly', assembly, '--base-path', 'a//b']);
  expect(await bad.exited).toBe(1);
  expectOneLine(bad.stderr, /"a\/\/b" is not a base path/);
}, 60_000);
