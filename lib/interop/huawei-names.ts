/**
 * Names shared by the Huawei exporter and importer: security schemes, extension keys, and the
 * conversion of a rate (requests per second) to Huawei's "limit per interval" and back.
 */

/** The library's own extension, for what Huawei APIG cannot express (Huawei ignores it on import). */
export const CDK_EXTENSION = 'x-cdk-api-groups';

/** Version of the `x-cdk-api-groups` extension's shape. */
export const CDK_EXTENSION_VERSION = 1;

/** Huawei's conventional scheme names (user guide, x-apigateway-auth-opt page). */
export const APP_SCHEME = 'apig-auth-app-header';
export const APP_SIGNATURE_SCHEME = 'apig-auth-app';
export const IAM_SCHEME = 'apig-auth-iam';

/** Scheme of a third-party authorizer: no Huawei counterpart, and no auth type, so Huawei refuses it rather than opening the API. */
export function thirdPartySchemeName(authorizerName: string): string {
  return `cdk-third-party-${authorizerName}`;
}

export const TIME_UNITS: Record<string, number> = { SECOND: 1, MINUTE: 60, HOUR: 3600, DAY: 86400 };

/**
 * A rate in requests per second as Huawei's `api-limit` per `interval` seconds: the shortest
 * interval (up to a day) at which the limit is a whole number, so that importing gives the rate back.
 */
export function rateAsLimit(rate: number): { limit: number; interval: number } {
  for (let interval = 1; interval <= 86400; interval++) {
    const limit = rate * interval;
    if (Math.abs(limit - Math.round(limit)) < 1e-9) { return { limit: Math.round(limit), interval }; }
  }
  return { limit: Math.round(rate * 86400), interval: 86400 };
}

/**
 * How an imported FunctionGraph backend or custom authorizer named its function (`function-urn`,
 * `version`, `alias-urn`; `authorizer_uri`, `authorizer_version`, `authorizer_alias_uri`). Kept by
 * the import for the object it declared, so that exporting writes the same URN Huawei can resolve,
 * not the Lambda function's ARN: import → export → import with the same options gives the same group.
 */
export interface FunctionOrigin {
  readonly urn: string;
  readonly version?: string;
  readonly aliasUrn?: string;
}

const FUNCTION_ORIGINS = new WeakMap<object, FunctionOrigin>();

/** Records that `declared` (a Backend or a CustomAuthorizer) was imported from `origin`. */
export function rememberFunctionOrigin(declared: object, origin: FunctionOrigin): void {
  FUNCTION_ORIGINS.set(declared, origin);
}

/** The function origin `declared` was imported from, if it was. */
export function functionOriginOf(declared: object | undefined): FunctionOrigin | undefined {
  return declared ? FUNCTION_ORIGINS.get(declared) : undefined;
}
