/**
 * Configuration documents for runtime tests, built the way the synth side resolves them: every
 * type's default code, message and status from ResponseType, Huawei's default body, and custom
 * rules on top.
 */
import { ResponseType } from '../../lib/response-type';
import type {
  AccessControlDocument, ApiDocument, AppDocument, AuthDocument, BackendDocument, ConfigDocument, CorsDocument,
  CustomAuthorizerDocument, ErrorDefaultsDocument, ParameterDocument, RuleDocument, ThirdPartyAuthorizerDocument,
} from '../../lib/private/config-document';
import { CONFIG_DOCUMENT_VERSION } from '../../lib/private/config-document';

export const HUAWEI_DEFAULT_BODY = '{"error_code":"$context.error.code","error_msg":"$context.error.message","request_id":"$context.requestId"}';

export interface RuleOverride {
  readonly status?: number | null;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** All 19 rules with their defaults, with overrides by type name. */
export function responseRules(overrides: Record<string, RuleOverride> = {}): Record<string, RuleDocument> {
  const rules: Record<string, RuleDocument> = {};
  for (const t of ResponseType.all()) {
    const o = overrides[t.name] ?? {};
    const status = o.status === null ? undefined : (o.status ?? t.defaultStatusCode);
    rules[t.name] = {
      ...(status === undefined ? {} : { status }),
      body: o.body ?? HUAWEI_DEFAULT_BODY,
      headers: o.headers ?? {},
    };
  }
  return rules;
}

export function errorDefaults(): Record<string, ErrorDefaultsDocument> {
  const errors: Record<string, ErrorDefaultsDocument> = {};
  for (const t of ResponseType.all()) { errors[t.name] = { code: t.defaultErrorCode, message: t.defaultErrorMessage }; }
  return errors;
}

export interface ApiInput {
  readonly id?: string;
  readonly name?: string;
  readonly method?: string;
  readonly path: string;
  readonly response?: string;
  readonly parameters?: ParameterDocument[];
  readonly backend?: BackendDocument;
  readonly auth?: AuthDocument;
  readonly accessControl?: AccessControlDocument;
}

/** A MOCK backend answering 200 with `body` (default: the route, so tests can see which matched). */
export function mock(body: string, statusCode = 200, headers: Record<string, string> = {}): BackendDocument {
  return { type: 'MOCK', statusCode, body, headers };
}

export function http(url: string, timeoutMs = 5000, method?: string): BackendDocument {
  return { type: 'HTTP', url, timeoutMs, ...(method ? { method } : {}) };
}

export function fn(functionArn: string, timeoutMs = 5000): BackendDocument {
  return { type: 'FUNCTION', functionArn, timeoutMs };
}

export function api(input: ApiInput): ApiDocument {
  const method = input.method ?? 'GET';
  return {
    id: input.id ?? `${method.toLowerCase()}${input.path.replace(/[^A-Za-z0-9]+/g, '-')}`,
    name: input.name ?? `${method} ${input.path}`,
    method,
    path: input.path,
    response: input.response ?? 'default',
    parameters: input.parameters ?? [],
    backend: input.backend ?? mock(`${method} ${input.path}`),
    ...(input.auth ? { auth: input.auth } : {}),
    ...(input.accessControl ? { accessControl: input.accessControl } : {}),
  };
}

export interface DocumentInput {
  readonly apis: ApiInput[];
  /** Overrides of the `default` response's rules. */
  readonly defaultRules?: Record<string, RuleOverride>;
  /** Custom responses: name → overrides. */
  readonly responses?: Record<string, Record<string, RuleOverride>>;
  readonly cors?: CorsDocument;
  readonly stage?: string;
  readonly accessControl?: AccessControlDocument;
  readonly apps?: Record<string, AppDocument>;
  readonly customAuthorizers?: Record<string, CustomAuthorizerDocument>;
  readonly thirdPartyAuthorizers?: Record<string, ThirdPartyAuthorizerDocument>;
  /** The API key for refusals (a contract addition the constructs side may make). */
  readonly refusalUsageKey?: string;
}

export function document(input: DocumentInput): ConfigDocument {
  const responses: Record<string, Record<string, RuleDocument>> = { default: responseRules(input.defaultRules) };
  for (const [name, overrides] of Object.entries(input.responses ?? {})) { responses[name] = responseRules(overrides); }
  return {
    version: CONFIG_DOCUMENT_VERSION,
    group: { name: 'orders', stage: input.stage ?? 'RELEASE' },
    errors: errorDefaults(),
    responses,
    apis: input.apis.map(api),
    ...(input.cors ? { cors: input.cors } : {}),
    ...(input.accessControl ? { accessControl: input.accessControl } : {}),
    ...(input.apps ? { apps: input.apps } : {}),
    ...(input.customAuthorizers ? { customAuthorizers: input.customAuthorizers } : {}),
    ...(input.thirdPartyAuthorizers ? { thirdPartyAuthorizers: input.thirdPartyAuthorizers } : {}),
    ...(input.refusalUsageKey ? { refusalUsageKey: input.refusalUsageKey } : {}),
  } as ConfigDocument;
}

/** An AppCode of the allowed length (64-180), recognisable by its seed. */
export function appCode(seed: string, length = 64): string {
  const base = `${seed}-`.repeat(Math.ceil(length / (seed.length + 1)));
  return base.slice(0, length);
}

/** A body that shows what the tests check: type, code, message, app and a frontend key. */
export const REVEALING_BODY = JSON.stringify({
  type: '$context.error.type', code: '$context.error.code', message: '$context.error.message',
  appId: '$context.appId', appName: '$context.appName', frontendCode: '$context.authorizer.frontend.code',
  requestId: '$context.requestId',
});

/** Overrides giving every type the revealing body. */
export function revealingRules(extra: Record<string, RuleOverride> = {}): Record<string, RuleOverride> {
  const rules: Record<string, RuleOverride> = {};
  for (const t of ResponseType.all()) { rules[t.name] = { body: REVEALING_BODY, ...(extra[t.name] ?? {}) }; }
  return rules;
}

/** The default code and message of a type. */
export function defaultsOf(type: string): { code: string; message: string } {
  const t = ResponseType.of(type);
  return { code: t.defaultErrorCode, message: t.defaultErrorMessage };
}
