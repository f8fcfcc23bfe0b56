/**
 * The apps' AppSecrets (signature authentication), read from Secrets Manager by the authorizer
 * and by the proxy with the caching, refresh and backoff of authorizer/secrets.ts, and the
 * verification of a signature with them.
 *
 * A secret's SecretString is JSON `{"appSecret": "..."}`: 8-128 letters, digits or `_-!@#$%`
 * (Huawei's app_secret). Another value makes the secret unusable (logged with the app's name,
 * never the value), so the app's signatures are refused as the authorizer's own failure.
 *
 * On a signature that does not verify, the app's secret is read again (at most once per 10 s,
 * and not while backing off) and the signature checked once more: an AppSecret replaced a moment
 * ago works without letting bad signatures hammer Secrets Manager.
 */
import { SecretStore, SecretSource } from '../authorizer/secrets';
import type { RequestView } from '../proxy/request';
import { isRecord } from '../proxy/types';
import { APP_KEY_PATTERN, APP_SECRET_PATTERN, SignedRequest, signatureHolds } from './app-signature';
import { resolveDeployTime } from './deploy-time';

/** An app's signature credentials: its AppKey, and the secret of its AppSecret (as a SecretSource). */
export interface AppSigning extends SecretSource {
  /** The AppKey (`Access=` of the Authorization header). */
  readonly accessKey: string;
}

/**
 * An app's signature credentials from its document: undefined when it has none, or when they
 * cannot be used (a warning then says why; the app's signatures are refused as unknown AppKeys).
 */
export function signingOf(key: string, doc: { appKey?: unknown; appSecretArn?: unknown }, env: NodeJS.ProcessEnv,
  warnings: string[]): AppSigning | undefined {
  if (doc.appKey === undefined && doc.appSecretArn === undefined) { return undefined; }
  try {
    const accessKey = resolveDeployTime(doc.appKey as never, env, `apps.${key}.appKey`);
    if (!APP_KEY_PATTERN.test(accessKey)) { throw new Error(`apps.${key}.appKey is not 8-200 letters, digits, _ or -, starting with a letter or digit`); }
    const secretId = resolveDeployTime(doc.appSecretArn as never, env, `apps.${key}.appSecretArn`);
    return { appKey: key, accessKey, secretId };
  } catch (err) {
    warnings.push(`app ${key}: cannot sign requests: ${(err as Error).message}`);
    return undefined;
  }
}

/** The AppSecret of a SecretString. @throws Error (message starting "the secret ") when there is none */
export function parseAppSecret(secretString: string): Buffer {
  let doc: unknown;
  try {
    doc = JSON.parse(secretString);
  } catch {
    throw new Error('the secret is not JSON');
  }
  if (!isRecord(doc) || typeof doc.appSecret !== 'string') { throw new Error('the secret has no appSecret'); }
  if (!APP_SECRET_PATTERN.test(doc.appSecret)) {
    throw new Error('the secret holds an appSecret that is not 8-128 letters, digits or _-!@#$%');
  }
  return Buffer.from(doc.appSecret, 'utf8');
}

export class AppSecretStore extends SecretStore<Buffer> {
  public constructor() {
    super(text => parseAppSecret(text));
  }
}

/** One store per process: the authorizer's and the proxy's. */
let shared: AppSecretStore | undefined;
export function appSecretStore(): AppSecretStore {
  return shared ??= new AppSecretStore();
}

export type Verification = 'valid' | 'invalid' | 'unavailable';

/**
 * Verifies a signature with the app's AppSecret, for a body whose SHA-256 is `bodyHash`; on a
 * mismatch, once more after reading the secret again (when allowed).
 */
export async function verifyWithAppSecret(store: SecretStore<Buffer>, app: SecretSource, req: RequestView,
  signed: SignedRequest, bodyHash: string): Promise<Verification> {
  const secret = await store.get(app);
  if (secret === undefined) { return 'unavailable'; }
  if (signatureHolds(req, signed, secret, bodyHash)) { return 'valid'; }
  if (await store.refetch(app)) {
    const again = store.current(app);
    if (again !== undefined && again !== secret && signatureHolds(req, signed, again, bodyHash)) { return 'valid'; }
  }
  return 'invalid';
}
