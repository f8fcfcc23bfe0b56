/**
 * `cdk-api-groups diff <old cloud assembly> <new cloud assembly>` (issue 14 item 22): what changed
 * in each API group, API by API, for a reviewer. `cdk diff` after a backend change shows only the
 * bundled functions' asset hashes: the APIs live in the configuration document inside the asset.
 * This reads both assemblies' documents (config.json + apis.jsonl beside each group's proxy), the
 * REST API's stage method settings (throttles) and the deployment report (where each API rides), and
 * lists the APIs added, removed and changed (backend, auth, response, parameters, access control,
 * environments, throttle), and the gateway responses whose rules changed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readConfigFiles } from '../private/config-files';
import { ownValue } from '../private/own-keys';
import { deploymentReportFileName } from '../private/definition/deployment-report-files';
import { AssemblyStack, LocalGatewayError, readAssembly } from './assembly';

export const DIFF_USAGE = `Usage: cdk-api-groups diff <old cloud assembly> <new cloud assembly> [options]

Lists what changed in the API groups between two synthesized cloud assemblies (e.g. the cdk.out of
main and of a branch): APIs added, removed and changed (backend, auth, gateway response,
parameters, access control, environments, throttle), and gateway responses whose rules changed.

Options:
  --json          print the changes as JSON
  --fail          exit with 1 when anything changed (for CI)
  -h, --help      show this help
`;

export class DiffUsageError extends Error {}

export interface DiffOptions {
  readonly oldAssembly: string;
  readonly newAssembly: string;
  readonly json: boolean;
  readonly fail: boolean;
  readonly help: boolean;
}

export function parseDiffArguments(argv: readonly string[]): DiffOptions {
  const positional: string[] = [];
  let json = false;
  let fail = false;
  let help = false;
  for (const arg of argv) {
    switch (arg) {
      case '-h':
      case '--help': help = true; break;
      case '--json': json = true; break;
      case '--fail': fail = true; break;
      default:
        if (arg.startsWith('-')) { throw new DiffUsageError(`unknown option ${arg}`); }
        positional.push(arg);
    }
  }
  if (!help && positional.length !== 2) { throw new DiffUsageError('expects two cloud assembly folders: <old> <new>'); }
  return { oldAssembly: positional[0] ?? '', newAssembly: positional[1] ?? '', json, fail, help };
}

/** One API as the diff compares it: the fields a reviewer cares about, as JSON text. */
interface ApiView {
  readonly id: string;
  readonly name: string;
  readonly route: string;
  readonly fields: Record<string, string>;
}

interface GroupView {
  readonly stack: string;
  readonly group: string;
  readonly apis: Map<string, ApiView>;
  readonly responses: Record<string, string>;
}

export interface ApiChange {
  readonly id: string;
  readonly name: string;
  readonly route: string;
  /** Changed field → [old, new] (JSON text). */
  readonly fields?: Record<string, [string, string]>;
}

export interface GroupDiff {
  readonly stack: string;
  readonly group: string;
  readonly added: ApiChange[];
  readonly removed: ApiChange[];
  readonly changed: ApiChange[];
  /** Gateway responses added, removed or with other rules. */
  readonly responses: string[];
}

const COMPARED = ['backend', 'auth', 'response', 'parameters', 'accessControl', 'environments', 'throttle',
  'backendPolicies', 'matchMode', 'cors'] as const;

type Json = Record<string, unknown>;

function stable(value: unknown): string {
  if (value === undefined) { return '-'; }
  return JSON.stringify(value, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map(k => [k, (v as Json)[k]])) : v));
}

/** Deploy-time references of the document (`{ env }`) shown as what the function's environment holds. */
function resolveEnv(value: unknown, environment: Json): unknown {
  if (Array.isArray(value)) { return value.map(v => resolveEnv(v, environment)); }
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'env' && typeof (value as Json).env === 'string') {
      return environment[(value as Json).env as string] ?? value;
    }
    return Object.fromEntries(keys.map(k => [k, resolveEnv((value as Json)[k], environment)]));
  }
  return value;
}

/** `/~1stock~1{sku}` (a stage method setting's key: `/` then the escaped resource path) → `/stock/{sku}`. */
function settingPath(resourcePath: string): string {
  return resourcePath.slice(1).replace(/~1/g, '/').replace(/~0/g, '~');
}

function groupsOf(stack: AssemblyStack): GroupView[] {
  const resources = (stack.template.Resources ?? {}) as Record<string, Json>;
  const views: GroupView[] = [];
  for (const resource of Object.values(resources)) {
    const meta = (resource.Metadata as Json | undefined)?.['cdk-api-groups'] as Json | undefined;
    if (resource.Type !== 'AWS::Lambda::Function' || meta?.role !== 'proxy') { continue; }
    const group = String(meta.group);
    const assetPath = (resource.Metadata as Json)['aws:asset:path'];
    if (typeof assetPath !== 'string') {
      throw new LocalGatewayError(`stack ${stack.displayName}: the proxy of group ${group} names no asset folder (synthesize with asset metadata, as the cdk CLI does)`);
    }
    const config = readConfigFiles(path.join(stack.dir, assetPath)) as unknown as Json;
    const environment = (((resource.Properties as Json)?.Environment as Json)?.Variables ?? {}) as Json;
    // Throttles: the stage method settings of the group's REST API, by resource path and method.
    const throttles = new Map<string, unknown>();
    for (const r of Object.values(resources)) {
      const props = r.Properties as Json | undefined;
      if (r.Type !== 'AWS::ApiGateway::Stage' || stable(props?.RestApiId) !== stable({ Ref: meta.restApi })) { continue; }
      for (const s of (props?.MethodSettings ?? []) as Json[]) {
        if (s.ThrottlingRateLimit === undefined && s.ThrottlingBurstLimit === undefined) { continue; }
        throttles.set(`${s.HttpMethod} ${settingPath(String(s.ResourcePath))}`, { rateLimit: s.ThrottlingRateLimit, burstLimit: s.ThrottlingBurstLimit });
      }
    }
    let seen: Json[] = [];
    const report = path.join(stack.dir, deploymentReportFileName(stack.artifactId, group, 'json'));
    if (fs.existsSync(report)) { seen = (JSON.parse(fs.readFileSync(report, 'utf8')).seenIndividually ?? []) as Json[]; }
    const resourceOf = new Map(seen.map(s => [String(s.id), String(s.resource)]));
    const apis = new Map<string, ApiView>();
    for (const api of (config.apis ?? []) as Json[]) {
      const id = String(api.id);
      const resourcePath = resourceOf.get(id);
      const methods = api.method === 'ANY' ? ['*', 'GET'] : [String(api.method)];
      const throttle = resourcePath === undefined ? undefined
        : methods.map(m => throttles.get(`${m} ${resourcePath}`)).find(t => t !== undefined);
      const fields: Record<string, string> = {};
      for (const field of COMPARED) {
        const value = field === 'throttle' ? throttle : resolveEnv(api[field], environment);
        fields[field] = stable(value);
      }
      apis.set(id, { id, name: String(api.name), route: `${api.method} ${api.path}`, fields });
    }
    const responses = Object.fromEntries(Object.entries((config.responses ?? {}) as Json).map(([k, v]) => [k, stable(v)]));
    views.push({ stack: stack.displayName, group, apis, responses });
  }
  return views;
}

function readGroups(dir: string): Map<string, GroupView> {
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) { throw new LocalGatewayError(`${dir} is not a cloud assembly (no manifest.json)`); }
  const out = new Map<string, GroupView>();
  for (const stack of readAssembly(dir)) {
    for (const g of groupsOf(stack)) { out.set(`${g.stack}\0${g.group}`, g); }
  }
  return out;
}

const change = (api: ApiView): ApiChange => ({ id: api.id, name: api.name, route: api.route });

/** The changes between two assemblies, group by group (groups only in one of them: all added or removed). */
export function diffAssemblies(oldDir: string, newDir: string): GroupDiff[] {
  const before = readGroups(oldDir);
  const after = readGroups(newDir);
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const diffs: GroupDiff[] = [];
  for (const key of keys) {
    const [stack, group] = key.split('\0');
    const a = before.get(key)?.apis ?? new Map<string, ApiView>();
    const b = after.get(key)?.apis ?? new Map<string, ApiView>();
    const added = [...b.values()].filter(api => !a.has(api.id)).map(change);
    const removed = [...a.values()].filter(api => !b.has(api.id)).map(change);
    const changed: ApiChange[] = [];
    for (const api of b.values()) {
      const old = a.get(api.id);
      if (!old) { continue; }
      const fields: Record<string, [string, string]> = {};
      for (const field of COMPARED) {
        if (old.fields[field] !== api.fields[field]) { fields[field] = [old.fields[field], api.fields[field]]; }
      }
      if (old.route !== api.route) { fields.route = [old.route, api.route]; }
      if (old.name !== api.name) { fields.name = [old.name, api.name]; }
      if (Object.keys(fields).length > 0) { changed.push({ ...change(api), fields }); }
    }
    const ra = before.get(key)?.responses ?? {};
    const rb = after.get(key)?.responses ?? {};
    const responses = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()
      // Own keys only: a response named `constructor` is the document's, never Object.prototype's.
      .filter(name => ownValue(ra, name) !== ownValue(rb, name))
      .map(name => (ownValue(ra, name) === undefined ? `${name} added` : ownValue(rb, name) === undefined ? `${name} removed` : `${name} rules changed`));
    if (added.length + removed.length + changed.length + responses.length > 0) {
      diffs.push({ stack, group, added, removed, changed, responses });
    }
  }
  return diffs;
}

/** The changes as text, one line per API (and one per changed field). */
export function formatDiff(diffs: readonly GroupDiff[]): string {
  if (diffs.length === 0) { return 'No API group changed.\n'; }
  const lines: string[] = [];
  for (const d of diffs) {
    lines.push(`group ${d.group} (stack ${d.stack}):`);
    for (const api of d.added) { lines.push(`  + ${api.route}  ${api.name}`); }
    for (const api of d.removed) { lines.push(`  - ${api.route}  ${api.name}`); }
    for (const api of d.changed) {
      lines.push(`  ~ ${api.route}  ${api.name}`);
      for (const [field, [from, to]] of Object.entries(api.fields ?? {})) { lines.push(`      ${field}: ${from} -> ${to}`); }
    }
    for (const r of d.responses) { lines.push(`  gateway response ${r}`); }
  }
  return `${lines.join('\n')}\n`;
}

/** `cdk-api-groups diff ...`: exit code 0, 1 (bad input, or changes with --fail) or 2 (usage). */
export async function diffMain(argv: readonly string[]): Promise<number> {
  let options: DiffOptions;
  try {
    options = parseDiffArguments(argv);
  } catch (err) {
    if (err instanceof DiffUsageError) {
      process.stderr.write(`cdk-api-groups diff: ${err.message} (see --help)\n`);
      return 2;
    }
    throw err;
  }
  if (options.help) {
    process.stdout.write(DIFF_USAGE);
    return 0;
  }
  try {
    const diffs = diffAssemblies(path.resolve(options.oldAssembly), path.resolve(options.newAssembly));
    process.stdout.write(options.json ? `${JSON.stringify(diffs, null, 2)}\n` : formatDiff(diffs));
    return options.fail && diffs.length > 0 ? 1 : 0;
  } catch (err) {
    if (err instanceof LocalGatewayError) {
      process.stderr.write(`cdk-api-groups diff: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
