/**
 * Node's crypto module, loaded on first use. Most requests hash nothing (API Gateway gives the
 * request id; only signatures, app codes and cache keys hash), and loading it, with the stream
 * module it pulls in, was the largest part of the proxy's cold `require` left (issue 15). Where the
 * Lambda runtime has loaded it already, this costs nothing either way.
 */
import type * as Crypto from 'crypto';

let loaded: typeof Crypto | undefined;

export function nodeCrypto(): typeof Crypto {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return loaded ??= require('crypto') as typeof Crypto;
}
