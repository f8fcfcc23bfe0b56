/**
 * Classification of errors raised while talking to a backend: network, DNS, TLS and protocol
 * failures mean the backend is unavailable (BACKEND_UNAVAILABLE); anything else is a fault of
 * the proxy (DEFAULT_5XX). Timeouts never get here: the proxy's own timer decides those.
 */

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EPROTO',
  'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME',
  'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'EADDRNOTAVAIL',
  'ERR_STREAM_PREMATURE_CLOSE', 'ERR_SOCKET_CLOSED',
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_REJECTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'HOSTNAME_MISMATCH',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

// HPE_*: node's HTTP parser (malformed response); ERR_TLS_* / ERR_SSL_*: handshake failures.
const UNAVAILABLE_PREFIX = /^(HPE_|ERR_TLS_|ERR_SSL_|ERR_HTTP_)/;

export function errorCode(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** True when the error says the backend could not be reached or spoke badly. */
export function isBackendUnavailable(err: unknown): boolean {
  const code = errorCode(err);
  if (code !== undefined && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_PREFIX.test(code))) { return true; }
  // TLS errors raised by OpenSSL carry `library`/`reason` rather than a node code.
  return typeof err === 'object' && err !== null && typeof (err as { library?: unknown }).library === 'string';
}

/** A short description of an error for the log: its code or name, never its message. */
export function describeError(err: unknown): string {
  const code = errorCode(err);
  if (code) { return code; }
  if (err instanceof Error) { return err.name; }
  return typeof err;
}
