/**
 * MOCK integrations (CORS preflight OPTIONS methods, mock APIs): API Gateway answers from the
 * integration response without calling anything (AWS-DG "Set up mock integrations"; LocalStack's
 * AWS-validated next-gen MOCK integration and integration response handlers):
 *
 * 1. the request template for the request's Content-Type (application/json when it has none, else
 *    `$default`) is rendered (vtl.ts) and must give `{"statusCode": N}`; with no template for the
 *    type, WHEN_NO_MATCH passes the body through instead, NEVER (and WHEN_NO_TEMPLATES when the
 *    integration has templates) answer UNSUPPORTED_MEDIA_TYPE (415); no integer statusCode: 500;
 * 2. the integration response whose selection pattern matches N (a regex over the whole status), else
 *    the one without a pattern (`default`); none: 500;
 * 3. its `method.response.header.<name>` parameters give headers (quoted literals or request
 *    mappings); its response template for the request's Accept (else application/json, else the first)
 *    is rendered: the output is the body, `#set($context.responseOverride.header.<Name> = ...)` sets a
 *    header, `$context.responseOverride.status` the status. The answer's Content-Type is the
 *    template's media type unless a mapping or override sets one.
 *
 * Binary answers (AWS's "Content type conversions in API Gateway"): when the request's Accept names a
 * binary media type of the REST API, templates are applied only with CONVERT_TO_TEXT.
 */
import { mappingValue, NativeContext } from './gateway-responses';
import type { MockIntegrationModel, MockResponseModel } from './rest-api';
import { renderVtl, VtlError, VtlScope } from './vtl';

export interface MockAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** API Gateway's own answer instead of the mock's: a gateway response type and why. */
export interface MockFailure {
  readonly failure: 'UNSUPPORTED_MEDIA_TYPE' | 'DEFAULT_5XX' | 'API_CONFIGURATION_ERROR';
  readonly reason: string;
}

export interface MockRequest {
  readonly body: Buffer;
  /** The answer is binary: the request's Accept names a binary media type of the REST API. */
  readonly binaryAnswer: boolean;
}

const ORIGIN_OVERRIDE = /#if\(\s*((?:\$origin\s*==\s*"[^"]*"\s*(?:\|\|\s*)?)+)\)\s*#set\(\s*\$context\.responseOverride\.header\.([A-Za-z0-9_-]+)\s*=\s*\$origin\s*\)/g;

/** Header overrides of aws-cdk's origin-echo pattern: header name → origins that it echoes. */
export function originOverrides(template: string): Array<{ header: string; origins: string[] }> {
  const out: Array<{ header: string; origins: string[] }> = [];
  for (const m of template.matchAll(ORIGIN_OVERRIDE)) {
    const origins = [...m[1].matchAll(/"([^"]*)"/g)].map(o => o[1]);
    out.push({ header: m[2], origins });
  }
  return out;
}

function lastValues(pairs: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [n, v] of pairs) { out[n] = v; }
  return { ...out };
}

/** What a mapping template may read of the request. */
export function vtlScope(ctx: NativeContext, body: string): VtlScope {
  return {
    context: {
      requestId: ctx.requestId,
      extendedRequestId: ctx.extendedRequestId,
      apiId: ctx.apiId,
      accountId: ctx.accountId,
      stage: ctx.stage,
      httpMethod: ctx.httpMethod,
      path: `/${ctx.stage}${ctx.path}`,
      resourcePath: ctx.resourcePath,
      resourceId: ctx.resourceId,
      domainName: ctx.domainName,
      domainPrefix: ctx.domainPrefix,
      deploymentId: ctx.deploymentId,
      requestTime: ctx.requestTime,
      requestTimeEpoch: ctx.requestTimeEpoch,
      protocol: ctx.protocol,
      identity: { ...(ctx.identity ?? {}), sourceIp: ctx.sourceIp, userAgent: ctx.userAgent, apiKey: ctx.apiKey ?? '', apiKeyId: ctx.apiKeyId ?? '' },
      authorizer: { ...(ctx.authorizer ?? {}) },
    },
    input: { body, path: { ...(ctx.pathParameters ?? {}) }, querystring: lastValues(ctx.query), header: lastValues(ctx.headers) },
    stageVariables: ctx.stageVariables,
  };
}

function mediaType(value: string | undefined): string {
  return (value ?? '').split(',')[0].split(';')[0].trim().toLowerCase();
}

function lastHeader(ctx: NativeContext, lowerName: string): string | undefined {
  return [...ctx.headers].reverse().find(([name]) => name.toLowerCase() === lowerName)?.[1];
}

/** The status a MOCK integration gives: from its request template, or the passed-through body. */
function integrationStatus(integration: MockIntegrationModel, ctx: NativeContext, body: Buffer): number | MockFailure {
  const templates = integration.requestTemplates;
  const contentType = mediaType(lastHeader(ctx, 'content-type')) || 'application/json';
  const key = Object.keys(templates).find(k => k.toLowerCase() === contentType) ?? ('$default' in templates ? '$default' : undefined);
  let text: string;
  if (key !== undefined) {
    text = renderVtl(templates[key], vtlScope(ctx, body.toString('utf8'))).output;
  } else if (integration.passthroughBehavior === 'NEVER' || (integration.passthroughBehavior === 'WHEN_NO_TEMPLATES' && Object.keys(templates).length > 0)) {
    return { failure: 'UNSUPPORTED_MEDIA_TYPE', reason: `no request template for ${contentType} and passthrough behavior ${integration.passthroughBehavior}` };
  } else {
    text = body.toString('utf8');
  }
  let status: unknown;
  try {
    status = (JSON.parse(text) as Record<string, unknown>)?.statusCode;
  } catch {
    // aws-cdk writes `{ statusCode: 200 }` (not JSON), which API Gateway accepts.
    const m = /^\s*\{[^{}]*?["']?statusCode["']?\s*:\s*(\d+)\s*[,}]/.exec(text);
    status = m ? Number(m[1]) : undefined;
  }
  if (typeof status !== 'number' || !Number.isInteger(status)) {
    return { failure: 'DEFAULT_5XX', reason: 'Execution failed due to configuration error: Unable to parse statusCode from the MOCK request template' };
  }
  return status;
}

/** The integration response a status selects: a matching selection pattern, else the default one. */
function selectResponse(responses: readonly MockResponseModel[], status: number | undefined): MockResponseModel | undefined {
  if (status !== undefined) {
    const matched = responses.find(r => {
      if (r.selectionPattern === undefined || r.selectionPattern === '') { return false; }
      try { return new RegExp(`^(?:${r.selectionPattern})$`).test(String(status)); } catch { return false; }
    });
    if (matched) { return matched; }
    return responses.find(r => r.selectionPattern === undefined || r.selectionPattern === '');
  }
  return responses.find(r => r.selectionPattern === undefined || r.selectionPattern === '') ?? responses[0];
}

/**
 * The answer of the default integration response (the first without a selection pattern).
 * @throws VtlError when its template uses what the local interpreter does not support
 */
export function answerMock(responses: readonly MockResponseModel[], ctx: NativeContext, binaryAnswer = false): MockAnswer {
  return respond(responses, ctx, binaryAnswer, undefined) ?? { status: 200, headers: {}, body: '' };
}

/** The answer of the integration response `status` selects (undefined: the default one); undefined when none. */
function respond(responses: readonly MockResponseModel[], ctx: NativeContext, binaryAnswer: boolean, status: number | undefined): MockAnswer | undefined {
  const response = selectResponse(responses, status);
  if (!response) { return undefined; }
  const headers: Record<string, string> = {};
  for (const [key, expression] of Object.entries(response.parameters)) {
    const m = /^method\.response\.header\.(.+)$/.exec(key);
    if (!m) { continue; }
    const value = mappingValue(expression, ctx, '', null);
    if (value !== '') { headers[m[1]] = value; }
  }
  let body = '';
  let answerStatus = /^[1-5]\d\d$/.test(response.statusCode) ? Number(response.statusCode) : 200;
  const templates = binaryAnswer && response.contentHandling !== 'CONVERT_TO_TEXT' ? {} : response.templates;
  const keys = Object.keys(templates);
  if (keys.length > 0) {
    const accept = mediaType(lastHeader(ctx, 'accept'));
    const key = keys.find(k => k.toLowerCase() === accept) ?? keys.find(k => k.toLowerCase() === 'application/json') ?? keys[0];
    const rendered = renderVtl(templates[key], vtlScope(ctx, ''));
    // Directive-only templates (CORS preflight) leave only layout whitespace.
    body = rendered.output.trim() === '' ? '' : rendered.output;
    if (!Object.keys(headers).some(h => h.toLowerCase() === 'content-type')) { headers['Content-Type'] = key; }
    for (const [name, value] of Object.entries(rendered.headerOverrides)) {
      for (const existing of Object.keys(headers)) { if (existing.toLowerCase() === name.toLowerCase()) { delete headers[existing]; } }
      headers[name] = value;
    }
    if (rendered.statusOverride !== undefined) { answerStatus = rendered.statusOverride; }
  }
  return { status: answerStatus, headers, body };
}

/** Runs a MOCK integration for a request: its answer, or the gateway response API Gateway gives instead. */
export function runMock(integration: MockIntegrationModel, ctx: NativeContext, request: MockRequest): MockAnswer | MockFailure {
  try {
    const status = integrationStatus(integration, ctx, request.body);
    if (typeof status !== 'number') { return status; }
    const answer = respond(integration.responses, ctx, request.binaryAnswer, status);
    return answer ?? { failure: 'API_CONFIGURATION_ERROR', reason: `no integration response for status ${status} and no default one` };
  } catch (err) {
    if (!(err instanceof VtlError)) { throw err; }
    return { failure: 'DEFAULT_5XX', reason: `the mapping template cannot be rendered locally: ${err.message}` };
  }
}
