/**
 * Whole-template snapshots: the complete picture of what a group deploys, so any change to it
 * shows up in review. Fine-grained tests say why each piece is there; these catch everything else.
 * Asset hashes are masked (test/setup/snapshot-serializers.ts); the deployment's logical id is not.
 *
 * After an intended change: `npx jest test/constructs/snapshot.test.ts -u`, then review the diff.
 */
import { ApiGroup, Backend, HttpMethod } from 'cdk-api-groups';
import { OrdersStack } from '../../examples/orders/orders-stack';
import { ProductionStack } from '../../examples/production/production-stack';
import { SecuredStack } from '../../examples/secured/secured-stack';
import { templateSerializers } from '../setup/snapshot-serializers';
import { authorizerAsset, newApp, newGroup, proxyAsset, templateOf } from '../support/synth';

templateSerializers.forEach(s => expect.addSnapshotSerializer(s));

/** The bundled example's group (examples/orders), exactly as the example app declares it. */
function exampleGroup(): ApiGroup {
  return new OrdersStack(newApp(), 'Stack').group;
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

/** The secured example's group (examples/secured): every authentication mode. */
function securedGroup(): ApiGroup {
  return new SecuredStack(newApp(), 'Stack').group;
}

test('the secured example: apps, usage plans, the authorizer, custom and third-party authorizers, IAM, IP rules, throttles', () => {
  // Everything issue 3 synthesizes at once.
  expect(templateOf(securedGroup()).toJSON()).toMatchSnapshot();
});

test('the secured example\'s configuration document (the same for the proxy and the authorizer)', () => {
  // The contract with the bundled authorizer and proxy.
  const group = securedGroup();
  const template = templateOf(group);
  const proxy = proxyAsset(group, template);
  expect(authorizerAsset(group, template).configText).toBe(proxy.configText);
  expect(proxy.config).toMatchSnapshot();
});

test('the production example: VPC and endpoints, two environments, every stage option, warm functions', () => {
  // Everything issue 9 synthesizes at once.
  // A published version's logical id ends with a hash of its function's code: masked like the asset hashes.
  const stack = new ProductionStack(newApp(), 'Stack');
  const text = JSON.stringify(templateOf(stack.group).toJSON()).replace(/(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}/g, '$1[CODE_HASH]');
  expect(JSON.parse(text)).toMatchSnapshot();
});
