/**
 * Cloud assemblies: synthesizing one from a CDK app the way the cdk CLI runs an app, and reading
 * one (manifest.json → stack artifacts → templates, nested assemblies of CDK stages included).
 *
 * Synthesis runs the app command through the shell in the app's folder with
 * CDK_OUTDIR (the output folder), CDK_CONTEXT_JSON (cdk.json's and cdk.context.json's context,
 * plus `aws:cdk:enable-asset-metadata: true` so that functions name their asset folders), and
 * CDK_DEFAULT_REGION / CDK_DEFAULT_ACCOUNT.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { CfnTemplate } from './cfn';

/** A problem with the user's input, reported as one line (no stack trace). */
export class LocalGatewayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalGatewayError';
  }
}

export interface AssemblyStack {
  /** The stack's name (CloudFormation stack name). */
  readonly name: string;
  /** The artifact id; `Stage/Stack`-style display name for stacks of nested assemblies. */
  readonly artifactId: string;
  readonly displayName: string;
  /** The folder of the (possibly nested) assembly holding the template and assets. */
  readonly dir: string;
  readonly template: CfnTemplate;
  /** From the stack's environment, when not `unknown-*`. */
  readonly region?: string;
  readonly account?: string;
}

interface Manifest {
  readonly artifacts?: Record<string, {
    readonly type?: string;
    readonly environment?: string;
    readonly displayName?: string;
    readonly properties?: { readonly templateFile?: string; readonly stackName?: string; readonly directoryName?: string };
  }>;
}

function readJson<T>(file: string, what: string): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new LocalGatewayError(`${what} ${file} cannot be read`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new LocalGatewayError(`${what} ${file} is not valid JSON`);
  }
}

/** The stacks of a cloud assembly folder (nested assemblies included). */
export function readAssembly(dir: string): AssemblyStack[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) { throw new LocalGatewayError(`${dir} is not a cloud assembly: it has no manifest.json`); }
  const manifest = readJson<Manifest>(manifestFile, 'the assembly manifest');
  const stacks: AssemblyStack[] = [];
  for (const [artifactId, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
      stacks.push({
        name: artifact.properties.stackName ?? artifactId,
        artifactId,
        displayName: artifact.displayName ?? artifactId,
        dir,
        template: readJson<CfnTemplate>(path.join(dir, artifact.properties.templateFile), 'the template'),
        account: env && !env[1].startsWith('unknown-') ? env[1] : undefined,
        region: env && !env[2].startsWith('unknown-') ? env[2] : undefined,
      });
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...readAssembly(path.join(dir, artifact.properties.directoryName)));
    }
  }
  return stacks;
}

export interface SynthOptions {
  /** The app command (cdk.json's `app`). */
  readonly app: string;
  /** Where to run it (the app's folder). */
  readonly cwd: string;
  readonly outdir: string;
  /** Context from cdk.json / cdk.context.json / the caller. */
  readonly context?: Record<string, unknown>;
  readonly region?: string;
  readonly account?: string;
}

/** The `app` and `context` of a folder's cdk.json (and cdk.context.json). */
export function readCdkJson(dir: string): { app?: string; context: Record<string, unknown> } {
  const file = path.join(dir, 'cdk.json');
  if (!fs.existsSync(file)) { return { context: {} }; }
  const json = readJson<{ app?: unknown; context?: Record<string, unknown> }>(file, 'cdk.json');
  const contextFile = path.join(dir, 'cdk.context.json');
  const saved = fs.existsSync(contextFile) ? readJson<Record<string, unknown>>(contextFile, 'cdk.context.json') : {};
  return { app: typeof json.app === 'string' ? json.app : undefined, context: { ...saved, ...(json.context ?? {}) } };
}

/** Runs a CDK app to synthesize its cloud assembly into `outdir`. @throws LocalGatewayError */
export async function synthesize(options: SynthOptions): Promise<void> {
  fs.rmSync(options.outdir, { recursive: true, force: true });
  fs.mkdirSync(options.outdir, { recursive: true });
  // An app that is a folder is an assembly already (as the cdk CLI reads it).
  const asFolder = path.resolve(options.cwd, options.app);
  if (fs.existsSync(path.join(asFolder, 'manifest.json'))) {
    fs.cpSync(asFolder, options.outdir, { recursive: true });
    return;
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CDK_OUTDIR: options.outdir,
    CDK_CONTEXT_JSON: JSON.stringify({ ...(options.context ?? {}), 'aws:cdk:enable-asset-metadata': true }),
    CDK_DEFAULT_REGION: options.region ?? process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION ?? 'us-east-1',
    CDK_DEFAULT_ACCOUNT: options.account ?? process.env.CDK_DEFAULT_ACCOUNT ?? '123456789012',
  };
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(options.app, { cwd: options.cwd, env, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      output.push(...chunk.toString('utf8').split('\n'));
      if (output.length > 200) { output.splice(0, output.length - 200); }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', resolve);
  }).catch((err: Error) => { throw new LocalGatewayError(`the app command "${options.app}" could not start: ${err.message}`); });
  if (code !== 0) {
    const lines = output.map(l => l.trim()).filter(l => l !== '' && !/^npm warn/i.test(l));
    // The error's own line (`Error: ...`, `ValidationError: ...`) rather than the source line node quotes above it.
    const reason = lines.find(l => /^[A-Za-z]*Error\b:?/.test(l)) ?? lines.find(l => /error/i.test(l)) ?? lines[lines.length - 1] ?? `exit code ${code}`;
    throw new LocalGatewayError(`synthesis failed: "${options.app}" exited with code ${code}: ${reason.slice(0, 300)}`);
  }
  if (!fs.existsSync(path.join(options.outdir, 'manifest.json'))) {
    throw new LocalGatewayError(`synthesis produced no cloud assembly: does "${options.app}" call app.synth()?`);
  }
}
