/**
 * The runtime configuration document: the contract between the synth side (the constructs)
 * and the bundled handlers (lib/runtime). One document per group, written as `config.json`
 * beside the bundled handler in its asset folder, loaded once at cold start.
 *
 * Every rule is fully resolved at synth time, so the runtime never needs the response-type
 * table or any default: it only looks things up and renders.
 *
 * Bump CONFIG_DOCUMENT_VERSION on any incompatible change; the runtime refuses other versions.
 *
 * This file holds only types and constants (no imports), so that both jsii and esbuild can
 * compile it without pulling anything else in.
 */

export const CONFIG_DOCUMENT_VERSION = 1;

/** Name of the configuration file inside the handler's asset folder. */
export const CONFIG_FILE_NAME = 'config.json';

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

export interface HttpBackendDocument {
  readonly type: 'HTTP';
  /** Absolute http(s) URL; `{name}` / `{name+}` are replaced with the request's path parameters. */
  readonly url: DeployTimeString;
  /** Method sent to the backend. Absent: the request's own method. */
  readonly method?: string;
  readonly timeoutMs: number;
}

export interface FunctionBackendDocument {
  readonly type: 'FUNCTION';
  /** ARN (or name) of the Lambda function, invoked synchronously (RequestResponse). */
  readonly functionArn: DeployTimeString;
  readonly timeoutMs: number;
}

export interface MockBackendDocument {
  readonly type: 'MOCK';
  readonly statusCode: number;
  readonly body: string;
  readonly headers: Record<string, string>;
}

export type BackendDocument = HttpBackendDocument | FunctionBackendDocument | MockBackendDocument;

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

export interface ConfigDocument {
  readonly version: typeof CONFIG_DOCUMENT_VERSION;
  readonly group: {
    readonly name: string;
    readonly stage: string;
  };
  /** Defaults for `$context.error.code` / `.message`, by response type (all 17). */
  readonly errors: Record<string, ErrorDefaultsDocument>;
  /** Responses by name (`default` is always present), each with a rule for all 17 types. */
  readonly responses: Record<string, Record<string, RuleDocument>>;
  readonly apis: ApiDocument[];
  /** Present when the group declares CORS. */
  readonly cors?: CorsDocument;
}
