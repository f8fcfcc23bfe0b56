/**
 * The bundled example app. Synthesize it with the cdk CLI:
 *
 *   cd examples/orders && npx cdk synth
 *
 * Context `ordersBackendUrl` points the HTTP APIs at another backend (default: a placeholder).
 */
import { App } from 'aws-cdk-lib';
import { OrdersStack } from './orders-stack';

const app = new App();
new OrdersStack(app, 'OrdersExample', { backendUrl: app.node.tryGetContext('ordersBackendUrl') });
app.synth();
