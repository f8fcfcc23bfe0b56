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
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import {
  BenchContext, fmt, fmtBytes, Goal, median, quantile, ROOT, runProcess, Section, Table,
} from './common';

const TITLE = '3. Bundle size and cold module load';
const SIZE_GOAL = 60 * 1024;
const LOAD_GOAL_MS = 15;

// Prints the require time on stderr: the handler may log its configuration warnings on stdout.
const TIMER = 'const f = process.argv[1]; const t0 = process.hrtime.bigint(); require(f); '
  + 'const t1 = process.hrtime.bigint(); require("fs").writeSync(2, "\\n@@BENCH " + (Number(t1 - t0) / 1e6) + "\\n");';

async function timeRequire(file: string): Promise<number> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_COMPILE_CACHE;
  const result = await runProcess(process.execPath, ['-e', TIMER, file], { cwd: os.tmpdir(), env, timeoutMs: 30_000 });
  const m = /@@BENCH ([\d.]+)/.exec(result.stderr);
  if (result.code !== 0 || !m) { throw new Error(`require(${file}) failed: ${result.stderr.trim().slice(-500)}`); }
  return Number(m[1]);
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

    await timeRequire(path.join(empty, 'index.js')); // page cache, node binary
    await timeRequire(path.join(h.loadFolder, 'index.js'));
    const emptyTimes: number[] = [];
    const bundleTimes: number[] = [];
    for (let i = 0; i < spawns; i++) {
      if (i % 2 === 0) {
        emptyTimes.push(await timeRequire(path.join(empty, 'index.js')));
        bundleTimes.push(await timeRequire(path.join(h.loadFolder, 'index.js')));
      } else {
        bundleTimes.push(await timeRequire(path.join(h.loadFolder, 'index.js')));
        emptyTimes.push(await timeRequire(path.join(empty, 'index.js')));
      }
    }
    const b = median(bundleTimes);
    const e = median(emptyTimes);
    loadRows.push([h.name, h.withConfig ? 'yes (fixture, 61 APIs)' : 'no', fmt(b), fmt(quantile(bundleTimes, 0.9)),
      fmt(e), fmt(b - e), b <= LOAD_GOAL_MS ? 'PASS' : 'MISS']);
    goals.push({ name: `cold require, ${h.name} (incl. config)`, target: `<= ${LOAD_GOAL_MS} ms`, actual: `${fmt(b)} ms`, met: b <= LOAD_GOAL_MS });
    if (!h.withConfig) {
      notes.push(`${h.name}: the fixture has no asset folder with this bundle, so it was loaded without a config.json.`);
    }
    fs.rmSync(h.loadFolder, { recursive: true, force: true });
  }
  fs.rmSync(empty, { recursive: true, force: true });
  if (process.env.BENCH_PROXY_BUNDLE) { notes.push(`BENCH_PROXY_BUNDLE=${process.env.BENCH_PROXY_BUNDLE} replaced assets/proxy/index.js.`); }
  notes.push(`Load time: median of ${spawns} fresh \`node -e\` processes per module, alternating with the empty module; `
    + 'the time is around `require()` only (not Node start-up). "extra" = bundle - empty.');

  const tables: Table[] = [
    { caption: 'Sizes', columns: ['handler', 'index.js', 'gzip -9', 'config.json (fixture)', '<= 60 KB'], rows: sizeRows },
    {
      caption: 'Cold require (ms)',
      columns: ['handler', 'with config.json', 'bundle p50', 'bundle p90', 'empty module p50', 'extra', '<= 15 ms'],
      rows: loadRows,
    },
  ];
  return { title: TITLE, tables, goals, notes };
}
