/**
 * The check every request to a local AWS endpoint passes first (see local-credentials.ts): a SigV4
 * signature of this run's key pair, for the endpoint's service, in any region. The refusal uses the
 * error names AWS services answer with: no signature → MissingAuthenticationTokenException, an
 * unknown access key → UnrecognizedClientException, anything else → InvalidSignatureException; all 403.
 */
import type * as http from 'http';
import { SigV4Credentials, verifySigV4 } from './sigv4';

export interface EndpointRefusal {
  readonly status: 403;
  readonly errorType: string;
  readonly message: string;
}

/** Undefined when the request is signed with `credentials` for `service`; otherwise why it is refused. */
export function refuseUnsigned(req: http.IncomingMessage, body: Buffer, service: string, credentials: SigV4Credentials): EndpointRefusal | undefined {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) { headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]); }
  const outcome = verifySigV4(
    { method: req.method ?? 'GET', rawPath: q < 0 ? url : url.slice(0, q), rawQuery: q < 0 ? '' : url.slice(q + 1), headers, body },
    { credentials: [credentials], region: undefined, service },
  );
  if (outcome.ok) { return undefined; }
  if (outcome.type === 'MISSING_AUTHENTICATION_TOKEN') { return { status: 403, errorType: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' }; }
  if (/security token included in the request is invalid/.test(outcome.message)) {
    return { status: 403, errorType: 'UnrecognizedClientException', message: outcome.message };
  }
  return { status: 403, errorType: 'InvalidSignatureException', message: outcome.message };
}
