/**
 * The "secured" example's stack: one API group with every authentication mode of Huawei APIG
 * (none, apps with AppCodes, IAM, a custom authorizer, a third-party authorizer, and the two-factor
 * combinations), apps with throttles and quotas, IP access control, and stage and API throttles.
 * `app.ts` synthesizes it with cdk-nag's AwsSolutions checks; the snapshot and cdk-nag tests reuse it.
 */
import * as path from 'path';
import { Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  AccessControl, ApiAuth, ApiGroup, Backend, HttpMethod, IdentitySource, ResponseType,
} from 'cdk-api-groups';

/** Properties of the example stack. */
export interface SecuredStackProps extends StackProps {
  /** Base URL of the backend service. Default: a placeholder host. */
  readonly backendUrl?: string;
}

export class SecuredStack extends Stack {
  public readonly group: ApiGroup;
  /** A role whose sessions may call the IAM-authenticated APIs. */
  public readonly reportingClient: iam.Role;

  constructor(scope: Construct, id: string, props: SecuredStackProps = {}) {
    super(scope, id, props);
    const backendUrl = props.backendUrl ?? 'https://backend.internal.example.com';

    this.group = new ApiGroup(this, 'Secured', {
      groupName: 'secured',
      description: 'Every authentication mode (cdk-api-groups example)',
      // Every API: at most 200 requests per second on the stage, and never from this documentation range.
      throttle: { rateLimit: 200, burstLimit: 100 },
      accessControl: AccessControl.deny(['192.0.2.0/24', '2001:db8:bad::/48']),
      defaultResponse: {
        rules: [
          // The custom authorizer's context is readable after a deny.
          {
            type: ResponseType.AUTHORIZER_FAILURE,
            statusCode: 401,
            body: '{"error_code":"$context.error.code","error_msg":"$context.error.message","reason":"$context.authorizer.frontend.reason","request_id":"$context.requestId"}',
          },
          {
            type: ResponseType.UNAUTHORIZED,
            body: '{"error_code":"$context.error.code","error_msg":"$context.error.message","app":"$context.appName","request_id":"$context.requestId"}',
          },
          { type: ResponseType.THROTTLED, statusCode: 429, headers: { 'Retry-After': '1' } },
        ],
      },
    });

    // Apps (Huawei: credentials). Their AppCodes are in Secrets Manager; callers send one as X-Apig-AppCode.
    const mobile = this.group.addApp('mobile', {
      description: 'The mobile shop app',
      throttle: { rateLimit: 50, burstLimit: 20 },
      quota: { limit: 1_000_000, period: apigw.Period.MONTH },
    });
    // A partner's codes, in a secret this app manages itself: several AppCodes of 128 characters are allowed.
    const partnerCodes = new secretsmanager.Secret(this, 'PartnerAppCodes', {
      description: 'AppCode of the partner app of the secured example',
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'appCode', passwordLength: 128, excludePunctuation: true },
    });
    Validations.of(partnerCodes).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason: 'The partner holds this AppCode: it is rotated by agreement with the partner (replace the value with ' +
        '{"appCodes":[old,new]}, then drop the old one), not by a rotation function.',
    });
    const partner = this.group.addApp('partner', { secret: partnerCodes, quota: { limit: 10_000, period: apigw.Period.DAY } });
    const backoffice = this.group.addApp('backoffice'); // no limit of its own: an unthrottled usage plan

    // A custom authorizer: a Lambda function with Huawei's FunctionGraph contract.
    const jwt = this.group.addCustomAuthorizer('jwt', {
      handler: exampleFunction(this, 'JwtAuthorizer', 'authorizer', 'Custom authorizer of the secured example'),
      identities: [IdentitySource.header('Authorization', { validation: '^Bearer .+$' })],
      cacheTtl: Duration.minutes(5),
      userData: '{"audience":"secured-example"}',
      timeout: Duration.seconds(2),
    });

    // A third-party authorizer: the partner's own auth service decides (a 2xx with X-Auth-Result: allow).
    const partnerAuth = this.group.addThirdPartyAuthorizer('partner_auth', {
      url: 'https://auth.partner.example.com/verify',
      method: HttpMethod.POST,
      identities: [IdentitySource.header('X-Partner-Token'), IdentitySource.query('tenant')],
      matchHeader: { name: 'X-Auth-Result', value: 'allow' },
      timeout: Duration.seconds(3),
    });

    this.group.addApi('Health', {
      method: HttpMethod.GET, path: '/health', apiName: 'health',
      backend: Backend.mock({ statusCode: 200, body: '{"status":"ok"}', headers: { 'Content-Type': 'application/json' } }),
    });
    this.group.addApi('ListOrders', {
      method: HttpMethod.GET, path: '/orders', apiName: 'list-orders',
      backend: Backend.http(`${backendUrl}/orders`),
      auth: ApiAuth.app({ apps: [mobile, partner, backoffice] }),
      throttle: { rateLimit: 100, burstLimit: 50 },
    });
    this.group.addApi('CreateOrder', {
      method: HttpMethod.POST, path: '/orders', apiName: 'create-order',
      backend: Backend.http(`${backendUrl}/orders`),
      // Two-factor: the app's AppCode and the custom authorizer.
      auth: ApiAuth.app({ apps: [mobile], customAuthorizer: jwt }),
    });
    this.group.addApi('GetProfile', {
      method: HttpMethod.GET, path: '/profile', apiName: 'get-profile',
      backend: Backend.http(`${backendUrl}/profile`),
      auth: ApiAuth.custom(jwt),
    });
    this.group.addApi('PartnerCatalog', {
      method: HttpMethod.GET, path: '/partner/catalog', apiName: 'partner-catalog',
      backend: Backend.http(`${backendUrl}/catalog`),
      auth: ApiAuth.thirdParty(partnerAuth),
    });
    const reports = this.group.addApi('GetReports', {
      method: HttpMethod.GET, path: '/reports', apiName: 'get-reports',
      backend: Backend.http(`${backendUrl}/reports`),
      auth: ApiAuth.iam(),
    });
    const audit = this.group.addApi('GetAudit', {
      method: HttpMethod.GET, path: '/audit', apiName: 'get-audit',
      backend: Backend.http(`${backendUrl}/audit`),
      // Two-factor: a SigV4 signature, then the custom authorizer (run by the group's proxy).
      auth: ApiAuth.iam({ customAuthorizer: jwt }),
    });
    this.group.addApi('Admin', {
      method: HttpMethod.ANY, path: '/admin/{path+}', apiName: 'admin',
      backend: Backend.http(`${backendUrl}/admin/{path}`),
      auth: ApiAuth.app({ apps: [backoffice] }),
      // Only from the office network, on top of the group's deny list.
      accessControl: AccessControl.allow(['203.0.113.0/24', '2001:db8:cafe::/48']),
      throttle: { rateLimit: 5, burstLimit: 5 },
    });

    // IAM callers: a role the reporting jobs assume may call exactly the IAM APIs.
    this.reportingClient = new iam.Role(this, 'ReportingClient', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Reporting jobs of the secured example: may call the IAM-authenticated APIs',
    });
    this.group.grantInvoke(this.reportingClient, reports, audit);

    // cdk-nag (AwsSolutions): the library acknowledges what its design answers (request validation in the
    // proxy, generated AppCodes); these are this app's own decisions.
    Validations.of(this.group.restApi.deploymentStage).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-APIG6',
        reason: 'Execution logging needs the account-wide API Gateway CloudWatch role, which this example does not set; ' +
          'the proxy and the authorizer log to their own log groups.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-APIG3',
        reason: 'No AWS WAF web ACL in this example (the group\'s IP rules and throttles apply): associate one with ' +
          'group.restApi.deploymentStage in a real deployment.',
      },
    );
  }
}

/** A Node.js function from functions/<dir>, with its own log group and a role that may only write there. */
function exampleFunction(scope: Construct, id: string, dir: string, description: string): lambda.Function {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_MONTH });
  const role = new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(path.join(__dirname, 'functions', dir)),
    description,
    role,
    logGroup,
  });
}
