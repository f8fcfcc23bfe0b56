/**
 * Measurement 6: the local gateway (`cdk-api-groups local`, lib/local) over HTTP.
 *
 * A small group is synthesized in this process (a mock API, and an app-authenticated API with a
 * mock backend: the bundled authorizer, the local Secrets Manager and the bundled proxy on every
 * request) and served by `startLocalGateway` on an ephemeral port of 127.0.0.1. autocannon, in
 * its own process, drives each API with keep-alive connections for a fixed time; the gateway's
 * log is off. Reported: requests per second, p50 and p99 latency, and the share of non-2xx
 * answers (must be 0: no throttle is declared).
 *
 * No goal was set: the section reports measurements only. The gateway runs in this (the
 * benchmark's) process and its functions in their worker processes; autocannon shares the machine.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { ApiAuth, ApiGroup, Backend, HttpMethod } from '../lib';
import { startLocalGateway } from '../lib/local';
import { BenchContext, fmt, fmtInt, ROOT, runProcess, Section, WORK } from './common';

const TITLE = '6. Local gateway over HTTP';
const APP_CODE = 'BenchLocalAppCode'.padEnd(64, '0');

interface Run {
  readonly label: string;
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

function synthesize(outdir: string): void {
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'BenchLocal');
  const group = new ApiGroup(stack, 'Group', { groupName: 'bench-local' });
  const mobile = group.addApp('mobile');
  group.addApi('Mock', { method: HttpMethod.GET, path: '/mock', apiName: 'mock', backend: Backend.mock({ statusCode: 200, body: '{"ok":true}' }) });
  group.addApi('AppMock', {
    method: HttpMethod.GET, path: '/app/mock', apiName: 'app-mock',
    backend: Backend.mock({ statusCode: 200, body: '{"ok":true}' }),
    auth: ApiAuth.app({ apps: [mobile] }),
  });
  app.synth();
}

async function cannon(label: string, url: string, seconds: number, connections: number, headers: Record<string, string> = {}): Promise<Run> {
  const bin = path.join(ROOT, 'node_modules', 'autocannon', 'autocannon.js');
  const args = [bin, '-j', '-c', String(connections), '-d', String(seconds), ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]), url];
  const out = await runProcess(process.execPath, args, { timeoutMs: (seconds + 30) * 1000 });
  if (out.code !== 0) { throw new Error(`autocannon failed (${out.code}): ${out.stderr.slice(-500)}`); }
  const r = JSON.parse(out.stdout) as {
    requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number; '2xx': number;
  };
  return { label, requests: r.requests.total, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

export async function measure(ctx: BenchContext): Promise<Section> {
  const seconds = ctx.quick ? 1 : 4;
  const connections = 10;
  const outdir = path.join(WORK, 'local-gateway.out');
  fs.rmSync(outdir, { recursive: true, force: true });
  synthesize(outdir);
  const gateway = await startLocalGateway({ assembly: outdir, port: 0, appCodes: { mobile: APP_CODE } });
  const runs: Run[] = [];
  try {
    const base = gateway.groups[0].url.replace(/\/$/, '');
    const app = { 'X-Apig-AppCode': APP_CODE };
    // Warm-up: the functions' first instances and the authorizer's secret cache.
    for (let i = 0; i < 20; i++) {
      await (await fetch(`${base}/mock`)).arrayBuffer();
      const res = await fetch(`${base}/app/mock`, { headers: app });
      await res.arrayBuffer();
      if (res.status !== 200) { throw new Error(`warm-up: /app/mock answered ${res.status}`); }
    }
    // Then 1 s of the same load, unrecorded: every function instance the load needs is started.
    await cannon('warm-up', `${base}/mock`, 1, connections);
    await cannon('warm-up', `${base}/app/mock`, 1, connections, app);
    runs.push(await cannon('mock API (proxy only)', `${base}/mock`, seconds, connections));
    runs.push(await cannon('app-authenticated API (authorizer + proxy)', `${base}/app/mock`, seconds, connections, app));
  } finally {
    await gateway.close();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  return {
    title: TITLE,
    tables: [{
      caption: `Through the local gateway over HTTP: autocannon, ${connections} keep-alive connections, ${seconds} s per API`,
      columns: ['API', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
      rows: runs.map(r => [r.label, fmtInt(r.requests), fmtInt(r.rps), fmt(r.p50, 1), fmt(r.p99, 1), fmtInt(r.non2xx), fmtInt(r.errors)]),
    }],
    goals: [],
    notes: [
      'The local gateway (lib/local) serves a synthesized group: API Gateway\'s native checks, then the bundled authorizer (app API) and proxy run in their function worker processes, one event at a time per instance (at most 10 instances per function), as Lambda would.',
      'autocannon runs in its own process on the same machine; the gateway\'s request log is off. A development tool\'s throughput, not a prediction of API Gateway\'s.',
    ],
  };
}
