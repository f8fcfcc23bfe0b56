/**
 * Measurement 1: proxy throughput and latency.
 *
 * Three contenders against the same keep-alive backend on 127.0.0.1 (bench/backend.ts, its own
 * process), in one process, with the same events and the same request counts:
 *
 * - proxy:   the BUILT handler, loaded the way Lambda loads it (`require(dir + '/index.js').handler`
 *            from a fresh copy of the synthesized asset folder, with its config.json), called
 *            in-process with API Gateway REST proxy events;
 * - minimal: a hand-written proxy (same event in, same result shape out, http + keep-alive agent);
 * - direct:  a plain keep-alive HTTP request to the backend, the floor.
 *
 * Runs are split into rounds and the order of the contenders rotates each round, so drift on a
 * shared machine spreads over all of them. Goal: p50(proxy) within 1.2x of p50(minimal).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { performance } from 'perf_hooks';
import {
  BenchContext, childInput, childMain, childRole, fmt, fmtInt, fmtRatio, freshCopy, Goal, quantile,
  ratio, ROOT, runChild, Section, WORK,
} from './common';
import type { RestProxyEvent } from '../lib/local/events';
import { overrideBundle } from './fixture';
import { bundleLocator, profileTable, startProfiler, summariseProfile, top } from './profile';

const TITLE = '1. Proxy throughput and latency';
const GOAL_RATIO = 1.2;

interface ProxyInput {
  readonly port: number;
  readonly proxyAsset: string;
  readonly quick: boolean;
}

interface Stats {
  readonly contender: string;
  readonly concurrency: number;
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  /** CPU time of the calling process per request, µs (user + system, includes its socket I/O). */
  readonly cpuUs: number;
}

interface ProxyOutput {
  readonly stats: Stats[];
  readonly notes: string[];
  readonly bundleOverride?: string;
}

type Result = { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded: boolean };
type Contender = (event: RestEvent) => Promise<unknown>;

/** A REST proxy event, as API Gateway sends it (the local gateway's type). */
export type RestEvent = RestProxyEvent;

/** An API Gateway REST proxy event (payload 1.0) as API Gateway sends it for GET /items/{id}. */
export function restEvent(method: string, resource: string, reqPath: string, pathParameters: Record<string, string> | null,
  query: Record<string, string> | null, n: number): RestEvent {
  const requestId = `c6af9ac6-7b61-11e6-9a41-${n.toString(16).padStart(12, '0')}`;
  const headers: Record<string, string> = {
    'Accept': 'application/json',
    'Accept-Encoding': 'gzip, deflate, br',
    'CloudFront-Forwarded-Proto': 'https',
    'Host': 'abcdef1234.execute-api.eu-west-1.amazonaws.com',
    'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
    'X-Amzn-Trace-Id': `Root=1-5e6722a7-${n.toString(16).padStart(24, '0')}`,
    'X-Forwarded-For': '203.0.113.7, 198.51.100.20',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
    'Authorization': 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc',
  };
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) { multiValueHeaders[k] = [v]; }
  const multiQuery = query ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])) : null;
  return {
    resource,
    path: reqPath,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: query,
    multiValueQueryStringParameters: multiQuery,
    pathParameters,
    stageVariables: null,
    requestContext: {
      resourceId: 'abc123',
      resourcePath: resource,
      httpMethod: method,
      extendedRequestId: `ExtId${n}=`,
      requestTime: '21/Nov/2025:05:54:00 +0000',
      path: `/RELEASE${reqPath}`,
      accountId: '123456789012',
      protocol: 'HTTP/1.1',
      stage: 'RELEASE',
      domainPrefix: 'abcdef1234',
      requestTimeEpoch: 1763704440000 + n,
      requestId,
      identity: {
        cognitoIdentityPoolId: null, accountId: null, cognitoIdentityId: null, caller: null,
        sourceIp: '198.51.100.20', principalOrgId: null, accessKey: null, cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null, userArn: null, userAgent: headers['User-Agent'], user: null,
      },
      domainName: 'abcdef1234.execute-api.eu-west-1.amazonaws.com',
      apiId: 'abcdef1234',
    },
    body: null,
    isBase64Encoded: false,
  };
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'proxy-connection', 'te', 'trailer']);

/** The hand-written baseline: what a careful minimal Lambda proxy to one HTTP backend looks like. */
function minimalProxy(port: number): Contender {
  const agent = new http.Agent({ keepAlive: true });
  return (event: RestEvent) => new Promise<Result>(resolve => {
    const headers: Record<string, string> = {};
    for (const key of Object.keys(event.headers)) {
      if (key.toLowerCase() !== 'host') { headers[key] = event.headers[key]; }
    }
    const requestId = String(event.requestContext.requestId);
    headers['x-request-id'] = requestId;
    let target = `/items/${encodeURIComponent(event.pathParameters?.id ?? '')}`;
    if (event.queryStringParameters) { target += `?${new URLSearchParams(event.queryStringParameters).toString()}`; }
    const req = http.request({ host: '127.0.0.1', port, method: event.httpMethod, path: target, headers, agent }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (typeof v === 'string' && !HOP_BY_HOP.has(k)) { out[k] = v; }
        }
        out['X-Request-Id'] = requestId;
        resolve({ statusCode: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks).toString('utf8'), isBase64Encoded: false });
      });
      res.on('error', () => resolve({ statusCode: 502, headers: {}, body: '', isBase64Encoded: false }));
    });
    req.on('error', () => resolve({ statusCode: 502, headers: {}, body: '', isBase64Encoded: false }));
    req.end();
  });
}

/** The floor: the same request straight to the backend, body read, nothing else. */
function directClient(port: number): Contender {
  const agent = new http.Agent({ keepAlive: true });
  return (event: RestEvent) => new Promise<number>((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, method: 'GET', agent,
      path: `/items/${event.pathParameters?.id ?? ''}?view=full`,
      headers: { ...event.headers, 'x-request-id': String(event.requestContext.requestId) },
    }, res => {
      let size = 0;
      res.on('data', (c: Buffer) => { size += c.length; });
      res.on('end', () => resolve(size));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Runs `count` calls with `concurrency` in flight; writes latencies (ms) and returns the elapsed
 * wall time (ms) and the CPU time of this process (µs, user + system).
 */
export async function drive<E = RestEvent>(fn: (event: E) => Promise<unknown>, events: E[], count: number, concurrency: number,
  latencies: Float64Array, offset: number): Promise<{ ms: number; cpuUs: number }> {
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      await fn(events[i % events.length]);
      latencies[offset + i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuUs: used.user + used.system };
}

interface Setup {
  readonly contenders: Record<string, Contender>;
  readonly events: RestEvent[];
  readonly bundleFile: string;
  readonly notes: string[];
  readonly bundleOverride?: string;
}

/** Loads the built handler from a fresh copy of the asset folder and builds the three contenders. */
async function setup(input: ProxyInput, readableBuild = false): Promise<Setup> {
  const notes: string[] = [];
  const dir = freshCopy(input.proxyAsset, 'proxy');
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const bundleOverride = readableBuild ? buildReadable(path.join(dir, 'index.js')) : overrideBundle(dir);
  const bundleFile = path.join(dir, 'index.js');
  const handler = require(bundleFile).handler as (event: unknown, context?: unknown) => Promise<Result>;
  const lambdaContext = { getRemainingTimeInMillis: () => 30_000, awsRequestId: 'bench', functionName: 'bench' };

  const events = Array.from({ length: 512 }, (_, n) => restEvent('GET', '/items/{id}', `/items/${1000 + n}`,
    { id: String(1000 + n) }, { view: 'full' }, n));
  const contenders: Record<string, Contender> = {
    proxy: event => handler(event, lambdaContext),
    minimal: minimalProxy(input.port),
    direct: directClient(input.port),
  };

  // Same answer from both proxies, or the comparison means nothing.
  const fromProxy = await handler(events[0], lambdaContext);
  const fromMinimal = await contenders.minimal(events[0]) as Result;
  if (fromProxy.statusCode !== 200 || fromProxy.body !== fromMinimal.body) {
    notes.push(`The built proxy answered ${fromProxy.statusCode} (${fromProxy.body.slice(0, 160)}), the minimal one `
      + `${fromMinimal.statusCode}: the proxy did not reach the backend, so its numbers are not comparable.`);
  }
  return { contenders, events, bundleFile, notes, bundleOverride };
}

async function child(input: ProxyInput): Promise<ProxyOutput> {
  const { contenders, events, notes, bundleOverride } = await setup(input);
  const scenarios = input.quick ? [{ c: 1, n: 1_500 }, { c: 16, n: 3_000 }] : [{ c: 1, n: 8_000 }, { c: 16, n: 16_000 }];
  const rounds = 8;
  const names = Object.keys(contenders);
  const gc = (globalThis as { gc?: () => void }).gc;

  // Warm-up: JIT, sockets of every agent, the backend's own JIT.
  for (const name of names) {
    await drive(contenders[name], events, input.quick ? 500 : 2_000, 16, new Float64Array(2_000), 0);
    await drive(contenders[name], events, input.quick ? 200 : 500, 1, new Float64Array(500), 0);
  }

  const stats: Stats[] = [];
  for (const { c, n } of scenarios) {
    const perRound = Math.floor(n / rounds);
    const lat = Object.fromEntries(names.map(name => [name, new Float64Array(perRound * rounds)]));
    const elapsed = Object.fromEntries(names.map(name => [name, 0]));
    const cpuUs = Object.fromEntries(names.map(name => [name, 0]));
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + round) % names.length];
        gc?.();
        const run = await drive(contenders[name], events, perRound, c, lat[name], round * perRound);
        elapsed[name] += run.ms;
        cpuUs[name] += run.cpuUs;
      }
    }
    for (const name of names) {
      const l = lat[name];
      let sum = 0;
      for (const v of l) { sum += v; }
      stats.push({
        contender: name,
        concurrency: c,
        requests: l.length,
        rps: l.length / (elapsed[name] / 1000),
        p50: quantile(l, 0.5),
        p99: quantile(l, 0.99),
        mean: sum / l.length,
        cpuUs: cpuUs[name] / l.length,
      });
    }
  }
  return { stats, notes, bundleOverride };
}

/**
 * The proxy bundled like scripts/bundle.mjs does but not minified, so that a profile shows the
 * functions' names and esbuild's per-module markers map lines back to source files.
 */
function buildReadable(outfile: string): string {
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({
    absWorkingDir: ROOT,
    entryPoints: ['lib/runtime/proxy/index.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    minify: false,
    logLevel: 'silent',
  });
  return 'lib/runtime/proxy/index.ts, bundled without minification';
}

/** Profiles the proxy (a readable build of the same source) and the minimal one, sequential calls, one after the other. */
async function profileChild(input: ProxyInput): Promise<{ markdown: string }> {
  const { contenders, events, bundleFile } = await setup(input, true);
  const requests = input.quick ? 2_000 : 6_000;
  const scratch = new Float64Array(requests);
  const files: Record<string, string> = {};
  for (const name of ['proxy', 'minimal']) {
    await drive(contenders[name], events, 3_000, 1, new Float64Array(3_000), 0);
    const stop = await startProfiler(50);
    await drive(contenders[name], events, requests, 1, scratch, 0);
    files[name] = path.join(WORK, 'profiles', `proxy-${name}.cpuprofile`);
    await stop(files[name]);
  }
  const locate = bundleLocator(bundleFile, 'bundle');
  const ours = summariseProfile(files.proxy, locate);
  const minimal = summariseProfile(files.minimal, locate);
  const per = { count: requests, unit: 'req' };
  const other = (map: Map<string, number>) => ({ label: 'minimal', map, total: minimal.totalMs });
  const markdown = [
    `#### CPU profile: ${requests.toLocaleString('en-US')} sequential requests per contender (sampled time per request: `
      + `proxy ${fmt((ours.totalMs * 1000) / requests, 1)} µs, minimal ${fmt((minimal.totalMs * 1000) / requests, 1)} µs)`,
    '',
    `Profiles: ${Object.values(files).map(f => `\`${path.relative(ROOT, f)}\``).join(', ')}. The proxy profiled is the same source `
      + 'bundled without minification (so functions keep their names; esbuild\'s module markers map them to source files); '
      + 'the minimal proxy\'s code is in bench/proxy.ts. Samples are taken on wall-clock time: the time inside a system call '
      + '(writeLatin1String is the socket write; both contenders make one write and one read per request) includes any wait '
      + 'for the CPU on a busy machine, so compare the JavaScript rows, not the native ones.',
    '',
    profileTable('self time by area', top(ours.areas, 12), ours.totalMs, other(minimal.areas), per, 'proxy'),
    '',
    profileTable('bundle function (inclusive)', top(ours.inclusive, 15, k => / lib\/runtime\/| index\.js/.test(k)), ours.totalMs, undefined, per, 'proxy'),
    '',
    profileTable('function (self)', top(ours.self, 15), ours.totalMs, other(minimal.self), per, 'proxy'),
  ].join('\n');
  return { markdown };
}

export async function measure(ctx: BenchContext): Promise<Section> {
  if (!ctx.fixture || !ctx.backendPort) { throw new Error(ctx.fixtureError ?? 'no fixture'); }
  const out = await runChild<ProxyOutput>('proxy.ts', 'proxy',
    { port: ctx.backendPort, proxyAsset: ctx.fixture.proxyAsset, quick: ctx.quick } satisfies ProxyInput, ['--expose-gc'], 300_000);
  const rows: string[][] = [];
  const goals: Goal[] = [];
  for (const c of [...new Set(out.stats.map(s => s.concurrency))]) {
    const at = (name: string) => out.stats.find(s => s.concurrency === c && s.contender === name)!;
    const minimal = at('minimal');
    const direct = at('direct');
    for (const s of out.stats.filter(x => x.concurrency === c)) {
      rows.push([
        c === 1 ? '1 (sequential)' : String(c), s.contender, fmtInt(s.requests), fmtInt(s.rps),
        fmt(s.p50 * 1000, 0), fmt(s.p99 * 1000, 0),
        fmtRatio(ratio(s.p50, minimal.p50)), fmtRatio(ratio(s.p50, direct.p50)), fmtRatio(ratio(s.rps, minimal.rps)),
        fmt(s.cpuUs, 0), fmtRatio(ratio(s.cpuUs, minimal.cpuUs)),
      ]);
    }
    const r = ratio(at('proxy').p50, minimal.p50);
    goals.push({
      name: `proxy p50 / minimal p50, ${c} in flight`,
      target: `<= ${GOAL_RATIO}x`,
      actual: `${r.toFixed(3)}x`,
      met: Number.isFinite(r) ? r <= GOAL_RATIO : undefined,
    });
  }
  let extra: string | undefined;
  if (goals.some(g => g.met === false) || process.env.BENCH_PROFILE === '1') {
    extra = (await runChild<{ markdown: string }>('proxy.ts', 'proxy-profile',
      { port: ctx.backendPort, proxyAsset: ctx.fixture.proxyAsset, quick: ctx.quick } satisfies ProxyInput, [], 180_000)).markdown;
  }
  return {
    title: TITLE,
    extra,
    tables: [{
      columns: ['in flight', 'contender', 'requests', 'req/s', 'p50 µs', 'p99 µs', 'p50 vs minimal', 'p50 vs direct', 'req/s vs minimal',
        'CPU µs/req', 'CPU vs minimal'],
      rows,
    }],
    goals,
    notes: [
      ...out.notes,
      ...(out.bundleOverride ? [`BENCH_PROXY_BUNDLE=${out.bundleOverride} replaced the synthesized index.js.`] : []),
      'GET /items/{id}?view=full with a NUMBER path parameter, HTTP backend on 127.0.0.1 (its own process, keep-alive) '
        + `returning 200 with a 200-byte JSON body; the group has ${ctx.fixture.apiCount} APIs. Latency is per call, `
        + 'measured in the calling process. '
        + '"CPU µs/req" is the calling process\'s CPU time (user + system, so including its socket I/O) per request: '
        + 'less sensitive than latency to other processes on a shared machine.',
    ],
  };
}

if (childRole() === 'proxy') {
  childMain(() => child(childInput<ProxyInput>()));
} else if (childRole() === 'proxy-profile') {
  childMain(() => profileChild(childInput<ProxyInput>()));
}
