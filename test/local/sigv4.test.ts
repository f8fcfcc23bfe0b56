/**
 * SigV4 verification (lib/local/sigv4.ts, node's crypto only) against signatures made by the AWS
 * SDK's own signer, @smithy/signature-v4: what a real client sends must verify, and any change to
 * what was signed must not.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { canonicalPath, canonicalQuery, SignedRequest, verifySigV4 } from '../../lib/local/sigv4';
import { NodeSha256 } from './node-sha256';


const CREDENTIALS = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const REGION = 'eu-west-1';
const SIGNED_AT = new Date('2026-03-01T12:00:00Z');
const NOW = SIGNED_AT.getTime() + 60_000;

interface Input {
  method?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
}

/** Signs like an SDK client, and returns the request as the gateway receives it. */
async function signed(input: Input = {}, options: { credentials?: typeof CREDENTIALS; region?: string; service?: string; at?: Date } = {}): Promise<SignedRequest> {
  const signer = new SignatureV4({
    credentials: options.credentials ?? CREDENTIALS,
    region: options.region ?? REGION,
    service: options.service ?? 'execute-api',
    sha256: NodeSha256,
  });
  const path = input.path ?? '/reports';
  const query = input.query ?? {};
  const request = await signer.sign({
    method: input.method ?? 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 3000,
    path,
    query,
    headers: { host: '127.0.0.1:3000', ...(input.headers ?? {}) },
    body: input.body,
  }, { signingDate: options.at ?? SIGNED_AT });
  // On the wire: the query as an HTTP client encodes it.
  const rawQuery = Object.entries(query)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map(value => `${encodeURIComponent(k)}=${encodeURIComponent(value)}`))
    .join('&');
  return {
    method: request.method,
    rawPath: path,
    rawQuery,
    headers: Object.entries(request.headers as Record<string, string>).map(([k, v]) => [k, v] as [string, string]),
    body: Buffer.from(input.body ?? '', 'utf8'),
  };
}

function verify(req: SignedRequest, now = NOW) {
  return verifySigV4(req, { credentials: [CREDENTIALS], region: REGION, now });
}

describe('signatures made by @smithy/signature-v4 verify', () => {
  test.each<[string, Input]>([
    ['a GET', {}],
    ['a query, repeated and unsorted parameters, characters to encode', { query: { z: 'last', a: ['2', '1'], 'sp ace': 'a+b/c*!' } }],
    ['a POST with a JSON body', { method: 'POST', path: '/orders', body: '{"item":"book","qty":2}', headers: { 'content-type': 'application/json' } }],
    ['a percent-encoded path (encoded again in the canonical path)', { path: '/files/a%20b/%C3%A9t%C3%A9' }],
    ['a session token header', { headers: { 'x-amz-security-token': 'FwoGZXIvYXdzEXAMPLE' } }],
  ])('%s', async (_what, input) => {
    // What an SDK signs must be accepted, whatever the request's shape.
    expect(verify(await signed(input))).toEqual({ ok: true, accessKeyId: CREDENTIALS.accessKeyId });
  });
});

describe('anything else is refused with API Gateway\'s response type', () => {
  test('no Authorization header → MISSING_AUTHENTICATION_TOKEN', async () => {
    // API Gateway's answer for an unsigned request to an IAM method.
    const req = await signed();
    const outcome = verify({ ...req, headers: req.headers.filter(([n]) => n.toLowerCase() !== 'authorization') });
    expect(outcome).toMatchObject({ ok: false, type: 'MISSING_AUTHENTICATION_TOKEN', message: 'Missing Authentication Token' });
  });

  test('a tampered body, path, query or signed header → INVALID_SIGNATURE', async () => {
    // The signature covers all of them: changing any one must break it.
    const post = await signed({ method: 'POST', path: '/orders', body: '{"qty":1}' });
    expect(verify({ ...post, body: Buffer.from('{"qty":100}') })).toMatchObject({ ok: false, type: 'INVALID_SIGNATURE' });
    expect(verify({ ...post, rawPath: '/orders/1' })).toMatchObject({ ok: false, type: 'INVALID_SIGNATURE' });
    expect(verify({ ...post, method: 'PUT' })).toMatchObject({ ok: false, type: 'INVALID_SIGNATURE' });
    const get = await signed({ query: { a: '1' } });
    expect(verify({ ...get, rawQuery: 'a=2' })).toMatchObject({ ok: false, type: 'INVALID_SIGNATURE' });
    expect(verify({ ...get, headers: get.headers.map(([n, v]) => [n, n === 'host' ? 'evil.example.com' : v] as [string, string]) }))
      .toMatchObject({ ok: false, type: 'INVALID_SIGNATURE' });
  });

  test('another secret, an unknown key, another region or service → INVALID_SIGNATURE', async () => {
    // Only the configured credentials, scoped to the local region and execute-api, are accepted.
    expect(verify(await signed({}, { credentials: { ...CREDENTIALS, secretAccessKey: 'not-the-secret' } })))
      .toMatchObject({ ok: false, type: 'INVALID_SIGNATURE' });
    expect(verify(await signed({}, { credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' } })))
      .toMatchObject({ ok: false, type: 'INVALID_SIGNATURE', message: 'The security token included in the request is invalid.' });
    expect(verify(await signed({}, { region: 'us-west-2' }))).toMatchObject({ ok: false, type: 'INVALID_SIGNATURE' });
    expect(verify(await signed({}, { service: 'lambda' }))).toMatchObject({ ok: false, type: 'INVALID_SIGNATURE' });
  });

  test('a signature more than 5 minutes old or ahead → INVALID_SIGNATURE, in AWS\'s words', async () => {
    // API Gateway's clock-skew window, and its messages (a 403 InvalidSignatureException, not EXPIRED_TOKEN).
    const req = await signed();
    expect(verify(req, SIGNED_AT.getTime() + 4 * 60_000).ok).toBe(true);
    expect(verify(req, SIGNED_AT.getTime() - 4 * 60_000).ok).toBe(true);
    expect(verify(req, SIGNED_AT.getTime() + 6 * 60_000)).toEqual({
      ok: false, type: 'INVALID_SIGNATURE',
      message: 'Signature expired: 20260301T120000Z is now earlier than 20260301T120100Z (20260301T120600Z - 5 min.)',
    });
    expect(verify(req, SIGNED_AT.getTime() - 6 * 60_000)).toEqual({
      ok: false, type: 'INVALID_SIGNATURE',
      message: 'Signature not yet current: 20260301T120000Z is still later than 20260301T115900Z (20260301T115400Z + 5 min.)',
    });
  });

  test('a malformed Authorization header → INVALID_SIGNATURE, not a crash', () => {
    // Whatever a client sends gets an answer.
    for (const value of ['AWS4-HMAC-SHA256 nonsense', 'AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST/20260301/eu-west-1/execute-api/aws4_request, SignedHeaders=host, Signature=zz']) {
      const outcome = verify({ method: 'GET', rawPath: '/', rawQuery: '', headers: [['Authorization', value], ['Host', 'h'], ['X-Amz-Date', '20260301T120000Z']], body: Buffer.alloc(0) });
      expect(outcome).toMatchObject({ ok: false, type: 'INVALID_SIGNATURE' });
    }
  });

  // Issue 14 item 17: what API Gateway answers for a header that is not a complete SigV4 header, in
  // its words as recorded from execute-api (serverless/serverless#3205, aws/chalice#828).
  test('Bearer tokens, bare tokens and missing fields → IncompleteSignatureException, in API Gateway\'s words', () => {
    const outcome = (value: string, date = true) => verify({
      method: 'GET', rawPath: '/', rawQuery: '', body: Buffer.alloc(0),
      headers: [['Authorization', value], ['Host', 'h'], ...(date ? [['X-Amz-Date', '20260301T120000Z'] as [string, string]] : [])],
    });
    expect(outcome('Bearer sometoken')).toEqual({
      ok: false, type: 'INVALID_SIGNATURE', errorType: 'IncompleteSignatureException',
      message: "'sometoken' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer sometoken'.",
    });
    expect(outcome('eyJ0eXAi.eyJzdWIi.4f1J', false)).toEqual({
      ok: false, type: 'INVALID_SIGNATURE', errorType: 'IncompleteSignatureException',
      message: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a " +
        "'X-Amz-Date' or a 'Date' header. Authorization=eyJ0eXAi.eyJzdWIi.4f1J",
    });
    expect(outcome('AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST/20260301/eu-west-1/execute-api/aws4_request, Signature=ab'))
      .toMatchObject({ errorType: 'IncompleteSignatureException', message: expect.stringMatching(/^Authorization header requires 'SignedHeaders' parameter\. Authorization=/) });
  });
});

test('canonical path and query follow SigV4 (RFC 3986, sorted, path encoded twice)', () => {
  // The two parts where hand-written verifiers usually differ from the SDKs.
  expect(canonicalPath('/a%20b/./c/../d/')).toBe('/a%2520b/d/');
  expect(canonicalPath('/')).toBe('/');
  expect(canonicalQuery('b=2&a=%2A&a=1&c')).toBe('a=%2A&a=1&b=2&c=');
  expect(canonicalQuery('X-Amz-Signature=abc&x=1')).toBe('x=1');
});
