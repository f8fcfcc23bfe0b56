import { Lazy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';

/** What the group's REST API is made of besides its OpenAPI document. */
export interface GroupRestApiInput {
  readonly name: string;
  /** The deployment's description (the REST API's own is the document's `info.description`). */
  readonly description?: string;
  readonly stageName: string;
  readonly stageVariables?: { [name: string]: string };
  readonly throttle?: apigw.ThrottleSettings;
  /** The OpenAPI document (DESIGN section 11), produced once the group is complete. */
  readonly document: () => unknown;
}

/**
 * The group's regional REST API, defined by its OpenAPI document inline in the `Body` (one
 * CloudFormation resource for the whole tree; lib/private/definition/openapi-document.ts says why
 * inline), with its stage and deployment.
 *
 * The document is produced lazily: it depends on every API, response and app of the group, which
 * are only all known at synth. CloudFormation ignores `EndpointConfiguration` when it imports a
 * body, so the endpoint type is also passed as an import parameter, as API Gateway's import
 * documents it (`endpointConfigurationTypes=REGIONAL`).
 */
export function newGroupRestApi(scope: Construct, input: GroupRestApiInput): apigw.SpecRestApi {
  return new apigw.SpecRestApi(scope, 'RestApi', {
    restApiName: input.name,
    description: input.description,
    apiDefinition: apigw.ApiDefinition.fromInline(Lazy.any({ produce: input.document })),
    endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
    parameters: { endpointConfigurationTypes: 'REGIONAL' },
    cloudWatchRole: false,
    deployOptions: {
      stageName: input.stageName,
      variables: input.stageVariables,
      throttlingRateLimit: input.throttle?.rateLimit,
      throttlingBurstLimit: input.throttle?.burstLimit,
    },
  });
}
