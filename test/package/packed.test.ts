/**
 * The packed library, as a user installs it: `npm pack`, unpack into a fresh CDK app's
 * node_modules, synthesize with the real cdk CLI (offline), then run the proxy asset from the
 * cloud assembly the way Lambda loads it. Catches a missing file in package.json `files`, a
 * bundle path that only works from the source tree, or a template that needs network to build.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const work = path.join(root, 'test', '.work', 'packed');
const appDir = path.join(work, 'app');

const APP = `
const { App, Stack } = require('aws-cdk-lib');
const { ApiGroup, Backend, HttpMethod, ResponseType } = require('cdk-api-groups');
const app = new App();
const stack = new Stack(app, 'PackedApp');
const group = new ApiGroup(stack, 'Shop', {
  groupName: 'shop',
  defaultResponse: { rules: [{ type: ResponseType.NOT_FOUND, statusCode: 410, body: '{"gone":"$context.reqPath","rid":"$context.requestId"}' }] },
});
group.addApi('Ping', { method: HttpMethod.GET, path: '/ping', backend: Backend.mock({ body: 'pong' }) });
group.addApi('Item', { method: HttpMethod.GET, path: '/items/{id}', backend: Backend.http('https://items.example.com/{id}') });
app.synth();
`;

function proxyEvent(method: string, p: string) {
  return {
    resource: '/{proxy+}', path: p, httpMethod: method,
    headers: { Host: 'x.execute-api.us-east-1.amazonaws.com' }, multiValueHeaders: { Host: ['x.execute-api.us-east-1.amazonaws.com'] },
    queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: { proxy: p.slice(1) }, stageVariables: null,
    requestContext: {
      resourcePath: '/{proxy+}', httpMethod: method, path: `/RELEASE${p}`, stage: 'RELEASE', requestId: 'packed-req-1',
      identity: { sourceIp: '203.0.113.9' },
    },
    body: null, isBase64Encoded: false,
  };
}

describe('the packed library', () => {
  let tarballFiles: string[];
  let template: any;
  let assetDir: string;

  beforeAll(() => {
    for (const built of ['lib/index.js', '.jsii', 'assets/proxy/index.js']) {
      if (!fs.existsSync(path.join(root, built))) {
        throw new Error(`${built} is missing: run npm run build first (npm test does)`);
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(path.join(appDir, 'node_modules', 'cdk-api-groups'), { recursive: true });
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    tarballFiles = packed[0].files.map((f: { path: string }) => f.path);
    execFileSync('tar', ['-xzf', path.join(work, packed[0].filename), '-C', path.join(appDir, 'node_modules', 'cdk-api-groups'), '--strip-components=1']);
    // The peer dependencies, as the user's app would have them installed.
    for (const peer of ['aws-cdk-lib', 'constructs']) {
      fs.symlinkSync(path.join(root, 'node_modules', peer), path.join(appDir, 'node_modules', peer), 'dir');
    }
    fs.writeFileSync(path.join(appDir, 'app.js'), APP);
    fs.writeFileSync(path.join(appDir, 'cdk.json'), JSON.stringify({ app: 'node app.js', notices: false }));
    execFileSync(path.join(root, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--no-notices'], {
      cwd: appDir,
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: '1', CDK_DISABLE_VERSION_CHECK: '1', CDK_HOME: path.join(work, '.cdk-home') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    template = JSON.parse(fs.readFileSync(path.join(appDir, 'cdk.out', 'PackedApp.template.json'), 'utf8'));
    const proxy = Object.values<any>(template.Resources).find(r => r.Type === 'AWS::Lambda::Function');
    assetDir = path.join(appDir, 'cdk.out', proxy.Metadata['aws:asset:path']);
  }, 180_000);

  test('ships the compiled library, the jsii assembly, the docs and the prebuilt handler, and no sources or tests', () => {
    expect(tarballFiles).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', '.jsii', 'API.md', 'README.md', 'assets/proxy/index.js']));
    expect(tarballFiles.filter(f => f.startsWith('test/') || f.startsWith('lib/runtime/') || /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  });

  test('cdk synth of a user app produces the REST API with its document and 20 native gateway responses, the proxy and the deployment report', () => {
    const apis = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::ApiGateway::RestApi');
    expect(apis).toHaveLength(1);
    const responses = apis[0].Properties.Body['x-amazon-apigateway-gateway-responses'];
    expect(Object.keys(responses)).toHaveLength(20); // REQUEST_TOO_LARGE cannot be customised
    expect(responses.RESOURCE_NOT_FOUND.statusCode).toBe('410');
    const reports = fs.readdirSync(path.join(appDir, 'cdk.out')).filter(f => f.includes('.deployment-report.')).sort();
    expect(reports).toEqual([expect.stringMatching(/^PackedApp\..+\.deployment-report\.json$/), expect.stringMatching(/\.deployment-report\.txt$/)]);
    expect(fs.readdirSync(assetDir).sort()).toEqual(['apis.jsonl', 'config.json', 'index.js', 'routes.tsv']);
  });

  test('the proxy asset of the cloud assembly answers like the deployed proxy', async () => {
    const proxy = Object.values<any>(template.Resources).find(r => r.Type === 'AWS::Lambda::Function');
    const [file, exportName] = proxy.Properties.Handler.split('.');
    const handler = require(path.join(assetDir, file))[exportName];

    const ping = await handler(proxyEvent('GET', '/ping'));
    expect(ping.statusCode).toBe(200);
    expect(ping.body).toBe('pong');

    const missing = await handler(proxyEvent('GET', '/nowhere'));
    expect(missing.statusCode).toBe(410);
    expect(JSON.parse(missing.body)).toEqual({ gone: '/nowhere', rid: 'packed-req-1' });
  });

  test('the installed `cdk-api-groups local` serves the app\'s assembly over HTTP, then stops on SIGINT', async () => {
    // What a user runs after `npm install cdk-api-groups`: the package's bin, the packed bundles, no SDK in the app.
    const cli = path.join(appDir, 'node_modules', 'cdk-api-groups', 'lib', 'local', 'cli.js');
    const child = spawn(process.execPath, [cli, '--assembly', 'cdk.out', '--port', '0'], {
      cwd: appDir, env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      let url: string | undefined;
      while (!url) {
        url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)?.[0];
        if (child.exitCode !== null || Date.now() > deadline) { throw new Error(`no URL printed:\n${out}`); }
        await new Promise(resolve => setTimeout(resolve, 50));
      }
      const ping = await fetch(`${url}ping`);
      expect(ping.status).toBe(200);
      expect(await ping.text()).toBe('pong');
      const gone = await fetch(`${url}nowhere`);
      expect(gone.status).toBe(410);
      expect(await gone.json()).toMatchObject({ gone: '/nowhere' });
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 90_000);
});
