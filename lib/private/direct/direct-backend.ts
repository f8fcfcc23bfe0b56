import type * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * A backend as API Gateway would call it itself (direct integration): what the integration needs,
 * and the backend's features that only the proxy can provide (direct-eligibility.ts names them).
 */
export type DirectBackend = DirectHttpBackend | DirectFunctionBackend | DirectMockBackend;

export interface DirectHttpBackend {
  readonly kind: 'HTTP';
  /** The URL with its environment variables as `#name#` (backend-address.ts). */
  readonly url: string;
  /** The environment variables the URL uses. */
  readonly variables: readonly string[];
  /** `{name}` placeholders the URL takes from the request. */
  readonly placeholders: readonly string[];
  /** The backend's own method (undefined: the request's). */
  readonly method?: string;
  readonly timeoutMs: number;
  /** Header → authorizer context key (`authorizerContextHeaders`). */
  readonly contextHeaders: Readonly<Record<string, string>>;
  readonly parameterCount: number;
}

export interface DirectFunctionBackend {
  readonly kind: 'FUNCTION';
  readonly handler: lambda.IFunction;
  readonly timeoutMs: number;
  readonly parameterCount: number;
  readonly asynchronous: boolean;
}

export interface DirectMockBackend {
  readonly kind: 'MOCK';
  readonly statusCode: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}
