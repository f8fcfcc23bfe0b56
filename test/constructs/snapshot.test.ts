/**
 * Whole-template snapshots: the complete picture of what a group deploys, so any change to it
 * shows up in review. Fine-grained tests say why each piece is there; these catch everything else.
 * Asset hashes are masked (test/setup/snapshot-serializers.ts); the deployment's logical id is not.
 *
 * After an intended change: `npx jest test/constructs/snapshot.test.ts -u`, then review the diff.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  ApiGroup, Backend, HttpMethod, ParameterType, RequestParameter, ResponseType,
} from 'cdk-api-groups';
import { templateSerializers } from '../setup/snapshot-serializers';
import { newGroup, newStack, proxyAsset, templateOf } from '../support/synth';

templateSerializers.forEach(s => expect.addSnapshotSerializer(s));

/** The bundled example's group (examples/orders/app.ts), with the function's code inline. */
function exampleGroup(): ApiGroup {
  const stack: Stack = newStack();
  const group = newGroup({
    groupName: 'orders',
    description: 'Orders API group (cdk-api-groups example)',
    stageVariables: { region: 'eu-west-1' },
    cors: { allowOrigins: ['https://shop.example.com', 'https://admin.example.com'] },
    defaultResponse: {
      rules: [
        {
          type: ResponseType.THROTTLED,
          statusCode: 429,
          body: '{"code":"$context.error.code","msg":"$context.error.message","rid":"$context.requestId"}',
          headers: { 'Retry-After': '1' },
        },
        {
          type: ResponseType.NOT_FOUND,
          body: '{"error_code":"$context.error.code","error_msg":"$context.error.message","path":"$context.reqPath","request_id":"$context.requestId"}',
        },
      ],
    },
  }, stack);
  const strict = group.addGatewayResponse('strict', {
    rules: [
      {
        type: ResponseType.REQUEST_PARAMETERS_FAILURE,
        statusCode: 422,
        body: '{"error":"$context.error.type","detail":"$context.error.message","api":"$context.apiName","request_id":"$context.requestId"}',
        headers: { 'X-Error-Code': '$context.error.code' },
      },
      {
        type: ResponseType.BACKEND_TIMEOUT,
        statusCode: 503,
        body: '{"error":"$context.error.type","retry":true,"request_id":"$context.requestId"}',
        headers: { 'Retry-After': '5' },
      },
    ],
  });
  const backendUrl = 'https://orders.internal.example.com';
  group.addApi('ListOrders', {
    method: HttpMethod.GET, path: '/orders', apiName: 'list-orders',
    backend: Backend.http(`${backendUrl}/orders`, { timeout: Duration.seconds(5) }),
    parameters: [
      RequestParameter.query('status', { enumerations: ['open', 'shipped', 'cancelled'] }),
      RequestParameter.query('limit', { type: ParameterType.NUMBER, minimum: 1, maximum: 100 }),
    ],
  });
  group.addApi('GetOrder', {
    method: HttpMethod.GET, path: '/orders/{id}', apiName: 'get-order',
    backend: Backend.http(`${backendUrl}/orders/{id}`, { timeout: Duration.seconds(3) }),
    parameters: [RequestParameter.path('id', { type: ParameterType.NUMBER, minimum: 1 })],
  });
  group.addApi('CreateOrder', {
    method: HttpMethod.POST, path: '/orders', apiName: 'create-order',
    backend: Backend.http(`${backendUrl}/orders`, { timeout: Duration.seconds(2) }),
    parameters: [RequestParameter.header('Idempotency-Key', { required: true, minLength: 8, maxLength: 64 })],
    gatewayResponse: strict,
  });
  const inventory = new lambda.Function(stack, 'Inventory', {
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "[]" });'),
    description: 'Inventory backend of the orders example',
  });
  group.addApi('GetInventory', {
    method: HttpMethod.GET, path: '/inventory/{sku}', apiName: 'get-inventory',
    backend: Backend.fn(inventory, { timeout: Duration.seconds(2) }),
    parameters: [RequestParameter.path('sku', { minLength: 3, maxLength: 32 })],
    gatewayResponse: strict,
  });
  group.addApi('Health', {
    method: HttpMethod.GET, path: '/health', apiName: 'health',
    backend: Backend.mock({ statusCode: 200, body: '{"status":"ok"}', headers: { 'Content-Type': 'application/json' } }),
  });
  return group;
}

test('a minimal group: one mock API, no CORS, built-in responses', () => {
  // The smallest thing a user deploys: its template is the library's baseline.
  const group = newGroup({ groupName: 'minimal' });
  group.addApi('Health', { method: HttpMethod.GET, path: '/health', backend: Backend.mock() });
  expect(templateOf(group).toJSON()).toMatchSnapshot();
});

test('the example group: custom responses, HTTP, function and mock backends, parameters, CORS', () => {
  // Everything the library synthesizes at once, as the README's example declares it.
  expect(templateOf(exampleGroup()).toJSON()).toMatchSnapshot();
});

test('the example group\'s configuration document', () => {
  // The contract with the bundled proxy, as the runtime reads it.
  expect(proxyAsset(exampleGroup()).config).toMatchSnapshot();
});
