/**
 * Measurement 4: synthesis time of an ApiGroup with 10, 100 and 300 APIs beside a plain
 * aws-cdk-lib RestApi with the same resources and methods on one LambdaIntegration.
 *
 * Every sample is a fresh Node process (module caches, JIT and heap start cold, as in `cdk synth`)
 * that builds one app and times construction and `app.synth()` separately; module loading is
 * timed too but not compared. Both sides get the same App settings: the 500-resource stack limit
 * off (context `@aws-cdk/core:stackResourceLimit: 0`) and the built-in CloudFormation validator
 * off (`builtinCloudFormationValidation: false`, tooling notes section 4), whose fixed start-up
 * cost (WASM engine) would otherwise hide the difference. Sides alternate run after run; one
 * discarded warm-up run per cell fills the OS page cache and CDK's fingerprint cache.
 *
 * When the ratio at 300 APIs misses the goal (or BENCH_PROFILE=1), both sides are profiled with
 * the V8 CPU profiler over construction + synth only, and the hot spots are summarised.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import {
  BenchContext, childInput, childMain, childRole, fmt, fmtRatio, Goal, median, ROOT, runChild, Section, Table, WORK,
} from './common';
import { profileTable, ProfileSummary, startProfiler, summariseProfile, top } from './profile';

const TITLE = '4. Synthesis time: ApiGroup vs plain RestApi';
const GOAL_RATIO = 1.3;
/** Tolerated rise of the marginal cost per API from 10→100 to 100→300 before calling it superlinear. */
const LINEAR_TOLERANCE = 1.3;
const SIZES = [10, 100, 300];

type Variant = 'ours' | 'plain';

interface SynthInput {
  readonly variant: Variant;
  readonly apis: number;
  readonly outdir: string;
  /** Write a CPU profile of construction + synth here. */
  readonly profile?: string;
}

interface SynthOutput {
  readonly loadMs: number;
  readonly constructMs: number;
  readonly synthMs: number;
  readonly cfnResources: number;
  readonly restResources: number;
  readonly methods: number;
}

/** API i of the benchmark: three APIs share /r{g}, /r{g}/items and /r{g}/items/{id}. */
function apiShape(i: number): { method: 'GET' | 'POST'; path: string; param?: string } {
  const g = Math.floor(i / 3);
  switch (i % 3) {
    case 0: return { method: 'GET', path: `/r${g}/items` };
    case 1: return { method: 'POST', path: `/r${g}/items` };
    default: return { method: 'GET', path: `/r${g}/items/{id}`, param: 'id' };
  }
}

async function synthChild(input: SynthInput): Promise<SynthOutput> {
  const t0 = performance.now();
  const cdk = await import('aws-cdk-lib');
  const apigw = await import('aws-cdk-lib/aws-apigateway');
  const lambda = await import('aws-cdk-lib/aws-lambda');
  const lib = input.variant === 'ours' ? await import('../lib/index.js') : undefined;
  const t1 = performance.now();

  const stopProfiler = input.profile ? await startProfiler(200) : undefined;

  const t2 = performance.now();
  const app = new cdk.App({
    outdir: input.outdir,
    builtinCloudFormationValidation: false,
    context: { '@aws-cdk/core:stackResourceLimit': 0 },
  });
  const stack = new cdk.Stack(app, 'Bench');
  if (lib) {
    const group = new lib.ApiGroup(stack, 'Group', { groupName: 'bench', maxRestResources: 1000 });
    for (let i = 0; i < input.apis; i++) {
      const api = apiShape(i);
      group.addApi(`Api${i}`, {
        method: api.method === 'GET' ? lib.HttpMethod.GET : lib.HttpMethod.POST,
        path: api.path,
        backend: lib.Backend.http(`https://backend.example.com${api.path}`),
        parameters: api.param ? [lib.RequestParameter.path(api.param, { type: lib.ParameterType.NUMBER })] : undefined,
      });
    }
  } else {
    const fn = new lambda.Function(stack, 'Handler', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(ROOT, 'assets', 'proxy')),
    });
    const restApi = new apigw.RestApi(stack, 'Api', {
      restApiName: 'bench',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      cloudWatchRole: false,
      deployOptions: { stageName: 'RELEASE' },
    });
    const integration = new apigw.LambdaIntegration(fn);
    for (let i = 0; i < input.apis; i++) {
      const api = apiShape(i);
      restApi.root.resourceForPath(api.path).addMethod(api.method, integration);
    }
  }
  const t3 = performance.now();
  const assembly = app.synth();
  const t4 = performance.now();

  await stopProfiler?.(input.profile!);

  const resources = Object.values((assembly.getStackByName('Bench').template as { Resources: Record<string, { Type: string }> }).Resources);
  fs.rmSync(input.outdir, { recursive: true, force: true });
  return {
    loadMs: t1 - t0,
    constructMs: t3 - t2,
    synthMs: t4 - t3,
    cfnResources: resources.length,
    restResources: resources.filter(r => r.Type === 'AWS::ApiGateway::Resource').length,
    methods: resources.filter(r => r.Type === 'AWS::ApiGateway::Method').length,
  };
}

function runSynth(variant: Variant, apis: number, profile?: string): Promise<SynthOutput> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk-api-groups-bench-synth-${variant}-${apis}-`));
  return runChild<SynthOutput>('synth.ts', 'synth', { variant, apis, outdir, profile } satisfies SynthInput, [], 180_000)
    .finally(() => fs.rmSync(outdir, { recursive: true, force: true }));
}

// ---------------------------------------------------------------- profile summary

function profileMarkdown(ours: ProfileSummary, plain: ProfileSummary, files: string[]): string {
  const vsPlain = (map: Map<string, number>) => ({ label: 'plain', map, total: plain.totalMs });
  const inBench = (k: string) => !/ bench\//.test(k);
  return [
    `#### CPU profile at 300 APIs: construction + app.synth(), one run per side (${fmt(ours.totalMs, 0)} ms of samples ours, `
      + `${fmt(plain.totalMs, 0)} ms plain)`,
    '',
    `Profiles: ${files.map(f => `\`${path.relative(ROOT, f)}\``).join(', ')} (open in Chrome DevTools, Performance tab).`,
    '',
    profileTable('self time by area', top(ours.areas, 14), ours.totalMs, vsPlain(plain.areas)),
    '',
    profileTable('library function (inclusive)', top(ours.inclusive, 15, k => / lib\//.test(k)), ours.totalMs),
    '',
    profileTable('function (inclusive)', top(ours.inclusive, 22, inBench), ours.totalMs, vsPlain(plain.inclusive)),
    '',
    profileTable('function (self)', top(ours.self, 15), ours.totalMs, vsPlain(plain.self)),
  ].join('\n');
}

// ---------------------------------------------------------------- measurement

export async function measure(ctx: BenchContext): Promise<Section> {
  const runs = ctx.quick ? 1 : 3;
  const sizes = SIZES;
  const samples = new Map<string, SynthOutput[]>();
  const key = (v: Variant, n: number) => `${v}:${n}`;
  for (const n of sizes) {
    for (const v of ['ours', 'plain'] as Variant[]) {
      await runSynth(v, n); // warm-up, discarded
      samples.set(key(v, n), []);
    }
  }
  for (let r = 0; r < runs; r++) {
    for (const n of sizes) {
      const order: Variant[] = r % 2 === 0 ? ['ours', 'plain'] : ['plain', 'ours'];
      for (const v of order) { samples.get(key(v, n))!.push(await runSynth(v, n)); }
    }
  }

  const med = (v: Variant, n: number, f: (s: SynthOutput) => number) => median(samples.get(key(v, n))!.map(f));
  const synth = (s: SynthOutput) => s.synthMs;
  const total = (s: SynthOutput) => s.constructMs + s.synthMs;
  const rows: string[][] = [];
  for (const n of sizes) {
    const first = (v: Variant) => samples.get(key(v, n))![0];
    rows.push([
      String(n),
      `${first('ours').cfnResources} / ${first('plain').cfnResources}`,
      `${first('ours').restResources}+${first('ours').methods} / ${first('plain').restResources}+${first('plain').methods}`,
      `${fmt(med('ours', n, s => s.constructMs), 0)} / ${fmt(med('plain', n, s => s.constructMs), 0)}`,
      `${fmt(med('ours', n, synth), 0)} / ${fmt(med('plain', n, synth), 0)}`,
      fmtRatio(med('ours', n, synth) / med('plain', n, synth)),
      `${fmt(med('ours', n, total), 0)} / ${fmt(med('plain', n, total), 0)}`,
      fmtRatio(med('ours', n, total) / med('plain', n, total)),
      `${fmt(med('ours', n, s => s.loadMs), 0)} / ${fmt(med('plain', n, s => s.loadMs), 0)}`,
    ]);
  }

  const slope = (v: Variant, f: (s: SynthOutput) => number, a: number, b: number) => (med(v, b, f) - med(v, a, f)) / (b - a);
  const growthRows: string[][] = [];
  const growth: Record<string, number> = {};
  for (const [label, f] of [['app.synth()', synth], ['construct + synth', total]] as Array<[string, (s: SynthOutput) => number]>) {
    for (const v of ['ours', 'plain'] as Variant[]) {
      const s1 = slope(v, f, 10, 100);
      const s2 = slope(v, f, 100, 300);
      growth[`${v}:${label}`] = s2 / s1;
      growthRows.push([label, v, fmt(s1, 2), fmt(s2, 2), fmtRatio(s2 / s1), fmt(med(v, 300, f) / 300, 2)]);
    }
  }

  const ratioSynth = med('ours', 300, synth) / med('plain', 300, synth);
  const ratioTotal = med('ours', 300, total) / med('plain', 300, total);
  const goals: Goal[] = [
    { name: 'app.synth() ours / plain at 300 APIs', target: `<= ${GOAL_RATIO}x`, actual: fmtRatio(ratioSynth), met: ratioSynth <= GOAL_RATIO },
    { name: 'construct + synth ours / plain at 300 APIs', target: `<= ${GOAL_RATIO}x`, actual: fmtRatio(ratioTotal), met: ratioTotal <= GOAL_RATIO },
    {
      name: 'app.synth() growth (ours): ms/API 100→300 vs 10→100',
      target: `linear (<= ${LINEAR_TOLERANCE}x)`,
      actual: fmtRatio(growth['ours:app.synth()']),
      met: growth['ours:app.synth()'] <= LINEAR_TOLERANCE,
    },
    {
      name: 'construct + synth growth (ours): ms/API 100→300 vs 10→100',
      target: `linear (<= ${LINEAR_TOLERANCE}x)`,
      actual: fmtRatio(growth['ours:construct + synth']),
      met: growth['ours:construct + synth'] <= LINEAR_TOLERANCE,
    },
  ];

  let extra: string | undefined;
  const notes: string[] = [
    `Median of ${runs} fresh processes per cell (after one discarded warm-up each), sides alternating. `
      + 'Cells read "ours / plain". APIs: GET and POST /r{g}/items and GET /r{g}/items/{id} (NUMBER path parameter) per group g; '
      + 'ours: HTTP backends; plain: the same resources and methods on one LambdaIntegration (its default per-method permissions).',
    'Ours does more by design: an ANY method on every resource, the catch-all /{proxy+}, 21 gateway responses, '
      + 'the configuration document and its asset, the proxy role and log group; hence more CloudFormation resources.',
  ];
  if (ratioSynth > GOAL_RATIO || ratioTotal > GOAL_RATIO || process.env.BENCH_PROFILE === '1') {
    const dir = path.join(WORK, 'profiles');
    fs.mkdirSync(dir, { recursive: true });
    const files = [path.join(dir, 'synth-ours-300.cpuprofile'), path.join(dir, 'synth-plain-300.cpuprofile')];
    await runSynth('ours', 300, files[0]);
    await runSynth('plain', 300, files[1]);
    extra = profileMarkdown(summariseProfile(files[0]), summariseProfile(files[1]), files);
  }

  const tables: Table[] = [
    {
      caption: 'Times in ms, "ours / plain"',
      columns: ['APIs', 'CFN resources', 'REST resources+methods', 'construct', 'app.synth()', 'synth ratio',
        'construct+synth', 'total ratio', 'module load'],
      rows,
    },
    {
      caption: 'Growth: marginal ms per API',
      columns: ['timed', 'side', '10→100', '100→300', 'rise', 'ms/API at 300'],
      rows: growthRows,
    },
  ];
  return { title: TITLE, tables, goals, notes, extra };
}

if (childRole() === 'synth') {
  childMain(() => synthChild(childInput<SynthInput>()));
}
