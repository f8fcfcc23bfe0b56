/**
 * The production example: a group in a VPC with a backend on a private host, two environments,
 * every stage option and warm functions. Synthesize it with the cdk CLI:
 *
 *   cd examples/production && npx cdk synth
 *
 * cdk-nag's AwsSolutions pack checks it at synth: the options settle the stage findings (access
 * and execution logs, WAF); what is left is acknowledged with a reason (by the library for its
 * own design, in production-stack.ts for this app's decisions).
 * Context `certificateArn` names the custom domain's ACM certificate (default: a placeholder).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ProductionStack } from './production-stack';

const app = new App();
new ProductionStack(app, 'ProductionExample', { certificateArn: app.node.tryGetContext('certificateArn') });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: false }));
app.synth();
