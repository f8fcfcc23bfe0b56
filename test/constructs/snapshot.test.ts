/**
 * Whole-template snapshots: the complete picture of what a group deploys, so any change to it
 * shows up in review. Fine-grained tests say why each piece is there; these catch everything else.
 * Asset hashes are masked (test/setup/snapshot-serializers.ts); the deployment's logical id is not.
 *
 * After an intended change: `npx jest test/constructs/snapshot.test.ts -u`, then review the diff.
 */
import { ApiGroup, Backend, HttpMethod } from 'cdk-api-groups';
import { OrdersStack } from '../../examples/orders/orders-stack';
import { templateSerializers } from '../setup/snapshot-serializers';
import { newApp, newGroup, proxyAsset, templateOf } from '../support/synth';

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
