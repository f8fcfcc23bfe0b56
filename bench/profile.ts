/**
 * CPU profiles for the benchmarks that miss a goal: record with the inspector over exactly the
 * code under test, then summarise self time, time by area (package or library file) and the
 * inclusive time of chosen functions, as markdown.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fmt, ROOT } from './common';

type Post = (method: string, params?: object) => Promise<unknown>;

/** Starts the V8 sampling profiler in this process; the returned function stops it and writes the profile. */
export async function startProfiler(intervalUs = 100): Promise<(file: string) => Promise<void>> {
  const inspector = await import('inspector');
  const session = new inspector.Session();
  session.connect();
  const post: Post = (method, params) => new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result)));
  });
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: intervalUs });
  await post('Profiler.start');
  return async (file: string) => {
    const { profile } = await post('Profiler.stop') as { profile: unknown };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

function fileOf(url: string): string {
  return url.replace(/^file:\/\//, '');
}

/** Names code outside the repository (e.g. a bundle in a temp folder): its area and its location. */
export type Locator = (file: string, line: number) => { area: string; where: string } | undefined;

/** Where a frame's code lives, for the per-area breakdown. */
function area(frame: CallFrame, locate?: Locator): string {
  if (frame.url === '') { return frame.functionName.startsWith('(') ? frame.functionName : '(native)'; }
  const file = fileOf(frame.url);
  const located = locate?.(file, frame.lineNumber + 1);
  if (located) { return located.area; }
  if (file.startsWith(path.join(ROOT, 'lib') + path.sep)) { return `cdk-api-groups ${path.relative(ROOT, file)}`; }
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?:([^/]+)\/)?/.exec(file);
  if (m) { return m[1] === 'aws-cdk-lib' && m[2] ? `aws-cdk-lib/${m[2]}` : m[1]; }
  if (file.startsWith('node:')) { return 'node internals'; }
  return path.relative(ROOT, file);
}

function frameName(frame: CallFrame, locate?: Locator): string {
  const file = fileOf(frame.url);
  // TypeScript loaded through tsx runs as transformed code: its line numbers mean nothing in the source.
  let short = file.endsWith('.ts') ? path.relative(ROOT, file) : `${path.relative(ROOT, file)}:${frame.lineNumber + 1}`;
  if (file.includes('node_modules/')) { short = `${file.slice(file.lastIndexOf('node_modules/') + 13)}:${frame.lineNumber + 1}`; }
  const located = file ? locate?.(file, frame.lineNumber + 1) : undefined;
  if (located) { short = located.where; }
  return `${frame.functionName || '(anonymous)'}${file ? ` ${short}` : ''}`;
}

export interface ProfileSummary {
  /** Sampled (non-idle) time. */
  readonly totalMs: number;
  readonly areas: Map<string, number>;
  readonly self: Map<string, number>;
  readonly inclusive: Map<string, number>;
}

/** @param locate names code outside the repository (e.g. a handler copied to a temp folder) */
export function summariseProfile(file: string, locate?: Locator): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) { for (const c of n.children ?? []) { parent.set(c, n.id); } }
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // timeDeltas[i] is the time before sample i; the next delta is the time attributed to it.
    const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]);
    if (!node || node.callFrame.functionName === '(idle)') { continue; }
    total += ms;
    add(self, frameName(node.callFrame, locate), ms);
    add(areas, area(node.callFrame, locate), ms);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      if (frame.functionName === '(root)') { break; }
      const key = frameName(frame, locate);
      if (!seen.has(key)) { seen.add(key); add(inclusive, key, ms); }
    }
  }
  return { totalMs: total, areas, self, inclusive };
}

export function top(map: Map<string, number>, n: number, filter: (key: string) => boolean = () => true): Array<[string, number]> {
  return [...map.entries()].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, n);
}

/** "123 ms (12%)", or per-unit when `per` is given ("4.1 µs/request (12%)"). */
export function share(ms: number, total: number, per?: { count: number; unit: string }): string {
  const pct = `${fmt((100 * ms) / total, 0)}%`;
  return per ? `${fmt((ms * 1000) / per.count, 1)} µs/${per.unit} (${pct})` : `${fmt(ms, 0)} ms (${pct})`;
}

/** A markdown table of rows from one or two profiles (second column optional). */
export function profileTable(heading: string, rows: Array<[string, number]>, total: number,
  other?: { label: string; map: Map<string, number>; total: number }, per?: { count: number; unit: string }, label = 'ours'): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const header = other ? `| ${heading} | ${label} | ${other.label} |\n|---|---|---|` : `| ${heading} | time |\n|---|---|`;
  const lines = rows.map(([k, ms]) => {
    const o = other ? ` ${other.map.has(k) ? share(other.map.get(k)!, other.total, per) : '-'} |` : '';
    return `| ${esc(k)} | ${share(ms, total, per)} |${o}`;
  });
  return [header, ...lines].join('\n');
}

/**
 * A locator for an esbuild bundle (not minified): esbuild marks each module's code with a
 * `// path/to/source.ts` comment line, so a bundle line maps back to its source file.
 */
export function bundleLocator(bundleFile: string, areaName: string): Locator {
  const starts: Array<[number, string]> = [];
  fs.readFileSync(bundleFile, 'utf8').split('\n').forEach((line, i) => {
    const m = /^\/\/ ((?:lib|node_modules|src)\/\S+\.[cm]?[jt]s)$/.exec(line);
    if (m) { starts.push([i + 1, m[1]]); }
  });
  const resolved = path.resolve(bundleFile);
  return (file, line) => {
    if (path.resolve(file) !== resolved) { return undefined; }
    let source = 'index.js';
    for (const [start, name] of starts) { if (start <= line) { source = name; } else { break; } }
    return { area: `${areaName}: ${source}`, where: `${source} (bundle line ${line})` };
  };
}
