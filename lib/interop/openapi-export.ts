/**
 * The group as a plain OpenAPI 3.0 description for its consumers: paths and parameters, security
 * schemes (the AppCode header, SigV4, the authorizers' identity sources), and every gateway error
 * an operation can answer, documented with the body its rule renders (rendered by the proxy's own
 * renderer, see response-preview.ts) and that body's JSON schema.
 *
 * Each distinct gateway-error answer is written once, under `components/responses` (its schema
 * under `components/schemas`), and operations refer to it: a 1000-API group shares a handful of
 * them instead of repeating every error body per operation (issue 8).
 */
import type { Api } from '../api';
import { AuthType } from '../auth';
import { HttpMethod } from '../http-method';
import { parseTemplate } from '../private/template';
import { ResponseType } from '../response-type';
import { declaredBackend, GroupModel } from './group-model';
import { parameterObject, parametersOf } from './huawei-export';
import { renderGatewayResponse } from './render-preview';

type Json = Record<string, unknown>;

const APP_CODE = 'AppCode';
const SIGV4 = 'SigV4';

/** The group's OpenAPI document. */
export function openApiDocument(model: GroupModel): Json {
  const { group, props } = model;
  const paths: Record<string, Json> = {};
  const securitySchemes: Record<string, Json> = {};
  const components = new SharedComponents();
  const renderings = new Map<string, string>();
  const shared = new Map<string, Json>();
  for (const api of group.apis) {
    const key = api.path.replace(/\{([^}+]+)\+\}/g, '{$1}');
    const item = (paths[key] ??= {});
    const methods = api.method === HttpMethod.ANY
      ? ['get', 'post', 'put', 'delete', 'patch', 'head', 'options'].filter(m => item[m] === undefined)
      : [api.method.toLowerCase()];
    const requirement: Json = {};
    for (const [name, scheme] of schemesOf(api)) {
      securitySchemes[name] = scheme;
      requirement[name] = [];
    }
    for (const method of methods) {
      item[method] = {
        operationId: methods.length > 1 ? `${api.apiName}-${method}` : api.apiName,
        ...(api.method === HttpMethod.ANY ? { description: 'Answers every method on this path.' } : {}),
        parameters: parametersOf(api).map(({ parameter }) => parameterObject(parameter)),
        ...(method !== 'get' && method !== 'head' && method !== 'delete' && method !== 'options'
          ? { requestBody: { required: false, content: { '*/*': { schema: {} } } } } : {}),
        responses: responsesOf(model, api, components, renderings, shared),
        security: Object.keys(requirement).length > 0 ? [requirement] : [],
      };
    }
  }
  return {
    openapi: '3.0.3',
    info: { title: group.groupName, version: '1.0.0', ...(props.description ? { description: props.description } : {}) },
    servers: [{ url: `/${group.stageName}`, description: `The group's stage (prefix the REST API's or custom domain's URL)` }],
    paths,
    components: { securitySchemes, responses: components.responses, schemas: components.schemas },
  };
}

/** `components/responses` and `components/schemas`, each distinct object once under a readable name. */
class SharedComponents {
  public readonly responses: Record<string, Json> = {};
  public readonly schemas: Record<string, Json> = {};
  private readonly names = new Map<string, string>();

  /** A `$ref` to `value` stored under `name` (or `name-2`...), or to the same value stored before. */
  public ref(kind: 'responses' | 'schemas', name: string, value: Json): Json {
    const text = `${kind}\0${JSON.stringify(value)}`;
    let stored = this.names.get(text);
    if (stored === undefined) {
      const table = this[kind];
      const base = name.replace(/[^A-Za-z0-9._-]/g, '_');
      stored = base;
      for (let n = 2; table[stored] !== undefined; n++) { stored = `${base}-${n}`; }
      table[stored] = value;
      this.names.set(text, stored);
    }
    return { $ref: `#/components/${kind}/${stored}` };
  }
}

function schemesOf(api: Api): Array<[string, Json]> {
  const auth = api.auth;
  const out: Array<[string, Json]> = [];
  if (auth.authType === AuthType.APP) {
    out.push([APP_CODE, { type: 'apiKey', in: 'header', name: 'X-Apig-AppCode', description: 'An AppCode of an app authorised for the API.' }]);
  }
  if (auth.authType === AuthType.IAM) {
    out.push([SIGV4, {
      type: 'apiKey', in: 'header', name: 'Authorization',
      description: 'AWS Signature Version 4 (service execute-api) with the X-Amz-Date header, and X-Amz-Security-Token for temporary credentials.',
    }]);
  }
  for (const authorizer of [auth.customAuthorizer, auth.thirdPartyAuthorizer]) {
    if (!authorizer) { continue; }
    const kind = authorizer === auth.customAuthorizer ? 'Custom' : 'Third-party';
    if (authorizer.identities.length === 0) {
      out.push([authorizer.authorizerName, {
        type: 'apiKey', in: 'header', name: 'Authorization',
        description: `${kind} authorizer ${authorizer.authorizerName}: it decides from the whole request.`,
      }]);
    }
    for (const identity of authorizer.identities) {
      out.push([`${authorizer.authorizerName}-${identity.location}-${identity.name}`, {
        type: 'apiKey', in: identity.location, name: identity.name,
        description: `Identity source of the ${kind.toLowerCase()} authorizer ${authorizer.authorizerName}` +
          (identity.validation !== undefined ? `, matching ${identity.validation}` : '') + '.',
      }]);
    }
  }
  return out;
}

/** The gateway errors an API can answer, by the component that raises them. */
export function errorTypesOf(model: GroupModel, api: Api): ResponseType[] {
  const types = new Set<ResponseType>([ResponseType.REQUEST_PARAMETERS_FAILURE, ResponseType.THROTTLED,
    ResponseType.DEFAULT_4XX, ResponseType.DEFAULT_5XX]);
  if (declaredBackend(model.group, api).document.type !== 'MOCK') {
    types.add(ResponseType.BACKEND_TIMEOUT);
    types.add(ResponseType.BACKEND_UNAVAILABLE);
  }
  if (model.props.accessControl || api.accessControl) { types.add(ResponseType.ACCESS_DENIED); }
  if (api.parameters.some(p => (p.options.orchestrations ?? []).length > 0)) {
    types.add(ResponseType.ORCHESTRATION_PARAMETER_NOT_FOUND);
    types.add(ResponseType.ORCHESTRATION_FAILURE);
  }
  const auth = api.auth;
  if (auth.authType === AuthType.APP || auth.authType === AuthType.IAM) {
    types.add(ResponseType.AUTH_HEADER_MISSING);
    types.add(ResponseType.AUTH_FAILURE);
  }
  if (auth.authType === AuthType.APP) { types.add(ResponseType.UNAUTHORIZED); }
  if (auth.customAuthorizer) {
    types.add(ResponseType.AUTHORIZER_FAILURE);
    types.add(ResponseType.AUTHORIZER_CONF_FAILURE);
    if (auth.customAuthorizer.identities.length > 0) { types.add(ResponseType.AUTHORIZER_IDENTITIES_FAILURE); }
  }
  if (auth.thirdPartyAuthorizer) {
    types.add(ResponseType.THIRD_AUTH_FAILURE);
    types.add(ResponseType.THIRD_AUTH_CONF_FAILURE);
    if (auth.thirdPartyAuthorizer.identities.length > 0) { types.add(ResponseType.THIRD_AUTH_IDENTITIES_FAILURE); }
  }
  return ResponseType.all().filter(t => types.has(t));
}

/**
 * The `$context` variables whose value differs from API to API in a rendering (the API and its
 * method and path): a rule using none renders the same for every API. `$context.requestId` is not
 * one of them (every rendering uses the same example id).
 */
const PER_API_VARIABLES = new Set(['apiId', 'apiName', 'reqPath', 'reqUri', 'reqMethod']);

function usesPerApiVariable(template: string): boolean {
  return parseTemplate(template).variables.some(v => v.kind === 'context' && PER_API_VARIABLES.has(v.name));
}

/** Whether `type` renders the same with the API's response for every API (no API detail shows in it). */
function rendersAlike(api: Api, type: ResponseType): boolean {
  const rule = api.gatewayResponse.ruleFor(type);
  return !usesPerApiVariable(rule.body) && !Object.values(rule.headers).some(usesPerApiVariable);
}

/** The body `type` renders with the API's response, rendered once per (response, type) when no API detail shows in it. */
function renderedBody(model: GroupModel, api: Api, type: ResponseType, renderings: Map<string, string>): string {
  const shared = rendersAlike(api, type);
  const key = `${api.gatewayResponse.responseName}\0${type.name}`;
  const known = shared ? renderings.get(key) : undefined;
  if (known !== undefined) { return known; }
  const body = renderGatewayResponse(model.group, api.gatewayResponse, type, { api, path: api.path, requestId: 'example-request-id' }).body;
  if (shared) { renderings.set(key, body); }
  return body;
}

/**
 * An operation's `responses`. Operations whose response and error types are the same, and whose
 * bodies render alike for every API, share one object (the document is written as JSON, so sharing
 * changes no byte): a 1000-API group builds a handful of them instead of one per API.
 */
function responsesOf(model: GroupModel, api: Api, components: SharedComponents, renderings: Map<string, string>,
  shared: Map<string, Json>): Json {
  const types = errorTypesOf(model, api);
  const key = types.every(t => rendersAlike(api, t))
    ? `${api.gatewayResponse.responseName}\0${types.map(t => t.name).join(',')}` : undefined;
  const known = key !== undefined ? shared.get(key) : undefined;
  if (known !== undefined) { return known; }
  const responses = operationResponses(model, api, types, components, renderings);
  if (key !== undefined) { shared.set(key, responses); }
  return responses;
}

function operationResponses(model: GroupModel, api: Api, types: ResponseType[], components: SharedComponents,
  renderings: Map<string, string>): Json {
  const byStatus = new Map<string, Array<{ type: ResponseType; body: string; headers: Record<string, string> }>>();
  for (const type of types) {
    const rule = api.gatewayResponse.ruleFor(type);
    const key = rule.statusCode !== undefined ? String(rule.statusCode) : type === ResponseType.DEFAULT_4XX ? '4XX' : '5XX';
    const list = byStatus.get(key) ?? [];
    list.push({ type, body: renderedBody(model, api, type, renderings), headers: rule.headers });
    byStatus.set(key, list);
  }
  const responseName = api.gatewayResponse.responseName;
  const responses: Json = { default: { description: 'The backend\'s answer, passed through unchanged (with X-Request-Id).' } };
  for (const key of [...byStatus.keys()].sort()) {
    const list = byStatus.get(key)!;
    const headerNames = [...new Set(['X-Request-Id', ...list.flatMap(e => Object.keys(e.headers))])];
    const examples: Json = {};
    for (const entry of list) { examples[entry.type.name] = { summary: entry.type.name, value: parseBody(entry.body) }; }
    const schema = components.ref('schemas', `${responseName}-error`, mergeSchemas(list.map(e => schemaOf(parseBody(e.body)))));
    responses[key] = components.ref('responses', `${responseName}-${key}`, {
      description: `Gateway error: ${list.map(e => e.type.name).join(', ')} (the API's gateway response "${responseName}").`,
      headers: Object.fromEntries(headerNames.map(h => [h, { schema: { type: 'string' } }])),
      content: { 'application/json': { schema, examples } },
    });
  }
  return responses;
}

function parseBody(body: string): unknown {
  try { return JSON.parse(body); } catch { return body; }
}

/** The JSON schema of a rendered value: its types, every object key required. */
export function schemaOf(value: unknown): Json {
  if (value === null) { return { nullable: true }; }
  if (Array.isArray(value)) { return { type: 'array', items: value.length > 0 ? schemaOf(value[0]) : {} }; }
  switch (typeof value) {
    case 'string': return { type: 'string' };
    case 'number': return { type: 'number' };
    case 'boolean': return { type: 'boolean' };
    case 'object': {
      const entries = Object.entries(value as Record<string, unknown>);
      return {
        type: 'object',
        properties: Object.fromEntries(entries.map(([k, v]) => [k, schemaOf(v)])),
        ...(entries.length > 0 ? { required: entries.map(([k]) => k) } : {}),
      };
    }
    default: return {};
  }
}

function mergeSchemas(schemas: Json[]): Json {
  const distinct = [...new Map(schemas.map(s => [JSON.stringify(s), s])).values()];
  return distinct.length === 1 ? distinct[0] : { oneOf: distinct };
}
