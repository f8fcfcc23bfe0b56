/**
 * The local gateway as a whole (startLocalGateway, the real bundled proxy, Node.js functions run from
 * their asset folders) over HTTP: API Gateway's recorded behaviour that involves the functions
 * (an event over Lambda's 6 MB, the trace header on the answer, a throwing function backend's log
 * line) and the local AWS endpoints that only the gateway's own processes may call.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiGroup, Backend, HttpMethod } from 'cdk-api-groups';
import { LocalGateway, startLocalGateway } from '../../lib/local';

const work = path.join(__dirname, '..', '.work', `local-fidelity-${process.pid}`);

function synthesizeGroup(outdir: string): void {
  const dir = (name: string, code: string) => {
    fs.mkdirSync(path.join(work, name), { recursive: true });
    fs.writeFileSync(path.join(work, name, 'index.js'), code);
    return lambda.Code.fromAsset(path.join(work, name));
  };
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'Fidelity');
  const group = new ApiGroup(stack, 'Group', { groupName: 'fidelity' });
  const echo = new lambda.Function(stack, 'Echo', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler',
    code: dir('echo', 'exports.handler = async (event) => ({ statusCode: 200, body: String(Buffer.from(event.body || "", event.isBase64Encoded ? "base64" : "utf8").length) });\n'),
  });
  const boom = new lambda.Function(stack, 'Boom', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler',
    code: dir('boom', 'function explode() { throw new RangeError("boom from the backend"); }\nexports.handler = async () => explode();\n'),
  });
  group.addApi('Echo', { method: HttpMethod.ANY, path: '/echo/{id}', apiName: 'echo', backend: Backend.fn(echo, { timeout: Duration.seconds(5) }) });
  group.addApi('Boom', { method: HttpMethod.GET, path: '/boom', apiName: 'boom', backend: Backend.fn(boom, { timeout: Duration.seconds(5) }) });
  app.synth();
}

let gateway: LocalGateway;
let base: string;
const functionLines: Array<{ id: string; line: string; bundled: boolean }> = [];

beforeAll(async () => {
  fs.mkdirSync(work, { recursive: true });
  const outdir = path.join(work, 'cdk.out');
  synthesizeGroup(outdir);
  gateway = await startLocalGateway({ assembly: outdir, port: 0, region: 'eu-west-1', functionLog: (id, line, bundled) => functionLines.push({ id, line, bundled }) });
  base = gateway.groups[0].url.replace(/\/$/, '');
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

test('a Node.js function backend that throws: its error message and stack in the function\'s log line, as Lambda\'s runtime writes it', async () => {
  // Lambda (and sam local) log `<time> <request id> ERROR Invoke Error {"errorType","errorMessage","stack":[...]}`.
  const res = await fetch(`${base}/boom`);
  expect(res.status).toBe(502);
  let line: string | undefined;
  for (let waited = 0; line === undefined && waited < 3000; waited += 20) {
    line = functionLines.find(l => !l.bundled && /^Boom/.test(l.id) && l.line.includes('Invoke Error'))?.line;
    if (line === undefined) { await new Promise(resolve => setTimeout(resolve, 20)); }
  }
  expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\t[0-9a-f-]{36}\tERROR\tInvoke Error \t\{/);
  const entry = JSON.parse(line!.slice(line!.indexOf('{'))) as { errorType: string; errorMessage: string; stack: string[] };
  expect(entry).toMatchObject({ errorType: 'RangeError', errorMessage: 'boom from the backend' });
  expect(entry.stack[0]).toBe('RangeError: boom from the backend');
  expect(entry.stack.some(frame => /at explode .*index\.js:1:/.test(frame))).toBe(true);
});

test('a body whose proxy event is over Lambda\'s 6 MB: API Gateway\'s 413 before the proxy runs', async () => {
  // 4.6 MB is over 6 MB once base64-encoded in the event: 413, BadRequestException, "Request Too Long".
  const binary = { 'Content-Type': 'application/octet-stream' };
  const over = await fetch(`${base}/echo/1`, { method: 'POST', body: Buffer.alloc(4.6 * 1024 * 1024, 'a'), headers: binary });
  const text = await over.text();
  expect([over.status, over.headers.get('x-amzn-errortype')]).toEqual([413, 'BadRequestException']);
  expect(text).toContain('Request Too Long');
  const under = await fetch(`${base}/echo/1`, { method: 'POST', body: Buffer.alloc(1024 * 1024, 'a'), headers: binary });
  expect([under.status, under.headers.get('x-amzn-errortype'), await under.text()]).toEqual([200, null, String(1024 * 1024)]);
});

test('X-Amzn-Trace-Id on what the integration answered', async () => {
  const res = await fetch(`${base}/echo/1`);
  expect(res.status).toBe(200);
  expect(res.headers.get('x-amzn-trace-id')).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
});

test('the gateway\'s own Lambda and Secrets Manager endpoints refuse a caller without the run\'s key pair', async () => {
  // Loopback only, and 403 for an unsigned request: another process cannot invoke the functions or read AppCodes.
  expect(new URL(gateway.endpoints.lambda).hostname).toBe('127.0.0.1');
  const invoke = await fetch(`${gateway.endpoints.lambda}/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:eu-west-1:123456789012:function:x')}/invocations`, { method: 'POST', body: '{}' });
  expect([invoke.status, invoke.headers.get('x-amzn-errortype')]).toEqual([403, 'MissingAuthenticationTokenException']);
  const secret = await fetch(`${gateway.endpoints.secretsManager}/`, {
    method: 'POST', body: '{"SecretId":"x"}', headers: { 'X-Amz-Target': 'secretsmanager.GetSecretValue', 'Content-Type': 'application/x-amz-json-1.1' },
  });
  expect([secret.status, secret.headers.get('x-amzn-errortype')]).toEqual([403, 'MissingAuthenticationTokenException']);
  // The functions themselves still reach them (the proxy invoked the Echo function above).
});
