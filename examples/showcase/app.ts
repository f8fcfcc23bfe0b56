/**
 * The "showcase" example app: ONE API group built so that every one of the 19 response types can be
 * produced on this machine with curl (`npm run example` tours them; README "Run a group locally").
 *
 *   cd examples/showcase && npx cdk synth -c showcaseBackendUrl=http://127.0.0.1:4001 -c showcaseAuthUrl=http://127.0.0.1:4002/verify
 *
 * cdk-nag's AwsSolutions pack checks it at synth: every finding is fixed or acknowledged with a
 * reason (by the library for its own design, in showcase-stack.ts for this app's decisions).
 * Context `showcaseBackendUrl` points the HTTP APIs at a backend, `showcaseAuthUrl` the third-party
 * authorizer at an auth service (defaults: placeholders).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ShowcaseStack } from './showcase-stack';

const app = new App();
new ShowcaseStack(app, 'ShowcaseExample', {
  backendUrl: app.node.tryGetContext('showcaseBackendUrl'),
  authUrl: app.node.tryGetContext('showcaseAuthUrl'),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: false }));
app.synth();
