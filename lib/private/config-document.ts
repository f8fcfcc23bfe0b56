/**
 * The runtime configuration document: the contract between the synth side (the constructs)
 * and the bundled handlers (lib/runtime). One document per group, written beside the bundled
 * handler in its asset folder as three files (config-files.ts): `config.json`, the document without
 * its APIs, loaded at cold start; `routes.tsv`, each API's routing fields (one line per API, read
 * in place as text: lib/runtime/shared/route-table.ts); and `apis.jsonl`, the rest of each API
 * (ApiDetailsDocument), one JSON line per API in the same order, parsed on the API's first call.
 * So a cold start does not grow with the group (issues 8 and 15: 1000 APIs load about like 10).
 *
 * Every rule is fully resolved at synth time, so the runtime never needs the response-type
 * table or any default: it only looks things up and renders.
 *
 * Bump CONFIG_DOCUMENT_VERSION on any incompatible change; the runtime refuses other versions.
 *
 * This file holds only types, constants and the reading of the routes file's environments field
 * (no imports), so that both jsii and esbuild can compile it without pulling anything else in.
 */

export const CONFIG_DOCUMENT_VERSION = 3;

/** Name of the configuration file inside the handler's asset folder. */
export const CONFIG_FILE_NAME = 'config.json';

/**
 * Name of the file of the APIs' routing fields, beside the configuration file: one line per API,
 * `method<TAB>path<TAB>response<TAB>offset<TAB>length[<TAB>environments[<TAB>match mode]]`, each
 * line ending with a newline. An empty path is the line above's (a path's methods, declared in a
 * row, are sorted by the router once). Offset and length: where the API's line of `apis.jsonl` is, in bytes
 * (without its newline), so that a handler reads only the lines of the APIs it is asked for.
 * Environments: `*` (every environment) or a comma-separated list of names (empty: none); match
 * mode: EXACT or PREFIX. Fields left out at the end are `*` and EXACT.
 */
export const ROUTES_FILE_NAME = 'routes.tsv';

/** Where each field sits in a line of `routes.tsv` (tab-separated). */
export const ROUTE_LINE_FIELD = { method: 0, path: 1, response: 2, detailsOffset: 3, detailsLength: 4, environments: 5, matchMode: 6 } as const;

/** The environments field of a `routes.tsv` line for an API published in every environment. */
export const EVERY_ENVIRONMENT = '*';

/** The environments of a `routes.tsv` environments field: undefined for every one (absent or `*`), else the names. */
export function environmentsOfField(field: string | undefined): string[] | undefined {
  return field === undefined || field === EVERY_ENVIRONMENT ? undefined : field.split(',').filter(name => name !== '');
}

/** Name of the file of the APIs' details, beside the configuration file: one JSON line per API. */
export const API_DETAILS_FILE_NAME = 'apis.jsonl';

/** The fields of an API that `routes.tsv` holds, in this order: what routing and the document's checks at load need. */
export const API_ROUTE_FIELDS = ['method', 'path', 'response', 'environments', 'matchMode'] as const;

/** An API's routing fields, as the handlers read them from `routes.tsv` (environments absent: every one). */
export type ApiRouteDocument = [method: string, path: string, response: string, environments?: string[], matchMode?: MatchModeName];

/** EXACT: the API serves its path only. PREFIX (Huawei `SWA`): also every path below it, by whole segments. */
export type MatchModeName = 'EXACT' | 'PREFIX';

/** An API's line of `apis.jsonl`. */
export type ApiDetailsDocument = Omit<ApiDocument, typeof API_ROUTE_FIELDS[number]>;

/**
 * A value known only at deploy time (a CloudFormation token, e.g. a function ARN or a load
 * balancer DNS name inside a URL). The synth side puts the token into the function's
 * environment under `env`; the runtime reads `process.env[env]`.
 */
export interface EnvReference {
  readonly env: string;
}

export type DeployTimeString = string | EnvReference;

/** One response rule, resolved: what a gateway error of one type looks like. */
export interface RuleDocument {
  /** HTTP status. Absent only for DEFAULT_4XX / DEFAULT_5XX without a status: keep the original. */
  readonly status?: number;
  /** JSON body template with `$context.*` / `$stageVariables.*` variables. */
  readonly body: string;
  /** Header name → value template (may hold variables). Excludes Content-Type and X-Request-Id. */
  readonly headers: Record<string, string>;
}

/** Default `$context.error.code` / `$context.error.message` of a response type. */
export interface ErrorDefaultsDocument {
  readonly code: string;
  readonly message: string;
}

export type ParameterLocation = 'path' | 'query' | 'header';
export type ParameterTypeName = 'STRING' | 'NUMBER';

export interface ParameterDocument {
  readonly name: string;
  readonly in: ParameterLocation;
  readonly type: ParameterTypeName;
  readonly required: boolean;
  /** Allowed values (compared as strings), if restricted. */
  readonly enumerations?: string[];
  /** NUMBER: smallest allowed value. */
  readonly minimum?: number;
  /** NUMBER: largest allowed value. */
  readonly maximum?: number;
  /** STRING: shortest allowed length (characters). */
  readonly minLength?: number;
  /** STRING: longest allowed length (characters). */
  readonly maxLength?: number;
}

/** Where an orchestration rule sends its mapped parameter to the backend. */
export type OrchestrationLocation = 'header' | 'query';

/** Huawei's orchestration strategies this library runs (hash and hash_range are not among them). */
export type OrchestrationStrategyName = 'list' | 'range' | 'none_value' | 'default' | 'head_n' | 'tail_n';

/**
 * Headers an orchestration rule cannot map to (lower case): the proxy sets them itself for the
 * backend connection or from what API Gateway vouches for. Also every `x-forwarded-*` and
 * `x-amzn-*` header (ORCHESTRATION_RESERVED_HEADER_PREFIXES).
 */
export const ORCHESTRATION_RESERVED_HEADERS: readonly string[] = [
  'host', 'content-length', 'content-type', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade',
  'expect', 'proxy-authorization', 'proxy-connection', 'x-request-id', 'x-real-ip', 'forwarded',
];

/** Prefixes of the headers an orchestration rule cannot map to (see ORCHESTRATION_RESERVED_HEADERS). */
export const ORCHESTRATION_RESERVED_HEADER_PREFIXES: readonly string[] = ['x-forwarded-', 'x-amzn-'];

/** One parameter orchestration rule (Huawei: orchestration), as the proxy runs it. */
export interface OrchestrationRuleDocument {
  /** `orchestration_name`, for the log. */
  readonly name: string;
  readonly strategy: OrchestrationStrategyName;
  /** A preprocessing rule's result only becomes the value the next rule sees. */
  readonly preprocessing?: boolean;
  /** The parameter sent to the backend (`mapped_param_*`); absent for a preprocessing rule. */
  readonly mapped?: { readonly name: string; readonly in: OrchestrationLocation; readonly type: 'string' | 'number' };
  /** list: entries in priority order, each a set of values (compared as strings) and the value they map to. */
  readonly list?: Array<{ readonly values: string[]; readonly value: string }>;
  /** range: entries in priority order; bounds are decimal integer strings from 0 to 2^63-1, inclusive. */
  readonly range?: Array<{ readonly start: string; readonly end: string; readonly value: string }>;
  /** none_value, default: the value mapped to. */
  readonly value?: string;
  /** head_n, tail_n: how many characters to keep (1-100). */
  readonly length?: number;
}

/** An API's parameter orchestration: one request parameter and its rules. */
export interface OrchestrationDocument {
  /** The orchestrated request parameter (at most one per API). */
  readonly parameter: { readonly name: string; readonly in: ParameterLocation };
  /** In priority order: a none_value rule first, a default rule last. */
  readonly rules: OrchestrationRuleDocument[];
}

export interface HttpBackendDocument {
  readonly type: 'HTTP';
  /** Absolute http(s) URL; `{name}` / `{name+}` are replaced with the request's path parameters. */
  readonly url: DeployTimeString;
  /** Method sent to the backend. Absent: the request's own method. */
  readonly method?: string;
  readonly timeoutMs: number;
  /**
   * Backend request headers set from the custom or third-party authorizer's context:
   * header name → context key (read as `authorizerContextKey(key)` from the verdict).
   */
  readonly contextHeaders?: Record<string, string>;
  /** Backend parameters (Huawei parameter orchestration's backend side). Absent: none. */
  readonly parameters?: BackendParameterDocument[];
  /**
   * Environment variables of the URL, written `#name#` in it: the proxy substitutes the request's
   * stage variables for these names (and only these). Absent: a fixed address.
   */
  readonly urlVariables?: string[];
}

/**
 * A backend parameter: a request parameter moved (`from` + `value` its name), a constant, or a
 * system variable (`$context.<name>`), sent to the backend as `name` in `in`.
 */
export interface BackendParameterDocument {
  readonly origin: 'REQUEST' | 'CONSTANT' | 'SYSTEM';
  readonly name: string;
  readonly in: ParameterLocation;
  /** REQUEST: the request parameter's name; CONSTANT: the value; SYSTEM: the variable (`$context.sourceIp`). */
  readonly value: string;
  /** REQUEST: where the request has the parameter. */
  readonly from?: ParameterLocation;
}

export interface FunctionBackendDocument {
  readonly type: 'FUNCTION';
  /** ARN (or name) of the Lambda function, invoked synchronously (RequestResponse). */
  readonly functionArn: DeployTimeString;
  readonly timeoutMs: number;
  /** Backend parameters, set in the event's headers, query and path parameters. Absent: none. */
  readonly parameters?: BackendParameterDocument[];
  /** ASYNC: invoked with InvocationType Event, answered 202 at once. Absent: SYNC (RequestResponse). */
  readonly invocation?: 'SYNC' | 'ASYNC';
}

export interface MockBackendDocument {
  readonly type: 'MOCK';
  readonly statusCode: number;
  readonly body: string;
  readonly headers: Record<string, string>;
}

export type BackendDocument = HttpBackendDocument | FunctionBackendDocument | MockBackendDocument;

/**
 * A condition of a backend policy (Huawei: `conditions[]`). `source`: the caller's IP is in one of
 * `cidrs`. `param`: the request parameter `name` in `in` (path values decoded, as validated). `system`:
 * the system variable `name` (`$context.reqPath`, `$context.reqMethod`,
 * `$context.authorizer.frontend.<key>`). `param` and `system` compare with exactly one of `equals`,
 * `oneOf` or `pattern` (an ECMAScript regular expression searched in the value).
 */
export interface PolicyConditionDocument {
  readonly origin: 'source' | 'param' | 'system';
  readonly cidrs?: string[];
  readonly name?: string;
  /** param: where the parameter is. */
  readonly in?: ParameterLocation;
  readonly equals?: string;
  readonly oneOf?: string[];
  readonly pattern?: string;
}

/**
 * A backend policy (Huawei: conditional backend): when its conditions hold (ALL: every one, ANY: at
 * least one), the request goes to its backend instead of the API's. Policies are tried in order.
 */
export interface BackendPolicyDocument {
  readonly name: string;
  readonly effect: 'ALL' | 'ANY';
  readonly conditions: PolicyConditionDocument[];
  /** The same kind as the API's own backend. */
  readonly backend: BackendDocument;
}

/** How an API authenticates its callers (DESIGN sections 2 and 7). */
export interface AuthDocument {
  /**
   * NONE: anyone. APP: an app's AppCode in `X-Apig-AppCode`. IAM: SigV4, checked natively by API
   * Gateway. CUSTOM: a custom authorizer function. THIRD_PARTY: an HTTP auth service.
   */
  readonly type: 'NONE' | 'APP' | 'IAM' | 'CUSTOM' | 'THIRD_PARTY';
  /** APP: names of the apps authorised for this API (keys of `apps`). */
  readonly apps?: string[];
  /** CUSTOM: the authorizer; with APP or IAM: the second factor (Huawei's two-factor mode). A key of `customAuthorizers`. */
  readonly customAuthorizer?: string;
  /** THIRD_PARTY: a key of `thirdPartyAuthorizers`. */
  readonly thirdPartyAuthorizer?: string;
  /**
   * APP: whether requests signed with an app's AppKey and AppSecret (`SDK-HMAC-SHA256`) are
   * accepted. Absent: true.
   */
  readonly signature?: boolean;
  /** APP: whether an AppCode in `X-Apig-AppCode` is accepted. Absent: true. */
  readonly appCode?: boolean;
}

/** An IP access-control rule: only ALLOW-listed sources may call, or DENY-listed ones may not. */
export interface AccessControlDocument {
  readonly action: 'ALLOW' | 'DENY';
  /** IPv4 or IPv6 CIDR blocks (a bare address is a /32 or /128). */
  readonly cidrs: string[];
}

/** An app (Huawei: credential). Its AppCodes are never in the document: only where to read them. */
export interface AppDocument {
  /** Stable id (`$context.appId`). */
  readonly id: string;
  /** `$context.appName`. */
  readonly name: string;
  /**
   * ARN of the Secrets Manager secret holding the app's AppCodes: `{"appCode": "..."}` (the form
   * the library generates) or `{"appCodes": ["...", ...]}` (1-5 AppCodes of 64-180 characters).
   */
  readonly secretArn: DeployTimeString;
  /**
   * The app's AppKey (`Access=` of a signed request): not a secret. Absent: the app cannot sign
   * requests.
   */
  readonly appKey?: DeployTimeString;
  /**
   * ARN of the Secrets Manager secret holding the app's AppSecret, `{"appSecret": "..."}` (8-128
   * letters, digits or `_-!@#$%`). Absent: the app cannot sign requests.
   */
  readonly appSecretArn?: DeployTimeString;
  /**
   * Value of the app's API key in its usage plan, returned by the authorizer as
   * `usageIdentifierKey` so API Gateway applies the app's throttle and quota. Not a secret: with
   * the REST API's key source set to AUTHORIZER, callers cannot present it themselves.
   */
  readonly usageKey?: string;
}

/** Where an identity source is read from, and its optional validation (a regular expression). */
export interface IdentityDocument {
  readonly in: 'header' | 'query';
  readonly name: string;
  /** ECMAScript regular expression the whole value must match. */
  readonly validation?: string;
}

/** A custom authorizer: a Lambda function with Huawei's FunctionGraph contract (DESIGN section 7). */
export interface CustomAuthorizerDocument {
  readonly name: string;
  readonly functionArn: DeployTimeString;
  readonly identities: IdentityDocument[];
  /** Result cache TTL, per identity values; 0 = no cache. */
  readonly ttlSeconds: number;
  /** Passed to the function as `user_data`. */
  readonly userData?: string;
  /** Relaxed mode: a failing function lets the request through with an empty context. */
  readonly relaxed: boolean;
  /** How long to wait for the function. */
  readonly timeoutMs: number;
}

/** A third-party authorizer: the user's HTTP(S) auth service. */
export interface ThirdPartyAuthorizerDocument {
  readonly name: string;
  readonly url: DeployTimeString;
  /** GET, POST, PUT or HEAD. */
  readonly method: string;
  /** At most 10 headers and 10 query parameters, sent to the service as they came. */
  readonly identities: IdentityDocument[];
  readonly timeoutMs: number;
  /** Simple mode: any 2xx allows. Otherwise a 2xx allows only with `matchHeader` set to its value. */
  readonly simpleMode: boolean;
  readonly matchHeader?: { readonly name: string; readonly value: string };
  /** Relaxed mode: a 5xx, a timeout or an unreachable service lets the request through. */
  readonly relaxed: boolean;
  /** Result cache TTL, per identity values; 0 = no cache. */
  readonly ttlSeconds: number;
}

export interface ApiDocument {
  /** Stable id of the API in its group (`$context.apiId`). */
  readonly id: string;
  /** `$context.apiName`. */
  readonly name: string;
  /** GET POST PUT DELETE HEAD PATCH OPTIONS or ANY. */
  readonly method: string;
  /** Path template as declared: `/orders/{id}`, `/files/{key+}`. */
  readonly path: string;
  /** Name of the group response this API selected (a key of `responses`). */
  readonly response: string;
  readonly parameters: ParameterDocument[];
  readonly backend: BackendDocument;
  /** Absent: NONE. */
  readonly auth?: AuthDocument;
  /** IP rule of this API, checked after the group's. */
  readonly accessControl?: AccessControlDocument;
  /**
   * Names of the environments (stages) the API is published in. Absent: every environment. In any
   * other stage the API does not exist (NOT_FOUND, or another API whose path matches).
   */
  readonly environments?: string[];
  /** Absent: EXACT. */
  readonly matchMode?: MatchModeName;
  /** The API's own CORS, instead of the group's: on its responses, its gateway errors and preflights on its paths. */
  readonly cors?: CorsDocument;
  /**
   * For a PREFIX API the REST API's document exposes individually (its own resources and method, for
   * IAM or its own throttle): the resource paths that are its own, as the document spells them. The
   * proxy serves it only when API Gateway matched one of them (the event's `resource`); arriving
   * through any other resource, its IAM method or throttle was skipped, and the request is refused
   * (DESIGN section 11).
   */
  readonly ownResources?: string[];
  /**
   * A direct API's resource (README "Direct integration"): a request arriving on it reached API
   * Gateway's own integration of the backend, not the proxy, so the authorizer answers API Gateway
   * itself (Deny, Unauthorized or an error) instead of handing the proxy a verdict.
   */
  readonly directResource?: string;
  /** Backend policies, tried in order before the API's own backend. Absent: none. */
  readonly backendPolicies?: BackendPolicyDocument[];
  /** The API's parameter orchestration (Huawei's orchestration rules). Absent: none. */
  readonly orchestration?: OrchestrationDocument;
}

export interface CorsDocument {
  /** Allowed origins; `['*']` allows any. */
  readonly allowOrigins: string[];
  readonly allowCredentials: boolean;
  /** Headers browsers may read (Access-Control-Expose-Headers). */
  readonly exposeHeaders: string[];
  /**
   * Methods a preflight allows (Access-Control-Allow-Methods).
   * Absent: DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT.
   */
  readonly allowMethods?: string[];
  /**
   * Request headers a preflight allows (Access-Control-Allow-Headers).
   * Absent: those the preflight asks for (Access-Control-Request-Headers).
   */
  readonly allowHeaders?: string[];
  /** How long a browser may cache a preflight answer (Access-Control-Max-Age). Absent: not sent. */
  readonly maxAgeSeconds?: number;
}

/**
 * Binary media types of a group that declares none: API Gateway's own default (no binary type,
 * every body is text) plus the common types whose bodies are bytes. A function backend receives
 * a request body of these types base64-encoded (`isBase64Encoded: true`), any other as text.
 */
export const DEFAULT_BINARY_MEDIA_TYPES: readonly string[] = [
  'application/octet-stream', 'application/pdf', 'application/zip', 'application/gzip',
  'application/x-protobuf', 'application/wasm', 'multipart/form-data',
  'image/*', 'audio/*', 'video/*', 'font/*',
];

export interface ConfigDocument {
  readonly version: typeof CONFIG_DOCUMENT_VERSION;
  readonly group: {
    readonly name: string;
    readonly stage: string;
  };
  /** Defaults for `$context.error.code` / `.message`, by response type (all 19). */
  readonly errors: Record<string, ErrorDefaultsDocument>;
  /** Responses by name (`default` is always present), each with a rule for all 19 types. */
  readonly responses: Record<string, Record<string, RuleDocument>>;
  readonly apis: ApiDocument[];
  /** Present when the group declares CORS. */
  readonly cors?: CorsDocument;
  /** The group's IP rule, checked for every API. */
  readonly accessControl?: AccessControlDocument;
  /** Apps by name. */
  readonly apps?: Record<string, AppDocument>;
  /** Custom authorizers by name. */
  readonly customAuthorizers?: Record<string, CustomAuthorizerDocument>;
  /** Third-party authorizers by name. */
  readonly thirdPartyAuthorizers?: Record<string, ThirdPartyAuthorizerDocument>;
  /**
   * Present when apps have usage plans (then every method of an APP API requires an API key,
   * taken from the authorizer): the `usageIdentifierKey` the authorizer returns for a request it
   * refuses, so that the refusal reaches the proxy (and the API's gateway response) instead of
   * API Gateway's native INVALID_API_KEY. Its usage plan has no throttle or quota.
   */
  readonly refusalUsageKey?: string;
  /**
   * Media types whose request bodies function backends receive base64-encoded (`type/subtype`,
   * `type/*` or `*\/*`). Absent: DEFAULT_BINARY_MEDIA_TYPES.
   */
  readonly binaryMediaTypes?: string[];
  /**
   * Present when the proxy emits its CloudWatch metrics (Embedded Metric Format records on stdout,
   * one per request). Absent: no metric records.
   */
  readonly metrics?: MetricsDocument;
}

/** Where the proxy's metrics go. */
export interface MetricsDocument {
  /** CloudWatch namespace: 1-255 characters of letters, digits, space and `.-_/#:`, not starting with `AWS/`. */
  readonly namespace: string;
}

/**
 * The verdict the bundled authorizer hands the proxy, in the `context` of its (always Allow)
 * policy, which API Gateway passes on as `requestContext.authorizer`. Values are strings, as API
 * Gateway stringifies context values. The proxy refuses a request to an authenticated API whose
 * verdict is missing, malformed, or for another API (fail closed).
 */
export const VERDICT_KEYS = {
  /** `ok`, or the response type to answer (e.g. `AUTH_FAILURE`). */
  verdict: 'apigVerdict',
  /** The id of the API the verdict was reached for. */
  api: 'apigApi',
  /** Its name (for the stages' access log; the proxy checks the id only). */
  apiName: 'apigApiName',
  /** Error code and message of a refusal (default: the type's). */
  code: 'apigErrorCode',
  message: 'apigErrorMessage',
  /** The calling app, after app authentication. */
  appId: 'appId',
  appName: 'appName',
  /**
   * Present when the app signed the request (`SDK-HMAC-SHA256`): `verified` when the authorizer
   * verified the signature in full (no body, or UNSIGNED-PAYLOAD), `pending` when only the proxy,
   * which sees the body, can. The proxy verifies every signed request in full either way.
   */
  signature: 'apigSignature',
} as const;

/** Prefix of a custom or third-party authorizer's context keys in the verdict (see authorizerContextKey). */
export const FRONTEND_CONTEXT_PREFIX = 'frontend_';
