/**
 * A local endpoint speaking the Lambda Invoke API, so that the real `@aws-sdk/client-lambda`
 * client inside the bundled proxy and authorizer (and inside users' functions) can call local
 * functions. Point the SDK at it with `AWS_ENDPOINT_URL_LAMBDA` (honoured by SDK v3's endpoint
 * resolution, @smithy/core `getEndpointUrlConfig`), with dummy credentials and a region (see
 * `lambdaEnv`). The local gateway registers its function runner here; the runtime tests register
 * JavaScript handlers.
 *
 * Wire format (Lambda API reference, Invoke):
 * - request: `POST /2015-03-31/functions/{FunctionName}/invocations[?Qualifier=...]`, the event as
 *   the body (at most 6 MB), `X-Amz-Invocation-Type: RequestResponse` or `Event`;
 * - success: 200, the handler's result as JSON, `X-Amz-Executed-Version: $LATEST`;
 * - `Event` (asynchronous): 202 with an empty body at once; the handler runs without anyone
 *   waiting, and a failure goes to `onAsyncError` (Lambda would retry it, then drop it);
 * - handler error: still 200, `X-Amz-Function-Error: Unhandled`, body
 *   `{"errorType","errorMessage","trace"}`;
 * - unknown function: 404, `x-amzn-ErrorType: ResourceNotFoundException`, JSON `{Type, Message}`;
 * - a payload over 6 MB: 413, `RequestEntityTooLargeException`;
 * - a request not signed with this run's key pair (local-credentials.ts, endpoint-auth.ts): 403,
 *   `x-amzn-ErrorType: MissingAuthenticationTokenException | UnrecognizedClientException |
 *   InvalidSignatureException`, JSON `{"message"}`. It listens on 127.0.0.1 only.
 */
import * as http from 'http';
import * as net from 'net';
import { refuseUnsigned } from './endpoint-auth';
import { localCredentials } from './local-credentials';
import type { SigV4Credentials } from './sigv4';

/** A handler's result that is already JSON text (sent as is, not serialized again). */
export class RawJson {
  constructor(public readonly json: string) {}
}

export type LocalHandler = (event: unknown, functionName: string) => unknown;

export interface Invocation {
  readonly functionName: string;
  readonly invocationType: string | undefined;
  readonly event: unknown;
}

export interface LocalLambda {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** The only credentials whose signatures it accepts. */
  readonly credentials: SigV4Credentials;
  /** The invocations received, in order (empty when started with `record: false`). */
  readonly invocations: Invocation[];
  /** Registers a handler under a function name (an ARN's name part matches too). */
  register(name: string, handler: LocalHandler): void;
  close(): Promise<void>;
}

export interface LocalLambdaOptions {
  /** Keep every invocation in `invocations` (tests); a long-running gateway does not. @default true */
  readonly record?: boolean;
  /** Answers functions that were not registered by name (the gateway's function runner). */
  readonly fallback?: (functionName: string) => LocalHandler | undefined;
  /** Region and account of the ARNs in messages. @default us-east-1, 123456789012 */
  readonly region?: string;
  readonly account?: string;
  /** The only credentials whose SigV4 signatures are accepted. @default this run's key pair (local-credentials.ts) */
  readonly credentials?: SigV4Credentials;
  /** Told when an asynchronously invoked (Event) handler fails. @default - ignored */
  readonly onAsyncError?: (functionName: string, err: unknown) => void;
}

export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_REGION = 'us-east-1';

/** Lambda's synchronous invocation payload limit (request and response). */
export const LAMBDA_PAYLOAD_LIMIT = 6_291_456;

/** The ARN of a function, as a synthesized document would carry it. */
export function functionArn(name: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}`;
}

/** Environment for the SDK inside a function: endpoint, region and this run's credentials. */
export function lambdaEnv(endpoint: string, region = LOCAL_REGION, credentials: SigV4Credentials = localCredentials()): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_LAMBDA: endpoint,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    // Node 20 runs here; Lambda runs 22+. The SDK's end-of-support notice is noise.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** `my-fn`, `my-fn:alias`, `arn:aws:lambda:r:a:function:my-fn[:alias]`, `a:function:my-fn` → `my-fn`. */
export function functionBaseName(functionName: string): string {
  const m = /^(?:arn:[^:]+:lambda:[^:]*:)?[^:]*:function:([^:]+)/.exec(functionName);
  if (m) { return m[1]; }
  return functionName.split(':')[0];
}

function send(res: http.ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (res.destroyed) { return; }
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(body);
}

function errorPayload(err: unknown): string {
  if (err instanceof Error) {
    const trace = typeof err.stack === 'string' ? err.stack.split('\n').slice(1, 6).map(l => l.trim()) : [];
    return JSON.stringify({ errorType: err.name, errorMessage: err.message, trace });
  }
  return JSON.stringify({ errorType: typeof err, errorMessage: String(err), trace: [] });
}

export async function startLocalLambda(options: LocalLambdaOptions = {}): Promise<LocalLambda> {
  const record = options.record ?? true;
  const credentials = options.credentials ?? localCredentials();
  const region = options.region ?? LOCAL_REGION;
  const account = options.account ?? LOCAL_ACCOUNT;
  const handlers = new Map<string, LocalHandler>();
  const invocations: Invocation[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > LAMBDA_PAYLOAD_LIMIT) { tooLarge = true; return; }
      chunks.push(c);
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
      if (req.method !== 'POST' || !m) {
        send(res, 404, { 'x-amzn-ErrorType': 'UnknownOperationException' }, JSON.stringify({ Type: 'User', Message: 'Unknown operation' }));
        return;
      }
      const refused = refuseUnsigned(req, Buffer.concat(chunks), 'lambda', credentials);
      // A body over the limit is not kept, so only the key can be checked then.
      if (refused && !(tooLarge && String(req.headers.authorization ?? '').includes(`Credential=${credentials.accessKeyId}/`))) {
        send(res, refused.status, { 'x-amzn-ErrorType': refused.errorType }, JSON.stringify({ message: refused.message }));
        return;
      }
      const functionName = decodeURIComponent(m[1]);
      const name = functionBaseName(functionName);
      const handler = handlers.get(name) ?? options.fallback?.(functionName);
      if (!handler) {
        send(res, 404, { 'x-amzn-ErrorType': 'ResourceNotFoundException' },
          JSON.stringify({ Type: 'User', Message: `Function not found: ${functionArn(name, region, account)}` }));
        return;
      }
      if (tooLarge) {
        send(res, 413, { 'x-amzn-ErrorType': 'RequestEntityTooLargeException' },
          JSON.stringify({ Type: 'User', message: `Request must be smaller than ${LAMBDA_PAYLOAD_LIMIT} bytes for the InvokeFunction operation` }));
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      let event: unknown;
      try {
        event = raw === '' ? {} : JSON.parse(raw);
      } catch {
        send(res, 400, { 'x-amzn-ErrorType': 'InvalidRequestContentException' },
          JSON.stringify({ Type: 'User', Message: 'Could not parse request body into json' }));
        return;
      }
      const invocationType = typeof req.headers['x-amz-invocation-type'] === 'string' ? req.headers['x-amz-invocation-type'] : undefined;
      if (record) { invocations.push({ functionName, invocationType, event }); }
      if (invocationType === 'Event') {
        // Asynchronous: queued (202, empty body) and run without anyone waiting for its result.
        send(res, 202, {}, '');
        Promise.resolve()
          .then(() => handler(event, functionName))
          .then(undefined, (err: unknown) => options.onAsyncError?.(functionName, err));
        return;
      }
      Promise.resolve()
        .then(() => handler(event, functionName))
        .then(
          result => send(res, 200, { 'X-Amz-Executed-Version': '$LATEST' },
            result instanceof RawJson ? result.json : result === undefined ? 'null' : JSON.stringify(result)),
          (err: unknown) => send(res, 200, { 'X-Amz-Executed-Version': '$LATEST', 'X-Amz-Function-Error': 'Unhandled' }, errorPayload(err)),
        );
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    credentials,
    invocations,
    register(name, handler) { handlers.set(functionBaseName(name), handler); },
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
