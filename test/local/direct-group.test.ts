/**
 * Issue 15 item 3: `cdk-api-groups local` serves a group's direct APIs as API Gateway would: the
 * backend is called by the gateway itself, the proxy's worker never starts for them, their gateway
 * errors are the REST API's native responses (translated from `default`), and an app-authenticated
 * direct API reaches its backend with the authorizer's context (one Lambda invocation: the
 * authorizer's).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { ApiAuth, ApiGroup, Backend, DirectIntegration, HttpMethod } from 'cdk-api-groups';
import { LocalGateway, startLocalGateway } from '../../lib/local';
import { closeAllServers, echoServer, startServer, TestServer } from '../support/http-servers';

const work = path.join(__dirname, '..', '.work', `local-direct-group-${process.pid}`);

let gateway: LocalGateway;
let base: string;
let backend: TestServer;
let slow: TestServer;
let groupId: { proxy: string; authorizer: string };

beforeAll(async () => {
  fs.mkdirSync(work, { recursive: true });
  backend = await echoServer();
  slow = await startServer((_req, res) => { setTimeout(() => { res.writeHead(200); res.end('late'); }, 2000); });
  const outdir = path.join(work, 'cdk.out');
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'DirectGroup');
  const group = new ApiGroup(stack, 'Group', { groupName: 'direct', directIntegration: DirectIntegration.AUTO });
  const mobile = group.addApp('mobile');
  const strict = group.addGatewayResponse('strict', { rules: [] });
  group.addApi('Health', { method: HttpMethod.GET, path: '/health', backend: Backend.http(`${backend.url}/status/health?probe=1`) });
  group.addApi('Slow', { method: HttpMethod.GET, path: '/slow', backend: Backend.http(`${slow.url}/slow`, { timeout: Duration.millis(300) }) });
  group.addApi('Version', { method: HttpMethod.GET, path: '/version', backend: Backend.mock({ statusCode: 203, body: '{"v":"$1"}', headers: { 'Content-Type': 'application/json' } }) });
  group.addApi('Profile', {
    method: HttpMethod.GET, path: '/profile', direct: true, auth: ApiAuth.app({ apps: [mobile], signature: false }),
    backend: Backend.http(`${backend.url}/profile`, { authorizerContextHeaders: { 'X-App-Name': 'appName' } }),
  });
  group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.http(`${backend.url}/orders`), gatewayResponse: strict });
  app.synth();
  groupId = {
    proxy: stack.getLogicalId(group.proxyFunction.node.defaultChild as never),
    authorizer: stack.getLogicalId(group.authorizerFunction!.node.defaultChild as never),
  };
  gateway = await startLocalGateway({ assembly: outdir, port: 0, region: 'eu-west-1', log: () => undefined });
  base = gateway.groups[0].url.replace(/\/$/, '');
}, 90_000);

afterAll(async () => {
  await gateway?.close();
  await closeAllServers();
  fs.rmSync(work, { recursive: true, force: true });
});

test('direct APIs answer from their backends (HTTP and mock) without the proxy\'s worker ever starting', async () => {
  // why: the point of direct integration is that no Lambda runs for these requests
  const health = await fetch(`${base}/health?x=2`);
  expect(health.status).toBe(200);
  const echo = await health.json() as any;
  expect(echo.path).toBe('/status/health');
  expect(echo.query).toBe('probe=1&x=2');
  expect(echo.headers['x-request-id']).toBe(health.headers.get('x-amzn-requestid'));
  const version = await fetch(`${base}/version`);
  expect(version.status).toBe(203);
  expect(await version.text()).toBe('{"v":"$1"}');
  expect(version.headers.get('x-request-id')).toBeTruthy();
  expect(gateway.startedFunctions()).toEqual([]);
});

test('a direct API\'s gateway errors come from the native responses, translated from `default`', async () => {
  const late = await fetch(`${base}/slow`);
  expect(late.status).toBe(504);
  expect(await late.json()).toMatchObject({ error_code: 'APIG.0201' });
  expect(gateway.startedFunctions()).toEqual([]);
});

test('an app-authenticated direct API: the authorizer alone decides; the backend gets its context, never the AppCode', async () => {
  const mobile = gateway.apps.find(a => a.app === 'mobile')!;
  const refused = await fetch(`${base}/profile`);
  expect(refused.status).toBe(401);
  expect(gateway.startedFunctions()).toEqual([groupId.authorizer]);
  const ok = await fetch(`${base}/profile`, { headers: { 'X-Apig-AppCode': mobile.appCode! } });
  expect(ok.status).toBe(200);
  const echo = await ok.json() as any;
  expect(echo.headers['x-app-name']).toBe('mobile');
  expect(echo.headers['x-apig-appcode']).toBe('-');
  expect(JSON.stringify(echo)).not.toContain(mobile.appCode);
  expect(gateway.startedFunctions()).toEqual([groupId.authorizer]);
});

test('a proxied API of the same group still goes through the proxy (its worker starts then)', async () => {
  const res = await fetch(`${base}/orders`);
  expect(res.status).toBe(200);
  expect(gateway.startedFunctions()).toContain(groupId.proxy);
});
