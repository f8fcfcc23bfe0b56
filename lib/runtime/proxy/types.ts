/**
 * Shapes the proxy reads and writes. The event is read leniently (API Gateway "may add new
 * keys", and the handler must never throw on a strange event), so every field is `unknown`
 * and narrowed where it is used.
 */

/** An API Gateway REST proxy event (payload 1.0), as received. */
export interface ProxyEvent {
  readonly [key: string]: unknown;
}

/** A Lambda proxy result. Header values are always strings. */
export interface ProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
}

/** The part of the Lambda context the proxy uses (absent when called outside Lambda). */
export interface LambdaContextLike {
  getRemainingTimeInMillis?: () => number;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string, number or boolean as text; anything else (objects, functions, null) as ''. */
export function scalarText(value: unknown): string {
  switch (typeof value) {
    case 'string': return value;
    case 'number':
    case 'boolean': return String(value);
    default: return '';
  }
}
