/**
 * Lambda functions of a cloud assembly, run locally from their asset folders: each instance is
 * its own node process (worker.ts) with the function's environment, so module state,
 * environments and crashes are isolated as in Lambda, and its timeout is enforced by ending the
 * process. An instance runs one event at a time; concurrent invocations start more instances
 * (cold starts), up to a limit per function, beyond which they wait. Idle instances stay warm.
 *
 * Outcomes use the Lambda Invoke API's error names: a timeout is `Sandbox.Timedout` ("Task timed
 * out after N seconds"), a crash `Runtime.ExitError`; a function that cannot run here (another
 * runtime, inline code, a container image, no asset folder) answers
 * `function <id> (<runtime>) cannot run locally: only Node.js functions can`.
 */
import { ChildProcess, fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { functionBaseName } from './local-lambda';

export interface FunctionSpec {
  /** Logical id in the template. */
  readonly id: string;
  /** The function's name (its ARN's last part). */
  readonly name: string;
  readonly arn: string;
  /** `nodejs24.x`, `python3.13`, ... ('' when unknown). */
  readonly runtime: string;
  readonly handler: string;
  /** The asset folder (absolute), when the code is one. */
  readonly codeDir?: string;
  /** Why the function cannot run locally (set for other runtimes, inline code, images, missing assets). */
  readonly unsupported?: string;
  /** Environment.Variables, resolved. */
  readonly environment: Record<string, string>;
  readonly timeoutMs: number;
  readonly memoryMb: number;
}

export type InvokeOutcome =
  | { readonly ok: true; readonly payload: string; readonly logs: string[] }
  | { readonly ok: false; readonly errorType: string; readonly errorMessage: string; readonly trace: string[]; readonly logs: string[] };

export interface FunctionPoolOptions {
  /** Environment every instance gets (before the function's own): endpoints, region, credentials, NODE_PATH. */
  readonly baseEnv: Record<string, string>;
  /** Most instances per function. @default 10 */
  readonly maxInstances?: number;
  /** A line an instance wrote (stdout or stderr). */
  readonly onOutput?: (fn: FunctionSpec, line: string) => void;
  /** A function that cannot run was invoked (once per invocation). */
  readonly onUnsupported?: (fn: FunctionSpec, message: string) => void;
}

interface Pending {
  readonly resolve: (outcome: InvokeOutcome) => void;
  readonly timer: NodeJS.Timeout;
  readonly requestId: string;
}

interface Instance {
  readonly child: ChildProcess;
  busy?: Pending;
  exited: boolean;
}

interface Queued {
  readonly event: string;
  readonly requestId: string;
  readonly resolve: (outcome: InvokeOutcome) => void;
}

let invokeSequence = 0;

/** The worker's file, and how to run it: compiled JS, or the TypeScript source through tsx (tests). */
export function workerCommand(): { file: string; execArgv: string[] } {
  const js = path.join(__dirname, 'worker.js');
  if (__filename.endsWith('.js') && fs.existsSync(js)) { return { file: js, execArgv: [] }; }
  const ts = path.join(__dirname, 'worker.ts');
  return { file: ts, execArgv: ['--require', require.resolve('tsx/cjs')] };
}

/** The runtimes this pool can run: Node.js. */
export function isNodeRuntime(runtime: string): boolean {
  return /^nodejs/i.test(runtime);
}

class FunctionRunner {
  private readonly instances: Instance[] = [];
  private readonly queue: Queued[] = [];
  private closed = false;
  /** Instances (worker processes) started so far: none until the function is first invoked. */
  public started = 0;
  /** Invocations answered so far, and their durations rounded up to the millisecond as Lambda bills them. */
  public invocations = 0;
  public billedMs = 0;

  constructor(public readonly spec: FunctionSpec, private readonly options: FunctionPoolOptions) {}

  public invoke(event: string, requestId: string): Promise<InvokeOutcome> {
    if (this.spec.unsupported) {
      this.options.onUnsupported?.(this.spec, this.spec.unsupported);
      return Promise.resolve({ ok: false, errorType: 'Runtime.Unsupported', errorMessage: this.spec.unsupported, trace: [], logs: [] });
    }
    if (this.closed) {
      return Promise.resolve({ ok: false, errorType: 'Runtime.Stopped', errorMessage: 'the local gateway is stopping', trace: [], logs: [] });
    }
    return new Promise(resolve => {
      this.queue.push({ event, requestId, resolve });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let instance = this.instances.find(i => !i.busy && !i.exited);
      if (!instance) {
        if (this.instances.length >= (this.options.maxInstances ?? 10)) { return; }
        instance = this.start();
      }
      this.run(instance, this.queue.shift()!);
    }
  }

  private start(): Instance {
    this.started += 1;
    const { file, execArgv } = workerCommand();
    const spec = this.spec;
    const child = fork(file, [], {
      cwd: spec.codeDir,
      execArgv,
      env: {
        ...this.options.baseEnv,
        ...spec.environment,
        LAMBDA_TASK_ROOT: spec.codeDir ?? '',
        _HANDLER: spec.handler,
        AWS_LAMBDA_FUNCTION_NAME: spec.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
        AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
        LOCAL_LAMBDA_FUNCTION_ARN: spec.arn,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const instance: Instance = { child, exited: false };
    this.instances.push(instance);
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) { if (line !== '') { this.options.onOutput?.(spec, line); } }
      });
      stream?.on('end', () => { if (rest !== '') { this.options.onOutput?.(spec, rest); rest = ''; } });
    }
    child.on('message', (message: { type: string; payload?: string; error?: { errorType: string; errorMessage: string; trace: string[] }; logs?: string[] }) => {
      const pending = instance.busy;
      if (!pending || (message.type !== 'result' && message.type !== 'error')) { return; }
      clearTimeout(pending.timer);
      instance.busy = undefined;
      const logs = message.logs ?? [];
      pending.resolve(message.type === 'result'
        ? { ok: true, payload: message.payload ?? 'null', logs }
        : { ok: false, errorType: message.error?.errorType ?? 'Error', errorMessage: message.error?.errorMessage ?? '', trace: message.error?.trace ?? [], logs });
      this.dispatch();
    });
    const onGone = (how: string) => {
      if (instance.exited) { return; }
      instance.exited = true;
      this.instances.splice(this.instances.indexOf(instance), 1);
      const pending = instance.busy;
      if (pending) {
        clearTimeout(pending.timer);
        instance.busy = undefined;
        pending.resolve({
          ok: false,
          errorType: 'Runtime.ExitError',
          errorMessage: `RequestId: ${pending.requestId} Error: Runtime exited with error: ${how}`,
          trace: [],
          logs: [],
        });
      }
      this.dispatch();
    };
    child.on('exit', (code, signal) => onGone(signal ? `signal: ${signal}` : `exit status ${code}`));
    child.on('error', err => onGone(err.message));
    return instance;
  }

  private run(instance: Instance, queued: Queued): void {
    const timeoutMs = this.spec.timeoutMs;
    // The duration as Lambda bills it: from the handler's start to its answer, rounded up to the millisecond.
    const startedAt = performance.now();
    const job: Queued = {
      ...queued,
      resolve: outcome => {
        this.invocations += 1;
        this.billedMs += Math.ceil(performance.now() - startedAt);
        queued.resolve(outcome);
      },
    };
    const timer = setTimeout(() => {
      const pending = instance.busy;
      if (!pending) { return; }
      instance.busy = undefined;
      instance.exited = true;
      this.instances.splice(this.instances.indexOf(instance), 1);
      instance.child.kill('SIGKILL');
      pending.resolve({
        ok: false,
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${pending.requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
        trace: [],
        logs: [],
      });
      this.dispatch();
    }, timeoutMs);
    instance.busy = { resolve: job.resolve, timer, requestId: job.requestId };
    invokeSequence += 1;
    instance.child.send({ type: 'invoke', id: invokeSequence, event: job.event, requestId: job.requestId, deadline: Date.now() + timeoutMs });
  }

  public async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) {
      job.resolve({ ok: false, errorType: 'Runtime.Stopped', errorMessage: 'the local gateway is stopping', trace: [], logs: [] });
    }
    await Promise.all(this.instances.slice().map(instance => new Promise<void>(resolve => {
      if (instance.exited) { resolve(); return; }
      instance.child.once('exit', () => resolve());
      instance.child.kill('SIGKILL');
    })));
  }
}

/** The functions of the served stacks, invoked by name or ARN. */
export class FunctionPool {
  private readonly runners = new Map<string, FunctionRunner>();

  constructor(specs: readonly FunctionSpec[], options: FunctionPoolOptions) {
    for (const spec of specs) {
      const runner = new FunctionRunner(spec, options);
      this.runners.set(spec.name, runner);
      this.runners.set(spec.arn, runner);
    }
  }

  /** The function a name, ARN (possibly with a qualifier) or partial ARN designates. */
  public find(nameOrArn: string): FunctionSpec | undefined {
    return (this.runners.get(nameOrArn) ?? this.runners.get(functionBaseName(nameOrArn)))?.spec;
  }

  /** Invokes a function with an event (JSON text). */
  public invoke(nameOrArn: string, event: string, requestId: string): Promise<InvokeOutcome> {
    const runner = this.runners.get(nameOrArn) ?? this.runners.get(functionBaseName(nameOrArn));
    if (!runner) {
      return Promise.resolve({ ok: false, errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${nameOrArn}`, trace: [], logs: [] });
    }
    return runner.invoke(event, requestId);
  }

  /** Invocations and billed milliseconds of each function invoked so far (by logical id). */
  public functionUsage(): Array<{ readonly id: string; readonly invocations: number; readonly billedMs: number }> {
    return [...new Set(this.runners.values())].filter(r => r.invocations > 0)
      .map(r => ({ id: r.spec.id, invocations: r.invocations, billedMs: r.billedMs }));
  }

  /** Logical ids of the functions whose workers have been started (a worker starts on a function's first invocation). */
  public startedFunctions(): string[] {
    return [...new Set(this.runners.values())].filter(r => r.started > 0).map(r => r.spec.id);
  }

  public async close(): Promise<void> {
    await Promise.all([...new Set(this.runners.values())].map(r => r.close()));
  }
}
