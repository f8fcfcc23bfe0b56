/**
 * App authentication (Huawei "simple authentication"): the caller sends an AppCode in
 * `X-Apig-AppCode`. The code is compared with every code of every app of the group, so that an
 * unknown code (AUTH_FAILURE) is told apart from a known app that is not authorised for the API
 * (UNAUTHORIZED).
 *
 * Constant time: the candidate is hashed once with SHA-256 and compared with every stored digest
 * of an app with `crypto.timingSafeEqual`, without stopping at a match, so the time taken never
 * depends on which code (if any) matched; only on how many codes there are and on which secrets
 * still had to be read.
 */
import { nodeCrypto } from '../shared/node-crypto';
import type { AppSigning } from '../shared/app-secrets';
import { AppInfo } from '../shared/auth-config';
import { AppCodeStore, digest, SecretSource } from './secrets';

/** An app with the resolved ARN of its secret. */
export interface AppEntry extends SecretSource {
  readonly info: AppInfo;
  /** The app's API key value in its usage plan, if it has one. */
  readonly usageKey?: string;
  /** Where the app's AppSecret is, and its AppKey, when the app can sign requests. */
  readonly signing?: AppSigning;
}


export type Identification =
  | { readonly kind: 'app'; readonly app: AppEntry }
  | { readonly kind: 'unknown' }
  /** Some app's codes could not be read and no readable code matched: the authorizer cannot tell. */
  | { readonly kind: 'unavailable'; readonly reason: string };

/** True when `set` holds `candidate`; every digest is compared whatever came before. */
function holds(candidate: Buffer, set: readonly Buffer[]): boolean {
  let hit = false;
  for (const stored of set) {
    hit = nodeCrypto().timingSafeEqual(stored, candidate) || hit;
  }
  return hit;
}

/** One app's codes as a search found them: undefined when not readable. */
interface Look {
  readonly codes: readonly Buffer[] | undefined;
  readonly holds: boolean;
}

export class AppDirectory {
  public constructor(private readonly apps: readonly AppEntry[], private readonly store: AppCodeStore) {}

  /**
   * Finds the app an AppCode belongs to. When several apps hold it (a user-supplied secret
   * shared between apps), one authorised for the API wins.
   *
   * Each app's secret is resolved on its own: a match in an app authorised for the API answers
   * at once, even while another app's secret is still being read. Any other answer (another
   * app, no app, or "cannot tell") needs every app's codes, so it waits for every read.
   */
  public async identify(appCode: string, authorised: ReadonlySet<string>): Promise<Identification> {
    const candidate = digest(appCode);
    let found = await this.search(candidate, authorised, app => this.store.codes(app));
    if (Array.isArray(found) && !found.some(look => look.holds)) {
      // A code rotated a moment ago: read the secrets again (each at most once per 10 s, and an
      // unreadable one only after its backoff), then look again; an app not read again keeps its look.
      const first = found;
      found = await this.search(candidate, authorised, async (app, i) =>
        (await this.store.refetch(app) ? this.store.current(app) : first[i]));
    }
    if (!Array.isArray(found)) { return { kind: 'app', app: this.apps[found] }; }
    const looks = found;
    const holders = this.apps.filter((_, i) => looks[i].holds);
    if (holders.length > 0) {
      return { kind: 'app', app: holders.find(app => authorised.has(app.info.key)) ?? holders[0] };
    }
    const unreadable = this.apps.filter((_, i) => looks[i].codes === undefined);
    if (unreadable.length > 0) {
      return { kind: 'unavailable', reason: `codes of app ${unreadable[0].info.key} not readable` };
    }
    return { kind: 'unknown' };
  }

  /**
   * Looks the candidate up in every app's codes, all apps at once. Answers the index of an app
   * authorised for the API that holds it as soon as one is found, else every app's look once all
   * have answered.
   */
  private search(candidate: Buffer, authorised: ReadonlySet<string>,
    codesOf: (app: AppEntry, index: number) => Promise<readonly Buffer[] | undefined | Look>): Promise<number | Look[]> {
    return new Promise(resolve => {
      const looks: Look[] = new Array(this.apps.length);
      let waiting = this.apps.length;
      if (waiting === 0) { resolve(looks); return; }
      this.apps.forEach((app, i) => {
        const settle = (found: readonly Buffer[] | undefined | Look): void => {
          let look: Look;
          try {
            // A look from an earlier search stands as it is: its codes were compared already.
            look = found !== undefined && !Array.isArray(found) ? found as Look
              : { codes: found as readonly Buffer[] | undefined, holds: found !== undefined && holds(candidate, found as readonly Buffer[]) };
          } catch {
            // Never left unanswered: a set that cannot be compared counts as unreadable.
            look = { codes: undefined, holds: false };
          }
          looks[i] = look;
          if (look.holds && authorised.has(app.info.key)) { resolve(i); }
          waiting -= 1;
          if (waiting === 0) { resolve(looks); }
        };
        Promise.resolve().then(() => codesOf(app, i)).then(settle, () => settle(undefined));
      });
    });
  }
}
