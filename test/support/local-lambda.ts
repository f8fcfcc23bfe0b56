/**
 * A local endpoint speaking the Lambda Invoke API, so the proxy's real `@aws-sdk/client-lambda`
 * client can call registered JavaScript handlers. Point the SDK at it with
 * `AWS_ENDPOINT_URL_LAMBDA` (honoured by SDK v3's endpoint resolution, @smithy/core
 * `getEndpointUrlConfig`), with dummy credentials and a region (see `lambdaEnv`).
 *
 * Wire format (Lambda API reference, Invoke):
 * - request: `POST /2015-03-31/functions/{FunctionName}/invocations[?Qualifier=...]`, the event as
 *   the body, `X-Amz-Invocation-Type: RequestResponse`;
 * - success: 200, the handler's result as JSON, `X-Amz-Executed-Version: $LATEST`;
 * - handler error: still 200, `X-Amz-Function-Error: Unhandled`, body
 *   `{"errorType","errorMessage","trace"}`;
 * - unknown function: 404, `x-amzn-ErrorType: ResourceNotFoundException`, JSON `{Type, Message}`.
 */
import * as http from 'http';
import * as net from 'net';

export type LocalHandler = (event: unknown) => unknown;

export interface Invocation {
  readonly functionName: string;
  readonly invocationType: string | undefined;
  readonly event: unknown;
}

export interface LocalLambda {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly invocations: Invocation[];
  /** Registers a handler under a function name (an ARN's name part matches too). */
  register(name: string, handler: LocalHandler): void;
  close(): Promise<void>;
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** The ARN of a registered function, as a synthesized document would carry it. */
export function functionArn(name: string): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
}

/** Environment for the SDK inside the proxy: endpoint, region and dummy credentials. */
export function lambdaEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_LAMBDA: endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'AKIDLOCALLAMBDA',
    AWS_SECRET_ACCESS_KEY: 'local-lambda-secret',
    // The tests run on Node 20; Lambda runs 22+. The SDK's end-of-support notice is noise here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** `my-fn`, `my-fn:alias`, `arn:aws:lambda:r:a:function:my-fn[:alias]` → `my-fn`. */
function baseName(functionName: string): string {
  const m = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(functionName);
  if (m) { return m[1]; }
  return functionName.split(':')[0];
}

function send(res: http.ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (res.destroyed) { return; }
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(body);
}

export async function startLocalLambda(): Promise<LocalLambda> {
  const handlers = new Map<string, LocalHandler>();
  const invocations: Invocation[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
      if (req.method !== 'POST' || !m) {
        send(res, 404, { 'x-amzn-ErrorType': 'UnknownOperationException' }, JSON.stringify({ Type: 'User', Message: 'Unknown operation' }));
        return;
      }
      const functionName = decodeURIComponent(m[1]);
      const handler = handlers.get(baseName(functionName));
      if (!handler) {
        send(res, 404, { 'x-amzn-ErrorType': 'ResourceNotFoundException' },
          JSON.stringify({ Type: 'User', Message: `Function not found: ${functionArn(baseName(functionName))}` }));
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
      invocations.push({ functionName, invocationType, event });
      Promise.resolve()
        .then(() => handler(event))
        .then(
          result => send(res, 200, { 'X-Amz-Executed-Version': '$LATEST' }, result === undefined ? 'null' : JSON.stringify(result)),
          (err: unknown) => {
            const e = err instanceof Error ? err : new Error(String(err));
            send(res, 200, { 'X-Amz-Executed-Version': '$LATEST', 'X-Amz-Function-Error': 'Unhandled' },
              JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: [] }));
          },
        );
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    invocations,
    register(name, handler) { handlers.set(baseName(name), handler); },
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
