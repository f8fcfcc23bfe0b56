/**
 * App authentication (Huawei "simple authentication"): the caller sends an AppCode in
 * `X-Apig-AppCode`. The code is compared with every code of every app of the group, so that an
 * unknown code (AUTH_FAILURE) is told apart from a known app that is not authorised for the API
 * (UNAUTHORIZED).
 *
 * Constant time: the candidate is hashed once with SHA-256 and compared with every stored digest
 * with `crypto.timingSafeEqual`, without stopping at a match, so the time taken depends on the
 * number of codes only, never on which one (if any) matched.
 */
import { timingSafeEqual } from 'crypto';
import { AppInfo } from '../shared/auth-config';
import { AppCodeStore, digest, SecretSource } from './secrets';

/** An app with the resolved ARN of its secret. */
export interface AppEntry extends SecretSource {
  readonly info: AppInfo;
  /** The app's API key value in its usage plan, if it has one. */
  readonly usageKey?: string;
}

export type Identification =
  | { readonly kind: 'app'; readonly app: AppEntry }
  | { readonly kind: 'unknown' }
  /** Some app's codes could not be read and no readable code matched: the authorizer cannot tell. */
  | { readonly kind: 'unavailable'; readonly reason: string };

/** Indexes of the sets holding `candidate`, every digest compared. */
function matchingSets(candidate: Buffer, sets: ReadonlyArray<readonly Buffer[] | undefined>): number[] {
  const found: number[] = [];
  for (let i = 0; i < sets.length; i++) {
    const set = sets[i];
    if (set === undefined) { continue; }
    let hit = false;
    for (const stored of set) {
      // Non-short-circuiting: every digest is compared whatever came before.
      hit = timingSafeEqual(stored, candidate) || hit;
    }
    if (hit) { found.push(i); }
  }
  return found;
}

export class AppDirectory {
  public constructor(private readonly apps: readonly AppEntry[], private readonly store: AppCodeStore) {}

  /**
   * Finds the app an AppCode belongs to. When several apps hold it (a user-supplied secret
   * shared between apps), one authorised for the API wins.
   */
  public async identify(appCode: string, authorised: ReadonlySet<string>): Promise<Identification> {
    const candidate = digest(appCode);
    let sets = await Promise.all(this.apps.map(app => this.store.codes(app)));
    let found = matchingSets(candidate, sets);
    if (found.length === 0) {
      // A code rotated a moment ago: read the secrets again (each at most once per 10 s).
      const refetched = await Promise.all(this.apps.map(app => this.store.refetch(app)));
      if (refetched.some(Boolean)) {
        sets = this.apps.map(app => this.store.current(app));
        found = matchingSets(candidate, sets);
      }
    }
    if (found.length > 0) {
      const preferred = found.find(i => authorised.has(this.apps[i].info.key)) ?? found[0];
      return { kind: 'app', app: this.apps[preferred] };
    }
    const unreadable = this.apps.filter((_, i) => sets[i] === undefined);
    if (unreadable.length > 0) {
      return { kind: 'unavailable', reason: `codes of app ${unreadable[0].info.key} not readable` };
    }
    return { kind: 'unknown' };
  }
}
