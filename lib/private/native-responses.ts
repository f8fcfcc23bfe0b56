import { CorsOptions } from '../cors';
import type { GatewayResponse } from '../gateway-response';
import { ResponseType } from '../response-type';
import { setOwn } from './own-keys';
import { authorizerContextKey, parseTemplate, VariableRef, variableName } from './template';

/**
 * Translation of the group's `default` response into API Gateway's own gateway responses, for
 * the errors API Gateway answers before the proxy runs (throttling, IAM, payload size, ...).
 * Gateway-response templates are plain substitution, not VTL, so a few variables degrade.
 */

/** One AWS gateway response, ready for `RestApi.addGatewayResponse`. */
export interface NativeResponse {
  readonly awsType: string;
  readonly responseType: ResponseType;
  readonly statusCode?: string;
  /** Header name → mapping expression or quoted literal. */
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Variables API Gateway cannot render as written in a gateway-response body: they render empty,
 * differently, or (`$context.error.message` inside a longer JSON string) as the type's fixed message.
 */
export function degradedVariables(template: string): string[] {
  const parsed = parseTemplate(template);
  const wholeStrings = wholeStringVariables(parsed);
  return parsed.variables
    .filter((v, i) => (v.kind === 'context' && ['apiId', 'apiName', 'reqPath', 'reqUri'].includes(v.name))
      || (v.kind === 'authorizer' && v.source === 'backend')
      || (v.kind === 'context' && v.name === 'error.message' && !wholeStrings[i]))
    .map(variableName)
    .filter((name, i, all) => all.indexOf(name) === i);
}

/**
 * For each variable of a (valid JSON) template, whether it is the whole content of its JSON
 * string (`"$context.error.message"`) rather than part of a longer one (`"msg: $context.error.message"`).
 * Variables hold no quote or backslash, so the template can be scanned as written.
 */
function wholeStringVariables(parsed: ReturnType<typeof parseTemplate>): boolean[] {
  const whole: boolean[] = [];
  let text = '';
  parsed.variables.forEach((ref, i) => {
    text += parsed.texts[i];
    whole.push(stringOpensAtEnd(text) && parsed.texts[i + 1].startsWith('"'));
    text += variableName(ref);
  });
  return whole;
}

/** True when the last character of `json` (a JSON prefix) is the opening quote of a string. */
function stringOpensAtEnd(json: string): boolean {
  let inString = false;
  let opened = -1;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === '\\') { i++; } else if (c === '"') { inString = false; }
    } else if (c === '"') {
      inString = true;
      opened = i;
    }
  }
  return inString && opened === json.length - 1;
}

/** `$context...` text for a body template, or a literal (already JSON-safe) for static values. */
function bodyText(ref: VariableRef, type: ResponseType, awsType: string): string {
  switch (ref.kind) {
    case 'stageVariable': return `$stageVariables.${ref.name}`;
    case 'authorizer': return ref.source === 'frontend' ? `$context.authorizer.${authorizerContextKey(ref.key)}` : '';
    case 'context': {
      const mapped = contextMapping(ref.name, type, awsType);
      return mapped.expression ? `$${mapped.expression}` : jsonEscape(mapped.literal);
    }
  }
}

/** How a `$context.<name>` variable exists natively: an expression, or a literal (maybe empty). */
function contextMapping(name: string, type: ResponseType, awsType: string): { expression?: string; literal: string } {
  switch (name) {
    case 'requestId': return { expression: 'context.requestId', literal: '' };
    case 'stage': return { expression: 'context.stage', literal: '' };
    case 'sourceIp': return { expression: 'context.identity.sourceIp', literal: '' };
    // API Gateway's $context.path starts with the stage: the closest it has (a degradation, warned about).
    case 'reqPath':
    case 'reqUri': return { expression: 'context.path', literal: '' };
    case 'reqMethod': return { expression: 'context.httpMethod', literal: '' };
    case 'appId': return { expression: 'context.authorizer.appId', literal: '' };
    case 'appName': return { expression: 'context.authorizer.appName', literal: '' };
    case 'error.message': return { expression: 'context.error.message', literal: '' };
    case 'error.code': return { literal: nativeErrorCode(type, awsType) };
    case 'error.type': return { literal: type.name };
    default: return { literal: '' }; // apiId, apiName: no API is known to API Gateway's own errors
  }
}

/** Error code of a native response: IAM (SigV4) failures use Huawei's IAM code. */
function nativeErrorCode(type: ResponseType, awsType: string): string {
  const iam = ['MISSING_AUTHENTICATION_TOKEN', 'INVALID_SIGNATURE', 'EXPIRED_TOKEN'].includes(awsType);
  return iam && type.iamErrorCode ? type.iamErrorCode : type.defaultErrorCode;
}

function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * Body template in API Gateway's syntax. API Gateway substitutes values as they are (no JSON
 * escaping), so the message, which may quote the request, is `$context.error.messageString`:
 * AWS's message as a JSON string, quotes included, replacing the whole `"$context.error.message"`.
 * Inside a longer JSON string that cannot be expressed: the type's fixed message is written there.
 */
export function translateBody(body: string, type: ResponseType, awsType: string): string {
  const parsed = parseTemplate(body);
  const wholeStrings = wholeStringVariables(parsed);
  let out = parsed.texts[0];
  parsed.variables.forEach((ref, i) => {
    let next = parsed.texts[i + 1];
    if (ref.kind === 'context' && ref.name === 'error.message') {
      if (wholeStrings[i]) {
        out = out.slice(0, -1) + '$context.error.messageString';
        next = next.slice(1);
      } else {
        out += jsonEscape(type.defaultErrorMessage);
      }
    } else {
      out += bodyText(ref, type, awsType);
    }
    out += next;
  });
  return out;
}

/**
 * A header value in API Gateway's syntax: a single variable becomes a mapping expression,
 * anything else a quoted literal (variables inside text cannot be expressed: they render empty,
 * except the static code and type). Returns undefined when nothing would be sent.
 */
export function translateHeader(value: string, type: ResponseType, awsType: string): string | undefined {
  const parsed = parseTemplate(value);
  if (parsed.variables.length === 1 && parsed.texts[0] === '' && parsed.texts[1] === '') {
    const ref = parsed.variables[0];
    if (ref.kind === 'stageVariable') { return `stageVariables.${ref.name}`; }
    if (ref.kind === 'authorizer') { return ref.source === 'frontend' ? `context.authorizer.${authorizerContextKey(ref.key)}` : undefined; }
    const mapped = contextMapping(ref.name, type, awsType);
    if (mapped.expression) { return mapped.expression; }
    return mapped.literal === '' ? undefined : quote(mapped.literal);
  }
  let out = parsed.texts[0];
  parsed.variables.forEach((ref, i) => {
    const mapped = ref.kind === 'context' ? contextMapping(ref.name, type, awsType) : { literal: '' };
    out += (mapped.expression ? '' : mapped.literal) + parsed.texts[i + 1];
  });
  return out === '' ? undefined : quote(out);
}

/** True when a header value cannot be rendered natively as written. */
export function headerDegrades(value: string): boolean {
  const parsed = parseTemplate(value);
  if (parsed.variables.length === 0) { return value.includes('\''); }
  const single = parsed.variables.length === 1 && parsed.texts[0] === '' && parsed.texts[1] === '';
  if (single) { return degradedVariables(value).length > 0; }
  return parsed.variables.some(v => !(v.kind === 'context' && (v.name === 'error.code' || v.name === 'error.type')));
}

// API Gateway literals sit in single quotes and cannot contain one.
function quote(literal: string): string {
  return `'${literal.replace(/'/g, '')}'`;
}

/** CORS headers for native responses (gateway responses cannot compare origins: several are echoed). */
export function nativeCorsHeaders(cors: CorsOptions | undefined): Record<string, string> {
  if (!cors) { return {}; }
  const headers: Record<string, string> = {};
  const origins = cors.allowOrigins;
  if (origins.length === 1) {
    headers['Access-Control-Allow-Origin'] = quote(origins[0]);
    if (origins[0] !== '*') { headers.Vary = quote('Origin'); }
  } else {
    headers['Access-Control-Allow-Origin'] = 'method.request.header.Origin';
    headers.Vary = quote('Origin');
  }
  if (cors.allowCredentials) { headers['Access-Control-Allow-Credentials'] = quote('true'); }
  const expose = cors.exposeHeaders ?? ['X-Request-Id'];
  if (expose.length > 0) { headers['Access-Control-Expose-Headers'] = quote(expose.join(',')); }
  return headers;
}

/**
 * The AWS gateway responses translated from `response` (the group's `default`): 20 of AWS's 21
 * types. REQUEST_TOO_LARGE is never written: API Gateway documents that customising the default
 * 413 REQUEST_TOO_LARGE response is not supported (important notes for REST APIs,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html), so a
 * payload over 10 MB gets AWS's own `{"message":"Request Too Long"}` whatever the document says.
 */
export function nativeResponses(response: GatewayResponse, cors: CorsOptions | undefined): NativeResponse[] {
  const corsHeaders = nativeCorsHeaders(cors);
  const out: NativeResponse[] = [];
  for (const [awsType, typeName] of Object.entries(ResponseType.awsTypeMapping())) {
    const type = ResponseType.of(typeName);
    const rule = response.ruleFor(type);
    const headers: Record<string, string> = { ...corsHeaders };
    for (const [name, value] of Object.entries(rule.headers)) {
      const translated = translateHeader(value, type, awsType);
      if (translated !== undefined) { setOwn(headers, name, translated); }
    }
    // `context.requestId` is NOT among the sources AWS documents for a gateway response's header
    // mappings (x-amazon-apigateway-gateway-responses.responseParameters: "from the incoming request
    // parameters or using literal strings"; only method.request.* and 'literal' are shown), and no
    // export of API Gateway's own nor a deployed public template proving that it imports was found
    // (only CDK/Terraform code that writes it). Kept for now, stated in the README; the documented
    // alternative is no header: API Gateway adds its id to its own answers as x-amzn-RequestId and
    // the default body carries it (request_id).
    headers['X-Request-Id'] = 'context.requestId';
    out.push({
      awsType,
      responseType: type,
      statusCode: rule.statusCode !== undefined ? String(rule.statusCode) : undefined,
      headers,
      body: translateBody(rule.body, type, awsType),
    });
  }
  return out.sort((a, b) => a.awsType.localeCompare(b.awsType));
}
