import * as crypto from 'crypto';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type { ConfigDocument } from './config-document';
import type { PlannedMethodSetting } from './definition/exposure';

/**
 * The API Gateway deployment's logical id (DESIGN section 8): it must change exactly when
 * something API Gateway serves changes, or `cdk deploy` would leave the stage serving the old
 * behaviour.
 */

/** What API Gateway serves from the group's declaration. */
export interface ServedDefinition {
  /**
   * The group's routes (`METHOD /path` of every API): the REST API's surface, even where the
   * catch-all serves them, so adding, removing or moving an API always publishes a deployment.
   */
  readonly routes: readonly string[];
  readonly stageThrottle?: apigw.ThrottleSettings;
  readonly methodSettings: readonly PlannedMethodSetting[];
}

/**
 * Folds the routes, the stage throttle and the method settings into the deployment's logical id.
 * The OpenAPI document (paths, integrations, authorizer, gateway responses, CORS preflight) is not
 * added here: aws-cdk-lib's Deployment already hashes its SpecRestApi's whole CloudFormation
 * properties, the Body included (`Deployment.calculateLogicalId`), and a second copy of a 1000-API
 * Body cost a resolve and a stringify of ~350 KB each time the logical id is computed.
 */
export function addServedToDeploymentId(restApi: apigw.RestApiBase, served: ServedDefinition): void {
  restApi.latestDeployment?.addToLogicalId({ apiGroupDefinition: served });
}

/** Throttles and quotas of the group, its APIs and its apps. */
export interface DeclaredThrottles {
  readonly stage?: apigw.ThrottleSettings;
  readonly apis: Array<{ readonly id: string; readonly throttle?: apigw.ThrottleSettings }>;
  readonly apps: Array<{ readonly name: string; readonly throttle?: apigw.ThrottleSettings; readonly quota?: apigw.QuotaSettings }>;
}

/**
 * Folds every authentication, access-control and throttling setting into the deployment's
 * logical id, including those that live only in the configuration document, so that a change
 * always publishes a new deployment together with the functions that enforce it.
 */
export function addAuthToDeploymentId(restApi: apigw.RestApiBase, config: ConfigDocument, throttles: DeclaredThrottles): void {
  const part = {
    apis: config.apis.filter(a => a.auth || a.accessControl).map(a => ({ id: a.id, auth: a.auth, accessControl: a.accessControl })),
    accessControl: config.accessControl,
    apps: config.apps,
    customAuthorizers: config.customAuthorizers,
    thirdPartyAuthorizers: config.thirdPartyAuthorizers,
    refusalUsageKey: config.refusalUsageKey,
    throttles,
  };
  const text = JSON.stringify(part);
  if (text === JSON.stringify({ apis: [], throttles: { apis: [], apps: [] } })) { return; }
  restApi.latestDeployment?.addToLogicalId({
    apiGroupAuth: crypto.createHash('sha256').update(text).digest('hex'),
  });
}
