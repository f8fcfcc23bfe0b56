import { Aws, Duration } from 'aws-cdk-lib';
import type { CorsOptions } from '../../cors';
import type { GatewayResponse } from '../../gateway-response';
import { nativeResponses } from '../native-responses';
import { ExposurePlan, PlannedMethod, PlannedResource } from './exposure';
import { DIRECT_VALIDATORS, DirectOperationInput, directOperationParts } from '../direct/direct-operation';
import { preflightAnswer } from './preflight-answer';

/**
 * The OpenAPI 3.0 document that defines the group's REST API (DESIGN section 11), with API
 * Gateway's own extensions only (extensions.ts lists the documented ones).
 *
 * Deploy-time values (the functions' ARNs, region, partition) are CDK tokens in the document, and
 * the document goes inline into the REST API's `Body`: CloudFormation resolves intrinsic functions
 * anywhere in a property value, so the tokens become `Fn::GetAtt`/`Fn::Join` there (aws-cdk's
 * `ApiDefinition.fromInline` works the same way). The alternatives were weighed:
 * - `BodyS3Location` (`ApiDefinition.fromAsset`): CloudFormation does not resolve anything inside
 *   the S3 file, and the functions' ARNs are unknown at synth for environment-agnostic stacks
 *   (alma-cdk/openapix#15 hit exactly this).
 * - `Fn::Transform: AWS::Include` on an asset: intrinsics in the included file are resolved, but
 *   the transform only runs through change sets, its `Location` must be a plain S3 URI (transforms
 *   run before intrinsics, so a bootstrap bucket named with `${AWS::AccountId}` is a risk; see
 *   aws/serverless-application-model#372), it was missing in some regions for years
 *   (cloudformation-coverage-roadmap#278), and the local gateway would need the asset file.
 * Inline costs template size; the quota checks measure it against CloudFormation's 1 MB (a
 * 1000-API group of the shape stays far below it, see test/constructs/definition-*.test.ts).
 */

/** The document's security scheme of the group's REQUEST authorizer (also the authorizer's name in API Gateway). */
export const AUTHORIZER_SCHEME = 'apigGroupAuthorizer';
/** The security scheme of IAM (SigV4) methods. */
export const SIGV4_SCHEME = 'sigv4';
/** The security scheme of methods requiring a usage-plan API key (the authorizer supplies it). */
export const API_KEY_SCHEME = 'api_key';

export interface OpenApiInput {
  /** The REST API's title: the group's name. */
  readonly title: string;
  readonly description?: string;
  readonly plan: ExposurePlan;
  /** The group's `default` response: API Gateway's own gateway responses are translated from it. */
  readonly defaultResponse: GatewayResponse;
  readonly cors?: CorsOptions;
  /** Per-app usage plans: API keys come from the authorizer. */
  readonly usagePlans: boolean;
  readonly integrationTimeout: Duration;
  /** Invocation URI of the proxy function (see lambdaInvocationUri). */
  readonly proxyUri: string;
  /** Invocation URI of the authorizer function; required when the plan uses the authorizer. */
  readonly authorizerUri?: string;
  /** The integrations of the APIs whose methods are direct (by API id). */
  readonly direct?: ReadonlyMap<string, DirectOperationInput>;
}

/** `arn:<partition>:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations`. */
export function lambdaInvocationUri(functionArn: string): string {
  return `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}

export type OpenApiDocument = Record<string, unknown>;

const OPERATION_KEYS: Record<string, string> = {
  ANY: 'x-amazon-apigateway-any-method',
  DELETE: 'delete', GET: 'get', HEAD: 'head', OPTIONS: 'options', PATCH: 'patch', POST: 'post', PUT: 'put',
};

export function buildOpenApiDocument(input: OpenApiInput): OpenApiDocument {
  const { plan } = input;
  if (plan.usesAuthorizer && input.authorizerUri === undefined) {
    throw new Error('cdk-api-groups: the definition uses the authorizer but no authorizer URI was given');
  }
  const proxyIntegration = {
    type: 'aws_proxy',
    httpMethod: 'POST',
    uri: input.proxyUri,
    timeoutInMillis: input.integrationTimeout.toMilliseconds(),
  };
  const paths: Record<string, Record<string, unknown>> = {};
  let validates = false;
  for (const resource of plan.resources) {
    const item: Record<string, unknown> = {};
    for (const method of resource.methods) {
      const direct = method.direct ? input.direct?.get(method.apiId!) : undefined;
      if (method.direct && direct === undefined) {
        throw new Error(`cdk-api-groups: no direct integration for API ${method.apiId}`);
      }
      if (direct) {
        const parts = directOperationParts(direct);
        validates ||= parts.validator !== undefined;
        item[OPERATION_KEYS[method.httpMethod]] = directOperation(resource, method, parts);
        continue;
      }
      item[OPERATION_KEYS[method.httpMethod]] = method.kind === 'preflight'
        ? preflightOperation(resource, input.cors!)
        : proxyOperation(resource, method, proxyIntegration);
    }
    paths[resource.path] = item;
  }

  const schemes: Record<string, unknown> = {};
  const used = (scheme: string) => plan.resources.some(r => r.methods.some(m =>
    (scheme === AUTHORIZER_SCHEME && m.authorizer) || (scheme === SIGV4_SCHEME && m.iam) || (scheme === API_KEY_SCHEME && m.apiKey)));
  if (used(AUTHORIZER_SCHEME)) {
    schemes[AUTHORIZER_SCHEME] = {
      // For a REQUEST authorizer, name and in are OpenAPI's required fields only: API Gateway's
      // identity sources are identitySource's (documented optional without caching). Should an
      // importer ever take the name for one (it does for TOKEN authorizers), Host is in every request.
      type: 'apiKey',
      name: 'Host',
      in: 'header',
      'x-amazon-apigateway-authtype': 'custom',
      'x-amazon-apigateway-authorizer': {
        type: 'request',
        authorizerUri: input.authorizerUri,
        // No caching (the verdict depends on the API; the authorizer caches what it can itself), and
        // so no identity sources: API Gateway needs them only to key a cache. Unset, the TTL would be 300.
        authorizerResultTtlInSeconds: 0,
      },
    };
  }
  if (used(SIGV4_SCHEME)) {
    schemes[SIGV4_SCHEME] = { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' };
  }
  if (used(API_KEY_SCHEME)) {
    schemes[API_KEY_SCHEME] = { type: 'apiKey', name: 'x-api-key', in: 'header' };
  }

  const gatewayResponses: Record<string, unknown> = {};
  for (const native of nativeResponses(input.defaultResponse, input.cors)) {
    const responseParameters: Record<string, string> = {};
    for (const [name, value] of Object.entries(native.headers)) { responseParameters[`gatewayresponse.header.${name}`] = value; }
    gatewayResponses[native.awsType] = {
      ...(native.statusCode !== undefined ? { statusCode: native.statusCode } : {}),
      responseParameters,
      responseTemplates: { 'application/json': native.body },
    };
  }

  return {
    openapi: '3.0.1',
    info: { title: input.title, version: '1', ...(input.description ? { description: input.description } : {}) },
    paths,
    ...(Object.keys(schemes).length > 0 ? { components: { securitySchemes: schemes } } : {}),
    // Every media type is binary, so bodies reach the proxy (and return) as base64, byte for byte.
    'x-amazon-apigateway-binary-media-types': ['*/*'],
    ...(input.usagePlans ? { 'x-amazon-apigateway-api-key-source': 'AUTHORIZER' } : {}),
    ...(validates ? { 'x-amazon-apigateway-request-validators': DIRECT_VALIDATORS } : {}),
    'x-amazon-apigateway-gateway-responses': gatewayResponses,
  };
}

function pathParameters(resource: PlannedResource): Array<Record<string, unknown>> {
  return resource.parameters.map(name => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
}

function withParameters(resource: PlannedResource, operation: Record<string, unknown>): Record<string, unknown> {
  return resource.parameters.length > 0 ? { parameters: pathParameters(resource), ...operation } : operation;
}

/** One requirement object per scheme, as API Gateway's own export writes a method with an authorizer and a required API key; its import reads each (the authorizer, and apiKeyRequired). */
function securityOf(method: PlannedMethod): Array<Record<string, string[]>> {
  const security: Array<Record<string, string[]>> = [];
  if (method.iam) { security.push({ [SIGV4_SCHEME]: [] }); }
  if (method.authorizer) { security.push({ [AUTHORIZER_SCHEME]: [] }); }
  if (method.apiKey) { security.push({ [API_KEY_SCHEME]: [] }); }
  return security;
}

function directOperation(resource: PlannedResource, method: PlannedMethod, parts: ReturnType<typeof directOperationParts>): Record<string, unknown> {
  const security = securityOf(method);
  const parameters = [...pathParameters(resource), ...parts.parameters];
  return {
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(security.length > 0 ? { security } : {}),
    ...(parts.validator !== undefined ? { 'x-amazon-apigateway-request-validator': parts.validator } : {}),
    responses: parts.responses,
    'x-amazon-apigateway-integration': parts.integration,
  };
}

function proxyOperation(resource: PlannedResource, method: PlannedMethod, integration: Record<string, unknown>): Record<string, unknown> {
  const security = securityOf(method);
  return withParameters(resource, {
    ...(security.length > 0 ? { security } : {}),
    // OpenAPI needs one response (API Gateway's own examples declare 200); with AWS_PROXY the
    // proxy's answer passes as is, whatever its status.
    responses: { 200: { description: 'The proxy\'s answer' } },
    'x-amazon-apigateway-integration': integration,
  });
}

function preflightOperation(resource: PlannedResource, cors: CorsOptions): Record<string, unknown> {
  const answer = preflightAnswer(cors);
  const responseParameters: Record<string, string> = {};
  const headers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    responseParameters[`method.response.header.${name}`] = value;
    headers[name] = { schema: { type: 'string' } };
  }
  return withParameters(resource, {
    responses: { [answer.statusCode]: { description: 'CORS preflight, answered by API Gateway', headers } },
    'x-amazon-apigateway-integration': {
      type: 'mock',
      // Every media type is binary on this REST API: the mock's request template must be applied as text.
      contentHandling: 'CONVERT_TO_TEXT',
      requestTemplates: answer.requestTemplates,
      responses: {
        default: {
          statusCode: answer.statusCode,
          // The answer too: a preflight's Accept (browsers send */*) matches the binary media types,
          // and AWS's response conversion table then makes the mock's answer a binary blob, to which
          // the origin-echo template (several allowed origins) is not applied as text. CONVERT_TO_TEXT
          // is the documented setting that keeps it text ("Content type conversions in API Gateway",
          // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings-workflow.html).
          contentHandling: 'CONVERT_TO_TEXT',
          responseParameters,
          ...(answer.responseTemplates ? { responseTemplates: answer.responseTemplates } : {}),
        },
      },
    },
  });
}
