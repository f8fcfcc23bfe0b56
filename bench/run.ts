/**
 * `npm run bench`: builds the library (npm script), then runs every measurement in one go,
 * prints the tables and rewrites BENCHMARKS.md with them and the machine they ran on.
 *
 * Environment:
 *   BENCH_ONLY=proxy,render,bundle,synth,authorizer,local,scale,cost  run a subset (BENCHMARKS.md is then left alone)
 *   BENCH_QUICK=1                          fewer iterations, to try the harness (BENCHMARKS.md left alone)
 *   BENCH_WRITE=1                          rewrite BENCHMARKS.md even for a subset or a quick run
 *   BENCH_PROFILE=1                        profile the 300-API synthesis even when its goal is met
 *
 * Never fails on a missed goal: it reports PASS / MISS. It exits non-zero only when the harness
 * itself breaks.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as authorizer from './authorizer';
import { RunningBackend, startBackend } from './backend';
import * as bundle from './bundle';
import * as cost from './cost';
import {
  BenchContext, failedSection, FixtureInfo, Goal, machineInfo, MachineInfo, markdownTable, passMiss, ROOT,
  Section, textTable, WORK,
} from './common';
import { buildFixture } from './fixture';
import * as local from './local';
import * as proxy from './proxy';
import * as render from './render';
import * as scale from './scale';
import * as synth from './synth';

interface Measurement {
  readonly id: string;
  readonly title: string;
  readonly goals: string[];
  /** Calls the keep-alive backend (which is stopped after the last such measurement). */
  readonly usesBackend?: boolean;
  measure(ctx: BenchContext): Promise<Section>;
}

const MEASUREMENTS: Measurement[] = [
  { id: 'proxy', title: '1. Proxy throughput and latency', goals: ['proxy p50 / minimal p50'], usesBackend: true, measure: proxy.measure },
  { id: 'render', title: '2. Rendering of gateway errors', goals: ['NOT_FOUND renders per second'], measure: render.measure },
  { id: 'bundle', title: '3. Bundle size and cold module load', goals: ['bundle size', 'cold require'], measure: bundle.measure },
  { id: 'synth', title: '4. Synthesis time', goals: ['ours / RestApi where it fits', 'ours / SpecRestApi', 'growth to 1000', 'issue-8 shape: ours / SpecRestApi twin (fresh processes)'], measure: synth.measure },
  { id: 'authorizer', title: '5. Authorizer latency and end-to-end cost', goals: [], usesBackend: true, measure: authorizer.measure },
  { id: 'local', title: '6. Local gateway over HTTP', goals: [], measure: local.measure },
  { id: 'scale', title: '7. Proxy and authorizer at 1000 APIs', goals: ['cold start and route match, 1000 / 10 APIs'], measure: scale.measure },
  { id: 'cost', title: '8. Requests per dollar', goals: [], measure: cost.measure },
];

function gitRevision(): string {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'lib', 'scripts', 'assets'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${rev} + uncommitted changes` : rev;
  } catch {
    return 'unknown';
  }
}

function loadAverage(): string {
  return os.loadavg().map(l => l.toFixed(2)).join(' / ');
}

/** Clock ticks: the whole machine's busy time (/proc/stat) and this process tree's CPU (/proc/self/stat). */
function ticks(): { busy: number; total: number; ours: number } | undefined {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const busy = cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + (cpu[7] ?? 0);
    const total = busy + cpu[3] + cpu[4];
    const self = fs.readFileSync('/proc/self/stat', 'utf8');
    const f = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number);
    // after the command: state(3) ... utime(14) stime(15) cutime(16) cstime(17), here 0-based from field 3
    const ours = f[11] + f[12] + f[13] + f[14];
    return { busy, total, ours };
  } catch {
    return undefined;
  }
}

/**
 * Measures how much of the machine other processes used during the run: every child of the
 * benchmark has exited (and been waited for) by the end, so this process tree's CPU is known.
 */
function watchMachine(): { stop(): number | undefined } {
  const start = ticks();
  return {
    stop: () => {
      const end = ticks();
      if (!start || !end || end.total === start.total) { return undefined; }
      const others = (end.busy - start.busy) - (end.ours - start.ours);
      return Math.max(0, others / (end.total - start.total));
    },
  };
}

/** Warns when other processes took a noticeable share of the machine. */
function busyWarning(othersShare: number | undefined): string | undefined {
  return othersShare !== undefined && othersShare > 0.15
    ? `The machine was busy: other processes used ${(othersShare * 100).toFixed(0)}% of its CPU capacity during the run. `
      + 'They competed with the measurements, so absolute figures are pessimistic and ratios noisier than usual: rerun on a '
      + 'quiet machine before acting on a result near its goal.'
    : undefined;
}

function printSection(section: Section, seconds: number): void {
  console.log(`\n=== ${section.title} (${seconds.toFixed(1)} s)`);
  for (const table of section.tables) {
    if (table.caption) { console.log(`\n${table.caption}`); }
    console.log(textTable(table));
  }
  for (const goal of section.goals) {
    console.log(`  ${passMiss(goal.met).padEnd(4)}  ${goal.name}: ${goal.actual} (goal ${goal.target})`);
  }
  for (const note of section.notes) { console.log(`  note: ${note}`); }
  if (section.extra) { console.log(`\n${section.extra}`); }
}

function markdown(machine: MachineInfo, revision: string, load: [string, string], othersShare: number | undefined,
  sections: Section[], seconds: number): string {
  const goals: Goal[] = sections.flatMap(s => s.goals);
  const busy = busyWarning(othersShare);
  const parts: string[] = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (bench/run.ts); do not edit by hand, rerun it. Every comparison below was measured '
      + 'side by side in one run on one machine: read the ratios, not the absolute times, which move with the machine.',
    '',
    '## How to run',
    '',
    '```sh',
    'npm run bench                 # build, measure everything (~2-3 min on 2 cores), rewrite this file',
    'BENCH_ONLY=proxy,render npm run bench   # a subset; this file is left alone (BENCH_WRITE=1 to write)',
    'BENCH_QUICK=1 npm run bench   # fewer iterations, to try the harness out',
    'BENCH_PROFILE=1 npm run bench # CPU-profile the proxy and the 300-API synthesis even when their goals are met',
    '```',
    '',
    'Goals are reported as PASS or MISS; a miss never fails the command. A missed goal of the proxy or of synthesis '
      + 'adds a CPU profile summary below its table; the `.cpuprofile` files stay on the machine that ran the benchmark, '
      + 'in `test/.work/bench/profiles/` (gitignored). Other scratch files go to `test/.work/bench/` and the system temp folder.',
    '',
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${machine.cpu} |`,
    `| cores | ${machine.cores} |`,
    `| memory | ${machine.memory} |`,
    `| Node.js | ${machine.node} |`,
    `| OS | ${machine.os} |`,
    `| date | ${machine.date} |`,
    `| revision | ${revision} |`,
    `| load average (1/5/15 min) at start / end | ${load[0]} — ${load[1]} |`,
    `| CPU used by other processes during the run | ${othersShare === undefined ? 'unknown' : `${(othersShare * 100).toFixed(0)}% of the machine`} |`,
    `| duration of the run | ${seconds.toFixed(0)} s |`,
    ...(process.env.BENCH_PROFILE === '1' ? ['| options | BENCH_PROFILE=1 (profiles shown whether or not goals are met) |'] : []),
    '',
    ...(busy ? [`> **Warning.** ${busy}`, ''] : []),
    '## Goals',
    '',
    '| goal | target | measured | result |',
    '|---|---|---|---|',
    ...goals.map(g => `| ${g.name} | ${g.target} | ${g.actual} | ${passMiss(g.met)} |`),
    '',
  ];
  for (const s of sections) {
    parts.push(`## ${s.title}`, '');
    for (const t of s.tables) {
      if (t.caption) { parts.push(`${t.caption}:`, ''); }
      parts.push(markdownTable(t), '');
    }
    for (const note of s.notes) { parts.push(`- ${note}`); }
    if (s.notes.length > 0) { parts.push(''); }
    if (s.extra) { parts.push(s.extra, ''); }
  }
  parts.push(
    '## Method and noise',
    '',
    '- **One run, side by side.** Each comparison is made within a single run: contenders alternate (the proxy and '
      + 'authorizer benchmarks rotate their order over 8 rounds; rendering alternates its two modes; cold loads rotate bundle, its '
      + 'built-in modules and an empty module; synthesis alternates sides run after run), so slow phases of the machine '
      + 'spread over all of them.',
    '- **Proxy.** The built handler is `require`d from a fresh copy of the synthesized asset folder (index.js + '
      + 'config.json), as Lambda does, and called in-process; API Gateway and Lambda themselves are not part of the '
      + 'measurement. The backend runs in its own process on 127.0.0.1 with keep-alive; every contender has its own '
      + 'keep-alive agent. Warm-up first; a fixed request count per contender; `gc()` before every chunk. p99 on a '
      + 'shared 2-core machine mostly measures scheduling of the other processes, so it is noisy. The CPU time per request '
      + '(of the calling process) is the least disturbed figure and shows whether a latency gap is the code\'s own cost.',
    '- **Authorizer.** The built authorizer and proxy are `require`d from fresh copies of their synthesized asset folders '
      + '(the same config.json) and called in-process, one request at a time, as a Lambda instance handles events; their AWS '
      + 'SDK clients reach local endpoints speaking the Secrets Manager and Lambda Invoke protocols, in their own process '
      + '(bench/services.ts, built on the test suite\'s endpoints). The chain does API Gateway\'s part (the authorizer\'s '
      + 'context becomes the proxy event\'s `requestContext.authorizer`) in-process. No goals: measurements only.',
    '- **Rendering.** One thread, sequential awaited calls, so the figure includes the promise round trip of an async '
      + 'handler; the log line the proxy writes for every gateway error goes to /dev/null (synchronous file writes). '
      + 'Judged per CPU-second (the rate one core sustains); wall-clock rates are shown beside it.',
    '- **Cold load.** Time around `require()` in a fresh `node -e` process, without Node start-up; the empty module '
      + 'shows the fixed cost of `require` itself, and requiring only the bundle\'s built-in modules (http, https...) '
      + 'shows how much of the load is Node\'s own (every built-in it may require: the proxy loads http, https and net only '
      + 'for the first HTTP backend call or IP rule, and crypto only when it first hashes). Lambda adds its runtime start-up on '
      + 'top of all of them; where that start-up has loaded a module already (its console, maybe http), the handler does not pay for it.',
    '- **Synthesis.** One fresh process per sample, so each includes cold JIT, as `cdk synth` does; module loading '
      + 'is timed separately and not compared. The CloudFormation validator is off on every side, except in the issue-8 shape '
      + 'against its SpecRestApi twin, which runs with default App settings (validator on) as users have them. Judged on the main '
      + 'thread\'s on-CPU time in each phase; wall-clock is shown beside it.',
    '- **Scale.** The proxy and authorizer of a 1000-API group of issue 8\'s shape against those of its first 10 APIs: '
      + 'cold start (`require`, which loads config.json and routes.tsv, then the first request answered) in fresh processes, '
      + 'judged on the median of paired rounds (each round loads both sizes moments apart), and the proxy\'s router in-process.',
    '- **Noise.** The machine has 2 cores and is shared (other builds and test runs may run at the same time; see the '
      + 'load average above). Expect ±10% run to run on ratios near a goal; rerun before acting on a marginal PASS or MISS.',
    '',
  );
  return parts.join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const machine = machineInfo();
  const revision = gitRevision();
  const loadStart = loadAverage();
  const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map(s => s.trim())) : undefined;
  const quick = process.env.BENCH_QUICK === '1';
  const selected = MEASUREMENTS.filter(m => !only || only.has(m.id));
  fs.mkdirSync(WORK, { recursive: true });

  console.log(`cdk-api-groups benchmarks — ${machine.cpu}, ${machine.cores} cores, ${machine.memory}, Node ${machine.node}, ${machine.os}`);
  console.log(`revision ${revision}, ${machine.date}, load average ${loadStart}${quick ? ', QUICK mode' : ''}`);
  const bundleFile = path.join(ROOT, 'assets', 'proxy', 'index.js');
  if (!fs.existsSync(bundleFile)) {
    console.log(`warning: ${bundleFile} is missing: build the library first (npm run bundle)`);
  } else if (fs.statSync(bundleFile).size < 1024) {
    console.log(`warning: ${bundleFile} is only ${fs.statSync(bundleFile).size} bytes: it looks like a placeholder, not the bundled proxy`);
  }

  let backend: RunningBackend | undefined;
  let fixture: FixtureInfo | undefined;
  let fixtureError: string | undefined;
  const needsFixture = selected.some(m => m.id !== 'synth' && m.id !== 'local');
  if (needsFixture) {
    try {
      backend = await startBackend();
      fixture = await buildFixture(backend.port);
    } catch (err) {
      fixtureError = `the fixture could not be built: ${err instanceof Error ? err.message : String(err)}`;
      console.log(`warning: ${fixtureError}`);
    }
  }
  const ctx: BenchContext = { fixture, fixtureError, backendPort: backend?.port, quick };

  const machineUse = watchMachine();
  const sections: Section[] = [];
  try {
    for (const m of selected) {
      const t0 = Date.now();
      let section: Section;
      try {
        section = await m.measure(ctx);
      } catch (err) {
        section = failedSection(m.title, err, m.goals);
      }
      sections.push(section);
      printSection(section, (Date.now() - t0) / 1000);
      // The backend idles (no CPU) until the last measurement that calls it.
      if (backend && !selected.slice(selected.indexOf(m) + 1).some(next => next.usesBackend)) { await backend.stop(); backend = undefined; }
    }
  } finally {
    await backend?.stop();
    if (fixture) { fs.rmSync(fixture.outdir, { recursive: true, force: true }); }
  }

  const seconds = (Date.now() - started) / 1000;
  const othersShare = machineUse.stop();
  const goals = sections.flatMap(s => s.goals);
  console.log('\n=== Goals');
  for (const g of goals) { console.log(`  ${passMiss(g.met).padEnd(4)}  ${g.name}: ${g.actual} (goal ${g.target})`); }
  console.log(`\n${goals.filter(g => g.met === true).length} met, ${goals.filter(g => g.met === false).length} missed, `
    + `${goals.filter(g => g.met === undefined).length} not measured; ${seconds.toFixed(0)} s; load average now ${loadAverage()}; `
    + `other processes used ${othersShare === undefined ? 'an unknown share' : `${(othersShare * 100).toFixed(0)}%`} of the machine`);
  const busy = busyWarning(othersShare);
  if (busy) { console.log(`WARNING: ${busy}`); }

  if ((only || quick) && process.env.BENCH_WRITE !== '1') {
    console.log('BENCHMARKS.md left alone (subset or quick run; BENCH_WRITE=1 to write it anyway)');
    return;
  }
  fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), markdown(machine, revision, [loadStart, loadAverage()], othersShare, sections, seconds));
  console.log('BENCHMARKS.md written');
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
