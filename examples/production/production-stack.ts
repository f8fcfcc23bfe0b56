/**
 * The production example's stack: the "shop" API group as a production team runs it.
 * - Private backends: the proxy and the authorizer run in the VPC's isolated subnets; the orders
 *   service is a private host (`orders.internal.example.com`, a private hosted zone record), the
 *   stock service a Lambda function; the group creates the interface endpoints the functions need
 *   (Lambda, Secrets Manager) instead of a NAT.
 * - Environments: RELEASE (the default) and TEST, each with its variables; the new returns API is
 *   published in TEST only (NOT_FOUND in RELEASE).
 * - Stage options: access log (default), execution logging, X-Ray tracing, detailed metrics, a
 *   custom domain with a base path, and a WAF web ACL on both stages.
 * - Warm functions: the proxy and the authorizer are invoked through their `live` aliases, with
 *   provisioned concurrency.
 * `app.ts` synthesizes it with cdk-nag's AwsSolutions checks; the snapshot and cdk-nag tests reuse it.
 */
import * as path from 'path';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ApiAuth, ApiGroup, Backend, HttpMethod } from 'cdk-api-groups';

/** Properties of the production example stack. */
export interface ProductionStackProps extends StackProps {
  /** ACM certificate of the custom domain. Default: a placeholder ARN. */
  readonly certificateArn?: string;
}

export class ProductionStack extends Stack {
  public readonly group: ApiGroup;
  public readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props: ProductionStackProps = {}) {
    super(scope, id, props);

    // A VPC without a NAT: the functions reach AWS services through interface endpoints only.
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'services', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH })),
    });
    // The orders service's private name; its hosts (ECS, EC2...) are the team's and not part of this example.
    const zone = new route53.PrivateHostedZone(this, 'InternalZone', { zoneName: 'internal.example.com', vpc: this.vpc });
    new route53.ARecord(this, 'OrdersHost', { zone, recordName: 'orders', target: route53.RecordTarget.fromIpAddresses('10.0.0.10') });

    const certificate = acm.Certificate.fromCertificateArn(this, 'Certificate',
      props.certificateArn ?? 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000');

    this.group = new ApiGroup(this, 'Shop', {
      groupName: 'shop',
      description: 'Shop API group (cdk-api-groups production example)',
      stageVariables: { warehouse: 'main' },
      throttle: { rateLimit: 200, burstLimit: 100 },
      vpc: this.vpc,
      createVpcEndpoints: true,
      tracing: true,
      detailedMetrics: true,
      executionLogLevel: apigw.MethodLoggingLevel.ERROR,
      domain: { domainName: 'api.shop.example.com', certificate, basePath: 'shop' },
      keepWarm: { proxyProvisionedConcurrency: 2, authorizerProvisionedConcurrency: 1 },
    });
    const test = this.group.addEnvironment('TEST', {
      variables: { warehouse: 'staging' },
      throttle: { rateLimit: 20, burstLimit: 10 },
      description: 'Pre-release environment of the shop group',
    });

    const mobile = this.group.addApp('mobile');
    this.group.addApi('GetOrder', {
      method: HttpMethod.GET,
      path: '/orders/{id}',
      apiName: 'get-order',
      backend: Backend.http('https://orders.internal.example.com/orders/{id}', { timeout: Duration.seconds(5) }),
      auth: ApiAuth.app({ apps: [mobile] }),
    });
    this.group.addApi('GetStock', {
      method: HttpMethod.GET,
      path: '/stock/{sku}',
      apiName: 'get-stock',
      backend: Backend.fn(exampleFunction(this, 'Stock', 'stock', 'Stock backend of the production example')),
    });
    this.group.addApi('CreateReturn', {
      method: HttpMethod.POST,
      path: '/returns',
      apiName: 'create-return',
      backend: Backend.http('https://orders.internal.example.com/returns'),
      auth: ApiAuth.app({ apps: [mobile] }),
      environments: [test],
    });

    // A WAF web ACL (AWS's common rule set) on both environments' stages.
    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'shop-web-acl', sampledRequestsEnabled: true },
      rules: [{
        name: 'common',
        priority: 0,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
        visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'shop-common', sampledRequestsEnabled: true },
      }],
    });
    for (const env of this.group.environments) {
      new wafv2.CfnWebACLAssociation(this, `WebAcl${env.environmentName}`, { resourceArn: env.stage.stageArn, webAclArn: webAcl.attrArn });
    }

    // cdk-nag (AwsSolutions): the options settle the stage findings (access log, execution logging, WAF);
    // the library acknowledges what its design answers. Nothing is left for this app to acknowledge.
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
