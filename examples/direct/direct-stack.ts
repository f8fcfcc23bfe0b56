/**
 * The direct-integration example's stack (README "Direct integration"): `DirectIntegration.AUTO`
 * sends every API that loses nothing straight to its backend (HTTP_PROXY, MOCK), `direct: true`
 * makes an app-authenticated API and a function API direct on purpose, and the others stay on the
 * proxy. The deployment report (cdk.out/*.deployment-report.txt) lists each API's path and why.
 */
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  ApiAuth, ApiGroup, Backend, DirectIntegration, HttpMethod, RequestParameter, ResponseType,
} from 'cdk-api-groups';

/** Properties of the example stack. */
export interface DirectStackProps extends StackProps {
  /** Base URL of the catalog service. Default: a placeholder host. */
  readonly backendUrl?: string;
}

export class DirectStack extends Stack {
  public readonly group: ApiGroup;

  constructor(scope: Construct, id: string, props: DirectStackProps = {}) {
    super(scope, id, props);
    const backendUrl = props.backendUrl ?? 'https://catalog.internal.example.com';

    this.group = new ApiGroup(this, 'Catalog', {
      groupName: 'catalog',
      description: 'Direct integration where nothing is lost (cdk-api-groups example)',
      directIntegration: DirectIntegration.AUTO,
    });
    const mobile = this.group.addApp('mobile', { throttle: { rateLimit: 50, burstLimit: 20 } });
    const partner = this.group.addGatewayResponse('partner', {
      rules: [{ type: ResponseType.NOT_FOUND, statusCode: 404, body: '{"code":"NO_SUCH_ITEM","request":"$context.requestId"}' }],
    });

    // AUTO: public and IAM APIs with a fixed backend URL, and mocks, go direct (HTTP_PROXY, MOCK).
    this.group.addApi('Health', {
      method: HttpMethod.GET, path: '/health', apiName: 'health',
      backend: Backend.mock({ body: '{"status":"ok"}', headers: { 'Content-Type': 'application/json' } }),
    });
    this.group.addApi('Search', {
      method: HttpMethod.GET, path: '/catalog/search', apiName: 'search',
      backend: Backend.http(`${backendUrl}/search`, { timeout: Duration.seconds(3) }),
      // Presence only: API Gateway's request validator checks it.
      parameters: [RequestParameter.query('q', { required: true })],
    });
    this.group.addApi('Reindex', {
      method: HttpMethod.POST, path: '/catalog/reindex', apiName: 'reindex',
      backend: Backend.http(`${backendUrl}/admin/reindex`),
      auth: ApiAuth.iam(),
    });

    // Direct on purpose: the authorizer alone decides (one Lambda invocation instead of two); its
    // refusals are API Gateway's UNAUTHORIZED (README's table), and the backend gets the app's name.
    this.group.addApi('Favourites', {
      method: HttpMethod.GET, path: '/me/favourites', apiName: 'favourites', direct: true,
      auth: ApiAuth.app({ apps: [mobile], signature: false }),
      backend: Backend.http(`${backendUrl}/favourites`, { authorizerContextHeaders: { 'X-App-Name': 'appName' } }),
    });
    // Direct on purpose: API Gateway invokes the function (AWS_PROXY); a function error is then DEFAULT_5XX.
    const prices = new lambda.Function(this, 'Prices', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      description: 'Prices of the direct-integration example',
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ currency: "EUR" }) });'),
    });
    this.group.addApi('Prices', {
      method: HttpMethod.GET, path: '/catalog/prices', apiName: 'prices', direct: true,
      backend: Backend.fn(prices, { timeout: Duration.seconds(5) }),
    });

    // On the proxy, each for a reason the deployment report names.
    this.group.addApi('Item', {
      method: HttpMethod.GET, path: '/catalog/items/{id}', apiName: 'item',
      backend: Backend.http(`${backendUrl}/items/{id}`), // backendPath: the proxy checks {id} for the backend path
    });
    this.group.addApi('PartnerItem', {
      method: HttpMethod.GET, path: '/partner/items', apiName: 'partner-item',
      backend: Backend.http(`${backendUrl}/partner/items`), gatewayResponse: partner, // response: its own gateway response
    });
    this.group.addApi('Basket', {
      method: HttpMethod.POST, path: '/me/basket', apiName: 'basket',
      backend: Backend.http(`${backendUrl}/basket`),
      auth: ApiAuth.app({ apps: [mobile], signature: false }), // authorizerVerdicts: AUTO keeps every Huawei type
    });
  }
}
