/**
 * The local gateway over HTTP on a group at Huawei's scale (issue 8): 1000 APIs of the issue's
 * shape, read from the REST API's OpenAPI document in the cloud assembly. A sample of every
 * category answers as API Gateway and the proxy answer it: an API riding the catch-all (with and
 * without its AppCode), an IAM API API Gateway sees individually (unsigned, then signed), a
 * throttled API (its own limit, not its neighbours'), an unknown path and a wrong method.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SignatureV4 } from '@smithy/signature-v4';
import { App, Stack } from 'aws-cdk-lib';
import { ApiGroup } from 'cdk-api-groups';
import { LocalGateway, startLocalGateway } from '../../lib/local';
import { closeAllServers, echoServer, EchoBody } from '../support/http-servers';
import { addIssueApis, ISSUE_SHAPE, issueGroupProps } from '../support/issue-shape-group';
import { NodeSha256 } from './node-sha256';

const work = path.join(__dirname, '..', '.work', `scale-gateway-${process.pid}`);
const CREDENTIALS = { accessKeyId: 'AKIDSCALEGATEWAY1', secretAccessKey: 'scale-secret' };

let gateway: LocalGateway;
let base: string;
let appCode: string;

beforeAll(async () => {
  const backend = await echoServer();
  const outdir = path.join(work, 'cdk.out');
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const group = new ApiGroup(new Stack(app, 'Scale'), 'Group', issueGroupProps());
  // The issue's shape, with a throttle a test can reach.
  addIssueApis(group, { ...ISSUE_SHAPE, throttle: { rateLimit: 1, burstLimit: 1 } }, `${backend.url}/items/{id}`);
  expect(group.apis).toHaveLength(1000);
  app.synth();
  gateway = await startLocalGateway({ assembly: outdir, port: 0, region: 'eu-west-1', iamCredentials: [CREDENTIALS], log: () => undefined });
  base = gateway.groups[0].url.replace(/\/$/, '');
  appCode = gateway.appCodes.mobile;
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await closeAllServers();
  fs.rmSync(work, { recursive: true, force: true });
});

async function call(p: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(base + p, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const withApp = (init: RequestInit = {}): RequestInit => ({ ...init, headers: { 'X-Apig-AppCode': appCode, ...(init.headers as Record<string, string> ?? {}) } });

test('an app API riding the catch-all: its backend with the AppCode, AUTH_HEADER_MISSING without', async () => {
  // PUT /svc1/res0/{id} (resource 1) has no per-method enforcement: API Gateway only sees ANY /{proxy+}.
  const ok = await call('/svc1/res0/42', withApp({ method: 'PUT', body: 'x' }));
  expect(ok.status).toBe(200);
  expect((JSON.parse(ok.text) as EchoBody)).toMatchObject({ method: 'PUT', path: '/items/42' });
  const missing = await call('/svc1/res0/42', { method: 'PUT', body: 'x' });
  expect(missing.status).toBe(401);
  expect(JSON.parse(missing.text)).toMatchObject({ error_code: 'APIG.0303', error_msg: 'Authentication information is missing' });
});

test('an IAM API API Gateway sees individually: SigV4 checked natively, then served', async () => {
  // GET /svc3/res0/{id} (resource 3) is IAM: its own method in the document, with AWS_IAM.
  const unsigned = await call('/svc3/res0/7');
  expect([unsigned.status, unsigned.headers.get('x-amzn-errortype')]).toEqual([401, 'MissingAuthenticationTokenException']);
  const url = new URL(`${base}/svc3/res0/7`);
  const signer = new SignatureV4({ credentials: CREDENTIALS, region: 'eu-west-1', service: 'execute-api', sha256: NodeSha256 });
  const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host } });
  const ok = await call('/svc3/res0/7', { headers: signed.headers as Record<string, string> });
  expect(ok.status).toBe(200);
  expect((JSON.parse(ok.text) as EchoBody).path).toBe('/items/7');
});

test('a throttled API: its own limit natively (THROTTLED), not its resource neighbours\'', async () => {
  // GET /svc0/res0/{id} (resource 0) has its own throttle of 1 request per second, burst 1.
  const first = await call('/svc0/res0/1', withApp());
  expect(first.status).toBe(200);
  const second = await call('/svc0/res0/1', withApp());
  expect([second.status, second.headers.get('x-amzn-errortype')]).toEqual([429, 'TooManyRequestsException']);
  // PUT on the same path rides the catch-all: not throttled.
  for (let i = 0; i < 3; i++) { expect((await call('/svc0/res0/1', withApp({ method: 'PUT' }))).status).toBe(200); }
});

test('an unknown path answers NOT_FOUND, a wrong method REQUEST_PARAMETERS_FAILURE, from the default response', async () => {
  const unknown = await call('/nowhere/at/all', withApp());
  expect(unknown.status).toBe(404);
  expect(JSON.parse(unknown.text)).toMatchObject({ error_code: 'APIG.0101' });
  const below = await call('/svc1/res0/42/deeper', withApp());
  expect(below.status).toBe(404);
  const wrong = await call('/svc1/res0/42', withApp({ method: 'PATCH' }));
  expect(wrong.status).toBe(400);
  expect(JSON.parse(wrong.text)).toMatchObject({ error_code: 'APIG.0201' });
});
