/**
 * A function backend's result judged as API Gateway's Lambda proxy integration (AWS_PROXY, REST,
 * payload 1.0) judges it. Recorded on AWS (LocalStack's AWS-validated snapshots,
 * test/fixtures/lambda-proxy-results/ORIGIN.md):
 *
 * - the result is an object whose keys are among `statusCode`, `headers`, `multiValueHeaders`,
 *   `body`, `isBase64Encoded` (any other key, `cookies` included, which only HTTP APIs read, is a
 *   malformed response); a string is malformed;
 * - `statusCode` may be a number or a numeric string (`"201"` → 201); absent (or null) it is 200;
 * - `headers` may be null; a boolean header value is sent as `true` / `false`;
 * - `multiValueHeaders` values are lists (a plain string is malformed);
 * - a name in both `headers` and `multiValueHeaders` (in any case) is one header: the multi-value
 *   list then the single value, under the multi-value name's spelling.
 *
 * Not recorded, kept as the proxy did before: a number as a header value is its text; null, an
 * object or a list as a header value, a body that is not a string (an object is the usual
 * mistake, reported as malformed in API Gateway's test console), an `isBase64Encoded` that is not a
 * boolean, a status outside 100-599 or not an integer are malformed. Header names that are not
 * HTTP tokens are dropped; control characters are removed from values (no header splitting).
 */
import { isToken, stripControlCharacters } from '../headers';
import { isRecord, ProxyResult } from '../types';

const RESULT_KEYS: ReadonlySet<string> = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

function headerText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string': return stripControlCharacters(value);
    case 'number':
    case 'boolean': return String(value);
    default: return undefined;
  }
}

function statusOf(value: unknown): number | undefined {
  if (value === undefined || value === null) { return 200; }
  const n = typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

/** The function's result as a proxy result, or a sentence saying why API Gateway would call it malformed. */
export function judgeFunctionResult(payload: unknown): ProxyResult | string {
  if (!isRecord(payload)) { return `the result is ${payload === null ? 'null' : Array.isArray(payload) ? 'a list' : `a ${typeof payload}`}, not an object`; }
  const unknown = Object.keys(payload).filter(k => !RESULT_KEYS.has(k));
  if (unknown.length > 0) { return `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 5).map(k => JSON.stringify(k)).join(', ')}`; }
  const statusCode = statusOf(payload.statusCode);
  if (statusCode === undefined) { return 'statusCode is not an HTTP status'; }
  const body = payload.body ?? '';
  if (typeof body !== 'string') { return 'body is not a string'; }
  const base64 = payload.isBase64Encoded ?? false;
  if (typeof base64 !== 'boolean') { return 'isBase64Encoded is not a boolean'; }

  const single = new Map<string, { name: string; value: string }>();
  if (payload.headers !== undefined && payload.headers !== null) {
    if (!isRecord(payload.headers)) { return 'headers is not an object'; }
    for (const name of Object.keys(payload.headers)) {
      const value = headerText(payload.headers[name]);
      if (value === undefined) { return `headers.${name} is not a string`; }
      if (isToken(name)) { single.set(name.toLowerCase(), { name, value }); }
    }
  }
  const multi: Record<string, string[]> = Object.create(null);
  let hasMulti = false;
  if (payload.multiValueHeaders !== undefined && payload.multiValueHeaders !== null) {
    if (!isRecord(payload.multiValueHeaders)) { return 'multiValueHeaders is not an object'; }
    for (const name of Object.keys(payload.multiValueHeaders)) {
      const values = payload.multiValueHeaders[name];
      if (!Array.isArray(values)) { return `multiValueHeaders.${name} is not a list`; }
      const texts: string[] = [];
      for (const v of values) {
        const text = headerText(v);
        if (text === undefined) { return `multiValueHeaders.${name} has a value that is not a string`; }
        texts.push(text);
      }
      if (!isToken(name)) { continue; }
      // The same name in headers joins the list, after its values, under this spelling.
      const lower = name.toLowerCase();
      const alsoSingle = single.get(lower);
      if (alsoSingle) { texts.push(alsoSingle.value); single.delete(lower); }
      multi[name] = texts;
      hasMulti = true;
    }
  }
  // Own data properties only (a header named __proto__ stays a header).
  const headers: Record<string, string> = Object.fromEntries([...single.values()].map(h => [h.name, h.value]));
  const result: ProxyResult = { statusCode, headers, body, isBase64Encoded: base64 };
  if (hasMulti) { result.multiValueHeaders = { ...multi }; }
  return result;
}
