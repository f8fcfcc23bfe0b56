import type { Api } from '../api';

/** The request a previewed gateway response answers, and what the gateway knew about it. */
export interface GatewayResponseRenderOptions {
  /**
   * Request path, relative to the stage (`$context.reqPath`).
   *
   * @default '/'
   */
  readonly path?: string;

  /**
   * HTTP method (`$context.reqMethod`).
   *
   * @default - the API's method (GET for ANY), or GET without an API
   */
  readonly method?: string;

  /**
   * Request id (`$context.requestId`, the `X-Request-Id` header).
   *
   * @default 'preview-request-id'
   */
  readonly requestId?: string;

  /**
   * Caller IP (`$context.sourceIp`).
   *
   * @default '198.51.100.1'
   */
  readonly sourceIp?: string;

  /**
   * Stage the request was sent to (`$context.stage`).
   *
   * @default - the group's stage
   */
  readonly stage?: string;

  /**
   * Request headers (e.g. `Origin`, for the group's CORS headers).
   *
   * @default - none
   */
  readonly headers?: { [name: string]: string };

  /**
   * Query-string parameters (`$context.reqUri`).
   *
   * @default - none
   */
  readonly query?: { [name: string]: string };

  /**
   * The API the request was routed to (`$context.apiId`, `$context.apiName`).
   *
   * @default - none, as for NOT_FOUND: both render empty
   */
  readonly api?: Api;

  /**
   * Stage variables (`$stageVariables.<name>`).
   *
   * @default - the group's
   */
  readonly stageVariables?: { [name: string]: string };

  /**
   * The custom or third-party authorizer's context (`$context.authorizer.frontend.<key>`).
   *
   * @default - none
   */
  readonly authorizerContext?: { [key: string]: string };

  /**
   * The calling app's name (`$context.appName`; its id renders as `$context.appId`).
   *
   * @default - no app
   */
  readonly appName?: string;

  /**
   * `$context.error.code`.
   *
   * @default - the type's default code
   */
  readonly errorCode?: string;

  /**
   * `$context.error.message`.
   *
   * @default - the type's default message
   */
  readonly errorMessage?: string;

  /**
   * The status of the error before the rule applies: kept when the rule sets none (DEFAULT_4XX, DEFAULT_5XX).
   *
   * @default - the type's default status; 400 for DEFAULT_4XX, 500 for DEFAULT_5XX
   */
  readonly originalStatusCode?: number;
}

/** A rendered gateway response. */
export interface RenderedGatewayResponse {
  /** HTTP status code. */
  readonly statusCode: number;
  /** Response headers (Content-Type, X-Request-Id, the rule's headers, CORS headers). */
  readonly headers: { [name: string]: string };
  /** Response body. */
  readonly body: string;
}

