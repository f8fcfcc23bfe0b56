import { Lazy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** What the group's REST API is made of besides its OpenAPI document. */
export interface GroupRestApiInput {
  readonly name: string;
  /** The deployment's description (the REST API's own is the document's `info.description`). */
  readonly description?: string;
  readonly stageName: string;
  /** The default environment's stage options (variables, throttle, access log, tracing, metrics). */
  readonly stageOptions: Omit<apigw.StageOptions, 'stageName'>;
  /** @default REGIONAL */
  readonly endpointType?: apigw.EndpointType;
  /** PRIVATE: the interface VPC endpoints that may call the API. */
  readonly privateEndpoints?: ec2.IInterfaceVpcEndpoint[];
  /** The resource policy (PRIVATE APIs). */
  readonly policy?: iam.PolicyDocument;
  /** Create the account's API Gateway CloudWatch role (access and execution logs need one per account and region). */
  readonly cloudWatchRole?: boolean;
  /** The OpenAPI document (DESIGN section 11), produced once the group is complete. */
  readonly document: () => unknown;
}

/**
 * The group's REST API (regional unless the group says otherwise), defined by its OpenAPI document inline in the `Body` (one
 * CloudFormation resource for the whole tree; lib/private/definition/openapi-document.ts says why
 * inline), with its stage and deployment.
 *
 * The document is produced lazily: it depends on every API, response and app of the group, which
 * are only all known at synth.
 *
 * `Mode: overwrite` (DESIGN section 11): without a mode, API Gateway merges an updated Body into
 * the existing API for REST APIs created after March 29, 2021 (aws-cdk-lib's RestApiMode docs),
 * and a field report shows a removed path surviving an update with its old authorization; the
 * document is the whole definition, so it replaces the old one.
 *
 * CloudFormation ignores `EndpointConfiguration` when it imports a body, so the endpoint type is
 * also passed as an import parameter, as API Gateway's import documents it
 * (`endpointConfigurationTypes=REGIONAL`, `EDGE` or `PRIVATE`), and a PRIVATE API's interface VPC
 * endpoints go where API Gateway reads them in a body: `x-amazon-apigateway-endpoint-configuration`
 * (`vpcEndpointIds`).
 */
export function newGroupRestApi(scope: Construct, input: GroupRestApiInput): apigw.SpecRestApi {
  const type = input.endpointType ?? apigw.EndpointType.REGIONAL;
  const endpoints = type === apigw.EndpointType.PRIVATE ? input.privateEndpoints ?? [] : [];
  const document = endpoints.length === 0 ? input.document : () => ({
    ...(input.document() as Record<string, unknown>),
    'x-amazon-apigateway-endpoint-configuration': { vpcEndpointIds: endpoints.map(e => e.vpcEndpointId) },
  });
  return new apigw.SpecRestApi(scope, 'RestApi', {
    restApiName: input.name,
    description: input.description,
    apiDefinition: apigw.ApiDefinition.fromInline(Lazy.any({ produce: document })),
    mode: apigw.RestApiMode.OVERWRITE,
    endpointConfiguration: {
      types: [type],
      ...(type === apigw.EndpointType.PRIVATE ? { vpcEndpoints: input.privateEndpoints } : {}),
    },
    parameters: { endpointConfigurationTypes: type },
    policy: input.policy,
    cloudWatchRole: input.cloudWatchRole ?? false,
    deployOptions: { stageName: input.stageName, ...input.stageOptions },
  });
}
