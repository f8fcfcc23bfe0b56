/**
 * The bundled example app. Synthesize it with the cdk CLI:
 *
 *   cd examples/orders && npx cdk synth
 *
 * cdk-nag's AwsSolutions pack checks it at synth: every finding is fixed or acknowledged with a
 * reason (by the library for its own design, in orders-stack.ts for this app's decisions).
 * Context `ordersBackendUrl` points the HTTP APIs at another backend (default: a placeholder).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OrdersStack } from './orders-stack';

const app = new App();
new OrdersStack(app, 'OrdersExample', { backendUrl: app.node.tryGetContext('ordersBackendUrl') });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: false }));
app.synth();
