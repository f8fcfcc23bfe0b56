import type { Api } from '../api';
import { CORS_DEFAULTS, CorsOptions } from '../cors';
import type { GatewayResponse } from '../gateway-response';
import { ResponseType } from '../response-type';
import type { BackendBindContext } from '../backend';
import {
  ApiDocument, CONFIG_DOCUMENT_VERSION, ConfigDocument, ErrorDefaultsDocument, RuleDocument,
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
}

/** Builds the group's configuration document (DESIGN section 7), every rule resolved. */
export function buildRuntimeConfig(input: RuntimeConfigInput): ConfigDocument {
  const types = ResponseType.all();
  const errors: Record<string, ErrorDefaultsDocument> = {};
  for (const t of types) {
    errors[t.name] = { code: t.defaultErrorCode, message: t.defaultErrorMessage };
  }
  const responses: Record<string, Record<string, RuleDocument>> = {};
  for (const response of input.responses) {
    const rules: Record<string, RuleDocument> = {};
    for (const t of types) {
      const rule = response.ruleFor(t);
      rules[t.name] = {
        ...(rule.statusCode !== undefined ? { status: rule.statusCode } : {}),
        body: rule.body,
        headers: rule.headers,
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
  }));
  return {
    version: CONFIG_DOCUMENT_VERSION,
    group: { name: input.groupName, stage: input.stageName },
    errors,
    responses,
    apis,
    ...(input.cors ? {
      cors: {
        allowOrigins: [...input.cors.allowOrigins],
        allowCredentials: input.cors.allowCredentials ?? false,
        exposeHeaders: [...(input.cors.exposeHeaders ?? CORS_DEFAULTS.exposeHeaders)],
        // The proxy answers the preflights that reach it with these: the same answer as the native preflight.
        allowMethods: [...(input.cors.allowMethods ?? CORS_DEFAULTS.allowMethods)],
        allowHeaders: [...(input.cors.allowHeaders ?? CORS_DEFAULTS.allowHeaders)],
        ...(input.cors.maxAge !== undefined ? { maxAgeSeconds: input.cors.maxAge.toSeconds() } : {}),
      },
    } : {}),
  };
}
