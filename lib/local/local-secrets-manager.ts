/**
 * A local endpoint speaking the Secrets Manager JSON protocol, so the authorizer's real
 * `@aws-sdk/client-secrets-manager` client can read secrets (the local gateway serves the apps'
 * AppCodes from it; the runtime tests put secrets of their own). Point the SDK at it with
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER` (SDK v3 endpoint resolution: `AWS_ENDPOINT_URL_` + the
 * service id "Secrets Manager" upper-cased with `_`), with a region and dummy credentials (see
 * `secretsManagerEnv`).
 *
 * Wire format (AWS JSON 1.1, Secrets Manager API reference, GetSecretValue):
 * - request: `POST /`, `Content-Type: application/x-amz-json-1.1`,
 *   `X-Amz-Target: secretsmanager.GetSecretValue`, body `{"SecretId": "..."}`;
 * - success: 200, `{"ARN","Name","VersionId","SecretString","VersionStages":["AWSCURRENT"],"CreatedDate"}`;
 * - unknown secret: 400, `x-amzn-ErrorType: ResourceNotFoundException`,
 *   `{"__type":"ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."}`;
 * - a failure on demand: 500 `InternalServiceError`, or a request left unanswered (a hang).
 *
 * - a request not signed with this run's key pair (local-credentials.ts, endpoint-auth.ts): 403,
 *   `{"__type": "UnrecognizedClientException" | "InvalidSignatureException" | ..., "message"}`.
 *   It listens on 127.0.0.1 only.
 *
 * Every GetSecretValue is counted per secret (retries included), to test caching.
 */
import * as http from 'http';
import * as net from 'net';
import { refuseUnsigned } from './endpoint-auth';
import { localCredentials } from './local-credentials';
import type { SigV4Credentials } from './sigv4';

export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_REGION = 'us-east-1';

export type FailureMode = 'error' | 'hang' | undefined;

export interface LocalSecretsManager {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** The only credentials whose signatures it accepts. */
  readonly credentials: SigV4Credentials;
  /** Sets (or replaces: a rotation) a secret's SecretString; returns its ARN. */
  put(name: string, secretString: string): string;
  /** Removes a secret: reads then get ResourceNotFoundException. */
  remove(name: string): void;
  /** GetSecretValue calls received for a secret (by name or ARN), or in total. */
  calls(nameOrArn?: string): number;
  resetCalls(): void;
  /** Makes every GetSecretValue fail (`error`: 500 InternalServiceError; `hang`: no answer), or succeed again. */
  failWith(mode: FailureMode): void;
  close(): Promise<void>;
}

export interface LocalSecretsManagerOptions {
  /** Region and account of the ARNs it answers with. @default us-east-1, 123456789012 */
  readonly region?: string;
  readonly account?: string;
  /** The only credentials whose SigV4 signatures are accepted. @default this run's key pair (local-credentials.ts) */
  readonly credentials?: SigV4Credentials;
}

/** The ARN of a secret stored here, as a synthesized document would carry it. */
export function secretArn(name: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT): string {
  return `arn:aws:secretsmanager:${region}:${account}:secret:${name}-AbCdEf`;
}

/** Environment for the SDK inside the authorizer: endpoint, region, this run's credentials, one attempt. */
export function secretsManagerEnv(endpoint: string, region = LOCAL_REGION, credentials: SigV4Credentials = localCredentials()): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    // No retries: a failure on demand is seen once, and calls() counts requests, not retries.
    AWS_MAX_ATTEMPTS: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** `name`, or `arn:aws:secretsmanager:r:a:secret:name-XXXXXX` → `name`. */
export function secretNameOf(secretId: string): string {
  const m = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)-[A-Za-z0-9]{6}$/.exec(secretId);
  return m ? m[1] : secretId;
}

function send(res: http.ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  if (res.destroyed) { return; }
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', ...headers });
  res.end(JSON.stringify(body));
}

function error(res: http.ServerResponse, status: number, type: string, message: string): void {
  send(res, status, { 'x-amzn-ErrorType': type }, { __type: type, message });
}

export async function startLocalSecretsManager(options: LocalSecretsManagerOptions = {}): Promise<LocalSecretsManager> {
  const region = options.region ?? LOCAL_REGION;
  const account = options.account ?? LOCAL_ACCOUNT;
  const credentials = options.credentials ?? localCredentials();
  const secrets = new Map<string, { value: string; version: number }>();
  const counts = new Map<string, number>();
  let failure: FailureMode;
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const refused = refuseUnsigned(req, Buffer.concat(chunks), 'secretsmanager', credentials);
      if (refused) { error(res, refused.status, refused.errorType, refused.message); return; }
      const target = req.headers['x-amz-target'];
      if (req.method !== 'POST' || target !== 'secretsmanager.GetSecretValue') {
        error(res, 400, 'UnknownOperationException', `unsupported operation ${String(target)}`);
        return;
      }
      let input: { SecretId?: unknown };
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        error(res, 400, 'SerializationException', 'body is not JSON');
        return;
      }
      if (typeof input.SecretId !== 'string') {
        error(res, 400, 'InvalidParameterException', 'SecretId is required');
        return;
      }
      const name = secretNameOf(input.SecretId);
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (failure === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (failure === 'error') {
        error(res, 500, 'InternalServiceError', 'An error occurred on the server side.');
        return;
      }
      const secret = secrets.get(name);
      if (!secret) {
        error(res, 400, 'ResourceNotFoundException', 'Secrets Manager can\'t find the specified secret.');
        return;
      }
      send(res, 200, {}, {
        ARN: secretArn(name, region, account),
        Name: name,
        VersionId: `v${secret.version}`,
        SecretString: secret.value,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1718635693.5,
      });
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    credentials,
    put(name, secretString) {
      const previous = secrets.get(name);
      secrets.set(name, { value: secretString, version: (previous?.version ?? 0) + 1 });
      return secretArn(name, region, account);
    },
    remove(name) { secrets.delete(name); },
    calls(nameOrArn) {
      if (nameOrArn === undefined) { return [...counts.values()].reduce((a, b) => a + b, 0); }
      return counts.get(secretNameOf(nameOrArn)) ?? 0;
    },
    resetCalls() { counts.clear(); },
    failWith(mode) { failure = mode; },
    close: () => new Promise<void>(resolve => {
      for (const res of hanging) { res.destroy(); }
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
