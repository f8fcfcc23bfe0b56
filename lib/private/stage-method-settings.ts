import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type { PlannedMethodSetting } from './definition/exposure';

/**
 * The APIs' own throttles as stage method settings (keyed by the resource path and method the
 * document declares), kept after any setting already on the stage.
 */
export function addMethodThrottles(stage: apigw.Stage, settings: readonly PlannedMethodSetting[]): void {
  if (settings.length === 0) { return; }
  const cfn = stage.node.defaultChild as apigw.CfnStage;
  cfn.methodSettings = [
    ...((cfn.methodSettings ?? []) as apigw.CfnStage.MethodSettingProperty[]),
    ...settings.map(s => ({
      resourcePath: s.resourcePath,
      httpMethod: s.httpMethod,
      throttlingRateLimit: s.rateLimit,
      throttlingBurstLimit: s.burstLimit,
    })),
  ];
}
