/**
 * `cdk-api-groups export`: writes the API definitions of a CDK app's groups (see EXPORT_USAGE).
 * Synthesis itself writes them into the cloud assembly, next to each stack's template
 * (`<stack>.<group>.huawei.json` and `.openapi.json`); this command synthesizes the app (or reads
 * an existing assembly) and copies them out.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LocalGatewayError, readAssembly, readCdkJson, synthesize } from './assembly';

export const EXPORT_USAGE = `Usage: cdk-api-groups export [options]

Writes the API definitions of the API groups of a CDK app: for each group, the Huawei APIG import
document (<stack>.<group>.huawei.json: OpenAPI 3.0 with the x-apigateway-* extensions) and the
OpenAPI 3.0 description for the APIs' consumers (<stack>.<group>.openapi.json).

Options:
  --app <command>       the CDK app to synthesize (default: "app" of ./cdk.json)
  --assembly <dir>      read an existing cloud assembly (e.g. cdk.out) instead of synthesizing
  --stack <id>          only this stack's groups (its artifact id); repeatable
  --format <format>     huawei or openapi; repeatable (default: both)
  --out <dir>           where to write the documents (default: the current folder)
  -h, --help            show this help
`;

const SUFFIXES: Record<string, string> = { huawei: '.huawei.json', openapi: '.openapi.json' };

export class ExportUsageError extends Error {}

export interface ExportOptions {
  readonly app?: string;
  readonly assembly?: string;
  readonly stacks: string[];
  readonly formats: string[];
  readonly out: string;
  readonly help: boolean;
}

/** Parses `export`'s options. @throws ExportUsageError */
export function parseExportArguments(argv: readonly string[]): ExportOptions {
  let app: string | undefined;
  let assembly: string | undefined;
  let out = '.';
  let help = false;
  const stacks: string[] = [];
  const formats: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline: string | undefined;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0) { inline = arg.slice(eq + 1); arg = arg.slice(0, eq); }
    const value = (): string => {
      if (inline !== undefined) { return inline; }
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) { throw new ExportUsageError(`${arg} needs a value`); }
      i++;
      return next;
    };
    switch (arg) {
      case '-h':
      case '--help': help = true; break;
      case '--app': app = value(); break;
      case '--assembly': assembly = value(); break;
      case '--stack': stacks.push(value()); break;
      case '--out': out = value(); break;
      case '--format': {
        const format = value();
        if (!SUFFIXES[format]) { throw new ExportUsageError(`--format expects huawei or openapi, got "${format}"`); }
        formats.push(format);
        break;
      }
      default: throw new ExportUsageError(`unknown option ${arg}`);
    }
  }
  if (app !== undefined && assembly !== undefined) { throw new ExportUsageError('--app and --assembly cannot be used together'); }
  return { app, assembly, stacks, formats: formats.length > 0 ? formats : ['huawei', 'openapi'], out, help };
}

/** Synthesizes (or reads) the assembly and copies its definition documents to `out`. @returns the files written */
export async function exportDefinitions(options: ExportOptions, cwd: string = process.cwd()): Promise<string[]> {
  let dir: string;
  let cleanup: (() => void) | undefined;
  if (options.assembly !== undefined) {
    dir = path.resolve(cwd, options.assembly);
  } else {
    const cdkJson = readCdkJson(cwd);
    const app = options.app ?? cdkJson.app;
    if (!app) { throw new LocalGatewayError(`no app to synthesize: pass --app <command> or --assembly <dir>, or run in a folder with a cdk.json`); }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-api-groups-export-'));
    cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
    try {
      await synthesize({ app, cwd, outdir: dir, context: cdkJson.context });
    } catch (err) {
      cleanup();
      throw err;
    }
  }
  try {
    const stacks = readAssembly(dir).filter(s => options.stacks.length === 0 || options.stacks.includes(s.artifactId));
    const unknown = options.stacks.filter(id => !stacks.some(s => s.artifactId === id));
    if (unknown.length > 0) { throw new LocalGatewayError(`no stack ${unknown.map(id => `"${id}"`).join(', ')} in the assembly`); }
    const out = path.resolve(cwd, options.out);
    fs.mkdirSync(out, { recursive: true });
    const written: string[] = [];
    for (const stack of stacks) {
      const files = fs.readdirSync(stack.dir)
        .filter(f => f.startsWith(`${stack.artifactId}.`) && options.formats.some(format => f.endsWith(SUFFIXES[format])))
        .sort();
      for (const file of files) {
        fs.copyFileSync(path.join(stack.dir, file), path.join(out, file));
        written.push(path.join(out, file));
      }
    }
    if (written.length === 0) { throw new LocalGatewayError(`the assembly ${dir} holds no API group definitions (no ApiGroup, or synthesized by an older cdk-api-groups)`); }
    return written;
  } finally {
    cleanup?.();
  }
}

/** `cdk-api-groups export ...`: exit code 0, 1 (bad input or synthesis failed) or 2 (usage). */
export async function exportMain(argv: readonly string[]): Promise<number> {
  let options: ExportOptions;
  try {
    options = parseExportArguments(argv);
  } catch (err) {
    if (err instanceof ExportUsageError) {
      process.stderr.write(`cdk-api-groups export: ${err.message} (see --help)\n`);
      return 2;
    }
    throw err;
  }
  if (options.help) {
    process.stdout.write(EXPORT_USAGE);
    return 0;
  }
  try {
    for (const file of await exportDefinitions(options)) { process.stdout.write(`${file}\n`); }
    return 0;
  } catch (err) {
    const message = err instanceof LocalGatewayError ? err.message : `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
    process.stderr.write(`cdk-api-groups export: ${message.replace(/\s*\n\s*/g, ' ').trim()}\n`);
    return 1;
  }
}
