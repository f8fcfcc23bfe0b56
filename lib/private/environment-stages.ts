import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type { Environment, EnvironmentProps } from '../environment';
import type { PlannedMethodSetting } from './definition/exposure';
import { addMethodThrottles } from './stage-method-settings';
import { GroupStageSettings, stageOptionsOf } from './stage-options';

/**
 * The stage of an environment other than the default one (which is the REST API's own stage):
 * on the REST API's one deployment, so every environment serves the same document.
 */
export function addEnvironmentStage(env: Environment, restApi: apigw.RestApiBase, settings: GroupStageSettings,
  props: EnvironmentProps): apigw.Stage {
  return new apigw.Stage(env, 'Stage', {
    deployment: restApi.latestDeployment!,
    stageName: props.environmentName,
    ...stageOptionsOf(settings, props),
  });
}

/**
 * Once the document is defined: the APIs' own throttles on every environment's stage, and every
 * usage plan on every environment (a stage outside every plan would refuse the API keys the
 * authorizer hands out; the default stage is in each plan from its creation).
 */
export function wireEnvironments(restApi: apigw.IRestApi, environments: readonly Environment[],
  methodSettings: readonly PlannedMethodSetting[], plans: readonly apigw.UsagePlan[]): void {
  for (const env of environments) { addMethodThrottles(env.stage, methodSettings); }
  for (const env of environments.slice(1)) {
    for (const plan of plans) { plan.addApiStage({ api: restApi, stage: env.stage }); }
  }
}
