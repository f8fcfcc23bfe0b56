/**
 * Importing a Huawei APIG definition (Swagger 2.0 or OpenAPI 3.0 with the `x-apigateway-*`
 * extensions) into a group. Two steps: reading the document into a plan, collecting every item
 * that cannot be mapped (with its JSON pointer); then declaring the plan's responses, authorizers
 * and APIs with the library's own constructs, so that every limit is checked as for a hand-written
 * declaration. Nothing is dropped silently: an item is either mapped, or reported.
 */
import { Annotations, Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AccessControl } from '../access-control';
import type { Api } from '../api';
import type { ApiGroup, ApiGroupProps } from '../api-group';
import type { AppCredential } from '../app-credential';
import { ApiAuth } from '../auth';
import { CustomAuthorizer, IdentitySource, ThirdPartyAuthorizer } from '../authorizers';
import { Backend } from '../backend';
import { BackendPolicy, PolicyEffect } from '../backend-policy';
import type { CorsOptions } from '../cors';
import { MatchMode } from '../match-mode';
import { PolicyCondition, PolicyMatchOptions } from '../policy-condition';
import { BackendParameter, ParameterLocation } from '../backend-parameter';
import { FunctionInvocation } from '../function-invocation';
import { parseSystemVariable, SYSTEM_VARIABLE_HELP } from '../private/system-variables';
import { checkBody, checkHeaders, checkStatusCode } from '../private/checks';
import { ApiGroupValidationError } from '../errors';
import { HttpMethod } from '../http-method';
import { LIMITS, RULES } from '../limits';
import { MappedParameter, OrchestrationRule, OrchestrationRuleOptions, OrchestrationStrategy } from '../orchestration-rule';
import { ParameterType, RequestParameter, RequestParameterOptions } from '../request-parameter';
import type { ResponseRule } from '../response-rule';
import { ResponseType } from '../response-type';
import { FUNCTION_REFERENCE_PREFIX } from './deploy-time';
import type { HuaweiDefinition } from './huawei-definition';
import type { HuaweiImportOptions } from './huawei-import-options';
import { CDK_EXTENSION, FunctionOrigin, rememberFunctionOrigin, TIME_UNITS, thirdPartySchemeName } from './huawei-names';
import { HUAWEI_IMPORT_RULE } from './huawei-import-rule';
import { pointer } from './json-pointer';

type Json = Record<string, unknown>;

export { HUAWEI_IMPORT_RULE };

/** One item that cannot be imported: where it is and why. */
interface ImportProblem {
  readonly pointer: string;
  readonly message: string;
}

/** Extensions that carry documentation only: read, never needed at runtime. */
const DOCUMENTATION_EXTENSIONS = new Set([
  'x-apigateway-content-type', 'x-apigateway-result-normal-sample', 'x-apigateway-result-failure-sample',
  'x-apigateway-sample', 'x-apigateway-request-type',
]);

/** Extensions with no counterpart in the library. */
const UNSUPPORTED_EXTENSIONS: Record<string, string> = {
  'x-apigateway-plugins': 'plug-ins (Huawei policies such as HTTP response headers, circuit breakers) have no counterpart',
};

const OPERATION_METHODS: Record<string, HttpMethod> = {
  'get': HttpMethod.GET, 'post': HttpMethod.POST, 'put': HttpMethod.PUT, 'delete': HttpMethod.DELETE,
  'head': HttpMethod.HEAD, 'patch': HttpMethod.PATCH, 'options': HttpMethod.OPTIONS, 'x-apigateway-any-method': HttpMethod.ANY,
};

/**
 * `map[key]` when `map` has `key` as its own property: a document's names (`constructor`,
 * `toString`, `__proto__`) never reach what every object inherits.
 */
function own<T>(map: { readonly [key: string]: T } | undefined, key: string): T | undefined {
  return map !== undefined && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

/** How many problems are listed (in the error, or one warning each): the rest are counted. */
export const LISTED_PROBLEMS = 50;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/**
 * How a function backend or authorizer named its FunctionGraph function, kept for the export; none
 * for the library's own names (a Lambda ARN, `cdk-function:<path>`): those are written afresh.
 */
function functionOrigin(urn: unknown, version: unknown, aliasUrn: string | undefined): FunctionOrigin | undefined {
  const key = aliasUrn ?? urn;
  if (typeof key !== 'string' || key.startsWith('arn:') || key.startsWith(FUNCTION_REFERENCE_PREFIX)) { return undefined; }
  return {
    urn: typeof urn === 'string' ? urn : key,
    ...(typeof version === 'string' && version !== '' ? { version } : {}),
    ...(aliasUrn !== undefined ? { aliasUrn } : {}),
  };
}

function remembered<T extends object>(origin: FunctionOrigin | undefined, declared: T): T {
  if (origin) { rememberFunctionOrigin(declared, origin); }
  return declared;
}

/** A planned API: everything its declaration needs, read from the document. */
interface PlannedApi {
  readonly pointer: string;
  readonly id: string;
  readonly apiName?: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly parameters: RequestParameter[];
  readonly backend: () => Backend | undefined;
  readonly auth: () => ApiAuth | undefined;
  readonly response?: string;
  readonly throttle?: { rateLimit?: number; burstLimit?: number };
  readonly accessControl?: AccessControl;
  readonly matchMode?: MatchMode;
  readonly cors?: CorsOptions;
  readonly backendPolicies: () => BackendPolicy[] | undefined;
  /** The parameters as declared, their orchestration rules resolved (rules the import defines are declared first). */
  readonly declareParameters: () => RequestParameter[] | undefined;
  /** Problems that make the API unsafe or unusable: in lenient mode it is left out. */
  fatal: boolean;
}

/** The reader of one document: pointers and problems. */
class DefinitionReader {
  public readonly problems: ImportProblem[] = [];
  public readonly swagger2: boolean;
  private currentApi?: { fatal: boolean };

  constructor(public readonly doc: Json) {
    this.swagger2 = doc.swagger === '2.0';
  }

  /** Reports an item; `fatal` leaves the API being read out in lenient mode. */
  public report(at: string, message: string, fatal = true): void {
    this.problems.push({ pointer: at, message });
    if (fatal && this.currentApi) { this.currentApi.fatal = true; }
  }

  public withApi<T extends { fatal: boolean }>(api: T, read: () => void): T {
    this.currentApi = api;
    try { read(); } finally { this.currentApi = undefined; }
    return api;
  }

  /** A map of the document at one of its possible places (OpenAPI 3 `components`, or the root). */
  public located(key: string): { at: string; value: Json } | undefined {
    const components = this.doc.components;
    if (isRecord(components) && isRecord(components[key])) { return { at: pointer('', 'components', key), value: components[key] as Json }; }
    if (isRecord(this.doc[key])) { return { at: pointer('', key), value: this.doc[key] as Json }; }
    return undefined;
  }
}

/** Imports `definition` into `group`; returns the APIs added. */
export function importHuaweiDefinition(group: ApiGroup, props: ApiGroupProps, definition: HuaweiDefinition,
  options: HuaweiImportOptions): Api[] {
  const reader = new DefinitionReader(definition._document());
  const doc = reader.doc;
  checkGroupExtension(reader, group, props);
  for (const key of Object.keys(doc)) {
    const unsupported = own(UNSUPPORTED_EXTENSIONS, key);
    if (unsupported) { reader.report(pointer('', key), unsupported, false); }
  }

  const schemes = reader.swagger2
    ? (isRecord(doc.securityDefinitions) ? { at: '/securityDefinitions', value: doc.securityDefinitions as Json } : undefined)
    : reader.located('securitySchemes');
  const responses = readResponses(reader, group);
  const ratelimits = reader.located('x-apigateway-ratelimits');
  const accessControls = reader.located('x-apigateway-access-controls');
  const authorizers = new AuthorizerResolver(reader, group, options, schemes);
  const orchestrations = new OrchestrationResolver(reader, group);

  const planned: PlannedApi[] = [];
  const paths = isRecord(doc.paths) ? doc.paths : {};
  // The group holds at most LIMITS.apisPerGroup APIs: operations beyond what it can still take are
  // not read (a 100,000-operation document is refused or cut in one problem, not 99,000).
  const room = Math.max(0, LIMITS.apisPerGroup - group.apis.length);
  let importable = 0;
  let beyond: { at: string; count: number } | undefined;
  for (const [path, item] of Object.entries(paths)) {
    const itemAt = pointer('', 'paths', path);
    if (!isRecord(item)) { reader.report(itemAt, 'not a path item object'); continue; }
    const common = Array.isArray(item.parameters) ? item.parameters : [];
    for (const [key, operation] of Object.entries(item)) {
      if (key === 'parameters' || key === 'summary' || key === 'description' || key === 'servers' || key === CDK_EXTENSION) { continue; }
      const at = pointer(itemAt, key);
      const method = own(OPERATION_METHODS, key);
      if (method && importable >= room) {
        beyond = { at: beyond?.at ?? at, count: (beyond?.count ?? 0) + 1 };
        continue;
      }
      if (!method) {
        reader.report(at, key.startsWith('x-') ? `unknown extension ${key}` : `method ${key.toUpperCase()} is not supported: allowed GET, POST, PUT, DELETE, HEAD, PATCH, OPTIONS and ANY (x-apigateway-any-method)`);
        continue;
      }
      if (!isRecord(operation)) { reader.report(at, 'not an operation object'); continue; }
      const api = readOperation(reader, {
        at, path, method, operation, common, commonAt: pointer(itemAt, 'parameters'),
        ratelimits, accessControls, authorizers, orchestrations, options, props, group,
      });
      planned.push(api);
      if (!api.fatal) { importable++; }
    }
  }
  if (beyond) {
    reader.report(beyond.at, `${beyond.count} operation${beyond.count === 1 ? '' : 's'} from here on ${beyond.count === 1 ? 'is' : 'are'} left out: ` +
      `a group holds at most ${LIMITS.apisPerGroup} APIs (rule ${RULES.apisPerGroup.id}), the group has ${group.apis.length} ` +
      `and the ${importable} read before ${beyond.count === 1 ? 'it' : 'them'} fill it`, false);
  }

  const lenient = options.lenient ?? false;
  if (!lenient) { throwIfAny(group, definition, reader.problems); }

  // Declaring: the library's constructs check every limit; what they refuse is reported like the rest.
  const declared: ImportProblem[] = [];
  const attempt = <T>(at: string, declare: () => T): T | undefined => {
    try {
      return declare();
    } catch (e) {
      declared.push({ pointer: at, message: (e as Error).message });
      return undefined;
    }
  };
  for (const response of responses) {
    attempt(response.at, () => response.declare());
  }
  const added: Api[] = [];
  for (const api of planned) {
    if (api.fatal) { continue; }
    const backend = attempt(pointer(api.pointer, 'x-apigateway-backend'), api.backend);
    const auth = attempt(pointer(api.pointer, 'security'), api.auth);
    const backendPolicies = attempt(pointer(api.pointer, 'x-apigateway-backend-policies'), api.backendPolicies);
    const parameters = attempt(pointer(api.pointer, 'parameters'), api.declareParameters);
    if (!backend || !auth || !backendPolicies || !parameters) { continue; }
    const gatewayResponse = api.response !== undefined ? group.findGatewayResponse(api.response) : undefined;
    if (api.response !== undefined && !gatewayResponse) {
      declared.push({ pointer: pointer(api.pointer, 'x-apigateway-response'), message: `the group has no gateway response "${api.response}"` });
      continue;
    }
    const result = attempt(api.pointer, () => {
      try {
        return group.addApi(api.id, {
          method: api.method, path: api.path, apiName: api.apiName, backend, auth, parameters,
          gatewayResponse, throttle: api.throttle, accessControl: api.accessControl,
          ...(backendPolicies.length > 0 ? { backendPolicies } : {}),
          ...(api.matchMode ? { matchMode: api.matchMode } : {}),
          ...(api.cors ? { cors: api.cors } : {}),
        });
      } catch (e) {
        // A refused API must not stay in the tree half-defined.
        group.node.tryRemoveChild(api.id);
        throw e;
      }
    });
    if (result) { added.push(result); }
  }
  const all = [...reader.problems, ...declared];
  if (!lenient) { throwIfAny(group, definition, declared); }
  // The first LISTED_PROBLEMS items get a warning each, the rest one warning that counts them.
  for (const p of all.slice(0, LISTED_PROBLEMS)) {
    Annotations.of(group).addWarningV2('cdk-api-groups:huaweiImport', `${definition.source}: ${p.pointer || '/'}: ${p.message}`);
  }
  if (all.length > LISTED_PROBLEMS) {
    Annotations.of(group).addWarningV2('cdk-api-groups:huaweiImport', `${definition.source}: ${notListed(all.length)}`);
  }
  return added;
}

/** The line that counts the problems beyond the first LISTED_PROBLEMS. */
function notListed(total: number): string {
  const rest = total - LISTED_PROBLEMS;
  return `${rest} more item${rest === 1 ? '' : 's'} cannot be imported (${total} in all; the first ${LISTED_PROBLEMS} are listed)`;
}

function throwIfAny(group: ApiGroup, definition: HuaweiDefinition, problems: ImportProblem[]): void {
  if (problems.length === 0) { return; }
  const lines = problems.slice(0, LISTED_PROBLEMS).map(p => `  ${p.pointer || '/'}: ${p.message}`);
  if (problems.length > LISTED_PROBLEMS) { lines.push(`  ... ${notListed(problems.length)}`); }
  throw new ApiGroupValidationError(group.node.path, HUAWEI_IMPORT_RULE,
    `${definition.source}: ${problems.length} item${problems.length === 1 ? '' : 's'} cannot be imported ` +
    `(map them with the import options, or import with lenient: true to leave them out with a warning each):\n${lines.join('\n')}\n`);
}

/** The document's `x-cdk-api-groups` settings of the group itself must be the group's own: import cannot change them. */
function checkGroupExtension(reader: DefinitionReader, group: ApiGroup, props: ApiGroupProps): void {
  const ext = reader.doc[CDK_EXTENSION];
  if (ext === undefined) { return; }
  const at = pointer('', CDK_EXTENSION);
  if (!isRecord(ext)) { reader.report(at, 'not an object', false); return; }
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const declare = (key: string, what: string, expected: unknown, actual: unknown) => {
    if (!same(expected, actual)) {
      reader.report(pointer(at, key), `the document declares ${what} ${JSON.stringify(expected ?? null)}, the group ${JSON.stringify(actual ?? null)}: ` +
        'an import cannot change the group\'s own settings, declare them in the group\'s props', false);
    }
  };
  if (ext.stage !== undefined) { declare('stage', 'stage', ext.stage, group.stageName); }
  declare('stageVariables', 'stage variables', ext.stageVariables, props.stageVariables);
  const cors = props.cors ? {
    allowOrigins: props.cors.allowOrigins,
    ...(props.cors.allowHeaders ? { allowHeaders: props.cors.allowHeaders } : {}),
    ...(props.cors.allowMethods ? { allowMethods: props.cors.allowMethods } : {}),
    ...(props.cors.allowCredentials !== undefined ? { allowCredentials: props.cors.allowCredentials } : {}),
    ...(props.cors.exposeHeaders ? { exposeHeaders: props.cors.exposeHeaders } : {}),
    ...(props.cors.maxAge ? { maxAgeSeconds: props.cors.maxAge.toSeconds() } : {}),
  } : undefined;
  declare('cors', 'CORS', ext.cors, cors);
  declare('throttle', 'the stage throttle', ext.throttle, props.throttle);
  const acl = typeof ext.accessControl === 'string' ? readAccessControl(reader, reader.located('x-apigateway-access-controls'),
    ext.accessControl, pointer(at, 'accessControl')) : undefined;
  declare('accessControl', 'the group access control',
    acl ? { action: acl.action, cidrs: acl.cidrs } : undefined,
    props.accessControl ? { action: props.accessControl.action, cidrs: props.accessControl.cidrs } : undefined);
}

interface PlannedResponse {
  readonly at: string;
  declare(): void;
}

/** `x-apigateway-responses`: response name → response type → {status, body: {media type: template}, headers}. */
function readResponses(reader: DefinitionReader, group: ApiGroup): PlannedResponse[] {
  const found = reader.located('x-apigateway-responses');
  if (!found) { return []; }
  const planned: PlannedResponse[] = [];
  for (const [name, types] of Object.entries(found.value)) {
    const at = pointer(found.at, name);
    if (!isRecord(types)) { reader.report(at, 'not a map of response types'); continue; }
    const rules: ResponseRule[] = [];
    for (const [typeName, rule] of Object.entries(types)) {
      const ruleAt = pointer(at, typeName);
      const type = ResponseType.all().find(t => t.name === typeName);
      if (!type) {
        reader.report(ruleAt, `response type ${typeName} has no counterpart: allowed ${ResponseType.all().map(t => t.name).join(', ')}`);
        continue;
      }
      if (!isRecord(rule)) { reader.report(ruleAt, 'not a rule object ({status, body, headers})'); continue; }
      const parsed = readRule(reader, ruleAt, type, rule);
      if (parsed) { rules.push(parsed); }
    }
    planned.push({
      at,
      declare: () => {
        const existing = group.findGatewayResponse(name);
        if (name === 'default' && existing) {
          for (const rule of rules) { existing.addRule(rule); }
        } else {
          group.addGatewayResponse(name, { rules });
        }
      },
    });
  }
  return planned;
}

function readRule(reader: DefinitionReader, at: string, type: ResponseType, rule: Json): ResponseRule | undefined {
  let ok = true;
  for (const key of Object.keys(rule)) {
    if (!['status', 'body', 'headers', 'default'].includes(key)) { reader.report(pointer(at, key), `unknown rule field ${key}`); ok = false; }
  }
  const status = rule.status;
  if (status !== undefined && typeof status !== 'number') { reader.report(pointer(at, 'status'), 'not a number'); ok = false; }
  let body: string | undefined;
  if (typeof rule.body === 'string') {
    body = rule.body;
  } else if (isRecord(rule.body)) {
    for (const [media, template] of Object.entries(rule.body)) {
      if (media !== 'application/json') {
        reader.report(pointer(at, 'body', media), 'only application/json bodies have a counterpart (every gateway response is JSON)');
        ok = false;
      } else if (typeof template !== 'string') {
        reader.report(pointer(at, 'body', media), 'not a string');
        ok = false;
      } else {
        body = template;
      }
    }
  } else if (rule.body !== undefined) {
    reader.report(pointer(at, 'body'), 'not a map of media type to template');
    ok = false;
  }
  const headers: Record<string, string> = Object.create(null);
  if (rule.headers !== undefined) {
    if (!Array.isArray(rule.headers)) {
      reader.report(pointer(at, 'headers'), 'not a list of {key, value}');
      ok = false;
    } else {
      rule.headers.forEach((h, i) => {
        if (!isRecord(h) || typeof h.key !== 'string' || typeof h.value !== 'string') {
          reader.report(pointer(at, 'headers', i), 'not a {key, value} of strings');
          ok = false;
        } else {
          headers[h.key] = h.value;
        }
      });
    }
  }
  // The rule's own limits, checked here so that one error lists them with the rest, before anything is declared.
  const limits = [
    ...(typeof status === 'number' ? [{ at: pointer(at, 'status'), found: checkStatusCode(status) }] : []),
    ...(body !== undefined ? [{ at: pointer(at, 'body'), found: checkBody(body) }] : []),
    ...checkHeaders(headers).map(found => ({ at: pointer(at, 'headers'), found })),
  ];
  for (const { at: limitAt, found } of limits) {
    if (found) { reader.report(limitAt, found.message); ok = false; }
  }
  if (!ok) { return undefined; }
  return {
    type,
    ...(typeof status === 'number' ? { statusCode: status } : {}),
    ...(body !== undefined ? { body } : {}),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
  };
}

interface OperationInput {
  readonly at: string;
  readonly path: string;
  readonly method: HttpMethod;
  readonly operation: Json;
  readonly common: unknown[];
  readonly commonAt: string;
  readonly ratelimits?: { at: string; value: Json };
  readonly accessControls?: { at: string; value: Json };
  readonly authorizers: AuthorizerResolver;
  readonly orchestrations: OrchestrationResolver;
  readonly options: HuaweiImportOptions;
  readonly props: ApiGroupProps;
  readonly group: ApiGroup;
}

/**
 * A construct id for a Huawei name. The constructs library keeps children in a plain object, so a
 * name that every object inherits (`constructor`, `toString`, `__proto__`) gets a prefix.
 */
function constructIdOf(name: string): string {
  const id = name.replace(/\//g, '_');
  return id in Object.prototype ? `api_${id}` : id;
}

/** Whether `group` has a child with this id (its own: not what a plain object inherits). */
function hasChild(group: ApiGroup, id: string): boolean {
  return group.node.children.some(c => c.node.id === id);
}

function readOperation(reader: DefinitionReader, input: OperationInput): PlannedApi {
  const { at, operation } = input;
  const ext = isRecord(operation[CDK_EXTENSION]) ? operation[CDK_EXTENSION] as Json : {};
  const apiName = typeof operation.operationId === 'string' ? operation.operationId : undefined;
  const id = typeof ext.id === 'string' ? ext.id : constructIdOf(apiName ?? `${input.method}${input.path}`);
  const planned: PlannedApi = {
    pointer: at, id, apiName, method: input.method, path: input.path, parameters: [],
    backend: () => undefined, auth: () => undefined, backendPolicies: () => [], declareParameters: () => planned.parameters, fatal: false,
  };
  return reader.withApi(planned, () => {
    if (hasChild(input.group, id)) { reader.report(at, `the group already has a construct with id "${id}"`); }
    for (const key of Object.keys(operation)) {
      if (!key.startsWith('x-apigateway-') || DOCUMENTATION_EXTENSIONS.has(key)) { continue; }
      const unsupported = own(UNSUPPORTED_EXTENSIONS, key);
      if (unsupported) { reader.report(pointer(at, key), unsupported); continue; }
      if (!['x-apigateway-backend', 'x-apigateway-response', 'x-apigateway-ratelimit', 'x-apigateway-access-control', 'x-apigateway-cors',
        'x-apigateway-match-mode', 'x-apigateway-is-send-fg-body-base64', 'x-apigateway-backend-policies'].includes(key)) {
        reader.report(pointer(at, key), `unknown extension ${key}`);
      }
    }
    const requestType = operation['x-apigateway-request-type'];
    if (requestType !== undefined && requestType !== 'public' && requestType !== 'private') {
      reader.report(pointer(at, 'x-apigateway-request-type'), `${JSON.stringify(requestType)}: allowed public or private`, false);
    }
    // x-apigateway-match-mode: NORMAL (exact) | SWA (prefix), OTC x/extended_definition/x-apigateway-match-mode.rst.
    const matchMode = operation['x-apigateway-match-mode'];
    if (matchMode === 'SWA') {
      (planned as { matchMode?: MatchMode }).matchMode = MatchMode.PREFIX;
    } else if (matchMode !== undefined && matchMode !== 'NORMAL') {
      reader.report(pointer(at, 'x-apigateway-match-mode'), `match mode ${JSON.stringify(matchMode)}: allowed NORMAL (exact) and SWA (prefix)`);
    }
    readCors(reader, input, ext, planned);
    readProtocols(reader, input);

    const base64 = operation['x-apigateway-is-send-fg-body-base64'];
    if (base64 !== undefined && base64 !== true) {
      reader.report(pointer(at, 'x-apigateway-is-send-fg-body-base64'),
        'only true has a counterpart: a function backend gets binary bodies base64-encoded, with isBase64Encoded telling it so');
    }
    const { parameters, declare } = readParameters(reader, input);
    planned.parameters.push(...parameters);
    (planned as { declareParameters: () => RequestParameter[] | undefined }).declareParameters = declare;
    (planned as { backend: () => Backend | undefined }).backend = readBackend(reader, input, parameters, ext);
    (planned as { backendPolicies: () => BackendPolicy[] | undefined }).backendPolicies = readBackendPolicies(reader, input, parameters);
    (planned as { auth: () => ApiAuth | undefined }).auth = readSecurity(reader, input, ext);
    if (operation['x-apigateway-response'] !== undefined) {
      if (typeof operation['x-apigateway-response'] === 'string') {
        (planned as { response?: string }).response = operation['x-apigateway-response'];
      } else {
        reader.report(pointer(at, 'x-apigateway-response'), 'not a response name');
      }
    }
    const throttle = readRatelimit(reader, input, ext);
    if (throttle) { (planned as { throttle?: object }).throttle = throttle; }
    const aclName = operation['x-apigateway-access-control'];
    if (aclName !== undefined) {
      const acl = typeof aclName === 'string'
        ? readAccessControl(reader, input.accessControls, aclName, pointer(at, 'x-apigateway-access-control')) : undefined;
      if (typeof aclName !== 'string') { reader.report(pointer(at, 'x-apigateway-access-control'), 'not a policy name'); }
      if (acl) { (planned as { accessControl?: AccessControl }).accessControl = acl; }
    }
  });
}

/**
 * The API's request protocol: Swagger 2 `schemes` (the operation's, else the document's), OpenAPI 3
 * the operation's `servers`. API Gateway serves HTTPS only, so an API Huawei serves over plain HTTP
 * alone (the OTC mock example: `schemes: [http]`) is reported: its callers must switch to https.
 */
function readProtocols(reader: DefinitionReader, input: OperationInput): void {
  const { operation, at } = input;
  if (reader.swagger2) {
    const own = operation.schemes !== undefined;
    const schemes = own ? operation.schemes : reader.doc.schemes;
    if (Array.isArray(schemes) && schemes.length > 0 && !schemes.some(v => String(v).toLowerCase() === 'https')) {
      reader.report(own ? pointer(at, 'schemes') : '/schemes',
        `${JSON.stringify(schemes)}: API Gateway serves HTTPS only, callers of this API must use https`, false);
    }
  } else if (Array.isArray(operation.servers) && operation.servers.length > 0
    && !operation.servers.some(server => isRecord(server) && typeof server.url === 'string' && /^https:/i.test(server.url.trim()))) {
    reader.report(pointer(at, 'servers'), 'no https server: API Gateway serves HTTPS only, callers of this API must use https', false);
  }
}

/** CORS as the library's extension writes it: {allowOrigins, allowHeaders?, allowMethods?, allowCredentials?, exposeHeaders?, maxAgeSeconds?}. */
function corsFromJson(cors: Json): CorsOptions {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
  return {
    allowOrigins: list(cors.allowOrigins) ?? [],
    ...(list(cors.allowHeaders) ? { allowHeaders: list(cors.allowHeaders) } : {}),
    ...(list(cors.allowMethods) ? { allowMethods: list(cors.allowMethods) } : {}),
    ...(typeof cors.allowCredentials === 'boolean' ? { allowCredentials: cors.allowCredentials } : {}),
    ...(list(cors.exposeHeaders) ? { exposeHeaders: list(cors.exposeHeaders) } : {}),
    ...(typeof cors.maxAgeSeconds === 'number' ? { maxAge: Duration.seconds(cors.maxAgeSeconds) } : {}),
  };
}

/**
 * `x-apigateway-cors` (a boolean on the operation, OTC x/extended_definition/x-apigateway-cors.rst;
 * true: `Access-Control-Allow-Origin: *`): the API's own CORS, `{ allowOrigins: ['*'] }`, unless
 * the group declares CORS for every API. The library's export keeps an API's own options in its extension.
 */
function readCors(reader: DefinitionReader, input: OperationInput, ext: Json, planned: PlannedApi): void {
  const cors = input.operation['x-apigateway-cors'];
  const at = pointer(input.at, 'x-apigateway-cors');
  if (cors === undefined) { return; }
  if (typeof cors !== 'boolean') { reader.report(at, 'not a boolean', false); return; }
  if (cors && isRecord(ext.cors)) {
    (planned as { cors?: CorsOptions }).cors = corsFromJson(ext.cors);
  } else if (cors && input.props.cors === undefined) {
    (planned as { cors?: CorsOptions }).cors = { allowOrigins: ['*'] };
  } else if (!cors && input.props.cors !== undefined) {
    reader.report(at, 'the API does not allow CORS, the group declares CORS for every API', false);
  }
}

/**
 * `x-apigateway-backend-policies`: [{name, type, effectMode ALL|ANY, conditions[], parameters[],
 * httpEndpoints | httpVpcEndpoints | functionEndpoints | mockEndpoints}] (ref §3 and §9; OTC
 * x/extended_definition/x-apigateway-backend-policies.rst; the export in huaweicloudDocs/apig
 * v1-ExportingAllAPIsinanAPIGroup.md). Conditions in every documented spelling (ref §10.1): origin
 * `param` | `request` | `request_parameter`, `source`, `system`, `frontend_authorizer`; the parameter
 * in `parameter` or `parameter_name`; type `exact` | `equal`, `enum` (comma-separated), `pattern`.
 */
function readBackendPolicies(reader: DefinitionReader, input: OperationInput, parameters: RequestParameter[]): () => BackendPolicy[] | undefined {
  const policies = input.operation['x-apigateway-backend-policies'];
  const at = pointer(input.at, 'x-apigateway-backend-policies');
  if (policies === undefined) { return () => []; }
  if (!Array.isArray(policies)) { reader.report(at, 'not a list of backend policies'); return () => undefined; }
  const planned: Array<() => BackendPolicy | undefined> = [];
  policies.forEach((policy, i) => {
    const policyAt = pointer(at, i);
    if (!isRecord(policy)) { reader.report(policyAt, 'not a backend policy'); return; }
    const before = reader.problems.length;
    const policyName = typeof policy.name === 'string' ? policy.name : '';
    if (policyName === '') { reader.report(pointer(policyAt, 'name'), 'a backend policy needs a name'); }
    const conditions = Array.isArray(policy.conditions) ? policy.conditions : [];
    if (!Array.isArray(policy.conditions)) { reader.report(pointer(policyAt, 'conditions'), 'not a list of conditions'); }
    const read = conditions.map((c, j) => readPolicyCondition(reader, pointer(policyAt, 'conditions', j), c));
    const effectText = policy.effectMode ?? policy.effect_mode;
    let effect: PolicyEffect | undefined;
    if (effectText === 'ALL' || effectText === 'ANY') {
      effect = effectText === 'ALL' ? PolicyEffect.ALL : PolicyEffect.ANY;
    } else if (effectText !== undefined) {
      reader.report(pointer(policyAt, 'effectMode'), `${JSON.stringify(effectText)}: allowed ALL, ANY`);
    } else if (conditions.length > 1) {
      // Required by Huawei's API, its default differs between its tools (terraform: ANY): with several conditions it matters.
      reader.report(policyAt, 'a policy with several conditions needs effectMode (ALL or ANY): Huawei\'s API requires it and its tools default differently');
    }
    const own = isRecord(policy[CDK_EXTENSION]) ? policy[CDK_EXTENSION] as Json : {};
    const backend = readBackendObject(reader, input, policyAt, policy, parameters, own, ['name', 'effectMode', 'effect_mode', 'conditions']);
    if (reader.problems.length > before) { return; }
    planned.push(() => {
      const declared = backend();
      if (!declared) { return undefined; }
      return { policyName, backend: declared, conditions: read.filter((c): c is PolicyCondition => c !== undefined), ...(effect ? { effect } : {}) };
    });
  });
  return () => {
    const made = planned.map(p => p());
    return made.some(p => p === undefined) ? undefined : made as BackendPolicy[];
  };
}

const SYSTEM_CONDITIONS: Record<string, string> = { req_path: '$context.reqPath', reqPath: '$context.reqPath', req_method: '$context.reqMethod', reqMethod: '$context.reqMethod' };

function readPolicyCondition(reader: DefinitionReader, at: string, condition: unknown): PolicyCondition | undefined {
  if (!isRecord(condition)) { reader.report(at, 'not a condition {origin, parameter, type, value}'); return undefined; }
  const value = typeof condition.value === 'string' ? condition.value : undefined;
  if (value === undefined) { reader.report(pointer(at, 'value'), 'not a string'); return undefined; }
  const parameterKey = condition.parameter_name !== undefined ? 'parameter_name' : 'parameter';
  const parameter = condition[parameterKey];
  const origin = condition.origin;
  if (origin === 'source') {
    // The caller's IP: value a comma-separated list of addresses or CIDR blocks; type unused.
    return PolicyCondition.sourceIp(value.split(',').map(v => v.trim()).filter(v => v !== ''));
  }
  const type = condition.type;
  let match: PolicyMatchOptions;
  if (type === 'exact' || type === 'equal') {
    match = { exact: value };
  } else if (type === 'enum') {
    match = { oneOf: value.split(',') };
  } else if (type === 'pattern') {
    match = { pattern: value };
  } else {
    reader.report(pointer(at, 'type'), `${JSON.stringify(type)}: allowed exact (or equal), enum, pattern`);
    return undefined;
  }
  if (typeof parameter !== 'string' || parameter === '') {
    reader.report(pointer(at, parameterKey), `a ${String(origin)} condition names its parameter`);
    return undefined;
  }
  switch (origin) {
    case 'param':
    case 'request':
    case 'request_parameter':
      return PolicyCondition.parameter(parameter, match);
    case 'system': {
      const variable = own(SYSTEM_CONDITIONS, parameter) ?? parameter;
      return PolicyCondition.system(variable, match);
    }
    case 'frontend_authorizer':
      return PolicyCondition.system(`$context.authorizer.frontend.${parameter}`, match);
    default:
      reader.report(pointer(at, 'origin'), `${JSON.stringify(origin)} conditions have no counterpart: allowed param (request, request_parameter), ` +
        'source, system, frontend_authorizer');
      return undefined;
  }
}

function readParameters(reader: DefinitionReader, input: OperationInput): { parameters: RequestParameter[]; declare: () => RequestParameter[] | undefined } {
  const out: RequestParameter[] = [];
  const orchestrated = new Map<RequestParameter, Array<() => OrchestrationRule | undefined>>();
  const own = Array.isArray(input.operation.parameters) ? input.operation.parameters : [];
  const entries = [
    ...input.common.map((p, i) => ({ p, at: pointer(input.commonAt, i) })),
    ...own.map((p, i) => ({ p, at: pointer(input.at, 'parameters', i) })),
  ];
  for (const { p, at } of entries) {
    if (!isRecord(p)) { reader.report(at, 'not a parameter object'); continue; }
    if (typeof p.$ref === 'string') { reader.report(pointer(at, '$ref'), 'parameter references ($ref) are not resolved: write the parameter inline'); continue; }
    const ext = isRecord(p[CDK_EXTENSION]) ? p[CDK_EXTENSION] as Json : {};
    if (ext.implicit === true) { continue; }
    // Huawei's exports may write the location in upper case (HEADER, QUERY, PATH).
    const where = typeof p.in === 'string' ? p.in.toLowerCase() : p.in;
    if (where === 'body' || where === 'formdata') { continue; } // a body's description: the proxy does not validate bodies
    const name = typeof p.name === 'string' ? p.name : '';
    if (where !== 'path' && where !== 'query' && where !== 'header') {
      reader.report(pointer(at, 'in'), `${JSON.stringify(p.in)} parameters have no counterpart: allowed path, query, header`);
      continue;
    }
    const passThrough = p['x-apigateway-pass-through'];
    if (passThrough !== undefined && passThrough !== 'always') {
      reader.report(pointer(at, 'x-apigateway-pass-through'), 'only "always" has a counterpart: the proxy passes every parameter to the backend');
    }
    // x-apigateway-orchestrations: [rule name...] in priority order (ref §8 "Binding"); exports write [] when there are none.
    const orchestrations = p['x-apigateway-orchestrations'];
    let rules: Array<() => OrchestrationRule | undefined> = [];
    if (orchestrations !== undefined) {
      const orchestrationsAt = pointer(at, 'x-apigateway-orchestrations');
      if (!Array.isArray(orchestrations)) {
        reader.report(orchestrationsAt, 'not a list of orchestration rule names');
      } else {
        const resolved = orchestrations.map((ruleName, i) => input.orchestrations.resolve(ruleName, pointer(orchestrationsAt, i)));
        rules = resolved.filter((r): r is () => OrchestrationRule | undefined => r !== undefined);
      }
    }
    for (const key of Object.keys(p)) {
      if (key.startsWith('x-apigateway-') && !['x-apigateway-pass-through', 'x-apigateway-orchestrations', 'x-apigateway-sample'].includes(key)) {
        reader.report(pointer(at, key), `unknown extension ${key}`);
      }
    }
    const schemaAt = reader.swagger2 || !isRecord(p.schema) ? at : pointer(at, 'schema');
    const schema: Json = reader.swagger2 || !isRecord(p.schema) ? p : p.schema as Json;
    const type = schema.type ?? 'string';
    if (!['string', 'number', 'integer', 'boolean'].includes(String(type))) {
      reader.report(pointer(schemaAt, 'type'), `type ${JSON.stringify(type)} has no counterpart: allowed string, number, integer, boolean (Huawei's STRING and NUMBER)`);
      continue;
    }
    const number = type === 'number' || type === 'integer';
    const options: { -readonly [K in keyof RequestParameterOptions]: RequestParameterOptions[K] } = {
      type: number ? ParameterType.NUMBER : ParameterType.STRING,
    };
    if (where !== 'path' && p.required === true) { options.required = true; }
    if (Array.isArray(schema.enum)) { options.enumerations = schema.enum.map(v => String(v)); }
    const bounds = readBounds(reader, schemaAt, schema, number, isRecord(ext.bounds) ? ext.bounds : {});
    Object.assign(options, bounds);
    if (schema.default !== undefined) {
      // Huawei sends a parameter's default value to the backend when the request has none (OTC u/api_management/creating_an_api.rst).
      reader.report(pointer(schemaAt, 'default'), `a default value (${JSON.stringify(schema.default)}, which Huawei sends to the backend when the ` +
        'request has none) has no counterpart: the proxy sends only what the request has', false);
    }
    if (schema.pattern !== undefined) {
      reader.report(pointer(schemaAt, 'pattern'), 'patterns have no counterpart (Huawei lists regular-expression validation as not supported)', false);
    }
    const parameter = where === 'path' ? RequestParameter.path(name, options)
      : where === 'query' ? RequestParameter.query(name, options) : RequestParameter.header(name, options);
    const found = parameter._problems();
    for (const problem of found) { reader.report(at, problem.message); }
    if (found.length === 0) {
      out.push(parameter);
      if (rules.length > 0) { orchestrated.set(parameter, rules); }
    }
  }
  const declare = (): RequestParameter[] | undefined => {
    const declared: RequestParameter[] = [];
    for (const parameter of out) {
      const rules = orchestrated.get(parameter);
      if (!rules) { declared.push(parameter); continue; }
      const made = rules.map(r => r());
      if (made.some(r => r === undefined)) { return undefined; }
      const options = { ...parameter.options, orchestrations: made as OrchestrationRule[] };
      declared.push(parameter.location === 'path' ? RequestParameter.path(parameter.name, options)
        : parameter.location === 'query' ? RequestParameter.query(parameter.name, options) : RequestParameter.header(parameter.name, options));
    }
    return declared;
  };
  return { parameters: out, declare };
}

/**
 * The orchestration rules parameters name (`x-apigateway-orchestrations`): the group's own (defined
 * before the import: a Huawei export carries the rules' names, not the rules), else those the
 * library's own export defines in `x-cdk-api-groups.orchestrationRules`, declared once.
 */
class OrchestrationResolver {
  private readonly made = new Map<string, () => OrchestrationRule | undefined>();

  constructor(private readonly reader: DefinitionReader, private readonly group: ApiGroup) {}

  public resolve(ruleName: unknown, at: string): (() => OrchestrationRule | undefined) | undefined {
    if (typeof ruleName !== 'string') { this.reader.report(at, 'not an orchestration rule name'); return undefined; }
    const known = this.made.get(ruleName);
    if (known) { return known; }
    const existing = this.group.orchestrationRules.find(r => r.orchestrationName === ruleName);
    let make: () => OrchestrationRule | undefined;
    if (existing) {
      make = () => existing;
    } else {
      const ext = this.reader.doc[CDK_EXTENSION];
      const defs = isRecord(ext) && isRecord(ext.orchestrationRules) ? ext.orchestrationRules : {};
      const def = own(defs, ruleName);
      if (!isRecord(def)) {
        this.reader.report(at, `orchestration rule ${JSON.stringify(ruleName)} is not defined in the group: a Huawei definition names its ` +
          'orchestration rules without defining them, define it with group.addOrchestrationRule() before importing');
        return undefined;
      }
      const options = this.ruleOptions(def, pointer('', CDK_EXTENSION, 'orchestrationRules', ruleName));
      if (!options) { return undefined; }
      make = () => this.group.addOrchestrationRule(constructIdOf(ruleName), { ...options, orchestrationName: ruleName });
    }
    let made: OrchestrationRule | undefined;
    let done = false;
    const once = () => {
      if (!done) { done = true; made = make(); }
      return made;
    };
    this.made.set(ruleName, once);
    return once;
  }

  /** A rule of the library's export: {strategy, list?, range?, value?, length?, mapped?: {name, in, type}, preprocessing?}. */
  private ruleOptions(def: Json, at: string): OrchestrationRuleOptions | undefined {
    const entries = <T>(key: string, read: (e: Json) => T): T[] => (Array.isArray(def[key]) ? (def[key] as unknown[]).filter(isRecord).map(read) : []);
    let strategy: OrchestrationStrategy;
    switch (def.strategy) {
      case 'list': strategy = OrchestrationStrategy.list(entries('list', e => ({ values: (e.values as unknown[]).map(String), mappedValue: String(e.value) }))); break;
      case 'range': strategy = OrchestrationStrategy.range(entries('range', e => ({ start: String(e.start), end: String(e.end), mappedValue: String(e.value) }))); break;
      case 'none_value': strategy = OrchestrationStrategy.noneValue(String(def.value)); break;
      case 'default': strategy = OrchestrationStrategy.defaultValue(String(def.value)); break;
      case 'head_n': strategy = OrchestrationStrategy.headN(Number(def.length)); break;
      case 'tail_n': strategy = OrchestrationStrategy.tailN(Number(def.length)); break;
      default:
        this.reader.report(pointer(at, 'strategy'), `${JSON.stringify(def.strategy)}: allowed list, range, none_value, default, head_n, tail_n`);
        return undefined;
    }
    const mapped = isRecord(def.mapped) ? def.mapped : undefined;
    const type = mapped?.type === 'number' ? ParameterType.NUMBER : ParameterType.STRING;
    return {
      strategy,
      ...(mapped ? { mappedParameter: mapped.in === 'query' ? MappedParameter.query(String(mapped.name), { type }) : MappedParameter.header(String(mapped.name), { type }) } : {}),
      ...(def.preprocessing === true ? { preprocessing: true } : {}),
    };
  }
}

/**
 * A parameter's bounds as Huawei means them. Its exports write `minimum`, `maximum`, `minLength` and
 * `maxLength` as 0 when unset (a 0 is "no limit"), and a STRING parameter's length bounds (min_size,
 * max_size) as `minimum`/`maximum` (reference §9, OTC importing_apis.rst OpenAPI examples). A bound
 * that really is 0 is kept in the library's own extension (`x-cdk-api-groups.bounds`) by its export.
 */
function readBounds(reader: DefinitionReader, at: string, schema: Json, number: boolean, kept: Json):
Pick<RequestParameterOptions, 'minimum' | 'maximum' | 'minLength' | 'maxLength'> {
  const set = (key: string): number | undefined => {
    if (typeof kept[key] === 'number') { return kept[key] as number; }
    const value = schema[key];
    if (value === undefined || value === 0) { return undefined; }
    if (typeof value !== 'number') { reader.report(pointer(at, key), 'not a number', false); return undefined; }
    return value;
  };
  const minimum = set('minimum');
  const maximum = set('maximum');
  const minLength = set('minLength');
  const maxLength = set('maxLength');
  if (number) {
    return {
      ...(minimum !== undefined ? { minimum } : {}), ...(maximum !== undefined ? { maximum } : {}),
      ...(minLength !== undefined ? { minLength } : {}), ...(maxLength !== undefined ? { maxLength } : {}),
    };
  }
  // A string's length: minLength/maxLength, or Huawei's minimum/maximum; both given and different is a contradiction.
  const length = (lengthKey: string, byLength: number | undefined, boundKey: string, byBound: number | undefined) => {
    if (byLength !== undefined && byBound !== undefined && byLength !== byBound) {
      reader.report(pointer(at, boundKey), `${boundKey} ${byBound} and ${lengthKey} ${byLength} of a string parameter disagree: ` +
        `Huawei bounds a string's length with ${boundKey}, OpenAPI with ${lengthKey}`, false);
    }
    return byLength ?? byBound;
  };
  const min = length('minLength', minLength, 'minimum', minimum);
  const max = length('maxLength', maxLength, 'maximum', maximum);
  return { ...(min !== undefined ? { minLength: min } : {}), ...(max !== undefined ? { maxLength: max } : {}) };
}

function readBackend(reader: DefinitionReader, input: OperationInput, parameters: RequestParameter[], ext: Json): () => Backend | undefined {
  const at = pointer(input.at, 'x-apigateway-backend');
  const backend = input.operation['x-apigateway-backend'];
  if (!isRecord(backend)) {
    reader.report(at, 'every API needs a backend (x-apigateway-backend)');
    return () => undefined;
  }
  return readBackendObject(reader, input, at, backend, parameters, ext);
}

const BACKEND_KEYS = ['type', 'parameters', 'httpEndpoints', 'httpVpcEndpoints', 'functionEndpoints', 'mockEndpoints', 'description'];

/**
 * A backend object: `x-apigateway-backend` or one of `x-apigateway-backend-policies` ({type: HTTP |
 * HTTP-VPC | FUNCTION | MOCK, parameters[], httpEndpoints | httpVpcEndpoints | functionEndpoints |
 * mockEndpoints}, OTC x/extended_definition/x-apigateway-backend.rst). `ext` is the library's own
 * extension for it (what Huawei cannot express: a mock's status and headers, a backend URL).
 */
function readBackendObject(reader: DefinitionReader, input: OperationInput, at: string, backend: Json, parameters: RequestParameter[],
  ext: Json, extraKeys: string[] = []): () => Backend | undefined {
  for (const key of Object.keys(backend)) {
    if (!BACKEND_KEYS.includes(key) && !extraKeys.includes(key) && key !== CDK_EXTENSION) { reader.report(pointer(at, key), `unknown backend field ${key}`); }
  }
  const backendParameters = readBackendParameters(reader, at, backend, parameters, input.path);
  const withParameters = backendParameters.length > 0 ? { parameters: backendParameters } : {};
  const timeoutOf = (value: unknown, valueAt: string): Duration | undefined => {
    if (value === undefined) { return undefined; }
    if (typeof value !== 'number') { reader.report(valueAt, 'not a number of milliseconds'); return undefined; }
    return Duration.millis(value);
  };
  const authorizerContextHeaders = isRecord(ext.authorizerContextHeaders) ? ext.authorizerContextHeaders as Record<string, string> : undefined;
  switch (backend.type) {
    case 'HTTP':
    case 'HTTP-VPC': {
      const vpc = backend.type === 'HTTP-VPC';
      const key = vpc ? 'httpVpcEndpoints' : 'httpEndpoints';
      const endpointAt = pointer(at, key);
      const endpoint = backend[key];
      if (!isRecord(endpoint)) { reader.report(endpointAt, `a ${backend.type} backend needs ${key}`); return () => undefined; }
      for (const k of Object.keys(endpoint)) {
        if (!['address', 'scheme', 'method', 'path', 'timeout', 'retryCount', 'enableClientSsl', 'description', 'name', 'cascade_flag'].includes(k)) {
          reader.report(pointer(endpointAt, k), `unknown endpoint field ${k}`);
        }
      }
      if (endpoint.enableClientSsl === true) { reader.report(pointer(endpointAt, 'enableClientSsl'), 'client certificates towards the backend have no counterpart'); }
      // retryCount: -1 (Huawei's default, written '-1' by its exports) and 0; the proxy calls a backend once.
      const retry = text(endpoint.retryCount);
      if (retry !== undefined && retry !== '0' && retry !== '-1') {
        reader.report(pointer(endpointAt, 'retryCount'), `retries (${retry}) have no counterpart: the proxy calls a backend once`);
      }
      const scheme = typeof endpoint.scheme === 'string' ? endpoint.scheme.toLowerCase() : 'https';
      if (scheme !== 'http' && scheme !== 'https') { reader.report(pointer(endpointAt, 'scheme'), `scheme ${JSON.stringify(endpoint.scheme)}: allowed http, https`); }
      const path = typeof endpoint.path === 'string' ? endpoint.path : '/';
      let base: string | undefined;
      if (vpc) {
        const name = endpoint.name;
        base = typeof name === 'string' ? own(input.options.vpcChannels, name) : undefined;
        if (base === undefined) {
          reader.report(pointer(endpointAt, 'name'), `VPC channel ${JSON.stringify(name)} is not mapped: give its base URL in options.vpcChannels`);
          return () => undefined;
        }
      } else {
        const address = Array.isArray(endpoint.address) && endpoint.address.length === 1 ? endpoint.address[0] : endpoint.address;
        if (typeof address !== 'string' || address === '') {
          reader.report(pointer(endpointAt, 'address'), Array.isArray(endpoint.address) ? 'several addresses (load balancing) have no counterpart' : 'not an address');
          return () => undefined;
        }
        base = `${scheme}://${address}`;
      }
      const url = typeof ext.backendUrl === 'string' ? ext.backendUrl : `${base.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
      if (ext.backendUrl === 'deploy-time value') {
        reader.report(pointer(input.at, CDK_EXTENSION, 'backendUrl'), 'the exported group\'s backend URL was a deploy-time value: the document does not hold it');
        return () => undefined;
      }
      // `#name#` environment variables (ref §4) in the address or path stay in the URL: each environment that
      // publishes the API supplies them (checked at synthesis).
      const methodText = typeof endpoint.method === 'string' ? endpoint.method.toUpperCase() : 'ANY';
      const method = Object.values(HttpMethod).find(m => m === methodText);
      if (!method) { reader.report(pointer(endpointAt, 'method'), `method ${JSON.stringify(endpoint.method)} is not an HTTP method of the library`); }
      const timeout = timeoutOf(endpoint.timeout, pointer(endpointAt, 'timeout'));
      return () => Backend.http(url, {
        ...(timeout ? { timeout } : {}),
        ...(method && method !== HttpMethod.ANY ? { method } : {}),
        ...(authorizerContextHeaders ? { authorizerContextHeaders } : {}),
        ...withParameters,
      });
    }
    case 'FUNCTION': {
      const endpointAt = pointer(at, 'functionEndpoints');
      const endpoint = backend.functionEndpoints;
      if (!isRecord(endpoint)) { reader.report(endpointAt, 'a FUNCTION backend needs functionEndpoints'); return () => undefined; }
      for (const k of Object.keys(endpoint)) {
        if (!['function-urn', 'version', 'alias-urn', 'invocation-type', 'network-type', 'timeout', 'description'].includes(k)) {
          reader.report(pointer(endpointAt, k), `unknown endpoint field ${k}`);
        }
      }
      // invocation-type: sync | async (ref §6); "synchronous" is what the extension page's example writes (ref §10.5).
      const invocationType = endpoint['invocation-type'];
      let invocation: FunctionInvocation | undefined;
      if (invocationType === 'async') {
        invocation = FunctionInvocation.ASYNC;
      } else if (invocationType !== undefined && invocationType !== 'sync' && invocationType !== 'synchronous') {
        reader.report(pointer(endpointAt, 'invocation-type'), `${JSON.stringify(invocationType)}: allowed sync (or synchronous) and async`);
      }
      const alias = typeof endpoint['alias-urn'] === 'string' && endpoint['alias-urn'] !== '' ? endpoint['alias-urn'] : undefined;
      const urn = alias ?? endpoint['function-urn'];
      const fn = typeof urn === 'string' ? own(input.options.functions, urn) : undefined;
      if (!fn) {
        reader.report(pointer(endpointAt, alias ? 'alias-urn' : 'function-urn'),
          `FunctionGraph function ${JSON.stringify(urn ?? null)} is not mapped: give its Lambda function in options.functions`);
        return () => undefined;
      }
      const timeout = timeoutOf(endpoint.timeout, pointer(endpointAt, 'timeout'));
      const origin = functionOrigin(endpoint['function-urn'], endpoint.version, alias);
      return () => remembered(origin, Backend.fn(fn, { ...(timeout ? { timeout } : {}), ...(invocation ? { invocation } : {}), ...withParameters }));
    }
    case 'MOCK': {
      const endpoint = backend.mockEndpoints;
      const content = isRecord(endpoint) ? endpoint['result-content'] : undefined;
      if (content !== undefined && typeof content !== 'string') {
        reader.report(pointer(at, 'mockEndpoints', 'result-content'), 'not a string');
      }
      if (backendParameters.length > 0) {
        reader.report(pointer(at, 'parameters'), 'a mock answers without calling anything: its backend parameters would reach nothing', false);
      }
      const mock = isRecord(ext.mock) ? ext.mock : {};
      return () => Backend.mock({
        body: typeof content === 'string' ? content : '',
        ...(typeof mock.statusCode === 'number' ? { statusCode: mock.statusCode } : {}),
        ...(isRecord(mock.headers) ? { headers: mock.headers as Record<string, string> } : {}),
      });
    }
    default:
      reader.report(pointer(at, 'type'), `backend type ${JSON.stringify(backend.type)}: allowed HTTP, HTTP-VPC (with options.vpcChannels), FUNCTION, MOCK`);
      return () => undefined;
  }
}

const PARAMETER_LOCATIONS: Record<string, ParameterLocation> = { PATH: ParameterLocation.PATH, QUERY: ParameterLocation.QUERY, HEADER: ParameterLocation.HEADER };

/**
 * `x-apigateway-backend.parameters` ({name, value, in, origin: REQUEST | CONSTANT | SYSTEM,
 * description}; `in` upper case in exports; ref §2, OTC x/extended_definition/x-apigateway-backend.parameters.rst).
 * A REQUEST parameter sent under its own name and location is what the proxy does with every
 * request parameter anyway: nothing to declare. Any other is a BackendParameter.
 */
function readBackendParameters(reader: DefinitionReader, at: string, backend: Json, parameters: RequestParameter[], path: string): BackendParameter[] {
  if (backend.parameters === undefined) { return []; }
  if (!Array.isArray(backend.parameters)) { reader.report(pointer(at, 'parameters'), 'not a list'); return []; }
  const pathNames = [...path.matchAll(/\{([^}+]+)\+?\}/g)].map(m => m[1]);
  const out: BackendParameter[] = [];
  backend.parameters.forEach((bp, i) => {
    const bpAt = pointer(at, 'parameters', i);
    if (!isRecord(bp)) { reader.report(bpAt, 'not a backend parameter'); return; }
    for (const key of Object.keys(bp)) {
      if (!['name', 'value', 'in', 'origin', 'description', 'remark', CDK_EXTENSION].includes(key)) { reader.report(pointer(bpAt, key), `unknown backend parameter field ${key}`); }
    }
    const location = own(PARAMETER_LOCATIONS, String(bp.in ?? '').toUpperCase());
    if (!location) { reader.report(pointer(bpAt, 'in'), `${JSON.stringify(bp.in)}: allowed PATH, QUERY, HEADER`); return; }
    if (typeof bp.name !== 'string' || typeof bp.value !== 'string') { reader.report(bpAt, 'name and value must be strings'); return; }
    const name = bp.name;
    const value = bp.value;
    const origin = String(bp.origin ?? '').toUpperCase();
    switch (origin) {
      case 'REQUEST': {
        const same = name === value || (location === ParameterLocation.HEADER && name.toLowerCase() === value.toLowerCase());
        const inPlace = parameters.some(p => p.location === location && p.name.toLowerCase() === value.toLowerCase())
          || (location === ParameterLocation.PATH && pathNames.includes(value));
        // The library's export marks a parameter declared to its own name and location (x-cdk-api-groups.declared).
        const declared = isRecord(bp[CDK_EXTENSION]) && (bp[CDK_EXTENSION] as Json).declared === true;
        if (same && inPlace && !declared) { return; }
        out.push(BackendParameter.request(value, { name, location }));
        return;
      }
      case 'CONSTANT':
        out.push(BackendParameter.constant(name, value, { location }));
        return;
      case 'SYSTEM': {
        // Values as Huawei's API writes them ($context.sourceIp, $context.authorizer.frontend.<key>); a backend
        // authorizer's values ($context.authorizer.backend.<key>) have no counterpart.
        if (!parseSystemVariable(value)) {
          reader.report(pointer(bpAt, 'value'), `system parameter ${JSON.stringify(value)} has no counterpart: allowed ${SYSTEM_VARIABLE_HELP}`);
          return;
        }
        out.push(BackendParameter.system(name, value, { location }));
        return;
      }
      default:
        reader.report(pointer(bpAt, 'origin'), `${JSON.stringify(bp.origin)}: allowed REQUEST, CONSTANT, SYSTEM`);
    }
  });
  return out;
}

function readSecurity(reader: DefinitionReader, input: OperationInput, ext: Json): () => ApiAuth | undefined {
  const own = input.operation.security;
  const security = own ?? reader.doc.security;
  const at = own !== undefined ? pointer(input.at, 'security') : '/security';
  if (security === undefined || (Array.isArray(security) && security.length === 0)) { return () => ApiAuth.none(); }
  if (!Array.isArray(security) || !isRecord(security[0])) { reader.report(at, 'not a list of security requirements'); return () => undefined; }
  if (security.length > 1) {
    reader.report(pointer(at, 1), 'alternative security requirements have no counterpart: an API has one authentication (possibly two-factor)');
    return () => undefined;
  }
  const names = Object.keys(security[0]);
  if (names.length === 0) { return () => ApiAuth.none(); }
  const kinds = names.map(name => ({ name, kind: input.authorizers.kindOf(name, pointer(at, 0, name)) }));
  if (kinds.some(k => k.kind === undefined)) { return () => undefined; }
  const app = kinds.find(k => k.kind === 'APP');
  const iam = kinds.find(k => k.kind === 'IAM');
  const custom = kinds.find(k => k.kind === 'CUSTOM');
  const third = kinds.find(k => k.kind === 'THIRD_PARTY');
  const valid = kinds.length === 1 || (kinds.length === 2 && custom && (app || iam));
  if (!valid) {
    reader.report(pointer(at, 0), `the combination ${names.join(' + ')} has no counterpart: allowed one of app, IAM, custom or third-party, ` +
      'or app or IAM with a custom authorizer');
    return () => undefined;
  }
  const customAuthorizer = custom ? input.authorizers.custom(custom.name, pointer(at, 0, custom.name)) : undefined;
  const thirdParty = third ? input.authorizers.thirdParty(third.name, pointer(at, 0, third.name)) : undefined;
  const apps = app ? resolveApps(reader, input, ext, pointer(at, 0, app.name)) : undefined;
  return () => {
    const customConstruct = customAuthorizer?.();
    if (app) {
      // The library's export marks an API that takes AppCodes only (Huawei always takes signatures with AppSigv1).
      const signature = ext.signature !== false;
      const appCode = input.authorizers.acceptsAppCode(app.name);
      return ApiAuth.app({
        apps: apps!(), ...(signature ? {} : { signature: false }), ...(appCode ? {} : { appCode: false }),
        ...(customConstruct ? { customAuthorizer: customConstruct } : {}),
      });
    }
    if (iam) { return ApiAuth.iam(customConstruct ? { customAuthorizer: customConstruct } : {}); }
    if (customConstruct) { return ApiAuth.custom(customConstruct); }
    const thirdConstruct = thirdParty?.();
    return thirdConstruct ? ApiAuth.thirdParty(thirdConstruct) : undefined;
  };
}

function resolveApps(reader: DefinitionReader, input: OperationInput, ext: Json, at: string): () => AppCredential[] {
  const given = input.options.apps ?? [];
  if (Array.isArray(ext.apps)) {
    const found: AppCredential[] = [];
    for (const name of ext.apps) {
      const app = given.find(a => a.appName === name) ?? input.group.apps.find(a => a.appName === name);
      if (app) {
        found.push(app);
      } else {
        reader.report(pointer(input.at, CDK_EXTENSION, 'apps'), `app ${JSON.stringify(name)} is not mapped: give it in options.apps or define it in the group first`);
      }
    }
    return () => found;
  }
  if (given.length === 0) {
    reader.report(at, 'app authentication: the definition names no app (exports carry no credentials): give the apps in options.apps');
  }
  return () => given;
}

type AuthKind = 'APP' | 'IAM' | 'CUSTOM' | 'THIRD_PARTY';

/** Security schemes as authentication, and the authorizers they need (each declared once). */
class AuthorizerResolver {
  private readonly customs = new Map<string, () => CustomAuthorizer | undefined>();
  private readonly thirds = new Map<string, () => ThirdPartyAuthorizer | undefined>();

  constructor(private readonly reader: DefinitionReader, private readonly group: ApiGroup, private readonly options: HuaweiImportOptions,
    private readonly schemes: { at: string; value: Json } | undefined) {}

  public kindOf(name: string, at: string): AuthKind | undefined {
    const scheme = own(this.schemes?.value, name);
    const schemeAt = this.schemes ? pointer(this.schemes.at, name) : at;
    if (!isRecord(scheme)) { this.reader.report(at, `security scheme ${JSON.stringify(name)} is not defined`); return undefined; }
    const type = scheme['x-apigateway-auth-type'];
    if (type === 'AppSigv1') {
      // Signed requests (AppKey/AppSecret) always; AppCodes too when x-apigateway-auth-opt {appcode-auth-type: header}
      // (disable, the default, or no auth-opt: signatures only). Ref §1 "AppCode", OTC x/importing_apis.rst schemes.
      const opt = scheme['x-apigateway-auth-opt'];
      const appCodeType = isRecord(opt) ? opt['appcode-auth-type'] : undefined;
      if (opt !== undefined && (!isRecord(opt) || (appCodeType !== undefined && appCodeType !== 'header' && appCodeType !== 'disable'))) {
        this.reader.report(pointer(schemeAt, 'x-apigateway-auth-opt'), `${JSON.stringify(opt)}: allowed {appcode-auth-type: header | disable}`);
        return undefined;
      }
      return 'APP';
    }
    if (type === 'IAM') { return 'IAM'; }
    if (type === 'AUTHORIZER' || scheme['x-apigateway-authorizer'] !== undefined) { return 'CUSTOM'; }
    if (name.startsWith(thirdPartySchemeName(''))) { return 'THIRD_PARTY'; }
    this.reader.report(pointer(schemeAt, 'x-apigateway-auth-type'), `authentication ${JSON.stringify(type ?? null)} has no counterpart: allowed AppSigv1, IAM, AUTHORIZER`);
    return undefined;
  }

  /** Whether an AppSigv1 scheme also accepts AppCodes (`x-apigateway-auth-opt: {appcode-auth-type: header}`). */
  public acceptsAppCode(name: string): boolean {
    const scheme = own(this.schemes?.value, name);
    const opt = isRecord(scheme) ? scheme['x-apigateway-auth-opt'] : undefined;
    return isRecord(opt) && opt['appcode-auth-type'] === 'header';
  }

  public custom(name: string, at: string): () => CustomAuthorizer | undefined {
    const known = this.customs.get(name);
    if (known) { return known; }
    let make: () => CustomAuthorizer | undefined;
    const given = own(this.options.authorizers, name) ?? this.group.customAuthorizers.find(a => a.authorizerName === name);
    if (given) {
      make = () => given;
    } else {
      make = this.definedCustom(name, at);
    }
    let made: CustomAuthorizer | undefined;
    let done = false;
    const once = () => {
      if (!done) { done = true; made = make(); }
      return made;
    };
    this.customs.set(name, once);
    return once;
  }

  /** A custom authorizer defined from `x-apigateway-authorizer`, its function mapped through options.functions. */
  private definedCustom(name: string, at: string): () => CustomAuthorizer | undefined {
    const scheme = own(this.schemes?.value, name) as Json;
    const schemeAt = pointer(this.schemes!.at, name);
    const def = scheme['x-apigateway-authorizer'];
    const defAt = pointer(schemeAt, 'x-apigateway-authorizer');
    if (!isRecord(def)) {
      this.reader.report(at, `custom authorizer ${JSON.stringify(name)} is not mapped (options.authorizers) and the scheme has no x-apigateway-authorizer`);
      return () => undefined;
    }
    const before = this.reader.problems.length;
    if (def.type !== undefined && def.type !== 'FRONTEND') {
      this.reader.report(pointer(defAt, 'type'), `${JSON.stringify(def.type)} authorizers have no counterpart: only FRONTEND (it authenticates callers)`);
    }
    if (def.authorizer_type !== undefined && def.authorizer_type !== 'FUNC') {
      this.reader.report(pointer(defAt, 'authorizer_type'), `${JSON.stringify(def.authorizer_type)}: only FUNC authorizers have a counterpart`);
    }
    if (def.need_body === true) {
      this.reader.report(pointer(defAt, 'need_body'), 'sending the request body to the authorizer has no counterpart: it gets headers, query, path and user data');
    }
    if (typeof def.retry_attempts === 'number' && def.retry_attempts > 0) {
      this.reader.report(pointer(defAt, 'retry_attempts'), 'retries have no counterpart: the authorizer function is called once');
    }
    const alias = typeof def.authorizer_alias_uri === 'string' && def.authorizer_alias_uri !== '' ? def.authorizer_alias_uri : undefined;
    const uri = alias ?? def.authorizer_uri;
    const fn: lambda.IFunction | undefined = typeof uri === 'string' ? own(this.options.functions, uri) : undefined;
    if (!fn) {
      this.reader.report(pointer(defAt, alias ? 'authorizer_alias_uri' : 'authorizer_uri'),
        `custom authorizer ${JSON.stringify(name)}: FunctionGraph function ${JSON.stringify(uri ?? null)} is not mapped: ` +
        'give its Lambda function in options.functions, or the authorizer in options.authorizers');
    }
    const identities: IdentitySource[] = [];
    if (def.identities !== undefined && !Array.isArray(def.identities)) { this.reader.report(pointer(defAt, 'identities'), 'not a list'); }
    (Array.isArray(def.identities) ? def.identities : []).forEach((identity, i) => {
      const iAt = pointer(defAt, 'identities', i);
      if (!isRecord(identity) || typeof identity.name !== 'string') { this.reader.report(iAt, 'not an identity {location, name, validation}'); return; }
      const validation = typeof identity.validation === 'string' && identity.validation !== '' ? { validation: identity.validation } : {};
      const location = String(identity.location ?? '').toUpperCase();
      if (location === 'HEADER') {
        identities.push(IdentitySource.header(identity.name, validation));
      } else if (location === 'QUERY') {
        identities.push(IdentitySource.query(identity.name, validation));
      } else {
        this.reader.report(pointer(iAt, 'location'), `${JSON.stringify(identity.location)}: allowed HEADER, QUERY`);
      }
    });
    if (this.reader.problems.length > before || !fn) { return () => undefined; }
    const ext = isRecord(scheme[CDK_EXTENSION]) ? scheme[CDK_EXTENSION] as Json : {};
    const origin = functionOrigin(def.authorizer_uri, def.authorizer_version, alias);
    return () => remembered(origin, this.group.addCustomAuthorizer(name, {
      handler: fn,
      identities,
      ...(typeof def.ttl === 'number' ? { cacheTtl: Duration.seconds(def.ttl) } : {}),
      ...(typeof def.timeout === 'number' ? { timeout: Duration.millis(def.timeout) } : {}),
      ...(typeof def.auth_downgrade_enabled === 'boolean' ? { relaxed: def.auth_downgrade_enabled } : {}),
      ...(typeof ext.userData === 'string' ? { userData: ext.userData } : {}),
    }));
  }

  public thirdParty(schemeName: string, at: string): () => ThirdPartyAuthorizer | undefined {
    const name = schemeName.slice(thirdPartySchemeName('').length);
    const known = this.thirds.get(name);
    if (known) { return known; }
    const given = own(this.options.thirdPartyAuthorizers, name) ?? this.group.thirdPartyAuthorizers.find(a => a.authorizerName === name);
    let make: () => ThirdPartyAuthorizer | undefined = () => given;
    if (!given) {
      const ext = this.reader.doc[CDK_EXTENSION];
      const defs = isRecord(ext) && isRecord(ext.thirdPartyAuthorizers) ? ext.thirdPartyAuthorizers : {};
      const def = own(defs, name);
      const defAt = pointer('', CDK_EXTENSION, 'thirdPartyAuthorizers', name);
      if (!isRecord(def) || typeof def.url !== 'string' || def.url === 'deploy-time value') {
        this.reader.report(at, `third-party authorizer ${JSON.stringify(name)} is not mapped: give it in options.thirdPartyAuthorizers` +
          (isRecord(def) ? ` (${defAt} holds no literal URL)` : ''));
        make = () => undefined;
      } else {
        make = () => this.group.addThirdPartyAuthorizer(name, {
          url: def.url as string,
          method: Object.values(HttpMethod).find(m => m === def.method),
          identities: (Array.isArray(def.identities) ? def.identities as Json[] : []).map(i => (i.in === 'query'
            ? IdentitySource.query(String(i.name), typeof i.validation === 'string' ? { validation: i.validation } : {})
            : IdentitySource.header(String(i.name), typeof i.validation === 'string' ? { validation: i.validation } : {}))),
          ...(typeof def.timeoutMs === 'number' ? { timeout: Duration.millis(def.timeoutMs) } : {}),
          ...(typeof def.simpleMode === 'boolean' ? { simpleMode: def.simpleMode } : {}),
          ...(isRecord(def.matchHeader) ? { matchHeader: { name: String(def.matchHeader.name), value: String(def.matchHeader.value) } } : {}),
          ...(typeof def.relaxed === 'boolean' ? { relaxed: def.relaxed } : {}),
          ...(typeof def.ttlSeconds === 'number' ? { cacheTtl: Duration.seconds(def.ttlSeconds) } : {}),
        });
      }
    }
    let made: ThirdPartyAuthorizer | undefined;
    let done = false;
    const once = () => {
      if (!done) { done = true; made = make(); }
      return made;
    };
    this.thirds.set(name, once);
    return once;
  }
}

/**
 * `x-apigateway-ratelimit` names a policy of `x-apigateway-ratelimits` ({api-limit, interval, unit
 * SECOND|MINUTE|HOUR|DAY, user-limit, app-limit, ip-limit, shared, special[]}): its api-limit per
 * interval is the API's rate. Per-user, per-app and per-IP limits, a limit shared by several APIs
 * and special limits have no per-API counterpart: each is reported, and (in a lenient import) the
 * API keeps the rest of the throttle, its api-limit and the library's burst.
 */
function readRatelimit(reader: DefinitionReader, input: OperationInput, ext: Json): { rateLimit?: number; burstLimit?: number } | undefined {
  const name = input.operation['x-apigateway-ratelimit'];
  const burst = typeof ext.throttleBurst === 'number' ? { burstLimit: ext.throttleBurst } : {};
  const keptBurst = Object.keys(burst).length > 0 ? burst : undefined;
  if (name === undefined) { return keptBurst; }
  const at = pointer(input.at, 'x-apigateway-ratelimit');
  const policy = typeof name === 'string' ? own(input.ratelimits?.value, name) : undefined;
  if (!isRecord(policy)) { reader.report(at, `request throttling policy ${JSON.stringify(name)} is not defined in x-apigateway-ratelimits`, false); return keptBurst; }
  const policyAt = pointer(input.ratelimits!.at, name as string);
  const limit = policy['api-limit'];
  const interval = policy.interval ?? 1;
  const unit = String(policy.unit ?? 'SECOND').toUpperCase();
  const seconds = own(TIME_UNITS, unit);
  const rate = typeof limit === 'number' && typeof interval === 'number' && interval > 0 && seconds !== undefined
    ? limit / (interval * seconds) : undefined;
  const kept = rate !== undefined ? ` (the API keeps the policy's api-limit, ${limit} per ${interval} ${unit})` : '';
  for (const key of ['user-limit', 'app-limit', 'ip-limit']) {
    if (policy[key] !== undefined) {
      reader.report(pointer(policyAt, key), `${key} has no per-API counterpart: the API's throttle limits all its callers together ` +
        `(per-app limits are the apps' own throttles)${kept}`, false);
    }
  }
  if (policy.shared === true) { reader.report(pointer(policyAt, 'shared'), `a limit shared by several APIs has no counterpart: each API gets its own${kept}`, false); }
  if (Array.isArray(policy.special) && policy.special.length > 0) {
    reader.report(pointer(policyAt, 'special'), `excluded apps and users (special limits) have no counterpart${kept}`, false);
  }
  if (rate === undefined) {
    reader.report(policyAt, 'api-limit, interval and unit (SECOND, MINUTE, HOUR or DAY) are needed', false);
    return keptBurst;
  }
  return { rateLimit: rate, ...burst };
}

/** `x-apigateway-access-controls.<name>`: {acl-type PERMIT|DENY, entity-type IP, value comma-separated}. */
function readAccessControl(reader: DefinitionReader, controls: { at: string; value: Json } | undefined, name: string, at: string): AccessControl | undefined {
  const policy = own(controls?.value, name);
  if (!isRecord(policy)) { reader.report(at, `access control policy ${JSON.stringify(name)} is not defined in x-apigateway-access-controls`); return undefined; }
  const policyAt = pointer(controls!.at, name);
  if (policy['entity-type'] !== 'IP') {
    reader.report(pointer(policyAt, 'entity-type'), `${JSON.stringify(policy['entity-type'])} access control has no counterpart: only IP`);
    return undefined;
  }
  const values = typeof policy.value === 'string' ? policy.value.split(',').map(v => v.trim()).filter(v => v !== '') : [];
  const ranges = values.filter(v => v.includes('-'));
  if (ranges.length > 0) {
    reader.report(pointer(policyAt, 'value'), `address ranges (${ranges.join(', ')}) have no counterpart: write CIDR blocks`);
    return undefined;
  }
  const type = policy['acl-type'];
  if (type !== 'PERMIT' && type !== 'DENY') {
    reader.report(pointer(policyAt, 'acl-type'), `${JSON.stringify(type)}: allowed PERMIT, DENY`);
    return undefined;
  }
  const acl = type === 'PERMIT' ? AccessControl.allow(values) : AccessControl.deny(values);
  const found = acl._problems();
  for (const p of found) { reader.report(pointer(policyAt, 'value'), p.message); }
  return found.length > 0 ? undefined : acl;
}
