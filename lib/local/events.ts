/**
 * API Gateway REST proxy events (payload 1.0) and REQUEST authorizer events of the real shape,
 * modelled on the captured sample aws-powertools/powertools-lambda-typescript
 * `packages/parser/tests/events/apigw-rest/no-auth.json` and AWS-DG
 * `api-gateway-lambda-authorizer-input.md`:
 * - `headers` (last value wins) and `multiValueHeaders` (all values), both keyed as sent;
 * - query maps `null` (not `{}`) when there is no query;
 * - `path` without the stage, still percent-encoded; `requestContext.path` with it (`/RELEASE/...`)
 *   on the execute-api endpoint (behind a custom domain both carry the base path: custom-domain.ts);
 * - `body` null or a string, base64 when `isBase64Encoded`;
 * - `resource` / `resourcePath` / `pathParameters` of the matched API Gateway resource.
 *
 * `buildProxyEvent` is what the local gateway sends for a request; `proxyEvent` builds one from
 * a few options with the fixed identity of a recorded request (the runtime tests' fixture).
 */
import { keyed } from '../private/own-keys';

/** A REST proxy event; fields as API Gateway sends them. */
export interface RestProxyEvent {
  resource: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: Record<string, string> | null;
  stageVariables: Record<string, string> | null;
  requestContext: Record<string, unknown> & { stage: string; requestId: string };
  body: string | null;
  isBase64Encoded: boolean;
}

/** `requestContext.identity` of a request API Gateway did not authenticate with IAM. */
function anonymousIdentity(sourceIp: string, userAgent: string | null): Record<string, unknown> {
  return {
    cognitoIdentityPoolId: null,
    accountId: null,
    cognitoIdentityId: null,
    caller: null,
    sourceIp,
    principalOrgId: null,
    accessKey: null,
    cognitoAuthenticationType: null,
    cognitoAuthenticationProvider: null,
    userArn: null,
    userAgent,
    user: null,
    apiKey: null,
    apiKeyId: null,
    clientCert: null,
  };
}

/** Everything a proxy event is made of. */
export interface RequestFacts {
  readonly method: string;
  /** `event.path`: the path without the stage, still percent-encoded. */
  readonly path: string;
  /** `requestContext.path`. @default `/<stage><path>` (the execute-api endpoint) */
  readonly contextPath?: string;
  /** Headers in the order received, names as sent; a repeated header appears several times. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Query parameters in order, decoded. */
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** The body, or undefined when the request has none. */
  readonly body?: Buffer;
  /** Send the body base64-encoded (its media type is one of the REST API's binary media types). */
  readonly binary: boolean;
  readonly stage: string;
  readonly stageVariables: Record<string, string> | null;
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly sourceIp: string;
  /** The matched resource's path template, e.g. `/orders/{id}`, and its id. */
  readonly resource: string;
  readonly resourceId: string;
  readonly pathParameters: Record<string, string> | null;
  readonly apiId: string;
  readonly accountId: string;
  readonly domainName: string;
  readonly domainPrefix: string;
  readonly deploymentId: string;
  readonly requestTimeEpoch: number;
  readonly protocol: string;
  /** IAM identity fields (accessKey, userArn, caller, ...) when the request was signed. */
  readonly identity?: Record<string, unknown>;
  /** `requestContext.authorizer`, after a Lambda authorizer allowed the request. */
  readonly authorizer?: Record<string, unknown>;
  /** Group headers by exact name rather than case-insensitively (fixture events built from a record). */
  readonly exactHeaderNames?: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `17/Jun/2024:14:48:13 +0000`, API Gateway's `requestTime` format. */
export function requestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** Single-value (last wins) and multi-value maps; names grouped case-insensitively under their first spelling. */
export function multiMap(pairs: ReadonlyArray<readonly [string, string]>, caseInsensitive: boolean): {
  single: Record<string, string>; multi: Record<string, string[]>;
} {
  // Without a prototype: a header or query parameter named `__proto__` is data.
  const single: Record<string, string> = keyed();
  const multi: Record<string, string[]> = keyed();
  const spelling = new Map<string, string>();
  for (const [name, value] of pairs) {
    const key = caseInsensitive ? name.toLowerCase() : name;
    let as = spelling.get(key);
    if (as === undefined) { as = name; spelling.set(key, name); multi[as] = []; }
    multi[as].push(value);
    single[as] = value;
  }
  return { single, multi };
}

function headerOf(pairs: ReadonlyArray<readonly [string, string]>, lowerName: string): string | undefined {
  let found: string | undefined;
  for (const [name, value] of pairs) { if (name.toLowerCase() === lowerName) { found = value; } }
  return found;
}

/** The proxy event API Gateway sends for a request. */
export function buildProxyEvent(f: RequestFacts): RestProxyEvent {
  const headers = multiMap(f.headers, !f.exactHeaderNames);
  const userAgent = f.exactHeaderNames ? headers.single['User-Agent'] : headerOf(f.headers, 'user-agent');
  const query = multiMap(f.query, false);
  const hasQuery = f.query.length > 0;
  let body: string | null = null;
  if (f.body !== undefined) { body = f.binary ? f.body.toString('base64') : f.body.toString('utf8'); }
  return {
    resource: f.resource,
    path: f.path,
    httpMethod: f.method,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: hasQuery ? query.single : null,
    multiValueQueryStringParameters: hasQuery ? query.multi : null,
    pathParameters: f.pathParameters,
    stageVariables: f.stageVariables,
    requestContext: {
      resourceId: f.resourceId,
      resourcePath: f.resource,
      httpMethod: f.method,
      extendedRequestId: f.extendedRequestId,
      requestTime: requestTime(f.requestTimeEpoch),
      path: f.contextPath ?? `/${f.stage}${f.path}`,
      accountId: f.accountId,
      protocol: f.protocol,
      stage: f.stage,
      domainPrefix: f.domainPrefix,
      requestTimeEpoch: f.requestTimeEpoch,
      requestId: f.requestId,
      identity: { ...anonymousIdentity(f.sourceIp, userAgent ?? null), ...(f.identity ?? {}) },
      domainName: f.domainName,
      deploymentId: f.deploymentId,
      apiId: f.apiId,
      ...(f.authorizer ? { authorizer: f.authorizer } : {}),
    },
    body,
    isBase64Encoded: body !== null && f.binary,
  };
}

/** The method ARN API Gateway gives an authorizer: `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}`. */
export function methodArnFor(region: string, account: string, apiId: string, stage: string, method: string, path: string): string {
  return `arn:aws:execute-api:${region}:${account}:${apiId}/${stage}/${method}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * The REQUEST authorizer event API Gateway sends for a request (AWS-DG
 * `api-gateway-lambda-authorizer-input.md`): the proxy event's request fields, `type: "REQUEST"`
 * and `methodArn`, and a `requestContext` without `authorizer`.
 */
export function requestAuthorizerEvent(proxy: RestProxyEvent, methodArn: string): Record<string, unknown> {
  const { authorizer: _omitted, ...requestContext } = proxy.requestContext;
  return {
    type: 'REQUEST',
    methodArn,
    resource: proxy.resource,
    path: proxy.path,
    httpMethod: proxy.httpMethod,
    headers: proxy.headers,
    multiValueHeaders: proxy.multiValueHeaders,
    queryStringParameters: proxy.queryStringParameters,
    multiValueQueryStringParameters: proxy.multiValueQueryStringParameters,
    pathParameters: proxy.pathParameters,
    stageVariables: proxy.stageVariables,
    requestContext,
  };
}

// ---------------------------------------------------------------------------------------------
// Events from a few options, with the identity of a recorded request (the runtime tests' fixture).

export interface EventOptions {
  readonly method?: string;
  /** Path without the stage, as API Gateway sends it (percent-encoded). Default `/`. */
  readonly path?: string;
  /** Query parameters; an array gives a repeated parameter. */
  readonly query?: Record<string, string | string[]>;
  /** Request headers, added to the ones API Gateway always sends; an array gives a repeated header. */
  readonly headers?: Record<string, string | string[]>;
  /** Replace API Gateway's usual headers instead of adding to them. */
  readonly onlyTheseHeaders?: boolean;
  /** A string is sent as text; a Buffer base64-encoded with `isBase64Encoded: true`. */
  readonly body?: string | Buffer;
  readonly stage?: string;
  readonly stageVariables?: Record<string, string> | null;
  readonly requestId?: string;
  readonly sourceIp?: string;
  /** `requestContext.authorizer` (a Lambda authorizer's context). */
  readonly authorizer?: Record<string, string | number | boolean>;
  /** Signed with IAM (SigV4): `requestContext.identity` gets the caller's ARN and access key, as API Gateway sets them. */
  readonly iam?: boolean;
}

/** The IAM identity API Gateway puts in `requestContext.identity` of a SigV4-signed request. */
export const IAM_IDENTITY = {
  accountId: '123456789012',
  caller: 'AIDAEXAMPLECALLER',
  user: 'AIDAEXAMPLECALLER',
  userArn: 'arn:aws:iam::123456789012:user/caller',
  accessKey: 'AKIAEXAMPLEACCESS',
} as const;

let counter = 0;

/** A fresh, recognisable request id: `req-<n>-<random>`. */
export function newRequestId(): string {
  counter += 1;
  return `req-${counter}-${Math.random().toString(16).slice(2, 10)}`;
}

const DEFAULT_HEADERS: Record<string, string> = {
  'Accept': '*/*',
  'Accept-Encoding': 'gzip, deflate',
  'CloudFront-Forwarded-Proto': 'https',
  'CloudFront-Viewer-Country': 'GB',
  'Host': 'abc123defg.execute-api.eu-west-1.amazonaws.com',
  'User-Agent': 'HTTPie/3.2.2',
  'Via': '1.1 49c0c4776e390b983c9f9f5365e3140c.cloudfront.net (CloudFront)',
  'X-Amz-Cf-Id': 'x9VncJ8IMo4X5UQEL8-Xg94vWwwuokofx236RgW1CrFCTh9DnPrgJA==',
  'X-Amzn-Trace-Id': 'Root=1-66704cad-0fbaf1491365339d168b2a7d',
  'X-Forwarded-For': '15.248.3.126, 130.176.209.21',
  'X-Forwarded-Port': '443',
  'X-Forwarded-Proto': 'https',
};

/** The REST API's id, region and account in the fixture events. */
const REST_API_ID = 'abc123defg';
const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';

function pairs(input: Record<string, string | string[]>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(input)) {
    for (const v of Array.isArray(value) ? value : [value]) { out.push([key, v]); }
  }
  return out;
}

/**
 * The path a catch-all route (`/{proxy+}`) reports: resource and pathParameters. REST APIs pass
 * path parameters as the client encoded them (AWS-recorded events in test/fixtures/events).
 */
function catchAll(path: string): { resource: string; pathParameters: Record<string, string> | null } {
  const rest = path.replace(/^\/+/, '');
  if (rest === '') { return { resource: '/', pathParameters: null }; }
  return { resource: '/{proxy+}', pathParameters: { proxy: rest } };
}

/** A proxy event for the catch-all route of the fixture REST API. */
export function proxyEvent(options: EventOptions = {}): RestProxyEvent {
  const headerInput = options.onlyTheseHeaders ? { ...(options.headers ?? {}) } : { ...DEFAULT_HEADERS, ...(options.headers ?? {}) };
  const path = options.path ?? '/';
  const { resource, pathParameters } = catchAll(path);
  const event = buildProxyEvent({
    method: options.method ?? 'GET',
    path,
    headers: pairs(headerInput),
    query: pairs(options.query ?? {}),
    body: options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8'),
    binary: Buffer.isBuffer(options.body),
    stage: options.stage ?? 'RELEASE',
    stageVariables: options.stageVariables ?? null,
    requestId: options.requestId ?? newRequestId(),
    extendedRequestId: 'ZhDrKF5dDoEEHfA=',
    sourceIp: options.sourceIp ?? '15.248.3.126',
    resource,
    resourceId: '3nq1cq',
    pathParameters,
    apiId: REST_API_ID,
    accountId: ACCOUNT,
    domainName: `${REST_API_ID}.execute-api.${REGION}.amazonaws.com`,
    domainPrefix: REST_API_ID,
    deploymentId: 'v99qix',
    requestTimeEpoch: 1718635693506,
    protocol: 'HTTP/1.1',
    identity: options.iam ? IAM_IDENTITY : undefined,
    authorizer: options.authorizer ? { principalId: 'user', integrationLatency: 12, ...options.authorizer } : undefined,
    exactHeaderNames: true,
  });
  return event;
}

/** The method ARN of the fixture REST API for a request. */
export function methodArn(method: string, path: string, stage = 'RELEASE'): string {
  return methodArnFor(REGION, ACCOUNT, REST_API_ID, stage, method, path);
}

/** The REQUEST authorizer event for a fixture proxy event. */
export function authorizerEventFor(proxy: RestProxyEvent): Record<string, unknown> {
  return requestAuthorizerEvent(proxy, methodArn(proxy.httpMethod, proxy.path, proxy.requestContext.stage));
}

/** A REQUEST authorizer event built from proxy event options. */
export function authorizerEvent(options: EventOptions = {}): Record<string, unknown> {
  return authorizerEventFor(proxyEvent(options));
}
