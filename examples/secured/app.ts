/**
 * The "secured" example app: every authentication mode, apps with throttles and quotas, IP access
 * control. Synthesize it with the cdk CLI:
 *
 *   cd examples/secured && npx cdk synth
 *
 * cdk-nag's AwsSolutions pack checks it at synth: every finding is fixed or acknowledged with a
 * reason (by the library for its own design, in secured-stack.ts for this app's decisions).
 * Context `securedBackendUrl` points the HTTP APIs at another backend (default: a placeholder).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SecuredStack } from './secured-stack';

const app = new App();
new SecuredStack(app, 'SecuredExample', { backendUrl: app.node.tryGetContext('securedBackendUrl') });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: false }));
app.synth();
