/**
 * Part of measurement 4 (issue 15 item 6): construction + synthesis of issue 8's group shape
 * (test/support/issue-shape-group.ts: 1000 APIs, app auth, 10% throttled, 5% IAM, CORS, two custom
 * responses) against its plain aws-cdk-lib "twin": a SpecRestApi carrying the very same OpenAPI
 * Body, two Lambda functions (the proxy's and the authorizer's assets), a usage plan and API key
 * for the app, and the throttled methods' stage method settings.
 *
 * Fair by construction: the twin's Body is read from the template our side synthesized (its
 * functions take our functions' logical ids, so the Body's `Fn::GetAtt`s resolve to them and the
 * template carries the same Body bytes), and its method settings are our stage's. Both sides run
 * with default App settings, as users have them: aws-cdk-lib's built-in CloudFormation validator
 * (`builtinCloudFormationValidation`, default true; the WASM engine of @aws/cloudformation-validate,
 * which writes validation-report.json at synth) is on, and the child checks that it ran.
 *
 * One fresh Node process per sample (cold JIT, as `cdk synth`), sides alternating, one discarded
 * warm-up each; judged on the main thread's CPU time over construction + app.synth() (the
 * validator runs synchronously on it), wall-clock shown beside it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { childInput, childMain, childRole, fmt, fmtRatio, Goal, mainThreadCpuMs, median, ROOT, runChild, Table, WORK } from './common';
import { profileTable, ProfileSummary, startProfiler, summariseProfile, top } from './profile';

/** Issue 15 item 6: ours within 1.2x of the twin. */
export const ISSUE_SHAPE_GOAL_RATIO = 1.2;
export const ISSUE_SHAPE_GOAL = 'issue-8 shape: ours / SpecRestApi twin (fresh processes)';
/** What the twin copies from our synthesized template. */
const TWIN_FILE = path.join(WORK, 'issue-shape-twin.json');

type Side = 'ours' | 'twin';

interface IssueInput {
  readonly side: Side;
  readonly outdir: string;
  /** Ours: write what the twin copies (Body, logical ids, method settings) here. */
  readonly twinFile?: string;
  /** Write a CPU profile of construction + synth here. */
  readonly profile?: string;
}

interface IssueOutput {
  readonly loadMs: number;
  readonly constructMs: number;
  readonly synthMs: number;
  readonly wallConstructMs: number;
  readonly wallSynthMs: number;
  /** CPU time of the whole process (every thread: V8 compiles the validator's WASM in the background) over both phases. */
  readonly processCpuMs: number;
  readonly cfnResources: number;
  readonly templateBytes: number;
  /** Bytes of the REST API's Body as the template carries it (compact JSON). */
  readonly bodyBytes: number;
  readonly bodySha: string;
}

/** What the twin needs from our template. */
interface TwinSource {
  readonly body: unknown;
  readonly proxyLogicalId: string;
  readonly authorizerLogicalId: string;
  readonly restApiName: string;
  readonly stageName: string;
  readonly methodSettings: Array<{ HttpMethod: string; ResourcePath: string; ThrottlingBurstLimit?: number; ThrottlingRateLimit?: number }>;
}


type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

async function issueChild(input: IssueInput): Promise<IssueOutput> {
  const t0 = performance.now();
  const cdk = await import('aws-cdk-lib');
  const apigw = await import('aws-cdk-lib/aws-apigateway');
  const lambda = await import('aws-cdk-lib/aws-lambda');
  const iam = await import('aws-cdk-lib/aws-iam');
  // require(), not import(): the shape module require()s the library, and both must share one copy of it.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const lib = input.side === 'ours' ? require('../lib') as typeof import('../lib') : undefined;
  const shape = input.side === 'ours' ? require('../test/support/issue-shape-group') as typeof import('../test/support/issue-shape-group') : undefined;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const twin = input.side === 'twin' ? JSON.parse(fs.readFileSync(TWIN_FILE, 'utf8')) as TwinSource : undefined;
  const t1 = performance.now();

  const stopProfiler = input.profile ? await startProfiler(200) : undefined;
  const c2 = mainThreadCpuMs();
  const p2 = process.cpuUsage();
  const t2 = performance.now();
  // Default App settings (validator on, 500-resource stack limit on), as users have them.
  const app = new cdk.App({ outdir: input.outdir });
  const stack = new cdk.Stack(app, 'Bench');
  let group: InstanceType<typeof import('../lib').ApiGroup> | undefined;
  if (lib && shape) {
    group = new lib.ApiGroup(stack, 'Group', shape.issueGroupProps());
    shape.addIssueApis(group);
  } else if (twin) {
    const fn = (id: string, asset: string, logicalId: string) => {
      const f = new lambda.Function(stack, id, {
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromAsset(path.join(ROOT, 'assets', asset)),
      });
      (f.node.defaultChild as import('aws-cdk-lib/aws-lambda').CfnFunction).overrideLogicalId(logicalId);
      return f;
    };
    const proxy = fn('Proxy', 'proxy', twin.proxyLogicalId);
    const authorizer = fn('Authorizer', 'authorizer', twin.authorizerLogicalId);
    const methodOptions: Record<string, import('aws-cdk-lib/aws-apigateway').MethodDeploymentOptions> = {};
    for (const s of twin.methodSettings) {
      methodOptions[`${s.ResourcePath.replace(/~1/g, '/')}/${s.HttpMethod}`] = {
        throttlingRateLimit: s.ThrottlingRateLimit, throttlingBurstLimit: s.ThrottlingBurstLimit,
      };
    }
    const restApi = new apigw.SpecRestApi(stack, 'Api', {
      restApiName: twin.restApiName,
      apiDefinition: apigw.ApiDefinition.fromInline(twin.body),
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      cloudWatchRole: false,
      deployOptions: { stageName: twin.stageName, methodOptions },
    });
    for (const f of [proxy, authorizer]) {
      f.addPermission('InvokeFromApi', {
        principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: restApi.arnForExecuteApi('*', '/*', '*'),
      });
    }
    const plan = restApi.addUsagePlan('MobilePlan', { throttle: { rateLimit: 100, burstLimit: 200 } });
    plan.addApiStage({ stage: restApi.deploymentStage });
    plan.addApiKey(restApi.addApiKey('MobileKey'));
  }
  const t3 = performance.now();
  const c3 = mainThreadCpuMs();
  const assembly = app.synth();
  const t4 = performance.now();
  const c4 = mainThreadCpuMs();
  const p4 = process.cpuUsage(p2);
  await stopProfiler?.(input.profile!);

  if (!fs.existsSync(path.join(input.outdir, 'validation-report.json'))) {
    throw new Error('aws-cdk-lib\'s CloudFormation validator did not run (no validation-report.json): is CDK_VALIDATION=false set?');
  }
  const template = assembly.getStackByName('Bench').template as Template;
  const [restApiId, restApi] = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::ApiGateway::RestApi')!;
  const bodyText = JSON.stringify(restApi.Properties!.Body);
  if (input.twinFile && group) {
    const logicalId = (c: import('constructs').IConstruct) => stack.getLogicalId(c.node.defaultChild as import('aws-cdk-lib').CfnElement);
    const stage = Object.values(template.Resources).find(r => r.Type === 'AWS::ApiGateway::Stage')!;
    const source: TwinSource = {
      body: restApi.Properties!.Body,
      proxyLogicalId: logicalId(group.proxyFunction),
      authorizerLogicalId: logicalId(group.authorizerFunction!),
      restApiName: String(restApi.Properties!.Name ?? restApiId),
      stageName: String(stage.Properties!.StageName),
      methodSettings: (stage.Properties!.MethodSettings ?? []) as TwinSource['methodSettings'],
    };
    fs.mkdirSync(path.dirname(input.twinFile), { recursive: true });
    fs.writeFileSync(input.twinFile, JSON.stringify(source));
  }
  const output: IssueOutput = {
    loadMs: t1 - t0,
    constructMs: c3 - c2,
    synthMs: c4 - c3,
    wallConstructMs: t3 - t2,
    wallSynthMs: t4 - t3,
    processCpuMs: (p4.user + p4.system) / 1000,
    cfnResources: Object.keys(template.Resources).length,
    templateBytes: fs.statSync(path.join(input.outdir, 'Bench.template.json')).size,
    bodyBytes: Buffer.byteLength(bodyText),
    bodySha: (await import('crypto')).createHash('sha256').update(bodyText).digest('hex'),
  };
  fs.rmSync(input.outdir, { recursive: true, force: true });
  return output;
}

function runIssue(side: Side, extra: Partial<IssueInput> = {}): Promise<IssueOutput> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk-api-groups-bench-issue-${side}-`));
  return runChild<IssueOutput>('synth-issue-shape.ts', 'synth-issue', { side, outdir, ...extra } satisfies IssueInput, [], 300_000)
    .finally(() => fs.rmSync(outdir, { recursive: true, force: true }));
}

export interface IssueShapeResult {
  readonly tables: Table[];
  readonly goal: Goal;
  readonly notes: string[];
  readonly extra?: string;
}

/** Measures ours against the twin; `runs` samples per side after one warm-up each. */
export async function measureIssueShape(runs: number): Promise<IssueShapeResult> {
  // Ours first: its warm-up writes the Body and settings the twin copies.
  const warmOurs = await runIssue('ours', { twinFile: TWIN_FILE });
  const warmTwin = await runIssue('twin');
  if (warmOurs.bodySha !== warmTwin.bodySha) {
    throw new Error(`the twin's Body differs from ours (${warmTwin.bodyBytes} vs ${warmOurs.bodyBytes} bytes): the comparison would be unfair`);
  }
  const samples: Record<Side, IssueOutput[]> = { ours: [], twin: [] };
  for (let r = 0; r < runs; r++) {
    const order: Side[] = r % 2 === 0 ? ['ours', 'twin'] : ['twin', 'ours'];
    for (const side of order) { samples[side].push(await runIssue(side)); }
  }
  if (process.env.BENCH_DEBUG === '1') { console.log(JSON.stringify(samples)); }
  const med = (side: Side, f: (s: IssueOutput) => number) => median(samples[side].map(f));
  const cpu = (s: IssueOutput) => s.constructMs + s.synthMs;
  const wall = (s: IssueOutput) => s.wallConstructMs + s.wallSynthMs;
  const ratio = med('ours', cpu) / med('twin', cpu);
  const row = (side: Side, w: IssueOutput) => [
    side === 'ours' ? 'ApiGroup (issue-8 shape)' : 'SpecRestApi twin',
    String(w.cfnResources), `${(w.templateBytes / 1024).toFixed(0)} KB`,
    fmt(med(side, s => s.constructMs), 0), fmt(med(side, s => s.synthMs), 0), fmt(med(side, cpu), 0),
    fmt(med(side, s => s.processCpuMs), 0), fmt(med(side, wall), 0), fmt(med(side, s => s.loadMs), 0),
  ];
  const tables: Table[] = [{
    caption: `Issue-8 shape (1000 APIs) vs its SpecRestApi twin, validator on: main-thread CPU ms, median of ${runs} fresh processes`,
    columns: ['side', 'CFN resources', 'template', 'construct', 'app.synth()', 'construct+synth', 'all threads CPU', 'wall', 'module load'],
    rows: [row('ours', warmOurs), row('twin', warmTwin), ['ours / twin', '', '', '', '', fmtRatio(ratio),
      fmtRatio(med('ours', s => s.processCpuMs) / med('twin', s => s.processCpuMs)), fmtRatio(med('ours', wall) / med('twin', wall)), '']],
  }];
  const notes = [
    `Issue-8 shape: the group of test/support/issue-shape-group.ts (1000 APIs) against a plain SpecRestApi whose Body is the one our `
      + `template carries (same ${(warmOurs.bodyBytes / 1024).toFixed(0)} KB, checked by hash), with two functions, the app's usage plan and API key and our `
      + 'stage\'s method settings. Default App settings on both sides: aws-cdk-lib\'s CloudFormation validator on (checked: '
      + 'validation-report.json written), the stack resource limit on. Judged on construct + synth main-thread CPU time.',
  ];
  let extra: string | undefined;
  if (ratio > ISSUE_SHAPE_GOAL_RATIO || process.env.BENCH_PROFILE === '1') {
    const dir = path.join(WORK, 'profiles');
    const files = { ours: path.join(dir, 'synth-issue-ours.cpuprofile'), twin: path.join(dir, 'synth-issue-twin.cpuprofile') };
    await runIssue('ours', { profile: files.ours });
    await runIssue('twin', { profile: files.twin });
    extra = issueProfileMarkdown(summariseProfile(files.ours), summariseProfile(files.twin), Object.values(files));
  }
  return {
    tables,
    notes,
    extra,
    goal: {
      name: ISSUE_SHAPE_GOAL,
      target: `<= ${ISSUE_SHAPE_GOAL_RATIO}x`,
      actual: `${ratio.toFixed(3)}x (all threads ${fmtRatio(med('ours', s => s.processCpuMs) / med('twin', s => s.processCpuMs))}, `
        + `wall ${fmtRatio(med('ours', wall) / med('twin', wall))})`,
      met: ratio <= ISSUE_SHAPE_GOAL_RATIO,
    },
  };
}

function issueProfileMarkdown(ours: ProfileSummary, twin: ProfileSummary, files: string[]): string {
  const vsTwin = (map: Map<string, number>) => ({ label: 'twin', map, total: twin.totalMs });
  return [
    `#### CPU profile of the issue-8 shape: construction + app.synth() (${fmt(ours.totalMs, 0)} ms of samples ours, ${fmt(twin.totalMs, 0)} ms twin)`,
    '',
    `Profiles: ${files.map(f => `\`${path.relative(ROOT, f)}\``).join(', ')}.`,
    '',
    profileTable('self time by area', top(ours.areas, 12), ours.totalMs, vsTwin(twin.areas)),
    '',
    profileTable('library function (inclusive)', top(ours.inclusive, 15, k => / lib\//.test(k)), ours.totalMs),
    '',
    profileTable('function (inclusive)', top(ours.inclusive, 20, k => !/ bench\//.test(k)), ours.totalMs, vsTwin(twin.inclusive)),
  ].join('\n');
}

if (childRole() === 'synth-issue') {
  childMain(() => issueChild(childInput<IssueInput>()));
}
