/**
 * Measurement 5: the bundled authorizer, alone and chained with the proxy.
 *
 * One child process loads the BUILT authorizer and proxy the way Lambda loads them (a fresh copy
 * of each synthesized asset folder: index.js + the group's config.json, `require(dir +
 * '/index.js').handler`) and calls them in-process, one request at a time (a Lambda instance
 * handles one event at a time). Its AWS SDK clients talk to local endpoints speaking the real
 * protocols, in their own process (bench/services.ts): Secrets Manager for the AppCodes, the
 * Lambda Invoke API for the custom authorizer's function. The HTTP backend is the proxy
 * benchmark's (bench/backend.ts).
 *
 * Contenders, rotating round by round like the proxy benchmark's:
 * - authorizer alone: no authentication to check (a reference: routing, verdict and log line
 *   only), app authentication (secrets already cached), custom authorizer cache hit, custom
 *   authorizer cache miss (an identity value never seen before: a real Invoke on 127.0.0.1);
 * - end to end: authorizer + proxy on the app-authenticated API, as API Gateway chains them (the
 *   authorizer's context becomes the proxy event's `requestContext.authorizer`), and the proxy
 *   alone on the unauthenticated twin API (same backend, same parameter).
 *
 * No goals were set for these: the section reports measurements only.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { authorizerEventFor } from '../test/support/events';
import { lambdaEnv } from '../test/support/local-lambda';
import { secretsManagerEnv } from '../test/support/local-secrets-manager';
import {
  BenchContext, childInput, childMain, childRole, fmt, fmtInt, fmtRatio, FixtureAuthorizer, freshCopy, quantile, ratio,
  runChild, Section, WORK,
} from './common';
import { drive, restEvent, RestEvent } from './proxy';
import type { SigV4Credentials } from '../lib/local/sigv4';
import { invocationCount, startServices } from './services';

const TITLE = '5. Authorizer latency and end-to-end cost';

interface AuthorizerInput {
  readonly port: number;
  readonly proxyAsset: string;
  readonly auth: FixtureAuthorizer;
  readonly lambdaEndpoint: string;
  readonly secretsEndpoint: string;
  /** The key pair the local endpoints accept (drawn in their process). */
  readonly credentials: SigV4Credentials;
  readonly quick: boolean;
}

interface Stats {
  readonly contender: string;
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** CPU time of the calling process per request, µs (user + system, all its threads). */
  readonly cpuUs: number;
  /** Requests whose answer was not the expected one (verdict ok, or status 200). */
  readonly failures: number;
  /** Invocations of the custom authorizer's function during this contender's requests (custom modes only). */
  readonly invocations?: number;
}

interface AuthorizerOutput {
  readonly stats: Stats[];
  readonly notes: string[];
  /** Wall-clock ms of the very first request of each kind, on the fresh handlers. */
  readonly first: { app: number; miss: number };
  /** p50 (ms) of the authorizer's and the proxy's part of the chained requests. */
  readonly split: { authorizer: number; proxy: number };
}

interface AuthorizerResult {
  principalId: string;
  context: Record<string, unknown>;
}
type Handler<R> = (event: unknown, context?: unknown) => Promise<R>;
type ProxyResult = { statusCode: number; body: string };

/** One request as both functions see it: the authorizer's REQUEST event and the proxy's event. */
interface Exchange {
  readonly auth: Record<string, unknown>;
  readonly proxy: RestEvent;
}

interface Contender {
  readonly requests: number;
  readonly events: Exchange[];
  readonly call: (x: Exchange) => Promise<unknown>;
  /** Whether the custom authorizer's function invocations are counted around each chunk. */
  readonly countInvocations?: boolean;
}

const HIT_TOKENS = 64;
const LAMBDA_CONTEXT = { getRemainingTimeInMillis: () => 30_000, awsRequestId: 'bench', functionName: 'bench' };

function withHeaders(event: RestEvent, headers: Record<string, string>): RestEvent {
  for (const [name, value] of Object.entries(headers)) {
    event.headers[name] = value;
    event.multiValueHeaders[name] = [value];
  }
  return event;
}

/** `count` requests to `template` (`/app/items/{id}`) with id 1000 + n, `?view=full`, and the given headers. */
function exchanges(template: string, count: number, headers: (n: number) => Record<string, string>): Exchange[] {
  return Array.from({ length: count }, (_, n) => {
    const id = String(1000 + n);
    const proxy = withHeaders(restEvent('GET', template, template.replace('{id}', id), { id }, { view: 'full' }, n), headers(n));
    return { proxy, auth: authorizerEventFor(proxy as unknown as APIGatewayProxyEvent) };
  });
}

/** Sets an identity header on both header maps of both events (the requests are sequential). */
function setHeader(x: Exchange, name: string, value: string): void {
  x.proxy.headers[name] = value;
  x.proxy.multiValueHeaders[name] = [value];
  (x.auth.headers as Record<string, string>)[name] = value;
  (x.auth.multiValueHeaders as Record<string, string[]>)[name] = [value];
}

async function child(input: AuthorizerInput): Promise<AuthorizerOutput> {
  const auth = input.auth;
  // What Lambda would give the functions: their environment, a region and credentials (dummy
  // here), and the endpoints of the local services. No SDK retries: a failure shows as a failure.
  Object.assign(process.env, auth.env, lambdaEnv(input.lambdaEndpoint, undefined, input.credentials),
    secretsManagerEnv(input.secretsEndpoint, undefined, input.credentials));
  // Inside the repository, so that `@aws-sdk/*` resolves from node_modules as the Lambda runtime provides it.
  const parent = path.join(WORK, 'handlers');
  const authorizerDir = freshCopy(auth.asset, 'authorizer', parent);
  const proxyDir = freshCopy(input.proxyAsset, 'proxy', parent);
  process.on('exit', () => {
    fs.rmSync(authorizerDir, { recursive: true, force: true });
    fs.rmSync(proxyDir, { recursive: true, force: true });
  });
  const authorizer = require(path.join(authorizerDir, 'index.js')).handler as Handler<AuthorizerResult>;
  const proxy = require(path.join(proxyDir, 'index.js')).handler as Handler<ProxyResult>;
  const notes: string[] = [];

  const appCode = { 'X-Apig-AppCode': auth.appCode };
  const hitToken = (n: number) => `hit${(n % HIT_TOKENS).toString(36).padStart(4, '0')}`;
  let missSeq = 0;
  const missToken = () => `miss${(missSeq++).toString(36).padStart(6, '0')}`;
  const open = exchanges('/items/{id}', 512, () => ({}));
  const app = exchanges(auth.appPath, 512, () => appCode);
  const custom = exchanges(auth.customPath, 512, n => ({ [auth.identityHeader]: hitToken(n) }));
  const fresh = exchanges(auth.customMissPath, 512, () => ({ [auth.identityHeader]: missToken() }));

  const failures: Record<string, number> = {};
  const verdictOk = (label: string) => (r: AuthorizerResult) => {
    if (r.context?.apigVerdict !== 'ok') { failures[label] = (failures[label] ?? 0) + 1; }
    return r;
  };
  const status200 = (label: string) => (r: ProxyResult) => {
    if (r.statusCode !== 200) { failures[label] = (failures[label] ?? 0) + 1; }
    return r;
  };
  /** Latency (ms) of each part of the chained requests: the authorizer's call, then the proxy's (with the glue). */
  const parts = { authorizer: [] as number[], proxy: [] as number[] };
  /** API Gateway's part of the chain: the authorizer's context, stringified, becomes `requestContext.authorizer`. */
  const chained = async (x: Exchange): Promise<ProxyResult> => {
    const t0 = performance.now();
    const result = await authorizer(x.auth, LAMBDA_CONTEXT);
    const t1 = performance.now();
    const context: Record<string, unknown> = { principalId: result.principalId, integrationLatency: 0 };
    for (const key of Object.keys(result.context)) { context[key] = String(result.context[key]); }
    const answer = await proxy({ ...x.proxy, requestContext: { ...x.proxy.requestContext, authorizer: context } }, LAMBDA_CONTEXT);
    parts.authorizer.push(t1 - t0);
    parts.proxy.push(performance.now() - t1);
    return answer;
  };

  const q = input.quick;
  const contenders: Record<string, Contender> = {
    'no-check': {
      requests: q ? 3_000 : 16_000,
      events: open, call: x => authorizer(x.auth, LAMBDA_CONTEXT).then(verdictOk('no-check')),
    },
    'app': {
      requests: q ? 3_000 : 16_000,
      events: app, call: x => authorizer(x.auth, LAMBDA_CONTEXT).then(verdictOk('app')),
    },
    'hit': {
      requests: q ? 3_000 : 16_000, countInvocations: true,
      events: custom, call: x => authorizer(x.auth, LAMBDA_CONTEXT).then(verdictOk('hit')),
    },
    'miss': {
      requests: q ? 800 : 4_000, countInvocations: true,
      events: fresh,
      call: x => {
        setHeader(x, auth.identityHeader, missToken());
        return authorizer(x.auth, LAMBDA_CONTEXT).then(verdictOk('miss'));
      },
    },
    'e2e': {
      requests: q ? 1_500 : 8_000,
      events: app, call: x => chained(x).then(status200('e2e')),
    },
    'proxy': {
      requests: q ? 1_500 : 8_000,
      events: open, call: x => proxy(x.proxy, LAMBDA_CONTEXT).then(status200('proxy')),
    },
  };
  const names = Object.keys(contenders);

  // The first requests of the fresh handlers: they load the AWS SDK clients and read the secrets.
  let t0 = performance.now();
  const firstApp = await contenders.app.call(app[0]) as AuthorizerResult;
  const first = { app: performance.now() - t0, miss: 0 };
  t0 = performance.now();
  const firstMiss = await contenders.miss.call(fresh[0]) as AuthorizerResult;
  first.miss = performance.now() - t0;

  // Same answer with and without the authorizer in front, or the comparison means nothing.
  const viaAuthorizer = await chained(app[0]);
  const alone = await proxy(open[0].proxy, LAMBDA_CONTEXT);
  if (firstApp.context.apigVerdict !== 'ok' || firstMiss.context.apigVerdict !== 'ok') {
    notes.push(`The authorizer did not allow the benchmark's requests (app: ${JSON.stringify(firstApp.context)}, custom: `
      + `${JSON.stringify(firstMiss.context)}): its numbers measure a refusal, not an authentication.`);
  }
  if (viaAuthorizer.statusCode !== 200 || viaAuthorizer.body !== alone.body) {
    notes.push(`Authorizer + proxy answered ${viaAuthorizer.statusCode} (${viaAuthorizer.body.slice(0, 160)}), the proxy alone `
      + `${alone.statusCode}: the chain did not reach the backend, so its numbers are not comparable.`);
  }

  // Warm-up: JIT, sockets, the secrets, the cache of the hit tokens (last, so that no miss evicts them).
  for (const name of ['no-check', 'app', 'miss', 'e2e', 'proxy', 'hit']) {
    const c = contenders[name];
    const count = name === 'miss' ? (q ? 200 : 500) : (q ? 500 : 2_000);
    await drive(c.call, c.events, count, 1, new Float64Array(count), 0);
  }
  for (const name of names) { delete failures[name]; }
  parts.authorizer.length = 0;
  parts.proxy.length = 0;

  const rounds = 8;
  const gc = (globalThis as { gc?: () => void }).gc;
  const lat = Object.fromEntries(names.map(n => [n, new Float64Array(Math.floor(contenders[n].requests / rounds) * rounds)]));
  const elapsed = Object.fromEntries(names.map(n => [n, 0]));
  const cpuUs = Object.fromEntries(names.map(n => [n, 0]));
  const invocations = Object.fromEntries(names.map(n => [n, 0]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length];
      const c = contenders[name];
      const perRound = lat[name].length / rounds;
      const before = c.countInvocations ? await invocationCount(input.lambdaEndpoint, input.credentials) : 0;
      gc?.();
      const run = await drive(c.call, c.events, perRound, 1, lat[name], round * perRound);
      elapsed[name] += run.ms;
      cpuUs[name] += run.cpuUs;
      if (c.countInvocations) { invocations[name] += await invocationCount(input.lambdaEndpoint, input.credentials) - before; }
    }
  }
  const stats = names.map((name): Stats => {
    const l = lat[name];
    return {
      contender: name,
      requests: l.length,
      rps: l.length / (elapsed[name] / 1000),
      p50: quantile(l, 0.5),
      p99: quantile(l, 0.99),
      cpuUs: cpuUs[name] / l.length,
      failures: failures[name] ?? 0,
      ...(contenders[name].countInvocations ? { invocations: invocations[name] } : {}),
    };
  });
  const split = { authorizer: quantile(parts.authorizer, 0.5), proxy: quantile(parts.proxy, 0.5) };
  return { stats, notes, first, split };
}

function labelOf(name: string): string {
  return {
    'no-check': 'no authentication to check (reference)',
    'app': 'app (AppCode; secrets cached)',
    'hit': 'custom authorizer, cache hit',
    'miss': 'custom authorizer, cache miss (Invoke on 127.0.0.1)',
    'e2e': 'authorizer (app) + proxy',
    'proxy': 'proxy alone (unauthenticated twin API)',
  }[name] ?? name;
}

export async function measure(ctx: BenchContext): Promise<Section> {
  if (!ctx.fixture || !ctx.backendPort) { throw new Error(ctx.fixtureError ?? 'no fixture'); }
  const auth = ctx.fixture.authorizer;
  if (!auth) { throw new Error('the fixture has no authorizer asset'); }
  const services = await startServices({ secrets: auth.secrets, functionName: auth.functionName, identityHeader: auth.identityHeader });
  let out: AuthorizerOutput;
  try {
    out = await runChild<AuthorizerOutput>('authorizer.ts', 'authorizer', {
      port: ctx.backendPort,
      proxyAsset: ctx.fixture.proxyAsset,
      auth,
      lambdaEndpoint: services.lambdaEndpoint,
      secretsEndpoint: services.secretsEndpoint,
      credentials: services.credentials,
      quick: ctx.quick,
    } satisfies AuthorizerInput, ['--expose-gc'], 300_000);
  } finally {
    await services.stop();
  }

  const at = (name: string) => out.stats.find(s => s.contender === name)!;
  const noCheck = at('no-check');
  const hit = at('hit');
  const alone = at('proxy');
  const authorizerRows = ['no-check', 'app', 'hit', 'miss'].map(name => {
    const s = at(name);
    return [
      labelOf(name), fmtInt(s.requests), fmt(s.p50 * 1000, 1), fmt(s.p99 * 1000, 0), fmt(s.cpuUs, 1),
      fmtRatio(ratio(s.p50, noCheck.p50)), fmtRatio(ratio(s.cpuUs, noCheck.cpuUs)), fmtRatio(ratio(s.p50, hit.p50)),
      s.invocations === undefined ? '-' : `${fmtInt(s.invocations)} of ${fmtInt(s.requests)}`,
    ];
  });
  const chainRows = ['e2e', 'proxy'].map(name => {
    const s = at(name);
    return [
      labelOf(name), fmtInt(s.requests), fmtInt(s.rps), fmt(s.p50 * 1000, 0), fmt(s.p99 * 1000, 0), fmt(s.cpuUs, 0),
      fmtRatio(ratio(s.p50, alone.p50)), fmtRatio(ratio(s.cpuUs, alone.cpuUs)), fmtRatio(ratio(s.rps, alone.rps)),
      name === 'proxy' ? '-' : `+${fmt((s.p50 - alone.p50) * 1000, 0)} / +${fmt(s.cpuUs - alone.cpuUs, 0)}`,
      name === 'proxy' ? '-' : `${fmt(out.split.authorizer * 1000, 1)} / ${fmt(out.split.proxy * 1000, 0)}`,
    ];
  });
  const failed = out.stats.filter(s => s.failures > 0);
  const app = at('app');
  const miss = at('miss');
  const e2e = at('e2e');
  return {
    title: TITLE,
    tables: [
      {
        caption: 'Authorizer alone, one request at a time (in-process call of the built handler)',
        columns: ['mode', 'requests', 'p50 µs', 'p99 µs', 'CPU µs/req', 'p50 vs no check', 'CPU vs no check', 'p50 vs cache hit',
          'function invocations'],
        rows: authorizerRows,
      },
      {
        caption: 'End to end in-process, one request at a time: authorizer + proxy vs the proxy alone (same group, same backend)',
        columns: ['contender', 'requests', 'req/s', 'p50 µs', 'p99 µs', 'CPU µs/req', 'p50 vs proxy alone', 'CPU vs proxy alone',
          'req/s vs proxy alone', 'added p50 µs / CPU µs', 'p50 µs of its parts: authorizer / proxy'],
        rows: chainRows,
      },
    ],
    goals: [],
    notes: [
      ...out.notes,
      ...failed.map(s => `${labelOf(s.contender)}: ${fmtInt(s.failures)} of ${fmtInt(s.requests)} requests did not get the expected `
        + 'answer (verdict ok, or status 200): read its row with care.'),
      'No goal was set for the authorizer: these are measurements, without PASS or MISS (its bundle size and cold load are '
        + 'judged in section 3).',
      `Summary: a cache miss takes ${fmtRatio(ratio(miss.p50, hit.p50))} the p50 of a cache hit (${fmtRatio(ratio(miss.cpuUs, hit.cpuUs))} `
        + `its CPU); app authentication takes ${fmtRatio(ratio(app.p50, hit.p50))} the p50 of a cache hit. Authorizer + proxy takes `
        + `${fmtRatio(ratio(e2e.p50, alone.p50))} the p50 of the proxy alone (${fmtRatio(ratio(e2e.cpuUs, alone.cpuUs))} its CPU), `
        + `against ${fmtRatio(ratio(app.p50 + alone.p50, alone.p50))} if the two p50s simply added up: inside the chain the `
        + `authorizer's part has a p50 of ${fmt(out.split.authorizer * 1000, 1)} µs (${fmtRatio(ratio(out.split.authorizer, app.p50))} `
        + `its p50 when called request after request by itself) and the proxy's ${fmt(out.split.proxy * 1000, 0)} µs `
        + `(${fmtRatio(ratio(out.split.proxy, alone.p50))} the proxy alone). Each runs with colder CPU caches and branch history `
        + 'when the other runs between its calls. On AWS they run in separate Lambda instances: read the chain as the cost of '
        + 'the code with both sharing one core, not as a prediction of API Gateway\'s latency (which adds its own hops).',
      `The group: ${ctx.fixture.apiCount} APIs, three apps (one AppCode each, in Secrets Manager; an AppCode is compared with every `
        + 'app\'s code), two custom authorizers calling the same function, each with an identity header validated by a pattern and '
        + `a ${auth.ttlSeconds} s result cache of its own (1,000 entries). App: GET ${auth.appPath}?view=full with X-Apig-AppCode. `
        + `Cache hit: GET ${auth.customPath} with ${auth.identityHeader} cycling through ${HIT_TOKENS} values cached during warm-up. `
        + `Cache miss: GET ${auth.customMissPath} (the second authorizer) with a value never seen before, so the authorizer hashes `
        + 'it, misses, invokes its function through the real @aws-sdk/client-lambda (request signing included) on a local endpoint '
        + 'speaking the Lambda Invoke API, in another process, and stores the result; "function invocations" counts what that '
        + 'endpoint received during the timed requests. No SDK retries (AWS_MAX_ATTEMPTS=1).',
      'End to end: the app-authenticated API and its unauthenticated twin GET /items/{id} (section 1\'s API) have the same HTTP '
        + 'backend (bench/backend.ts, its own process, keep-alive) and the same NUMBER path parameter. The chain does API Gateway\'s '
        + 'part in-process: the authorizer\'s context, stringified, becomes the proxy event\'s requestContext.authorizer (with '
        + 'principalId). Events and results are passed as objects (no JSON round trip), as in section 1.',
      'The authorizer writes one log line per decision (console.log; stdout is /dev/null, synchronous writes): included, as in '
        + 'Lambda. Six contenders rotate over 8 rounds in one process, after a warm-up; `gc()` before every chunk. "CPU µs/req" '
        + 'is the calling process\'s CPU time (user + system, all threads) per request: the least disturbed figure on a shared '
        + 'machine. p99 mostly measures scheduling of other processes.',
      `First requests of the freshly loaded authorizer (single samples, wall-clock, not in the tables): app ${fmt(out.first.app, 1)} ms `
        + '(loads @aws-sdk/client-secrets-manager and reads the three apps\' secrets), custom cache miss '
        + `${fmt(out.first.miss, 1)} ms (loads @aws-sdk/client-lambda and invokes). Lambda adds them to a cold start's first request.`,
    ],
  };
}

if (childRole() === 'authorizer') {
  childMain(() => child(childInput<AuthorizerInput>()));
}
