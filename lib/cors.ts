import { Duration } from 'aws-cdk-lib';

/**
 * Cross-origin resource sharing for an API group. When declared, the group answers CORS
 * preflight (OPTIONS) requests natively, and adds the CORS headers to backend responses and to
 * every gateway response, including the native ones API Gateway renders.
 */
export interface CorsOptions {
  /**
   * Origins allowed to call the APIs: `['*']`, or scheme://host[:port] values.
   */
  readonly allowOrigins: string[];

  /**
   * Request headers a browser may send (answered in preflight).
   *
   * @default - Content-Type, X-Amz-Date, Authorization, X-Api-Key, X-Amz-Security-Token, X-Amz-User-Agent, X-Apig-AppCode
   */
  readonly allowHeaders?: string[];

  /**
   * Methods a browser may use (answered in preflight).
   *
   * @default - GET, POST, PUT, DELETE, HEAD, PATCH, OPTIONS
   */
  readonly allowMethods?: string[];

  /**
   * Whether browsers may send credentials (cookies, authorization). Cannot be combined with `*`.
   *
   * @default false
   */
  readonly allowCredentials?: boolean;

  /**
   * Response headers browsers may read.
   *
   * @default ['X-Request-Id']
   */
  readonly exposeHeaders?: string[];

  /**
   * How long browsers may cache a preflight answer.
   *
   * @default - browser default
   */
  readonly maxAge?: Duration;
}

/** @internal defaults of CorsOptions */
export const CORS_DEFAULTS = {
  allowHeaders: ['Content-Type', 'X-Amz-Date', 'Authorization', 'X-Api-Key', 'X-Amz-Security-Token', 'X-Amz-User-Agent', 'X-Apig-AppCode'],
  allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'],
  exposeHeaders: ['X-Request-Id'],
} as const;
