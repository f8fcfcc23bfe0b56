/**
 * Measurement 3: bundle size of every handler in assets/<name>/index.js, and cold module-load
 * time: a fresh `node -e` child times `require(bundle)` (which includes loading and compiling the
 * group's config.json at module top level), side by side with requiring an empty module, spawn
 * after spawn alternately.
 *
 * Each handler is loaded from the fixture's synthesized asset folder holding the same bytes (so
 * with its real config.json); a handler the fixture does not use is loaded from a copy of
 * assets/<name>/ alone, and the table says so.
 */
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import {
  BenchContext, fmt, fmtBytes, Goal, median, passMiss, quantile, ROOT, runProcess, Section, Table,
} from './common';

const TITLE = '3. Bundle size and cold module load';
const SIZE_GOAL = 60 * 1024;
const LOAD_GOAL_MS = 15;

// Times require() of a file, or of a comma-separated list of built-in modules ("builtins:http,https"),
// wall-clock and CPU; prints on stderr, as the handler may log its configuration warnings on stdout. stdout and
// stderr are opened before the clock starts, as Lambda's runtime has its console ready before it loads a handler.
const TIMER = 'process.stdout.write(""); process.stderr.write(""); '
  + 'const a = process.argv[1]; const c0 = process.cpuUsage(); const t0 = process.hrtime.bigint(); '
  + 'if (a.startsWith("builtins:")) { for (const m of a.slice(9).split(",").filter(Boolean)) require(m); } else { require(a); } '
  + 'const t1 = process.hrtime.bigint(); const c = process.cpuUsage(c0); '
  + 'require("fs").writeSync(2, "\\n@@BENCH " + (Number(t1 - t0) / 1e6) + " " + ((c.user + c.system) / 1000) + "\\n");';

export interface LoadTime { readonly wallMs: number; readonly cpuMs: number }

export async function timeRequire(target: string): Promise<LoadTime> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_COMPILE_CACHE;
  const result = await runProcess(process.execPath, ['-e', TIMER, target], { cwd: os.tmpdir(), env, timeoutMs: 30_000 });
  const m = /@@BENCH ([\d.]+) ([\d.]+)/.exec(result.stderr);
  if (result.code !== 0 || !m) { throw new Error(`require(${target}) failed: ${result.stderr.trim().slice(-500)}`); }
  return { wallMs: Number(m[1]), cpuMs: Number(m[2]) };
}

/** Node built-in modules the bundle requires at its top level (all of its require calls, in fact). */
function builtinsOf(bundle: Buffer): string[] {
  const names = new Set<string>();
  for (const m of bundle.toString('utf8').matchAll(/require\(\s*["'](?:node:)?([a-z_/0-9]+)["']\s*\)/g)) {
    if (builtinModules.includes(m[1])) { names.add(m[1]); }
  }
  return [...names].sort();
}

interface Handler {
  readonly name: string;
  readonly bundle: Buffer;
  readonly loadFolder: string;
  readonly withConfig: boolean;
}

function findHandlers(ctx: BenchContext): Handler[] {
  const assets = path.join(ROOT, 'assets');
  const names = fs.existsSync(assets)
    ? fs.readdirSync(assets).filter(n => fs.existsSync(path.join(assets, n, 'index.js'))).sort()
    : [];
  return names.map(name => {
    const override = name === 'proxy' ? process.env.BENCH_PROXY_BUNDLE : undefined;
    const bundle = fs.readFileSync(override ?? path.join(assets, name, 'index.js'));
    const synthesized = (ctx.fixture?.handlerAssets ?? [])
      .find(dir => fs.readFileSync(path.join(dir, 'index.js')).equals(fs.readFileSync(path.join(assets, name, 'index.js'))));
    const loadFolder = fs.mkdtempSync(path.join(os.tmpdir(), `cdk-api-groups-bench-load-${name}-`));
    fs.writeFileSync(path.join(loadFolder, 'index.js'), bundle);
    if (synthesized) {
      for (const file of fs.readdirSync(synthesized)) {
        if (file !== 'index.js') { fs.copyFileSync(path.join(synthesized, file), path.join(loadFolder, file)); }
      }
    }
    return { name, bundle, loadFolder, withConfig: synthesized !== undefined && fs.existsSync(path.join(loadFolder, 'config.json')) };
  });
}

export async function measure(ctx: BenchContext): Promise<Section> {
  const handlers = findHandlers(ctx);
  if (handlers.length === 0) { throw new Error('no assets/*/index.js: run npm run bundle'); }
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-api-groups-bench-empty-'));
  fs.writeFileSync(path.join(empty, 'index.js'), 'exports.handler = async () => ({ statusCode: 200, body: "" });\n');
  const spawns = ctx.quick ? 7 : 15;

  const sizeRows: string[][] = [];
  const loadRows: string[][] = [];
  const goals: Goal[] = [];
  const notes: string[] = [];
  for (const h of handlers) {
    const size = h.bundle.length;
    const gzip = zlib.gzipSync(h.bundle, { level: 9 }).length;
    const config = h.withConfig ? fs.statSync(path.join(h.loadFolder, 'config.json')).size : 0;
    sizeRows.push([h.name, `${fmtBytes(size)} (${size.toLocaleString('en-US')} B)`, fmtBytes(gzip),
      h.withConfig ? fmtBytes(config) : '-', size <= SIZE_GOAL ? 'PASS' : 'MISS']);
    goals.push({ name: `bundle size, ${h.name}`, target: '<= 60 KB', actual: fmtBytes(size), met: size <= SIZE_GOAL });

    const builtins = builtinsOf(h.bundle);
    const targets = {
      empty: path.join(empty, 'index.js'),
      builtins: `builtins:${builtins.join(',')}`,
      bundle: path.join(h.loadFolder, 'index.js'),
    };
    const kinds = Object.keys(targets) as Array<keyof typeof targets>;
    const times = Object.fromEntries(kinds.map(k => [k, [] as LoadTime[]])) as Record<keyof typeof targets, LoadTime[]>;
    for (const k of kinds) { await timeRequire(targets[k]); } // page cache, node binary
    for (let i = 0; i < spawns; i++) {
      for (let j = 0; j < kinds.length; j++) {
        const k = kinds[(i + j) % kinds.length];
        times[k].push(await timeRequire(targets[k]));
      }
    }
    const wall = (k: keyof typeof targets) => median(times[k].map(t => t.wallMs));
    const cpu = (k: keyof typeof targets) => median(times[k].map(t => t.cpuMs));
    loadRows.push([h.name, h.withConfig ? `yes (fixture, ${ctx.fixture?.apiCount ?? '?'} APIs)` : 'no',
      `${fmt(wall('bundle'))} / ${fmt(cpu('bundle'))}`,
      `${fmt(Math.min(...times.bundle.map(t => t.wallMs)))} – ${fmt(quantile(times.bundle.map(t => t.wallMs), 0.9))}`,
      `${fmt(wall('empty'))} / ${fmt(cpu('empty'))}`, `${fmt(wall('builtins'))} / ${fmt(cpu('builtins'))}`,
      `${fmt(wall('bundle') - wall('empty'))} / ${fmt(cpu('bundle') - cpu('empty'))}`,
      `${fmt(wall('bundle') - wall('builtins'))} / ${fmt(cpu('bundle') - cpu('builtins'))}`,
      passMiss(wall('bundle') <= LOAD_GOAL_MS), passMiss(cpu('bundle') <= LOAD_GOAL_MS)]);
    goals.push({
      name: `cold require, ${h.name} (incl. config), wall-clock`,
      target: `<= ${LOAD_GOAL_MS} ms`,
      actual: `${fmt(wall('bundle'))} ms`,
      met: wall('bundle') <= LOAD_GOAL_MS,
    });
    goals.push({
      name: `cold require, ${h.name} (incl. config), CPU time`,
      target: `<= ${LOAD_GOAL_MS} ms`,
      actual: `${fmt(cpu('bundle'))} ms`,
      met: cpu('bundle') <= LOAD_GOAL_MS,
    });
    notes.push(`${h.name}: built-in modules it requires: ${builtins.join(', ') || 'none'} ("builtins" column: requiring just those).`);
    if (!h.withConfig) {
      notes.push(`${h.name}: the fixture has no asset folder with this bundle, so it was loaded without a config.json.`);
    }
    fs.rmSync(h.loadFolder, { recursive: true, force: true });
  }
  fs.rmSync(empty, { recursive: true, force: true });
  if (process.env.BENCH_PROXY_BUNDLE) { notes.push(`BENCH_PROXY_BUNDLE=${process.env.BENCH_PROXY_BUNDLE} replaced assets/proxy/index.js.`); }
  notes.push(`Load time: median of ${spawns} fresh \`node -e\` processes per module, the three kinds rotating; `
    + 'the time is around `require()` only (not Node start-up; stdout and stderr already open, as Lambda\'s runtime has '
    + 'them: the first log line of a process opening a piped stdout is no part of a handler\'s load). Cells read "wall / CPU" (ms): wall-clock is what a cold start '
    + 'waits; CPU time (user + system of the process) is nearly what wall-clock would be on an idle machine, and is much '
    + 'less disturbed by other processes on a shared one.');

  const tables: Table[] = [
    { caption: 'Sizes', columns: ['handler', 'index.js', 'gzip -9', 'config.json (fixture)', '<= 60 KB'], rows: sizeRows },
    {
      caption: 'Cold require (ms)',
      columns: ['handler', 'with config.json', 'bundle p50', 'bundle wall min – p90', 'empty module p50', 'its builtins p50',
        'bundle - empty', 'bundle - builtins', 'wall <= 15 ms', 'CPU <= 15 ms'],
      rows: loadRows,
    },
  ];
  return { title: TITLE, tables, goals, notes };
}
