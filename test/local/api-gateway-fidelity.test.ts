/**
 * The local gateway's API Gateway layer (lib/local/server.ts) over HTTP, against what AWS was
 * recorded doing (sources in the comments of server.ts, sigv4.ts, trace.ts, custom-domain.ts):
 * the event the integration receives and the answers API Gateway gives itself. The integration is a
 * recorder standing in for the proxy function, so each assertion is about API Gateway's part only;
 * the same behaviour through the real bundled proxy is in api-gateway-fidelity-e2e.test.ts.
 */
import * as http from 'http';
import * as net from 'net';
import { SignatureV4 } from '@smithy/signature-v4';
import { CfnResolver, CfnTemplate } from '../../lib/local/cfn';
import { CustomDomain } from '../../lib/local/custom-domain';
import type { InvokeOutcome } from '../../lib/local/lambda-runner';
import type { RequestLogEntry } from '../../lib/local/log';
import { readRestApi } from '../../lib/local/rest-api';
import { groupHandler } from '../../lib/local/server';
import { NodeSha256 } from './node-sha256';

const API = { Ref: 'Api' };
const ROOT = { 'Fn::GetAtt': ['Api', 'RootResourceId'] };
const PROXY_URI = { 'Fn::Join': ['', ['arn:aws:apigateway:', { Ref: 'AWS::Region' }, ':lambda:path/2015-03-31/functions/', { 'Fn::GetAtt': ['Fn', 'Arn'] }, '/invocations']] };
function method(resourceId: unknown, httpMethod: string, extra: Record<string, unknown> = {}) {
  return {
    Type: 'AWS::ApiGateway::Method',
    Properties: { RestApiId: API, ResourceId: resourceId, HttpMethod: httpMethod, AuthorizationType: 'NONE', Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: PROXY_URI }, ...extra },
  };
}
const CREDENTIALS = { accessKeyId: 'AKIDFIDELITY', secretAccessKey: 'fidelity-secret' };
const TEMPLATE: CfnTemplate = {
  Resources: {
    Fn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs24.x', Handler: 'index.handler' } },
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'shop', BinaryMediaTypes: ['*/*'] } },
    Orders: { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: API, ParentId: ROOT, PathPart: 'orders' } },
    OrderId: { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: API, ParentId: { Ref: 'Orders' }, PathPart: '{id}' } },
    Reports: { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: API, ParentId: ROOT, PathPart: 'reports' } },
    Proxy: { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: API, ParentId: ROOT, PathPart: '{proxy+}' } },
    OrdersAny: method({ Ref: 'Orders' }, 'ANY'),
    OrderIdAny: method({ Ref: 'OrderId' }, 'ANY'),
    ReportsGet: method({ Ref: 'Reports' }, 'GET', { AuthorizationType: 'AWS_IAM' }),
    ProxyAny: method({ Ref: 'Proxy' }, 'ANY'),
    RootAny: method(ROOT, 'ANY'),
    Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: API, StageName: 'RELEASE' } },
    // What a group synthesizes for its `default` response (no status: the original one is kept).
    Default5xx: {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: { RestApiId: API, ResponseType: 'DEFAULT_5XX', ResponseTemplates: { 'application/json': '{"code":"APIG.0601","msg":$context.error.messageString,"type":"$context.error.responseType"}' } },
    },
    Default4xx: {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: { RestApiId: API, ResponseType: 'DEFAULT_4XX', ResponseTemplates: { 'application/json': '{"code":"APIG.0201","msg":$context.error.messageString,"type":"$context.error.responseType"}' } },
    },
    AuthFailure: {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: { RestApiId: API, ResponseType: 'INVALID_SIGNATURE', StatusCode: '401', ResponseTemplates: { 'application/json': '{"code":"APIG.0303","msg":$context.error.messageString}' } },
    },
  },
};

interface Served {
  readonly base: string;
  readonly events: Array<Record<string, any>>;
  readonly entries: RequestLogEntry[];
  readonly notes: string[];
  /** What the integration answers next (default: 200 with a small body). */
  answer: (event: Record<string, any>) => InvokeOutcome;
  close(): Promise<void>;
}

const OK: InvokeOutcome = { ok: true, payload: JSON.stringify({ statusCode: 200, headers: { 'Content-Type': 'text/plain' }, body: 'ok' }), logs: [] };

async function serve(customDomain?: CustomDomain): Promise<Served> {
  const resolver = new CfnResolver(TEMPLATE, { region: 'eu-west-1', account: '111122223333', stackName: 'Shop' });
  const model = readRestApi(TEMPLATE, resolver, 'Api', { stageName: 'RELEASE', seed: 'Shop' });
  const served: Omit<Served, 'base' | 'close'> = { events: [], entries: [], notes: [], answer: () => OK };
  const handler = groupHandler({
    groupName: 'shop', model, region: 'eu-west-1', account: '111122223333', stageVariables: {}, credentials: [CREDENTIALS],
    invoke: async (_arn, event) => {
      const parsed = JSON.parse(event) as Record<string, any>;
      served.events.push(parsed);
      return served.answer(parsed);
    },
    onRequest: entry => served.entries.push(entry),
    onNote: note => served.notes.push(note),
    customDomain,
  });
  const server = http.createServer(handler);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return Object.assign(served as Served, {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()); }),
  });
}

/** A raw HTTP/1.1 request, so that the path is sent exactly as written (fetch would normalise `//`). */
function raw(base: string, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the execute-api endpoint', () => {
  let s: Served;
  beforeAll(async () => { s = await serve(); });
  afterAll(async () => { await s.close(); });
  afterEach(() => { s.answer = () => OK; });

  test('`+` in a query string is a space; `%2B` is a plus (queryStringParameters, multi-value too)', async () => {
    // LocalStack's AWS-validated snapshot: plus=test+alias@gmail.com → "test alias@gmail.com", email=test%2Balias → "test+alias".
    await raw(s.base, 'GET', '/orders/1?plus=test+alias@gmail.com&email=test%2Balias@gmail.com&a+b=1&a+b=2');
    const event = s.events[s.events.length - 1];
    expect(event.queryStringParameters).toEqual({ 'plus': 'test alias@gmail.com', 'email': 'test+alias@gmail.com', 'a b': '2' });
    expect(event.multiValueQueryStringParameters['a b']).toEqual(['1', '2']);
  });

  test('`//` right after the stage is dropped from event.path and routing, kept in requestContext.path; a later `//` is kept', async () => {
    // LocalStack's AWS-validated snapshots: /stage//hardcoded → path /hardcoded, requestContext.path /stage//hardcoded;
    // /stage/proxy-value//double-slash → {proxy+} = proxy-value//double-slash.
    await raw(s.base, 'GET', '//orders/7');
    let event = s.events[s.events.length - 1];
    expect([event.path, event.resource, event.pathParameters, event.requestContext.path]).toEqual(['/orders/7', '/orders/{id}', { id: '7' }, '/RELEASE//orders/7']);
    await raw(s.base, 'GET', '/a//b');
    event = s.events[s.events.length - 1];
    expect([event.path, event.resource, event.pathParameters, event.requestContext.path]).toEqual(['/a//b', '/{proxy+}', { proxy: 'a//b' }, '/RELEASE/a//b']);
  });

  test('path parameters keep the client\'s percent-encoding, as API Gateway sends them', async () => {
    await raw(s.base, 'GET', '/orders/a%2Fb%20c');
    const event = s.events[s.events.length - 1];
    expect([event.path, event.pathParameters]).toEqual(['/orders/a%2Fb%20c', { id: 'a%2Fb%20c' }]);
  });

  test('X-Amzn-Trace-Id: API Gateway\'s in the event, the same on the integration\'s answer; a caller\'s Root is kept', async () => {
    const fresh = await raw(s.base, 'GET', '/orders/1');
    const trace = s.events[s.events.length - 1].headers['X-Amzn-Trace-Id'];
    expect(trace).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    expect(fresh.headers['x-amzn-trace-id']).toBe(trace);
    const root = '1-5e6722a7-cc2a9c1f9c8ea6e4a7c0ff12';
    const continued = await raw(s.base, 'GET', '/orders/1', { 'X-Amzn-Trace-Id': `Root=${root}` });
    const event = s.events[s.events.length - 1];
    expect(event.multiValueHeaders['X-Amzn-Trace-Id']).toEqual([expect.stringMatching(new RegExp(`^Root=${root};Parent=[0-9a-f]{16};Sampled=0$`))]);
    expect(continued.headers['x-amzn-trace-id']).toBe(event.headers['X-Amzn-Trace-Id']);
    // Not on API Gateway's own answers.
    const unsigned = await raw(s.base, 'GET', '/reports');
    expect([unsigned.status, unsigned.headers['x-amzn-trace-id']]).toEqual([403, undefined]);
  });

  test('a function error or a malformed proxy result: 502 rendered from DEFAULT_5XX', async () => {
    // {"message": "Internal server error"} through the DEFAULT_5XX template, x-amzn-ErrorType InternalServerErrorException.
    s.answer = () => ({ ok: false, errorType: 'Error', errorMessage: 'boom', trace: ['at handler (index.js:1:1)'], logs: [] });
    const failed = await raw(s.base, 'GET', '/orders/1');
    expect([failed.status, failed.headers['x-amzn-errortype'], JSON.parse(failed.text)])
      .toEqual([502, 'InternalServerErrorException', { code: 'APIG.0601', msg: 'Internal server error', type: 'DEFAULT_5XX' }]);
    expect(s.notes.some(n => n.includes('Error: boom') && n.includes('index.js:1:1'))).toBe(true);
    s.answer = () => ({ ok: true, payload: '{"statusCode":200,"unexpected":1}', logs: [] });
    const malformed = await raw(s.base, 'GET', '/orders/1');
    expect([malformed.status, JSON.parse(malformed.text).type]).toEqual([502, 'DEFAULT_5XX']);
    expect(s.entries[s.entries.length - 1]).toMatchObject({ status: 502, responseType: 'DEFAULT_5XX' });
  });

  test('an event over Lambda\'s 6 MB: 413 BadRequestException "Request Too Long", AWS\'s own body (REQUEST_TOO_LARGE cannot be customised); the function is not invoked', async () => {
    // 4.6 MB of body is over 6 MB base64-encoded in the event; 4.4 MB is not.
    const before = s.events.length;
    const over = await fetch(`${s.base}/orders/1`, { method: 'POST', body: Buffer.alloc(4.6 * 1024 * 1024, 1) });
    expect([over.status, over.headers.get('x-amzn-errortype'), await over.json()])
      .toEqual([413, 'BadRequestException', { message: 'Request Too Long' }]);
    expect(s.events.length).toBe(before);
    const under = await fetch(`${s.base}/orders/1`, { method: 'POST', body: Buffer.alloc(4.4 * 1024 * 1024, 1) });
    expect(under.status).toBe(200);
    expect(s.events.length).toBe(before + 1);
  });

  test('a SigV4 signature more than 5 minutes old or ahead: INVALID_SIGNATURE with AWS\'s message', async () => {
    const signer = new SignatureV4({ credentials: CREDENTIALS, region: 'eu-west-1', service: 'execute-api', sha256: NodeSha256 });
    const url = new URL(`${s.base}/reports`);
    const sign = async (offsetMs: number) => (await signer.sign(
      { method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/reports', headers: { host: url.host } },
      { signingDate: new Date(Date.now() + offsetMs) },
    )).headers as Record<string, string>;
    const fresh = await raw(s.base, 'GET', '/reports', await sign(-4 * 60_000));
    expect(fresh.status).toBe(200);
    const old = await raw(s.base, 'GET', '/reports', await sign(-6 * 60_000));
    expect([old.status, old.headers['x-amzn-errortype']]).toEqual([401, 'InvalidSignatureException']);
    expect(JSON.parse(old.text).msg).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
    const ahead = await raw(s.base, 'GET', '/reports', await sign(6 * 60_000));
    expect([ahead.status, ahead.headers['x-amzn-errortype']]).toEqual([401, 'InvalidSignatureException']);
    expect(JSON.parse(ahead.text).msg).toMatch(/^Signature not yet current: .* \+ 5 min\.\)$/);
  });
});

describe('behind a custom domain with a base path mapping', () => {
  let s: Served;
  beforeAll(async () => { s = await serve({ domainName: 'api.shop.example.com', basePath: 'v1/payment' }); });
  afterAll(async () => { await s.close(); });

  test('event.path and requestContext.path carry the base path; resource and pathParameters are the API\'s', async () => {
    await raw(s.base, 'GET', '/v1/payment/orders/123?x=1');
    const event = s.events[s.events.length - 1];
    expect(event).toMatchObject({
      path: '/v1/payment/orders/123', resource: '/orders/{id}', pathParameters: { id: '123' },
      requestContext: { path: '/v1/payment/orders/123', resourcePath: '/orders/{id}', stage: 'RELEASE', domainName: 'api.shop.example.com', domainPrefix: 'api' },
    });
    await raw(s.base, 'GET', '/v1/payment');
    expect(s.events[s.events.length - 1]).toMatchObject({ path: '/v1/payment', resource: '/', pathParameters: null });
  });

  test('outside the base path: the domain\'s 403 {"message":"Forbidden"}, no API involved', async () => {
    const before = s.events.length;
    for (const p of ['/orders/1', '/v1/paymentx/orders/1', '/v1', '/']) {
      const r = await raw(s.base, 'GET', p);
      expect([p, r.status, r.headers['x-amzn-errortype'], r.text]).toEqual([p, 403, 'ForbiddenException', '{"message":"Forbidden"}']);
    }
    expect(s.events.length).toBe(before);
  });
});
