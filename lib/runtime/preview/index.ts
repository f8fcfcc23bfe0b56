/**
 * The preview renderer (assets/renderer/index.js): renders one gateway error exactly as the proxy
 * does, with the proxy's own modules (the request view, rule compilation, the renderer and CORS),
 * for `GatewayResponse.render()` at synth time or in a unit test. Nothing here re-implements
 * rendering: it only builds the event the proxy would receive and the error it would raise.
 */
import { ConfigDocument } from '../../private/config-document';
import { CorsPolicy } from '../proxy/cors';
import { GatewayError, ProxyErrorType } from '../proxy/gateway-error';
import { compileRule, renderErrorResult } from '../proxy/render';
import { RequestView } from '../proxy/request';

/** One preview: the group's document (responses, errors, CORS), the response and type, and the request. */
export interface PreviewInput {
  readonly document: ConfigDocument;
  readonly response: string;
  readonly type: string;
  /** The status kept when the rule sets none (DEFAULT_4XX / DEFAULT_5XX). */
  readonly originalStatus: number;
  readonly api?: { readonly id: string; readonly name: string };
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly errorDetail?: string;
  readonly request: {
    readonly method: string;
    readonly path: string;
    readonly requestId: string;
    readonly sourceIp: string;
    readonly stage: string;
    readonly headers: Record<string, string>;
    readonly query: Record<string, string>;
    readonly stageVariables: Record<string, string>;
    /** Values as the proxy holds them after the authorizer's verdict: `appId`, `appName`, `frontend_<key>`. */
    readonly authorizer: Record<string, string>;
  };
}

export interface PreviewResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The API Gateway REST proxy event of the previewed request. */
function eventOf(r: PreviewInput['request']): Record<string, unknown> {
  const query = Object.keys(r.query).length > 0 ? r.query : null;
  return {
    httpMethod: r.method,
    path: r.path,
    headers: r.headers,
    multiValueHeaders: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    stageVariables: Object.keys(r.stageVariables).length > 0 ? r.stageVariables : null,
    requestContext: { requestId: r.requestId, stage: r.stage, httpMethod: r.method, identity: { sourceIp: r.sourceIp } },
  };
}

export function renderPreview(input: PreviewInput): PreviewResult {
  const doc = input.document;
  const rule = compileRule(doc.responses[input.response][input.type], doc.errors[input.type]);
  const req = new RequestView(eventOf(input.request));
  if (Object.keys(input.request.authorizer).length > 0) { req.authorizerOverlay = { ...input.request.authorizer }; }
  const error = new GatewayError(input.type as ProxyErrorType, input.originalStatus, 'preview', input.errorDetail,
    input.errorMessage, input.errorCode);
  // Rendered without the log line the proxy writes for every gateway error: a preview is not one.
  const result = renderErrorResult(error, req, {
    rules: { [input.type]: rule },
    apiId: input.api?.id ?? '',
    apiName: input.api?.name ?? '',
    defaultStage: doc.group.stage,
    cors: doc.cors ? new CorsPolicy(doc.cors) : undefined,
  });
  return { statusCode: result.statusCode, headers: { ...result.headers }, body: result.body };
}
