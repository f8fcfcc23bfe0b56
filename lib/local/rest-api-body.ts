/**
 * A REST API defined by an OpenAPI document (the `Body` of an AWS::ApiGateway::RestApi, tokens
 * already resolved), read as API Gateway imports it: each path a resource (its parents created as
 * needed), each operation a method (`x-amazon-apigateway-any-method` is ANY), `security`
 * requirements naming an `x-amazon-apigateway-authorizer` scheme (CUSTOM), an `awsSigv4` scheme
 * (AWS_IAM) or a plain apiKey scheme (API key required), `x-amazon-apigateway-integration`
 * (AWS_PROXY to a Lambda function, HTTP_PROXY to a URL, MOCK), request validators
 * (`x-amazon-apigateway-request-validators`, a document-wide or per-operation
 * `x-amazon-apigateway-request-validator`, with the operation's `parameters` marked `required`),
 * gateway responses, binary media types and the API key source.
 */
import type {
  AuthorizerModel, GatewayResponseModel, IntegrationModel, MethodModel, MockResponseModel, RequestValidatorModel, ResourceNode,
} from './rest-api';

/** What a document defines, for readRestApi to merge with the template's own resources. */
export interface BodyModel {
  readonly root: ResourceNode;
  readonly authorizers: Map<string, AuthorizerModel>;
  readonly gatewayResponses: Map<string, GatewayResponseModel>;
  readonly binaryMediaTypes: string[];
  readonly apiKeySource?: string;
}

export interface BodyContext {
  readonly restApiId: string;
  /** Local resource and authorizer ids from a seed. */
  readonly localId: (seed: string, length: number) => string;
  readonly functionArnOfUri: (uri: string) => string | undefined;
  readonly warnings: string[];
}

const OPERATIONS: Record<string, string> = {
  'get': 'GET', 'put': 'PUT', 'post': 'POST', 'delete': 'DELETE', 'options': 'OPTIONS', 'head': 'HEAD', 'patch': 'PATCH',
  'x-amazon-apigateway-any-method': 'ANY',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) { return out; }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') { out[k] = v; } else if (typeof v === 'number' || typeof v === 'boolean') { out[k] = String(v); }
  }
  return out;
}

/** Reads a resolved OpenAPI 2.0 or 3.0 document with API Gateway's extensions. */
export function readBody(body: Record<string, unknown>, root: ResourceNode, ctx: BodyContext): BodyModel {
  const schemes: Record<string, unknown> = {
    ...(isRecord(body.securityDefinitions) ? body.securityDefinitions : {}),
    ...(isRecord(body.components) && isRecord(body.components.securitySchemes) ? body.components.securitySchemes : {}),
  };

  const authorizers = new Map<string, AuthorizerModel>();
  const sigv4 = new Set<string>();
  const apiKeys = new Set<string>();
  for (const [name, scheme] of Object.entries(schemes)) {
    if (!isRecord(scheme)) { continue; }
    const authorizer = scheme['x-amazon-apigateway-authorizer'];
    if (isRecord(authorizer)) {
      const type = String(authorizer.type ?? 'token').toUpperCase();
      let functionArn: string | undefined;
      let unresolved: string | undefined;
      if (type === 'TOKEN' || type === 'REQUEST') {
        functionArn = typeof authorizer.authorizerUri === 'string' ? ctx.functionArnOfUri(authorizer.authorizerUri) : undefined;
        if (functionArn === undefined) { unresolved = `authorizer ${name}: its URI names no Lambda function that runs locally`; }
      } else {
        unresolved = `authorizer ${name}: ${type} authorizers are not emulated locally`;
      }
      const identitySource = typeof authorizer.identitySource === 'string' ? authorizer.identitySource
        // API Gateway takes a TOKEN authorizer's header from the scheme when identitySource is absent.
        : type === 'TOKEN' && scheme.in === 'header' && typeof scheme.name === 'string' ? `method.request.header.${scheme.name}` : '';
      authorizers.set(name, {
        logicalId: name,
        id: ctx.localId(`${ctx.restApiId}/authorizer/${name}`, 6),
        name,
        type,
        functionArn,
        unresolved,
        ttlSeconds: typeof authorizer.authorizerResultTtlInSeconds === 'number' ? authorizer.authorizerResultTtlInSeconds : 300,
        identitySource: identitySource.split(',').map(s => s.trim()).filter(s => s !== ''),
      });
    } else if (scheme['x-amazon-apigateway-authtype'] === 'awsSigv4') {
      sigv4.add(name);
    } else if (scheme.type === 'apiKey') {
      apiKeys.add(name);
    }
  }

  const nodeAt = (path: string): ResourceNode => {
    let node = root;
    for (const part of path.split('/').filter(p => p !== '')) {
      let child = node.children.find(c => c.part === part);
      if (!child) {
        const childPath = node.path === '/' ? `/${part}` : `${node.path}/${part}`;
        child = {
          logicalId: `${ctx.restApiId}${childPath}`,
          id: ctx.localId(`${ctx.restApiId}/resource${childPath}`, 6),
          path: childPath,
          part,
          children: [],
          methods: new Map(),
        };
        node.children.push(child);
      }
      node = child;
    }
    return node;
  };

  const integrationOf = (where: string, value: unknown): IntegrationModel => {
    if (!isRecord(value)) { return { type: 'UNSUPPORTED', reason: `${where} has no x-amazon-apigateway-integration` }; }
    const type = String(value.type ?? '').toUpperCase();
    if (type === 'AWS_PROXY') {
      const fn = typeof value.uri === 'string' ? ctx.functionArnOfUri(value.uri) : undefined;
      if (fn === undefined) { return { type: 'UNSUPPORTED', reason: `${where}: AWS_PROXY integration with a URI that names no Lambda function` }; }
      return { type: 'AWS_PROXY', functionArn: fn, timeoutMs: typeof value.timeoutInMillis === 'number' ? value.timeoutInMillis : 29_000 };
    }
    if (type === 'HTTP_PROXY') {
      if (typeof value.uri !== 'string') { return { type: 'UNSUPPORTED', reason: `${where}: HTTP_PROXY integration without a uri` }; }
      return {
        type: 'HTTP_PROXY',
        uri: value.uri,
        httpMethod: String(value.httpMethod ?? 'ANY').toUpperCase(),
        requestParameters: strings(value.requestParameters),
        timeoutMs: typeof value.timeoutInMillis === 'number' ? value.timeoutInMillis : 29_000,
      };
    }
    if (type === 'MOCK') {
      const responses: MockResponseModel[] = Object.entries(isRecord(value.responses) ? value.responses : {})
        .filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]))
        .map(([pattern, r]) => ({
          statusCode: String(r.statusCode ?? '200'),
          selectionPattern: pattern === 'default' ? undefined : pattern,
          parameters: strings(r.responseParameters),
          templates: strings(r.responseTemplates),
          ...(typeof r.contentHandling === 'string' ? { contentHandling: r.contentHandling } : {}),
        }));
      return {
        type: 'MOCK',
        responses,
        requestTemplates: strings(value.requestTemplates),
        passthroughBehavior: String(value.passthroughBehavior ?? 'WHEN_NO_MATCH').toUpperCase(),
      };
    }
    return { type: 'UNSUPPORTED', reason: `${where}: ${type || 'unknown'} integrations are not emulated locally` };
  };

  // Request validators by name; the document-wide default applies to operations that name none.
  const validators = new Map<string, RequestValidatorModel>();
  const declared = body['x-amazon-apigateway-request-validators'];
  for (const [name, v] of Object.entries(isRecord(declared) ? declared : {})) {
    if (!isRecord(v)) { continue; }
    validators.set(name, { validateRequestParameters: v.validateRequestParameters === true, validateRequestBody: v.validateRequestBody === true });
  }
  const defaultValidator = body['x-amazon-apigateway-request-validator'];
  const validatorOf = (where: string, name: unknown): RequestValidatorModel | undefined => {
    const chosen = typeof name === 'string' ? name : typeof defaultValidator === 'string' ? defaultValidator : undefined;
    if (chosen === undefined) { return undefined; }
    const found = validators.get(chosen);
    if (!found) { ctx.warnings.push(`${where}: request validator ${chosen} is not declared`); }
    return found;
  };
  // `parameters` of a path item and of an operation (the operation's win), `required` ones kept.
  const parametersOf = (...lists: unknown[]): Record<string, boolean> => {
    const out: Record<string, boolean> = {};
    for (const list of lists) {
      for (const p of Array.isArray(list) ? list : []) {
        if (!isRecord(p) || typeof p.name !== 'string') { continue; }
        const where = p.in === 'query' ? 'querystring' : p.in === 'header' ? 'header' : p.in === 'path' ? 'path' : undefined;
        if (where) { out[`method.request.${where}.${p.name}`] = p.required === true; }
      }
    }
    return out;
  };

  const globalSecurity = Array.isArray(body.security) ? body.security : [];
  for (const [path, item] of Object.entries(isRecord(body.paths) ? body.paths : {})) {
    if (!isRecord(item)) { continue; }
    const node = nodeAt(path);
    for (const [key, operation] of Object.entries(item)) {
      const httpMethod = OPERATIONS[key];
      if (!httpMethod || !isRecord(operation)) { continue; }
      const where = `${httpMethod} ${path}`;
      // API Gateway reads every requirement of the list: an authorizer, SigV4, an API key.
      const requirements = (Array.isArray(operation.security) ? operation.security : globalSecurity).filter(isRecord);
      const named = requirements.flatMap(r => Object.keys(r));
      const authorizerId = named.find(n => authorizers.has(n));
      const validator = validatorOf(where, operation['x-amazon-apigateway-request-validator']);
      const method: MethodModel = {
        logicalId: `${ctx.restApiId}${path === '/' ? '' : path}/${httpMethod}`,
        httpMethod,
        authorizationType: authorizerId !== undefined ? 'CUSTOM' : named.some(n => sigv4.has(n)) ? 'AWS_IAM' : 'NONE',
        authorizerId,
        apiKeyRequired: named.some(n => apiKeys.has(n)),
        integration: integrationOf(where, operation['x-amazon-apigateway-integration']),
        requestParameters: parametersOf(item.parameters, operation.parameters),
        ...(validator ? { requestValidator: validator } : {}),
      };
      for (const n of named) {
        if (!authorizers.has(n) && !sigv4.has(n) && !apiKeys.has(n)) { ctx.warnings.push(`${where}: security scheme ${n} is not defined`); }
      }
      node.methods.set(httpMethod, method);
    }
  }

  const gatewayResponses = new Map<string, GatewayResponseModel>();
  const responses = body['x-amazon-apigateway-gateway-responses'];
  for (const [type, r] of Object.entries(isRecord(responses) ? responses : {})) {
    if (!isRecord(r)) { continue; }
    gatewayResponses.set(type, {
      type,
      statusCode: r.statusCode !== undefined ? String(r.statusCode) : undefined,
      parameters: strings(r.responseParameters),
      templates: strings(r.responseTemplates),
    });
  }
  const binary = body['x-amazon-apigateway-binary-media-types'];
  const keySource = body['x-amazon-apigateway-api-key-source'];
  return {
    root,
    authorizers,
    gatewayResponses,
    binaryMediaTypes: Array.isArray(binary) ? binary.filter((t): t is string => typeof t === 'string') : [],
    apiKeySource: typeof keySource === 'string' ? keySource.toUpperCase() : undefined,
  };
}
