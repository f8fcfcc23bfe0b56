/**
 * Requests behind a custom domain, through the built proxy and authorizer: `event.path` then
 * carries the base-path mapping (`/payment/subscriptions/123` for the API's `/subscriptions/{id}`),
 * while `resource` and `pathParameters` (percent-encoded as sent) do not. Both handlers route on
 * the path relative to the REST API's root.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as fc from 'fast-check';
import { apiRelativePath } from '../../lib/runtime/proxy/api-path';
import { authorizerEventFor, proxyEvent } from '../support/events';
import { closeAllServers, EchoBody, echoServer, TestServer } from '../support/http-servers';
import { cleanWorkDirs, LoadedAuthorizer, loadAuthorizerAsset, LoadedProxy, loadProxyAsset } from '../support/proxy-harness';
import { document, http } from './documents';
import { captureLogs, json } from './helpers';

const DOMAIN = 'api.example.com';

interface Through {
  /** The base path of the mapping, without slashes (`payment`, `v1/payment`); '' for none. */
  readonly basePath: string;
  /** The API Gateway resource that matched: `/{proxy+}` (catch-all), `/` or an API's own path. */
  readonly resource: string;
  /** `pathParameters` as API Gateway sends them (percent-encoded as the client sent them). */
  readonly pathParameters: Record<string, string> | null;
  readonly method?: string;
  readonly query?: Record<string, string>;
}

/** The event API Gateway sends for `relative` (the path below the base path) on the custom domain. */
function customDomainEvent(relative: string, through: Through): APIGatewayProxyEvent {
  const base = proxyEvent({ method: through.method, path: relative, query: through.query, headers: { Host: DOMAIN } });
  const path = through.basePath === '' ? relative : `/${through.basePath}${relative === '/' ? '' : relative}`;
  return {
    ...base,
    path,
    resource: through.resource,
    pathParameters: through.pathParameters,
    requestContext: { ...base.requestContext, path, domainName: DOMAIN, domainPrefix: 'api', resourcePath: through.resource },
  };
}

const catchAll = (relative: string, basePath = 'payment'): Through =>
  ({ basePath, resource: relative === '/' ? '/' : '/{proxy+}', pathParameters: relative === '/' ? null : { proxy: relative.slice(1) } });

let echo: TestServer;
let proxy: LoadedProxy;
let authorizer: LoadedAuthorizer;

beforeAll(async () => {
  echo = await echoServer();
  const doc = document({
    apis: [
      { method: 'GET', path: '/' },
      { method: 'GET', path: '/subscriptions/{id}' },
      { method: 'GET', path: '/payment/{id}' },
      { method: 'GET', path: '/files/{key+}', backend: http(`${echo.url}/store/{key}`) },
      { id: 'secured', method: 'GET', path: '/secured/{id}', auth: { type: 'APP', apps: ['mobile'] } },
    ],
    apps: { mobile: { id: 'app-mobile', name: 'Mobile', secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:mobile' } },
    defaultRules: { NOT_FOUND: { body: '{"path":"$context.reqPath","uri":"$context.reqUri"}' } },
  });
  captureLogs();
  proxy = await loadProxyAsset(doc);
  authorizer = loadAuthorizerAsset(doc);
  jest.restoreAllMocks();
});
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  await closeAllServers();
  cleanWorkDirs();
});

async function routed(event: APIGatewayProxyEvent): Promise<string> {
  const r = await proxy.invoke(event);
  return r.statusCode === 200 ? r.body : `${r.statusCode} ${JSON.stringify(json(r))}`;
}

test.each(['payment', 'v1/payment', ''])('base path "%s": the catch-all routes on the path below it', async basePath => {
  // why: behind a base-path mapping event.path carries the base path, and every request was NOT_FOUND
  expect(await routed(customDomainEvent('/subscriptions/123', catchAll('/subscriptions/123', basePath)))).toBe('GET /subscriptions/{id}');
  expect(await routed(customDomainEvent('/', catchAll('/', basePath)))).toBe('GET /');
  expect(await routed(customDomainEvent('/nothing', catchAll('/nothing', basePath)))).toBe('404 {"path":"/nothing","uri":"/nothing"}');
});

test('an API\'s own resource behind a base path, and a base path that looks like an API path', async () => {
  const own: Through = { basePath: 'payment', resource: '/subscriptions/{id}', pathParameters: { id: '123' } };
  expect(await routed(customDomainEvent('/subscriptions/123', own))).toBe('GET /subscriptions/{id}');
  // `/payment/payment/7` under the mapping `payment` is the API's `/payment/{id}`, not `/subscriptions/...`.
  expect(await routed(customDomainEvent('/payment/7', catchAll('/payment/7')))).toBe('GET /payment/{id}');
  // `/payment/7` with no mapping is `/payment/{id}` too: the parameters say where the API path starts.
  expect(await routed(customDomainEvent('/payment/7', catchAll('/payment/7', '')))).toBe('GET /payment/{id}');
});

test('a trailing slash is kept out of the way', async () => {
  const through: Through = { basePath: 'payment', resource: '/{proxy+}', pathParameters: { proxy: 'subscriptions/9/' } };
  expect(await routed(customDomainEvent('/subscriptions/9/', through))).toBe('GET /subscriptions/{id}');
});

test('percent-encoding survives: a %2F inside a greedy segment reaches the backend as sent', async () => {
  const event = customDomainEvent('/files/a%2Fb/c%20d', catchAll('/files/a%2Fb/c%20d', 'v1/payment'));
  const r = await proxy.invoke(event);
  expect(r.statusCode).toBe(200);
  expect((JSON.parse(r.body) as EchoBody).url).toBe('/store/a%2Fb/c%20d');
});

test('parameter values that a tool decoded are recognised too', async () => {
  const through: Through = { basePath: 'payment', resource: '/{proxy+}', pathParameters: { proxy: 'files/a/b/c d' } };
  const r = await proxy.invoke(customDomainEvent('/files/a%2Fb/c%20d', through));
  expect((JSON.parse(r.body) as EchoBody).url).toBe('/store/a%2Fb/c%20d');
});

test('$context.reqPath and reqUri show the path below the base path', async () => {
  // why: a response template should not depend on the domain the client used
  const r = await proxy.invoke(customDomainEvent('/nothing/here', { ...catchAll('/nothing/here', 'v1/payment'), query: { q: '1' } }));
  expect(r.statusCode).toBe(404);
  expect(json(r)).toEqual({ path: '/nothing/here', uri: '/nothing/here?q=1' });
});

test('events without a resource (test console, hand-made) route on event.path', async () => {
  const event = { ...proxyEvent({ path: '/subscriptions/5' }), resource: undefined, pathParameters: undefined } as unknown as APIGatewayProxyEvent;
  expect(await routed(event)).toBe('GET /subscriptions/{id}');
  const noPath = { ...proxyEvent({ path: '/x' }), path: undefined, resource: '/subscriptions/{id}', pathParameters: { id: '6' } } as unknown as APIGatewayProxyEvent;
  expect(await routed(noPath)).toBe('GET /subscriptions/{id}');
});

test('the built authorizer routes a custom-domain request to the same API as the proxy', async () => {
  // why: an authorizer that saw no API would hand over an ok verdict for nothing, and the proxy would refuse every call
  const event = customDomainEvent('/secured/1', catchAll('/secured/1', 'v1/payment'));
  const result = await authorizer.invoke(authorizerEventFor(event));
  expect(result.context).toMatchObject({ apigApi: 'secured', apigVerdict: 'AUTH_HEADER_MISSING' });
  const withVerdict = { ...event, requestContext: { ...event.requestContext, authorizer: { principalId: 'x', ...result.context } } };
  const r = await proxy.invoke(withVerdict as APIGatewayProxyEvent);
  expect([r.statusCode, json(r).error_code]).toEqual([401, 'APIG.0303']);
});

// Issue 14 item 7: behind a base path (`/v1/pub//`) the proxy once routed on event.path, base path
// included. Whatever the event's shape, the path routed on never holds the base path.
test('the routed path never carries the custom domain\'s base path (random events behind a base path)', () => {
  const segment = fc.constantFrom('pub', 'orders', '7', '', '%2F', 'a%20b');
  fc.assert(fc.property(
    fc.constantFrom('BASE', 'BASE/LEVEL'),
    fc.array(segment, { maxLength: 4 }),
    fc.constantFrom('', '/', '//'),
    fc.constantFrom('/{proxy+}', '/pub', '/', '/orders/{id}', '/pub/{rest+}'),
    fc.option(fc.array(segment, { maxLength: 3 }).map(s => s.join('/')), { nil: undefined }),
    (base, segments, trailing, resource, value) => {
      const path = `/${base}/${segments.join('/')}${trailing}`;
      const names = [...resource.matchAll(/\{([^}+]+)\+?\}/g)].map(m => m[1]);
      const pathParameters = names.length === 0 ? null : Object.fromEntries(names.map(n => [n, value ?? 'x']));
      expect(apiRelativePath({ path, resource, pathParameters } as any)).not.toMatch(/BASE|LEVEL/);
    }), { numRuns: 2000, seed: 7 });
});
