/**
 * Per-environment backend addresses (issue 13, item 4): `#name#` and `${stageVariables.name}` in
 * an HTTP backend URL take each environment's variables, so TEST and RELEASE reach different
 * servers, here through `cdk-api-groups local --environment` over HTTP.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { ApiGroup, Backend, HttpMethod } from 'cdk-api-groups';
import { startLocalGateway } from '../../lib/local';
import { closeAllServers, startServer, TestServer } from '../support/http-servers';

const work = path.join(__dirname, '..', '.work', `local-env-addresses-${process.pid}`);
const outdir = path.join(work, 'cdk.out');
let release: TestServer;
let test_: TestServer;

/** A server that says who it is and what it was asked. */
function named(name: string): Promise<TestServer> {
  return startServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ server: name, url: req.url }));
  });
}

beforeAll(async () => {
  [release, test_] = await Promise.all([named('release'), named('test')]);
  const hostOf = (s: TestServer) => new URL(s.url).host; // 127.0.0.1:<port>: letters, digits and ".:" only
  const app = new App({ outdir });
  const stack = new Stack(app, 'EnvAddresses');
  const group = new ApiGroup(stack, 'Group', { groupName: 'env-addresses', stageVariables: { backendHost: hostOf(release), tier: 'gold' } });
  group.addEnvironment('TEST', { variables: { backendHost: hostOf(test_), tier: 'silver' } });
  group.addApi('Huawei', { method: HttpMethod.GET, path: '/huawei/{id}', backend: Backend.http('http://#backendHost#/v1/#tier#/{id}?from=huawei') });
  group.addApi('Stage', { method: HttpMethod.GET, path: '/stage', backend: Backend.http('http://${stageVariables.backendHost}/v2/${stageVariables.tier}') });
  app.synth();
}, 60_000);

afterAll(async () => {
  await closeAllServers();
  fs.rmSync(work, { recursive: true, force: true });
});

async function get(environment: string | undefined, paths: string[]): Promise<unknown[]> {
  const gateway = await startLocalGateway({ assembly: outdir, port: 0, region: 'eu-west-1', environment, log: () => undefined });
  try {
    const base = gateway.groups[0].url.replace(/\/$/, '');
    const out: unknown[] = [];
    for (const p of paths) {
      const r = await fetch(`${base}${p}`);
      out.push({ status: r.status, ...(await r.json() as object) });
    }
    return out;
  } finally {
    await gateway.close();
  }
}

test('RELEASE (the default environment) reaches its own server, with its own values in host, port and path', async () => {
  expect(await get(undefined, ['/huawei/7', '/stage'])).toEqual([
    { status: 200, server: 'release', url: '/v1/gold/7?from=huawei' },
    { status: 200, server: 'release', url: '/v2/gold' },
  ]);
});

test('--environment TEST reaches another server, with its values', async () => {
  expect(await get('TEST', ['/huawei/7', '/stage'])).toEqual([
    { status: 200, server: 'test', url: '/v1/silver/7?from=huawei' },
    { status: 200, server: 'test', url: '/v2/silver' },
  ]);
});
