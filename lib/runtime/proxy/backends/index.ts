/** Compiles a backend document into a Backend, resolving deploy-time values from the environment. */
import { BackendDocument } from '../../../private/config-document';
import { resolveDeployTime } from '../../shared/deploy-time';
import { internalError } from '../gateway-error';
import { MediaTypeMatcher } from '../media-types';
import { isRecord } from '../types';
import { Backend, brokenBackend } from './backend';
import { compileFunctionBackend } from './function';
import { compileHttpBackend } from './http';
import { compileMockBackend } from './mock';

export type { Backend, BackendCall } from './backend';

/** Longest backend timeout the design allows (DESIGN section 6). */
const MAX_TIMEOUT_MS = 60_000;

function timeoutOf(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new Error(`timeoutMs ${JSON.stringify(value)} is not within 1-${MAX_TIMEOUT_MS}`);
  }
  return Math.floor(value);
}

/** Group-wide settings a backend may need. */
export interface BackendOptions {
  /** Whether a request body is binary for a function backend, by its Content-Type. */
  readonly isBinary: MediaTypeMatcher;
}

function compile(doc: BackendDocument, env: NodeJS.ProcessEnv, options: BackendOptions): Backend {
  if (!isRecord(doc)) { throw new Error('backend is not an object'); }
  switch (doc.type) {
    case 'HTTP':
      return compileHttpBackend({ ...doc, timeoutMs: timeoutOf(doc.timeoutMs) }, resolveDeployTime(doc.url, env, 'url'));
    case 'FUNCTION':
      return compileFunctionBackend({ ...doc, timeoutMs: timeoutOf(doc.timeoutMs) }, resolveDeployTime(doc.functionArn, env, 'functionArn'),
        options.isBinary);
    case 'MOCK':
      return compileMockBackend(doc);
    default:
      throw new Error(`unknown backend type ${JSON.stringify((doc as { type?: unknown }).type)}`);
  }
}

/**
 * Compiles one API's backend. A backend that cannot be used becomes one that answers DEFAULT_5XX
 * (reported through `warn` at cold start), so one bad API does not take the group down.
 */
export function compileBackend(doc: BackendDocument, env: NodeJS.ProcessEnv, options: BackendOptions,
  warn: (reason: string) => void): Backend {
  try {
    return compile(doc, env, options);
  } catch (err) {
    const reason = `backend not usable: ${err instanceof Error ? err.message : String(err)}`;
    warn(reason);
    return brokenBackend(internalError(reason));
  }
}
