/**
 * Writing answers with node's http: header values made acceptable to node (which refuses
 * characters above U+00FF and control characters), hop-by-hop and length headers left to node.
 */
import * as http from 'http';
import { keyed } from '../private/own-keys';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/g;
const NOT_LATIN1 = /[^\u0000-\u00ff]/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const MANAGED = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/** A header value node accepts: control characters removed, non-Latin-1 text as its UTF-8 bytes read as Latin-1. */
export function latin1Safe(value: string): string {
  const clean = value.replace(CONTROL, '');
  return NOT_LATIN1.test(clean) ? Buffer.from(clean, 'utf8').toString('latin1') : clean;
}

/** Headers (name → one or more values) ready for `writeHead`; invalid names and node-managed headers dropped. */
export function outgoingHeaders(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  // Without a prototype: a header named `__proto__` is a header.
  const out: Record<string, string | string[]> = keyed();
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name) || MANAGED.has(name.toLowerCase())) { continue; }
    out[name] = Array.isArray(value) ? value.map(latin1Safe) : latin1Safe(value);
  }
  return out;
}

/** Writes a complete answer (nothing when the client is gone). */
export function writeAnswer(res: http.ServerResponse, status: number, headers: Record<string, string | string[]>, body: Buffer | string): void {
  if (res.destroyed || res.headersSent) { return; }
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...outgoingHeaders(headers), 'Content-Length': String(bytes.length) });
  res.end(bytes);
}
