/**
 * The per-run AWS credentials of the local AWS endpoints (local-lambda.ts, local-secrets-manager.ts).
 *
 * Those endpoints serve every function's Invoke and every app's AppCode, so they must answer only
 * the local gateway's own processes: they listen on 127.0.0.1 only, and every request must carry a
 * valid SigV4 signature made with this key pair, which is random for each run (each process that
 * starts endpoints) and reaches nothing but the environment of the functions the gateway starts
 * (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). SigV4 is what every AWS SDK v3 client sends on every
 * request (Authorization: AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/<service>/aws4_request,
 * ...), so the functions' real SDK needs nothing else; the stand-in SDK (sdk-fallback.ts) signs the
 * same way. Another local user's process, or a web page in a browser (which cannot sign without the
 * secret), gets 403 in the protocol's error shape.
 */
import { randomBytes } from 'crypto';
import type { SigV4Credentials } from './sigv4';

let perRun: SigV4Credentials | undefined;

/** This run's key pair (created on first use). */
export function localCredentials(): SigV4Credentials {
  perRun ??= {
    accessKeyId: `AKIDLOCAL${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
  return perRun;
}
