/**
 * API Gateway's own (native) gateway responses, rendered from the template's
 * AWS::ApiGateway::GatewayResponse resources:
 * - the response of the type, else DEFAULT_4XX / DEFAULT_5XX (by the type's default status),
 *   else AWS's default `{"message":$context.error.messageString}`; the status is the type's own,
 *   the fallback's when it sets one (API Gateway re-maps uncustomised types that way), or the
 *   type's default;
 * - templates are plain substitution, not VTL: `$context.<name>` (`requestId`, `error.message`,
 *   `error.messageString`, `error.responseType`, `identity.sourceIp`, `path` (with the stage
 *   prefix, as API Gateway has it), `httpMethod`, `stage`, `authorizer.<key>`, ...) and
 *   `$stageVariables.<name>`; an unknown name renders empty. Values are inserted as they are, not
 *   escaped: AWS documents only simple substitution, and `$context.error.messageString` ("the quoted
 *   value of $context.error.message") as the one value that comes as a JSON string, quotes and
 *   escapes included. So `"$context.error.message"` breaks the JSON of a message with a quote, as on
 *   AWS; the library writes messageString, and its authorizer hands over JSON-escaped values;
 * - header mappings: `'literal'`, `method.request.header|querystring|path|multivalueheader|
 *   multivaluequerystring.<name>`, `context.<name>`, `stageVariables.<name>`; an empty value sends
 *   no header;
 * - `x-amzn-RequestId` and `x-amzn-ErrorType` are added, as API Gateway does;
 * - REQUEST_TOO_LARGE is always AWS's default (UNCUSTOMISABLE_TYPES).
 */
import type { GatewayResponseModel } from './rest-api';

/** AWS's gateway response types: default status, message and x-amzn-ErrorType. */
export const NATIVE_TYPES: Record<string, { readonly status: number; readonly message: string | null; readonly errorType: string }> = {
  ACCESS_DENIED: { status: 403, message: 'User is not authorized to access this resource with an explicit deny', errorType: 'AccessDeniedException' },
  API_CONFIGURATION_ERROR: { status: 500, message: 'Internal server error', errorType: 'InternalServerErrorException' },
  AUTHORIZER_CONFIGURATION_ERROR: { status: 500, message: null, errorType: 'AuthorizerConfigurationException' },
  AUTHORIZER_FAILURE: { status: 500, message: null, errorType: 'AuthorizerFailureException' },
  BAD_REQUEST_PARAMETERS: { status: 400, message: 'Missing required request parameters', errorType: 'BadRequestException' },
  BAD_REQUEST_BODY: { status: 400, message: 'Invalid request body', errorType: 'BadRequestException' },
  DEFAULT_4XX: { status: 400, message: 'Bad Request', errorType: 'BadRequestException' },
  DEFAULT_5XX: { status: 500, message: 'Internal server error', errorType: 'InternalServerErrorException' },
  EXPIRED_TOKEN: { status: 403, message: 'The security token included in the request is expired', errorType: 'ExpiredTokenException' },
  INTEGRATION_FAILURE: { status: 504, message: 'Internal server error', errorType: 'InternalServerErrorException' },
  INTEGRATION_TIMEOUT: { status: 504, message: 'Endpoint request timed out', errorType: 'InternalServerErrorException' },
  INVALID_API_KEY: { status: 403, message: 'Forbidden', errorType: 'ForbiddenException' },
  INVALID_SIGNATURE: { status: 403, message: 'The request signature we calculated does not match the signature you provided.', errorType: 'InvalidSignatureException' },
  MISSING_AUTHENTICATION_TOKEN: { status: 403, message: 'Missing Authentication Token', errorType: 'MissingAuthenticationTokenException' },
  QUOTA_EXCEEDED: { status: 429, message: 'Limit Exceeded', errorType: 'LimitExceededException' },
  REQUEST_TOO_LARGE: { status: 413, message: 'Request Too Long', errorType: 'RequestTooLongException' },
  RESOURCE_NOT_FOUND: { status: 404, message: 'Resource not found', errorType: 'ResourceNotFoundException' },
  THROTTLED: { status: 429, message: 'Too Many Requests', errorType: 'TooManyRequestsException' },
  UNAUTHORIZED: { status: 401, message: 'Unauthorized', errorType: 'UnauthorizedException' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported Media Type', errorType: 'UnsupportedMediaTypeException' },
  WAF_FILTERED: { status: 403, message: 'Forbidden', errorType: 'WAFFilteredException' },
};

/** AWS types whose gateway response API Gateway does not let anyone customise. */
export const UNCUSTOMISABLE_TYPES: ReadonlySet<string> = new Set(['REQUEST_TOO_LARGE']);

/** What a native response may refer to about the request. */
export interface NativeContext {
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly apiId: string;
  readonly accountId: string;
  readonly stage: string;
  readonly httpMethod: string;
  /** Path without the stage, as received. */
  readonly path: string;
  /** The matched resource's path template ('' when none matched). */
  readonly resourcePath: string;
  readonly resourceId: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly domainName: string;
  readonly domainPrefix: string;
  readonly deploymentId: string;
  readonly requestTimeEpoch: number;
  readonly requestTime: string;
  readonly protocol: string;
  /** Headers as received. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly pathParameters: Record<string, string> | null;
  readonly stageVariables: Record<string, string>;
  /** `$context.authorizer.*` (principalId and the context), when an authorizer ran. */
  readonly authorizer?: Record<string, string>;
  /** `$context.identity.*` of an IAM-signed request. */
  readonly identity?: Record<string, string>;
  readonly apiKey?: string;
  readonly apiKeyId?: string;
}

export interface NativeResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly type: string;
}

/** A message overriding the type's default (`$context.error.message`); null renders `null` in messageString. */
export type ErrorMessage = string | null;

/** `$context.<name>` of a native response; undefined when unknown. */
function contextValue(name: string, ctx: NativeContext, type: string, message: ErrorMessage): string | undefined {
  if (name.startsWith('authorizer.')) { return ctx.authorizer?.[name.slice('authorizer.'.length)] ?? ''; }
  if (name.startsWith('identity.')) {
    const key = name.slice('identity.'.length);
    if (key === 'sourceIp') { return ctx.sourceIp; }
    if (key === 'userAgent') { return ctx.userAgent; }
    if (key === 'apiKey') { return ctx.apiKey ?? ''; }
    if (key === 'apiKeyId') { return ctx.apiKeyId ?? ''; }
    return ctx.identity?.[key] ?? '';
  }
  switch (name) {
    case 'requestId': return ctx.requestId;
    case 'extendedRequestId': return ctx.extendedRequestId;
    case 'apiId': return ctx.apiId;
    case 'accountId': return ctx.accountId;
    case 'stage': return ctx.stage;
    case 'httpMethod': return ctx.httpMethod;
    case 'path': return `/${ctx.stage}${ctx.path}`;
    case 'resourcePath': return ctx.resourcePath;
    case 'resourceId': return ctx.resourceId;
    case 'domainName': return ctx.domainName;
    case 'domainPrefix': return ctx.domainPrefix;
    case 'deploymentId': return ctx.deploymentId;
    case 'requestTime': return ctx.requestTime;
    case 'requestTimeEpoch': return String(ctx.requestTimeEpoch);
    case 'protocol': return ctx.protocol;
    case 'error.message': return message ?? '';
    case 'error.messageString': return message === null ? 'null' : JSON.stringify(message);
    case 'error.responseType': return type;
    case 'error.validationErrorString': return '';
    default: return undefined;
  }
}

// `$context.` / `$stageVariables.` and dotted segments; the first takes no `-` (`$context.requestId-x` is the
// variable then `-x`), later ones may (authorizer keys). `${context.name}` is read too.
const VARIABLE = /\$(?:\{(context|stageVariables)\.([A-Za-z0-9_.-]+)\}|(context|stageVariables)\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_-]+)*))/g;

/**
 * Substitutes `$context.*` / `$stageVariables.*` in a gateway-response template (one pass), as API
 * Gateway does: every value as it is, whatever the content type (`error.messageString` is a JSON
 * string by definition).
 */
export function renderTemplate(template: string, ctx: NativeContext, type: string, message: ErrorMessage): string {
  return template.replace(VARIABLE, (_whole, braceRoot: string | undefined, braceName: string | undefined, root: string | undefined, name: string | undefined) => {
    const r = braceRoot ?? root!;
    const n = braceName ?? name!;
    if (r === 'stageVariables') { return ctx.stageVariables[n] ?? ''; }
    return contextValue(n, ctx, type, message) ?? '';
  });
}

function lookup(pairs: ReadonlyArray<readonly [string, string]>, name: string, caseInsensitive: boolean): string[] {
  const wanted = caseInsensitive ? name.toLowerCase() : name;
  return pairs.filter(([n]) => (caseInsensitive ? n.toLowerCase() : n) === wanted).map(([, v]) => v);
}

/** A header mapping expression's value ('' when it names nothing). */
export function mappingValue(expression: string, ctx: NativeContext, type: string, message: ErrorMessage): string {
  const quoted = /^'(.*)'$/s.exec(expression);
  if (quoted) { return quoted[1]; }
  let m = /^method\.request\.(header|querystring|path|multivalueheader|multivaluequerystring)\.(.+)$/.exec(expression);
  if (m) {
    const [, where, name] = m;
    switch (where) {
      case 'header': { const v = lookup(ctx.headers, name, true); return v.length > 0 ? v[v.length - 1] : ''; }
      case 'multivalueheader': return lookup(ctx.headers, name, true).join(',');
      case 'querystring': { const v = lookup(ctx.query, name, false); return v.length > 0 ? v[v.length - 1] : ''; }
      case 'multivaluequerystring': return lookup(ctx.query, name, false).join(',');
      default: return ctx.pathParameters?.[name] ?? '';
    }
  }
  m = /^context\.(.+)$/.exec(expression);
  if (m) { return contextValue(m[1], ctx, type, message) ?? ''; }
  m = /^stageVariables\.(.+)$/.exec(expression);
  if (m) { return ctx.stageVariables[m[1]] ?? ''; }
  return '';
}

/** Renders API Gateway's own response of `type` from the REST API's gateway responses. */
export function renderNativeResponse(
  responses: ReadonlyMap<string, GatewayResponseModel>,
  type: string,
  ctx: NativeContext,
  message?: ErrorMessage,
): NativeResponse {
  const info = NATIVE_TYPES[type] ?? NATIVE_TYPES.DEFAULT_5XX;
  const text = message === undefined ? info.message : message;
  const family = info.status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
  // API Gateway does not support customising REQUEST_TOO_LARGE (important notes for REST APIs,
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html):
  // neither its own response nor DEFAULT_4XX applies, AWS's default body and headers do.
  const customisable = !UNCUSTOMISABLE_TYPES.has(type);
  const own = customisable ? responses.get(type) : undefined;
  const fallback = !customisable || type === family ? undefined : responses.get(family);
  const chosen = own ?? fallback;
  const statusText = own?.statusCode ?? fallback?.statusCode;
  const status = statusText !== undefined && /^[1-5]\d\d$/.test(statusText) ? Number(statusText) : info.status;

  const templates = chosen?.templates ?? {};
  const contentType = templates['application/json'] !== undefined ? 'application/json' : (Object.keys(templates)[0] ?? 'application/json');
  const template = templates[contentType] ?? '{"message":$context.error.messageString}';
  const body = renderTemplate(template, ctx, type, text);

  const headers: Record<string, string> = {
    'Content-Type': contentType,
  };
  for (const [key, expression] of Object.entries(chosen?.parameters ?? {})) {
    const m = /^gatewayresponse\.header\.(.+)$/.exec(key);
    if (!m) { continue; }
    const value = mappingValue(expression, ctx, type, text);
    if (value !== '') { headers[m[1]] = value; }
  }
  headers['x-amzn-RequestId'] = ctx.requestId;
  headers['x-amzn-ErrorType'] = info.errorType;
  return { status, headers, body, type };
}
