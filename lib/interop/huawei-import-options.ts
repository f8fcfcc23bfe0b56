import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { AppCredential } from '../app-credential';
import type { CustomAuthorizer, ThirdPartyAuthorizer } from '../authorizers';

/**
 * How a Huawei definition's items without an AWS counterpart map to this group's constructs.
 * Whatever the definition uses and these options do not map is reported with its JSON pointer.
 */
export interface HuaweiImportOptions {
  /**
   * FunctionGraph function URNs (`function-urn`, `alias-urn`, a custom authorizer's
   * `authorizer_uri`) → the Lambda functions that replace them. Documents exported by this library
   * name a function by its ARN, or `cdk-function:<construct path>` when the ARN is a deploy-time value.
   *
   * @default - none: a function backend or custom authorizer definition is reported
   */
  readonly functions?: { [urn: string]: lambda.IFunction };

  /**
   * VPC channel names (HTTP-VPC backends) → the base URL (`http(s)://host[:port]`) the backend path is appended to.
   *
   * @default - none: an HTTP-VPC backend is reported
   */
  readonly vpcChannels?: { [name: string]: string };

  /**
   * Huawei custom authorizer names (their security schemes) → custom authorizers of this group.
   * An authorizer not listed is looked up in the group by name, else defined from the document's
   * `x-apigateway-authorizer` with its function mapped through `functions`.
   *
   * @default - none
   */
  readonly authorizers?: { [name: string]: CustomAuthorizer };

  /**
   * Third-party authorizer names → third-party authorizers of this group. One not listed is
   * looked up in the group by name, else defined from the document's `x-cdk-api-groups` extension.
   *
   * @default - none
   */
  readonly thirdPartyAuthorizers?: { [name: string]: ThirdPartyAuthorizer };

  /**
   * The apps that the definition's app-authenticated APIs authorise (a Huawei export carries no
   * credentials). An API whose `x-cdk-api-groups` extension names its apps gets those of them
   * (looked up here, then in the group); any other gets all of these.
   *
   * @default - none: an app-authenticated API is reported
   */
  readonly apps?: AppCredential[];

  /**
   * Import what can be imported and report every other item as a synth warning, instead of one
   * error listing them all. An API whose backend or authentication cannot be mapped is left out.
   *
   * @default false
   */
  readonly lenient?: boolean;
}
