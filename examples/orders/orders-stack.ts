/**
 * The bundled example's stack: an "orders" API group with a custom gateway response selected by
 * some APIs, APIs on HTTP, Lambda function and mock backends, request parameters and CORS.
 * `app.ts` synthesizes it (with cdk-nag's AwsSolutions checks); the snapshot and cdk-nag tests reuse it.
 */
import * as path from 'path';
import { Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  ApiGroup, Backend, HttpMethod, ParameterType, RequestParameter, ResponseType,
} from 'cdk-api-groups';

/** Properties of the example stack. */
export interface OrdersStackProps extends StackProps {
  /** Base URL of the orders service. Default: a placeholder host. */
  readonly backendUrl?: string;
}

export class OrdersStack extends Stack {
  public readonly group: ApiGroup;

  constructor(scope: Construct, id: string, props: OrdersStackProps = {}) {
    super(scope, id, props);
    const backendUrl = props.backendUrl ?? 'https://orders.internal.example.com';

    this.group = new ApiGroup(this, 'Orders', {
      groupName: 'orders',
      description: 'Orders API group (cdk-api-groups example)',
      stageVariables: { region: 'eu-west-1' },
      cors: { allowOrigins: ['https://shop.example.com', 'https://admin.example.com'] },
      // The `default` response renders every API's errors unless an API selects another one.
      defaultResponse: {
        rules: [
          {
            type: ResponseType.THROTTLED,
            statusCode: 429,
            body: '{"code":"$context.error.code","msg":"$context.error.message","rid":"$context.requestId"}',
            headers: { 'Retry-After': '1' },
          },
          {
            type: ResponseType.NOT_FOUND,
            body: '{"error_code":"$context.error.code","error_msg":"$context.error.message","path":"$context.reqPath","request_id":"$context.requestId"}',
          },
        ],
      },
    });

    // A stricter response for the write APIs: 422 on bad parameters, with the API named in the body.
    const strict = this.group.addGatewayResponse('strict', {
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
          body: '{"error":"$context.error.type","retry":true,"request_id":"$context.requestId"}',
          headers: { 'Retry-After': '5' },
        },
      ],
    });

    this.group.addApi('ListOrders', {
      method: HttpMethod.GET,
      path: '/orders',
      apiName: 'list-orders',
      backend: Backend.http(`${backendUrl}/orders`, { timeout: Duration.seconds(5) }),
      parameters: [
        RequestParameter.query('status', { enumerations: ['open', 'shipped', 'cancelled'] }),
        RequestParameter.query('limit', { type: ParameterType.NUMBER, minimum: 1, maximum: 100 }),
      ],
    });

    this.group.addApi('GetOrder', {
      method: HttpMethod.GET,
      path: '/orders/{id}',
      apiName: 'get-order',
      backend: Backend.http(`${backendUrl}/orders/{id}`, { timeout: Duration.seconds(3) }),
      parameters: [RequestParameter.path('id', { type: ParameterType.NUMBER, minimum: 1 })],
    });

    this.group.addApi('CreateOrder', {
      method: HttpMethod.POST,
      path: '/orders',
      apiName: 'create-order',
      backend: Backend.http(`${backendUrl}/orders`, { timeout: Duration.seconds(2) }),
      parameters: [
        RequestParameter.header('Idempotency-Key', { required: true, minLength: 8, maxLength: 64 }),
      ],
      gatewayResponse: strict,
    });

    // Its own log group and a role that may only write there (no AWS managed policy).
    const inventoryLogs = new logs.LogGroup(this, 'InventoryLogs', { retention: logs.RetentionDays.ONE_MONTH });
    const inventoryRole = new iam.Role(this, 'InventoryRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    inventoryLogs.grantWrite(inventoryRole);
    const inventory = new lambda.Function(this, 'Inventory', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, 'functions', 'inventory')),
      description: 'Inventory backend of the orders example',
      role: inventoryRole,
      logGroup: inventoryLogs,
    });
    this.group.addApi('GetInventory', {
      method: HttpMethod.GET,
      path: '/inventory/{sku}',
      apiName: 'get-inventory',
      backend: Backend.fn(inventory, { timeout: Duration.seconds(2) }),
      parameters: [RequestParameter.path('sku', { minLength: 3, maxLength: 32 })],
      gatewayResponse: strict,
    });

    this.group.addApi('Health', {
      method: HttpMethod.GET,
      path: '/health',
      apiName: 'health',
      backend: Backend.mock({ statusCode: 200, body: '{"status":"ok"}', headers: { 'Content-Type': 'application/json' } }),
    });

    // cdk-nag (AwsSolutions): the library acknowledges what its design answers (request validation in
    // the proxy); the stage's findings are this app's own decisions.
    acknowledgeStageFindings(this.group);
  }
}

/**
 * The stage findings an application decides: execution logging (off here; the group's access log is
 * on by default), and a WAF web ACL, the deployer's choice.
 */
function acknowledgeStageFindings(group: ApiGroup): void {
  Validations.of(group.restApi.deploymentStage).acknowledge(
    {
      id: 'AwsSolutions::AwsSolutions-APIG6',
      reason: 'Execution logging needs the account-wide API Gateway CloudWatch role, which this example does not set; ' +
        'the proxy and the authorizer log to their own log groups.',
    },
    {
      id: 'AwsSolutions::AwsSolutions-APIG3',
      reason: 'No AWS WAF web ACL in this example: associate one with group.restApi.deploymentStage in a real deployment.',
    },
  );
}
