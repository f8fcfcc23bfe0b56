import type { AccessControl } from '../access-control';
import type { Api } from '../api';
import type { AppCredential } from '../app-credential';
import type { CustomAuthorizer, ThirdPartyAuthorizer } from '../authorizers';
import { CorsOptions } from '../cors';
import type { GatewayResponse } from '../gateway-response';
import { ResponseType } from '../response-type';
import type { BackendBindContext } from '../backend';
import { apiRoutingDocument, corsDocument } from './api-cors';
import { backendPolicyDocuments } from './backend-policies';
import { orchestrationDocumentOf } from './orchestration-binding';
import { keyed } from './own-keys';
import {
  ApiDocument, AppDocument, CONFIG_DOCUMENT_VERSION, ConfigDocument, CustomAuthorizerDocument, DeployTimeString,
  ErrorDefaultsDocument, RuleDocument, ThirdPartyAuthorizerDocument,
} from './config-document';

/** What the configuration document is built from. */
export interface RuntimeConfigInput {
  readonly groupName: string;
  readonly stageName: string;
  readonly responses: GatewayResponse[];
  readonly apis: Api[];
  readonly cors?: CorsOptions;
  /** Binding context for each API's backend. */
  backendContext(api: Api): BackendBindContext;
  /** The group's IP rule. */
  readonly accessControl?: AccessControl;
  readonly apps?: AppCredential[];
  readonly customAuthorizers?: CustomAuthorizer[];
  readonly thirdPartyAuthorizers?: ThirdPartyAuthorizer[];
  /** Usage key of refused requests, with per-app usage plans. */
  readonly refusalUsageKey?: string;
  /** Media types function backends receive base64; absent: the runtime's default list. */
  readonly binaryMediaTypes?: string[];
  /** Passes a deploy-time value (a token) to the runtime through the functions' environments. */
  deployTimeValue?(value: string): DeployTimeString;
  /** CloudWatch namespace of the proxy's metric records; absent: no records. */
  readonly metricsNamespace?: string;
  /** Names of the group's environments (stages); absent: one, the group's stage. */
  readonly environments?: string[];
  /** An exposed PREFIX API's own resources in the REST API's document (ApiDocument.ownResources). */
  ownResources?(api: Api): string[] | undefined;
  /** A direct API's resource in the REST API's document (ApiDocument.directResource). */
  directResource?(api: Api): string | undefined;
}

/**
 * Where an API is published: nothing when in every environment of the group (the runtime's
 * default), else the names of its environments.
 */
function publishedIn(api: Api, all: readonly string[]): { environments?: string[] } {
  if (!api.environments) { return {}; }
  const names = api.environments.map(e => e.environmentName);
  return all.every(name => names.includes(name)) ? {} : { environments: all.filter(name => names.includes(name)) };
}

/** Builds the group's configuration document (DESIGN section 7), every rule resolved. */
export function buildRuntimeConfig(input: RuntimeConfigInput): ConfigDocument {
  const types = ResponseType.all();
  // Every keyed object without a prototype (own-keys.ts): a name such as `__proto__` is data.
  const errors = keyed<ErrorDefaultsDocument>();
  for (const t of types) {
    errors[t.name] = { code: t.defaultErrorCode, message: t.defaultErrorMessage };
  }
  const responses = keyed<Record<string, RuleDocument>>();
  for (const response of input.responses) {
    const rules = keyed<RuleDocument>();
    for (const t of types) {
      const rule = response.ruleFor(t);
      rules[t.name] = {
        ...(rule.statusCode !== undefined ? { status: rule.statusCode } : {}),
        body: rule.body,
        headers: Object.assign(keyed<string>(), rule.headers),
      };
    }
    responses[response.responseName] = rules;
  }
  const apis: ApiDocument[] = input.apis.map(api => ({
    id: api.apiId,
    name: api.apiName,
    method: api.method,
    path: api.path,
    response: api.gatewayResponse.responseName,
    parameters: api.parameters.map(p => p._toDocument()),
    backend: api.backend._bind(input.backendContext(api)),
    ...(api.auth._toDocument() ? { auth: api.auth._toDocument() } : {}),
    ...(api.accessControl ? { accessControl: api.accessControl._toDocument() } : {}),
    ...publishedIn(api, input.environments ?? [input.stageName]),
    ...orchestrationDocumentOf(api.parameters),
    ...(api.backendPolicies.length > 0
      ? { backendPolicies: backendPolicyDocuments(api.backendPolicies, input.backendContext(api), api._policyConditionContext()) } : {}),
    ...apiRoutingDocument(api, input.ownResources?.(api)),
    ...(input.directResource?.(api) !== undefined ? { directResource: input.directResource(api) } : {}),
  }));
  const deployTimeValue = (value: string): DeployTimeString => {
    if (!input.deployTimeValue) { throw new Error(`cdk-api-groups: no deploy-time value support for ${value}`); }
    return input.deployTimeValue(value);
  };
  const apps = keyed<AppDocument>();
  for (const app of input.apps ?? []) {
    apps[app.appName] = app._toDocument(deployTimeValue, input.refusalUsageKey !== undefined);
  }
  const customAuthorizers = keyed<CustomAuthorizerDocument>();
  for (const a of input.customAuthorizers ?? []) { customAuthorizers[a.authorizerName] = a._toDocument(deployTimeValue); }
  const thirdPartyAuthorizers = keyed<ThirdPartyAuthorizerDocument>();
  for (const a of input.thirdPartyAuthorizers ?? []) { thirdPartyAuthorizers[a.authorizerName] = a._toDocument(deployTimeValue); }
  return {
    version: CONFIG_DOCUMENT_VERSION,
    group: { name: input.groupName, stage: input.stageName },
    errors,
    responses,
    apis,
    ...(input.cors ? { cors: corsDocument(input.cors) } : {}),
    ...(input.accessControl ? { accessControl: input.accessControl._toDocument() } : {}),
    ...(Object.keys(apps).length > 0 ? { apps } : {}),
    ...(Object.keys(customAuthorizers).length > 0 ? { customAuthorizers } : {}),
    ...(Object.keys(thirdPartyAuthorizers).length > 0 ? { thirdPartyAuthorizers } : {}),
    ...(input.refusalUsageKey !== undefined ? { refusalUsageKey: input.refusalUsageKey } : {}),
    ...(input.binaryMediaTypes !== undefined ? { binaryMediaTypes: [...input.binaryMediaTypes] } : {}),
    ...(input.metricsNamespace !== undefined ? { metrics: { namespace: input.metricsNamespace } } : {}),
  };
}
