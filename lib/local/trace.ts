/**
 * The `X-Amzn-Trace-Id` API Gateway passes to an integration and returns on its answer:
 * `Root=1-<epoch seconds, hex>-<24 hex>;Parent=<16 hex>;Sampled=<0|1>`. A caller's own header keeps
 * its Root (and Parent and Sampled when it has them), so a trace started upstream continues; without
 * one API Gateway starts a trace, not sampled (LocalStack's AWS-validated execute-api handlers).
 */
import { randomBytes } from 'crypto';

function fields(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) { out.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim()); }
  }
  return out;
}

/** The trace header of a request received at `nowMs` with the caller's `X-Amzn-Trace-Id` (if any). */
export function traceHeader(received: string | undefined, nowMs: number): string {
  const given = fields(received);
  const validRoot = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
  const validParent = /^[0-9a-f]{16}$/;
  const root = validRoot.test(given.get('root') ?? '') ? given.get('root')! : `1-${Math.floor(nowMs / 1000).toString(16).padStart(8, '0')}-${randomBytes(12).toString('hex')}`;
  const parent = validParent.test(given.get('parent') ?? '') ? given.get('parent')! : undefined;
  const sampled = /^[01]$/.test(given.get('sampled') ?? '') ? given.get('sampled')! : parent ? '1' : '0';
  return `Root=${root};Parent=${parent ?? randomBytes(8).toString('hex')};Sampled=${sampled}`;
}
