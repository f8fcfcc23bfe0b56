/**
 * The authorizer's view of the configuration document (the same `config.json` as the proxy's):
 * the routes (`config.json`), to find the API a request is for with the proxy's own router, and
 * what each API's authentication needs. Loaded once at cold start; an API's details (its line of
 * `apis.jsonl`) are read and its authentication resolved on its first match and kept, so that a
 * cold start does not grow with the group (issue 8).
 *
 * A document the authorizer cannot read at all is refused: every request then gets a DEFAULT_5XX
 * verdict. A problem confined to one API (an undeclared app or authorizer, an unset deploy-time
 * value) makes that API's verdict DEFAULT_5XX, never an unauthenticated ok; it is logged when the
 * API is first called.
 */
import { ApiDetails } from '../shared/api-details';
import { CompiledOnFirstUse } from '../shared/compiled-on-first-use';
import { isRecord } from '../proxy/types';
import { AuthCatalog, ResolvedAuth } from '../shared/auth-config';
import { resolveDeployTime } from '../shared/deploy-time';
import { documentRoutes, EnvironmentRoutes } from '../shared/environment-routes';
import { DocumentFiles, loadDocument } from '../shared/document-file';
import { RouteTable } from '../shared/route-table';
import { signingOf } from '../shared/app-secrets';
import { AppDirectory, AppEntry } from './apps';
import { AppCodeStore } from './secrets';
import { compileOwnResources } from '../proxy/own-resources';
import { compileThirdParty, ThirdPartyAuthorizer } from './third-party';

export interface AuthorizerApi {
  readonly id: string;
  /** The API's path template (told to a custom authorizer function). */
  readonly path?: string;
  /** The API's name (for the access log). */
  readonly name: string;
  /** The resolved auth, or why it cannot be used. */
  readonly auth: ResolvedAuth | string;
  /** THIRD_PARTY: the compiled service. */
  readonly thirdParty?: ThirdPartyAuthorizer;
  /** APP: keys of the apps authorised for the API. */
  readonly authorisedApps: ReadonlySet<string>;
  /** An exposed API's own resources (proxy/own-resources.ts): reached through another, it is no API of the request. */
  readonly ownResources?: ReadonlySet<string>;
  /** A direct API's resource: arriving on it, the authorizer answers API Gateway itself (direct-answer.ts). */
  readonly directResource?: string;
}

/** An API as the router holds it: its details read and its authentication resolved on its first match (never throws). */
export type RoutedAuthorizerApi = CompiledOnFirstUse<AuthorizerApi>;

export interface AuthorizerConfig {
  /** The routers of the APIs published in each environment (stage). */
  readonly routes: EnvironmentRoutes<RoutedAuthorizerApi>;
  readonly stage: string;
  readonly apps: AppDirectory;
  /** Apps by key, with their secret and usage key. */
  readonly appEntries: ReadonlyMap<string, AppEntry>;
  /** Apps that can sign requests, by AppKey. */
  readonly appsByAccessKey: ReadonlyMap<string, AppEntry>;
  /** The API key for requests no app's key covers (refusals, apps without one): `refusalUsageKey`. */
  readonly refusalUsageKey?: string;
  /** Problems found at load (single apps), logged once at cold start. */
  readonly warnings: readonly string[];
}

export type AuthorizerConfigState =
  | { readonly ok: true; readonly config: AuthorizerConfig }
  | { readonly ok: false; readonly reason: string };

function fail(message: string): never {
  throw new Error(message);
}

/**
 * Compiles a parsed document. `warn` receives the problems confined to one API, when that API is
 * first called.
 *
 * @throws Error naming the first problem when the document cannot be used
 */
export function compileAuthorizerConfig({ doc, routes, readDetails }: DocumentFiles, env: NodeJS.ProcessEnv,
  store: AppCodeStore = new AppCodeStore(), warn: (reason: string) => void = () => undefined): AuthorizerConfig {
  if (!isRecord(doc.group) || typeof doc.group.stage !== 'string') { fail('group.stage is not a string'); }
  const table = RouteTable.parse(routes, doc.apiCount);
  const details = new ApiDetails(readDetails, table);
  if (doc.refusalUsageKey !== undefined && typeof doc.refusalUsageKey !== 'string') { fail('refusalUsageKey is not a string'); }
  const warnings: string[] = [];
  const catalog = new AuthCatalog(doc, env, 'authorizer');
  const appEntries = new Map<string, AppEntry>();
  const appsByAccessKey = new Map<string, AppEntry | undefined>();
  for (const [key, info] of catalog.apps) {
    let secretId: string | undefined;
    try {
      secretId = resolveDeployTime(info.doc.secretArn, env, `apps.${key}.secretArn`);
    } catch (err) {
      warnings.push(`app ${key}: ${(err as Error).message}`);
    }
    const usageKey = typeof info.doc.usageKey === 'string' && info.doc.usageKey !== '' ? info.doc.usageKey : undefined;
    const entry: AppEntry = { appKey: key, secretId, info, usageKey, signing: signingOf(key, info.doc, env, warnings) };
    appEntries.set(key, entry);
    if (entry.signing !== undefined) {
      if (appsByAccessKey.has(entry.signing.accessKey)) {
        warnings.push(`app ${key}: its AppKey is also app ${appsByAccessKey.get(entry.signing.accessKey)!.appKey}'s: neither can sign requests`);
        appsByAccessKey.set(entry.signing.accessKey, undefined);
      } else {
        appsByAccessKey.set(entry.signing.accessKey, entry);
      }
    }
  }
  const thirdParties = new Map<string, ThirdPartyAuthorizer | Error>();
  const thirdPartyOf = (key: string): ThirdPartyAuthorizer => {
    let compiled = thirdParties.get(key);
    if (compiled === undefined) {
      try {
        compiled = compileThirdParty(catalog.thirdPartyDocuments[key], env, `thirdPartyAuthorizers.${key}`);
      } catch (err) {
        compiled = err instanceof Error ? err : new Error(String(err));
      }
      thirdParties.set(key, compiled);
    }
    if (compiled instanceof Error) { throw compiled; }
    return compiled;
  };
  const resolveApi = (index: number, path: string): AuthorizerApi => {
    const where = `apis[${index}]`;
    let id = '';
    let name = '';
    try {
      const raw = details.get(index);
      if (typeof raw.id !== 'string') { throw new Error(`${where} needs a string id`); }
      id = raw.id;
      name = typeof raw.name === 'string' ? raw.name : '';
      const auth = catalog.resolve(raw.auth, where);
      const ownResources = compileOwnResources(raw.ownResources, where);
      return {
        id,
        name,
        path,
        auth,
        ...(ownResources ? { ownResources } : {}),
        ...(typeof raw.directResource === 'string' ? { directResource: raw.directResource } : {}),
        thirdParty: auth.thirdParty !== undefined ? thirdPartyOf(auth.thirdParty) : undefined,
        authorisedApps: new Set(auth.apps.map(a => a.key)),
      };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      warn(`api ${id || where}: authentication not usable: ${reason}`);
      return { id, name, auth: reason, authorisedApps: new Set() };
    }
  };
  const router = documentRoutes(table, i => new CompiledOnFirstUse(() => resolveApi(i, table.route(i)[1])));
  warnings.push(...catalog.warnings);
  return {
    routes: router,
    stage: doc.group.stage,
    apps: new AppDirectory([...appEntries.values()], store),
    appEntries,
    appsByAccessKey: new Map([...appsByAccessKey].filter((e): e is [string, AppEntry] => e[1] !== undefined)),
    refusalUsageKey: typeof doc.refusalUsageKey === 'string' && doc.refusalUsageKey !== '' ? doc.refusalUsageKey : undefined,
    warnings,
  };
}

/** Reads and compiles the document; never throws. */
export function loadAuthorizerConfig(file: string, env: NodeJS.ProcessEnv, warn: (reason: string) => void): AuthorizerConfigState {
  return loadDocument(file, files => compileAuthorizerConfig(files, env, undefined, warn));
}
