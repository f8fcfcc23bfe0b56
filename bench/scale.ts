/**
 * Measurement 7: the bundled functions at Huawei's scale. The proxy and the authorizer of a
 * 1000-API group of issue 8's shape beside those of a 10-API one: cold start (a fresh process
 * `require`s the handler, which loads config.json and compiles it at module top level, each API's
 * details in apis.jsonl waiting for its first call) and the
 * proxy's route matching (its Router over the configuration's routes, requests from every part of
 * the group, unknown paths and wrong methods included). Goal: within 1.1x of the 10-API group (a
 * router whose cost does not grow with the group).
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import { ApiGroup } from '../lib';
import { Router } from '../lib/runtime/proxy/router';
import { addIssueApis, ISSUE_SHAPE, issueGroupProps, issuePath } from '../test/support/issue-shape-group';
import { timeRequire } from './bundle';
import { BenchContext, fmt, fmtBytes, fmtRatio, Goal, median, Section, WORK } from './common';

const TITLE = '7. Proxy and authorizer at 1000 APIs';
const GOAL_RATIO = 1.1;

interface Synthesized {
  readonly apis: number;
  /** Asset folders (index.js + config.json) of the proxy and the authorizer. */
  readonly proxy: string;
  readonly authorizer: string;
  readonly routes: Array<{ method: string; path: string }>;
}

/** Synthesizes a group of the issue's shape with `apis` APIs; returns its functions' asset folders. */
function synthesize(apis: number): Synthesized {
  const outdir = path.join(WORK, `scale-${apis}.out`);
  fs.rmSync(outdir, { recursive: true, force: true });
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'Scale');
  const group = new ApiGroup(stack, 'Group', issueGroupProps());
  addIssueApis(group, { ...ISSUE_SHAPE, apis });
  const template = app.synth().getStackByName('Scale').template as { Resources: Record<string, any> };
  const folder = (fn: { node: { defaultChild?: unknown } }) =>
    path.join(outdir, template.Resources[stack.getLogicalId(fn.node.defaultChild as any)].Metadata['aws:asset:path']);
  return {
    apis,
    proxy: folder(group.proxyFunction),
    authorizer: folder(group.authorizerFunction!),
    routes: group.apis.map(a => ({ method: a.method, path: a.path })),
  };
}

/** Requests of every kind: an API of each resource of the small group's range, unknown paths, a wrong method. */
function requests(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let r = 0; r < 3; r++) { out.push(['GET', issuePath(r).replace('{id}', '42')], ['PUT', issuePath(r).replace('{id}', 'x')]); }
  out.push(['GET', '/svc0/res0/42/deeper'], ['GET', '/nowhere'], ['PATCH', '/svc1/res0/1'], ['GET', '/']);
  return out;
}

/** ns per match, median of `rounds` timed rounds of `perRound` matches over the request mix. */
function matchNs(router: Router<string>, rounds: number, perRound: number): number {
  const mix = requests();
  const times: number[] = [];
  let sink = 0;
  for (let round = 0; round < rounds + 3; round++) {
    const t0 = performance.now();
    for (let i = 0; i < perRound; i++) {
      const [method, p] = mix[i % mix.length];
      sink += router.match(method, p).kind.length;
    }
    const t1 = performance.now();
    if (round >= 3) { times.push(((t1 - t0) * 1e6) / perRound); } // the first rounds warm the JIT
  }
  if (sink < 0) { throw new Error('unreachable'); }
  return median(times);
}

export async function measure(ctx: BenchContext): Promise<Section> {
  const small = synthesize(10);
  const large = synthesize(1000);
  const spawns = ctx.quick ? 5 : 21;

  // Cold start: fresh processes, the four handlers rotating.
  const targets: Array<[string, string]> = [
    ['proxy 10', path.join(small.proxy, 'index.js')], ['proxy 1000', path.join(large.proxy, 'index.js')],
    ['authorizer 10', path.join(small.authorizer, 'index.js')], ['authorizer 1000', path.join(large.authorizer, 'index.js')],
  ];
  const cpu = new Map<string, number[]>(targets.map(([k]) => [k, []]));
  const wall = new Map<string, number[]>(targets.map(([k]) => [k, []]));
  for (const [, file] of targets) { await timeRequire(file); } // page cache
  for (let i = 0; i < spawns; i++) {
    for (let j = 0; j < targets.length; j++) {
      const [k, file] = targets[(i + j) % targets.length];
      const t = await timeRequire(file);
      cpu.get(k)!.push(t.cpuMs);
      wall.get(k)!.push(t.wallMs);
    }
  }
  const med = (m: Map<string, number[]>, k: string) => median(m.get(k)!);

  // Route matching: the proxy's router over each configuration's routes, alternating.
  const routers = [small, large].map(s => Router.of(s.routes.map((r, i) => ({ ...r, target: `api${i}` }))));
  const rounds = ctx.quick ? 5 : 15;
  const perRound = 200_000;
  const ns: number[][] = [[], []];
  for (let i = 0; i < 3; i++) {
    for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) { ns[k].push(matchNs(routers[k], rounds, perRound)); }
  }
  const matchSmall = median(ns[0]);
  const matchLarge = median(ns[1]);

  const size = (dir: string) => fs.statSync(path.join(dir, 'config.json')).size;
  // apis.jsonl (the APIs' details, read as bytes at load and parsed per API on its first call); absent before issue 8's split.
  const detailsSize = (dir: string) => (fs.existsSync(path.join(dir, 'apis.jsonl')) ? fs.statSync(path.join(dir, 'apis.jsonl')).size : 0);
  const rows = ['proxy', 'authorizer'].map(h => {
    const s = `${h} 10`;
    const l = `${h} 1000`;
    const dir = (x: Synthesized) => (h === 'proxy' ? x.proxy : x.authorizer);
    return [h, `${fmtBytes(size(dir(small)))} / ${fmtBytes(size(dir(large)))}`,
      `${fmtBytes(detailsSize(dir(small)))} / ${fmtBytes(detailsSize(dir(large)))}`,
      `${fmt(med(cpu, s))} / ${fmt(med(cpu, l))}`, fmtRatio(med(cpu, l) / med(cpu, s)),
      `${fmt(med(wall, s))} / ${fmt(med(wall, l))}`, fmtRatio(med(wall, l) / med(wall, s))];
  });
  const goals: Goal[] = [
    ...['proxy', 'authorizer'].map(h => {
      const r = med(cpu, `${h} 1000`) / med(cpu, `${h} 10`);
      return { name: `cold start (require + configuration), ${h}: 1000 APIs / 10 APIs, CPU time`, target: `<= ${GOAL_RATIO}x`, actual: `${r.toFixed(3)}x`, met: r <= GOAL_RATIO };
    }),
    {
      name: 'route match, proxy: 1000 APIs / 10 APIs', target: `<= ${GOAL_RATIO}x`,
      actual: `${(matchLarge / matchSmall).toFixed(3)}x`, met: matchLarge / matchSmall <= GOAL_RATIO,
    },
  ];
  for (const dir of [path.join(WORK, 'scale-10.out'), path.join(WORK, 'scale-1000.out')]) { fs.rmSync(dir, { recursive: true, force: true }); }
  return {
    title: TITLE,
    tables: [
      {
        caption: 'Cold start: `require` of the handler, which loads its config.json (ms, median, "10 APIs / 1000 APIs")',
        columns: ['handler', 'config.json', 'apis.jsonl', 'CPU', 'CPU ratio', 'wall', 'wall ratio'],
        rows,
      },
      {
        caption: 'Route matching in the proxy (ns per request, median)',
        columns: ['APIs', 'routes', 'ns/match', 'ratio'],
        rows: [['10', String(small.routes.length), fmt(matchSmall, 0), '1.00x'],
          ['1000', String(large.routes.length), fmt(matchLarge, 0), fmtRatio(matchLarge / matchSmall)]],
      },
    ],
    goals,
    notes: [
      'Both groups have the issue\'s shape (/svcN/resM/{id} × GET, POST, PUT, DELETE; app authentication, 10% own throttle, '
        + '5% IAM, CORS, 2 custom responses); the 10-API group is its first 10 APIs. Each handler is loaded from its synthesized '
        + `asset folder (index.js + config.json), in ${spawns} fresh \`node -e\` processes per handler, the four rotating.`,
      `Route matching: the proxy's own Router (lib/runtime/proxy/router.ts) over the configuration's routes, ${perRound.toLocaleString('en-US')} `
        + `matches per round over a mix of ${requests().length} requests (APIs of both groups, a path below a declared one, an unknown `
        + `path, a wrong method, the root), median of ${rounds} rounds after 3 warm-up rounds, the two groups alternating three times.`,
    ],
  };
}
