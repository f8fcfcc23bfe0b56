/**
 * Measurement 7: the bundled functions at Huawei's scale. The proxy and the authorizer of a
 * 1000-API group of issue 8's shape beside those of a 10-API one: cold start (a fresh process
 * `require`s the handler, which loads config.json and compiles it at module top level, each API's
 * details in apis.jsonl waiting for its first call, then answers its first request: what a Lambda
 * cold start is, init and the first invocation) and the
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
import { authorizerEventFor, proxyEvent } from '../lib/local/events';
import { BenchContext, fmt, fmtBytes, fmtRatio, Goal, median, runProcess, Section, WORK } from './common';

const TITLE = '7. Proxy and authorizer at 1000 APIs';
const GOAL_RATIO = 1.1;

interface Synthesized {
  readonly apis: number;
  /** Asset folders (index.js + config.json) of the proxy and the authorizer. */
  readonly proxy: string;
  readonly authorizer: string;
  readonly routes: Array<{ method: string; path: string }>;
  /** Each function's environment as Lambda would set it: deploy-time values (tokens) given placeholder strings. */
  readonly proxyEnv: Record<string, string>;
  readonly authorizerEnv: Record<string, string>;
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
  const resource = (fn: { node: { defaultChild?: unknown } }) => template.Resources[stack.getLogicalId(fn.node.defaultChild as any)];
  const folder = (fn: { node: { defaultChild?: unknown } }) => path.join(outdir, resource(fn).Metadata['aws:asset:path']);
  const environment = (fn: { node: { defaultChild?: unknown } }): Record<string, string> => Object.fromEntries(
    Object.entries((resource(fn).Properties.Environment?.Variables ?? {}) as Record<string, unknown>)
      .map(([name, value]) => [name, typeof value === 'string' ? value : `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`]));
  return {
    apis,
    proxy: folder(group.proxyFunction),
    authorizer: folder(group.authorizerFunction!),
    routes: group.apis.map(a => ({ method: a.method, path: a.path })),
    proxyEnv: environment(group.proxyFunction),
    authorizerEnv: environment(group.authorizerFunction!),
  };
}

/**
 * The first request of a cold start: POST on the 10th API (app-authenticated), in both groups, as
 * API Gateway sends it on the API's own resource. Answered without any network call: the proxy
 * without a verdict (AUTH_FAILURE), the authorizer without a credential (AUTH_HEADER_MISSING).
 */
function firstEvents(): { proxy: unknown; authorizer: unknown } {
  const resource = issuePath(2);
  const proxy = proxyEvent({ method: 'POST', path: resource.replace('{id}', '7') });
  const onResource = { ...proxy, resource, pathParameters: { id: '7' }, requestContext: { ...proxy.requestContext, resourcePath: resource } };
  return { proxy: onResource, authorizer: authorizerEventFor(onResource) };
}

// Times, in a fresh process, require() of a handler and its first request (argv: index.js, event file), CPU and wall-clock
// from before the require; prints on stderr, as the handler logs on stdout. stdout and stderr are opened before the
// clock starts: on Lambda the runtime's console is ready before the handler loads, and opening a piped stdout (a few
// ms, the same for every handler) is no part of a handler's cold start.
const COLD_START = 'process.stdout.write(""); process.stderr.write(""); '
  + 'const fs = require("fs"); const event = JSON.parse(fs.readFileSync(process.argv[2], "utf8")); '
  + 'const c0 = process.cpuUsage(); const t0 = process.hrtime.bigint(); const m = require(process.argv[1]); '
  + 'const c1 = process.cpuUsage(c0); const t1 = process.hrtime.bigint(); '
  + 'm.handler(event, { awsRequestId: "cold", getRemainingTimeInMillis: () => 29000 }).then(r => { '
  + 'const c2 = process.cpuUsage(c0); const t2 = process.hrtime.bigint(); const ms = c => (c.user + c.system) / 1000; '
  + 'fs.writeSync(2, "\\n@@COLD " + ms(c1) + " " + ms(c2) + " " + (Number(t1 - t0) / 1e6) + " " + (Number(t2 - t0) / 1e6) + " " '
  + '+ JSON.stringify(r.statusCode ?? (r.context && r.context.apigVerdict)) + "\\n"); });';

interface ColdStart { readonly requireCpu: number; readonly firstCpu: number; readonly requireWall: number; readonly firstWall: number; readonly answer: string }

async function coldStart(file: string, eventFile: string, functionEnv: Record<string, string>): Promise<ColdStart> {
  const env = { ...process.env, ...functionEnv };
  delete env.NODE_OPTIONS;
  delete env.NODE_COMPILE_CACHE;
  const result = await runProcess(process.execPath, ['-e', COLD_START, file, eventFile], { cwd: WORK, env, timeoutMs: 30_000 });
  const m = /@@COLD ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) (\S+)/.exec(result.stderr);
  if (result.code !== 0 || !m) { throw new Error(`cold start of ${file} failed: ${result.stderr.trim().slice(-500)}`); }
  return { requireCpu: Number(m[1]), firstCpu: Number(m[2]), requireWall: Number(m[3]), firstWall: Number(m[4]), answer: String(JSON.parse(m[5])) };
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
  const spawns = ctx.quick ? 5 : 31;

  // Cold start: fresh processes, the four handlers rotating; each process times its require and its first request.
  const events = firstEvents();
  const eventFiles = { proxy: path.join(WORK, 'scale-proxy-event.json'), authorizer: path.join(WORK, 'scale-authorizer-event.json') };
  fs.writeFileSync(eventFiles.proxy, JSON.stringify(events.proxy));
  fs.writeFileSync(eventFiles.authorizer, JSON.stringify(events.authorizer));
  const targets: Array<[string, string, string, Record<string, string>]> = [
    ['proxy 10', path.join(small.proxy, 'index.js'), eventFiles.proxy, small.proxyEnv],
    ['proxy 1000', path.join(large.proxy, 'index.js'), eventFiles.proxy, large.proxyEnv],
    ['authorizer 10', path.join(small.authorizer, 'index.js'), eventFiles.authorizer, small.authorizerEnv],
    ['authorizer 1000', path.join(large.authorizer, 'index.js'), eventFiles.authorizer, large.authorizerEnv],
  ];
  const runs = new Map<string, ColdStart[]>(targets.map(([k]) => [k, []]));
  const answers = new Map<string, string>();
  for (const [k, file, event, env] of targets) { answers.set(k, (await coldStart(file, event, env)).answer); } // page cache
  for (let i = 0; i < spawns; i++) {
    for (let j = 0; j < targets.length; j++) {
      const [k, file, event, env] = targets[(i + j) % targets.length];
      runs.get(k)!.push(await coldStart(file, event, env));
    }
  }
  for (const h of ['proxy', 'authorizer']) {
    // The same answer from both groups, or the comparison is not of the same work.
    if (answers.get(`${h} 10`) !== answers.get(`${h} 1000`)) { throw new Error(`${h}: first answers differ: ${answers.get(`${h} 10`)} / ${answers.get(`${h} 1000`)}`); }
  }
  const med = (k: string, f: keyof Omit<ColdStart, 'answer'>) => median(runs.get(k)!.map(r => r[f]));
  // Paired: round i measured both groups' handler within one rotation, so a slow phase of the machine
  // weighs on both sides of its ratio; the median of the rounds' ratios is the goal's figure.
  const paired = (h: string, f: keyof Omit<ColdStart, 'answer'>) => {
    const small = runs.get(`${h} 10`)!;
    return median(runs.get(`${h} 1000`)!.map((r, i) => r[f] / small[i][f]));
  };

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

  // config.json (read and parsed at load), routes.tsv (read at load, routes read in place) and apis.jsonl (the APIs'
  // details: an API's line read and parsed on its first call); absent files (earlier layouts) count 0.
  const size = (dir: string, file: string) => (fs.existsSync(path.join(dir, file)) ? fs.statSync(path.join(dir, file)).size : 0);
  const rows = ['proxy', 'authorizer'].map(h => {
    const sm = `${h} 10`;
    const lg = `${h} 1000`;
    const dir = (x: Synthesized) => (h === 'proxy' ? x.proxy : x.authorizer);
    const pair = (f: keyof Omit<ColdStart, 'answer'>) => [`${fmt(med(sm, f))} / ${fmt(med(lg, f))}`, fmtRatio(med(lg, f) / med(sm, f))];
    const sizes = (file: string) => `${fmtBytes(size(dir(small), file))} / ${fmtBytes(size(dir(large), file))}`;
    return [h, sizes('config.json'), sizes('routes.tsv'), sizes('apis.jsonl'), answers.get(sm)!,
      ...pair('firstCpu'), fmtRatio(paired(h, 'firstCpu')), ...pair('firstWall'), ...pair('requireCpu')];
  });
  const goals: Goal[] = [
    ...['proxy', 'authorizer'].map(h => {
      const r = paired(h, 'firstCpu');
      const ofMedians = med(`${h} 1000`, 'firstCpu') / med(`${h} 10`, 'firstCpu');
      return {
        name: `cold start (require + first request), ${h}: 1000 APIs / 10 APIs, CPU time (median of paired rounds)`, target: `<= ${GOAL_RATIO}x`,
        actual: `${r.toFixed(3)}x (ratio of the medians ${ofMedians.toFixed(3)}x)`, met: r <= GOAL_RATIO,
      };
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
        caption: 'Cold start: `require` of the handler (which loads its configuration) and its first request, in a fresh process (ms, median, "10 APIs / 1000 APIs")',
        columns: ['handler', 'config.json', 'routes.tsv', 'apis.jsonl', 'first answer', 'CPU', 'CPU ratio', 'paired CPU ratio', 'wall', 'wall ratio',
          'require alone, CPU', 'ratio'],
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
        + `asset folder (index.js + config.json + routes.tsv + apis.jsonl), in ${spawns} fresh \`node -e\` processes per handler, the four rotating; `
        + 'each process times from before its `require` to its first answer (POST on the 10th API, app-authenticated, on its own '
        + 'resource: the proxy without a verdict, the authorizer without a credential, so no network call), CPU time of the process, '
        + 'with each function\'s environment as synthesized (deploy-time values given placeholders) and stdout already open, as '
        + 'Lambda\'s runtime has it. '
        + '"CPU ratio" divides the two medians; "paired CPU ratio" is the median, over the rounds, of each round\'s 1000-API time over its '
        + '10-API time (the goal\'s figure): the two were measured moments apart, so a slow phase of a shared machine falls on both.',
      `Route matching: the proxy's own Router (lib/runtime/proxy/router.ts) over the configuration's routes, ${perRound.toLocaleString('en-US')} `
        + `matches per round over a mix of ${requests().length} requests (APIs of both groups, a path below a declared one, an unknown `
        + `path, a wrong method, the root), median of ${rounds} rounds after 3 warm-up rounds, the two groups alternating three times.`,
    ],
  };
}
