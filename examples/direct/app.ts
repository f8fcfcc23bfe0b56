/**
 * The direct-integration example: a group where API Gateway calls the backends of the APIs that
 * lose nothing itself (DirectIntegration.AUTO), one explicitly direct app API, and the APIs that
 * stay on the proxy with the deployment report's reasons. Synthesize it with the cdk CLI:
 *
 *   cd examples/direct && npx cdk synth
 *
 * Context `directBackendUrl` points the HTTP APIs at another backend (default: a placeholder).
 */
import { App } from 'aws-cdk-lib';
import { DirectStack } from './direct-stack';

const app = new App();
new DirectStack(app, 'DirectExample', { backendUrl: app.node.tryGetContext('directBackendUrl') });
app.synth();
