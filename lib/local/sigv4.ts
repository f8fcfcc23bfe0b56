/**
 * Verification of AWS Signature Version 4 (the `Authorization` header form), as API Gateway
 * checks AWS_IAM methods, with node's crypto only:
 *
 *   canonical request = METHOD \n canonical path \n canonical query \n canonical headers \n
 *                       signed header names \n payload hash
 *   string to sign    = AWS4-HMAC-SHA256 \n <X-Amz-Date> \n <date>/<region>/<service>/aws4_request \n hex(sha256(canonical request))
 *   signing key       = HMAC chain "AWS4"+secret → date → region → service → "aws4_request"
 *
 * The canonical path is the received path, its segments normalised (empty and `.` removed, `..`
 * applied) and percent-encoded once more, as AWS SDKs sign for every service but S3. Query
 * parameters are decoded, re-encoded (RFC 3986) and sorted. The payload hash is the body's
 * SHA-256, or `UNSIGNED-PAYLOAD` when the request says so in `X-Amz-Content-Sha256`.
 *
 * Outcomes, with API Gateway's gateway response types: no `Authorization` header →
 * MISSING_AUTHENTICATION_TOKEN; a malformed header, an unknown access key, another region or
 * service, or a signature that does not match → INVALID_SIGNATURE; a request time more than
 * 5 minutes away from now → INVALID_SIGNATURE as well, with AWS's own words ("Signature expired:
 * 20170212T175938Z is now earlier than 20170215T145534Z (20170215T150034Z - 5 min.)", recorded as a
 * 403 from execute-api in aws-amplify/aws-sdk-android#253; ahead of time: "Signature not yet current:
 * ... is still later than ... (... + 5 min.)", serverless/enterprise#11). EXPIRED_TOKEN is for an
 * expired session token, which local credentials never have. Presigned URLs (`X-Amz-Signature` in the
 * query) are not accepted.
 */
import * as crypto from 'crypto';

export interface SigV4Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface SignedRequest {
  readonly method: string;
  /** The path as received (percent-encoded, no query). */
  readonly rawPath: string;
  /** The query string as received, without `?` ('' when none). */
  readonly rawQuery: string;
  /** Headers as received; a repeated header appears several times. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

export type SigV4Outcome =
  | { readonly ok: true; readonly accessKeyId: string }
  | {
    readonly ok: false;
    readonly type: 'MISSING_AUTHENTICATION_TOKEN' | 'INVALID_SIGNATURE' | 'EXPIRED_TOKEN';
    readonly message: string;
    /**
     * `IncompleteSignatureException` when the Authorization header is not a complete SigV4 header
     * (`Bearer x`, a bare token, missing fields or date): API Gateway's x-amzn-ErrorType then, not
     * InvalidSignatureException. Absent: the type's own.
     */
    readonly errorType?: 'IncompleteSignatureException';
  };

export interface VerifyOptions {
  /** The only credentials whose signatures are accepted. */
  readonly credentials: readonly SigV4Credentials[];
  /** The region the scope must name; undefined: any (the local AWS endpoints serve every region). */
  readonly region: string | undefined;
  /** @default 'execute-api' */
  readonly service?: string;
  /** Epoch ms. @default Date.now() */
  readonly now?: number;
  /** How far the request time may be from now. @default 5 minutes (API Gateway, like most AWS services) */
  readonly maxSkewMs?: number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const MISMATCH = 'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** RFC 3986 percent-encoding (encodeURIComponent plus `!'()*`), as SigV4 requires. */
export function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonical path of a received path (segments normalised, then encoded once more). */
export function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') { continue; }
    if (segment === '..') { segments.pop(); } else { segments.push(segment); }
  }
  const normalized = `${rawPath.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

function decode(value: string): string {
  try { return decodeURIComponent(value); } catch { return value; }
}

/** The canonical query of a received query string (without X-Amz-Signature). */
export function canonicalQuery(rawQuery: string): string {
  const byKey = new Map<string, string[]>();
  for (const part of rawQuery.split('&')) {
    if (part === '') { continue; }
    const eq = part.indexOf('=');
    const key = escapeUri(decode(eq < 0 ? part : part.slice(0, eq)));
    const value = escapeUri(decode(eq < 0 ? '' : part.slice(eq + 1)));
    if (key.toLowerCase() === 'x-amz-signature') { continue; }
    const list = byKey.get(key) ?? [];
    list.push(`${key}=${value}`);
    byKey.set(key, list);
  }
  return [...byKey.keys()].sort().map(k => byKey.get(k)!.sort().join('&')).join('&');
}

function headerValues(headers: ReadonlyArray<readonly [string, string]>, lowerName: string): string[] {
  return headers.filter(([name]) => name.toLowerCase() === lowerName).map(([, value]) => value);
}

function canonicalHeaderValue(values: string[]): string {
  return values.map(v => v.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '')).join(',');
}

function sha256Hex(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function hmac(key: crypto.BinaryLike, data: string): Buffer {
  return crypto.createHmac('sha256', key).update(data, 'utf8').digest();
}

/** The signing key of a secret for a date (YYYYMMDD), region and service. */
export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
}

/** `X-Amz-Date` (or `Date`) → epoch ms, or undefined. */
function requestTime(amzDate: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (m) { return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]); }
  const parsed = Date.parse(amzDate);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function basicIso(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` as API Gateway does:
 * the scheme up to the first space, then `key=value` pairs separated by commas. What is not a
 * complete SigV4 header is refused with API Gateway's IncompleteSignatureException messages, as
 * recorded from execute-api: `Bearer sometoken` → "'sometoken' not a valid key=value pair (missing
 * equal-sign) in Authorization header: 'Bearer sometoken'." (serverless/serverless#3205); a bare
 * token → "Authorization header requires 'Credential' parameter. ... requires existence of either
 * a 'X-Amz-Date' or a 'Date' header. Authorization=<token>" (aws/chalice#828, nordcloud/cognitocurl#15).
 */
function parseAuthorization(value: string, hasDate: boolean): { credential: string; signedHeaders: string; signature: string } | string {
  const space = value.indexOf(' ');
  const rest = space < 0 ? '' : value.slice(space + 1);
  const fields = new Map<string, string>();
  if (rest.trim() !== '') {
    for (const part of rest.split(',')) {
      const eq = part.indexOf('=');
      if (eq < 0) { return `'${part.trim()}' not a valid key=value pair (missing equal-sign) in Authorization header: '${value}'.`; }
      fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter(f => !fields.get(f))
    .map(f => `Authorization header requires '${f}' parameter.`);
  if (!hasDate) { missing.push('Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.'); }
  if (missing.length > 0) { return `${missing.join(' ')} Authorization=${value}`; }
  return { credential: fields.get('Credential')!, signedHeaders: fields.get('SignedHeaders')!, signature: fields.get('Signature')! };
}

/** Verifies a request's SigV4 signature. */
export function verifySigV4(req: SignedRequest, options: VerifyOptions): SigV4Outcome {
  const service = options.service ?? 'execute-api';
  const now = options.now ?? Date.now();
  const maxSkew = options.maxSkewMs ?? 5 * 60_000;
  const skewText = `${Math.round(maxSkew / 60_000)} min.`;
  const authorization = headerValues(req.headers, 'authorization');
  if (authorization.length === 0 || authorization[0] === '') {
    return { ok: false, type: 'MISSING_AUTHENTICATION_TOKEN', message: 'Missing Authentication Token' };
  }
  const amzDate = headerValues(req.headers, 'x-amz-date')[0] ?? headerValues(req.headers, 'date')[0];
  const parsed = parseAuthorization(authorization[0], amzDate !== undefined);
  // Not a complete SigV4 header: API Gateway's IncompleteSignatureException (403), rendered with the
  // INVALID_SIGNATURE gateway response (a credential was sent, and it is not usable).
  if (typeof parsed === 'string') { return { ok: false, type: 'INVALID_SIGNATURE', message: parsed, errorType: 'IncompleteSignatureException' }; }
  if (!authorization[0].startsWith(`${ALGORITHM} `)) {
    return { ok: false, type: 'INVALID_SIGNATURE', message: `Authorization header must use the ${ALGORITHM} algorithm` };
  }

  const [accessKeyId, date, region, scopeService, terminator, ...rest] = parsed.credential.split('/');
  if (!accessKeyId || !date || !region || !scopeService || terminator !== 'aws4_request' || rest.length > 0) {
    return { ok: false, type: 'INVALID_SIGNATURE', message: `Credential should be scoped to a valid region, not '${region ?? ''}'.` };
  }
  const credentials = options.credentials.find(c => c.accessKeyId === accessKeyId);
  if (!credentials) { return { ok: false, type: 'INVALID_SIGNATURE', message: 'The security token included in the request is invalid.' }; }
  if (options.region !== undefined && region !== options.region) {
    return { ok: false, type: 'INVALID_SIGNATURE', message: `Credential should be scoped to a valid region, not '${region}'. Should be '${options.region}'.` };
  }
  if (scopeService !== service) {
    return { ok: false, type: 'INVALID_SIGNATURE', message: `Credential should be scoped to correct service: '${service}'.` };
  }

  const signedAt = amzDate === undefined ? undefined : requestTime(amzDate);
  if (signedAt === undefined || amzDate === undefined) { return { ok: false, type: 'INVALID_SIGNATURE', message: `Invalid date ${amzDate}` }; }
  if (signedAt < now - maxSkew) {
    return { ok: false, type: 'INVALID_SIGNATURE', message: `Signature expired: ${basicIso(signedAt)} is now earlier than ${basicIso(now - maxSkew)} (${basicIso(now)} - ${skewText})` };
  }
  if (signedAt > now + maxSkew) {
    return { ok: false, type: 'INVALID_SIGNATURE', message: `Signature not yet current: ${basicIso(signedAt)} is still later than ${basicIso(now + maxSkew)} (${basicIso(now)} + ${skewText})` };
  }
  if (!amzDate.startsWith(date)) {
    return { ok: false, type: 'INVALID_SIGNATURE', message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}'` };
  }

  const signedHeaders = parsed.signedHeaders.split(';').map(h => h.trim().toLowerCase());
  if (!signedHeaders.includes('host')) {
    return { ok: false, type: 'INVALID_SIGNATURE', message: '\'Host\' or \':authority\' must be a \'SignedHeader\' in the AWS Authorization.' };
  }
  const canonicalHeaders = signedHeaders.map(name => `${name}:${canonicalHeaderValue(headerValues(req.headers, name))}\n`).join('');
  const declaredHash = headerValues(req.headers, 'x-amz-content-sha256')[0];
  const payloadHash = declaredHash === UNSIGNED_PAYLOAD ? UNSIGNED_PAYLOAD : sha256Hex(req.body);
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalPath(req.rawPath),
    canonicalQuery(req.rawQuery),
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  const expected = crypto.createHmac('sha256', signingKey(credentials.secretAccessKey, date, region, service)).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(/^[0-9a-f]{64}$/i.test(parsed.signature) ? parsed.signature : '', 'hex');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    return { ok: false, type: 'INVALID_SIGNATURE', message: MISMATCH };
  }
  return { ok: true, accessKeyId };
}

export interface SigningInput {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly credentials: SigV4Credentials;
  readonly region: string;
  readonly service: string;
  /** Epoch ms. @default Date.now() */
  readonly now?: number;
}

/**
 * The headers of a SigV4-signed request (the given ones plus `host`, `x-amz-date`, `authorization`),
 * signed as the AWS SDKs sign: every given header and `host`, the body's SHA-256.
 */
export function signRequest(input: SigningInput): Record<string, string> {
  const amzDate = basicIso(input.now ?? Date.now());
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...input.headers, 'host': input.url.host, 'x-amz-date': amzDate };
  const names = Object.keys(headers).map(n => n.toLowerCase()).sort();
  const pairs: Array<[string, string]> = Object.entries(headers);
  const canonicalHeaders = names.map(name => `${name}:${canonicalHeaderValue(headerValues(pairs, name))}\n`).join('');
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalPath(input.url.pathname),
    canonicalQuery(input.url.search.replace(/^\?/, '')),
    canonicalHeaders,
    names.join(';'),
    sha256Hex(input.body),
  ].join('\n');
  const scope = `${date}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  const signature = crypto.createHmac('sha256', signingKey(input.credentials.secretAccessKey, date, input.region, input.service)).update(stringToSign, 'utf8').digest('hex');
  headers.authorization = `${ALGORITHM} Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return headers;
}
