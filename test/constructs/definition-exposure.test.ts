/**
 * The exposure planner: which APIs API Gateway sees individually (and why), which ride the
 * catch-all, and the resources and methods the document then needs, following API Gateway's
 * most-specific-resource matching.
 */
import { ApiShape, Enforcement } from '../../lib/private/definition/api-shape';
import { ExposurePlan, planExposure, PlannedResource } from '../../lib/private/definition/exposure';
import { parsePath, PathSegment } from '../../lib/private/paths';

let n = 0;
function shape(method: string, path: string, enforcement: Enforcement = 'authorizer', extra: Partial<ApiShape> = {}): ApiShape {
  const segments = parsePath(path) as PathSegment[];
  n++;
  return { id: `id${n}`, name: `api-${n}`, constructPath: `Stack/Group/Api${n}`, method, path, segments, enforcement, app: enforcement === 'authorizer', ...extra };
}

function resource(plan: ExposurePlan, path: string): PlannedResource {
  const found = plan.resources.find(r => r.path === path);
  if (!found) { throw new Error(`no resource ${path} in ${plan.resources.map(r => r.path).join(', ')}`); }
  return found;
}

function method(plan: ExposurePlan, path: string, httpMethod: string) {
  return resource(plan, path).methods.find(m => m.httpMethod === httpMethod);
}

const plain = { cors: false, usagePlans: false };

test('authenticated APIs without per-method enforcement all ride the catch-all, which carries the authorizer', () => {
  const apis = [shape('GET', '/orders'), shape('POST', '/orders'), shape('GET', '/orders/{id}')];
  const plan = planExposure(apis, plain);
  expect(plan.decisions.map(d => d.exposed)).toEqual([false, false, false]);
  expect(plan.resources.map(r => r.path)).toEqual(['/', '/{proxy+}']);
  expect(plan.resourceCount).toBe(1);
  expect(method(plan, '/{proxy+}', 'ANY')).toMatchObject({ kind: 'fallback', authorizer: true });
  // No API answers on / itself: requests there are NOT_FOUND, with no authorizer call.
  expect(method(plan, '/', 'ANY')).toMatchObject({ kind: 'fallback', authorizer: false });
  expect(plan.usesAuthorizer).toBe(true);
  expect(plan.catchAll).toBe(true);
});

test('without any authenticated API the catch-all carries no authorizer and nothing is exposed', () => {
  const plan = planExposure([shape('GET', '/a', 'none'), shape('GET', '/b/{x}', 'none')], plain);
  expect(plan.decisions.map(d => d.exposed)).toEqual([false, false]);
  expect(method(plan, '/{proxy+}', 'ANY')).toMatchObject({ authorizer: false });
  expect(plan.usesAuthorizer).toBe(false);
});

test('IAM and own-throttle APIs are seen individually, with their reasons, and throttles become method settings', () => {
  const iam = shape('GET', '/admin/users', 'iam');
  const throttled = shape('POST', '/orders/{orderId}', 'authorizer', { throttle: { rateLimit: 5, burstLimit: 10 } });
  const rider = shape('GET', '/orders/{id}/items');
  const plan = planExposure([iam, throttled, rider], plain);
  const decision = (a: ApiShape) => plan.decisions.find(d => d.api === a)!;
  expect(decision(iam)).toMatchObject({ exposed: true, reasons: ['iam'], resourcePath: '/admin/users' });
  expect(decision(throttled)).toMatchObject({ exposed: true, reasons: ['throttle'], resourcePath: '/orders/{orderId}' });
  expect(decision(rider).exposed).toBe(false);
  expect(method(plan, '/admin/users', 'GET')).toMatchObject({ kind: 'api', iam: true, authorizer: false });
  expect(method(plan, '/orders/{orderId}', 'POST')).toMatchObject({ kind: 'api', authorizer: true });
  expect(plan.methodSettings).toEqual([
    { apiId: throttled.id, resourcePath: '/~1orders~1{orderId}', httpMethod: 'POST', rateLimit: 5, burstLimit: 10 },
  ]);
});

test('a declared path hides the catch-all: its other methods and deeper paths of riders reach it, with the authorizer', () => {
  // GET /orders/{id} is IAM; POST /orders/abc (a rider) hits resource /orders/{id}, and
  // GET /orders/abc/items would get stuck below it: /orders/{id} gets ANY and a closure.
  const iam = shape('GET', '/orders/{id}', 'iam');
  const post = shape('POST', '/orders/{id}');
  const items = shape('GET', '/orders/{id}/items');
  const plan = planExposure([iam, post, items], plain);
  expect(plan.resources.map(r => r.path)).toEqual(['/', '/orders', '/orders/{id}', '/orders/{id}/{proxy+}', '/{proxy+}']);
  expect(method(plan, '/orders/{id}', 'GET')).toMatchObject({ kind: 'api', iam: true });
  expect(method(plan, '/orders/{id}', 'ANY')).toMatchObject({ kind: 'fallback', authorizer: true });
  expect(method(plan, '/orders/{id}/{proxy+}', 'ANY')).toMatchObject({ kind: 'fallback', authorizer: true });
  expect(resource(plan, '/orders/{id}/{proxy+}').closure).toBe(true);
  // No rider lands on /orders: its fallback needs no authorizer.
  expect(method(plan, '/orders', 'ANY')).toMatchObject({ kind: 'fallback', authorizer: false });
  expect(plan.resourceCount).toBe(4);
});

test('a literal sibling riding the catch-all lands on the declared variable resource (most specific wins)', () => {
  const iam = shape('GET', '/orders/{id}', 'iam');
  const special = shape('GET', '/orders/special', 'none');
  const plan = planExposure([iam, special], plain);
  // GET /orders/special would be served by the IAM method of /orders/{id}: it must be seen itself.
  const decision = plan.decisions.find(d => d.api === special)!;
  expect(decision).toMatchObject({ exposed: true, reasons: ['shadowed'], resourcePath: '/orders/special' });
  expect(decision.note).toContain(iam.name);
  expect(method(plan, '/orders/special', 'GET')).toMatchObject({ kind: 'api', iam: false, authorizer: false });
});

test('a variable rider reaches literal resources at its level, so their fallbacks carry the authorizer', () => {
  const iam = shape('DELETE', '/users/me', 'iam');
  const byId = shape('GET', '/users/{id}');
  const plan = planExposure([iam, byId], plain);
  // GET /users/me: /users/me declares DELETE only, so its fallback ANY serves it (the proxy then routes to GET /users/{id}).
  expect(plan.decisions.find(d => d.api === byId)!.exposed).toBe(false);
  expect(method(plan, '/users/me', 'ANY')).toMatchObject({ kind: 'fallback', authorizer: true });
  // Other values get stuck at /users: a closure catches them.
  expect(method(plan, '/users/{proxy+}', 'ANY')).toMatchObject({ kind: 'fallback', authorizer: true });
});

test('an ANY API seen individually does not capture authenticated riders on its resource', () => {
  const iamAny = shape('ANY', '/files/{path+}', 'iam');
  const rider = shape('GET', '/files/{name+}');
  const plan = planExposure([iamAny, rider], plain);
  // The rider's GET requests would reach the IAM ANY method: it gets its own GET there.
  expect(plan.decisions.find(d => d.api === rider)).toMatchObject({ exposed: true, reasons: ['shadowed'], resourcePath: '/files/{path+}' });
  expect(method(plan, '/files/{path+}', 'GET')).toMatchObject({ kind: 'api', authorizer: true });
  expect(method(plan, '/files/{path+}', 'ANY')).toMatchObject({ kind: 'api', iam: true });
});

test('an API with its own throttle does not throttle riders its method would serve', () => {
  // A stage method setting applies to every request the method serves: a rider landing there gets its own method.
  const throttledAny = shape('ANY', '/files/{key+}', 'none', { throttle: { rateLimit: 10 } });
  const upload = shape('POST', '/files/{name+}', 'none');
  const plan = planExposure([throttledAny, upload], plain);
  expect(plan.decisions.find(d => d.api === upload)).toMatchObject({ exposed: true, reasons: ['shadowed'], resourcePath: '/files/{key+}' });
  expect(plan.methodSettings.map(s => s.httpMethod)).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'PUT']);
});

test('APIs without authorizer-based auth get their own path while the catch-all carries the authorizer', () => {
  const open = shape('GET', '/health', 'none');
  const app = shape('GET', '/orders');
  const plan = planExposure([open, app], plain);
  expect(plan.decisions.find(d => d.api === open)).toMatchObject({ exposed: true, reasons: ['noAuthorizer'] });
  expect(method(plan, '/health', 'GET')).toMatchObject({ kind: 'api', authorizer: false });
  expect(plan.decisions.find(d => d.api === app)!.exposed).toBe(false);
});

test('when the quota does not allow it, an API without auth rides the catch-all and that is reported', () => {
  const open1 = shape('GET', '/a/b', 'none');
  const open2 = shape('GET', '/c/d', 'none');
  const app = shape('GET', '/orders');
  // root /{proxy+} (1) + /a + /a/b (2) = 3 resources; /c/d would need 2 more.
  const plan = planExposure([open1, open2, app], { ...plain, maxResources: 3 });
  expect(plan.decisions.find(d => d.api === open1)).toMatchObject({ exposed: true, reasons: ['noAuthorizer'] });
  const second = plan.decisions.find(d => d.api === open2)!;
  expect(second.exposed).toBe(false);
  expect(second.note).toMatch(/pays an authorizer call: .*5 API Gateway resources, above the quota of 3/);
  expect(plan.resourceCount).toBe(3);
});

test('an API without auth is not exposed where its method would serve an authenticated API', () => {
  const openAny = shape('ANY', '/pub/{x}', 'none');
  const app = shape('GET', '/pub/secret');
  const plan = planExposure([openAny, app], plain);
  const decision = plan.decisions.find(d => d.api === openAny)!;
  expect(decision.exposed).toBe(false);
  expect(decision.note).toContain('needs the authorizer');
});

test('with CORS every resource gets the native preflight, and an OPTIONS API is seen individually instead', () => {
  const iam = shape('GET', '/a', 'iam');
  const options = shape('OPTIONS', '/b');
  const plan = planExposure([iam, options], { cors: true, usagePlans: false });
  for (const path of ['/', '/a', '/{proxy+}']) {
    expect(method(plan, path, 'OPTIONS')).toMatchObject({ kind: 'preflight' });
  }
  expect(plan.decisions.find(d => d.api === options)).toMatchObject({ exposed: true, reasons: ['options'] });
  expect(method(plan, '/b', 'OPTIONS')).toMatchObject({ kind: 'api', authorizer: true });
});

test('with usage plans every method carrying the authorizer requires the API key it supplies', () => {
  const throttled = shape('GET', '/t', 'authorizer', { throttle: { rateLimit: 1 } });
  const iam = shape('GET', '/i', 'iam');
  const plan = planExposure([throttled, iam, shape('GET', '/r')], { cors: false, usagePlans: true });
  expect(method(plan, '/t', 'GET')).toMatchObject({ authorizer: true, apiKey: true });
  expect(method(plan, '/i', 'GET')).toMatchObject({ iam: true, apiKey: false });
  expect(method(plan, '/{proxy+}', 'ANY')).toMatchObject({ authorizer: true, apiKey: true });
});

test('an ANY API\'s throttle covers the methods it answers on its resource', () => {
  const any = shape('ANY', '/x', 'authorizer', { throttle: { rateLimit: 2 } });
  const get = shape('GET', '/x', 'iam');
  const plan = planExposure([any, get], { cors: true, usagePlans: false });
  expect(plan.methodSettings.filter(s => s.apiId === any.id).map(s => s.httpMethod)).toEqual(['DELETE', 'HEAD', 'PATCH', 'POST', 'PUT']);
});

test('a variable resource at the root leaves no room for /{proxy+}', () => {
  const iam = shape('GET', '/{tenant}', 'iam');
  const rider = shape('GET', '/{tenant}/orders');
  const plan = planExposure([iam, rider], plain);
  expect(plan.catchAll).toBe(false);
  expect(plan.resources.map(r => r.path)).toEqual(['/', '/{tenant}', '/{tenant}/{proxy+}']);
  expect(method(plan, '/{tenant}/{proxy+}', 'ANY')).toMatchObject({ authorizer: true });
});

test('variable segments share the level\'s one resource; a greedy one beside a plain one is a problem', () => {
  const a = shape('GET', '/o/{id}', 'iam');
  const b = shape('PUT', '/o/{orderId}', 'iam');
  const ok = planExposure([a, b], plain);
  expect(ok.decisions.map(d => d.resourcePath)).toEqual(['/o/{id}', '/o/{id}']);
  const clash = planExposure([a, shape('GET', '/o/{rest+}', 'iam')], plain);
  expect(clash.problems.map(p => p.rule.id)).toEqual(['path']);
});

test('a closure below a resource whose ancestors use "proxy" gets a free name', () => {
  const iam = shape('GET', '/{proxy}/x', 'iam');
  const rider = shape('GET', '/{p}/x/y');
  const plan = planExposure([iam, rider], plain);
  expect(plan.resources.map(r => r.path)).toContain('/{proxy}/x/{proxy1+}');
  expect(resource(plan, '/{proxy}/x/{proxy1+}').parameters).toEqual(['proxy', 'proxy1']);
});
