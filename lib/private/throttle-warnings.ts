/**
 * An API's own throttle above the stage throttle of an environment publishing it (issue 14 item
 * 21). On API Gateway the stage throttle is the default method setting (`/*` `*`) and an API's own
 * throttle is a method setting of its resource and method, which replaces the default for that
 * method field by field: it does not nest inside it. So the API may take more requests than the
 * environment's limit says; Huawei users, whose limits nest, expect the opposite. A warning, with
 * what happens and what to change.
 */
import { Annotations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type { Api } from '../api';
import type { Environment } from '../environment';
import { WARN } from './warnings';

function show(t: apigw.ThrottleSettings): string {
  return [t.rateLimit !== undefined ? `rate ${t.rateLimit}/s` : undefined, t.burstLimit !== undefined ? `burst ${t.burstLimit}` : undefined]
    .filter(Boolean).join(', ');
}

/** The limits in which `api` is above `stage` (both set). */
function above(api: apigw.ThrottleSettings, stage: apigw.ThrottleSettings): string[] {
  const found: string[] = [];
  if (api.rateLimit !== undefined && stage.rateLimit !== undefined && api.rateLimit > stage.rateLimit) { found.push('rate'); }
  if (api.burstLimit !== undefined && stage.burstLimit !== undefined && api.burstLimit > stage.burstLimit) { found.push('burst'); }
  return found;
}

/** Warns on each API whose own throttle is above the stage throttle of an environment that publishes it. */
export function warnAboutStageThrottles(apis: readonly Api[], environments: readonly Environment[]): void {
  for (const api of apis) {
    if (!api.throttle) { continue; }
    for (const env of api.environments ?? environments) {
      if (!env.throttle) { continue; }
      const limits = above(api.throttle, env.throttle);
      if (limits.length === 0) { continue; }
      Annotations.of(api).addWarningV2(WARN.apiThrottleAboveStage,
        `API ${api.apiName} (${api.method} ${api.path}) has its own throttle (${show(api.throttle)}) with a higher ${limits.join(' and ')} ` +
        `than environment ${env.environmentName}'s stage throttle (${show(env.throttle)}): API Gateway applies a method's own setting ` +
        'instead of the stage\'s (not within it), so this API takes more requests than the environment\'s limit; ' +
        'give the API a throttle within the environment\'s if that limit must hold');
    }
  }
}
