/**
 * Functions run from their asset folders, each instance in its own process (lib/local/lambda-runner.ts),
 * reached through the local Lambda Invoke endpoint (lib/local/local-lambda.ts) by the SDK stand-in
 * the gateway installs when a project has no AWS SDK (lib/local/sdk-fallback.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { FunctionPool, FunctionSpec } from '../../lib/local/lambda-runner';
import { lambdaEnv, LocalLambda, RawJson, startLocalLambda } from '../../lib/local/local-lambda';
import { LocalSecretsManager, secretsManagerEnv, startLocalSecretsManager } from '../../lib/local/local-secrets-manager';
import { GetSecretValueCommand, InvokeCommand, LambdaClient, SecretsManagerClient } from '../../lib/local/sdk-fallback';
import { signRequest } from '../../lib/local/sigv4';
import { InvokeCommand as RealInvoke, LambdaClient as Real } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand as RealGet, SecretsManagerClient as RealSm } from '@aws-sdk/client-secrets-manager';

const work = path.join(__dirname, '..', '.work', `local-functions-${process.pid}`);
const CODE = `
let count = 0;
exports.handler = async (event, context) => {
  count += 1;
  if (event.log) { console.log('log line', event.log); }
  if (event.fail) { throw new TypeError('it failed'); }
  if (event.sleep) { await new Promise(r => setTimeout(r, event.sleep)); }
  if (event.crash) { process.exit(7); }
  return { count, env: process.env.GREETING, region: process.env.AWS_REGION, name: context.functionName, left: context.getRemainingTimeInMillis() > 0 };
};
exports.unauthorized = async () => { throw 'Unauthorized'; };
`;

function spec(overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    id: 'Fn', name: 'Fn', arn: 'arn:aws:lambda:eu-west-1:111122223333:function:Fn', runtime: 'nodejs24.x', handler: 'index.handler',
    codeDir: path.join(work, 'fn'), environment: { GREETING: 'hello', AWS_REGION: 'eu-west-1' }, timeoutMs: 3000, memoryMb: 128, ...overrides,
  };
}

let pool: FunctionPool;
const output: string[] = [];
const unsupported: string[] = [];

beforeAll(() => {
  fs.mkdirSync(path.join(work, 'fn'), { recursive: true });
  fs.writeFileSync(path.join(work, 'fn', 'index.js'), CODE);
  pool = new FunctionPool([
    spec(),
    spec({ id: 'Slow', name: 'Slow', arn: 'arn:aws:lambda:eu-west-1:111122223333:function:Slow', timeoutMs: 300 }),
    spec({ id: 'Auth', name: 'Auth', arn: 'arn:aws:lambda:eu-west-1:111122223333:function:Auth', handler: 'index.unauthorized' }),
    spec({ id: 'Py', name: 'Py', arn: 'x', runtime: 'python3.13', codeDir: undefined, unsupported: 'function Py (python3.13) cannot run locally: only Node.js functions can' }),
  ], { baseEnv: { PATH: process.env.PATH ?? '' }, onOutput: (_fn, line) => output.push(line), onUnsupported: (_fn, m) => unsupported.push(m) });
});

afterAll(async () => {
  await pool.close();
  fs.rmSync(work, { recursive: true, force: true });
});

test('an instance keeps its module state and gets the function\'s environment and context', async () => {
  // One process per instance, warm between invocations, as in Lambda.
  const first = await pool.invoke('Fn', '{"log":"x"}', 'r1');
  const second = await pool.invoke('arn:aws:lambda:eu-west-1:111122223333:function:Fn:$LATEST', '{}', 'r2');
  expect(first).toMatchObject({ ok: true, logs: ['log line x'] });
  expect(JSON.parse((first as { payload: string }).payload)).toEqual({ count: 1, env: 'hello', region: 'eu-west-1', name: 'Fn', left: true });
  expect(JSON.parse((second as { payload: string }).payload).count).toBe(2);
  // The function's stdout is a separate stream from its result: the line may arrive a moment later.
  for (let waited = 0; !output.includes('log line x') && waited < 3000; waited += 20) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
  expect(output).toContain('log line x');
});

test('errors, thrown strings, timeouts and crashes become Lambda function errors', async () => {
  // What the Invoke API reports for each, so the proxy and the gateway react as deployed.
  expect(await pool.invoke('Fn', '{"fail":true}', 'r3')).toMatchObject({ ok: false, errorType: 'TypeError', errorMessage: 'it failed' });
  expect(await pool.invoke('Auth', '{}', 'r4')).toMatchObject({ ok: false, errorType: 'string', errorMessage: 'Unauthorized' });
  expect(await pool.invoke('Slow', '{"sleep":2000}', 'r5')).toMatchObject({ ok: false, errorType: 'Sandbox.Timedout', errorMessage: expect.stringContaining('Task timed out after 0.30 seconds') });
  expect(await pool.invoke('Fn', '{"crash":true}', 'r6')).toMatchObject({ ok: false, errorType: 'Runtime.ExitError', errorMessage: expect.stringContaining('exit status 7') });
  // A new instance after the crash: a cold start with fresh module state.
  expect(JSON.parse((await pool.invoke('Fn', '{}', 'r7') as { payload: string }).payload).count).toBe(1);
});

test('concurrent invocations run in separate instances', async () => {
  // Lambda runs one event per instance at a time.
  const results = await Promise.all([1, 2, 3].map(i => pool.invoke('Fn', `{"sleep":100,"i":${i}}`, `c${i}`)));
  expect(results.every(r => r.ok)).toBe(true);
});

test('a function of another runtime answers a clear error, and it is reported', async () => {
  // Not a silent hang: the caller gets a function error, the gateway prints why.
  expect(await pool.invoke('Py', '{}', 'r8')).toMatchObject({ ok: false, errorMessage: 'function Py (python3.13) cannot run locally: only Node.js functions can' });
  expect(unsupported).toEqual(['function Py (python3.13) cannot run locally: only Node.js functions can']);
  expect(await pool.invoke('Nope', '{}', 'r9')).toMatchObject({ ok: false, errorType: 'ResourceNotFoundException' });
});

describe('the local endpoints, through the SDK stand-in', () => {
  let lambda: LocalLambda;
  let saved: NodeJS.ProcessEnv;
  let secrets: LocalSecretsManager;
  beforeAll(async () => {
    lambda = await startLocalLambda({
      record: false,
      fallback: name => (pool.find(name) ? async event => {
        const out = await pool.invoke(name, JSON.stringify(event), 'via-endpoint');
        if (out.ok) { return new RawJson(out.payload); }
        throw Object.assign(new Error(out.errorMessage), { name: out.errorType });
      } : undefined),
    });
    secrets = await startLocalSecretsManager({ region: 'eu-west-1', account: '111122223333' });
    saved = { ...process.env };
    // What the gateway gives its functions: the endpoints and this run's key pair.
    Object.assign(process.env, lambdaEnv(lambda.endpoint, 'eu-west-1'), secretsManagerEnv(secrets.endpoint, 'eu-west-1'));
  });
  afterAll(async () => {
    process.env = saved;
    await Promise.all([lambda.close(), secrets.close()]);
  });

  test('Invoke: a result, a function error, an unknown function', async () => {
    // The wire protocol of the Lambda API, as the bundled proxy reads it.
    const client = new LambdaClient({});
    const ok = await client.send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:eu-west-1:111122223333:function:Fn', Payload: Buffer.from('{}') }));
    expect(ok.StatusCode).toBe(200);
    expect(ok.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(ok.Payload as Uint8Array).toString('utf8')).env).toBe('hello');
    const failed = await client.send(new InvokeCommand({ FunctionName: 'Fn', Payload: '{"fail":true}' }));
    expect(failed.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(failed.Payload as Uint8Array).toString('utf8'))).toMatchObject({ errorType: 'TypeError', errorMessage: 'it failed' });
    await expect(client.send(new InvokeCommand({ FunctionName: 'Missing' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  test('GetSecretValue: by ARN, and an unknown secret', async () => {
    // How the bundled authorizer reads the local AppCodes.
    const arn = secrets.put('AppCode', '{"appCode":"x"}');
    expect(arn).toBe('arn:aws:secretsmanager:eu-west-1:111122223333:secret:AppCode-AbCdEf');
    const client = new SecretsManagerClient({});
    expect(await client.send(new GetSecretValueCommand({ SecretId: arn }))).toMatchObject({ SecretString: '{"appCode":"x"}', ARN: arn });
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('the local endpoints accept only this run\'s signed requests', () => {
  // The gateway's functions get the key pair in their environment; anyone else on the machine (another
  // user's process, a web page) gets 403 in the protocol's own error shape, and nothing is invoked or read.
  let lambda: LocalLambda;
  let secrets: LocalSecretsManager;
  let invoked = 0;
  beforeAll(async () => {
    lambda = await startLocalLambda({ record: false, fallback: () => async () => { invoked += 1; return { ok: true }; } });
    secrets = await startLocalSecretsManager();
    secrets.put('AppCode', '{"appCode":"secret"}');
  });
  afterAll(async () => { await Promise.all([lambda.close(), secrets.close()]); });

  test('listening on 127.0.0.1 only', () => {
    expect(new URL(lambda.endpoint).hostname).toBe('127.0.0.1');
    expect(new URL(secrets.endpoint).hostname).toBe('127.0.0.1');
  });

  test('Lambda Invoke: unsigned, signed with another key, a tampered signature → 403; this run\'s signature → 200', async () => {
    const url = `${lambda.endpoint}/2015-03-31/functions/Fn/invocations`;
    const unsigned = await fetch(url, { method: 'POST', body: '{}' });
    expect([unsigned.status, unsigned.headers.get('x-amzn-errortype'), await unsigned.json()])
      .toEqual([403, 'MissingAuthenticationTokenException', { message: 'Missing Authentication Token' }]);
    const body = Buffer.from('{}');
    const sign = (credentials: { accessKeyId: string; secretAccessKey: string }) => {
      const { host: _host, ...headers } = signRequest({ method: 'POST', url: new URL(url), headers: {}, body, credentials, region: 'eu-west-1', service: 'lambda' });
      return headers;
    };
    const stranger = await fetch(url, { method: 'POST', body, headers: sign({ accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'x' }) });
    expect([stranger.status, stranger.headers.get('x-amzn-errortype')]).toEqual([403, 'UnrecognizedClientException']);
    const guessed = await fetch(url, { method: 'POST', body, headers: sign({ accessKeyId: lambda.credentials.accessKeyId, secretAccessKey: 'guess' }) });
    expect([guessed.status, guessed.headers.get('x-amzn-errortype')]).toEqual([403, 'InvalidSignatureException']);
    expect(invoked).toBe(0);
    const ok = await fetch(url, { method: 'POST', body, headers: sign(lambda.credentials) });
    expect([ok.status, await ok.json()]).toEqual([200, { ok: true }]);
    expect(invoked).toBe(1);
  });

  test('Secrets Manager: unsigned → 403 {"__type","message"}, no secret read', async () => {
    const res = await fetch(`${secrets.endpoint}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'secretsmanager.GetSecretValue' },
      body: JSON.stringify({ SecretId: 'AppCode' }),
    });
    const text = await res.text();
    expect([res.status, res.headers.get('x-amzn-errortype'), JSON.parse(text)])
      .toEqual([403, 'MissingAuthenticationTokenException', { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' }]);
    expect(text).not.toContain('secret');
    expect(secrets.calls()).toBe(0);
  });

  test('the real AWS SDK v3 clients, given this run\'s key pair, are accepted; with other keys refused', async () => {
    // What the bundled proxy and authorizer use inside the gateway's function processes.
    const config = (endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }) => ({ endpoint, region: 'eu-west-1', credentials, maxAttempts: 1 });
    const invoke = await new Real(config(lambda.endpoint, lambda.credentials)).send(new RealInvoke({ FunctionName: 'Fn', Payload: Buffer.from('{}') }));
    expect(invoke.StatusCode).toBe(200);
    const secret = await new RealSm(config(secrets.endpoint, secrets.credentials)).send(new RealGet({ SecretId: 'AppCode' }));
    expect(secret.SecretString).toBe('{"appCode":"secret"}');
    await expect(new RealSm(config(secrets.endpoint, { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' })).send(new RealGet({ SecretId: 'AppCode' })))
      .rejects.toMatchObject({ name: 'UnrecognizedClientException' });
  });
});
