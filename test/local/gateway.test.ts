/**
 * The local gateway, programmatically (lib/local/gateway.ts), over a group synthesized in this
 * process: API Gateway's native checks in front of the real bundled proxy and authorizer, a
 * Node.js function backend run from its asset folder, and one of another runtime.
 * (The examples are driven end to end elsewhere; this proves the pieces are wired together.)
 */
import * as fs from 'fs';
import * as path from 'path';
import { SignatureV4 } from '@smithy/signature-v4';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiAuth, ApiGroup, Backend, HttpMethod } from 'cdk-api-groups';
import { LocalGateway, RequestLogEntry, startLocalGateway } from '../../lib/local';
import { NodeSha256 } from './node-sha256';

const work = path.join(__dirname, '..', '.work', `local-gateway-${process.pid}`);
const CREDENTIALS = { accessKeyId: 'AKIDLOCALGATEWAY1', secretAccessKey: 'local-secret' };


/** A group with every native check the gateway emulates, synthesized to `outdir`. */
function synthesizeGroup(outdir: string): void {
  const fnDir = path.join(work, 'echo');
  fs.mkdirSync(fnDir, { recursive: true });
  fs.writeFileSync(path.join(fnDir, 'index.js'),
    'exports.handler = async (event) => ({ statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(event) });\n');
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'LocalTest');
  const group = new ApiGroup(stack, 'Group', { groupName: 'local-test', stageVariables: { color: 'blue' } });
  const echo = new lambda.Function(stack, 'Echo', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(fnDir) });
  const python = new lambda.Function(stack, 'Py', { runtime: lambda.Runtime.PYTHON_3_13, handler: 'index.handler', code: lambda.Code.fromInline('def handler(e, c):\n  return 1') });
  const mobile = group.addApp('mobile', { quota: { limit: 2, period: apigw.Period.DAY } });
  group.addApi('Echo', { method: HttpMethod.ANY, path: '/echo/{id}', apiName: 'echo', backend: Backend.fn(echo, { timeout: Duration.seconds(5) }) });
  group.addApi('Python', { method: HttpMethod.GET, path: '/python', apiName: 'python', backend: Backend.fn(python) });
  group.addApi('Limited', { method: HttpMethod.GET, path: '/limited', apiName: 'limited', backend: Backend.mock({ body: 'ok' }), throttle: { rateLimit: 1, burstLimit: 1 } });
  group.addApi('Reports', { method: HttpMethod.GET, path: '/reports', apiName: 'reports', backend: Backend.mock({ body: 'reports' }), auth: ApiAuth.iam() });
  group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', apiName: 'orders', backend: Backend.mock({ body: 'orders' }), auth: ApiAuth.app({ apps: [mobile] }) });
  app.synth();
}

let gateway: LocalGateway;
let base: string;
const lines: string[] = [];
const entries: RequestLogEntry[] = [];

beforeAll(async () => {
  fs.mkdirSync(work, { recursive: true });
  const outdir = path.join(work, 'cdk.out');
  synthesizeGroup(outdir);
  gateway = await startLocalGateway({
    assembly: outdir,
    port: 0,
    region: 'eu-west-1',
    iamCredentials: [CREDENTIALS],
    log: line => lines.push(line),
    onRequest: entry => entries.push(entry),
  });
  base = gateway.groups[0].url.replace(/\/$/, '');
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

async function call(p: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(base + p, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

test('the group is served at the root of its port, with a generated AppCode per app', () => {
  // What the CLI prints at start-up comes from here.
  expect(gateway.groups).toEqual([expect.objectContaining({ name: 'local-test', stage: 'RELEASE', stack: 'LocalTest', iam: true, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/) })]);
  expect(gateway.appCodes.mobile).toMatch(/^[A-Za-z0-9]{64}$/);
});

test('a Node.js function backend gets the REST proxy event of the real shape', async () => {
  // Stage prefix in requestContext.path, source IP, stage variables, request id, path parameters.
  const res = await call('/echo/42?a=1&a=2', { method: 'POST', body: 'hello', headers: { 'X-Test': 'yes' } });
  expect(res.status).toBe(200);
  const event = JSON.parse(res.text);
  expect(event).toMatchObject({
    httpMethod: 'POST',
    path: '/echo/42',
    stageVariables: { color: 'blue' },
    queryStringParameters: { a: '2' },
    multiValueQueryStringParameters: { a: ['1', '2'] },
    requestContext: { stage: 'RELEASE', path: '/RELEASE/echo/42', identity: { sourceIp: '127.0.0.1' }, requestId: res.headers.get('x-amzn-requestid') },
  });
  // Text or base64, as the group's binary media types decide for a function backend.
  expect(Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').toString()).toBe('hello');
  expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(entries.find(e => e.path === '/echo/42?a=1&a=2')).toMatchObject({ api: 'echo', status: 200 });
});

test('a function of another runtime: BACKEND_UNAVAILABLE from the proxy, and a clear message', async () => {
  // Not a silent hang.
  const res = await call('/python');
  expect(res.status).toBe(502);
  expect(JSON.parse(res.text).error_msg).toBe('Backend unavailable.');
  expect(lines).toContainEqual(expect.stringMatching(/^function Py[0-9A-F]{8} \(python3\.13\) cannot run locally: only Node\.js functions can$/));
  expect(entries.find(e => e.path === '/python')).toMatchObject({ api: 'python', responseType: 'BACKEND_UNAVAILABLE' });
});

test('an API throttle answers THROTTLED natively once its burst is spent', async () => {
  // Stage method settings, enforced before the proxy runs.
  const statuses = [];
  for (let i = 0; i < 3; i++) { statuses.push((await call('/limited')).status); }
  expect(statuses[0]).toBe(200);
  expect(statuses.slice(1)).toContain(429);
  const throttled = await call('/limited');
  expect(throttled.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
  expect(JSON.parse(throttled.text)).toMatchObject({ error_code: 'APIG.0308' });
});

test('IAM: no signature, a bad one, then a real SDK signature', async () => {
  // SigV4 checked natively; the proxy then sees the IAM identity and serves the API.
  const missing = await call('/reports');
  expect([missing.status, missing.headers.get('x-amzn-errortype')]).toEqual([401, 'MissingAuthenticationTokenException']);
  const signer = new SignatureV4({ credentials: CREDENTIALS, region: 'eu-west-1', service: 'execute-api', sha256: NodeSha256 });
  const url = new URL(`${base}/reports`);
  const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/reports', headers: { host: url.host } });
  const headers = signed.headers as Record<string, string>;
  const ok = await call('/reports', { headers });
  expect([ok.status, ok.text]).toEqual([200, 'reports']);
  const tampered = await call('/reports', { headers: { ...headers, authorization: headers.authorization.replace(/Signature=\w{4}/, 'Signature=0000') } });
  expect([tampered.status, tampered.headers.get('x-amzn-errortype')]).toEqual([401, 'InvalidSignatureException']);
  // Not a SigV4 header at all (issue 14 item 17): API Gateway's IncompleteSignatureException, its message
  // in $context.error.message, rendered with the group's INVALID_SIGNATURE translation (AUTH_FAILURE).
  const bearer = await call('/reports', { headers: { authorization: 'Bearer x' } });
  expect([bearer.status, bearer.headers.get('x-amzn-errortype'), JSON.parse(bearer.text).error_msg])
    .toEqual([401, 'IncompleteSignatureException', "'x' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer x'."]);
});

test('app authentication through the bundled authorizer and Secrets Manager, then the app\'s quota', async () => {
  // The AppCode lives in the local Secrets Manager; the usage plan counts the app's requests.
  expect((await call('/orders', { headers: { 'X-Apig-AppCode': 'x'.repeat(64) } })).status).toBe(401);
  const code = { 'X-Apig-AppCode': gateway.appCodes.mobile };
  expect((await call('/orders', { headers: code })).status).toBe(200);
  expect((await call('/orders', { headers: code })).status).toBe(200);
  const over = await call('/orders', { headers: code });
  expect([over.status, over.headers.get('x-amzn-errortype')]).toEqual([429, 'LimitExceededException']);
});

test('a payload over 10 MB: REQUEST_TOO_LARGE before anything runs', async () => {
  // API Gateway's payload limit.
  const res = await call('/echo/1', { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1) });
  expect([res.status, res.headers.get('x-amzn-errortype')]).toEqual([413, 'RequestTooLongException']);
  expect(lines.some(l => /^POST \/echo\/1 echo 413 REQUEST_TOO_LARGE \d+ms$/.test(l))).toBe(true);
});
