/**
 * Issue 14 item 1: an API the REST API's document exposes individually (IAM, its own throttle) is
 * served only when API Gateway matched it on its own resource. API Gateway matches the raw request
 * text; the proxy decodes fixed segments and ignores repeated and trailing slashes. Before the fix,
 * `GET /%6Cimited` or `GET /limited//` arrived on `ANY /{proxy+}` and was served by the throttled
 * API without its throttle, and `GET /reports/%61dmin` signed for `/reports/{id}` reached the IAM
 * API `/reports/admin`.
 *
 * A differential test: random raw paths are matched the way API Gateway matches them (the local
 * gateway's resource matcher over the synthesized document), the event API Gateway would send for
 * that resource goes to the BUILT proxy, and no answer may come from an exposed API whose own
 * resource was not the one matched.
 */
import * as fc from 'fast-check';
import { ApiAuth, Backend, HttpMethod } from '../../lib';
import { CfnResolver } from '../../lib/local/cfn';
import { readRestApi } from '../../lib/local/rest-api';
import { route } from '../../lib/local/router';
import * as path from 'path';
import { authorizerEventFor, proxyEvent } from '../support/events';
import { cleanWorkDirs, LoadedAuthorizer, loadAuthorizerFromDir, LoadedProxy } from '../support/proxy-harness';
import { synthesizeGroup, SynthesizedGroup } from '../support/synth-group';

/** Exposed APIs, by the body their mock answers, with the resource API Gateway declares for them. */
const EXPOSED: Record<string, string> = {
  'api:limited': '/limited',
  'api:reports-admin': '/reports/admin',
  'api:reports-id': '/reports/{id}',
  'api:items': '/orders/{id}/items',
};

let synthesized: SynthesizedGroup;
let proxy: LoadedProxy;
let root: any;
let authorizer: LoadedAuthorizer;
let itemsId: string;

beforeAll(() => {
  synthesized = synthesizeGroup({ groupName: 'invariant' }, group => {
    // An app with a throttle: every app has a usage plan, and refused requests get the refusal plan's key.
    const app = group.addApp('mobile', { throttle: { rateLimit: 100, burstLimit: 100 } });
    const throttle = { rateLimit: 1, burstLimit: 1 };
    group.addApi('Limited', { method: HttpMethod.GET, path: '/limited', backend: Backend.mock({ body: 'api:limited' }), throttle });
    group.addApi('ReportsAdmin', { method: HttpMethod.GET, path: '/reports/admin', backend: Backend.mock({ body: 'api:reports-admin' }), auth: ApiAuth.iam() });
    group.addApi('ReportsId', { method: HttpMethod.GET, path: '/reports/{id}', backend: Backend.mock({ body: 'api:reports-id' }), auth: ApiAuth.iam() });
    group.addApi('Items', { method: HttpMethod.POST, path: '/orders/{id}/items', backend: Backend.mock({ body: 'api:items' }), throttle,
      auth: ApiAuth.app({ apps: [app] }) });
    // Riders of the catch-all, beside them.
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders/{id}', backend: Backend.mock({ body: 'rider:orders' }), auth: ApiAuth.app({ apps: [app] }) });
    group.addApi('Files', { method: HttpMethod.GET, path: '/files/{key+}', backend: Backend.mock({ body: 'rider:files' }) });
  });
  proxy = synthesized.load();
  const stack = synthesized.group.node.scope as any;
  const fn = synthesized.template.Resources[stack.resolve(stack.getLogicalId(synthesized.group.authorizerFunction!.node.defaultChild))];
  const hash = /^([0-9a-f]{64})\.zip$/.exec(fn.Properties.Code.S3Key)![1];
  authorizer = loadAuthorizerFromDir(path.join(path.dirname(synthesized.assetDir), `asset.${hash}`));
  itemsId = synthesized.group.apis.find(a => a.apiName === 'Items')!.apiId;
  const restApiId = Object.entries<any>(synthesized.template.Resources).find(([, r]) => r.Type === 'AWS::ApiGateway::RestApi')![0];
  const resolver = new CfnResolver(synthesized.template, { region: 'eu-west-1', account: '123456789012', stackName: 'Test' });
  root = readRestApi(synthesized.template, resolver, restApiId, { seed: 'Test' }).root;
});
afterAll(() => cleanWorkDirs());

/** The event API Gateway sends for `rawPath` (IAM identity present: the IAM check is not what is tested here). */
function eventFor(method: string, rawPath: string): { event: any; resource: string } | undefined {
  const match = route(root, method, rawPath);
  if (!match) { return undefined; }
  const event: any = proxyEvent({ method, path: rawPath, iam: true });
  event.resource = match.resource.path;
  event.requestContext.resourcePath = match.resource.path;
  event.pathParameters = match.pathParameters;
  // The app API's verdict is not what is tested: give every request a verdict for no API.
  return { event, resource: match.resource.path };
}

const SEGMENTS = ['limited', '%6Cimited', 'l%69mited', 'LIMITED', 'reports', '%72eports', 'admin', '%61dmin', 'adm%69n',
  'orders', 'items', '%69tems', '1', '%31', 'files', 'x', '', '.', '%2E', '%2F', 'limited%2F'];

const rawPaths = fc.tuple(
  fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 4 }),
  fc.constantFrom('', '/', '//'),
  fc.constantFrom('/', '//'),
).map(([segments, trailing, leading]) => `${leading}${segments.join('/')}${trailing}`);

test('no request is served by an exposed API from another resource (3000 random raw paths)', async () => {
  let servedByExposed = 0;
  let refusedOffResource = 0;
  await fc.assert(fc.asyncProperty(fc.constantFrom('GET', 'POST'), rawPaths, async (method, rawPath) => {
    const sent = eventFor(method, rawPath);
    if (!sent) { return; }
    const result = await proxy.invoke(sent.event);
    const own = EXPOSED[result.body];
    if (own !== undefined) {
      servedByExposed += 1;
      expect({ rawPath, resource: sent.resource }).toEqual({ rawPath, resource: own });
    } else if (result.statusCode === 404) {
      refusedOffResource += 1;
    }
  }), { numRuns: 3000, seed: 14 });
  // The property must have been exercised both ways.
  expect(servedByExposed).toBeGreaterThan(20); // fixed seed: deterministic
  expect(refusedOffResource).toBeGreaterThan(50);
}, 120_000);

test.each([
  ['GET', '/%6Cimited', '/{proxy+}'], ['GET', '/limited//', '/{proxy+}'], ['GET', '/l%69mited/', '/{proxy+}'],
  // Signed for /reports/{id}: API Gateway checked IAM for that method, not for the IAM API /reports/admin.
  ['GET', '/reports/%61dmin', '/reports/{id}'],
  ['POST', '/orders/1/%69tems', '/{proxy+}'],
])('%s %s arrives on %s and is refused NOT_FOUND, not served by the API it decodes to', async (method, rawPath, resource) => {
  const sent = eventFor(method, rawPath)!;
  expect(sent.resource).toBe(resource);
  const result = await proxy.invoke(sent.event);
  expect([result.statusCode, JSON.parse(result.body).error_code]).toEqual([404, 'APIG.0101']);
});

test('the authorizer: an exposed API reached through another resource is no API of the request (no app\'s plan charged)', async () => {
  const off = eventFor('POST', '/orders/1/%69tems')!;
  const offResult = await authorizer.invoke(authorizerEventFor(off.event));
  expect(offResult.context).toMatchObject({ apigVerdict: 'ok', apigApi: '' });
  const own = eventFor('POST', '/orders/1/items')!;
  const ownResult = await authorizer.invoke(authorizerEventFor(own.event));
  // Its own resource: the API's authentication runs (no AppCode sent).
  expect(ownResult.context).toMatchObject({ apigVerdict: 'AUTH_HEADER_MISSING', apigApi: itemsId });
  // Both get the refusal plan's key, never an app's.
  expect(offResult.usageIdentifierKey).toBeDefined();
  expect(offResult.usageIdentifierKey).toBe(ownResult.usageIdentifierKey);
});

test('each exposed API is still served through its own resource', async () => {
  for (const [method, rawPath, body] of [['GET', '/limited', 'api:limited'], ['GET', '/reports/admin', 'api:reports-admin'],
    ['GET', '/reports/7', 'api:reports-id']]) {
    const sent = eventFor(method, rawPath)!;
    expect((await proxy.invoke(sent.event)).body).toBe(body);
  }
});
