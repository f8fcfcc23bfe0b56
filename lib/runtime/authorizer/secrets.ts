/**
 * AppCodes, read from Secrets Manager and kept in memory as SHA-256 digests only.
 *
 * A secret's SecretString is JSON: `{"appCodes": ["...", ...]}` or `{"appCode": "..."}` (both
 * read when both are present). At most 5 codes of 64-180 characters count (DESIGN section 6);
 * any other entry is ignored with a log line that names the app and the entry's position, never
 * the code.
 *
 * Refresh: a secret is fetched on first use and again when its copy is older than 5 minutes. On
 * an AppCode that matches nothing, secrets are fetched again at most once per 10 s each, so a
 * code rotated a moment ago works without letting unknown codes hammer Secrets Manager. A
 * failing fetch keeps serving the last good copy; with no copy at all the app's codes are
 * unknown, which the caller must treat as its own failure. Either way a failed secret is not
 * read again before a backoff has passed (1 s after the first failure, doubling up to 30 s;
 * and, with a last good copy, no sooner than 10 s), so a secret that cannot be read costs one
 * call per backoff, not one per request.
 */
import { nodeCrypto } from '../shared/node-crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { raceDeadline, TIMED_OUT } from '../proxy/deadlines';
import { describeError } from '../proxy/errors';
import { logEvent } from '../proxy/log';
import { isRecord } from '../proxy/types';

/** A copy younger than this is used as is. */
export const SECRET_REFRESH_MS = 5 * 60_000;
/** After a miss or a failed fetch, a secret is fetched again no sooner than this. */
export const SECRET_REFETCH_MIN_INTERVAL_MS = 10_000;
/** After a failed read, the wait before the next one; each further failure doubles it. */
export const SECRET_RETRY_FIRST_MS = 1000;
/** The longest wait between two reads of a secret that keeps failing. */
export const SECRET_RETRY_MAX_MS = 30_000;
/** Longest wait for one GetSecretValue. */
export const SECRET_FETCH_TIMEOUT_MS = 3000;

const MAX_APP_CODES = 5;
const MIN_APP_CODE_LENGTH = 64;
const MAX_APP_CODE_LENGTH = 180;

type SecretsSdk = typeof import('@aws-sdk/client-secrets-manager');

let sdk: SecretsSdk | undefined;
let client: SecretsManagerClient | undefined;

function secretsClient(): { sdk: SecretsSdk; client: SecretsManagerClient } {
  if (!sdk) {
    // A plain require of an external module: esbuild leaves it to the Lambda runtime.
    sdk = require('@aws-sdk/client-secrets-manager') as SecretsSdk;
  }
  client ??= new sdk.SecretsManagerClient({});
  return { sdk, client };
}

/** Reads a secret's SecretString. @throws Error named after the failure (its message is not logged) */
export type SecretReader = (secretId: string, timeoutMs: number) => Promise<string>;

export const readSecret: SecretReader = async (secretId, timeoutMs) => {
  const sm = secretsClient();
  const output = await raceDeadline(timeoutMs,
    signal => sm.client.send(new sm.sdk.GetSecretValueCommand({ SecretId: secretId }), { abortSignal: signal }));
  if (output === TIMED_OUT) { throw Object.assign(new Error('timeout'), { name: 'SecretTimeout' }); }
  if (typeof output.SecretString !== 'string') { throw Object.assign(new Error('no SecretString'), { name: 'NoSecretString' }); }
  return output.SecretString;
};

/** SHA-256 of a code: what is kept and compared. */
export function digest(code: string): Buffer {
  return nodeCrypto().createHash('sha256').update(code, 'utf8').digest();
}

/**
 * The digests of the valid codes in a SecretString.
 *
 * @throws Error when the secret is not a JSON object with appCode / appCodes
 */
export function parseAppCodes(secretString: string, appKey: string): Buffer[] {
  let doc: unknown;
  try {
    doc = JSON.parse(secretString);
  } catch {
    throw new Error('the secret is not JSON');
  }
  if (!isRecord(doc) || (doc.appCode === undefined && doc.appCodes === undefined)) {
    throw new Error('the secret has neither appCode nor appCodes');
  }
  const entries: unknown[] = [];
  if (doc.appCode !== undefined) { entries.push(doc.appCode); }
  if (Array.isArray(doc.appCodes)) {
    entries.push(...doc.appCodes);
  } else if (doc.appCodes !== undefined) {
    logEvent('app code ignored', { app: appKey, reason: 'appCodes is not a list' });
  }
  const digests: Buffer[] = [];
  entries.forEach((code, position) => {
    let reason: string | undefined;
    if (typeof code !== 'string') {
      reason = 'not a string';
    } else if (code.length < MIN_APP_CODE_LENGTH || code.length > MAX_APP_CODE_LENGTH) {
      reason = `length outside ${MIN_APP_CODE_LENGTH}-${MAX_APP_CODE_LENGTH}`;
    } else if (digests.length >= MAX_APP_CODES) {
      reason = `more than ${MAX_APP_CODES} codes`;
    }
    if (reason !== undefined) {
      logEvent('app code ignored', { app: appKey, position, reason });
      return;
    }
    digests.push(digest(code as string));
  });
  return digests;
}

interface SecretCopy<T> {
  /** What the last good read parsed to. */
  value?: T;
  fetchedAt: number;
  attemptedAt: number;
  /** Failed reads since the last good one. */
  failures: number;
  /** After a failure, no read before this time (the backoff). */
  retryAt: number;
  inflight?: Promise<void>;
}

/** The backoff after `failures` consecutive failed reads. */
export function retryDelayMs(failures: number): number {
  return Math.min(SECRET_RETRY_MAX_MS, SECRET_RETRY_FIRST_MS * 2 ** Math.min(Math.max(0, failures - 1), 16));
}

export interface SecretSource {
  /** Key of the app in the document (for log lines). */
  readonly appKey: string;
  /** The secret's ARN; undefined when it could not be resolved at cold start. */
  readonly secretId?: string;
}

/**
 * Secrets read from Secrets Manager and kept parsed (a parse that throws counts as a failed read):
 * the caching, refresh and backoff described above, for any kind of app secret (AppCodes here,
 * AppSecrets in shared/app-secrets.ts).
 */
export class SecretStore<T> {
  private readonly copies = new Map<string, SecretCopy<T>>();

  public constructor(private readonly parse: (secretString: string, appKey: string) => T,
    private readonly read: SecretReader = readSecret, private readonly fetchTimeoutMs: () => number = () => SECRET_FETCH_TIMEOUT_MS) {}

  /**
   * An app's parsed secret, fetched or refreshed when needed; undefined when unknown. A stale
   * copy is served as is while it is being refreshed, recently tried or backing off; with no
   * copy, a read under way is waited for, and a secret backing off is unknown at once.
   */
  public async get(source: SecretSource): Promise<T | undefined> {
    if (source.secretId === undefined) { return undefined; }
    const copy = this.copy(source.secretId);
    const now = Date.now();
    if (copy.value !== undefined) {
      const fresh = now - copy.fetchedAt < SECRET_REFRESH_MS;
      const recentlyTried = now - copy.attemptedAt < SECRET_REFETCH_MIN_INTERVAL_MS;
      if (fresh || recentlyTried || now < copy.retryAt) { return copy.value; }
    } else if (copy.inflight === undefined && now < copy.retryAt) {
      return undefined;
    }
    await this.load(source, copy);
    return copy.value;
  }

  /** What is held now, without fetching. */
  public current(source: SecretSource): T | undefined {
    return source.secretId === undefined ? undefined : this.copies.get(source.secretId)?.value;
  }

  /**
   * After a miss: fetches the secret again unless it was tried in the last 10 s or is backing off
   * after a failure. True when it did.
   */
  public async refetch(source: SecretSource): Promise<boolean> {
    if (source.secretId === undefined) { return false; }
    const copy = this.copy(source.secretId);
    const now = Date.now();
    if (now - copy.attemptedAt < SECRET_REFETCH_MIN_INTERVAL_MS || now < copy.retryAt) { return false; }
    await this.load(source, copy);
    return true;
  }

  private copy(secretId: string): SecretCopy<T> {
    let copy = this.copies.get(secretId);
    if (!copy) {
      copy = { fetchedAt: 0, attemptedAt: -Infinity, failures: 0, retryAt: -Infinity };
      this.copies.set(secretId, copy);
    }
    return copy;
  }

  /** One fetch at a time per secret: concurrent requests share it. Never rejects. */
  private load(source: SecretSource, copy: SecretCopy<T>): Promise<void> {
    if (copy.inflight) { return copy.inflight; }
    copy.attemptedAt = Date.now();
    const secretId = source.secretId as string;
    copy.inflight = (async () => {
      try {
        const text = await this.read(secretId, this.fetchTimeoutMs());
        copy.value = this.parse(text, source.appKey);
        copy.fetchedAt = Date.now();
        copy.failures = 0;
        copy.retryAt = -Infinity;
      } catch (err) {
        copy.failures += 1;
        const delay = retryDelayMs(copy.failures);
        copy.retryAt = Date.now() + delay;
        const error = err instanceof Error && /^the secret /.test(err.message) ? err.message : describeError(err);
        logEvent('app secret not readable', {
          app: source.appKey, error, keeping: copy.value !== undefined ? 'last good copy' : 'nothing', retryInMs: delay,
        });
      } finally {
        copy.inflight = undefined;
      }
    })();
    return copy.inflight;
  }
}

/** The apps' AppCodes, kept as SHA-256 digests only. */
export class AppCodeStore extends SecretStore<Buffer[]> {
  public constructor(read: SecretReader = readSecret, fetchTimeoutMs: () => number = () => SECRET_FETCH_TIMEOUT_MS) {
    super(parseAppCodes, read, fetchTimeoutMs);
  }

  /** The digests of an app's codes (see `get`). */
  public codes(source: SecretSource): Promise<readonly Buffer[] | undefined> {
    return this.get(source);
  }
}
