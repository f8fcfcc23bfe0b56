/**
 * End to end over real HTTP on the two other examples: examples/orders (per-API response selection
 * with its `strict` response, a Node.js function backend) and examples/secured (its custom
 * authorizer's context in a gateway response), each synthesized in this process with its backend
 * URL context pointing at a backend on 127.0.0.1 and served by the local gateway on an ephemeral port.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { OrdersStack } from '../../examples/orders/orders-stack';
import { SecuredStack } from '../../examples/secured/secured-stack';
import { LocalGateway, startLocalGateway } from '../../lib/local';
import { LocalService, startBackend } from './servers';

const work = path.join(__dirname, '..', '.work', `e2e-examples-${process.pid}`);
let backend: LocalService;
const gateways: LocalGateway[] = [];

async function serve(name: string, make: (app: App, backendUrl: string) => Stack): Promise<string> {
  const outdir = path.join(work, name);
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  make(app, backend.url);
  app.synth();
  const gateway = await startLocalGateway({ assembly: outdir, port: 0 });
  gateways.push(gateway);
  return gateway.groups[0].url.replace(/\/$/, '');
}

let orders: string;
let secured: string;

beforeAll(async () => {
  fs.mkdirSync(work, { recursive: true });
  backend = await startBackend();
  orders = await serve('orders', (app, url) => new OrdersStack(app, 'OrdersExample', { backendUrl: url }));
  secured = await serve('secured', (app, url) => new SecuredStack(app, 'SecuredExample', { backendUrl: url }));
}, 60_000);

afterAll(async () => {
  for (const g of gateways) { await g.close(); }
  await backend?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

async function call(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text || 'null') as Record<string, unknown> };
}

test('orders: the write API selects `strict` (422, its body and header), the read API `default` (400)', async () => {
  const strict = await call(`${orders}/orders`, { method: 'POST', body: '{}' });
  expect([strict.status, strict.headers.get('x-error-code')]).toEqual([422, 'APIG.0201']);
  expect(strict.body).toEqual({
    error: 'REQUEST_PARAMETERS_FAILURE',
    detail: expect.stringContaining('Idempotency-Key'),
    api: 'create-order',
    request_id: strict.headers.get('x-request-id'),
  });
  const dflt = await call(`${orders}/orders?limit=0`);
  expect([dflt.status, dflt.body.error_code, dflt.headers.get('x-error-code')]).toEqual([400, 'APIG.0201', null]);
  // The `default` response's NOT_FOUND names the path; CORS on a gateway error for a declared origin.
  const missing = await call(`${orders}/nowhere`, { headers: { Origin: 'https://admin.example.com' } });
  expect([missing.status, missing.body.path, missing.headers.get('access-control-allow-origin')]).toEqual([404, '/nowhere', 'https://admin.example.com']);
  // The HTTP backend and the Node.js function backend answer through the proxy.
  expect((await call(`${orders}/orders/7`)).body).toMatchObject({ url: '/orders/7' });
  expect((await call(`${orders}/inventory/abc-123`)).status).toBe(200);
});

test('secured: the custom authorizer\'s context in the AUTHORIZER_FAILURE body, its identity validation, and an allow', async () => {
  const denied = await call(`${secured}/profile`, { headers: { Authorization: 'Bearer not-a-user' } });
  expect(denied.status).toBe(401);
  expect(denied.body).toMatchObject({ error_code: 'APIG.0305', reason: 'unknown-token', request_id: denied.headers.get('x-request-id') });
  const identity = await call(`${secured}/profile`, { headers: { Authorization: 'Basic abc' } });
  expect([identity.status, identity.body.error_msg]).toEqual([401, 'Incorrect authentication information: identity source']);
  const allowed = await call(`${secured}/profile`, { headers: { Authorization: 'Bearer user-alice' } });
  expect([allowed.status, allowed.body.url]).toEqual([200, '/profile']);
  // An app API without an AppCode.
  const admin = await call(`${secured}/admin/x`);
  expect([admin.status, admin.body.error_msg]).toEqual([401, 'Authentication information is missing']);
});
