/**
 * The AWS services the authorizer calls, as local endpoints on 127.0.0.1 in their own process (as
 * the real services are not in the Lambda's process): Secrets Manager holding the apps' AppCodes,
 * and the Lambda Invoke API serving the custom authorizer's function. Both are the test suite's
 * endpoints (test/support/local-secrets-manager.ts, test/support/local-lambda.ts), which speak the
 * services' wire protocols to the real AWS SDK clients inside the bundled authorizer.
 *
 * The function allows every caller, with a small context (as a typical token check would answer).
 * A second function, `COUNT_FUNCTION`, answers how many times the first one was invoked, so the
 * measurement can check that its cache hits never reached the function and its misses always did.
 */
import { ChildProcess, spawn } from 'child_process';
import * as http from 'http';
import * as path from 'path';
import { localCredentials } from '../lib/local/local-credentials';
import { signRequest, SigV4Credentials } from '../lib/local/sigv4';
import { startLocalLambda } from '../test/support/local-lambda';
import { startLocalSecretsManager } from '../test/support/local-secrets-manager';
import { ROOT } from './common';

export const COUNT_FUNCTION = 'bench-invocation-count';

export interface ServicesInput {
  /** Secret name → SecretString. */
  readonly secrets: Record<string, string>;
  /** Name of the custom authorizer's function. */
  readonly functionName: string;
  /** Its identity header (the function reads it, lower case, as FunctionGraph passes headers). */
  readonly identityHeader: string;
}

export interface RunningServices {
  readonly lambdaEndpoint: string;
  readonly secretsEndpoint: string;
  /** The services process's per-run key pair: its endpoints accept only requests signed with it. */
  readonly credentials: SigV4Credentials;
  stop(): Promise<void>;
}

async function serve(input: ServicesInput): Promise<void> {
  const [secrets, functions] = await Promise.all([startLocalSecretsManager(), startLocalLambda()]);
  for (const [name, value] of Object.entries(input.secrets)) { secrets.put(name, value); }
  let invoked = 0;
  const header = input.identityHeader.toLowerCase();
  functions.register(input.functionName, (event: unknown) => {
    invoked += 1;
    // The endpoint records every invocation for tests; a benchmark has no use for them.
    functions.invocations.length = 0;
    const headers = (event as { headers?: Record<string, string> }).headers ?? {};
    const token = String(headers[header] ?? '');
    return {
      statusCode: 200,
      body: JSON.stringify({ status: 'allow', context: { user: `u-${token.slice(0, 12)}`, tier: 'gold', level: 3 } }),
    };
  });
  functions.register(COUNT_FUNCTION, () => {
    functions.invocations.length = 0;
    return { count: invoked };
  });
  process.stdout.write(`${JSON.stringify({ lambdaEndpoint: functions.endpoint, secretsEndpoint: secrets.endpoint, credentials: localCredentials() })}\n`);
  // Ends with its parent, whatever happens to it.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
}

/** Starts the services in a child process and waits for their endpoints. */
export function startServices(input: ServicesInput): Promise<RunningServices> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'services.ts')], {
      cwd: ROOT,
      env: { ...process.env, BENCH_ROLE: 'services', BENCH_INPUT: JSON.stringify(input) },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let buffered = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('the local AWS endpoints did not start within 20 s')); }, 20_000);
    child.on('error', err => { clearTimeout(timer); reject(err); });
    child.on('exit', code => { clearTimeout(timer); reject(new Error(`the local AWS endpoints exited with ${code}`)); });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buffered += d;
      if (!buffered.includes('\n')) { return; }
      clearTimeout(timer);
      const endpoints = JSON.parse(buffered.split('\n')[0]) as { lambdaEndpoint: string; secretsEndpoint: string; credentials: SigV4Credentials };
      resolve({
        ...endpoints,
        stop: () => new Promise(done => {
          if (child.exitCode !== null) { done(); return; }
          child.removeAllListeners('exit');
          child.on('exit', () => done());
          child.stdin!.end();
          setTimeout(() => { if (child.exitCode === null) { child.kill('SIGKILL'); } }, 2_000);
        }),
      });
    });
  });
}

/** How many times the custom authorizer's function was invoked (a signed Invoke of COUNT_FUNCTION). */
export function invocationCount(lambdaEndpoint: string, credentials: SigV4Credentials): Promise<number> {
  const url = new URL(`${lambdaEndpoint}/2015-03-31/functions/${COUNT_FUNCTION}/invocations`);
  const body = '{}';
  const headers = signRequest({
    method: 'POST', url, headers: { 'content-type': 'application/json' }, body: Buffer.from(body), region: 'us-east-1', service: 'lambda', credentials,
  });
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers }, res => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => { text += d; });
      res.on('end', () => {
        try { resolve((JSON.parse(text) as { count: number }).count); } catch (err) { reject(err); }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

if (process.env.BENCH_ROLE === 'services') {
  serve(JSON.parse(process.env.BENCH_INPUT ?? '{}') as ServicesInput).catch(err => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
