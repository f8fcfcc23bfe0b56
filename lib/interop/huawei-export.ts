/**
 * The group as Huawei APIG's import format: OpenAPI 3.0 with the `x-apigateway-*` extensions
 * ("API Design File Extension Definitions" in Huawei's APIG user guide). Each extension's shape
 * is cited where it is written, and checked by test/interop/huawei-export.test.ts.
 */
import { Token } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Backend } from '../backend';
import { BackendPolicy, PolicyEffect } from '../backend-policy';
import type { CorsOptions } from '../cors';
import { MatchMode } from '../match-mode';
import { PolicyCondition, PolicyConditionOrigin } from '../policy-condition';
import type { BackendDocument } from '../private/config-document';
import { parseSystemVariable } from '../private/system-variables';
import { AccessControl } from '../access-control';
import type { Api } from '../api';
import { AuthType } from '../auth';
import type { CustomAuthorizer, ThirdPartyAuthorizer } from '../authorizers';
import { HttpMethod } from '../http-method';
import { RequestParameter } from '../request-parameter';
import { ResponseType } from '../response-type';
import { DEPLOY_TIME_HOST, functionReference } from './deploy-time';
import { declaredBackend, GroupModel } from './group-model';
import {
  APP_SCHEME, APP_SIGNATURE_SCHEME, CDK_EXTENSION, CDK_EXTENSION_VERSION, functionOriginOf, IAM_SCHEME, rateAsLimit, thirdPartySchemeName,
} from './huawei-names';

type Json = Record<string, unknown>;

/** The group's Huawei definition document. */
export function huaweiDocument(model: GroupModel): Json {
  const { group, props } = model;
  const paths: Record<string, Json> = {};
  const securitySchemes: Record<string, Json> = {};
  const ratelimits: Record<string, Json> = {};
  const accessControls: Record<string, Json> = {};
  const accessControlName = (acl: AccessControl, name: string): string => {
    // x-apigateway-access-controls.policy: acl-type PERMIT|DENY, entity-type IP, value a comma-separated list.
    accessControls[name] = { 'acl-type': acl.action === 'ALLOW' ? 'PERMIT' : 'DENY', 'entity-type': 'IP', 'value': acl.cidrs.join(',') };
    return name;
  };

  group.apis.forEach((api, index) => {
    const operation = operationOf(model, api);
    for (const scheme of schemesOf(api)) { securitySchemes[scheme.name] = scheme.scheme; }
    if (api.throttle?.rateLimit !== undefined) {
      // x-apigateway-ratelimits.policy: api-limit calls per interval of unit; user/app/ip limits optional.
      const { limit, interval } = rateAsLimit(api.throttle.rateLimit);
      const name = `api_throttle_${index + 1}`;
      ratelimits[name] = { 'api-limit': limit, 'interval': interval, 'unit': 'SECOND', 'shared': false };
      operation['x-apigateway-ratelimit'] = name;
    }
    if (api.accessControl) {
      operation['x-apigateway-access-control'] = accessControlName(api.accessControl, `api_acl_${index + 1}`);
    }
    const item = (paths[api.path] ??= {});
    // x-apigateway-any-method: the operation of an API answering every method sits under this key of the path item.
    item[api.method === HttpMethod.ANY ? 'x-apigateway-any-method' : api.method.toLowerCase()] = operation;
  });

  const groupExtension: Json = {
    version: CDK_EXTENSION_VERSION,
    stage: group.stageName,
    ...(props.stageVariables ? { stageVariables: { ...props.stageVariables } } : {}),
    ...(props.cors ? { cors: corsJson(props.cors) } : {}),
    ...(props.throttle ? { throttle: { ...props.throttle } } : {}),
    ...(props.accessControl ? { accessControl: accessControlName(props.accessControl, 'group_acl') } : {}),
    // Orchestration rules: Huawei's export names them on parameters without defining them; the library's import defines these.
    ...(group.orchestrationRules.length > 0 ? { orchestrationRules: Object.fromEntries(group.orchestrationRules.map(rule => {
      const { name, ...rest } = rule._toDocument();
      return [name, rest];
    })) } : {}),
    ...(group.thirdPartyAuthorizers.length > 0
      ? { thirdPartyAuthorizers: Object.fromEntries(group.thirdPartyAuthorizers.map(a => [a.authorizerName, thirdPartyOf(a)])) } : {}),
  };

  return {
    openapi: '3.0.1',
    info: { title: group.groupName, version: '1.0.0', ...(props.description ? { description: props.description } : {}) },
    paths,
    components: {
      securitySchemes,
      // x-apigateway-responses: response name → response type → {status, body: {media type: template}}
      // (headers, which Huawei's page does not show, as [{key, value}] like its REST API).
      'x-apigateway-responses': responsesOf(model),
    },
    // Both at the document root: their documented scope is the Swagger Object.
    ...(Object.keys(ratelimits).length > 0 ? { 'x-apigateway-ratelimits': ratelimits } : {}),
    ...(Object.keys(accessControls).length > 0 ? { 'x-apigateway-access-controls': accessControls } : {}),
    [CDK_EXTENSION]: groupExtension,
  };
}

function responsesOf(model: GroupModel): Json {
  const out: Json = {};
  for (const response of model.group.gatewayResponses) {
    const rules: Json = {};
    for (const custom of response.rules) {
      const rule = response.ruleFor(ResponseType.of(custom.type.name));
      const headers = Object.entries(rule.headers).map(([key, value]) => ({ key, value }));
      rules[rule.type.name] = {
        ...(rule.statusCode !== undefined ? { status: rule.statusCode } : {}),
        body: { 'application/json': rule.body },
        ...(headers.length > 0 ? { headers } : {}),
      };
    }
    out[response.responseName] = rules;
  }
  return out;
}

/** The parameters of an API, the path's undeclared `{name}`s included (Huawei declares every path parameter). */
export function parametersOf(api: Api): Array<{ parameter: RequestParameter; implicit: boolean }> {
  const declared = api.parameters.map(parameter => ({ parameter, implicit: false }));
  const named = new Set(api.parameters.filter(p => p.location === 'path').map(p => p.name));
  const implicit = api.pathVariables.filter(v => !named.has(v)).map(v => ({ parameter: RequestParameter.path(v), implicit: true }));
  return [...implicit, ...declared];
}

/** An OpenAPI 3 parameter object with the parameter's constraints in its schema. */
export function parameterObject(parameter: RequestParameter): Json {
  const o = parameter.options;
  const number = o.type === 'NUMBER';
  return {
    name: parameter.name,
    in: parameter.location,
    required: parameter.location === 'path' ? true : o.required ?? false,
    schema: {
      type: number ? 'number' : 'string',
      ...(o.enumerations ? { enum: o.enumerations.map(v => (number ? Number(v) : v)) } : {}),
      ...(o.minimum !== undefined ? { minimum: o.minimum } : {}),
      ...(o.maximum !== undefined ? { maximum: o.maximum } : {}),
      ...(o.minLength !== undefined ? { minLength: o.minLength } : {}),
      ...(o.maxLength !== undefined ? { maxLength: o.maxLength } : {}),
    },
  };
}

/**
 * Bounds of 0: Huawei reads a 0 bound as "no limit" (its exports write 0 for unset ones), so a bound
 * that really is 0 is also kept in the library's extension, which the import reads first.
 */
function zeroBoundsOf(parameter: RequestParameter): Json {
  const o = parameter.options;
  const zero = (['minimum', 'maximum', 'minLength', 'maxLength'] as const).filter(k => o[k] === 0);
  return zero.length > 0 ? { bounds: Object.fromEntries(zero.map(k => [k, 0])) } : {};
}

function operationOf(model: GroupModel, api: Api): Json {
  const parameters = parametersOf(api);
  const extension: Json = { id: api.node.id };
  const { document, fn } = declaredBackend(model.group, api);
  const backend = backendOf(api.backend, document, fn, parameters.map(p => p.parameter), extension);
  const policies = api.backendPolicies.map(policy => policyOf(model, api, policy, parameters.map(p => p.parameter)));
  if (api.auth.authType === AuthType.APP) {
    extension.apps = api.auth.apps.map(a => a.appName);
    // Huawei's AppSigv1 always takes signed requests: an API that takes AppCodes only says so here.
    if (!api.auth.signature) { extension.signature = false; }
  }
  if (api.throttle?.burstLimit !== undefined) { extension.throttleBurst = api.throttle.burstLimit; }
  if (api.cors && !isHuaweiCors(api.cors)) { extension.cors = corsJson(api.cors); }
  const security = securityOf(api);
  return {
    operationId: api.apiName,
    parameters: parameters.map(({ parameter, implicit }) => {
      const own: Json = { ...(implicit ? { implicit: true } : {}), ...zeroBoundsOf(parameter) };
      const rules = parameter.options.orchestrations ?? [];
      return {
        ...parameterObject(parameter),
        // x-apigateway-orchestrations: the names of the parameter's orchestration rules, in priority order (ref §8 "Binding").
        ...(rules.length > 0 ? { 'x-apigateway-orchestrations': rules.map(r => r.orchestrationName) } : {}),
        ...(Object.keys(own).length > 0 ? { [CDK_EXTENSION]: own } : {}),
      };
    }),
    responses: { default: { description: 'default response' } },
    ...(security ? { security } : {}),
    // x-apigateway-request-type: public | private (API visibility); the group's APIs are public.
    'x-apigateway-request-type': 'public',
    // x-apigateway-match-mode: NORMAL (exact path) | SWA (prefix).
    'x-apigateway-match-mode': api.matchMode === MatchMode.PREFIX ? 'SWA' : 'NORMAL',
    // x-apigateway-cors: a boolean per operation (the API's own CORS, or the group's).
    'x-apigateway-cors': api.cors !== undefined || model.props.cors !== undefined,
    // x-apigateway-response: the name of the group response the API uses.
    'x-apigateway-response': api.gatewayResponse.responseName,
    'x-apigateway-backend': backend,
    ...(policies.length > 0 ? { 'x-apigateway-backend-policies': policies } : {}),
    [CDK_EXTENSION]: extension,
  };
}

/** Huawei's per-API CORS switch is `Access-Control-Allow-Origin: *` and nothing else to declare. */
function isHuaweiCors(cors: CorsOptions): boolean {
  return JSON.stringify(corsJson(cors)) === JSON.stringify({ allowOrigins: ['*'] });
}

function corsJson(cors: CorsOptions): Json {
  return {
    allowOrigins: [...cors.allowOrigins],
    ...(cors.allowHeaders ? { allowHeaders: [...cors.allowHeaders] } : {}),
    ...(cors.allowMethods ? { allowMethods: [...cors.allowMethods] } : {}),
    ...(cors.allowCredentials !== undefined ? { allowCredentials: cors.allowCredentials } : {}),
    ...(cors.exposeHeaders ? { exposeHeaders: [...cors.exposeHeaders] } : {}),
    ...(cors.maxAge ? { maxAgeSeconds: cors.maxAge.toSeconds() } : {}),
  };
}

/**
 * One of `x-apigateway-backend-policies`: {name, type, effectMode, conditions[{origin, parameter, type,
 * value}], parameters[], <endpoints>}, in the spellings of Huawei's own export (ref §3: origin param |
 * source | system | frontend_authorizer, type exact | enum | pattern, source conditions with empty
 * parameter and type; huaweicloudDocs/apig v1-ExportingAllAPIsinanAPIGroup.md).
 */
function policyOf(model: GroupModel, api: Api, policy: BackendPolicy, parameters: RequestParameter[]): Json {
  const own: Json = {};
  const { document, fn } = bindBackend(model, api, policy.backend);
  const backend = backendOf(policy.backend, document, fn, parameters, own);
  const conditions = policy.conditions.map(conditionOf);
  return {
    name: policy.policyName,
    ...backend,
    effectMode: policy.effect ?? PolicyEffect.ALL,
    conditions,
    ...(Object.keys(own).length > 0 ? { [CDK_EXTENSION]: own } : {}),
  };
}

function conditionOf(condition: PolicyCondition): Json {
  if (condition.origin === PolicyConditionOrigin.SOURCE_IP) {
    return { origin: 'source', parameter: '', type: '', value: (condition.cidrs ?? []).join(',') };
  }
  const match = condition.exact !== undefined ? { type: 'exact', value: condition.exact }
    : condition.oneOf !== undefined ? { type: 'enum', value: condition.oneOf.join(',') } : { type: 'pattern', value: condition.pattern ?? '' };
  if (condition.origin === PolicyConditionOrigin.PARAMETER) { return { origin: 'param', parameter: condition.name, ...match }; }
  const variable = parseSystemVariable(condition.name ?? '');
  if (variable?.kind === 'authorizer') { return { origin: 'frontend_authorizer', parameter: variable.key, ...match }; }
  // Huawei's system parameter names: req_path, req_method.
  const name = variable?.name === 'reqPath' ? 'req_path' : variable?.name === 'reqMethod' ? 'req_method' : condition.name;
  return { origin: 'system', parameter: name, ...match };
}

/** A backend (a policy's) bound as the API's own is, keeping every value as declared and granting nothing. */
function bindBackend(model: GroupModel, api: Api, backend: Backend): { document: BackendDocument; fn?: lambda.IFunction } {
  let fn: lambda.IFunction | undefined;
  const context = model.group._backendContext(api);
  const document = backend._bind({ ...context, deployTimeValue: value => value, grantInvoke: f => { fn = f; } });
  return { document, fn };
}

/**
 * `x-apigateway-backend` (and a policy's backend): {type, parameters[], httpEndpoints | functionEndpoints | mockEndpoints}.
 * x-apigateway-backend.parameters: {name, value, in, origin: REQUEST | CONSTANT | SYSTEM} (ref §2). The
 * proxy passes every request parameter on under its own name, which Huawei declares as a REQUEST
 * parameter of the same name; a parameter the backend parameters move is written as moved instead.
 */
function backendOf(declared: Backend, document: BackendDocument, fn: lambda.IFunction | undefined,
  parameters: RequestParameter[], extension: Json): Json {
  const own = document.type === 'MOCK' ? [] : document.parameters ?? [];
  const moved = new Set(own.filter(p => p.origin === 'REQUEST').map(p => `${p.from}:${p.from === 'header' ? p.value.toLowerCase() : p.value}`));
  const passed = parameters
    .filter(p => !moved.has(`${p.location}:${p.location === 'header' ? p.name.toLowerCase() : p.name}`))
    .map(p => ({ name: p.name, value: p.name, in: p.location, origin: 'REQUEST' }));
  // A REQUEST parameter declared to its own name and location reads like a passed one: the library's extension says it was declared.
  const declaredInPlace = (p: typeof own[number]) => p.origin === 'REQUEST' && p.from === p.in
    && (p.in === 'header' ? p.name.toLowerCase() === p.value.toLowerCase() : p.name === p.value);
  const backendParameters = [...passed, ...own.map(p => ({
    name: p.name, value: p.value, in: p.in, origin: p.origin, ...(declaredInPlace(p) ? { [CDK_EXTENSION]: { declared: true } } : {}),
  }))];
  const common = backendParameters.length > 0 ? { parameters: backendParameters } : {};
  switch (document.type) {
    case 'HTTP': {
      const url = document.url as string;
      const endpoint = httpEndpoint(url);
      if (endpoint.url !== url) { extension.backendUrl = Token.isUnresolved(url) ? 'deploy-time value' : url; }
      if (document.contextHeaders) { extension.authorizerContextHeaders = { ...document.contextHeaders }; }
      // x-apigateway-backend.httpEndpoints: {address host[:port], scheme, method, path, timeout ms, retryCount};
      // `#name#` environment variables stay in the address and path (ref §4).
      // retryCount "0": the proxy never retries (Huawei's default -1 retries idempotent methods once).
      return {
        type: 'HTTP',
        ...common,
        httpEndpoints: {
          address: endpoint.address, scheme: endpoint.scheme, method: document.method ?? 'ANY', path: endpoint.path,
          timeout: document.timeoutMs, retryCount: '0',
        },
      };
    }
    case 'FUNCTION':
      // x-apigateway-backend.functionEndpoints: {function-urn, version, invocation-type sync | async, timeout ms}.
      return {
        type: 'FUNCTION',
        ...common,
        functionEndpoints: functionEndpointOf(declared, fn!, document.timeoutMs, document.invocation === 'ASYNC'),
      };
    case 'MOCK':
      // x-apigateway-backend.mockEndpoints: {result-content} only; status and headers go to the library's extension.
      if (document.statusCode !== 200 || Object.keys(document.headers).length > 0) {
        extension.mock = { statusCode: document.statusCode, headers: { ...document.headers } };
      }
      return { type: 'MOCK', ...common, mockEndpoints: { 'result-content': document.body } };
  }
}

/**
 * `functionEndpoints` {function-urn, version, alias-urn, invocation-type, timeout}: a backend imported
 * from a FunctionGraph URN names that URN again (Huawei resolves it; the Lambda ARN it is mapped to
 * means nothing there), any other its function's ARN or `cdk-function:<path>`.
 */
function functionEndpointOf(declared: Backend, fn: lambda.IFunction, timeoutMs: number, async: boolean): Json {
  const origin = functionOriginOf(declared);
  return {
    'function-urn': origin?.urn ?? functionReference(fn),
    'version': origin?.version ?? 'latest',
    ...(origin?.aliasUrn !== undefined ? { 'alias-urn': origin.aliasUrn } : {}),
    'invocation-type': async ? 'async' : 'sync',
    'timeout': timeoutMs,
  };
}

/** Huawei's environment variables (`#name#`, ref §4), kept whole while a URL is split. */
const VARIABLE = /#[A-Za-z][A-Za-z0-9_-]{2,31}#/g;

/** An HTTP backend URL as Huawei's address, scheme and path; `url` is what importing them gives back. */
export function httpEndpoint(url: string): { scheme: string; address: string; path: string; url: string } {
  const variables: string[] = [];
  const masked = Token.isUnresolved(url) ? url : url.replace(VARIABLE, v => `\u0000${variables.push(v) - 1}\u0000`);
  const unmask = (text: string) => text.replace(/\u0000(\d+)\u0000/g, (_, i: string) => variables[Number(i)]);
  const m = Token.isUnresolved(url) ? null : /^(https?):\/\/([^/?#]+)([^#]*)$/i.exec(masked);
  if (!m) { return { scheme: 'https', address: DEPLOY_TIME_HOST, path: '/', url: `https://${DEPLOY_TIME_HOST}/` }; }
  const path = m[3] === '' ? '/' : m[3].startsWith('/') ? m[3] : `/${m[3]}`;
  const scheme = m[1].toLowerCase();
  return { scheme, address: unmask(m[2]), path: unmask(path), url: unmask(`${scheme}://${m[2]}${path}`) };
}

/** The security requirement of an API: several schemes in one requirement must all pass (two-factor). */
function securityOf(api: Api): Json[] | undefined {
  const names = schemesOf(api).map(s => s.name);
  return names.length === 0 ? undefined : [Object.fromEntries(names.map(n => [n, []]))];
}

function schemesOf(api: Api): Array<{ name: string; scheme: Json }> {
  const auth = api.auth;
  const out: Array<{ name: string; scheme: Json }> = [];
  if (auth.authType === AuthType.APP && auth.appCode) {
    // x-apigateway-auth-type AppSigv1 (name Authorization) with x-apigateway-auth-opt {appcode-auth-type: header}:
    // signed requests and simple authentication (the AppCode in X-Apig-AppCode).
    out.push({
      name: APP_SCHEME,
      scheme: {
        'type': 'apiKey', 'name': 'Authorization', 'in': 'header',
        'x-apigateway-auth-type': 'AppSigv1', 'x-apigateway-auth-opt': { 'appcode-auth-type': 'header' },
      },
    });
  } else if (auth.authType === AuthType.APP) {
    // x-apigateway-auth-type AppSigv1 without auth-opt: signed requests only (AppKey/AppSecret, SDK-HMAC-SHA256).
    out.push({ name: APP_SIGNATURE_SCHEME, scheme: { 'type': 'apiKey', 'name': 'Authorization', 'in': 'header', 'x-apigateway-auth-type': 'AppSigv1' } });
  }
  if (auth.authType === AuthType.IAM) {
    // x-apigateway-auth-type IAM, name "unused".
    out.push({ name: IAM_SCHEME, scheme: { 'type': 'apiKey', 'name': 'unused', 'in': 'header', 'x-apigateway-auth-type': 'IAM' } });
  }
  if (auth.customAuthorizer) { out.push({ name: auth.customAuthorizer.authorizerName, scheme: customSchemeOf(auth.customAuthorizer) }); }
  if (auth.thirdPartyAuthorizer) {
    const identity = auth.thirdPartyAuthorizer.identities[0];
    out.push({
      name: thirdPartySchemeName(auth.thirdPartyAuthorizer.authorizerName),
      scheme: {
        type: 'apiKey', name: identity?.name ?? 'unused', in: identity?.location ?? 'header',
        description: `Third-party authorizer ${auth.thirdPartyAuthorizer.authorizerName} (x-cdk-api-groups.thirdPartyAuthorizers)`,
      },
    });
  }
  return out;
}

/**
 * A custom authorizer as a security scheme with `x-apigateway-authorizer` (Huawei's page: type FRONTEND,
 * authorizer_type FUNC, authorizer_uri, authorizer_version, identities [{location, name, validation}], ttl,
 * timeout, auth_downgrade_enabled...). Its auth type, AUTHORIZER, is not on Huawei's auth-type page
 * (which lists AppSigv1 and IAM); it is the value Huawei's API model uses for custom authentication.
 */
function customSchemeOf(authorizer: CustomAuthorizer): Json {
  // An authorizer imported from a FunctionGraph URN names it again (see functionEndpointOf).
  const origin = functionOriginOf(authorizer);
  return {
    'type': 'apiKey',
    'name': 'unused',
    'in': 'header',
    'x-apigateway-auth-type': 'AUTHORIZER',
    'x-apigateway-authorizer': {
      auth_downgrade_enabled: authorizer.relaxed,
      authorizer_alias_uri: origin?.aliasUrn ?? '',
      authorizer_type: 'FUNC',
      authorizer_uri: origin?.urn ?? functionReference(authorizer.handler),
      authorizer_version: origin?.version ?? 'latest',
      identities: authorizer.identities.map(i => ({ location: i.location.toUpperCase(), name: i.name, validation: i.validation ?? '' })),
      need_body: false,
      network_type: 'V1',
      retry_attempts: 0,
      timeout: authorizer.timeout.toMilliseconds(),
      ttl: authorizer.cacheTtl.toSeconds(),
      type: 'FRONTEND',
    },
    ...(authorizer.userData !== undefined ? { [CDK_EXTENSION]: { userData: authorizer.userData } } : {}),
  };
}

function thirdPartyOf(a: ThirdPartyAuthorizer): Json {
  return {
    url: Token.isUnresolved(a.url) ? 'deploy-time value' : a.url,
    method: a.method,
    identities: a.identities.map(i => ({ in: i.location, name: i.name, ...(i.validation !== undefined ? { validation: i.validation } : {}) })),
    timeoutMs: a.timeout.toMilliseconds(),
    simpleMode: a.simpleMode,
    ...(a.matchHeader ? { matchHeader: { name: a.matchHeader.name, value: a.matchHeader.value } } : {}),
    relaxed: a.relaxed,
    ttlSeconds: a.cacheTtl.toSeconds(),
  };
}
