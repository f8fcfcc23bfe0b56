/**
 * `cdk-api-groups local` with names that are also JavaScript's (issue 14 item 3): an app named
 * `constructor`, a response named `__proto__` with a header of that name, an environment variable
 * named `constructor`, over HTTP. The local gateway looks every such name up as data.
 */
import * as path from 'path';
import * as fs from 'fs';
import * as http from 'http';
import { App, Stack } from 'aws-cdk-lib';
import { ApiAuth, ApiGroup, Backend, HttpMethod, RequestParameter, ResponseType } from 'cdk-api-groups';
import { startLocalGateway } from '../../lib/local';
import { diffAssemblies } from '../../lib/local/diff-command';
import { newApp } from '../support/synth';
import { closeAllServers, startServer, TestServer } from '../support/http-servers';

const work = path.join(__dirname, '..', '.work', `local-prototype-names-${process.pid}`);
const outdir = path.join(work, 'cdk.out');

function own(name: string, value: string): { [name: string]: string } {
  return Object.defineProperty({}, name, { value, enumerable: true, writable: true, configurable: true });
}

let echo: TestServer;

beforeAll(async () => {
  echo = await startServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const at = req.rawHeaders.findIndex((v, i) => i % 2 === 0 && v.toLowerCase() === '__proto__');
    res.end(JSON.stringify({ url: req.url, proto: at < 0 ? null : req.rawHeaders[at + 1] }));
  });
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'ProtoTest');
  const group = new ApiGroup(stack, 'Group', { groupName: 'proto-test' });
  const env = group.addEnvironment('TEST', { variables: { constructor: 'from-env' } as never });
  const response = group.addGatewayResponse('__proto__', {
    rules: [{ type: ResponseType.REQUEST_PARAMETERS_FAILURE, statusCode: 470, body: '{"v":"$stageVariables.constructor","w":"$stageVariables.toString"}', headers: own('__proto__', 'h') }],
  });
  const ctor = group.addApp('constructor');
  group.addApi('AppApi', { method: HttpMethod.GET, path: '/app', backend: Backend.mock({ body: 'app' }), auth: ApiAuth.app({ apps: [ctor] }), environments: [group.defaultEnvironment, env] });
  group.addApi('Checked', {
    method: HttpMethod.GET, path: '/checked', backend: Backend.mock({ body: 'checked' }), gatewayResponse: response,
    parameters: [RequestParameter.query('constructor', { required: true })], environments: [group.defaultEnvironment, env],
  });
  group.addApi('Echo', { method: HttpMethod.GET, path: '/echo', backend: Backend.http(`${echo.url}/echo`), environments: [group.defaultEnvironment, env] });
  app.synth();
}, 60_000);

afterAll(async () => {
  await closeAllServers();
  fs.rmSync(work, { recursive: true, force: true });
});

test('a caller\'s header and query parameter named __proto__ reach an HTTP backend', async () => {
  // why: what a caller sends is data, whatever its name
  const gateway = await startLocalGateway({ assembly: outdir, port: 0, region: 'eu-west-1', log: () => undefined });
  try {
    const base = gateway.groups[0].url.replace(/\/$/, '');
    // fetch() does not send a header of that name: node's http client does.
    const r = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(`${base}/echo?__proto__=q`, res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.setHeader('__proto__', 'h');
      req.end();
    });
    expect([r.status, JSON.parse(r.text)]).toEqual([200, { url: '/echo?__proto__=q', proto: 'h' }]);
  } finally {
    await gateway.close();
  }
});

test('an app named constructor gets its own AppCode and authenticates with it', async () => {
  // why: `constructor` is an app's name, not Object.prototype.constructor
  const gateway = await startLocalGateway({ assembly: outdir, port: 0, region: 'eu-west-1', log: () => undefined });
  try {
    const base = gateway.groups[0].url.replace(/\/$/, '');
    const app = gateway.apps.find(a => a.app === 'constructor')!;
    expect(typeof app.appCode).toBe('string');
    const ok = await fetch(`${base}/app`, { headers: { 'X-Apig-AppCode': app.appCode } });
    expect([ok.status, await ok.text()]).toEqual([200, 'app']);
    expect((await fetch(`${base}/app`)).status).toBe(401);
  } finally {
    await gateway.close();
  }
});

test('a response named __proto__ answers with its header; an environment variable named constructor renders', async () => {
  // why: response, header and variable names are data in the local gateway as in the deployed proxy
  const gateway = await startLocalGateway({ assembly: outdir, port: 0, region: 'eu-west-1', environment: 'TEST', log: () => undefined });
  try {
    const base = gateway.groups[0].url.replace(/\/$/, '');
    const r = await fetch(`${base}/checked`);
    expect(r.status).toBe(470);
    expect(r.headers.get('__proto__')).toBe('h');
    expect(await r.json()).toEqual({ v: 'from-env', w: '' });
    expect((await fetch(`${base}/checked?constructor=1`)).status).toBe(200);
  } finally {
    await gateway.close();
  }
});

test('cdk-api-groups diff: responses named constructor and __proto__ are reported added', () => {
  // why: a response named constructor was reported as "rules changed" (Object.prototype's member)
  const synth = (withResponses: boolean): string => {
    const app = newApp();
    const stack = new Stack(app, 'Diff');
    const group = new ApiGroup(stack, 'Group', { groupName: 'diff-names' });
    if (withResponses) { group.addGatewayResponse('constructor'); group.addGatewayResponse('__proto__'); }
    group.addApi('Ping', { method: HttpMethod.GET, path: '/ping', backend: Backend.mock() });
    return app.synth().directory;
  };
  const [d] = diffAssemblies(synth(false), synth(true));
  expect(d.responses).toEqual(['__proto__ added', 'constructor added']);
});
