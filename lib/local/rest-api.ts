/**
 * The REST API as API Gateway would serve it, read from a synthesized template: the resource
 * tree with its methods (authorization, API keys, integrations), the stage (variables, method
 * throttles), the authorizers, the gateway responses, and the usage plans with their API keys.
 * A REST API defined by an OpenAPI document (its `Body`, as an API group's is) is read from the
 * document (rest-api-body.ts); resources, methods, authorizers and gateway responses the template
 * declares besides are added to it.
 */
import * as crypto from 'crypto';
import { CfnResolver, CfnResource, CfnTemplate, Unresolvable } from './cfn';
import { BodyModel, readBody } from './rest-api-body';

export interface MockResponseModel {
  readonly statusCode: string;
  readonly selectionPattern?: string;
  /** `method.response.header.<name>` → mapping expression or quoted literal. */
  readonly parameters: Record<string, string>;
  /** Content type → VTL template. */
  readonly templates: Record<string, string>;
  /** `CONVERT_TO_TEXT` / `CONVERT_TO_BINARY` of the integration response, when set. */
  readonly contentHandling?: string;
}

export interface MockIntegrationModel {
  readonly type: 'MOCK';
  readonly responses: MockResponseModel[];
  /** Content type → VTL template giving `{"statusCode": N}` (the integration's status). */
  readonly requestTemplates: Record<string, string>;
  /** WHEN_NO_MATCH (default), WHEN_NO_TEMPLATES or NEVER. */
  readonly passthroughBehavior: string;
}

export interface HttpProxyIntegrationModel {
  readonly type: 'HTTP_PROXY';
  /** The endpoint URL, with `{name}` and `${stageVariables.name}` placeholders. */
  readonly uri: string;
  /** The method sent to the endpoint; ANY: the request's. */
  readonly httpMethod: string;
  /** `integration.request.{path,querystring,header}.<name>` → mapping expression or 'literal'. */
  readonly requestParameters: Record<string, string>;
  readonly timeoutMs: number;
}

export type IntegrationModel =
  | { readonly type: 'AWS_PROXY'; readonly functionArn: string; readonly timeoutMs: number }
  | MockIntegrationModel
  | HttpProxyIntegrationModel
  | { readonly type: 'UNSUPPORTED'; readonly reason: string };

/** A request validator (AWS::ApiGateway::RequestValidator, `x-amazon-apigateway-request-validators`). */
export interface RequestValidatorModel {
  readonly validateRequestParameters: boolean;
  readonly validateRequestBody: boolean;
}

export interface MethodModel {
  readonly logicalId: string;
  readonly httpMethod: string;
  /** NONE, AWS_IAM, CUSTOM or COGNITO_USER_POOLS. */
  readonly authorizationType: string;
  /** Logical id of the method's AWS::ApiGateway::Authorizer. */
  readonly authorizerId?: string;
  readonly apiKeyRequired: boolean;
  readonly integration: IntegrationModel;
  /** `method.request.{path,querystring,header}.<name>` → required. */
  readonly requestParameters?: Record<string, boolean>;
  /** The method's request validator, when it has one. */
  readonly requestValidator?: RequestValidatorModel;
}

export interface ResourceNode {
  readonly logicalId: string;
  /** API Gateway's resource id (local: derived from the logical id). */
  readonly id: string;
  /** Path template, e.g. `/orders/{id}`; `/` for the root. */
  readonly path: string;
  /** Last segment: `orders`, `{id}`, `{proxy+}`; '' for the root. */
  readonly part: string;
  readonly children: ResourceNode[];
  readonly methods: Map<string, MethodModel>;
}

export interface AuthorizerModel {
  readonly logicalId: string;
  readonly id: string;
  readonly name: string;
  /** TOKEN, REQUEST or COGNITO_USER_POOLS. */
  readonly type: string;
  /** The Lambda function's ARN (local), when it could be resolved. */
  readonly functionArn?: string;
  readonly unresolved?: string;
  readonly ttlSeconds: number;
  readonly identitySource: string[];
}

export interface GatewayResponseModel {
  readonly type: string;
  readonly statusCode?: string;
  /** `gatewayresponse.header.<name>` → mapping expression or quoted literal. */
  readonly parameters: Record<string, string>;
  readonly templates: Record<string, string>;
}

export interface ThrottleModel {
  readonly rateLimit?: number;
  readonly burstLimit?: number;
}

export interface MethodSettingModel extends ThrottleModel {
  /** `/*` (every resource) or a resource path such as `/orders/{id}` (decoded from `/~1orders~1{id}`). */
  readonly resourcePath: string;
  /** `*` or an HTTP method. */
  readonly httpMethod: string;
}

export interface StageModel {
  readonly logicalId: string;
  readonly name: string;
  readonly variables: Record<string, string>;
  readonly methodSettings: MethodSettingModel[];
  readonly deploymentId: string;
}

export interface QuotaModel {
  readonly limit: number;
  /** DAY, WEEK or MONTH. */
  readonly period: string;
  readonly offset: number;
}

export interface ApiKeyModel {
  readonly logicalId: string;
  readonly id: string;
  readonly value: string;
  readonly enabled: boolean;
}

export interface UsagePlanModel {
  readonly logicalId: string;
  readonly name: string;
  readonly throttle?: ThrottleModel;
  readonly quota?: QuotaModel;
  /** Per-method throttles of this REST API's stage: `/path/METHOD` → throttle. */
  readonly methodThrottles: Record<string, ThrottleModel>;
  readonly keys: ApiKeyModel[];
}

export interface RestApiModel {
  readonly logicalId: string;
  readonly id: string;
  readonly name: string;
  readonly binaryMediaTypes: string[];
  /** HEADER (x-api-key) or AUTHORIZER (the authorizer's usageIdentifierKey). */
  readonly apiKeySource: string;
  readonly root: ResourceNode;
  readonly resources: ResourceNode[];
  readonly stage: StageModel;
  /** Names of every stage of this REST API (the group's environments). */
  readonly stageNames: string[];
  readonly authorizers: Map<string, AuthorizerModel>;
  readonly gatewayResponses: Map<string, GatewayResponseModel>;
  /** Usage plans that include this REST API's stage. */
  readonly usagePlans: UsagePlanModel[];
  /** What could not be modelled, one line each. */
  readonly warnings: string[];
}

/** A short, stable, lower-case id (API Gateway's ids are 6-10 of [a-z0-9]). */
export function localId(seed: string, length: number): string {
  const digest = crypto.createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; out.length < length; i++) { out += (digest[i % digest.length] % 36).toString(36); }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{Ref: X}` → X. */
export function refOf(value: unknown): string | undefined {
  return isRecord(value) && typeof value.Ref === 'string' && Object.keys(value).length === 1 ? value.Ref : undefined;
}

/** `{Fn::GetAtt: [X, attribute]}` → X. */
function getAttOf(value: unknown, attribute: string): string | undefined {
  if (!isRecord(value)) { return undefined; }
  const arg = value['Fn::GetAtt'];
  if (Array.isArray(arg) && arg[1] === attribute && typeof arg[0] === 'string') { return arg[0]; }
  if (typeof arg === 'string' && arg.endsWith(`.${attribute}`)) { return arg.slice(0, -attribute.length - 1); }
  return undefined;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) { return out; }
  for (const [k, v] of Object.entries(value)) { if (typeof v === 'string') { out[k] = v; } }
  return out;
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** A method's RequestParameters (`method.request.querystring.q` → required). */
export function requiredParameters(value: unknown): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  if (!isRecord(value)) { return out; }
  for (const [k, v] of Object.entries(value)) {
    if (/^method\.request\.(path|querystring|header)\.[^.]/.test(k)) { out[k] = isTrue(v); }
  }
  return out;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) { return value; }
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) { return Number(value); }
  return undefined;
}

function throttleOf(value: unknown): ThrottleModel | undefined {
  if (!isRecord(value)) { return undefined; }
  const rateLimit = num(value.RateLimit ?? value.ThrottlingRateLimit);
  const burstLimit = num(value.BurstLimit ?? value.ThrottlingBurstLimit);
  if (rateLimit === undefined && burstLimit === undefined) { return undefined; }
  return { rateLimit, burstLimit };
}

/** The function ARN in a Lambda integration or authorizer URI (`.../functions/<arn>/invocations`). */
export function functionArnOfUri(uri: string): string | undefined {
  const m = /\/functions\/(.+)\/invocations$/.exec(uri);
  return m ? m[1] : undefined;
}

/** Reads the REST API `restApiId` (a logical id) of `template`. */
export function readRestApi(template: CfnTemplate, resolver: CfnResolver, restApiId: string, options: {
  /** The stage to serve when the REST API has several. */
  readonly stageName?: string;
  readonly seed: string;
}): RestApiModel {
  const resources = template.Resources ?? {};
  const api = resources[restApiId];
  if (!api || api.Type !== 'AWS::ApiGateway::RestApi') { throw new Error(`${restApiId} is not an AWS::ApiGateway::RestApi`); }
  const warnings: string[] = [];
  const props = api.Properties ?? {};
  const ofApi = (r: CfnResource) => refOf(r.Properties?.RestApiId) === restApiId;
  const entries = Object.entries(resources);

  const soft = (what: string, value: unknown): string | undefined => {
    try {
      return resolver.resolveString(value);
    } catch (err) {
      if (!(err instanceof Unresolvable)) { throw err; }
      warnings.push(`${what}: ${err.message}`);
      return undefined;
    }
  };

  // The resource tree.
  const root: ResourceNode = { logicalId: `${restApiId}.root`, id: localId(`${options.seed}/${restApiId}/root`, 10), path: '/', part: '', children: [], methods: new Map() };
  let body: BodyModel | undefined;
  if (props.Body !== undefined) {
    let resolved: unknown;
    try {
      resolved = resolver.resolve(props.Body);
    } catch (err) {
      if (!(err instanceof Unresolvable)) { throw err; }
      warnings.push(`the OpenAPI document of REST API ${restApiId}: ${err.message}`);
    }
    if (isRecord(resolved)) {
      body = readBody(resolved, root, {
        restApiId, localId: (seed, length) => localId(`${options.seed}/${seed}`, length), functionArnOfUri, warnings,
      });
    }
  } else if (props.BodyS3Location !== undefined) {
    warnings.push(`REST API ${restApiId} is defined by a document in S3 (BodyS3Location), which is not read locally`);
  }
  const byId = new Map<string, ResourceNode>([[root.logicalId, root]]);
  const parentOf = (value: unknown): string | undefined => (getAttOf(value, 'RootResourceId') === restApiId ? root.logicalId : refOf(value));
  const pending = entries.filter(([, r]) => r.Type === 'AWS::ApiGateway::Resource' && ofApi(r));
  let progress = true;
  while (pending.length > 0 && progress) {
    progress = false;
    for (let i = 0; i < pending.length; i++) {
      const [logicalId, r] = pending[i];
      const parent = byId.get(parentOf(r.Properties?.ParentId) ?? '');
      if (!parent) { continue; }
      const part = String(r.Properties?.PathPart ?? '');
      const node: ResourceNode = {
        logicalId,
        id: localId(`${options.seed}/${logicalId}`, 6),
        path: parent.path === '/' ? `/${part}` : `${parent.path}/${part}`,
        part,
        children: [],
        methods: new Map(),
      };
      parent.children.push(node);
      byId.set(logicalId, node);
      pending.splice(i, 1);
      i--;
      progress = true;
    }
  }
  for (const [logicalId] of pending) { warnings.push(`resource ${logicalId}: its parent is not a resource of the REST API`); }

  const validators = new Map<string, RequestValidatorModel>();
  for (const [logicalId, r] of entries) {
    if (r.Type !== 'AWS::ApiGateway::RequestValidator' || !ofApi(r)) { continue; }
    validators.set(logicalId, {
      validateRequestParameters: isTrue(r.Properties?.ValidateRequestParameters),
      validateRequestBody: isTrue(r.Properties?.ValidateRequestBody),
    });
  }
  for (const [logicalId, r] of entries) {
    if (r.Type !== 'AWS::ApiGateway::Method' || !ofApi(r)) { continue; }
    const p = r.Properties ?? {};
    const node = byId.get(parentOf(p.ResourceId) ?? '');
    if (!node) { warnings.push(`method ${logicalId}: its resource is not a resource of the REST API`); continue; }
    const httpMethod = String(p.HttpMethod ?? '').toUpperCase();
    const validator = validators.get(refOf(p.RequestValidatorId) ?? '');
    node.methods.set(httpMethod, {
      logicalId,
      httpMethod,
      authorizationType: String(p.AuthorizationType ?? 'NONE').toUpperCase(),
      authorizerId: refOf(p.AuthorizerId),
      apiKeyRequired: p.ApiKeyRequired === true || p.ApiKeyRequired === 'true',
      integration: readIntegration(logicalId, p.Integration),
      requestParameters: requiredParameters(p.RequestParameters),
      ...(validator ? { requestValidator: validator } : {}),
    });
  }

  function readIntegration(methodId: string, value: unknown): IntegrationModel {
    if (!isRecord(value)) { return { type: 'UNSUPPORTED', reason: `method ${methodId} has no integration` }; }
    const type = String(value.Type ?? '');
    if (type === 'AWS_PROXY') {
      const uri = soft(`integration of method ${methodId}`, value.Uri);
      const fn = uri !== undefined ? functionArnOfUri(uri) : undefined;
      if (fn === undefined) { return { type: 'UNSUPPORTED', reason: `method ${methodId}: AWS_PROXY integration with a URI that names no Lambda function` }; }
      return { type: 'AWS_PROXY', functionArn: fn, timeoutMs: num(value.TimeoutInMillis) ?? 29_000 };
    }
    if (type === 'HTTP_PROXY') {
      const uri = soft(`integration of method ${methodId}`, value.Uri);
      if (uri === undefined) { return { type: 'UNSUPPORTED', reason: `method ${methodId}: its HTTP_PROXY URI cannot be resolved locally` }; }
      const parameters: Record<string, string> = {};
      if (isRecord(value.RequestParameters)) {
        for (const [k, v] of Object.entries(value.RequestParameters)) {
          const resolved = soft(`request parameter ${k} of method ${methodId}`, v);
          if (resolved !== undefined) { parameters[k] = resolved; }
        }
      }
      return {
        type: 'HTTP_PROXY',
        uri,
        httpMethod: String(value.IntegrationHttpMethod ?? 'ANY').toUpperCase(),
        requestParameters: parameters,
        timeoutMs: num(value.TimeoutInMillis) ?? 29_000,
      };
    }
    if (type === 'MOCK') {
      const list = Array.isArray(value.IntegrationResponses) ? value.IntegrationResponses : [];
      return {
        type: 'MOCK',
        requestTemplates: stringMap(value.RequestTemplates),
        passthroughBehavior: String(value.PassthroughBehavior ?? 'WHEN_NO_MATCH').toUpperCase(),
        responses: list.filter(isRecord).map(ir => ({
          statusCode: String(ir.StatusCode ?? '200'),
          selectionPattern: typeof ir.SelectionPattern === 'string' ? ir.SelectionPattern : undefined,
          parameters: stringMap(ir.ResponseParameters),
          templates: stringMap(ir.ResponseTemplates),
          ...(typeof ir.ContentHandling === 'string' ? { contentHandling: ir.ContentHandling } : {}),
        })),
      };
    }
    return { type: 'UNSUPPORTED', reason: `method ${methodId}: ${type || 'unknown'} integrations are not emulated locally` };
  }

  // Authorizers.
  const authorizers = new Map<string, AuthorizerModel>(body?.authorizers ?? []);
  for (const [logicalId, r] of entries) {
    if (r.Type !== 'AWS::ApiGateway::Authorizer' || !ofApi(r)) { continue; }
    const p = r.Properties ?? {};
    let functionArn: string | undefined;
    let unresolved: string | undefined;
    const type = String(p.Type ?? 'TOKEN').toUpperCase();
    if (type === 'TOKEN' || type === 'REQUEST') {
      const uri = soft(`authorizer ${logicalId}`, p.AuthorizerUri);
      functionArn = uri !== undefined ? functionArnOfUri(uri) : undefined;
      if (functionArn === undefined) { unresolved = `authorizer ${logicalId}: its URI names no Lambda function that runs locally`; }
    } else {
      unresolved = `authorizer ${logicalId}: ${type} authorizers are not emulated locally`;
    }
    authorizers.set(logicalId, {
      logicalId,
      id: localId(`${options.seed}/${logicalId}`, 6),
      name: typeof p.Name === 'string' ? p.Name : logicalId,
      type,
      functionArn,
      unresolved,
      ttlSeconds: num(p.AuthorizerResultTtlInSeconds) ?? 300,
      identitySource: typeof p.IdentitySource === 'string' ? p.IdentitySource.split(',').map(s => s.trim()).filter(s => s !== '') : [],
    });
  }

  // The stage.
  const stages = entries.filter(([, r]) => r.Type === 'AWS::ApiGateway::Stage' && ofApi(r));
  const chosen = stages.find(([, r]) => r.Properties?.StageName === options.stageName) ?? stages[0];
  let stage: StageModel;
  if (chosen) {
    const [logicalId, r] = chosen;
    const p = r.Properties ?? {};
    const variables: Record<string, string> = {};
    if (isRecord(p.Variables)) {
      for (const [k, v] of Object.entries(p.Variables)) {
        const value = soft(`stage variable ${k}`, v);
        if (value !== undefined) { variables[k] = value; }
      }
    }
    const methodSettings: MethodSettingModel[] = [];
    for (const s of Array.isArray(p.MethodSettings) ? p.MethodSettings : []) {
      if (!isRecord(s)) { continue; }
      const throttle = throttleOf(s);
      if (!throttle) { continue; }
      const rawPath = String(s.ResourcePath ?? '/*');
      methodSettings.push({
        resourcePath: rawPath === '/*' ? '/*' : rawPath.replace(/~1/g, '/').replace(/^\/\//, '/'),
        httpMethod: String(s.HttpMethod ?? '*').toUpperCase(),
        ...throttle,
      });
    }
    stage = {
      logicalId,
      name: typeof p.StageName === 'string' ? p.StageName : (options.stageName ?? 'prod'),
      variables,
      methodSettings,
      deploymentId: localId(`${options.seed}/${refOf(p.DeploymentId) ?? logicalId}`, 6),
    };
  } else {
    warnings.push(`REST API ${restApiId} has no AWS::ApiGateway::Stage: serving stage ${options.stageName ?? 'prod'} without settings`);
    stage = { logicalId: '', name: options.stageName ?? 'prod', variables: {}, methodSettings: [], deploymentId: localId(`${options.seed}/${restApiId}/deployment`, 6) };
  }

  // Gateway responses: the document's, then those of the template (applied after the document).
  const gatewayResponses = new Map<string, GatewayResponseModel>(body?.gatewayResponses ?? []);
  for (const [, r] of entries) {
    if (r.Type !== 'AWS::ApiGateway::GatewayResponse' || !ofApi(r)) { continue; }
    const p = r.Properties ?? {};
    const type = String(p.ResponseType ?? '');
    gatewayResponses.set(type, {
      type,
      statusCode: p.StatusCode !== undefined ? String(p.StatusCode) : undefined,
      parameters: stringMap(p.ResponseParameters),
      templates: stringMap(p.ResponseTemplates),
    });
  }

  // Usage plans of this stage, with their API keys.
  const apiKeys = new Map<string, ApiKeyModel>();
  for (const [logicalId, r] of entries) {
    if (r.Type !== 'AWS::ApiGateway::ApiKey') { continue; }
    const p = r.Properties ?? {};
    const value = typeof p.Value === 'string' ? p.Value : undefined;
    if (value === undefined) {
      warnings.push(`API key ${logicalId} has no literal Value: API Gateway generates one at deploy time, so no local request can present it`);
      continue;
    }
    apiKeys.set(logicalId, { logicalId, id: localId(`${options.seed}/${logicalId}`, 10), value, enabled: p.Enabled === true || p.Enabled === 'true' });
  }
  const usagePlans: UsagePlanModel[] = [];
  for (const [logicalId, r] of entries) {
    if (r.Type !== 'AWS::ApiGateway::UsagePlan') { continue; }
    const p = r.Properties ?? {};
    const apiStage = (Array.isArray(p.ApiStages) ? p.ApiStages : []).filter(isRecord).find(s => refOf(s.ApiId) === restApiId
      && (refOf(s.Stage) === stage.logicalId || s.Stage === stage.name));
    if (!apiStage) { continue; }
    const methodThrottles: Record<string, ThrottleModel> = {};
    if (isRecord(apiStage.Throttle)) {
      for (const [key, t] of Object.entries(apiStage.Throttle)) {
        const throttle = throttleOf(t);
        if (throttle) { methodThrottles[key] = throttle; }
      }
    }
    const q = isRecord(p.Quota) ? p.Quota : undefined;
    const limit = num(q?.Limit);
    const keys = entries
      .filter(([, k]) => k.Type === 'AWS::ApiGateway::UsagePlanKey' && refOf(k.Properties?.UsagePlanId) === logicalId)
      .map(([, k]) => apiKeys.get(refOf(k.Properties?.KeyId) ?? ''))
      .filter((k): k is ApiKeyModel => k !== undefined);
    usagePlans.push({
      logicalId,
      name: typeof p.UsagePlanName === 'string' ? p.UsagePlanName : logicalId,
      throttle: throttleOf(p.Throttle),
      quota: q && limit !== undefined ? { limit, period: String(q.Period ?? 'DAY').toUpperCase(), offset: num(q.Offset) ?? 0 } : undefined,
      methodThrottles,
      keys,
    });
  }

  const all: ResourceNode[] = [];
  const walk = (n: ResourceNode) => { all.push(n); n.children.forEach(walk); };
  walk(root);
  return {
    logicalId: restApiId,
    id: localId(`${options.seed}/${restApiId}`, 10),
    name: typeof props.Name === 'string' ? props.Name : restApiId,
    binaryMediaTypes: [...new Set([
      ...(body?.binaryMediaTypes ?? []),
      ...(Array.isArray(props.BinaryMediaTypes) ? props.BinaryMediaTypes.filter((t): t is string => typeof t === 'string') : []),
    ])],
    apiKeySource: String(props.ApiKeySourceType ?? body?.apiKeySource ?? 'HEADER').toUpperCase(),
    root,
    resources: all,
    stage,
    stageNames: stages.map(([, r]) => r.Properties?.StageName).filter((n): n is string => typeof n === 'string'),
    authorizers,
    gatewayResponses,
    usagePlans,
    warnings,
  };
}
