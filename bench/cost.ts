/**
 * Measurement 8: requests per dollar (issue 15 item 4). Issue 8's group shape (1000 APIs, app
 * auth, 10% with their own throttle, 5% IAM, CORS, 2 custom responses: test/support/issue-shape-
 * group.ts) is synthesized in four ways and served by the local gateway over HTTP against a
 * 127.0.0.1 backend that answers after 100 ms:
 * - today's shape, every API through the proxy;
 * - the same group with DirectIntegration.AUTO;
 * - the shape as a team would set it up for direct integration (no CORS, AppCode-only apps, a
 *   backend path without request values), AUTO plus `direct: true` on its app APIs;
 * - a plain SpecRestApi calling the backend with HTTP_PROXY (no Lambda at all).
 * For one API of each category, the Lambda invocations per request and their billed milliseconds
 * are counted by the local gateway's function pool (`functionUsage()`: each invocation's duration
 * rounded up to the millisecond, as Lambda bills it). The cost per million requests weighs the
 * categories by their share of the group's APIs (uniform traffic per API) at AWS list prices.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { SignatureV4 } from '@smithy/signature-v4';
import { ApiAuth, ApiGroup, Backend, DirectIntegration, ResponseType } from '../lib';
import { startLocalGateway } from '../lib/local';
import { addIssueApis, ISSUE_METHODS, ISSUE_SHAPE, issueGroupProps, issuePath } from '../test/support/issue-shape-group';
import { NodeSha256 } from '../test/local/node-sha256';
import { BenchContext, fmt, Section, WORK } from './common';

const TITLE = '8. Requests per dollar';
const APP_CODE = 'BenchCostAppCode'.padEnd(64, '0');
const CREDENTIALS = { accessKeyId: 'AKIDBENCHCOST0001', secretAccessKey: 'bench-secret' };
const BACKEND_MS = 100;

/**
 * AWS list prices, US East (N. Virginia), x86: https://aws.amazon.com/lambda/pricing/ and
 * https://aws.amazon.com/api-gateway/pricing/ (REST APIs, first 333 million requests a month). This
 * machine cannot reach those pages: these are the figures issue 15 quotes ($0.20 and $3.50 per
 * million) and Lambda's published GB-second price, taken on 2026-12-07; recheck them when you read this.
 */
const PRICES = { restApiPerMillion: 3.5, lambdaRequestsPerMillion: 0.2, lambdaGbSecond: 0.0000166667 };

type Category = 'app' | 'app, own response' | 'app, own throttle' | 'app, own throttle and response' | 'IAM' | 'CORS preflight';

/**
 * The category of API (r, m) of the issue's shape (every API of a category is declared alike in
 * every variant, so one sample stands for all of them); a preflight is no API's and is reported apart.
 */
function categoryOf(r: number, m: number): Exclude<Category, 'CORS preflight'> {
  if (ISSUE_SHAPE.iam(r, m)) { return 'IAM'; }
  const own = r % 2 === 0; // the issue's shape: even resources select the `strict` response
  if (ISSUE_SHAPE.throttled(r, m)) { return own ? 'app, own throttle and response' : 'app, own throttle'; }
  return own ? 'app, own response' : 'app';
}

/** The first API (resource r, method index m) of each category: the request path and method it is called with. */
function samples(): Map<Category, { path: string; method: string }> {
  const out = new Map<Category, { path: string; method: string }>();
  for (let r = 0; r < 250; r++) {
    ISSUE_METHODS.forEach((method, m) => {
      const c = categoryOf(r, m);
      if (!out.has(c)) { out.set(c, { path: issuePath(r).replace('{id}', 'item-7'), method }); }
    });
  }
  out.set('CORS preflight', { path: issuePath(1).replace('{id}', 'item-7'), method: 'OPTIONS' });
  return out;
}

function shares(): Map<Category, number> {
  const counts = new Map<Category, number>();
  for (let r = 0; r < 250; r++) {
    ISSUE_METHODS.forEach((_m, m) => { const c = categoryOf(r, m); counts.set(c, (counts.get(c) ?? 0) + 1); });
  }
  return new Map([...counts].map(([c, n]) => [c, n / 1000]));
}

interface Variant {
  readonly label: string;
  build(stack: Stack, backendUrl: string): void;
}

const VARIANTS: Variant[] = [
  { label: 'issue-8 shape, all through the proxy (today)', build: (stack, url) => addIssueApis(new ApiGroup(stack, 'Group', issueGroupProps()), ISSUE_SHAPE, `${url}/{id}`) },
  {
    label: 'issue-8 shape, DirectIntegration.AUTO',
    build: (stack, url) => addIssueApis(new ApiGroup(stack, 'Group', issueGroupProps({ directIntegration: DirectIntegration.AUTO })), ISSUE_SHAPE, `${url}/{id}`),
  },
  { label: 'shape set up for direct: AUTO + direct: true on app APIs (resource quota raised to 400)', build: (stack, url) => directReady(stack, url) },
  { label: 'plain SpecRestApi, HTTP_PROXY (no Lambda)', build: (stack, url) => plainTwin(stack, url) },
];

/** The issue's shape without what keeps APIs on the proxy: no CORS, AppCode-only apps, a fixed backend path. */
function directReady(stack: Stack, url: string): void {
  // Its 402 direct APIs need their own paths: 311 REST API resources, so the quota is raised (AWS allows it on request).
  const group = new ApiGroup(stack, 'Group', { groupName: 'big', directIntegration: DirectIntegration.AUTO, maxRestResources: 400 });
  const strict = group.addGatewayResponse('strict', { rules: [{ type: ResponseType.NOT_FOUND, statusCode: 404, body: '{"strict":true}' }] });
  const app = group.addApp('mobile');
  for (let r = 0; r < 250; r++) {
    ISSUE_METHODS.forEach((method, m) => {
      const iam = ISSUE_SHAPE.iam(r, m);
      const own = r % 2 === 0;
      group.addApi(`Api${r}x${m}`, {
        method, path: issuePath(r), backend: Backend.http(`${url}/items`),
        auth: iam ? ApiAuth.iam() : ApiAuth.app({ apps: [app], signature: false }),
        throttle: ISSUE_SHAPE.throttled(r, m) ? { rateLimit: 50, burstLimit: 100 } : undefined,
        gatewayResponse: own ? strict : undefined,
        ...(!iam && !own ? { direct: true } : {}),
      });
    });
  }
}

/** A plain REST API: each category's sample path calls the backend with HTTP_PROXY (IAM where the category is). */
function plainTwin(stack: Stack, url: string): void {
  const api = new apigw.RestApi(stack, 'Plain', { deploy: true });
  for (const [category, sample] of samples()) {
    if (category === 'CORS preflight') { continue; }
    const parts = sample.path.split('/').filter(Boolean);
    const resource = api.root.resourceForPath(parts.join('/'));
    resource.addMethod(sample.method, new apigw.HttpIntegration(`${url}/items`, { proxy: true, httpMethod: sample.method }),
      { authorizationType: category === 'IAM' ? apigw.AuthorizationType.IAM : apigw.AuthorizationType.NONE });
  }
}

interface Row { readonly variant: string; readonly category: Category; readonly status: number; readonly invocations: number; readonly billedMs: number; readonly memoryMb: number }

export async function measure(ctx: BenchContext): Promise<Section> {
  const perCategory = ctx.quick ? 3 : 10;
  const backend = http.createServer((_req, res) => { setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); }, BACKEND_MS); });
  await new Promise<void>(resolve => backend.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(backend.address() as { port: number }).port}`;
  const rows: Row[] = [];
  const directCounts: string[] = [];
  try {
    for (const variant of VARIANTS) {
      const outdir = path.join(WORK, `cost-${VARIANTS.indexOf(variant)}.out`);
      fs.rmSync(outdir, { recursive: true, force: true });
      const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
      const stack = new Stack(app, 'Cost');
      variant.build(stack, url);
      const assembly = app.synth();
      const template = assembly.getStackByName('Cost').template as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
      const memory = new Map(Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function').map(([id, r]) => [id, Number(r.Properties.MemorySize ?? 128)]));
      const report = fs.readdirSync(outdir).find(f => f.endsWith('.deployment-report.json'));
      if (report) { directCounts.push(`${variant.label}: ${JSON.parse(fs.readFileSync(path.join(outdir, report), 'utf8')).integrations.direct} of 1000 APIs direct`); }
      const gateway = await startLocalGateway({ assembly: outdir, port: 0, region: 'eu-west-1', log: () => undefined, appCodes: { mobile: APP_CODE }, iamCredentials: CREDENTIALS });
      try {
        const base = gateway.groups[0].url.replace(/\/$/, '');
        for (const [category, sample] of samples()) {
          const send = async (): Promise<number> => {
            const headers: Record<string, string> = category === 'CORS preflight'
              ? { 'Origin': 'https://shop.example.com', 'Access-Control-Request-Method': 'GET' }
              : category === 'IAM' ? await signed(base, sample) : { 'X-Apig-AppCode': APP_CODE };
            const res = await fetch(`${base}${sample.path}`, { method: sample.method, headers, body: sample.method === 'POST' || sample.method === 'PUT' ? '{}' : undefined });
            await res.arrayBuffer();
            return res.status;
          };
          // Only the issue-8 shape has CORS (and so preflights).
          if (category === 'CORS preflight' && VARIANTS.indexOf(variant) > 1) { continue; }
          await send(); // warm: workers started, secrets cached
          const before = usageOf(gateway.functionUsage());
          let status = 0;
          for (let i = 0; i < perCategory; i++) { status = await send(); }
          const after = usageOf(gateway.functionUsage());
          let invocations = 0;
          let billedMs = 0;
          let weightedMb = 0;
          for (const [id, a] of after) {
            const b = before.get(id) ?? { invocations: 0, billedMs: 0 };
            invocations += a.invocations - b.invocations;
            billedMs += a.billedMs - b.billedMs;
            weightedMb += (a.billedMs - b.billedMs) * (memory.get(id) ?? 128);
          }
          rows.push({
            variant: variant.label, category, status,
            invocations: invocations / perCategory, billedMs: billedMs / perCategory, memoryMb: billedMs > 0 ? weightedMb / billedMs : 0,
          });
        }
      } finally {
        await gateway.close();
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    }
  } finally {
    await new Promise<void>(resolve => backend.close(() => resolve()));
  }

  const share = shares();
  const costOf = (r: Row): number => PRICES.restApiPerMillion + r.invocations * PRICES.lambdaRequestsPerMillion
    + (r.billedMs / 1000) * (r.memoryMb / 1024) * PRICES.lambdaGbSecond * 1e6;
  const totals = VARIANTS.map(v => {
    const own = rows.filter(r => r.variant === v.label && r.category !== 'CORS preflight');
    return [v.label, fmt(own.reduce((sum, r) => sum + (share.get(r.category) ?? 0) * costOf(r), 0), 2),
      fmt(own.reduce((sum, r) => sum + (share.get(r.category) ?? 0) * r.invocations, 0), 2)];
  });
  return {
    title: TITLE,
    tables: [
      {
        caption: `Per API category: Lambda invocations and billed Lambda ms per request (mean of ${perCategory} requests, local gateway over HTTP, backend answering after ${BACKEND_MS} ms), and the cost per million requests of that category`,
        columns: ['variant', 'category (share of APIs)', 'status', 'invocations / request', 'billed ms / request', 'memory MB', 'USD per million'],
        rows: rows.map(r => [r.variant, `${r.category}${share.has(r.category) ? ` (${fmt(100 * share.get(r.category)!, 1)}%)` : ''}`, String(r.status),
          fmt(r.invocations, 2), fmt(r.billedMs, 1), r.memoryMb > 0 ? fmt(r.memoryMb, 0) : '-', fmt(costOf(r), 2)]),
      },
      { caption: 'Whole group, traffic spread evenly over its 1000 APIs (preflights not included)', columns: ['variant', 'USD per million requests', 'Lambda invocations per request'], rows: totals },
    ],
    goals: [],
    notes: [
      `Prices: API Gateway REST $${PRICES.restApiPerMillion} per million requests (https://aws.amazon.com/api-gateway/pricing/, first 333 million a month), Lambda $${PRICES.lambdaRequestsPerMillion} per million requests and $${PRICES.lambdaGbSecond} per GB-second (x86, https://aws.amazon.com/lambda/pricing/), US East (N. Virginia): the list prices issue 15 quotes, taken on 2026-12-07 (this machine cannot reach the pages; recheck them). Recompute with your own: USD per million = REST price + invocations x Lambda request price + billed ms / 1000 x memory GB x GB-second price x 10^6.`,
      'Billed ms are measured by the local gateway around each invocation of the bundled handlers in their worker processes (rounded up to the millisecond, as Lambda bills): on Lambda they would be close but not equal; the proxy is billed for the whole backend wait.',
      ...directCounts,
      'On the issue-8 shape AUTO takes no API: every API has CORS (API Gateway adds no CORS headers to an integration\'s answers), app signatures are on by default (only the proxy sees the body), and the backend URL takes {id} from the path. The third variant removes exactly these.',
    ],
  };
}

function usageOf(list: ReadonlyArray<{ id: string; invocations: number; billedMs: number }>): Map<string, { invocations: number; billedMs: number }> {
  return new Map(list.map(u => [u.id, { invocations: u.invocations, billedMs: u.billedMs }]));
}

async function signed(base: string, sample: { path: string; method: string }): Promise<Record<string, string>> {
  const url = new URL(`${base}${sample.path}`);
  const signer = new SignatureV4({ credentials: CREDENTIALS, region: 'eu-west-1', service: 'execute-api', sha256: NodeSha256 });
  const body = sample.method === 'POST' || sample.method === 'PUT' ? '{}' : undefined;
  const request = await signer.sign({ method: sample.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host }, ...(body ? { body } : {}) });
  return request.headers as Record<string, string>;
}
