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
import type { ConfigDocument } from '../../lib/private/config-document';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const PROXY_ASSET = path.join(REPO_ROOT, 'assets', 'proxy', 'index.js');
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

/** Copies the built proxy and `doc` (as config.json) into a fresh folder and loads it. */
export async function loadProxyAsset(doc: ConfigDocument | unknown, options: { configFileName?: string } = {}): Promise<LoadedProxy> {
  if (!fs.existsSync(PROXY_ASSET)) {
    throw new Error(`${PROXY_ASSET} is missing: run "node scripts/bundle.mjs" (jest's globalSetup does)`);
  }
  const dir = freshWorkDir('proxy');
  fs.copyFileSync(PROXY_ASSET, path.join(dir, 'index.js'));
  fs.writeFileSync(path.join(dir, options.configFileName ?? 'config.json'), JSON.stringify(doc, null, 2));
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
