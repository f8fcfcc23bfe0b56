/**
 * The "showcase" example's stack: ONE API group in which every one of the 19 response types has a
 * request that produces it on this machine (`npx cdk-api-groups local`, see README "Run a group
 * locally"), with the real bundled proxy and authorizer:
 *
 * | type                          | request                                                        |
 * |-------------------------------|----------------------------------------------------------------|
 * | NOT_FOUND                     | GET /nowhere                                                   |
 * | REQUEST_PARAMETERS_FAILURE    | GET /items/abc (the `tour` response: 422)                      |
 * | AUTH_HEADER_MISSING           | GET /orders without X-Apig-AppCode (or /reports unsigned)      |
 * | AUTH_FAILURE                  | GET /orders with an unknown AppCode (or /reports badly signed) |
 * | UNAUTHORIZED                  | GET /orders with the AppCode of app `outsider`                 |
 * | THROTTLED                     | a burst on /orders as app `limited` (usage plan 1/s) or on /limited (API throttle 1/s) |
 * | AUTHORIZER_IDENTITIES_FAILURE | GET /profile without a valid X-Mode                            |
 * | AUTHORIZER_FAILURE            | GET /profile with X-Mode: deny                                 |
 * | AUTHORIZER_CONF_FAILURE       | GET /profile with X-Mode: malformed                            |
 * | THIRD_AUTH_IDENTITIES_FAILURE | GET /partner without X-Token                                   |
 * | THIRD_AUTH_FAILURE            | GET /partner with X-Token: bad (the auth service answers 401)  |
 * | THIRD_AUTH_CONF_FAILURE       | GET /partner with X-Token: broken (the auth service answers 500)|
 * | ACCESS_DENIED                 | GET /vault from 127.0.0.1 (denied; body: every variable)       |
 * | BACKEND_TIMEOUT               | GET /items/1 with X-Backend: slow                              |
 * | BACKEND_UNAVAILABLE           | GET /items/1 with X-Backend: reset                             |
 * | DEFAULT_4XX                   | a body over 10 MB (API Gateway's REQUEST_TOO_LARGE), or over 6 MB to POST /upload |
 * | DEFAULT_5XX                   | GET /stock/1: its function is imported (Fn::ImportValue), which a local run cannot resolve |
 * | ORCHESTRATION_PARAMETER_NOT_FOUND | GET /offers without tier (its orchestration rule has no none_value) |
 * | ORCHESTRATION_FAILURE         | GET /offers?tier=bronze (no rule matches, no default)          |
 *
 * The group is also mapped to a custom domain, `api.showcase.example.com/v1/showcase` (a multi-level
 * base path): `cdk-api-groups local` serves it there by default (`--execute-api` for the execute-api
 * endpoint), with the events API Gateway sends behind a custom domain.
 *
 * `app.ts` synthesizes it with cdk-nag's AwsSolutions checks.
 */
import * as path from 'path';
import { Duration, Fn, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  AccessControl, ApiAuth, ApiGroup, Backend, HttpMethod, IdentitySource, MappedParameter, OrchestrationStrategy, ParameterType,
  RequestParameter, ResponseType,
} from 'cdk-api-groups';

/** Properties of the showcase stack. */
export interface ShowcaseStackProps extends StackProps {
  /** Base URL of the backend (X-Backend: slow / reset decide how it misbehaves). Default: a placeholder host. */
  readonly backendUrl?: string;
  /** URL of the third-party auth service (X-Token: ok / bad / broken). Default: a placeholder host. */
  readonly authUrl?: string;
  /** The custom domain the group is mapped to, at base path SHOWCASE_BASE_PATH. Default: api.showcase.example.com */
  readonly domainName?: string;
}

/** The base path of the showcase's custom domain mapping: two segments (an AWS::ApiGatewayV2::ApiMapping). */
export const SHOWCASE_BASE_PATH = 'v1/showcase';

/** The default body of every rule of the `default` response: code, message, type and request id. */
export const SHOWCASE_BODY = '{"error_code":"$context.error.code","error_msg":"$context.error.message","error_type":"$context.error.type","request_id":"$context.requestId"}';

/** A body with every variable (the `tour` response's ACCESS_DENIED, produced by GET /vault). */
export const EVERY_VARIABLE_BODY = '{' + [
  '"error_code":"$context.error.code"', '"error_msg":"$context.error.message"', '"error_type":"$context.error.type"',
  '"request_id":"$context.requestId"', '"api_id":"$context.apiId"', '"api_name":"$context.apiName"',
  '"app_id":"$context.appId"', '"app_name":"$context.appName"', '"stage":"$context.stage"',
  '"source_ip":"$context.sourceIp"', '"req_path":"$context.reqPath"', '"req_uri":"$context.reqUri"',
  '"req_method":"$context.reqMethod"', '"user":"$context.authorizer.frontend.user"',
  '"backend_user":"$context.authorizer.backend.user"', '"region":"$stageVariables.region"',
].join(',') + '}';

export class ShowcaseStack extends Stack {
  public readonly group: ApiGroup;

  constructor(scope: Construct, id: string, props: ShowcaseStackProps = {}) {
    super(scope, id, props);
    const backendUrl = props.backendUrl ?? 'https://backend.showcase.example.com';
    const authUrl = props.authUrl ?? 'https://auth.showcase.example.com/verify';

    // The `default` response: the same readable body for every type (with the type's name), and a few
    // rules of its own.
    const special = new Map<string, { statusCode?: number; body?: string; headers?: Record<string, string> }>([
      ['THROTTLED', { statusCode: 429, headers: { 'Retry-After': '1' } }],
      // The custom authorizer's context is readable after a deny...
      ['AUTHORIZER_FAILURE', { statusCode: 401, body: SHOWCASE_BODY.replace(/}$/, ',"reason":"$context.authorizer.frontend.reason"}') }],
      // ... and after an allow, when a later check fails.
      ['REQUEST_PARAMETERS_FAILURE', { body: SHOWCASE_BODY.replace(/}$/, ',"user":"$context.authorizer.frontend.user","tier":"$context.authorizer.frontend.tier"}') }],
    ]);
    this.group = new ApiGroup(this, 'Showcase', {
      groupName: 'showcase',
      description: 'Every gateway response type, producible locally (cdk-api-groups example)',
      stageVariables: { region: 'eu-west-1' },
      cors: { allowOrigins: ['https://showcase.example.com'] },
      defaultResponse: {
        rules: ResponseType.all().map(type => ({ type, body: SHOWCASE_BODY, ...special.get(type.name) })),
      },
    });

    // A second response, selected by some APIs: other status codes and bodies for the same types.
    const tour = this.group.addGatewayResponse('tour', {
      rules: [
        {
          type: ResponseType.REQUEST_PARAMETERS_FAILURE,
          statusCode: 422,
          body: '{"error":"$context.error.type","detail":"$context.error.message","api":"$context.apiName","request_id":"$context.requestId"}',
          headers: { 'X-Error-Code': '$context.error.code' },
        },
        {
          type: ResponseType.BACKEND_TIMEOUT,
          statusCode: 503,
          body: '{"error":"$context.error.type","code":"$context.error.code","retry":true,"request_id":"$context.requestId"}',
          headers: { 'Retry-After': '5' },
        },
        { type: ResponseType.ACCESS_DENIED, body: EVERY_VARIABLE_BODY },
      ],
    });

    // Apps: `limited` has a usage plan small enough to trip in a burst; `outsider` may call nothing.
    const mobile = this.group.addApp('mobile', { description: 'An app without limits of its own' });
    const limited = this.group.addApp('limited', { description: 'An app throttled to 1 request per second', throttle: { rateLimit: 1, burstLimit: 1 } });
    this.group.addApp('outsider', { description: 'An app no API authorises' });

    const gate = this.group.addCustomAuthorizer('gate', {
      handler: showcaseFunction(this, 'GateAuthorizer', 'authorizer', 'Custom authorizer of the showcase example (decides by X-Mode)'),
      identities: [IdentitySource.header('X-Mode', { validation: '^(allow|deny|malformed)$' })],
      userData: '{"audience":"showcase"}',
      timeout: Duration.seconds(3),
    });
    const partnerAuth = this.group.addThirdPartyAuthorizer('partner_auth', {
      url: authUrl,
      identities: [IdentitySource.header('X-Token')],
      timeout: Duration.seconds(2),
    });

    const none = { auth: ApiAuth.none() };
    this.group.addApi('Health', {
      method: HttpMethod.GET, path: '/health', apiName: 'health', ...none,
      backend: Backend.mock({ statusCode: 200, body: '{"status":"ok"}', headers: { 'Content-Type': 'application/json' } }),
    });
    this.group.addApi('Limited', {
      method: HttpMethod.GET, path: '/limited', apiName: 'limited', ...none,
      backend: Backend.mock({ statusCode: 200, body: '{"limited":true}', headers: { 'Content-Type': 'application/json' } }),
      throttle: { rateLimit: 1, burstLimit: 1 },
    });
    // Parameter orchestration: ?tier=gold (or platinum) reaches the backend as X-Tier: 1.
    const tiers = this.group.addOrchestrationRule('tiers', {
      strategy: OrchestrationStrategy.list([{ values: ['gold', 'platinum'], mappedValue: '1' }]),
      mappedParameter: MappedParameter.header('X-Tier'),
    });
    this.group.addApi('Offers', {
      method: HttpMethod.GET, path: '/offers', apiName: 'offers', ...none,
      backend: Backend.http(`${backendUrl}/offers`, { timeout: Duration.seconds(1) }),
      parameters: [RequestParameter.query('tier', { orchestrations: [tiers] })],
    });
    this.group.addApi('GetItem', {
      method: HttpMethod.GET, path: '/items/{id}', apiName: 'get-item', ...none,
      backend: Backend.http(`${backendUrl}/items/{id}`, { timeout: Duration.seconds(1) }),
      parameters: [RequestParameter.path('id', { type: ParameterType.NUMBER, minimum: 1 })],
      gatewayResponse: tour,
    });
    this.group.addApi('ListOrders', {
      method: HttpMethod.GET, path: '/orders', apiName: 'list-orders',
      backend: Backend.http(`${backendUrl}/orders`, { timeout: Duration.seconds(2) }),
      auth: ApiAuth.app({ apps: [mobile, limited] }),
    });
    this.group.addApi('GetProfile', {
      method: HttpMethod.GET, path: '/profile', apiName: 'get-profile',
      backend: Backend.mock({ statusCode: 200, body: '{"profile":"alice"}', headers: { 'Content-Type': 'application/json' } }),
      auth: ApiAuth.custom(gate),
      parameters: [RequestParameter.query('fields', { enumerations: ['name', 'email'] })],
    });
    this.group.addApi('Partner', {
      method: HttpMethod.GET, path: '/partner', apiName: 'partner',
      backend: Backend.mock({ statusCode: 200, body: '{"partner":true}', headers: { 'Content-Type': 'application/json' } }),
      auth: ApiAuth.thirdParty(partnerAuth),
    });
    this.group.addApi('Vault', {
      method: HttpMethod.GET, path: '/vault', apiName: 'vault',
      backend: Backend.mock({ statusCode: 200, body: '{"vault":"open"}', headers: { 'Content-Type': 'application/json' } }),
      // Two-factor (the app, then the custom authorizer), and never from this machine.
      auth: ApiAuth.app({ apps: [mobile], customAuthorizer: gate }),
      accessControl: AccessControl.deny(['127.0.0.1/32', '::1/128']),
      gatewayResponse: tour,
    });
    const reports = this.group.addApi('Reports', {
      method: HttpMethod.GET, path: '/reports', apiName: 'reports',
      backend: Backend.mock({ statusCode: 200, body: '{"reports":[]}', headers: { 'Content-Type': 'application/json' } }),
      auth: ApiAuth.iam(),
    });
    this.group.addApi('Upload', {
      method: HttpMethod.POST, path: '/upload', apiName: 'upload', ...none,
      backend: Backend.fn(showcaseFunction(this, 'Upload', 'upload', 'Function backend of the showcase example'), { timeout: Duration.seconds(5) }),
    });
    // A function owned by another stack: its ARN is imported, which only CloudFormation resolves.
    // Locally the proxy cannot resolve it and answers DEFAULT_5XX.
    const stock = lambda.Function.fromFunctionAttributes(this, 'Stock', {
      functionArn: Fn.importValue('ShowcaseStockFunctionArn'),
      sameEnvironment: true,
    });
    this.group.addApi('GetStock', {
      method: HttpMethod.GET, path: '/stock/{sku}', apiName: 'get-stock', ...none,
      backend: Backend.fn(stock, { timeout: Duration.seconds(2) }),
    });

    // A custom domain with a multi-level base path: https://api.showcase.example.com/v1/showcase/orders
    // reaches /orders. The certificate is imported (a real deployment names its own ACM certificate).
    this.group.restApi.addDomainName('Domain', {
      domainName: props.domainName ?? 'api.showcase.example.com',
      certificate: acm.Certificate.fromCertificateArn(this, 'DomainCertificate',
        this.formatArn({ service: 'acm', resource: 'certificate', resourceName: '00000000-0000-4000-8000-000000000000' })),
      securityPolicy: apigw.SecurityPolicy.TLS_1_2,
      basePath: SHOWCASE_BASE_PATH,
    });

    // IAM callers: a role whose sessions may call the IAM API.
    const client = new iam.Role(this, 'ReportsClient', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'May call the IAM-authenticated API of the showcase example',
    });
    this.group.grantInvoke(client, reports);

    // cdk-nag (AwsSolutions): this app's own decisions.
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
function showcaseFunction(scope: Construct, id: string, dir: string, description: string): lambda.Function {
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
