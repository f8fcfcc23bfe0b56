/**
 * The configuration document, loaded once at cold start and compiled into what the per-request
 * path needs: every rule's templates at load, from `config.json`, and the router, reading
 * `routes.tsv` in place; an API's details (its line of `apis.jsonl`), parameter validator,
 * backend and guard on its first match (memoised), so that a cold start does not grow with the
 * group (issues 8 and 15: 1000 APIs load about like 10).
 *
 * A document the proxy cannot trust (another version, malformed JSON, a missing required rule, a
 * routes file that is malformed, of another length or names an unknown response) is refused as a whole at load: every request then gets
 * DEFAULT_5XX with a built-in fallback. A problem confined to one API (its parameters, backend,
 * authentication or IP rule) only affects that API: it answers DEFAULT_5XX, never serves without
 * its checks, and the problem is logged when the API is first called (the synth side writes the
 * document from validated constructs, so such a problem means a tampered or hand-written document,
 * or a deploy-time value missing from the environment). A missing details file is refused at load.
 */
import {
  ApiDocument, ApiRouteDocument, ConfigDocument, ErrorDefaultsDocument, ParameterDocument,
} from '../../private/config-document';
import { keyed } from '../../private/own-keys';
import { ApiDetails } from '../shared/api-details';
import { CompiledOnFirstUse } from '../shared/compiled-on-first-use';
import { AuthCatalog } from '../shared/auth-config';
import { DocumentFiles, loadDocument } from '../shared/document-file';
import { RouteTable } from '../shared/route-table';
import { compileIpRule, IpRule } from './access-control';
import { compileGuard, Guard } from './auth';
import { Backend, BackendOptions, compileBackend } from './backends';
import { brokenBackend } from './backends/backend';
import { withBackendPolicies } from './backends/policies';
import { CorsPolicy } from './cors';
import { internalError, PROXY_ERROR_STATUS } from './gateway-error';
import { compileBinaryMediaTypes } from './media-types';
import { compileMetrics, RequestMetrics } from './metrics';
import { compileOrchestration, Orchestrator } from './orchestration';
import { compileOwnResources } from './own-resources';
import { compileParameters, ParameterValidator } from './parameters';
import { compileRule, CompiledRule, RuleSet } from './render';
import { documentRoutes, EnvironmentRoutes } from '../shared/environment-routes';
import { isRecord } from './types';

export interface CompiledApi {
  readonly id: string;
  readonly name: string;
  readonly path: string;
  readonly rules: RuleSet;
  readonly validate: ParameterValidator;
  /** Parameter orchestration, after validation; absent when the API has none. */
  readonly orchestrate?: Orchestrator;
  readonly backend: Backend;
  /** Authentication and IP access control (steps 2 and 3); absent when the API has neither. */
  readonly guard?: Guard;
  /** The API's own CORS (instead of the group's); absent when it has none. */
  readonly cors?: CorsPolicy;
  /** An exposed PREFIX API's own resources (own-resources.ts); absent otherwise. */
  readonly ownResources?: ReadonlySet<string>;
}

/**
 * An API as the router holds it: what routing needs, read at load; the rest compiled on its first
 * match and kept. Compiling never throws: a part that cannot be used fails closed (DEFAULT_5XX).
 */
export type RoutedApi = CompiledOnFirstUse<CompiledApi>;

/** What compiling an API needs from the rest of the document. */
interface ApiCompileContext {
  readonly details: ApiDetails;
  readonly env: NodeJS.ProcessEnv;
  readonly catalog: AuthCatalog;
  readonly groupRules: readonly IpRule[];
  readonly backendOptions: BackendOptions;
  /** Reports a problem confined to one API (the proxy logs it as a configuration warning). */
  readonly warn: (reason: string) => void;
}

export interface ProxyConfig {
  /** The routers of the APIs published in each environment (stage). */
  readonly routes: EnvironmentRoutes<RoutedApi>;
  /** Rules of the `default` response: for errors raised before an API matched. */
  readonly defaultRules: RuleSet;
  readonly stage: string;
  readonly cors?: CorsPolicy;
  /** Problems found at load (single apps, metrics), logged once at cold start. */
  readonly warnings: readonly string[];
  /** The per-request metric records; absent when the document asks for none. */
  readonly metrics?: RequestMetrics;
}

export type ConfigState =
  | { readonly ok: true; readonly config: ProxyConfig }
  | { readonly ok: false; readonly reason: string };

const DEFAULT_RESPONSE = 'default';
const PARAMETER_LOCATIONS = new Set(['path', 'query', 'header']);
const PARAMETER_TYPES = new Set(['STRING', 'NUMBER']);

function fail(message: string): never {
  throw new Error(message);
}

function errorDefaults(doc: Record<string, unknown>): Record<string, ErrorDefaultsDocument> {
  if (!isRecord(doc.errors)) { fail('errors is not an object'); }
  const out = keyed<ErrorDefaultsDocument>();
  for (const type of Object.keys(doc.errors)) {
    const e = doc.errors[type];
    if (!isRecord(e) || typeof e.code !== 'string' || typeof e.message !== 'string') { fail(`errors.${type} needs a string code and message`); }
    out[type] = { code: e.code, message: e.message };
  }
  for (const type of Object.keys(PROXY_ERROR_STATUS)) {
    if (!out[type]) { fail(`errors.${type} is missing`); }
  }
  return out;
}

/** Compiles every response; a type a custom response leaves out falls back to `default`'s rule. */
function compileResponses(doc: Record<string, unknown>, errors: Record<string, ErrorDefaultsDocument>): Map<string, RuleSet> {
  const responses = doc.responses;
  if (!isRecord(responses)) { fail('responses is not an object'); }
  if (!isRecord(responses[DEFAULT_RESPONSE])) { fail('responses.default is missing'); }
  const compileSet = (name: string): Record<string, CompiledRule> => {
    const rules = responses[name];
    if (!isRecord(rules)) { fail(`responses.${name} is not an object`); }
    const set = keyed<CompiledRule>();
    for (const type of Object.keys(rules)) {
      const defaults = errors[type] ?? fail(`responses.${name}.${type}: no errors.${type} entry`);
      try {
        set[type] = compileRule(rules[type] as never, defaults);
      } catch (err) {
        fail(`responses.${name}.${type}: ${(err as Error).message}`);
      }
    }
    return set;
  };
  const defaults = compileSet(DEFAULT_RESPONSE);
  for (const type of Object.keys(PROXY_ERROR_STATUS)) {
    if (!defaults[type]) { fail(`responses.default.${type} is missing`); }
  }
  const compiled = new Map<string, RuleSet>([[DEFAULT_RESPONSE, defaults]]);
  for (const name of Object.keys(responses)) {
    if (name !== DEFAULT_RESPONSE) { compiled.set(name, Object.assign(keyed<CompiledRule>(), defaults, compileSet(name))); }
  }
  return compiled;
}

function checkParameters(api: Record<string, unknown>, where: string): ParameterDocument[] {
  const params = api.parameters ?? [];
  if (!Array.isArray(params)) { fail(`${where}.parameters is not an array`); }
  params.forEach((p: unknown, i) => {
    if (!isRecord(p) || typeof p.name !== 'string' || !PARAMETER_LOCATIONS.has(p.in as string) || !PARAMETER_TYPES.has(p.type as string)) {
      fail(`${where}.parameters[${i}] needs a name, a location (path, query, header) and a type (STRING, NUMBER)`);
    }
    if (p.enumerations !== undefined && !(Array.isArray(p.enumerations) && p.enumerations.every(e => typeof e === 'string'))) {
      fail(`${where}.parameters[${i}].enumerations is not a list of strings`);
    }
  });
  return params as ParameterDocument[];
}

/**
 * Compiles one API's guard. An `auth` or IP rule that cannot be used makes the API answer
 * DEFAULT_5XX (reported through `warn`): it is never served without them.
 */
function compileApiGuard(api: Record<string, unknown>, where: string, catalog: AuthCatalog, groupRules: readonly IpRule[],
  warn: (reason: string) => void, env: NodeJS.ProcessEnv = process.env): Guard | undefined {
  const id = api.id as string;
  try {
    const rules = api.accessControl === undefined ? groupRules : [...groupRules, compileIpRule(api.accessControl, `${where}.accessControl`)];
    return compileGuard(id, catalog.resolve(api.auth, where), rules, env);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    warn(`authentication or access control not usable: ${reason}`);
    return compileGuard(id, reason, []);
  }
}

/**
 * Compiles one API's parameters, backend and guard. A part that cannot be used is reported through
 * `warn` and makes the API answer DEFAULT_5XX: it is never served without its checks.
 */
function compileApi(index: number, route: ApiRouteDocument, rules: RuleSet, context: ApiCompileContext): CompiledApi {
  const where = `apis[${index}]`;
  const failed = (id: string, name: string, reason: string): CompiledApi => {
    context.warn(`api ${id || where}: ${reason}`);
    const broken = internalError(reason.slice(0, 300));
    // No own resource: a failed API is never served, and answers its DEFAULT_5XX wherever it arrives.
    return { id, name, path: route[1], rules, validate: () => broken, backend: brokenBackend(broken) };
  };
  let raw: Record<string, unknown>;
  try {
    raw = { ...context.details.get(index), method: route[0], path: route[1], response: route[2], environments: route[3] };
  } catch (err) {
    return failed('', '', `details not usable: ${(err as Error).message}`);
  }
  const api = raw as unknown as ApiDocument;
  if (typeof api.id !== 'string' || typeof api.name !== 'string') { return failed('', '', `${where} needs a string id and name`); }
  const warn = (reason: string) => context.warn(`api ${api.id}: ${reason}`);
  let validate: ParameterValidator;
  try {
    validate = compileParameters(checkParameters(raw, where));
  } catch (err) {
    return failed(api.id, api.name, `parameters not usable: ${(err as Error).message}`);
  }
  let cors: CorsPolicy | undefined;
  let ownResources: ReadonlySet<string> | undefined;
  try {
    cors = raw.cors === undefined ? undefined : new CorsPolicy(isRecord(raw.cors) ? raw.cors as never : fail(`${where}.cors is not an object`));
    ownResources = compileOwnResources(raw.ownResources, where);
  } catch (err) {
    return failed(api.id, api.name, `cors or own resources not usable: ${(err as Error).message}`);
  }
  let orchestrate: Orchestrator | undefined;
  try {
    orchestrate = compileOrchestration(raw.orchestration);
  } catch (err) {
    return failed(api.id, api.name, `orchestration not usable: ${(err as Error).message}`);
  }
  return {
    id: api.id,
    name: api.name,
    path: api.path,
    rules,
    validate,
    ...(orchestrate ? { orchestrate } : {}),
    backend: withBackendPolicies(raw.backendPolicies, compileBackend(api.backend, context.env, context.backendOptions, warn),
      { apiId: api.id, apiName: api.name, compileBackend: doc => compileBackend(doc, context.env, context.backendOptions, warn) }, warn),
    guard: compileApiGuard(raw, where, context.catalog, context.groupRules, warn, context.env),
    ...(cors ? { cors } : {}),
    ...(ownResources ? { ownResources } : {}),
  };
}

/**
 * Compiles a read document: what every request needs, and the routers over its routes. `warn`
 * receives the problems confined to one API, when that API is first called.
 *
 * @throws Error naming the first problem when the document cannot be used
 */
export function compileConfig({ doc, routes, readDetails }: DocumentFiles, env: NodeJS.ProcessEnv,
  warn: (reason: string) => void = () => undefined): ProxyConfig {
  const typed = doc as unknown as ConfigDocument;
  if (!isRecord(typed.group) || typeof typed.group.stage !== 'string') { fail('group.stage is not a string'); }
  const errors = errorDefaults(doc);
  const responses = compileResponses(doc, errors);
  const table = RouteTable.parse(routes, doc.apiCount, responses.keys());
  const warnings: string[] = [];
  const context: ApiCompileContext = {
    details: new ApiDetails(readDetails, table),
    env,
    catalog: new AuthCatalog(doc, env, 'proxy'),
    groupRules: doc.accessControl === undefined ? [] : [compileIpRule(doc.accessControl, 'accessControl')],
    backendOptions: { isBinary: compileBinaryMediaTypes(doc.binaryMediaTypes) },
    warn,
  };
  const router = documentRoutes(table, i => new CompiledOnFirstUse(() => {
    const route = table.route(i);
    return compileApi(i, route, responses.get(route[2])!, context);
  }));
  for (const warning of context.catalog.warnings) { warnings.push(warning); }
  const groupName = typeof typed.group.name === 'string' ? typed.group.name : '';
  const metrics = compileMetrics(doc.metrics, groupName, reason => warnings.push(reason));
  return {
    routes: router,
    defaultRules: responses.get(DEFAULT_RESPONSE)!,
    stage: typed.group.stage,
    cors: isRecord(typed.cors) ? new CorsPolicy(typed.cors) : undefined,
    warnings,
    metrics,
  };
}

/** Reads and compiles the document; never throws. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv, warn: (reason: string) => void): ConfigState {
  return loadDocument(file, files => compileConfig(files, env, warn));
}
