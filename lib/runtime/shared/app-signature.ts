/**
 * Huawei's default app authentication: a request signed with the app's AppKey and AppSecret
 * (`SDK-HMAC-SHA256`, the algorithm of Huawei's SDK signers), verified exactly as the signers
 * produce it. Shared by the authorizer (which never sees the body) and the proxy (which does).
 *
 *   Authorization: SDK-HMAC-SHA256 Access=<AppKey>, SignedHeaders=host;x-sdk-date, Signature=<hex>
 *   X-Sdk-Date: 20060102T150405Z
 *
 *   canonical request = METHOD \n URI \n QUERY \n HEADER LINES \n SIGNED HEADERS \n PAYLOAD HASH
 *     URI:      the path the client sent, split on `/`, each segment percent-decoded then
 *               RFC 3986-encoded (only A-Z a-z 0-9 - _ . ~ raw, upper-case hex), `/` added at the end
 *     QUERY:    names sorted, one `name=value` per value (values sorted), both RFC 3986-encoded, `&`
 *     HEADERS:  `name:trimmed value\n` for each name of the client's SignedHeaders, in its order
 *               (a header sent several times: one line per value, values sorted)
 *     PAYLOAD:  hex SHA-256 of the raw body, or the `X-Sdk-Content-Sha256` header verbatim
 *               (`UNSIGNED-PAYLOAD` leaves the body out)
 *   string to sign = SDK-HMAC-SHA256 \n <X-Sdk-Date> \n hex(SHA-256(canonical request))
 *   signature = hex(HMAC-SHA256(AppSecret, string to sign)), compared in constant time
 *
 * The date must be within 15 minutes of the gateway's clock either way, and `x-sdk-date` must be
 * a signed header. A repeated Authorization, X-Sdk-Date or X-Sdk-Content-Sha256 is refused (which
 * one the signature covers would be ambiguous). The path signed is the one the client sent:
 * `requestContext.path` (it carries the stage on the execute-api endpoint and the base path behind a
 * custom domain, percent-encoded as sent), not the API-relative path the gateway routes on.
 *
 * Nothing here logs or returns a secret, a signature or a canonical request: the refusal messages
 * follow Huawei's (`Incorrect app authentication information: ...`) and echo only an AppKey of the
 * AppKey shape and a date of the date shape.
 */
import { nodeCrypto } from './node-crypto';
import type { RequestView } from '../proxy/request';
import { isRecord } from '../proxy/types';
import { decodeSegment } from './path-text';
import { headerSent } from './sent-once';

export const SIGNATURE_ALGORITHM = 'SDK-HMAC-SHA256';
/** How far `X-Sdk-Date` may be from the gateway's clock, either way (Huawei: 15 minutes). */
export const SIGNATURE_WINDOW_MS = 15 * 60_000;
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** Huawei's app_key: 8-200 letters, digits, `_` or `-`, starting with a letter or a digit. */
export const APP_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{7,199}$/;
/** Huawei's app_secret: 8-128 letters, digits or `_-!@#$%`. */
export const APP_SECRET_PATTERN = /^[A-Za-z0-9_\-!@#$%]{8,128}$/;

const AUTH_MESSAGE = 'Incorrect app authentication information';
const DATE_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const HEX_SIGNATURE = /^[0-9a-fA-F]{64}$/;

/** A signature as the request carries it (nothing verified yet). */
export interface SignedRequest {
  /** The AppKey (`Access`). */
  readonly access: string;
  /** The client's SignedHeaders, lower case, in its order. */
  readonly signedHeaders: readonly string[];
  /** The SignedHeaders text as sent. */
  readonly signedHeadersText: string;
  readonly signature: string;
  /** `X-Sdk-Date` as sent. */
  readonly date: string;
  readonly dateMs: number;
  /** `X-Sdk-Content-Sha256` as sent, when present. */
  readonly contentSha256?: string;
}

/** An AUTH_FAILURE of signature authentication: a reason for the log, Huawei's message for the caller. */
export interface SignatureRefusal {
  readonly reason: string;
  readonly message: string;
}

export type SignatureRead =
  /** No Authorization of the SDK-HMAC-SHA256 scheme: no signature was attempted. */
  | { readonly kind: 'absent' }
  | { readonly kind: 'refused'; readonly refusal: SignatureRefusal }
  | { readonly kind: 'signed'; readonly signed: SignedRequest };

function refused(reason: string, detail: string): { kind: 'refused'; refusal: SignatureRefusal } {
  return { kind: 'refused', refusal: { reason, message: `${AUTH_MESSAGE}: ${detail}` } };
}

/** Epoch ms of an `X-Sdk-Date` (`YYYYMMDDTHHMMSSZ`, UTC), or undefined when it is not one. */
export function parseSdkDate(text: string): number | undefined {
  const m = DATE_PATTERN.exec(text);
  if (!m) { return undefined; }
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // 20060231T... is not a date: it must read back the same.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d
    || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) { return undefined; }
  return ms;
}

/** `YYYYMMDDTHHMMSSZ` of an instant. */
export function formatSdkDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** The parts of `SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...`, or undefined when garbled. */
function parseAuthorization(rest: string): { access: string; signedHeaders: string; signature: string } | undefined {
  const fields = new Map<string, string>();
  for (const part of rest.split(',')) {
    const text = part.trim();
    const eq = text.indexOf('=');
    if (eq <= 0) { return undefined; }
    const name = text.slice(0, eq);
    if (name !== 'Access' && name !== 'SignedHeaders' && name !== 'Signature') { return undefined; }
    if (fields.has(name)) { return undefined; }
    fields.set(name, text.slice(eq + 1).trim());
  }
  const access = fields.get('Access');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!access || !signedHeaders || !signature) { return undefined; }
  return { access, signedHeaders, signature };
}

/**
 * Reads the signature of a request: absent (no Authorization of this scheme), refused (garbled,
 * repeated, no or a bad X-Sdk-Date, x-sdk-date not signed), or the signed parts.
 */
export function readSignature(req: RequestView): SignatureRead {
  const auth = headerSent(req, 'authorization');
  if (auth.kind === 'absent') { return { kind: 'absent' }; }
  if (auth.kind === 'repeated') {
    const values = req.headers.get('authorization') ?? [];
    if (!values.some(v => v.trimStart().startsWith(SIGNATURE_ALGORITHM))) { return { kind: 'absent' }; }
    return refused('Authorization sent more than once', 'Authorization sent more than once');
  }
  const value = auth.value.trim();
  if (!value.startsWith(`${SIGNATURE_ALGORITHM} `)) {
    // Another scheme (e.g. for a custom authorizer): not a signature.
    return value === SIGNATURE_ALGORITHM ? refused('garbled Authorization', 'Access or Credential is empty in Authorization') : { kind: 'absent' };
  }
  const parts = parseAuthorization(value.slice(SIGNATURE_ALGORITHM.length + 1));
  if (!parts) { return refused('garbled Authorization', 'Access or Credential is empty in Authorization'); }
  const names = parts.signedHeaders.split(';');
  if (names.some(n => !HEADER_NAME.test(n)) || new Set(names).size !== names.length || names.includes('authorization')) {
    return refused('garbled SignedHeaders', 'SignedHeaders is not a list of lower-case header names');
  }
  if (!HEX_SIGNATURE.test(parts.signature)) { return refused('garbled Signature', 'Signature is not 64 hexadecimal digits'); }
  if (!names.includes('x-sdk-date')) { return refused('x-sdk-date not signed', 'x-sdk-date is not a signed header'); }
  const dateSent = headerSent(req, 'x-sdk-date');
  if (dateSent.kind === 'repeated') { return refused('X-Sdk-Date sent more than once', 'X-Sdk-Date sent more than once'); }
  if (dateSent.kind === 'absent') { return refused('no X-Sdk-Date', 'X-Sdk-Date is missing'); }
  const dateMs = parseSdkDate(dateSent.value.trim());
  if (dateMs === undefined) { return refused('bad X-Sdk-Date', 'X-Sdk-Date is not of the form YYYYMMDDTHHMMSSZ'); }
  const sha = headerSent(req, 'x-sdk-content-sha256');
  if (sha.kind === 'repeated') { return refused('X-Sdk-Content-Sha256 sent more than once', 'X-Sdk-Content-Sha256 sent more than once'); }
  return {
    kind: 'signed',
    signed: {
      access: parts.access,
      signedHeaders: names,
      signedHeadersText: parts.signedHeaders,
      signature: parts.signature.toLowerCase(),
      date: dateSent.value.trim(),
      dateMs,
      ...(sha.kind === 'once' ? { contentSha256: sha.value.trim() } : {}),
    },
  };
}

/** The refusal of an AppKey that names no app (echoed only when it has the AppKey shape). */
export function unknownAppKey(access: string): SignatureRefusal {
  return { reason: 'AppKey of no app', message: `${AUTH_MESSAGE}: app not found${APP_KEY_PATTERN.test(access) ? `, appkey ${access}` : ''}` };
}

export const BAD_SIGNATURE: SignatureRefusal = { reason: 'signature mismatch', message: `${AUTH_MESSAGE}: verify signature fail` };

/** The refusal of a date outside the window, undefined when within it. */
export function dateRefusal(signed: SignedRequest, now: number): SignatureRefusal | undefined {
  if (Math.abs(now - signed.dateMs) <= SIGNATURE_WINDOW_MS) { return undefined; }
  return {
    reason: 'signature date outside the 15-minute window',
    message: `${AUTH_MESSAGE}: signature expired, signature time:${signed.date},server time:${formatSdkDate(now)}`,
  };
}

/** RFC 3986 encoding of the signers: only A-Z a-z 0-9 - _ . ~ stay raw; UTF-8; upper-case hex. */
export function rfc3986(text: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    // A lone surrogate cannot be sent in UTF-8: it cannot be what the client signed either.
    encoded = encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '\ufffd'));
  }
  return encoded.replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonical URI of a path as sent: each segment decoded then encoded, `/` at the end. */
export function canonicalUri(path: string): string {
  const uri = path.split('/').map(s => rfc3986(decodeSegment(s))).join('/');
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/** The canonical query of decoded parameters (name → values). */
export function canonicalQuery(query: ReadonlyMap<string, readonly string[]>): string {
  const names = [...query.keys()].sort();
  const pairs: string[] = [];
  for (const name of names) {
    const key = rfc3986(name);
    for (const value of [...(query.get(name) ?? [])].sort()) { pairs.push(`${key}=${rfc3986(value)}`); }
  }
  return pairs.join('&');
}

/**
 * The path the client sent, which it signed: `requestContext.path` (stage or base path included),
 * else `event.path`. The local gateway serves a stage at the root of its port, so its events carry
 * a `requestContext.path` of `/<stage><path>` that the client never sent; it says so with
 * APIG_SIGNED_PATH_WITHOUT_STAGE, and the path without the stage is used.
 */
export function signedPath(req: RequestView): string {
  const context = isRecord(req.event.requestContext) ? req.event.requestContext : {};
  const eventPath = typeof req.event.path === 'string' ? req.event.path : '';
  const sent = typeof context.path === 'string' && context.path.startsWith('/') ? context.path : eventPath;
  if (process.env.APIG_SIGNED_PATH_WITHOUT_STAGE === 'true' && req.stage !== '' && sent === `/${req.stage}${eventPath}`) {
    return eventPath === '' ? '/' : eventPath;
  }
  return sent === '' ? '/' : sent;
}

/** The canonical header lines, or undefined when a signed header is not in the request. */
function canonicalHeaders(req: RequestView, names: readonly string[]): string | undefined {
  let lines = '';
  for (const name of names) {
    const values = req.headers.get(name);
    if (values === undefined || values.length === 0) { return undefined; }
    for (const value of [...values].map(v => v.trim()).sort()) { lines += `${name}:${value}\n`; }
  }
  return lines;
}

/** hex SHA-256 of a body (absent: the empty body's). */
export function bodySha256(body: Buffer | undefined): string {
  return body === undefined || body.length === 0 ? EMPTY_BODY_SHA256 : nodeCrypto().createHash('sha256').update(body).digest('hex');
}

/** The payload hash the signature covers: X-Sdk-Content-Sha256 verbatim, else the body's. */
export function payloadHash(signed: SignedRequest, bodyHash: string): string {
  return signed.contentSha256 ?? bodyHash;
}

/** True when X-Sdk-Content-Sha256, if sent and not UNSIGNED-PAYLOAD, is the body's hash. */
export function contentHashHolds(signed: SignedRequest, bodyHash: string): boolean {
  const declared = signed.contentSha256;
  return declared === undefined || declared === UNSIGNED_PAYLOAD || declared.toLowerCase() === bodyHash;
}

/** The canonical request (exported for the tests of the algorithm; never logged). */
export function canonicalRequest(req: RequestView, signed: SignedRequest, payload: string): string | undefined {
  const headers = canonicalHeaders(req, signed.signedHeaders);
  if (headers === undefined) { return undefined; }
  return [req.method, canonicalUri(signedPath(req)), canonicalQuery(req.query), headers, signed.signedHeadersText, payload].join('\n');
}

/** The string to sign of a canonical request. */
export function stringToSign(date: string, canonical: string): string {
  return `${SIGNATURE_ALGORITHM}\n${date}\n${nodeCrypto().createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}

/** hex HMAC-SHA256 of `text` with `secret`. */
export function hmacHex(secret: Buffer, text: string): string {
  return nodeCrypto().createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

/**
 * True when the signature is the request's with `secret`, for a body whose hash is `bodyHash`
 * (and X-Sdk-Content-Sha256, if sent, declares that body). Constant time in the signature.
 */
export function signatureHolds(req: RequestView, signed: SignedRequest, secret: Buffer, bodyHash: string): boolean {
  const canonical = canonicalRequest(req, signed, payloadHash(signed, bodyHash));
  const expected = Buffer.from(hmacHex(secret, stringToSign(signed.date, canonical ?? '')), 'utf8');
  const given = Buffer.from(signed.signature, 'utf8');
  const same = given.length === expected.length && nodeCrypto().timingSafeEqual(given, expected);
  return same && canonical !== undefined && contentHashHolds(signed, bodyHash);
}

/** What the authorizer can know of the body from the headers alone. */
export type BodyEvidence =
  /** `Content-Length: 0` and no Transfer-Encoding. */
  | 'none-declared'
  /** Neither Content-Length nor Transfer-Encoding. */
  | 'none-implied'
  /** A body may be there. */
  | 'maybe';

export function bodyEvidence(req: RequestView): BodyEvidence {
  if (req.headers.has('transfer-encoding')) { return 'maybe'; }
  const length = req.headers.get('content-length');
  if (length === undefined) { return 'none-implied'; }
  return length.length === 1 && /^\s*0+\s*$/.test(length[0]) ? 'none-declared' : 'maybe';
}
