/**
 * Runs the BUILT proxy asset the way Lambda does: a folder holding the bundled `index.js` and
 * `config.json`, the handler named `file.export`, events and results passed as JSON.
 *
 * Where the folder comes from is separate from invoking it:
 * - `loadProxyAsset(doc)`: a fresh folder under `test/.work/` with `assets/proxy/index.js` and the
 *   document. Inside the repository so that `@aws-sdk/*` resolves from the project's node_modules,
 *   as the Lambda runtime provides it.
 * - `loadProxyFromDir(dir, handler)`: any folder, e.g. a synthesized stack's asset in cdk.out.
 *
 * The asset is built by jest's globalSetup (scripts/bundle.mjs), so tests never run stale code.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ConfigDocument } from '../../lib/private/config-document';
import { writeConfigFiles } from '../../lib/private/config-files';
import { authorizerEventFor, EventOptions, proxyEvent } from './events';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const PROXY_ASSET = path.join(REPO_ROOT, 'assets', 'proxy', 'index.js');
export const AUTHORIZER_ASSET = path.join(REPO_ROOT, 'assets', 'authorizer', 'index.js');
export const WORK_DIR = path.join(REPO_ROOT, 'test', '.work');

/** Lambda's synchronous response payload limit: a larger result fails the invocation. */
const LAMBDA_RESPONSE_LIMIT = 6_291_456;

export interface ProxyResultShape {
  statusCode: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded?: boolean;
}

export interface LoadedProxy {
  /** The folder the handler was loaded from. */
  readonly dir: string;
  /** Invokes the handler as Lambda does: JSON in, JSON out, response size enforced. */
  invoke(event: unknown, context?: Partial<LambdaContextStub>): Promise<ProxyResultShape>;
}

export interface LambdaContextStub {
  awsRequestId: string;
  functionName: string;
  getRemainingTimeInMillis(): number;
}

let sequence = 0;

/** A new empty folder under test/.work/. */
export function freshWorkDir(prefix: string): string {
  fs.mkdirSync(WORK_DIR, { recursive: true });
  sequence += 1;
  return fs.mkdtempSync(path.join(WORK_DIR, `${prefix}-${process.pid}-${sequence}-`));
}

/** Copies the built proxy and `doc` (as config.json and apis.jsonl) into a fresh folder and loads it. */
export async function loadProxyAsset(doc: ConfigDocument | unknown, options: { configFileName?: string } = {}): Promise<LoadedProxy> {
  if (!fs.existsSync(PROXY_ASSET)) {
    throw new Error(`${PROXY_ASSET} is missing: run "node scripts/bundle.mjs" (jest's globalSetup does)`);
  }
  const dir = freshWorkDir('proxy');
  fs.copyFileSync(PROXY_ASSET, path.join(dir, 'index.js'));
  writeConfigFiles(dir, doc);
  if (options.configFileName) { fs.renameSync(path.join(dir, 'config.json'), path.join(dir, options.configFileName)); }
  return loadProxyFromDir(dir);
}

const loaded = new Set<string>();

/** Requires a module afresh: a second load of the same file gets new module state (a cold start). */
function requireFresh(file: string): Record<string, unknown> {
  if (typeof jest !== 'undefined') {
    // Jest keeps its own module registry; require.cache cannot be cleared there.
    if (!loaded.has(file)) {
      loaded.add(file);
      return require(file);
    }
    let mod: Record<string, unknown> = {};
    jest.isolateModules(() => { mod = require(file); });
    return mod;
  }
  delete require.cache[require.resolve(file)];
  return require(file);
}

/**
 * Loads a handler from a Lambda asset folder. `handlerName` is Lambda's `Handler` setting:
 * `<file without .js>.<export>`, the file possibly in a subfolder (`src/index.handler`).
 */
export function loadProxyFromDir(dir: string, handlerName = 'index.handler'): LoadedProxy {
  const dot = handlerName.lastIndexOf('.');
  if (dot <= 0) { throw new Error(`handler "${handlerName}" is not <file>.<export>`); }
  const file = path.join(dir, `${handlerName.slice(0, dot)}.js`);
  const exportName = handlerName.slice(dot + 1);
  const mod = requireFresh(file);
  const handler = mod[exportName];
  if (typeof handler !== 'function') { throw new Error(`${file} does not export a function "${exportName}"`); }
  return {
    dir,
    async invoke(event, context) {
      const ctx: LambdaContextStub = {
        awsRequestId: 'lambda-request-id',
        functionName: 'proxy',
        getRemainingTimeInMillis: () => 30_000,
        ...context,
      };
      const raw = await (handler as (e: unknown, c: unknown) => Promise<unknown>)(JSON.parse(JSON.stringify(event)), ctx);
      const serialized = JSON.stringify(raw);
      if (serialized === undefined) { throw new Error('the handler returned undefined'); }
      const size = Buffer.byteLength(serialized, 'utf8');
      if (size > LAMBDA_RESPONSE_LIMIT) {
        throw new Error(`Lambda would refuse this response: ${size} bytes is over ${LAMBDA_RESPONSE_LIMIT}`);
      }
      return JSON.parse(serialized) as ProxyResultShape;
    },
  };
}

/** Removes the folders this process created under test/.work/ (call in afterAll). */
export function cleanWorkDirs(): void {
  if (!fs.existsSync(WORK_DIR)) { return; }
  for (const name of fs.readdirSync(WORK_DIR)) {
    if (name.includes(`-${process.pid}-`)) { fs.rmSync(path.join(WORK_DIR, name), { recursive: true, force: true }); }
  }
}

/** A header of a result, by case-insensitive name (multiValueHeaders win, as in API Gateway). */
export function resultHeader(result: ProxyResultShape, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, values] of Object.entries(result.multiValueHeaders ?? {})) {
    if (key.toLowerCase() === lower) { return values.join(', '); }
  }
  for (const [key, value] of Object.entries(result.headers ?? {})) {
    if (key.toLowerCase() === lower) { return value; }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The authorizer asset, and both handlers chained as API Gateway runs them.

export interface AuthorizerResultShape {
  principalId: string;
  policyDocument: { Version: string; Statement: Array<{ Action: string | string[]; Effect: string; Resource: string | string[] }> };
  context?: Record<string, unknown>;
  usageIdentifierKey?: string;
}

export interface LoadedAuthorizer {
  readonly dir: string;
  /** Invokes the handler as Lambda does: JSON in, JSON out. */
  invoke(event: unknown, context?: Partial<LambdaContextStub>): Promise<AuthorizerResultShape>;
}

function copyAsset(asset: string, prefix: string, doc: unknown): string {
  if (!fs.existsSync(asset)) {
    throw new Error(`${asset} is missing: run "node scripts/bundle.mjs" (jest's globalSetup does)`);
  }
  const dir = freshWorkDir(prefix);
  fs.copyFileSync(asset, path.join(dir, 'index.js'));
  writeConfigFiles(dir, doc);
  return dir;
}

/** Loads a handler exported as `index.handler` from a folder, invoked with JSON in and out. */
function jsonHandler(dir: string, functionName: string): (event: unknown, context?: Partial<LambdaContextStub>) => Promise<unknown> {
  const file = path.join(dir, 'index.js');
  const handler = requireFresh(file).handler;
  if (typeof handler !== 'function') { throw new Error(`${file} does not export a function "handler"`); }
  return async (event, context) => {
    const ctx: LambdaContextStub = {
      awsRequestId: 'lambda-request-id',
      functionName,
      getRemainingTimeInMillis: () => 30_000,
      ...context,
    };
    const raw = await (handler as (e: unknown, c: unknown) => Promise<unknown>)(JSON.parse(JSON.stringify(event)), ctx);
    const serialized = JSON.stringify(raw);
    if (serialized === undefined) { throw new Error('the handler returned undefined'); }
    return JSON.parse(serialized);
  };
}

/** Copies the built authorizer and `doc` (as config.json) into a fresh folder and loads it. */
export function loadAuthorizerAsset(doc: ConfigDocument | unknown): LoadedAuthorizer {
  return loadAuthorizerFromDir(copyAsset(AUTHORIZER_ASSET, 'authorizer', doc));
}

export function loadAuthorizerFromDir(dir: string): LoadedAuthorizer {
  const invoke = jsonHandler(dir, 'authorizer');
  return { dir, invoke: async (event, context) => (await invoke(event, context)) as AuthorizerResultShape };
}

/**
 * Checks an authorizer result the way API Gateway (and SAM CLI's emulator) reads it, plus the
 * library's own rules: principalId a string; one Allow statement for execute-api:Invoke on
 * exactly the method ARN (or, past API Gateway's 512-character limit, its prefix and `*`);
 * context values all strings. Returns the problems found (empty when well-formed).
 */
export function authorizerResultProblems(result: unknown, methodArn: unknown): string[] {
  const problems: string[] = [];
  const r = result as AuthorizerResultShape;
  if (typeof result !== 'object' || result === null) { return ['not an object']; }
  if (typeof r.principalId !== 'string') { problems.push('principalId is not a string'); }
  const statements = r.policyDocument?.Statement;
  if (r.policyDocument?.Version !== '2012-10-17') { problems.push('policy Version is not 2012-10-17'); }
  if (!Array.isArray(statements) || statements.length !== 1) {
    problems.push('policy does not hold exactly one statement');
  } else {
    const st = statements[0];
    const arn = typeof methodArn === 'string' ? methodArn : '';
    const expected = arn.length > 512 ? `${arn.slice(0, 511)}*` : arn;
    if (st.Effect !== 'Allow') { problems.push(`statement Effect ${String(st.Effect)}`); }
    if (st.Action !== 'execute-api:Invoke') { problems.push(`statement Action ${JSON.stringify(st.Action)}`); }
    if (st.Resource !== expected) { problems.push(`statement Resource ${JSON.stringify(st.Resource)} is not the method ARN`); }
  }
  if (typeof r.context !== 'object' || r.context === null || Array.isArray(r.context)) {
    problems.push('context is not an object');
  } else {
    for (const [key, value] of Object.entries(r.context)) {
      if (typeof value !== 'string') { problems.push(`context.${key} is not a string`); }
    }
  }
  if (r.usageIdentifierKey !== undefined && typeof r.usageIdentifierKey !== 'string') { problems.push('usageIdentifierKey is not a string'); }
  return problems;
}

export interface GatewayExchange {
  /** The proxy's answer: what the client gets. */
  readonly result: ProxyResultShape;
  /** The authorizer's answer, when it ran. */
  readonly authorization?: AuthorizerResultShape;
  /** The event the proxy received. */
  readonly proxyEvent: APIGatewayProxyEvent;
}

export interface LocalGatewayChain {
  readonly proxy: LoadedProxy;
  readonly authorizer: LoadedAuthorizer;
  /**
   * One request as API Gateway runs it: for a method with the Lambda authorizer (`authorize`,
   * default true), the authorizer first, then the proxy with the authorizer's context as
   * `requestContext.authorizer` (values stringified, plus `principalId` and `integrationLatency`).
   * The authorizer's result must be well-formed and allow the method ARN (else this throws: API
   * Gateway would answer 500 or 403 natively, which our authorizer must never cause).
   */
  request(options: EventOptions & { authorize?: boolean; resource?: string; pathParameters?: Record<string, string> },
    context?: Partial<LambdaContextStub>): Promise<GatewayExchange>;
}

/** Chains an authorizer and a proxy as API Gateway does. */
export function chain(authorizer: LoadedAuthorizer, proxy: LoadedProxy): LocalGatewayChain {
  return {
    proxy,
    authorizer,
    async request(options, context) {
      const { authorize = true, resource, pathParameters, ...eventOptions } = options;
      const event = proxyEvent(eventOptions);
      // The resource API Gateway matched (default: the catch-all), as an API it exposes individually needs.
      if (resource !== undefined) {
        Object.assign(event, { resource, pathParameters: pathParameters ?? null });
        Object.assign(event.requestContext, { resourcePath: resource });
      }
      if (!authorize) { return { result: await proxy.invoke(event, context), proxyEvent: event }; }
      const input = authorizerEventFor(event);
      const authorization = await authorizer.invoke(input, context);
      const problems = authorizerResultProblems(authorization, input.methodArn);
      if (problems.length > 0) { throw new Error(`malformed authorizer result: ${problems.join('; ')}`); }
      const stringified: Record<string, string> = {};
      for (const [key, value] of Object.entries(authorization.context ?? {})) { stringified[key] = String(value); }
      const withVerdict = {
        ...event,
        requestContext: { ...event.requestContext, authorizer: { principalId: authorization.principalId, integrationLatency: 3, ...stringified } },
      } as unknown as APIGatewayProxyEvent;
      return { result: await proxy.invoke(withVerdict, context), authorization, proxyEvent: withVerdict };
    },
  };
}

/** Loads the built proxy and authorizer, each in its own folder with the same `config.json`. */
export async function loadGroupAssets(doc: ConfigDocument | unknown): Promise<LocalGatewayChain> {
  const proxy = await loadProxyAsset(doc);
  return chain(loadAuthorizerAsset(doc), proxy);
}
