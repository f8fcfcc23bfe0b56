/**
 * Lambda's Node.js runtime provides the AWS SDK; a CDK app's folder usually does not have it.
 * When `@aws-sdk/client-lambda` or `@aws-sdk/client-secrets-manager` cannot be found from a
 * function's asset folder or the project's node_modules, the local gateway's functions get these
 * stand-ins instead (NODE_PATH, last): the two operations the bundled proxy and authorizer call
 * (Invoke, GetSecretValue), over the same wire protocol, against the local endpoints named by
 * AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL_SECRETS_MANAGER, signed with SigV4 as the real SDK signs
 * (the endpoints accept only this run's key pair: local-credentials.ts), with AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_REGION. The real SDK is always preferred.
 */
import * as fs from 'fs';
import * as path from 'path';
import { signRequest } from './sigv4';

interface SendOptions {
  readonly abortSignal?: AbortSignal;
}

class Command<I> {
  constructor(public readonly input: I) {}
}

function endpoint(variable: string): string {
  const value = process.env[variable];
  if (!value) { throw Object.assign(new Error(`${variable} is not set: this stand-in only talks to the local gateway`), { name: 'ConfigurationError' }); }
  return value.replace(/\/+$/, '');
}

/** POSTs a signed request, as an SDK v3 client does. */
function signedPost(url: string, service: string, headers: Record<string, string>, body: Buffer, signal: AbortSignal | undefined): Promise<Response> {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID ?? '';
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY ?? '';
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const signed = signRequest({ method: 'POST', url: new URL(url), headers, body, credentials: { accessKeyId, secretAccessKey }, region, service });
  // fetch sets Host itself, from the URL: the value signed.
  const { host: _host, ...sent } = signed;
  return fetch(url, { method: 'POST', headers: sent, body, signal });
}

async function failure(res: Response): Promise<Error> {
  const text = await res.text();
  let type = res.headers.get('x-amzn-errortype')?.split(':')[0] ?? '';
  let message = text;
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    type ||= String(json.__type ?? json.Type ?? '');
    message = String(json.message ?? json.Message ?? text);
  } catch { /* plain text */ }
  return Object.assign(new Error(message), { name: type || `HTTP${res.status}`, $metadata: { httpStatusCode: res.status } });
}

export class InvokeCommand extends Command<{ FunctionName: string; InvocationType?: string; Payload?: Uint8Array | string; Qualifier?: string }> {}

export class LambdaClient {
  constructor(public readonly config: unknown = {}) {}

  public async send(command: InvokeCommand, options: SendOptions = {}): Promise<Record<string, unknown>> {
    const { FunctionName, InvocationType, Payload, Qualifier } = command.input;
    const query = Qualifier ? `?Qualifier=${encodeURIComponent(Qualifier)}` : '';
    const body = Payload === undefined ? Buffer.alloc(0) : typeof Payload === 'string' ? Buffer.from(Payload, 'utf8') : Buffer.from(Payload);
    const res = await signedPost(`${endpoint('AWS_ENDPOINT_URL_LAMBDA')}/2015-03-31/functions/${encodeURIComponent(FunctionName)}/invocations${query}`, 'lambda',
      { 'content-type': 'application/json', 'x-amz-invocation-type': InvocationType ?? 'RequestResponse' }, body, options.abortSignal);
    if (!res.ok) { throw await failure(res); }
    return {
      $metadata: { httpStatusCode: res.status },
      StatusCode: res.status,
      FunctionError: res.headers.get('x-amz-function-error') ?? undefined,
      ExecutedVersion: res.headers.get('x-amz-executed-version') ?? undefined,
      Payload: new Uint8Array(await res.arrayBuffer()),
    };
  }

  public destroy(): void { /* nothing held */ }
}

export class GetSecretValueCommand extends Command<{ SecretId: string; VersionId?: string; VersionStage?: string }> {}

export class SecretsManagerClient {
  constructor(public readonly config: unknown = {}) {}

  public async send(command: GetSecretValueCommand, options: SendOptions = {}): Promise<Record<string, unknown>> {
    const res = await signedPost(`${endpoint('AWS_ENDPOINT_URL_SECRETS_MANAGER')}/`, 'secretsmanager',
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
      Buffer.from(JSON.stringify(command.input), 'utf8'), options.abortSignal);
    if (!res.ok) { throw await failure(res); }
    return { $metadata: { httpStatusCode: res.status }, ...(await res.json() as Record<string, unknown>) };
  }

  public destroy(): void { /* nothing held */ }
}

/**
 * Writes `<dir>/node_modules/@aws-sdk/client-lambda` and `client-secrets-manager`, each loading
 * this module; returns the node_modules folder for NODE_PATH.
 */
export function installFallbackSdk(dir: string): string {
  const modules = path.join(dir, 'node_modules');
  for (const name of ['client-lambda', 'client-secrets-manager']) {
    const pkg = path.join(modules, '@aws-sdk', name);
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: `@aws-sdk/${name}`, version: '0.0.0-local', main: 'index.js' }));
    fs.writeFileSync(path.join(pkg, 'index.js'), `module.exports = require(${JSON.stringify(path.join(__dirname, 'sdk-fallback'))});\n`);
  }
  return modules;
}
