/**
 * Builder of API Gateway REST proxy events (payload 1.0) of the real shape, modelled on the
 * captured sample aws-powertools/powertools-lambda-typescript
 * `packages/parser/tests/events/apigw-rest/no-auth.json`:
 * - `headers` (last value wins) and `multiValueHeaders` (all values), both keyed as sent;
 * - query maps `null` (not `{}`) when there is no query;
 * - `path` without the stage, still percent-encoded; `requestContext.path` with it (`/RELEASE/...`);
 * - `body` null or a string, base64 when `isBase64Encoded`;
 * - `resource` / `pathParameters` of the catch-all route, which is how most requests reach the proxy.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';

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

function multiMap(input: Record<string, string | string[]>): { single: Record<string, string>; multi: Record<string, string[]> } {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(input)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0) { continue; }
    multi[key] = values;
    single[key] = values[values.length - 1];
  }
  return { single, multi };
}

/** The path a catch-all route (`/{proxy+}`) reports: resource and pathParameters. */
function catchAll(path: string): { resource: string; pathParameters: Record<string, string> | null } {
  const rest = path.replace(/^\/+/, '');
  if (rest === '') { return { resource: '/', pathParameters: null }; }
  let decoded = rest;
  try { decoded = decodeURIComponent(rest); } catch { /* API Gateway would have refused it; keep raw */ }
  return { resource: '/{proxy+}', pathParameters: { proxy: decoded } };
}

export function proxyEvent(options: EventOptions = {}): APIGatewayProxyEvent {
  const method = options.method ?? 'GET';
  const path = options.path ?? '/';
  const stage = options.stage ?? 'RELEASE';
  const sourceIp = options.sourceIp ?? '15.248.3.126';
  const headerInput = options.onlyTheseHeaders ? { ...(options.headers ?? {}) } : { ...DEFAULT_HEADERS, ...(options.headers ?? {}) };
  const headers = multiMap(headerInput);
  const query = options.query ? multiMap(options.query) : undefined;
  const hasQuery = query !== undefined && Object.keys(query.multi).length > 0;
  let body: string | null = null;
  let isBase64Encoded = false;
  if (typeof options.body === 'string') {
    body = options.body;
  } else if (options.body) {
    body = options.body.toString('base64');
    isBase64Encoded = true;
  }
  const { resource, pathParameters } = catchAll(path);
  const requestTimeEpoch = 1718635693506;
  const event = {
    resource,
    path,
    httpMethod: method,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: hasQuery ? query!.single : null,
    multiValueQueryStringParameters: hasQuery ? query!.multi : null,
    pathParameters,
    stageVariables: options.stageVariables ?? null,
    requestContext: {
      resourceId: '3nq1cq',
      resourcePath: resource,
      httpMethod: method,
      extendedRequestId: 'ZhDrKF5dDoEEHfA=',
      requestTime: '17/Jun/2024:14:48:13 +0000',
      path: `/${stage}${path}`,
      accountId: '123456789012',
      protocol: 'HTTP/1.1',
      stage,
      domainPrefix: 'abc123defg',
      requestTimeEpoch,
      requestId: options.requestId ?? newRequestId(),
      identity: {
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
        userAgent: headers.single['User-Agent'] ?? null,
        user: null,
        apiKey: null,
        apiKeyId: null,
        clientCert: null,
        ...(options.iam ? IAM_IDENTITY : {}),
      },
      domainName: 'abc123defg.execute-api.eu-west-1.amazonaws.com',
      deploymentId: 'v99qix',
      apiId: 'abc123defg',
      ...(options.authorizer ? { authorizer: { principalId: 'user', integrationLatency: 12, ...options.authorizer } } : {}),
    },
    body,
    isBase64Encoded,
  };
  return event as unknown as APIGatewayProxyEvent;
}

/** The REST API's id and region in the events built here. */
const REST_API_ID = 'abc123defg';
const REGION = 'eu-west-1';

/** The method ARN API Gateway gives a REQUEST authorizer: `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}{path}`. */
export function methodArn(method: string, path: string, stage = 'RELEASE'): string {
  return `arn:aws:execute-api:${REGION}:123456789012:${REST_API_ID}/${stage}/${method}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * The REQUEST authorizer event API Gateway sends for a request (AWS-DG
 * `api-gateway-lambda-authorizer-input.md`): the proxy event's request fields, `type: "REQUEST"`
 * and `methodArn`, and a `requestContext` without `authorizer`.
 */
export function authorizerEventFor(proxy: APIGatewayProxyEvent): Record<string, unknown> {
  const { authorizer: _omitted, ...requestContext } = proxy.requestContext as unknown as Record<string, unknown>;
  return {
    type: 'REQUEST',
    methodArn: methodArn(proxy.httpMethod, proxy.path, proxy.requestContext.stage),
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

/** A REQUEST authorizer event built from proxy event options. */
export function authorizerEvent(options: EventOptions = {}): Record<string, unknown> {
  return authorizerEventFor(proxyEvent(options));
}
