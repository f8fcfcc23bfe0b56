import { Annotations } from 'aws-cdk-lib';
import type { Api } from '../api';
import { CORS_DEFAULTS, CorsOptions } from '../cors';
import { MatchMode } from '../match-mode';
import type { ApiDocument, CorsDocument } from './config-document';

/** Id of the warning below, for `Annotations.acknowledgeWarning`. */
export const API_CORS_NATIVE_WARNING = 'cdk-api-groups:apiCorsNotOnNativeResponses';

/**
 * Per-API CORS (ApiOptions.cors) on API Gateway's own responses: they are defined once for the
 * whole REST API (gateway responses have no per-method variant), so those API Gateway renders
 * itself for this API (THROTTLED, QUOTA_EXCEEDED, IAM refusals, WAF, body too large...) carry the
 * group's CORS headers, or none; a browser then cannot read them from the API's own origins.
 */
export function warnApiCorsNatively(api: Api, groupCors: boolean): void {
  Annotations.of(api).addWarningV2(API_CORS_NATIVE_WARNING,
    `API ${api.method} ${api.path} has its own CORS: the responses API Gateway renders itself (THROTTLED, IAM refusals, ` +
    `payload too large...) are REST-API-wide and carry ${groupCors ? 'the group\'s CORS headers' : 'no CORS headers (the group has none)'}, ` +
    'not the API\'s; its other responses and gateway errors, and preflights on its path, use its own');
}

/** A CORS declaration as the configuration document holds it (the group's, or an API's own). */
export function corsDocument(cors: CorsOptions): CorsDocument {
  return {
    allowOrigins: [...cors.allowOrigins],
    allowCredentials: cors.allowCredentials ?? false,
    exposeHeaders: [...(cors.exposeHeaders ?? CORS_DEFAULTS.exposeHeaders)],
    // The proxy answers the preflights that reach it with these: the same answer as the native preflight.
    allowMethods: [...(cors.allowMethods ?? CORS_DEFAULTS.allowMethods)],
    allowHeaders: [...(cors.allowHeaders ?? CORS_DEFAULTS.allowHeaders)],
    ...(cors.maxAge !== undefined ? { maxAgeSeconds: cors.maxAge.toSeconds() } : {}),
  };
}

/** An API's match mode, own CORS and own resources, as its document entry holds them (nothing for the defaults). */
export function apiRoutingDocument(api: Api, ownResources: string[] | undefined): Pick<ApiDocument, 'matchMode' | 'cors' | 'ownResources'> {
  return {
    ...(api.matchMode === MatchMode.PREFIX ? { matchMode: 'PREFIX' as const } : {}),
    ...(api.cors ? { cors: corsDocument(api.cors) } : {}),
    ...(ownResources && ownResources.length > 0 ? { ownResources } : {}),
  };
}
