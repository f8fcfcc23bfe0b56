/**
 * Rendering a gateway error with a response rule: status, JSON body and headers, plus
 * Content-Type, X-Request-Id and the group's CORS headers. Rules are compiled once at cold
 * start; rendering only walks precomputed pieces.
 */
import { ErrorDefaultsDocument, RuleDocument } from '../../private/config-document';
import { ownValue, setOwn } from '../../private/own-keys';
import { CorsPolicy } from './cors';
import { GatewayError } from './gateway-error';
import { isToken } from './headers';
import { logGatewayError } from './log';
import { RequestView } from './request';
import { compileTemplate, CompiledTemplate, RenderContext } from './templates';
import { isRecord, ProxyResult } from './types';

export interface CompiledRule {
  /** Absent: keep the error's original status (DEFAULT_4XX / DEFAULT_5XX). */
  readonly status?: number;
  readonly code: string;
  readonly message: string;
  readonly body: CompiledTemplate;
  readonly headers: ReadonlyArray<readonly [string, CompiledTemplate]>;
}

/** Rules of one response, by response type. */
export type RuleSet = Readonly<Record<string, CompiledRule>>;

/** The rule of `type` in `rules` (own keys only: a type such as `constructor` is never a property lookup). */
export function ruleOf(rules: RuleSet, type: string): CompiledRule | undefined {
  return ownValue(rules, type);
}

/** Where a gateway error is rendered: the matched API (if any) and the group's settings. */
export interface RenderScope {
  readonly rules: RuleSet;
  readonly apiId: string;
  readonly apiName: string;
  readonly defaultStage: string;
  readonly cors?: CorsPolicy;
}

// Always set by the proxy, so a rule cannot override them.
const RESERVED_HEADERS = new Set(['content-type', 'x-request-id']);

export function isHttpStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599;
}

/** @throws Error when the rule is malformed */
/**
 * Checks a rule at load and compiles its templates on its first render: a cold start renders one
 * rule at most, of the 19 × each response a group has (issue 15: compiling them all was a fifth of
 * the proxy's cold start). A rule that cannot be used still refuses the document at load.
 *
 * @throws Error naming what is wrong with the rule
 */
export function compileRule(rule: RuleDocument, defaults: ErrorDefaultsDocument): CompiledRule {
  if (!isRecord(rule)) { throw new Error('rule is not an object'); }
  if (rule.status !== undefined && !isHttpStatus(rule.status)) { throw new Error(`status ${JSON.stringify(rule.status)} is not an HTTP status`); }
  const bodySource = rule.body;
  if (typeof bodySource !== 'string') { throw new Error('body is not a string'); }
  const headerSources: Array<readonly [string, string]> = [];
  const seen = new Set<string>();
  if (rule.headers !== undefined) {
    if (!isRecord(rule.headers)) { throw new Error('headers is not an object'); }
    for (const name of Object.keys(rule.headers)) {
      const value = rule.headers[name];
      if (typeof value !== 'string') { throw new Error(`header "${name}" is not a string`); }
      const lower = name.toLowerCase();
      if (!isToken(name) || RESERVED_HEADERS.has(lower) || seen.has(lower)) { continue; }
      seen.add(lower);
      headerSources.push([name, value]);
    }
  }
  // (Compiling a template never throws: an unknown variable stays literal text.)
  let body: CompiledTemplate | undefined;
  let headers: ReadonlyArray<readonly [string, CompiledTemplate]> | undefined;
  return {
    status: rule.status,
    code: defaults.code,
    message: defaults.message,
    get body() { return body ??= compileTemplate(bodySource, 'json'); },
    get headers() { return headers ??= headerSources.map(([name, value]) => [name, compileTemplate(value, 'header')] as const); },
  };
}

const HUAWEI_DEFAULT_BODY = '{"error_code":"$context.error.code","error_msg":"$context.error.message","request_id":"$context.requestId"}';

/** Used only when the document is refused: DEFAULT_5XX with Huawei's default body. */
export const FALLBACK_RULES: RuleSet = {
  DEFAULT_5XX: compileRule({ body: HUAWEI_DEFAULT_BODY, headers: {} }, { code: 'APIG.0601', message: 'Internal server error.' }),
};

/** The gateway error's answer, as `renderGatewayError` gives it, without logging it (the preview renderer's use). */
export function renderErrorResult(err: GatewayError, req: RequestView, scope: RenderScope): ProxyResult {
  const rule = ruleOf(scope.rules, err.type) ?? FALLBACK_RULES.DEFAULT_5XX;
  const status = rule.status ?? err.status;
  const context: RenderContext = {
    req,
    apiId: scope.apiId,
    apiName: scope.apiName,
    defaultStage: scope.defaultStage,
    errorType: err.type,
    errorCode: err.code ?? rule.code,
    errorMessage: err.message ?? (err.detail === undefined ? rule.message : `${rule.message} ${err.detail}`),
  };
  const headers: Record<string, string> = {};
  // Own properties: a header named `__proto__` is a header, not Object.prototype's setter.
  for (const [name, template] of rule.headers) { setOwn(headers, name, template.render(context)); }
  headers['Content-Type'] = 'application/json';
  headers['X-Request-Id'] = req.requestIdHeader;
  const result: ProxyResult = { statusCode: status, headers, body: rule.body.render(context), isBase64Encoded: false };
  if (scope.cors) { scope.cors.apply(result, req); }
  return result;
}

/** The gateway error's answer; logged (one line for CloudWatch) and recorded on the request for its metrics. */
export function renderGatewayError(err: GatewayError, req: RequestView, scope: RenderScope): ProxyResult {
  const result = renderErrorResult(err, req, scope);
  logGatewayError(req.requestId, scope.apiId, err.type, result.statusCode, err.reason);
  req.errorType = err.type;
  return result;
}

/** The answer of last resort, when rendering itself failed: static, valid JSON. */
export function staticInternalError(requestId: string): ProxyResult {
  return {
    statusCode: 500,
    headers: { 'Content-Type': 'application/json', 'X-Request-Id': requestId },
    body: '{"error_code":"APIG.0601","error_msg":"Internal server error.","request_id":""}',
    isBase64Encoded: false,
  };
}
