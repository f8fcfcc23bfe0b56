/**
 * One instance of a Lambda function, in its own process (started by lambda-runner.ts with the
 * function's environment): loads the handler the way the Node.js runtime does, then runs one
 * event at a time as the parent sends them over IPC, and answers with the result as JSON text
 * or the error, plus the lines the invocation wrote to stdout/stderr.
 *
 * Environment: LAMBDA_TASK_ROOT (the asset folder), _HANDLER (`file.export`, the file possibly
 * in a subfolder, the export possibly nested), AWS_LAMBDA_FUNCTION_NAME, ... as in Lambda.
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';

interface InvokeMessage {
  readonly type: 'invoke';
  readonly id: number;
  /** The event as JSON text. */
  readonly event: string;
  readonly requestId: string;
  /** Epoch ms at which the invocation times out. */
  readonly deadline: number;
}

interface LambdaError {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

type Handler = (event: unknown, context: unknown, callback: (err?: unknown, result?: unknown) => void) => unknown;

const MAX_LOG_LINES = 50;
const RESPONSE_LIMIT = 6_291_456;

function lambdaError(errorType: string, errorMessage: string): Error {
  const err = new Error(errorMessage);
  err.name = errorType;
  return err;
}

function toLambdaError(err: unknown): LambdaError {
  if (err instanceof Error) {
    // The handler's frames, not this worker's.
    const trace = typeof err.stack === 'string'
      ? err.stack.split('\n').slice(1).map(l => l.trim()).filter(l => l !== '' && !l.includes(__filename) && !l.includes('node:internal')).slice(0, 10)
      : [];
    return { errorType: err.name || 'Error', errorMessage: err.message, trace };
  }
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

/** `src/index.handler` → module `src/index`, export path `handler`; `index.a.b` → `index`, `a.b`. */
function splitHandler(handler: string): { module: string; exportPath: string[] } {
  const slash = handler.lastIndexOf('/');
  const base = handler.slice(slash + 1);
  const dot = base.indexOf('.');
  if (dot <= 0 || dot === base.length - 1) {
    throw lambdaError('Runtime.MalformedHandlerName', `Bad handler ${handler}: missing module or function name`);
  }
  return { module: handler.slice(0, slash + 1) + base.slice(0, dot), exportPath: base.slice(dot + 1).split('.') };
}

function isEsmPackage(dir: string, root: string): boolean {
  let current = dir;
  for (;;) {
    const file = path.join(current, 'package.json');
    if (fs.existsSync(file)) {
      try { return JSON.parse(fs.readFileSync(file, 'utf8')).type === 'module'; } catch { return false; }
    }
    if (current === root || path.dirname(current) === current) { return false; }
    current = path.dirname(current);
  }
}

async function loadHandler(root: string, setting: string): Promise<Handler> {
  const { module, exportPath } = splitHandler(setting);
  const base = path.resolve(root, module);
  const file = ['.js', '.mjs', '.cjs'].map(ext => base + ext).find(f => fs.existsSync(f));
  if (!file) { throw lambdaError('Runtime.ImportModuleError', `Error: Cannot find module '${module}'`); }
  let mod: Record<string, unknown>;
  try {
    const esm = file.endsWith('.mjs') || (file.endsWith('.js') && isEsmPackage(path.dirname(file), root));
    mod = esm ? await import(pathToFileURL(file).href) : require(file);
  } catch (err) {
    const e = toLambdaError(err);
    throw lambdaError('Runtime.ImportModuleError', `${e.errorType}: ${e.errorMessage}`);
  }
  let value: unknown = mod;
  for (const key of exportPath) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (typeof value !== 'function') { throw lambdaError('Runtime.HandlerNotFound', `${setting} is undefined or not exported`); }
  return value as Handler;
}

// Lines written during the current invocation, returned with its result (the parent reads the
// bundled proxy's own log lines from them); everything is still written through.
let captured: string[] | undefined;
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (captured && captured.length < MAX_LOG_LINES) {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
      for (const line of text.split('\n')) { if (line !== '' && captured.length < MAX_LOG_LINES) { captured.push(line); } }
    }
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const handlerSetting = process.env._HANDLER ?? 'index.handler';
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'function';
const handlerReady: Promise<Handler> = loadHandler(root, handlerSetting);
handlerReady.catch(() => { /* reported on every invocation */ });

function contextFor(message: InvokeMessage): Record<string, unknown> {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    invokedFunctionArn: process.env.LOCAL_LAMBDA_FUNCTION_ARN ?? functionName,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '128',
    awsRequestId: message.requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME ?? `/aws/lambda/${functionName}`,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? 'local',
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    done: () => undefined,
    succeed: () => undefined,
    fail: () => undefined,
  };
}

async function invoke(message: InvokeMessage): Promise<string> {
  const handler = await handlerReady;
  const event = JSON.parse(message.event);
  const result = await new Promise<unknown>((resolve, reject) => {
    const callback = (err?: unknown, value?: unknown) => (err !== undefined && err !== null ? reject(err) : resolve(value));
    let returned: unknown;
    try {
      returned = handler(event, contextFor(message), callback);
    } catch (err) {
      reject(err);
      return;
    }
    if (returned !== null && typeof returned === 'object' && typeof (returned as PromiseLike<unknown>).then === 'function') {
      (returned as PromiseLike<unknown>).then(resolve, reject);
    } else if (handler.length < 3) {
      resolve(returned);
    }
  });
  const json = JSON.stringify(result);
  const text = json === undefined ? 'null' : json;
  if (Buffer.byteLength(text, 'utf8') > RESPONSE_LIMIT) {
    throw lambdaError('Function.ResponseSizeTooLarge', `Response payload size exceeded maximum allowed payload size (${RESPONSE_LIMIT} bytes).`);
  }
  return text;
}

/**
 * What Lambda's Node.js runtime writes to the function's log when a handler throws or rejects, and
 * `sam local` shows: one line with the request id, `ERROR`, `Invoke Error` and the error as JSON with
 * its message and stack, so that the error is seen where it happened (the caller only learns
 * `X-Amz-Function-Error: Unhandled`).
 *   2026-03-01T12:00:00.000Z  <request id>  ERROR  Invoke Error  {"errorType":"TypeError","errorMessage":"boom","stack":["TypeError: boom","    at ..."]}
 */
function logInvokeError(requestId: string, err: unknown, error: LambdaError): void {
  if (error.errorType.startsWith('Runtime.') || error.errorType === 'Function.ResponseSizeTooLarge') {
    process.stderr.write(`${new Date().toISOString()}\t${requestId}\tERROR\t${JSON.stringify(error)}\n`);
    return;
  }
  const stack = err instanceof Error ? [`${error.errorType}: ${error.errorMessage}`, ...error.trace.map(l => `    ${l}`)] : [];
  const entry = { errorType: error.errorType, errorMessage: error.errorMessage, stack };
  process.stderr.write(`${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(entry)}\n`);
}

process.on('message', (message: InvokeMessage) => {
  if (message?.type !== 'invoke') { return; }
  captured = [];
  invoke(message).then(
    payload => {
      const logs = captured ?? [];
      captured = undefined;
      process.send?.({ type: 'result', id: message.id, payload, logs });
    },
    (err: unknown) => {
      const error = toLambdaError(err);
      logInvokeError(message.requestId, err, error);
      const logs = captured ?? [];
      captured = undefined;
      process.send?.({ type: 'error', id: message.id, error, logs });
    },
  );
});
// The gateway stops its instances itself (Ctrl-C reaches the whole process group): an instance
// ends when the gateway ends it or goes away.
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
process.send?.({ type: 'ready' });
