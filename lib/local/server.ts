/**
 * One API group's stage served over HTTP, in API Gateway's order:
 *
 *   payload over 10 MB                         → REQUEST_TOO_LARGE (413)
 *   resource and method (router.ts)            → none: MISSING_AUTHENTICATION_TOKEN (403)
 *   stage / method throttle (throttling.ts)    → THROTTLED (429)
 *   AWS_IAM: SigV4 (sigv4.ts)                  → MISSING_AUTHENTICATION_TOKEN, INVALID_SIGNATURE, EXPIRED_TOKEN
 *   CUSTOM: the Lambda authorizer              → UNAUTHORIZED, ACCESS_DENIED, AUTHORIZER_CONFIGURATION_ERROR
 *   API key and usage plan (usage-plans.ts)    → INVALID_API_KEY, THROTTLED, QUOTA_EXCEEDED
 *   request validator (request-validation.ts)  → BAD_REQUEST_PARAMETERS (400)
 *   integration: MOCK (preflight.ts)           → UNSUPPORTED_MEDIA_TYPE (415), 500 on a template it cannot use
 *   HTTP_PROXY: the backend (http-proxy.ts)    → INTEGRATION_TIMEOUT (504), API_CONFIGURATION_ERROR (500), ...
 *   AWS_PROXY: the function with a REST proxy event
 *                                              → REQUEST_TOO_LARGE (413) when the event is over Lambda's 6 MB;
 *                                                INTEGRATION_TIMEOUT (504) past the integration timeout;
 *                                                a function error or malformed result: DEFAULT_5XX, 502
 *
 * Behind a custom domain (`customDomain`), a request outside the mapping's base path is refused
 * before all of this, as the domain itself does: 403 {"message":"Forbidden"}.
 *
 * API Gateway's own answers are rendered from the template's gateway responses
 * (gateway-responses.ts). One log line per request (log.ts).
 */
import { randomBytes, randomUUID } from 'crypto';
import * as http from 'http';
import { AuthorizerOutcome, Authorizers } from './authorizer';
import { buildProxyEvent, methodArnFor, requestAuthorizerEvent, requestTime } from './events';
import { apiPathBehind, CustomDomain } from './custom-domain';
import { ErrorMessage, NativeContext, renderNativeResponse } from './gateway-responses';
import { writeAnswer } from './http';
import type { InvokeOutcome } from './lambda-runner';
import { LAMBDA_PAYLOAD_LIMIT } from './local-lambda';
import { RequestLogEntry } from './log';
import { callHttpProxy } from './http-proxy';
import { runMock } from './preflight';
import { missingParameters } from './request-validation';
import type { MethodModel, RestApiModel } from './rest-api';
import { route, RouteMatch } from './router';
import { SigV4Credentials, verifySigV4 } from './sigv4';
import { traceHeader } from './trace';
import { methodThrottle, Throttles } from './throttling';
import { UsagePlans } from './usage-plans';

/** API Gateway's payload limit. */
export const PAYLOAD_LIMIT = 10 * 1024 * 1024;

const PROXY_RESULT_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);
const INTERNAL_ERROR_BODY = '{"message": "Internal server error"}';
/** What API Gateway sends for the custom domain when no base path mapping matches the request. */
const FORBIDDEN_BODY = '{"message":"Forbidden"}';

export interface GroupServerOptions {
  readonly groupName: string;
  readonly model: RestApiModel;
  readonly region: string;
  readonly account: string;
  /** Stage variables (the template's, with overrides applied). */
  readonly stageVariables: Record<string, string>;
  readonly credentials: readonly SigV4Credentials[];
  /** Invokes a function of the assembly by ARN or name. */
  readonly invoke: (functionArn: string, event: string, requestId: string) => Promise<InvokeOutcome>;
  /** The API a request reached and the gateway response type from the proxy's own log lines. */
  readonly describe?: (method: string, path: string, logs: readonly string[]) => { api?: string; responseType?: string };
  readonly onRequest: (entry: RequestLogEntry) => void;
  /** A note about a request the gateway could not serve as deployed (an integration it does not emulate...). */
  readonly onNote: (message: string) => void;
  readonly clock?: () => number;
  /** Serve the stage as a custom domain's base path mapping does (`--base-path`). @default the execute-api endpoint */
  readonly customDomain?: CustomDomain;
}

interface Exchange {
  readonly method: string;
  /** The path as received (percent-encoded, no query): what a signature covers and the log shows. */
  readonly rawPath: string;
  /** The path relative to the REST API's root: what API Gateway routes on. */
  readonly apiPath: string;
  /** `event.path` and `requestContext.path` of the proxy event. */
  readonly eventPath: string;
  readonly contextPath: string;
  /** `X-Amzn-Trace-Id` of this request (sent to the integration, and on its answer). */
  readonly trace: string;
  readonly rawQuery: string;
  readonly headers: Array<[string, string]>;
  readonly query: Array<[string, string]>;
  body: Buffer;
  readonly requestId: string;
  readonly started: number;
  readonly ctx: MutableContext;
}

type MutableContext = { -readonly [K in keyof NativeContext]: NativeContext[K] };

/** A query-string name or value: API Gateway (REST) reads `+` as a space, and `%2B` as a plus. */
function decodeQueryPart(value: string): string {
  const spaced = value.replace(/\+/g, ' ');
  try { return decodeURIComponent(spaced); } catch { return spaced; }
}

export function parseQuery(raw: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const part of raw.split('&')) {
    if (part === '') { continue; }
    const eq = part.indexOf('=');
    out.push(eq < 0 ? [decodeQueryPart(part), ''] : [decodeQueryPart(part.slice(0, eq)), decodeQueryPart(part.slice(eq + 1))]);
  }
  return out;
}

function headerPairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) { out.push([raw[i], raw[i + 1]]); }
  return out;
}

function lastHeader(headers: ReadonlyArray<readonly [string, string]>, lowerName: string): string | undefined {
  let found: string | undefined;
  for (const [n, v] of headers) { if (n.toLowerCase() === lowerName) { found = v; } }
  return found;
}

/** True when a media type is one of the REST API's binary media types (`*` wildcards allowed). */
export function isBinary(contentType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (binaryMediaTypes.length === 0) { return false; }
  const type = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  const [major, minor] = type.split('/');
  return binaryMediaTypes.some(pattern => {
    const [pMajor, pMinor] = pattern.toLowerCase().split('/');
    return (pMajor === '*' || pMajor === major) && (pMinor === '*' || pMinor === minor);
  });
}

function sourceIpOf(req: http.IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

type ProxyAnswer = { status: number; headers: Record<string, string | string[]>; body: Buffer } | string;

/**
 * Reads a Lambda proxy result as API Gateway's REST Lambda proxy integration does; a string says
 * what is malformed (API Gateway: 502 "Internal server error"). Recorded on AWS (LocalStack's
 * AWS-validated snapshots, test/fixtures/lambda-proxy-results/ORIGIN.md): only the keys
 * `statusCode`, `headers`, `multiValueHeaders`, `body`, `isBase64Encoded` (`cookies` is HTTP
 * APIs'); `statusCode` a number or a numeric string, 200 when absent; `headers` may be null, a
 * boolean value is sent as text; a `multiValueHeaders` value must be a list; a name in both maps
 * (in any case) is one header, the list then the single value, spelled as in `multiValueHeaders`;
 * `Content-Type: application/json` when the result sets none; with `isBase64Encoded: true` the
 * body is decoded only when `decodeBase64` says the API returns binary (an API without binary
 * media types answers the base64 text).
 */
export function readProxyResult(payload: string, decodeBase64 = true): ProxyAnswer {
  let result: unknown;
  try { result = JSON.parse(payload); } catch { return 'the result is not JSON'; }
  if (typeof result !== 'object' || result === null || Array.isArray(result)) { return 'the result is not an object'; }
  const r = result as Record<string, unknown>;
  const extra = Object.keys(r).filter(k => !PROXY_RESULT_KEYS.has(k));
  if (extra.length > 0) { return `unexpected keys ${extra.join(', ')}`; }
  const status = r.statusCode === undefined || r.statusCode === null ? 200
    : typeof r.statusCode === 'string' && /^\d{1,3}$/.test(r.statusCode) ? Number(r.statusCode) : r.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) { return 'statusCode is not an HTTP status'; }
  if (r.body !== undefined && r.body !== null && typeof r.body !== 'string') { return 'body is not a string'; }
  if (r.isBase64Encoded !== undefined && r.isBase64Encoded !== null && typeof r.isBase64Encoded !== 'boolean') { return 'isBase64Encoded is not a boolean'; }
  const single = new Map<string, [string, string]>();
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object' || Array.isArray(r.headers)) { return 'headers is not an object'; }
    for (const [name, value] of Object.entries(r.headers)) {
      if (value === null || typeof value === 'object') { return `header ${name} is not a string`; }
      single.set(name.toLowerCase(), [name, String(value)]);
    }
  }
  const headers: Record<string, string | string[]> = Object.create(null);
  if (r.multiValueHeaders !== undefined && r.multiValueHeaders !== null) {
    if (typeof r.multiValueHeaders !== 'object' || Array.isArray(r.multiValueHeaders)) { return 'multiValueHeaders is not an object'; }
    for (const [name, values] of Object.entries(r.multiValueHeaders)) {
      if (!Array.isArray(values) || values.some(v => v === null || typeof v === 'object')) { return `multiValueHeaders.${name} is not a list of strings`; }
      const texts = values.map(String);
      const also = single.get(name.toLowerCase());
      if (also) { texts.push(also[1]); single.delete(name.toLowerCase()); }
      if (texts.length > 0) { headers[name] = texts.length === 1 ? texts[0] : texts; }
    }
  }
  for (const [name, value] of single.values()) { headers[name] = value; }
  if (!Object.keys(headers).some(n => n.toLowerCase() === 'content-type')) { headers['Content-Type'] = 'application/json'; }
  const text = typeof r.body === 'string' ? r.body : '';
  const body = r.isBase64Encoded === true && decodeBase64 ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { status, headers: { ...headers }, body };
}

/** The request handler of one group. */
export function groupHandler(options: GroupServerOptions): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const model = options.model;
  const clock = options.clock ?? Date.now;
  const throttles = new Throttles(clock);
  const usage = new UsagePlans(model.usagePlans, clock);
  const authorizers = new Authorizers(options.invoke, clock);
  const stage = model.stage.name;

  /** Headers API Gateway adds to every answer. */
  function gatewayHeaders(x: Exchange): Record<string, string> {
    return { 'x-amzn-RequestId': x.requestId, 'x-amz-apigw-id': x.ctx.extendedRequestId };
  }

  function respondNative(res: http.ServerResponse, x: Exchange, type: string, message?: ErrorMessage, note?: string,
    override: { errorType?: string; status?: number; api?: string } = {}): void {
    const answer = renderNativeResponse(model.gatewayResponses, type, x.ctx, message);
    const headers: Record<string, string> = { ...answer.headers, 'x-amz-apigw-id': x.ctx.extendedRequestId };
    if (override.errorType) { headers['x-amzn-ErrorType'] = override.errorType; }
    const status = override.status ?? answer.status;
    writeAnswer(res, status, headers, answer.body);
    // The API the request addressed, as the proxy would have routed it (throttled, unsigned, ...).
    finish(x, status, override.api ?? options.describe?.(x.method, x.apiPath, []).api, type);
    if (note) { options.onNote(`${x.method} ${x.rawPath}: ${note}`); }
  }

  /**
   * A Lambda error or a malformed proxy result: API Gateway answers 502 through the DEFAULT_5XX
   * gateway response (message "Internal server error", x-amzn-ErrorType InternalServerErrorException),
   * with DEFAULT_5XX's own status when that response sets one (as recorded in LocalStack's
   * AWS-validated tests of AWS_PROXY integrations).
   */
  function integrationFailure(res: http.ServerResponse, x: Exchange, api: string | undefined, note: string): void {
    const own = model.gatewayResponses.get('DEFAULT_5XX')?.statusCode;
    const status = own !== undefined && /^[1-5]\d\d$/.test(own) ? Number(own) : 502;
    respondNative(res, x, 'DEFAULT_5XX', 'Internal server error', note.slice(0, 2000), { status, api });
  }

  function finish(x: Exchange, status: number, api: string | undefined, responseType: string | undefined): void {
    options.onRequest({
      group: options.groupName,
      method: x.method,
      path: x.rawQuery === '' ? x.rawPath : `${x.rawPath}?${x.rawQuery}`,
      api,
      status,
      responseType,
      latencyMs: clock() - x.started,
      requestId: x.requestId,
    });
  }

  async function serve(res: http.ServerResponse, x: Exchange): Promise<void> {
    const ctx = x.ctx;
    const path = x.apiPath;
    const match: RouteMatch | undefined = route(model.root, x.method, path);
    if (match) {
      ctx.resourcePath = match.resource.path;
      ctx.resourceId = match.resource.id;
      ctx.pathParameters = match.pathParameters;
    }
    if (!match || !match.method) { respondNative(res, x, 'MISSING_AUTHENTICATION_TOKEN'); return; }
    const method: MethodModel = match.method;

    if (!throttles.take(`${match.resource.path} ${x.method}`, methodThrottle(model.stage.methodSettings, match.resource.path, x.method))) {
      respondNative(res, x, 'THROTTLED');
      return;
    }

    let identity: Record<string, string> | undefined;
    let authorizerContext: Record<string, string> | undefined;
    let authorizerLatency = 0;
    let usageKey: string | undefined;
    if (method.authorizationType === 'AWS_IAM') {
      const verdict = verifySigV4(
        { method: x.method, rawPath: x.rawPath, rawQuery: x.rawQuery, headers: x.headers, body: x.body },
        { credentials: options.credentials, region: options.region, now: clock() },
      );
      if (!verdict.ok) { respondNative(res, x, verdict.type, verdict.message, undefined, { errorType: verdict.errorType }); return; }
      identity = {
        accessKey: verdict.accessKeyId,
        accountId: options.account,
        caller: verdict.accessKeyId,
        user: verdict.accessKeyId,
        userArn: `arn:aws:iam::${options.account}:user/local-${verdict.accessKeyId}`,
      };
      ctx.identity = identity;
    } else if (method.authorizationType === 'CUSTOM') {
      const authorizer = model.authorizers.get(method.authorizerId ?? '');
      if (!authorizer) {
        respondNative(res, x, 'AUTHORIZER_CONFIGURATION_ERROR', null, `method ${method.logicalId} names no authorizer of the REST API`);
        return;
      }
      const preview = proxyEventFor(x, match, undefined, undefined);
      const methodArn = methodArnFor(options.region, options.account, model.id, stage, x.method, path);
      const outcome: AuthorizerOutcome = await authorizers.authorize(authorizer, {
        event: requestAuthorizerEvent(preview, methodArn),
        methodArn,
        requestId: x.requestId,
        headers: x.headers,
        query: x.query,
        stageVariables: options.stageVariables,
        contextValue: name => (name === 'requestId' ? x.requestId : name === 'stage' ? stage : undefined),
      });
      if (!outcome.allowed) {
        ctx.authorizer = outcome.context;
        const note = outcome.type === 'AUTHORIZER_CONFIGURATION_ERROR' ? `authorizer ${authorizer.logicalId}: ${outcome.reason}` : undefined;
        respondNative(res, x, outcome.type, outcome.message, note);
        return;
      }
      authorizerContext = outcome.context;
      authorizerLatency = outcome.latencyMs;
      usageKey = outcome.usageIdentifierKey;
      ctx.authorizer = outcome.context;
    } else if (method.authorizationType !== 'NONE') {
      respondNative(res, x, 'AUTHORIZER_CONFIGURATION_ERROR', null, `${method.authorizationType} authorization is not emulated locally`);
      return;
    }

    if (method.apiKeyRequired) {
      const key = model.apiKeySource === 'AUTHORIZER' ? usageKey : lastHeader(x.headers, 'x-api-key');
      const outcome = usage.check(key, match.resource.path, x.method);
      if (outcome.kind !== 'ok') { respondNative(res, x, outcome.kind); return; }
      ctx.apiKey = outcome.key.value;
      ctx.apiKeyId = outcome.key.id;
    }

    // Request validation comes after authorization and API keys (LocalStack's AWS-validated handler
    // chain: authorizers, api_key_validation_handler, then method_request_handler).
    if (method.requestValidator?.validateRequestParameters) {
      const missing = missingParameters(method.requestParameters ?? {}, x.headers, x.query, match.pathParameters);
      if (missing.length > 0) {
        respondNative(res, x, 'BAD_REQUEST_PARAMETERS', `Missing required request parameters: [${missing.join(', ')}]`);
        return;
      }
    }

    const integration = method.integration;
    if (integration.type === 'MOCK') {
      // The answer is binary when the first media type of Accept is a binary media type (AWS's content
      // type conversion tables): then the MOCK's response template is applied only with CONVERT_TO_TEXT.
      const accept = (lastHeader(x.headers, 'accept') ?? '').split(',')[0].split(';')[0].trim();
      const answer = runMock(integration, ctx, { body: x.body, binaryAnswer: accept !== '' && isBinary(accept, model.binaryMediaTypes) });
      if ('failure' in answer) {
        respondNative(res, x, answer.failure, undefined, answer.reason);
        return;
      }
      writeAnswer(res, answer.status, { ...answer.headers, ...gatewayHeaders(x) }, answer.body);
      finish(x, answer.status, options.describe?.(x.method, path, []).api, undefined);
      return;
    }
    if (integration.type === 'HTTP_PROXY') {
      const outcome = await callHttpProxy(integration, ctx, {
        method: x.method, rawQuery: x.rawQuery, body: x.body, apiId: model.id, trace: x.trace, maxBody: PAYLOAD_LIMIT,
      });
      const api = options.describe?.(x.method, path, []).api;
      if (!outcome.ok) {
        // INTEGRATION_FAILURE answers 500, not the 504 its gateway response declares (LocalStack PR #11183, AWS-validated).
        const own = model.gatewayResponses.get(outcome.type)?.statusCode ?? model.gatewayResponses.get('DEFAULT_5XX')?.statusCode;
        const status = outcome.type === 'INTEGRATION_FAILURE' && own === undefined ? 500 : undefined;
        respondNative(res, x, outcome.type, outcome.message, outcome.reason, { api, ...(status !== undefined ? { status } : {}) });
        return;
      }
      writeAnswer(res, outcome.status, { ...outcome.headers, ...gatewayHeaders(x) }, outcome.body);
      finish(x, outcome.status, api, undefined);
      return;
    }
    if (integration.type === 'UNSUPPORTED') {
      respondNative(res, x, 'API_CONFIGURATION_ERROR', undefined, integration.reason);
      return;
    }

    const event = proxyEventFor(x, match, identity,
      authorizerContext ? { ...authorizerContext, integrationLatency: authorizerLatency } : undefined);
    const payload = JSON.stringify(event);
    // Lambda takes at most 6 MB (6,291,456 bytes) per synchronous invoke, and the event carries the
    // body base64-encoded (binary media types) plus headers and context: bodies from about 4.5 MB
    // are refused before the function runs. Recorded on AWS (koki-develop/lgtm-generator#10):
    // 413, x-amzn-ErrorType BadRequestException, {"message": "Request Too Long"}. Answered as
    // REQUEST_TOO_LARGE, whose gateway response API Gateway does not let anyone customise
    // (gateway-responses.ts): AWS's own body, not the group's DEFAULT_4XX rule.
    if (Buffer.byteLength(payload, 'utf8') > LAMBDA_PAYLOAD_LIMIT) {
      respondNative(res, x, 'REQUEST_TOO_LARGE', 'Request Too Long', undefined, { errorType: 'BadRequestException' });
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>(resolve => { timer = setTimeout(() => resolve('timeout'), integration.timeoutMs); });
    const outcome = await Promise.race([options.invoke(integration.functionArn, payload, x.requestId), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') { respondNative(res, x, 'INTEGRATION_TIMEOUT'); return; }
    const described = options.describe?.(x.method, path, outcome.logs) ?? {};
    if (!outcome.ok) {
      const stack = outcome.trace.length > 0 ? ` ${outcome.trace.join(' | ')}` : '';
      integrationFailure(res, x, described.api, `function error from the integration: ${outcome.errorType}: ${outcome.errorMessage}${stack}`);
      return;
    }
    const answer = readProxyResult(outcome.payload, model.binaryMediaTypes.length > 0);
    if (typeof answer === 'string') {
      integrationFailure(res, x, described.api, `malformed Lambda proxy response: ${answer}`);
      return;
    }
    // API Gateway returns the request's trace id on what an AWS integration answered (not on its own
    // errors, not on MOCK or HTTP_PROXY answers: LocalStack's AWS-validated response enricher).
    writeAnswer(res, answer.status, { ...answer.headers, ...gatewayHeaders(x), 'X-Amzn-Trace-Id': x.trace }, answer.body);
    finish(x, answer.status, described.api, described.responseType);
  }

  function proxyEventFor(x: Exchange, match: RouteMatch, identity: Record<string, string> | undefined,
    authorizer: Record<string, unknown> | undefined) {
    const ctx = x.ctx;
    return buildProxyEvent({
      method: x.method,
      path: x.eventPath,
      contextPath: x.contextPath,
      headers: x.headers,
      query: x.query,
      body: x.body.length > 0 ? x.body : undefined,
      binary: isBinary(lastHeader(x.headers, 'content-type'), model.binaryMediaTypes),
      stage,
      stageVariables: Object.keys(options.stageVariables).length > 0 ? { ...options.stageVariables } : null,
      requestId: x.requestId,
      extendedRequestId: ctx.extendedRequestId,
      sourceIp: ctx.sourceIp,
      resource: match.resource.path,
      resourceId: match.resource.id,
      pathParameters: match.pathParameters,
      apiId: model.id,
      accountId: options.account,
      domainName: ctx.domainName,
      domainPrefix: ctx.domainPrefix,
      deploymentId: model.stage.deploymentId,
      requestTimeEpoch: ctx.requestTimeEpoch,
      protocol: ctx.protocol,
      identity: { ...(identity ?? {}), ...(ctx.apiKey ? { apiKey: ctx.apiKey, apiKeyId: ctx.apiKeyId ?? '' } : {}) },
      authorizer,
    });
  }

  return (req, res) => {
    const started = clock();
    const requestId = randomUUID();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const sourceIp = sourceIpOf(req);
    const headers = headerPairs(req.rawHeaders);
    // API Gateway appends the caller to X-Forwarded-For and sets the port and protocol it received.
    const forwarded = lastHeader(headers, 'x-forwarded-for');
    const trace = traceHeader(lastHeader(headers, 'x-amzn-trace-id'), started);
    const kept = headers.filter(([n]) => !/^(x-forwarded-(for|port|proto)|x-amzn-trace-id)$/i.test(n));
    kept.push(['X-Forwarded-For', forwarded ? `${forwarded}, ${sourceIp}` : sourceIp]);
    kept.push(['X-Forwarded-Port', String(req.socket.localPort ?? '')]);
    kept.push(['X-Forwarded-Proto', 'http']);
    // The integration gets API Gateway's trace header (the caller's Root kept, a Parent of its own).
    kept.push(['X-Amzn-Trace-Id', trace]);
    const host = lastHeader(headers, 'host') ?? `127.0.0.1:${req.socket.localPort}`;
    const query = parseQuery(rawQuery);

    // Where the REST API's root is. On the execute-api endpoint, after the stage: the path as received,
    // with the empty segments a `//` right after the stage makes dropped (`/RELEASE//orders` is routed,
    // and sent as event.path, as `/orders`; requestContext.path keeps `/RELEASE//orders`; a `//` further
    // on is kept, as in `{proxy+}` = `a//b`: LocalStack's AWS-validated snapshots of AWS_PROXY events).
    // Behind a custom domain, after the mapping's base path, which event.path keeps (custom-domain.ts).
    const domain = options.customDomain;
    let apiPath: string;
    let eventPath: string;
    let contextPath: string;
    if (domain) {
      const behind = apiPathBehind(domain, rawPath);
      if (behind === undefined) {
        // No base path mapping of the domain matches: the domain answers, not the API (no gateway response).
        writeAnswer(res, 403, { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': 'ForbiddenException' }, FORBIDDEN_BODY);
        options.onRequest({ group: options.groupName, method: req.method ?? 'GET', path: url, status: 403, latencyMs: clock() - started, requestId });
        req.resume();
        return;
      }
      ({ apiPath, eventPath, contextPath } = behind);
    } else {
      apiPath = rawPath.replace(/^\/{2,}/, '/');
      eventPath = apiPath;
      contextPath = `/${stage}${rawPath}`;
    }
    const ctx: MutableContext = {
      requestId,
      extendedRequestId: randomBytes(12).toString('base64').replace(/[+/=]/g, 'A').slice(0, 16),
      apiId: model.id,
      accountId: options.account,
      stage,
      httpMethod: req.method ?? 'GET',
      path: apiPath,
      resourcePath: '',
      resourceId: '',
      sourceIp,
      userAgent: lastHeader(headers, 'user-agent') ?? '',
      domainName: domain ? domain.domainName : host,
      domainPrefix: domain ? domain.domainName.split('.')[0] : model.id,
      deploymentId: model.stage.deploymentId,
      requestTimeEpoch: started,
      requestTime: requestTime(started),
      protocol: `HTTP/${req.httpVersion}`,
      headers: kept,
      query,
      pathParameters: null,
      stageVariables: options.stageVariables,
    };
    const x: Exchange = {
      method: (req.method ?? 'GET').toUpperCase(),
      rawPath,
      apiPath,
      eventPath,
      contextPath,
      trace,
      rawQuery,
      headers: kept,
      query,
      body: Buffer.alloc(0),
      requestId,
      started,
      ctx,
    };
    const tooLarge = () => {
      res.setHeader('Connection', 'close');
      respondNative(res, x, 'REQUEST_TOO_LARGE');
      req.unpipe();
      req.resume();
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > PAYLOAD_LIMIT) { tooLarge(); return; }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) { return; }
      size += chunk.length;
      if (size > PAYLOAD_LIMIT) {
        refused = true;
        chunks.length = 0;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) { return; }
      x.body = Buffer.concat(chunks);
      serve(res, x).catch((err: unknown) => {
        options.onNote(`${x.method} ${x.rawPath}: the local gateway failed: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) {
          writeAnswer(res, 500, { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId }, INTERNAL_ERROR_BODY);
          finish(x, 500, undefined, undefined);
        }
      });
    });
    req.on('error', () => { /* the client went away */ });
  };
}
