import { ResponseType } from './response-type';

/**
 * How one response type renders in a gateway response: status, JSON body template and headers.
 *
 * Body and header values may use the `$context.*` and `$stageVariables.*` variables listed in the
 * README. Values substituted into the body are JSON-string-escaped, so put variables inside JSON
 * strings: `{"rid":"$context.requestId"}`.
 */
export interface ResponseRule {
  /** The response type this rule customises. */
  readonly type: ResponseType;

  /**
   * HTTP status code: an integer from 200 to 599, except 444.
   *
   * @default - the type's default status; for DEFAULT_4XX and DEFAULT_5XX, the original status
   */
  readonly statusCode?: number;

  /**
   * JSON body template.
   *
   * @default '{"error_code":"$context.error.code","error_msg":"$context.error.message","request_id":"$context.requestId"}'
   */
  readonly body?: string;

  /**
   * Response headers (at most 10): name of 1-128 letters, digits, `_` or `-`; value of 1-1024
   * characters, without `[[` or `]]`, which may use variables.
   *
   * @default - no extra headers
   */
  readonly headers?: { [name: string]: string };
}
