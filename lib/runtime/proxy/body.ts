/**
 * Response bodies: text or base64, and Lambda's 6 MB limit on the serialized result.
 */
import { isUtf8 } from 'buffer';
import { mediaTypeOf } from './media-types';
import { ProxyResult } from './types';

/** Lambda's synchronous invoke payload limit (request and response), in bytes. */
export const LAMBDA_PAYLOAD_LIMIT = 6_291_456;

// text/*, json, xml, javascript, form data, and the +json / +xml structured suffixes.
const TEXTUAL = /^text\/|[/+](?:json|xml)$|\/(?:x-)?(?:javascript|ecmascript)$|\/x-www-form-urlencoded$/;

/** True for a content type whose body is text (media type only; parameters ignored). */
export function isTextualContentType(contentType: string | undefined): boolean {
  return contentType ? TEXTUAL.test(mediaTypeOf(contentType)) : false;
}

/**
 * The body as a proxy result carries it: text when the content type is textual, the bytes are
 * not content-encoded (gzip is binary) and they are valid UTF-8; base64 otherwise.
 */
export function encodeBody(bytes: Buffer, contentType: string | undefined, contentEncoding: string | undefined):
{ body: string; isBase64Encoded: boolean } {
  if (bytes.length === 0) { return { body: '', isBase64Encoded: false }; }
  const encoded = contentEncoding !== undefined && contentEncoding.trim().toLowerCase() !== 'identity' && contentEncoding.trim() !== '';
  if (!encoded && isTextualContentType(contentType) && isUtf8(bytes)) {
    return { body: bytes.toString('utf8'), isBase64Encoded: false };
  }
  return { body: bytes.toString('base64'), isBase64Encoded: true };
}

// Each UTF-16 unit serializes to at most 6 bytes (`\u001f`), so small results skip the exact count.
const MAX_BYTES_PER_UNIT = 6;
const ENVELOPE_BYTES = 256;

/** True when the result, serialized as Lambda does (JSON, UTF-8), exceeds the payload limit. */
export function exceedsLambdaLimit(result: ProxyResult): boolean {
  let units = result.body.length;
  for (const key of Object.keys(result.headers)) { units += key.length + result.headers[key].length + 6; }
  const multi = result.multiValueHeaders;
  if (multi) {
    for (const key of Object.keys(multi)) {
      units += key.length + 6;
      for (const v of multi[key]) { units += v.length + 3; }
    }
  }
  if (units * MAX_BYTES_PER_UNIT + ENVELOPE_BYTES <= LAMBDA_PAYLOAD_LIMIT) { return false; }
  return Buffer.byteLength(JSON.stringify(result), 'utf8') > LAMBDA_PAYLOAD_LIMIT;
}
