/**
 * Measurement 2: rendering of gateway errors.
 *
 * The built handler (fresh copy of the synthesized asset folder) answers requests to unknown
 * paths: NOT_FOUND, no backend call, rendered with the fixture's custom body that uses eight
 * variables plus two rule headers. Sequential awaited calls on one thread, in-process.
 *
 * Every gateway error also writes one JSON log line with console.log; the child's stdout is
 * /dev/null (a file: synchronous writes, as Lambda's own log capture is), so the headline number
 * includes that. A second mode replaces console.log with a no-op to show rendering alone.
 * The two modes alternate, repetition by repetition.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import {
  BenchContext, childInput, childMain, childRole, fmtInt, fmtRatio, freshCopy, median, runChild, Section,
} from './common';
import { NOT_FOUND_BODY, overrideBundle } from './fixture';
import { restEvent } from './proxy';

const TITLE = '2. Rendering of gateway errors (NOT_FOUND, in-process)';
const GOAL = 200_000;

interface RenderInput {
  readonly proxyAsset: string;
  readonly quick: boolean;
}

/** One repetition: renders per second of wall-clock time and per second of CPU time. */
interface Rate {
  readonly wall: number;
  readonly cpu: number;
}

interface RenderOutput {
  readonly withLog: Rate[];
  readonly withoutLog: Rate[];
  readonly calls: number;
  readonly sample: { statusCode: number; body: string; headers: Record<string, string> };
  readonly bundleOverride?: string;
}

type Handler = (event: unknown, context?: unknown) => Promise<{ statusCode: number; body: string; headers: Record<string, string> }>;

async function child(input: RenderInput): Promise<RenderOutput> {
  const dir = freshCopy(input.proxyAsset, 'render');
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const bundleOverride = overrideBundle(dir);
  const handler = require(path.join(dir, 'index.js')).handler as Handler;
  const events = Array.from({ length: 1024 }, (_, n) => restEvent('GET', '/{proxy+}', `/no/such/path/${n}`,
    { proxy: `no/such/path/${n}` }, null, n));
  const sample = await handler(events[0]);

  const realLog = console.log;
  const silent = (): void => { /* no-op */ };
  const calls = input.quick ? 40_000 : 100_000;
  const run = async (count: number): Promise<Rate> => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < count; i++) { await handler(events[i & 1023]); }
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return { wall: count / (wallMs / 1000), cpu: count / ((used.user + used.system) / 1e6) };
  };
  const gc = (globalThis as { gc?: () => void }).gc;
  await run(input.quick ? 10_000 : 50_000); // warm-up
  const withLog: Rate[] = [];
  const withoutLog: Rate[] = [];
  const reps = input.quick ? 2 : 6;
  for (let rep = 0; rep < reps; rep++) {
    for (const logging of rep % 2 === 0 ? [true, false] : [false, true]) {
      console.log = logging ? realLog : silent;
      gc?.();
      (logging ? withLog : withoutLog).push(await run(calls));
    }
  }
  console.log = realLog;
  return { withLog, withoutLog, calls, sample, bundleOverride };
}

export async function measure(ctx: BenchContext): Promise<Section> {
  if (!ctx.fixture) { throw new Error(ctx.fixtureError ?? 'no fixture'); }
  const out = await runChild<RenderOutput>('render.ts', 'render',
    { proxyAsset: ctx.fixture.proxyAsset, quick: ctx.quick } satisfies RenderInput, ['--expose-gc'], 300_000);
  const rates = (list: Rate[], f: (r: Rate) => number) => median(list.map(f));
  const cpuWithLog = rates(out.withLog, r => r.cpu);
  const notes: string[] = [];
  if (out.sample.statusCode !== 404) {
    notes.push(`The handler answered ${out.sample.statusCode}, not 404: it did not render the NOT_FOUND rule (${out.sample.body.slice(0, 200)}).`);
  }
  if (out.bundleOverride) { notes.push(`BENCH_PROXY_BUNDLE=${out.bundleOverride} replaced the synthesized index.js.`); }
  notes.push(`Body template: \`${NOT_FOUND_BODY}\`, plus headers X-Error-Code: $context.error.code and Cache-Control. `
    + `Sample answer: ${out.sample.statusCode} \`${out.sample.body}\`.`);
  notes.push(`${fmtInt(out.calls)} sequential awaited handler calls per repetition, ${out.withLog.length} repetitions per mode, `
    + 'modes alternating; medians shown. "per CPU-second" divides by the process\'s CPU time (user + system, all its threads, '
    + 'so GC helpers count): that is the rate one core sustains, and it is what the goal is judged on because wall-clock rates '
    + 'on a shared 2-core machine drop whenever another process takes the core. Wall-clock repetitions: with log '
    + `${out.withLog.map(r => fmtInt(r.wall)).join(', ')}; stubbed ${out.withoutLog.map(r => fmtInt(r.wall)).join(', ')}.`);
  const row = (label: string, list: Rate[]) => {
    const cpu = rates(list, r => r.cpu);
    const wall = rates(list, r => r.wall);
    return [label, fmtInt(cpu), (1e6 / cpu).toFixed(2), fmtInt(wall), fmtInt(Math.max(...list.map(r => r.wall))), fmtRatio(cpu / GOAL)];
  };
  return {
    title: TITLE,
    tables: [{
      columns: ['mode', 'renders per CPU-second', 'CPU µs per render', 'renders/s wall-clock', 'best repetition, wall', 'CPU rate vs goal'],
      rows: [
        row('handler as shipped (log line to /dev/null)', out.withLog),
        row('console.log stubbed (rendering alone)', out.withoutLog),
      ],
    }],
    goals: [{
      name: 'NOT_FOUND renders per second on one core (handler as shipped, per CPU-second)',
      target: `>= ${fmtInt(GOAL)}/s`,
      actual: `${fmtInt(cpuWithLog)}/s (wall-clock ${fmtInt(rates(out.withLog, r => r.wall))}/s)`,
      met: Number.isFinite(cpuWithLog) ? cpuWithLog >= GOAL : undefined,
    }],
    notes,
  };
}

if (childRole() === 'render') {
  childMain(() => child(childInput<RenderInput>()));
}
