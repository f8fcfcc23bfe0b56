import { substituteAddress } from '../backend-address';
import type { DirectBackend } from './direct-backend';

/**
 * The OpenAPI operation of a direct API (README "Direct integration"): API Gateway's own
 * integration of its backend instead of the proxy. HTTP backends become HTTP_PROXY, functions
 * AWS_PROXY and mocks MOCK; required query strings and headers are checked by a request
 * validator (DIRECT_VALIDATOR).
 */
export interface DirectOperationInput {
  readonly backend: DirectBackend;
  /** The API's method (ANY included). */
  readonly apiMethod: string;
  /** Query strings and headers the API requires (path parameters are required by routing). */
  readonly required: ReadonlyArray<{ readonly in: 'query' | 'header'; readonly name: string }>;
  /** The caller's AppCode must not reach the backend (app authentication by AppCode). */
  readonly hideAppCode: boolean;
  /** `arn:...:lambda:path/.../functions/<arn>/invocations` of a function backend. */
  readonly functionUri?: string;
}

/** The document's request validator of direct APIs with required parameters. */
export const DIRECT_VALIDATOR = 'direct-parameters';

/** `x-amazon-apigateway-request-validators`: presence checks of query strings and headers only. */
export const DIRECT_VALIDATORS = {
  [DIRECT_VALIDATOR]: { validateRequestParameters: true, validateRequestBody: false },
};

/** The header the proxy forwards the request id in; a direct HTTP backend gets it from API Gateway's context. */
const REQUEST_ID_HEADER = 'X-Request-Id';
/** Huawei's AppCode header, which the proxy never forwards (a credential for the gateway only). */
const APP_CODE_HEADER = 'X-Apig-AppCode';

/** The integration and the parts of the operation that depend on it. */
export function directOperationParts(input: DirectOperationInput): {
  readonly integration: Record<string, unknown>;
  readonly responses: Record<string, unknown>;
  readonly parameters: Array<Record<string, unknown>>;
  readonly validator?: string;
} {
  const parameters = input.required.map(p => ({ name: p.name, in: p.in, required: true, schema: { type: 'string' } }));
  const validator = parameters.length > 0 ? DIRECT_VALIDATOR : undefined;
  const backend = input.backend;
  switch (backend.kind) {
    case 'HTTP': {
      const requestParameters: Record<string, string> = {
        [`integration.request.header.${REQUEST_ID_HEADER}`]: 'context.requestId',
      };
      // A mapped header replaces the caller's header of that name on its way to the backend.
      if (input.hideAppCode) { requestParameters[`integration.request.header.${APP_CODE_HEADER}`] = '\'-\''; }
      for (const [header, key] of Object.entries(backend.contextHeaders)) {
        requestParameters[`integration.request.header.${header}`] = `context.authorizer.${key}`;
      }
      const uri = substituteAddress(backend.url, backend.variables, name => `\${stageVariables.${name}}`);
      return {
        integration: {
          type: 'http_proxy',
          httpMethod: backend.method ?? input.apiMethod,
          uri: 'url' in uri ? uri.url : backend.url,
          passthroughBehavior: 'when_no_match',
          requestParameters,
          timeoutInMillis: backend.timeoutMs,
        },
        responses: { 200: { description: 'The backend\'s answer' } },
        parameters,
        validator,
      };
    }
    case 'FUNCTION':
      return {
        integration: { type: 'aws_proxy', httpMethod: 'POST', uri: input.functionUri, timeoutInMillis: backend.timeoutMs },
        responses: { 200: { description: 'The function\'s answer' } },
        parameters,
        validator,
      };
    case 'MOCK': {
      const status = String(backend.statusCode);
      return {
        integration: {
          type: 'mock',
          // Every media type is binary on this REST API: the templates must be applied as text.
          contentHandling: 'CONVERT_TO_TEXT',
          requestTemplates: { 'application/json': `{"statusCode": ${status}}` },
          responses: {
            default: {
              statusCode: status,
              contentHandling: 'CONVERT_TO_TEXT',
              responseTemplates: { 'application/json': mockTemplate(backend.headers, backend.body) },
            },
          },
        },
        responses: { [status]: { description: 'The mock\'s answer' } },
        parameters,
        validator,
      };
    }
  }
}

/**
 * The mock's answer as a mapping template: headers through `$context.responseOverride`, the body
 * and header values base64-encoded in the template (`$util.base64Decode`), so that no `$` or `#`
 * of theirs is ever read as VTL.
 */
export function mockTemplate(headers: Readonly<Record<string, string>>, body: string): string {
  const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
  let template = `#set($context.responseOverride.header.${REQUEST_ID_HEADER} = $context.requestId)`;
  // The proxy sets X-Request-Id after the mock's own headers: so does the template.
  for (const name of Object.keys(headers).sort().filter(n => n.toLowerCase() !== REQUEST_ID_HEADER.toLowerCase())) {
    template += `#set($context.responseOverride.header.${name} = $util.base64Decode("${b64(headers[name])}"))`;
  }
  return `${template}$util.base64Decode("${b64(body)}")`;
}
