/**
 * The local gateway: finds every API group of a cloud assembly (synthesizing the app first if
 * needed), runs the assembly's Lambda functions (lambda-runner.ts), serves the local AWS
 * endpoints the bundled code calls (Lambda Invoke, Secrets Manager with each app's local AppCode),
 * and serves each group's stage on 127.0.0.1: groups on consecutive ports from `port` (the
 * first group on `port` itself), each at the root path (`http://127.0.0.1:3000/orders`, as
 * `https://<id>.execute-api.<region>.amazonaws.com/RELEASE/orders` when deployed).
 *
 * A group is found by the metadata its proxy function carries in the template:
 * `{"cdk-api-groups": {"group", "role": "proxy", "restApi", "authorizerFunction"?}}`. Every other
 * AWS::ApiGateway::RestApi of the served stacks is served too, after the groups, as plain API
 * Gateway (its methods' integrations, no group configuration).
 *
 * A function's worker starts on its first invocation: a stage whose requests need no function starts
 * none (`startedFunctions()`).
 */
import { CONFIG_FILE_NAME } from '../private/config-document';
import { readConfigFiles } from '../private/config-files';
import { randomBytes, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { ApiNames, ConfigApi } from './api-names';
import { AssemblyStack, LocalGatewayError, readAssembly, readCdkJson, synthesize } from './assembly';
import { CfnResolver, CfnResource, Unresolvable } from './cfn';
import { CustomDomain, domainMappings, normalizeBasePath } from './custom-domain';
import { FunctionPool, FunctionSpec, isNodeRuntime } from './lambda-runner';
import { lambdaEnv, RawJson, startLocalLambda } from './local-lambda';
import { secretNameOf, secretsManagerEnv, startLocalSecretsManager } from './local-secrets-manager';
import { keyed, ownValue } from '../private/own-keys';
import { formatRequestLog, RequestLogEntry } from './log';
import { localId, readRestApi, RestApiModel } from './rest-api';
import { installFallbackSdk } from './sdk-fallback';
import { groupHandler, PAYLOAD_LIMIT } from './server';
import { SigV4Credentials } from './sigv4';

/** Key of the metadata entry on a group's proxy function. */
export const GROUP_METADATA_KEY = 'cdk-api-groups';

export interface LocalGatewayOptions {
  /** An existing cloud assembly folder: no synthesis. */
  readonly assembly?: string;
  /** The app command to synthesize (default: `app` of cdk.json in `appDir`). */
  readonly app?: string;
  /** The app's folder. @default process.cwd() */
  readonly appDir?: string;
  /** Where to synthesize. @default a temporary folder, removed by close() */
  readonly outdir?: string;
  /** Extra context for synthesis. */
  readonly context?: Record<string, unknown>;
  /** Stacks to serve (name, artifact id or display name). @default every stack with a group */
  readonly stacks?: readonly string[];
  /** Port of the first group; the next groups take the next ports. 0: ephemeral ports. @default 3000 */
  readonly port?: number;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** AppCode of each app, by app name (64-180 characters). Apps without one get a generated AppCode. */
  readonly appCodes?: Record<string, string>;
  /**
   * AppKey and AppSecret of each app, by app name (signature authentication). The AppKey must be
   * the app's, as synthesized. Apps without one get a generated AppSecret.
   */
  readonly appSecrets?: Record<string, LocalAppSecret>;
  /** The only credentials whose SigV4 signatures AWS_IAM methods accept (one or several). @default none: every signature is refused */
  readonly iamCredentials?: SigV4Credentials | readonly SigV4Credentials[];
  /** Stage variables replacing or adding to the template's, for every group. */
  readonly stageVariables?: Record<string, string>;
  /**
   * The environment (stage) to serve, with its variables, rate limit and the APIs published in it.
   * @default each group's default environment (its `stageName`)
   */
  readonly environment?: string;
  /**
   * Serve every group behind a custom domain with this base path mapping (`payment`, `v1/payment`;
   * '' or `(none)`: the domain's root), as API Gateway does (custom-domain.ts).
   * @default the group's mapping in the template (AWS::ApiGateway::BasePathMapping or
   * AWS::ApiGatewayV2::ApiMapping) if it has one, else the execute-api endpoint
   */
  readonly basePath?: string;
  /** The custom domain's name in events (`requestContext.domainName`). @default the mapping's domain, else api.example.com */
  readonly domainName?: string;
  /** Serve the execute-api endpoint even when the template maps the REST API to a custom domain. @default false */
  readonly executeApi?: boolean;
  /** Region and account of local ARNs when the stack has no environment. @default CDK_DEFAULT_REGION / AWS_REGION / us-east-1, 123456789012 */
  readonly region?: string;
  readonly account?: string;
  /** Most concurrent instances per function. @default 10 */
  readonly maxInstancesPerFunction?: number;
  /** One line per request, and notes (warnings, functions that cannot run, ...). @default nothing */
  readonly log?: (line: string) => void;
  /** Output of functions, by function (logical id) and whether it is a bundled proxy or authorizer. @default nothing */
  readonly functionLog?: (functionId: string, line: string, bundled: boolean) => void;
  /** Every request as a structured entry (tests, benchmarks). */
  readonly onRequest?: (entry: RequestLogEntry) => void;
}

export interface LocalGroup {
  readonly name: string;
  readonly stack: string;
  readonly stage: string;
  /** `http://127.0.0.1:<port>/`, or `http://127.0.0.1:<port>/<base path>/` behind a custom domain. */
  readonly url: string;
  /** The custom domain it is served behind, if any. */
  readonly customDomain?: CustomDomain;
  readonly port: number;
  /** The REST API's local id (`$context.apiId`). */
  readonly restApiId: string;
  /** Whether some method uses AWS_IAM authorization (SigV4). */
  readonly iam: boolean;
}

export interface LocalApp {
  readonly group: string;
  readonly app: string;
  readonly appCode: string;
  readonly generated: boolean;
  /** The app's AppKey, when it can sign requests. */
  readonly appKey?: string;
  /** Its AppSecret here (given, or generated when `appSecretGenerated`). */
  readonly appSecret?: string;
  readonly appSecretGenerated?: boolean;
}

/** An app's signature credentials given to the local gateway. */
export interface LocalAppSecret {
  readonly appKey: string;
  readonly appSecret: string;
}

/** Huawei's app_key and app_secret shapes (lib/runtime/shared/app-signature.ts). */
const APP_KEY_SHAPE = /^[A-Za-z0-9][A-Za-z0-9_-]{7,199}$/;
const APP_SECRET_SHAPE = /^[A-Za-z0-9_\-!@#$%]{8,128}$/;

export interface LocalGateway {
  readonly groups: LocalGroup[];
  /** AppCode by app name. */
  readonly appCodes: Record<string, string>;
  readonly apps: LocalApp[];
  /** What could not be emulated as deployed (unresolvable values, ...). */
  readonly warnings: string[];
  /** The cloud assembly served. */
  readonly assembly: string;
  /** Local Lambda and Secrets Manager endpoints. */
  readonly endpoints: { readonly lambda: string; readonly secretsManager: string };
  /** Logical ids of the Lambda functions whose workers have been started so far (each on its first invocation). */
  startedFunctions(): string[];
  /** Invocations and billed milliseconds (durations rounded up, as Lambda bills them) of each function invoked so far, by logical id. */
  functionUsage(): Array<{ readonly id: string; readonly invocations: number; readonly billedMs: number }>;
  /** Stops the servers, the functions and the endpoints; removes temporary folders. */
  close(): Promise<void>;
}

interface GroupMetadata {
  readonly group: string;
  readonly role: string;
  readonly restApi: string;
  readonly authorizerFunction?: string;
}

interface FoundGroup {
  readonly stack: AssemblyStack;
  /** The group's proxy function; undefined for a REST API that is no group's. */
  readonly proxyId?: string;
  readonly meta: GroupMetadata;
}

interface ConfigDocumentLike {
  readonly group?: { readonly name?: string; readonly stage?: string };
  readonly apis?: ConfigApi[];
  readonly apps?: Record<string, {
    readonly name: string;
    readonly secretArn: string | { readonly env: string };
    readonly appKey?: string | { readonly env: string };
    readonly appSecretArn?: string | { readonly env: string };
  }>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function groupMetadata(resource: CfnResource): GroupMetadata | undefined {
  const meta = resource.Metadata?.[GROUP_METADATA_KEY];
  if (!isRecord(meta) || meta.role !== 'proxy' || typeof meta.restApi !== 'string') { return undefined; }
  return {
    group: typeof meta.group === 'string' ? meta.group : meta.restApi,
    role: 'proxy',
    restApi: meta.restApi,
    authorizerFunction: typeof meta.authorizerFunction === 'string' ? meta.authorizerFunction : undefined,
  };
}

function findGroups(stacks: readonly AssemblyStack[]): FoundGroup[] {
  const found: FoundGroup[] = [];
  for (const stack of stacks) {
    for (const [id, r] of Object.entries(stack.template.Resources ?? {})) {
      if (r.Type !== 'AWS::Lambda::Function') { continue; }
      const meta = groupMetadata(r);
      if (meta) { found.push({ stack, proxyId: id, meta }); }
    }
  }
  // REST APIs that are no group's, after every group.
  for (const stack of stacks) {
    for (const [id, r] of Object.entries(stack.template.Resources ?? {})) {
      if (r.Type !== 'AWS::ApiGateway::RestApi' || found.some(g => g.stack === stack && g.meta.restApi === id)) { continue; }
      const name = typeof r.Properties?.Name === 'string' ? r.Properties.Name : id;
      found.push({ stack, meta: { group: name, role: 'rest-api', restApi: id } });
    }
  }
  return found;
}

/** A 64-character AppSecret of letters and digits (the generated secrets' shape). */
export function generateAppSecret(): string {
  return generateAppCode();
}

/** A 64-character AppCode of letters and digits (the generated secrets' shape). */
export function generateAppCode(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  while (out.length < 64) {
    for (const byte of randomBytes(96)) {
      if (byte < 248 && out.length < 64) { out += alphabet[byte % 62]; }
    }
  }
  return out;
}

/** node_modules folders from `dir` up to the file system's root. */
function nodeModulesUp(dir: string): string[] {
  const out: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    const candidate = path.join(current, 'node_modules');
    if (fs.existsSync(candidate)) { out.push(candidate); }
    const parent = path.dirname(current);
    if (parent === current) { return out; }
    current = parent;
  }
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) { return value; }
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) { return Number(value); }
  return undefined;
}

/** The function specs of a stack's AWS::Lambda::Function resources. */
function functionSpecs(stack: AssemblyStack, resolver: CfnResolver, region: string, warnings: string[]): FunctionSpec[] {
  const specs: FunctionSpec[] = [];
  for (const [id, r] of Object.entries(stack.template.Resources ?? {})) {
    if (r.Type !== 'AWS::Lambda::Function') { continue; }
    const p = r.Properties ?? {};
    let runtime = '';
    try { runtime = p.Runtime === undefined ? '' : resolver.resolveString(p.Runtime); } catch { runtime = 'unknown runtime'; }
    const code = isRecord(p.Code) ? p.Code : {};
    let unsupported: string | undefined;
    let codeDir: string | undefined;
    if (p.PackageType === 'Image' || code.ImageUri !== undefined) {
      unsupported = `function ${id} (container image) cannot run locally: only Node.js functions can`;
    } else if (!isNodeRuntime(runtime)) {
      unsupported = `function ${id} (${runtime || 'no runtime'}) cannot run locally: only Node.js functions can`;
    } else if (code.ZipFile !== undefined) {
      unsupported = `function ${id} (${runtime}, inline code) cannot run locally: only Node.js functions with an asset folder can`;
    } else {
      const assetPath = r.Metadata?.['aws:asset:path'];
      const key = typeof code.S3Key === 'string' ? /^([0-9a-f]{64})\.zip$/.exec(code.S3Key) : null;
      const candidate = typeof assetPath === 'string' ? path.resolve(stack.dir, assetPath) : key ? path.join(stack.dir, `asset.${key[1]}`) : undefined;
      if (!candidate) {
        unsupported = `function ${id} (${runtime}) cannot run locally: its code is not an asset of the cloud assembly`;
      } else if (!fs.existsSync(candidate) || !fs.statSync(candidate).isDirectory()) {
        unsupported = `function ${id} (${runtime}) cannot run locally: its asset folder ${candidate} is missing`;
      } else {
        codeDir = candidate;
      }
    }
    const environment: Record<string, string> = {};
    const variables = isRecord(p.Environment) && isRecord(p.Environment.Variables) ? p.Environment.Variables : {};
    for (const [name, value] of Object.entries(variables)) {
      try {
        environment[name] = resolver.resolveString(value);
      } catch (err) {
        if (!(err instanceof Unresolvable)) { throw err; }
        warnings.push(`function ${id}: environment variable ${name} cannot be resolved locally (${err.message})`);
      }
    }
    environment.AWS_REGION = region;
    environment.AWS_DEFAULT_REGION = region;
    specs.push({
      id,
      name: resolver.functionName(id),
      arn: resolver.functionArn(id),
      runtime,
      handler: typeof p.Handler === 'string' ? p.Handler : 'index.handler',
      codeDir,
      unsupported,
      environment,
      timeoutMs: (numberOf(p.Timeout) ?? 3) * 1000,
      memoryMb: numberOf(p.MemorySize) ?? 128,
    });
  }
  return specs;
}

/** Listens on a port, or explains in one line why it cannot. */
function listen(server: http.Server, port: number, host: string, group: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(new LocalGatewayError(`port ${port} is already in use (group ${group}): stop what uses it or choose another with --port`));
      } else if (err.code === 'EACCES') {
        reject(new LocalGatewayError(`port ${port} cannot be used (group ${group}): permission denied`));
      } else {
        reject(new LocalGatewayError(`cannot listen on ${host}:${port} (group ${group}): ${err.message}`));
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Starts the local gateway. @throws LocalGatewayError on bad input (one line each) */
export async function startLocalGateway(options: LocalGatewayOptions = {}): Promise<LocalGateway> {
  const note = options.log ?? (() => undefined);
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      try { await fn(); } catch { /* keep cleaning */ }
    }
  };
  try {
    return await start(options, note, cleanups, cleanup);
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function start(options: LocalGatewayOptions, note: (line: string) => void,
  cleanups: Array<() => Promise<void> | void>, cleanup: () => Promise<void>): Promise<LocalGateway> {
  const defaultRegion = options.region ?? process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION ?? 'us-east-1';
  const defaultAccount = options.account ?? '123456789012';
  const port = options.port ?? 3000;
  const host = options.host ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) { throw new LocalGatewayError(`port ${port} is not a port number (0-65535)`); }
  for (const [app, code] of Object.entries(options.appCodes ?? {})) {
    if (code.length < 64 || code.length > 180) {
      throw new LocalGatewayError(`the AppCode given for app ${app} has ${code.length} characters: AppCodes have 64 to 180`);
    }
  }
  for (const [app, given] of Object.entries(options.appSecrets ?? {})) {
    if (!APP_KEY_SHAPE.test(given.appKey)) {
      throw new LocalGatewayError(`the AppKey given for app ${app} is not 8-200 letters, digits, _ or -, starting with a letter or digit`);
    }
    if (!APP_SECRET_SHAPE.test(given.appSecret)) {
      throw new LocalGatewayError(`the AppSecret given for app ${app} is not 8-128 letters, digits or _-!@#$% (it is not shown)`);
    }
  }

  let givenBasePath: string | undefined;
  if (options.basePath !== undefined) {
    try { givenBasePath = normalizeBasePath(options.basePath); } catch (err) { throw new LocalGatewayError((err as Error).message); }
  }
  if (options.domainName !== undefined && !/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/.test(options.domainName)) {
    throw new LocalGatewayError(`"${options.domainName}" is not a domain name (lower-case labels separated by dots, e.g. api.example.com)`);
  }

  // The cloud assembly.
  let assemblyDir: string;
  if (options.assembly !== undefined) {
    assemblyDir = path.resolve(options.assembly);
    if (!fs.existsSync(assemblyDir)) { throw new LocalGatewayError(`the cloud assembly folder ${assemblyDir} does not exist`); }
  } else {
    const appDir = path.resolve(options.appDir ?? process.cwd());
    const cdkJson = readCdkJson(appDir);
    const app = options.app ?? cdkJson.app;
    if (!app) {
      throw new LocalGatewayError(fs.existsSync(path.join(appDir, 'cdk.json'))
        ? `${path.join(appDir, 'cdk.json')} has no "app": pass --app "<command>" or --assembly <cdk.out folder>`
        : `no CDK app here: ${appDir} has no cdk.json; run in your CDK app's folder, or pass --app "<command>" or --assembly <cdk.out folder>`);
    }
    let outdir: string;
    if (options.outdir !== undefined) {
      outdir = path.resolve(options.outdir);
    } else {
      outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-api-groups-local-'));
      cleanups.push(() => fs.rmSync(outdir, { recursive: true, force: true }));
    }
    note(`synthesizing: ${app}  (in ${appDir})`);
    await synthesize({ app, cwd: appDir, outdir, context: { ...cdkJson.context, ...(options.context ?? {}) }, region: options.region, account: options.account });
    assemblyDir = outdir;
  }

  // Stacks and groups.
  const all = readAssembly(assemblyDir);
  let selected = all;
  if (options.stacks && options.stacks.length > 0) {
    selected = options.stacks.map(name => {
      const stack = all.find(s => s.name === name || s.artifactId === name || s.displayName === name);
      if (!stack) {
        throw new LocalGatewayError(`no stack "${name}" in the cloud assembly (stacks: ${all.map(s => s.displayName).join(', ') || 'none'})`);
      }
      return stack;
    });
  }
  const found = findGroups(selected);
  if (found.length === 0) {
    const where = options.stacks && options.stacks.length > 0 ? `stack ${selected.map(s => s.displayName).join(', ')}` : `the cloud assembly ${assemblyDir}`;
    throw new LocalGatewayError(`${where} defines no API group and no REST API (no function with cdk-api-groups metadata; groups synthesized by an older cdk-api-groups need a new synth)`);
  }
  const served = selected.filter(s => found.some(g => g.stack === s));

  // Functions: unique local names across the served stacks.
  const warnings: string[] = [];
  const idCount = new Map<string, number>();
  for (const stack of served) {
    for (const [id, r] of Object.entries(stack.template.Resources ?? {})) {
      if (r.Type === 'AWS::Lambda::Function') { idCount.set(id, (idCount.get(id) ?? 0) + 1); }
    }
  }
  const resolvers = new Map<AssemblyStack, CfnResolver>();
  const specs: FunctionSpec[] = [];
  const specOf = new Map<string, FunctionSpec>();
  for (const stack of served) {
    const region = stack.region ?? defaultRegion;
    const resolver = new CfnResolver(stack.template, {
      region,
      account: stack.account ?? defaultAccount,
      stackName: stack.name,
      restApiId: logicalId => localId(`${stack.name}/${logicalId}`, 10),
      functionName: logicalId => ((idCount.get(logicalId) ?? 0) > 1 ? `${stack.name}-${logicalId}` : undefined),
    });
    resolvers.set(stack, resolver);
    for (const spec of functionSpecs(stack, resolver, region, warnings)) {
      specs.push(spec);
      specOf.set(`${stack.name}\0${spec.id}`, spec);
    }
  }

  // Groups: the REST API model and the configuration document.
  // App names are data (`constructor` is an app, not Object.prototype.constructor).
  const appCodes = keyed<string>();
  const apps: LocalApp[] = [];
  const secrets: Array<{ arn: string; value: string }> = [];
  // One local secret per ARN: an app whose AppSecret is in its AppCodes' secret gets both fields in it.
  const secretFields = new Map<string, Record<string, string>>();
  const groups = found.map(g => {
    const resolver = resolvers.get(g.stack)!;
    // A plain REST API: no proxy, an empty configuration.
    const proxy: FunctionSpec = g.proxyId === undefined
      ? { id: '', name: '', arn: '', runtime: '', handler: '', environment: {}, timeoutMs: 0, memoryMb: 0 }
      : specOf.get(`${g.stack.name}\0${g.proxyId}`)!;
    let config: ConfigDocumentLike = {};
    if (g.proxyId !== undefined) {
      if (!proxy.codeDir) { throw new LocalGatewayError(proxy.unsupported ?? `the proxy of group ${g.meta.group} has no asset folder`); }
      const configFile = path.join(proxy.codeDir, CONFIG_FILE_NAME);
      try {
        config = readConfigFiles(proxy.codeDir) as unknown as ConfigDocumentLike;
      } catch {
        throw new LocalGatewayError(`group ${g.meta.group}: its configuration document ${configFile} cannot be read`);
      }
    }
    const model: RestApiModel = readRestApi(g.stack.template, resolver, g.meta.restApi,
      { stageName: options.environment ?? config.group?.stage, seed: g.stack.name });
    if (g.proxyId !== undefined && options.environment !== undefined && model.stage.name !== options.environment) {
      throw new LocalGatewayError(`group ${g.meta.group} has no environment ${options.environment}: its environments are ${model.stageNames.join(', ')}`);
    }
    warnings.push(...model.warnings.map(w => `group ${g.meta.group}: ${w}`));
    for (const app of Object.values(config.apps ?? {})) {
      const arn = typeof app.secretArn === 'string' ? app.secretArn : proxy.environment[app.secretArn.env];
      const given = options.appCodes === undefined ? undefined : ownValue(options.appCodes, app.name);
      const code = given ?? appCodes[app.name] ?? generateAppCode();
      appCodes[app.name] = code;
      const resolved = (v: string | { readonly env: string } | undefined): string | undefined =>
        (v === undefined ? undefined : typeof v === 'string' ? v : proxy.environment[v.env]);
      const appKey = resolved(app.appKey);
      const appSecretArn = resolved(app.appSecretArn);
      const givenSecret = options.appSecrets === undefined ? undefined : ownValue(options.appSecrets, app.name);
      if (givenSecret !== undefined && appKey !== undefined && givenSecret.appKey !== appKey) {
        throw new LocalGatewayError(`the AppKey given for app ${app.name} is not its AppKey: group ${g.meta.group} synthesized ${appKey} ` +
          '(choose it with addApp(name, { appKey }))');
      }
      const signing = appKey !== undefined && appSecretArn !== undefined;
      const appSecret = signing ? givenSecret?.appSecret ?? apps.find(a => a.app === app.name && a.appSecret)?.appSecret ?? generateAppSecret() : undefined;
      apps.push({
        group: g.meta.group, app: app.name, appCode: code, generated: given === undefined,
        ...(signing ? { appKey, appSecret, appSecretGenerated: givenSecret === undefined } : {}),
      });
      if (arn === undefined) {
        warnings.push(`group ${g.meta.group}: the secret of app ${app.name} cannot be resolved locally: its AppCode will not be accepted`);
      } else {
        secretFields.set(arn, { ...(secretFields.get(arn) ?? {}), appCode: code });
      }
      if ((app.appKey !== undefined || app.appSecretArn !== undefined) && !signing) {
        warnings.push(`group ${g.meta.group}: the AppKey or AppSecret secret of app ${app.name} cannot be resolved locally: its signatures will not be accepted`);
      } else if (appSecretArn !== undefined && appSecret !== undefined) {
        secretFields.set(appSecretArn, { ...(secretFields.get(appSecretArn) ?? {}), appSecret });
      }
    }
    // Behind a custom domain: the given base path, else the template's mapping of this REST API.
    let customDomain: CustomDomain | undefined;
    if (!options.executeApi) {
      const mappings = domainMappings(g.stack.template, g.meta.restApi);
      if (givenBasePath !== undefined) {
        customDomain = { domainName: options.domainName ?? mappings[0]?.domainName ?? 'api.example.com', basePath: givenBasePath };
      } else if (mappings.length > 0) {
        const chosen = options.domainName !== undefined ? mappings.find(m => m.domainName === options.domainName) ?? mappings[0] : mappings[0];
        customDomain = { domainName: options.domainName ?? chosen.domainName, basePath: chosen.basePath };
        if (mappings.length > 1) {
          warnings.push(`group ${g.meta.group}: served behind ${chosen.domainName}/${chosen.basePath} (mapping ${chosen.logicalId}); ` +
            `other mappings: ${mappings.filter(m => m !== chosen).map(m => `${m.domainName}/${m.basePath}`).join(', ')} (choose with --base-path and --domain-name)`);
        }
      } else if (options.domainName !== undefined) {
        customDomain = { domainName: options.domainName, basePath: '' };
      }
    }
    return { found: g, model, config, proxy, customDomain, names: new ApiNames(config.apis ?? []) };
  });
  for (const [arn, fields] of secretFields) { secrets.push({ arn, value: JSON.stringify(fields) }); }
  for (const name of Object.keys(options.appCodes ?? {})) {
    if (!apps.some(a => a.app === name)) { warnings.push(`an AppCode was given for app ${name}, which no served group has`); }
  }
  for (const name of Object.keys(options.appSecrets ?? {})) {
    if (!apps.some(a => a.app === name && a.appKey !== undefined)) { warnings.push(`an AppSecret was given for app ${name}, which no served group has (or it cannot sign)`); }
  }
  for (const w of warnings) { note(`warning: ${w}`); }

  // Local AWS endpoints and the functions.
  const bundledIds = new Set(found.flatMap(g => [g.proxyId, g.meta.authorizerFunction].filter((x): x is string => x !== undefined)));
  let pool: FunctionPool | undefined;
  const lambda = await startLocalLambda({
    record: false,
    region: defaultRegion,
    account: defaultAccount,
    fallback: name => (pool?.find(name) ? async (event: unknown) => {
      const outcome = await pool!.invoke(name, JSON.stringify(event), randomUUID());
      if (outcome.ok) { return new RawJson(outcome.payload); }
      throw Object.assign(new Error(outcome.errorMessage), { name: outcome.errorType });
    } : undefined),
    // An asynchronous backend's failure reaches no client: the console is where it shows.
    onAsyncError: (name, err) => note(`function ${name} (invoked asynchronously) failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`),
  });
  cleanups.push(() => lambda.close());
  const secretsManager = await startLocalSecretsManager({ region: defaultRegion, account: defaultAccount });
  cleanups.push(() => secretsManager.close());
  for (const s of secrets) { secretsManager.put(secretNameOf(s.arn), s.value); }

  const support = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-api-groups-sdk-'));
  cleanups.push(() => fs.rmSync(support, { recursive: true, force: true }));
  const nodePath = [...new Set([
    ...nodeModulesUp(options.appDir ?? process.cwd()),
    ...nodeModulesUp(assemblyDir),
    ...nodeModulesUp(__dirname),
  ]), installFallbackSdk(support)];
  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: 'UTC',
    NODE_PATH: nodePath.join(path.delimiter),
    ...lambdaEnv(lambda.endpoint, defaultRegion),
    ...secretsManagerEnv(secretsManager.endpoint, defaultRegion),
    // lambdaEnv / secretsManagerEnv: this run's key pair, the only one the local endpoints accept.
    // One attempt: a failure is seen at once, as the local endpoints never throttle.
    AWS_MAX_ATTEMPTS: '1',
    // Each stage is served at the root of its port: clients sign the path without the stage that
    // requestContext.path carries (runtime/shared/app-signature.ts signedPath).
    APIG_SIGNED_PATH_WITHOUT_STAGE: 'true',
  };
  pool = new FunctionPool(specs, {
    baseEnv,
    maxInstances: options.maxInstancesPerFunction,
    onOutput: (fn, line) => options.functionLog?.(fn.id, line, bundledIds.has(fn.id)),
    onUnsupported: (_fn, message) => note(message),
  });
  cleanups.push(() => pool!.close());

  // Servers.
  const servers: http.Server[] = [];
  cleanups.push(() => Promise.all(servers.map(s => new Promise<void>(resolve => {
    s.closeAllConnections();
    s.close(() => resolve());
  }))).then(() => undefined));
  const withGroup = groups.length > 1;
  const given = options.iamCredentials;
  const credentials: readonly SigV4Credentials[] = given === undefined ? [] : Array.isArray(given) ? given : [given as SigV4Credentials];
  const localGroups: LocalGroup[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    const name = g.config.group?.name ?? g.found.meta.group;
    const region = g.found.stack.region ?? defaultRegion;
    const handler = groupHandler({
      groupName: name,
      model: g.model,
      region,
      account: g.found.stack.account ?? defaultAccount,
      stageVariables: { ...g.model.stage.variables, ...(options.stageVariables ?? {}) },
      credentials: credentials,
      invoke: (arn, event, requestId) => pool!.invoke(arn, event, requestId),
      describe: (method, requestPath, logs) => {
        for (const line of logs) {
          if (!line.startsWith('{')) { continue; }
          try {
            const entry = JSON.parse(line) as Record<string, unknown>;
            if (entry.msg === 'gateway error') {
              const api = typeof entry.apiId === 'string' && entry.apiId !== '' ? g.names.byApiId(entry.apiId)?.name : undefined;
              return { api, responseType: typeof entry.type === 'string' ? entry.type : undefined };
            }
          } catch { /* not a log entry of the proxy */ }
        }
        return { api: g.names.find(method, requestPath)?.name };
      },
      onRequest: entry => {
        options.onRequest?.(entry);
        note(formatRequestLog(entry, withGroup));
      },
      onNote: note,
      customDomain: g.customDomain,
    });
    const server = http.createServer(handler);
    // `Expect: 100-continue`: a body over the limit is refused before it is sent.
    server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (!(Number(req.headers['content-length']) > PAYLOAD_LIMIT)) { res.writeContinue(); }
      handler(req, res);
    });
    server.keepAliveTimeout = 5000;
    servers.push(server);
    const wanted = port === 0 ? 0 : port + i;
    if (wanted > 65535) { throw new LocalGatewayError(`port ${wanted} is above 65535: choose a lower --port for ${groups.length} groups`); }
    const bound = await listen(server, wanted, host, name);
    const urlHost = host.includes(':') ? `[${host}]` : host;
    localGroups.push({
      name,
      stack: g.found.stack.displayName,
      stage: g.model.stage.name,
      url: `http://${urlHost}:${bound}/${g.customDomain && g.customDomain.basePath !== '' ? `${g.customDomain.basePath}/` : ''}`,
      customDomain: g.customDomain,
      port: bound,
      restApiId: g.model.id,
      iam: g.model.resources.some(r => [...r.methods.values()].some(m => m.authorizationType === 'AWS_IAM')),
    });
  }

  let closing: Promise<void> | undefined;
  return {
    groups: localGroups,
    appCodes,
    apps,
    warnings,
    assembly: assemblyDir,
    endpoints: { lambda: lambda.endpoint, secretsManager: secretsManager.endpoint },
    startedFunctions: () => pool!.startedFunctions(),
    functionUsage: () => pool!.functionUsage(),
    close: () => (closing ??= cleanup()),
  };
}
