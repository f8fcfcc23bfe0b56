#!/usr/bin/env node
/**
 * `cdk-api-groups local`: serves the API groups of a CDK app on this machine (see USAGE).
 * Bad input gets one line on stderr and exit code 1 (2 for a usage error), never a stack trace.
 * `--help` prints the usage (exit 0), `--version` the package's version (exit 0); a bare
 * `cdk-api-groups` prints the usage and exits 1 without serving, as git, npm and cdk do.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LocalGatewayError } from './assembly';
import { diffMain } from './diff-command';
import { exportMain } from './export-command';
import { LocalAppSecret, LocalGateway, LocalGatewayOptions, startLocalGateway } from './gateway';
import { secretSources } from './secret-sources';
import { SigV4Credentials } from './sigv4';

export const USAGE = `Usage: cdk-api-groups local [options]
       cdk-api-groups export [options]   (write the groups' Huawei and OpenAPI definitions; see export --help)
       cdk-api-groups diff <old cdk.out> <new cdk.out>   (what changed in the groups, API by API; see diff --help)
       cdk-api-groups --help | --version

Serves the API groups of a CDK app on 127.0.0.1, as API Gateway would: the native checks and
gateway responses of the synthesized template (throttles, usage plans, IAM signatures, payload
size, CORS preflight), in front of the same bundled proxy and authorizer the deployment runs,
and the app's Node.js Lambda functions.

Options:
  --app <command>              the CDK app to synthesize (default: "app" of ./cdk.json)
  --assembly <dir>             serve an existing cloud assembly (e.g. cdk.out) without synthesizing
  --stack <name>               serve this stack's groups; repeatable (default: every stack with a group)
  --port <n>                   port of the first group; the next groups take the next ports
                               (default 3000; 0 = free ports chosen by the system)
  --app-code <app>=<code>      the AppCode of an app (64-180 characters); repeatable. Apps without one
                               get a generated AppCode, printed at start-up (AppCodes never leave this machine)
  --app-codes-file <file>      read --app-code values from a file, one <app>=<code> a line (blank lines and
                               lines starting with # ignored), so that no AppCode is on the command line;
                               CDK_API_GROUPS_APP_CODES may hold the same lines
  --app-secret <app>=<AppKey>:<AppSecret>
                               the AppKey (the app's, as synthesized) and AppSecret of an app, for signed
                               requests (SDK-HMAC-SHA256); repeatable. Apps without one get a generated
                               AppSecret, printed at start-up
  --app-secrets-file <file>    read --app-secret values from a file, one <app>=<AppKey>:<AppSecret> a line
                               (blank lines and lines starting with # ignored), so that no secret is on the
                               command line; CDK_API_GROUPS_APP_SECRETS may hold the same lines
  --iam-credentials <id>:<secret>
                               the only credentials whose SigV4 signatures IAM APIs accept (region: the
                               stack's, service execute-api). Default: the file or variable below, else
                               AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when both are set; otherwise IAM
                               APIs accept no signature
  --iam-credentials-file <file>
                               read the --iam-credentials value from a file (one <id>:<secret> line; blank
                               lines and lines starting with # ignored); CDK_API_GROUPS_IAM_CREDENTIALS may
                               hold the same line
  --environment <name>         serve this environment (stage) of every group: its variables, its rate
                               limit and the APIs published in it (default: each group's default one)
  --stage-variable <name>=<value>
                               set a stage variable for every group; repeatable
  --region <region>            region of local ARNs and SigV4 scopes for stacks without one
                               (default: CDK_DEFAULT_REGION, AWS_REGION or us-east-1)
  --base-path <path>           serve behind a custom domain with this base path mapping ("payment",
                               "v1/payment"; "(none)": the domain's root): events carry it in path and
                               requestContext.path, other paths get the domain's 403 Forbidden
                               (default: the REST API's base path mapping in the template, if any)
  --domain-name <name>         the custom domain's name in events (default: the mapping's, else api.example.com)
  --execute-api                serve the execute-api endpoint even if the template maps a custom domain
  --verbose                    also print the bundled proxy's and authorizer's own log lines
  -h, --help                   show this help
  -v, --version                print the version of cdk-api-groups

Each group is served at the root of its port: http://127.0.0.1:3000/orders is
https://<api-id>.execute-api.<region>.amazonaws.com/<stage>/orders once deployed; behind a custom
domain, at its base path: http://127.0.0.1:3000/v1/payment/orders is https://<domain>/v1/payment/orders.
One line per request: method, path, API, status, gateway response type, latency. Ctrl-C stops.
Secrets (AppCodes, AppSecrets, IAM credentials) can stay off the command line, which other users of
this machine can read (ps): give them in a file or an environment variable; a flag wins over a file,
a file over the variable.
`;

class UsageError extends Error {}

export interface CliArguments {
  readonly options: LocalGatewayOptions;
  /** The accepted IAM credentials (from --iam-credentials, its file or variable, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY). */
  readonly credentials?: SigV4Credentials;
  readonly verbose: boolean;
  readonly help: boolean;
  readonly version: boolean;
  /** No command and no option at all: print the usage, serve nothing. */
  readonly bare: boolean;
}

function pair(value: string, option: string, separator: string): [string, string] {
  const at = value.indexOf(separator);
  if (at <= 0 || at === value.length - 1) { throw new UsageError(`${option} expects <name>${separator}<value>, got "${value}"`); }
  return [value.slice(0, at), value.slice(at + 1)];
}

/** Parses the command line (without `node` and the script). @throws UsageError */
export function parseArguments(argv: readonly string[], env: NodeJS.ProcessEnv): CliArguments {
  const args = [...argv];
  const bare = args.length === 0;
  if (args[0] === 'local') { args.shift(); } else if (args[0] !== undefined && !args[0].startsWith('-')) {
    throw new UsageError(`unknown command "${args[0]}": the commands are "cdk-api-groups local", "cdk-api-groups export" and "cdk-api-groups diff"`);
  }
  let app: string | undefined;
  let assembly: string | undefined;
  const stacks: string[] = [];
  let port: number | undefined;
  const appCodes: Record<string, string> = {};
  const appSecrets: Record<string, LocalAppSecret> = {};
  // Secrets may also come from files and environment variables (secret-sources.ts): a flag wins over a file, a file over the variable.
  const appCodeArgs: string[] = [];
  const appCodeFiles: string[] = [];
  const appSecretFiles: string[] = [];
  const appSecretArgs: string[] = [];
  const iamCredentialArgs: string[] = [];
  const iamCredentialFiles: string[] = [];
  let credentials: SigV4Credentials | undefined;
  const stageVariables: Record<string, string> = {};
  let region: string | undefined;
  let verbose = false;
  let help = false;
  let version = false;
  let basePath: string | undefined;
  let domainName: string | undefined;
  let executeApi = false;
  let environment: string | undefined;
  for (let i = 0; i < args.length; i++) {
    let arg = args[i];
    let inline: string | undefined;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0) { inline = arg.slice(eq + 1); arg = arg.slice(0, eq); }
    const value = (): string => {
      if (inline !== undefined) { return inline; }
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) { throw new UsageError(`${arg} needs a value`); }
      i++;
      return next;
    };
    switch (arg) {
      case '-h':
      case '--help': help = true; break;
      case '-v':
      case '--version': version = true; break;
      case '--verbose': verbose = true; break;
      case '--base-path': basePath = value(); break;
      case '--domain-name': domainName = value(); break;
      case '--execute-api': executeApi = true; break;
      case '--app': app = value(); break;
      case '--assembly': assembly = value(); break;
      case '--stack': stacks.push(value()); break;
      case '--port': {
        const text = value();
        if (!/^\d+$/.test(text) || Number(text) > 65535) { throw new UsageError(`--port expects a port number (0-65535), got "${text}"`); }
        port = Number(text);
        break;
      }
      case '--app-code': appCodeArgs.push(value()); break;
      case '--app-codes-file': appCodeFiles.push(value()); break;
      case '--app-secret': appSecretArgs.push(value()); break;
      case '--app-secrets-file': appSecretFiles.push(value()); break;
      case '--iam-credentials': iamCredentialArgs.push(value()); break;
      case '--iam-credentials-file': iamCredentialFiles.push(value()); break;
      case '--stage-variable': {
        const [name, v] = pair(value(), '--stage-variable', '=');
        stageVariables[name] = v;
        break;
      }
      case '--region': region = value(); break;
      case '--environment': environment = value(); break;
      default: throw new UsageError(`unknown option ${arg}`);
    }
  }
  if (app !== undefined && assembly !== undefined) { throw new UsageError('--app and --assembly cannot be used together'); }
  const usageError = (message: string): Error => new UsageError(message);
  const codeSources = { flag: '--app-code', flagValues: appCodeArgs, fileOption: '--app-codes-file', files: appCodeFiles, variable: 'CDK_API_GROUPS_APP_CODES' };
  for (const source of secretSources(codeSources, env, usageError)) {
    for (const text of source.values) {
      const [name, code] = pair(text, source.where, '=');
      appCodes[name] = code;
    }
  }
  const secretSourcesOfApps = { flag: '--app-secret', flagValues: appSecretArgs, fileOption: '--app-secrets-file', files: appSecretFiles, variable: 'CDK_API_GROUPS_APP_SECRETS' };
  for (const source of secretSources(secretSourcesOfApps, env, usageError)) {
    for (const text of source.values) {
      const [name, pairText] = pair(text, source.where, '=');
      const [appKey, appSecret] = pair(pairText, source.where, ':');
      appSecrets[name] = { appKey, appSecret };
    }
  }
  // One pair of IAM credentials: the highest source's (the last --iam-credentials given); a file or the variable holds exactly one.
  const iamSources = secretSources({ flag: '--iam-credentials', flagValues: iamCredentialArgs, fileOption: '--iam-credentials-file',
    files: iamCredentialFiles, variable: 'CDK_API_GROUPS_IAM_CREDENTIALS' }, env, usageError);
  const iam = iamSources[iamSources.length - 1];
  if (iam) {
    if (iam.where !== '--iam-credentials' && iam.values.length > 1) {
      throw new UsageError(`${iam.where} holds ${iam.values.length} lines: it takes one <id>:<secret> line`);
    }
    const [accessKeyId, secretAccessKey] = pair(iam.values[iam.values.length - 1], iam.where, ':');
    credentials = { accessKeyId, secretAccessKey };
  }
  if (executeApi && (basePath !== undefined || domainName !== undefined)) { throw new UsageError('--execute-api cannot be used with --base-path or --domain-name'); }
  if (!credentials && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
  }
  return {
    help,
    version,
    bare,
    verbose,
    credentials,
    options: {
      app,
      assembly,
      stacks,
      port,
      appCodes,
      appSecrets,
      iamCredentials: credentials ? [credentials] : [],
      stageVariables,
      environment,
      region,
      basePath,
      domainName,
      executeApi,
    },
  };
}

/** The version of the installed package (its package.json, two folders up from lib/local). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'export') { return exportMain(argv.slice(1)); }
  if (argv[0] === 'diff') { return diffMain(argv.slice(1)); }
  let parsed: CliArguments;
  try {
    parsed = parseArguments(argv, process.env);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`cdk-api-groups local: ${err.message} (see --help)\n`);
      return 2;
    }
    throw err;
  }
  if (parsed.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (parsed.help || parsed.bare) {
    process.stdout.write(USAGE);
    return parsed.help ? 0 : 1;
  }

  let gateway: LocalGateway | undefined;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) { process.exit(1); }
    stopping = true;
    if (!gateway) { process.exit(0); }
    process.stdout.write(`\n${signal}: stopping\n`);
    gateway.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    gateway = await startLocalGateway({
      ...parsed.options,
      log: line => process.stdout.write(`${line}\n`),
      functionLog: (id, line, bundled) => {
        if (!bundled || parsed.verbose) { process.stderr.write(`[${id}] ${line}\n`); }
      },
    });
  } catch (err) {
    const message = err instanceof LocalGatewayError ? err.message : `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
    process.stderr.write(`cdk-api-groups local: ${oneLine(message)}\n`);
    return 1;
  }
  if (stopping) {
    await gateway.close();
    return 0;
  }

  const width = Math.max(...gateway.groups.map(g => g.name.length));
  process.stdout.write(`serving ${gateway.groups.length === 1 ? '1 API group' : `${gateway.groups.length} API groups`}:\n`);
  for (const g of gateway.groups) {
    const domain = g.customDomain ? `  (custom domain ${g.customDomain.domainName}, base path ${g.customDomain.basePath === '' ? '(none)' : g.customDomain.basePath})` : '';
    process.stdout.write(`  ${g.name.padEnd(width)}  ${g.stage}  ${g.url}${domain}\n`);
  }
  // Only the AppCodes generated here are printed: one given with --app-code is the caller's own secret,
  // which may be a real one, and a terminal or CI log is no place to repeat it.
  const generated = gateway.apps.filter(a => a.generated);
  if (generated.length > 0) {
    process.stdout.write('Generated AppCodes of the local apps (send them as X-Apig-AppCode; they exist on this machine only; choose your own with --app-code):\n');
    const appWidth = Math.max(...generated.map(a => `${a.group}/${a.app}`.length));
    for (const a of generated) {
      process.stdout.write(`  ${`${a.group}/${a.app}`.padEnd(appWidth)}  ${a.appCode}\n`);
    }
  }
  const given = gateway.apps.filter(a => !a.generated);
  if (given.length > 0) {
    process.stdout.write(`AppCodes given (not shown): ${given.map(a => `${a.group}/${a.app}`).join(', ')}\n`);
  }
  // The same for AppSecrets: only generated ones are printed, never one given.
  const signing = gateway.apps.filter(a => a.appKey !== undefined);
  if (signing.length > 0) {
    process.stdout.write('AppKeys of the local apps (sign requests with SDK-HMAC-SHA256; generated AppSecrets exist on this machine only; choose your own with --app-secret):\n');
    const appWidth = Math.max(...signing.map(a => `${a.group}/${a.app}`.length));
    for (const a of signing) {
      process.stdout.write(`  ${`${a.group}/${a.app}`.padEnd(appWidth)}  AppKey ${a.appKey}  ${a.appSecretGenerated ? `AppSecret ${a.appSecret}` : 'AppSecret given (not shown)'}\n`);
    }
  }
  if (gateway.groups.some(g => g.iam)) {
    process.stdout.write(parsed.credentials
      ? `IAM APIs accept SigV4 signatures of access key ${parsed.credentials.accessKeyId} (service execute-api)\n`
      : 'IAM APIs accept no signature: pass --iam-credentials <id>:<secret>, --iam-credentials-file or CDK_API_GROUPS_IAM_CREDENTIALS (or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)\n');
  }
  process.stdout.write('Ctrl-C stops.\n');
  return new Promise<number>(() => { /* runs until a signal */ });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    code => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`cdk-api-groups local: unexpected error: ${oneLine(err instanceof Error ? err.message : String(err))}\n`);
      process.exit(1);
    },
  );
}
