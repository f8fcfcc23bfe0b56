/**
 * Shared pieces of the benchmarks: statistics, the machine description, child processes and the
 * result shape every measurement returns to bench/run.ts.
 *
 * Nothing here asserts: a measurement reports numbers and PASS/MISS against its goal, and the
 * process never fails on a miss.
 */
import { spawn, SpawnOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..');
/** Scratch space (gitignored through test/.work/). */
export const WORK = path.join(ROOT, 'test', '.work', 'bench');

/** One goal of the issue, judged against a measured value. */
export interface Goal {
  readonly name: string;
  /** The goal as text, e.g. "<= 1.2x". */
  readonly target: string;
  /** The measured value as text. */
  readonly actual: string;
  /** undefined: could not be measured. */
  readonly met: boolean | undefined;
}

/** What a measurement hands back: one or more tables, its goals and notes. */
export interface Section {
  readonly title: string;
  readonly tables: Table[];
  readonly goals: Goal[];
  readonly notes: string[];
  /** Extra markdown (e.g. a profile summary), shown after the tables. */
  readonly extra?: string;
}

export interface Table {
  readonly caption?: string;
  readonly columns: string[];
  readonly rows: string[][];
}

/** Inputs shared by the measurements. */
export interface BenchContext {
  /** A synthesized proxy asset folder (index.js + config.json), see bench/fixture.ts. */
  readonly fixture?: FixtureInfo;
  /** Set when the fixture could not be built. */
  readonly fixtureError?: string;
  /** Port of the keep-alive backend on 127.0.0.1. */
  readonly backendPort?: number;
  /** BENCH_QUICK=1: fewer iterations, for trying the harness out. */
  readonly quick: boolean;
}

export interface FixtureInfo {
  /** cdk.out of the fixture app. */
  readonly outdir: string;
  /** The proxy function's asset folder inside outdir. */
  readonly proxyAsset: string;
  /** Every asset folder of the fixture that holds an index.js, by folder. */
  readonly handlerAssets: string[];
  /** Path the event must carry to reach the HTTP API (`/items/{id}`). */
  readonly httpPath: string;
  /** Number of APIs in the fixture's group. */
  readonly apiCount: number;
  /** The bundled authorizer's asset folder (index.js + the same config.json), and what it checks. */
  readonly authorizer?: FixtureAuthorizer;
}

/** The authenticated APIs of the fixture (bench/fixture.ts) and what the authorizer measurement needs to call them. */
export interface FixtureAuthorizer {
  readonly asset: string;
  /** Environment variables of the authorizer function whose values are known at synth time. */
  readonly env: Record<string, string>;
  /** App-authenticated twin of the HTTP API: same backend, same parameter (`/app/items/{id}`). */
  readonly appPath: string;
  /** Custom-authorizer API, result cached per identity value (`/custom/items/{id}`), for cache hits. */
  readonly customPath: string;
  /**
   * The same on a second custom authorizer with the same function and settings but its own cache
   * (`/custom-new/items/{id}`), for cache misses: so that misses never evict the hits' entries.
   */
  readonly customMissPath: string;
  /** An AppCode of the app authorised for appPath. */
  readonly appCode: string;
  /** Every app's secret: name → SecretString (served by the local Secrets Manager endpoint). */
  readonly secrets: Record<string, string>;
  /** Name of the custom authorizer's function (local Lambda endpoint), its identity header and cache TTL (s). */
  readonly functionName: string;
  readonly identityHeader: string;
  readonly ttlSeconds: number;
}

// ---------------------------------------------------------------- statistics

/** Median (mean of the two middle values for an even count); NaN for an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) { return NaN; }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank quantile (q in [0, 1]); NaN for an empty list. */
export function quantile(values: readonly number[] | Float64Array, q: number): number {
  if (values.length === 0) { return NaN; }
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export function ratio(a: number, b: number): number {
  return b === 0 ? NaN : a / b;
}

// ---------------------------------------------------------------- formatting

export function fmt(value: number, digits = 2): string {
  if (!Number.isFinite(value)) { return 'n/a'; }
  return value.toFixed(digits);
}

export function fmtInt(value: number): string {
  if (!Number.isFinite(value)) { return 'n/a'; }
  return Math.round(value).toLocaleString('en-US');
}

export function fmtRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a';
}

export function fmtBytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export function passMiss(met: boolean | undefined): string {
  return met === undefined ? 'N/A' : met ? 'PASS' : 'MISS';
}

export function markdownTable(table: Table): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `| ${table.columns.map(esc).join(' | ')} |`,
    `|${table.columns.map(() => '---').join('|')}|`,
    ...table.rows.map(r => `| ${r.map(esc).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function textTable(table: Table): string {
  const widths = table.columns.map((c, i) => Math.max(c.length, ...table.rows.map(r => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(table.columns), widths.map(w => '-'.repeat(w)).join('  '), ...table.rows.map(line)].join('\n');
}

/** A section that could not be measured: the error is the report. */
export function failedSection(title: string, err: unknown, goals: string[]): Section {
  const message = err instanceof Error ? err.message : String(err);
  return {
    title,
    tables: [],
    goals: goals.map(name => ({ name, target: '', actual: 'not measured', met: undefined })),
    notes: [`Not measured: ${message.split('\n').slice(0, 6).join(' / ')}`],
  };
}

// ---------------------------------------------------------------- machine

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memory: string;
  readonly node: string;
  readonly os: string;
  readonly date: string;
}

export function machineInfo(): MachineInfo {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) { cpu = m[1].trim(); }
  } catch { /* not Linux */ }
  let osName = `${os.type()} ${os.release()} ${os.arch()}`;
  try {
    const m = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'));
    if (m) { osName = `${m[1]} (${os.type()} ${os.release()}, ${os.arch()})`; }
  } catch { /* keep the generic name */ }
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return {
    cpu,
    cores,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os: osName,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

// ---------------------------------------------------------------- child processes

export interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion, collecting its output (bounded by a timeout). */
export function runProcess(command: string, args: string[], options: SpawnOptions & { timeoutMs?: number } = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-20_000); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); }, options.timeoutMs ?? 120_000);
    child.on('error', err => { clearTimeout(timer); reject(err); });
    child.on('close', code => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/**
 * Runs `bench/<file>` in a fresh Node process (through tsx) in the given role, passing `input`
 * and reading back the JSON it writes with `writeChildOutput`. The child's stdout goes to
 * /dev/null: the handler logs gateway errors with console.log, and writing them to a file is
 * the cheapest realistic sink.
 */
export async function runChild<T>(file: string, role: string, input: unknown, nodeArgs: string[] = [], timeoutMs = 120_000): Promise<T> {
  fs.mkdirSync(WORK, { recursive: true });
  const out = path.join(WORK, `child-${role}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const result = await runProcess(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(__dirname, file)], {
    cwd: ROOT,
    env: { ...process.env, BENCH_ROLE: role, BENCH_INPUT: JSON.stringify(input), BENCH_OUTPUT: out },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeoutMs,
  });
  try {
    if (result.code !== 0 || !fs.existsSync(out)) {
      throw new Error(`${file} (${role}) exited with ${result.code}: ${result.stderr.trim().split('\n').slice(-8).join('\n')}`);
    }
    return JSON.parse(fs.readFileSync(out, 'utf8')) as T;
  } finally {
    fs.rmSync(out, { force: true });
  }
}

/** In a child started by runChild: its role, or undefined when not a child. */
export function childRole(): string | undefined {
  return process.env.BENCH_ROLE;
}

export function childInput<T>(): T {
  return JSON.parse(process.env.BENCH_INPUT ?? '{}') as T;
}

export function writeChildOutput(value: unknown): void {
  fs.writeFileSync(process.env.BENCH_OUTPUT!, JSON.stringify(value));
}

/** Runs a child's main, reporting a failure on stderr with a non-zero exit code. */
export function childMain(main: () => Promise<unknown>): void {
  main().then(value => {
    writeChildOutput(value);
    process.exit(0);
  }, err => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  });
}

/**
 * Copies a handler folder to a fresh temp folder, so each require() starts from a new module path.
 * `parent` (default: the system temp folder) must be inside the repository for a handler that
 * requires `@aws-sdk/*` (provided by the Lambda runtime, here by the project's node_modules).
 */
export function freshCopy(folder: string, label: string, parent = os.tmpdir()): string {
  fs.mkdirSync(parent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(parent, `cdk-api-groups-bench-${label}-`));
  for (const name of fs.readdirSync(folder)) {
    const from = path.join(folder, name);
    if (fs.statSync(from).isFile()) { fs.copyFileSync(from, path.join(dir, name)); }
  }
  return dir;
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * On-CPU time of the calling thread in ms, from Linux's scheduler statistics (nanoseconds);
 * elsewhere the whole process's CPU time. Background threads (V8's JIT compilers, GC helpers)
 * are left out: they run beside the main thread, not in its way.
 */
export function mainThreadCpuMs(): number {
  try {
    return Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}
