/**
 * Configuration documents for runtime tests, built the way the synth side resolves them: every
 * type's default code, message and status from ResponseType, Huawei's default body, and custom
 * rules on top.
 */
import { ResponseType } from '../../lib/response-type';
import type {
  ApiDocument, BackendDocument, ConfigDocument, CorsDocument, ErrorDefaultsDocument, ParameterDocument, RuleDocument,
} from '../../lib/private/config-document';

export const HUAWEI_DEFAULT_BODY = '{"error_code":"$context.error.code","error_msg":"$context.error.message","request_id":"$context.requestId"}';

export interface RuleOverride {
  readonly status?: number | null;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** All 17 rules with their defaults, with overrides by type name. */
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
}

export function document(input: DocumentInput): ConfigDocument {
  const responses: Record<string, Record<string, RuleDocument>> = { default: responseRules(input.defaultRules) };
  for (const [name, overrides] of Object.entries(input.responses ?? {})) { responses[name] = responseRules(overrides); }
  return {
    version: 1,
    group: { name: 'orders', stage: input.stage ?? 'RELEASE' },
    errors: errorDefaults(),
    responses,
    apis: input.apis.map(api),
    ...(input.cors ? { cors: input.cors } : {}),
  };
}
