/**
 * What every backend kind implements: one call, bounded by the API's timeout, that yields the
 * backend's proxy result (passed through whatever its status) or a gateway error.
 */
import { GatewayError } from '../gateway-error';
import type { MappedValue } from '../orchestration';
import { RequestView } from '../request';
import type { PrefixRemainder } from '../router';
import { ProxyResult } from '../types';

export interface BackendCall {
  readonly req: RequestView;
  /** The matched API's path template (`/orders/{id}`), for the function payload. */
  readonly apiPath: string;
  /** Decoded path parameters. */
  readonly params: Record<string, string>;
  /** The path parameters as the client sent them (percent-encoded), as API Gateway passes them. */
  readonly rawParams: Record<string, string>;
  readonly greedy?: { readonly name: string; readonly segments: readonly string[] };
  /** A PREFIX API's match: the path below its own (prefix-remainder.ts), appended to an HTTP backend's path. */
  readonly remainder?: PrefixRemainder;
  /** Budget for the whole exchange, in ms: the API's timeout, capped by Lambda's remaining time. */
  readonly timeoutMs: number;
  /** The document's stage, for system values when the event has none (`$context.stage`). */
  readonly defaultStage?: string;
  /** The parameter the API's orchestration rules mapped (orchestration.ts): replaces the caller's copy. */
  readonly orchestrated?: MappedValue;
}

export interface Backend {
  /** The API's configured timeout (absent for mocks, which answer at once). */
  readonly timeoutMs?: number;
  invoke(call: BackendCall): Promise<ProxyResult | GatewayError> | ProxyResult | GatewayError;
}

/** A backend whose configuration could not be used (e.g. an unset environment variable). */
export function brokenBackend(error: GatewayError): Backend {
  return { invoke: () => error };
}
