/**
 * The authentication part of the configuration document, as both handlers read it: apps, custom
 * authorizers and each API's `auth`. Each handler compiles only what it runs (the proxy: the
 * custom authorizer of IAM + custom APIs; the authorizer: those of CUSTOM and APP + custom), so
 * a deploy-time value set only in the other function's environment does not break it.
 *
 * An API whose `auth` cannot be used is not served without it: the caller of `resolve` marks the
 * API broken (DEFAULT_5XX), never unauthenticated.
 */
import type { AppDocument, AuthDocument, CustomAuthorizerDocument } from '../../private/config-document';
import { isRecord } from '../proxy/types';
import { compileCustomAuthorizer, CustomAuthorizer } from './custom-authorizer';

export type AuthType = AuthDocument['type'];

const AUTH_TYPES: ReadonlySet<string> = new Set<AuthType>(['NONE', 'APP', 'IAM', 'CUSTOM', 'THIRD_PARTY']);

/** An app, as declared (its AppCodes are read by the authorizer only, from `doc.secretArn`). */
export interface AppInfo {
  /** Its key in the document's `apps`. */
  readonly key: string;
  /** `$context.appId`. */
  readonly id: string;
  /** `$context.appName`. */
  readonly name: string;
  readonly doc: AppDocument;
}

export interface ResolvedAuth {
  readonly type: AuthType;
  /** APP: the apps authorised for the API. */
  readonly apps: readonly AppInfo[];
  /** The custom authorizer (CUSTOM, or the second factor of APP / IAM), when this handler runs it. */
  readonly custom?: CustomAuthorizer;
  /** Name of the custom authorizer, whether or not this handler runs it. */
  readonly customName?: string;
  /** THIRD_PARTY: key of the third-party authorizer. */
  readonly thirdParty?: string;
  /** APP: signed requests (`SDK-HMAC-SHA256`) accepted. */
  readonly signature?: boolean;
  /** APP: AppCodes (`X-Apig-AppCode`) accepted. */
  readonly appCode?: boolean;
}

/** Which handler resolves: decides whose custom authorizers get compiled. */
export type AuthRunner = 'proxy' | 'authorizer';

function optionalMap(doc: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = doc[field];
  if (value === undefined) { return {}; }
  if (!isRecord(value)) { throw new Error(`${field} is not an object`); }
  return value;
}

export class AuthCatalog {
  /** Every usable app, by key. */
  public readonly apps = new Map<string, AppInfo>();
  /** Problems with single apps or authorizers, for the cold-start log. */
  public readonly warnings: string[] = [];
  private readonly appProblems = new Map<string, string>();
  private readonly customDocs: Record<string, unknown>;
  private readonly thirdPartyDocs: Record<string, unknown>;
  private readonly customCompiled = new Map<string, CustomAuthorizer | Error>();

  /** @throws Error when `apps`, `customAuthorizers` or `thirdPartyAuthorizers` is not an object */
  public constructor(doc: Record<string, unknown>, private readonly env: NodeJS.ProcessEnv, private readonly runner: AuthRunner) {
    const apps = optionalMap(doc, 'apps');
    this.customDocs = optionalMap(doc, 'customAuthorizers');
    this.thirdPartyDocs = optionalMap(doc, 'thirdPartyAuthorizers');
    for (const key of Object.keys(apps)) {
      const app = apps[key];
      if (!isRecord(app) || typeof app.id !== 'string' || app.id === '' || typeof app.name !== 'string') {
        const problem = `apps.${key} needs a string id and name`;
        this.appProblems.set(key, problem);
        this.warnings.push(problem);
        continue;
      }
      this.apps.set(key, { key, id: app.id, name: app.name, doc: app as unknown as AppDocument });
    }
  }

  /** The third-party authorizer documents, by key (compiled by the authorizer). */
  public get thirdPartyDocuments(): Readonly<Record<string, unknown>> {
    return this.thirdPartyDocs;
  }

  /** @throws Error when the authorizer is not declared or cannot be used */
  public customAuthorizer(key: string): CustomAuthorizer {
    let compiled = this.customCompiled.get(key);
    if (compiled === undefined) {
      try {
        if (!Object.prototype.hasOwnProperty.call(this.customDocs, key)) { throw new Error(`customAuthorizers.${key} is not declared`); }
        compiled = compileCustomAuthorizer(this.customDocs[key] as CustomAuthorizerDocument, this.env, `customAuthorizers.${key}`);
      } catch (err) {
        compiled = err instanceof Error ? err : new Error(String(err));
      }
      this.customCompiled.set(key, compiled);
    }
    if (compiled instanceof Error) { throw compiled; }
    return compiled;
  }

  /**
   * Reads one API's `auth` (absent: NONE).
   *
   * @throws Error naming the problem when it cannot be used
   */
  public resolve(raw: unknown, where: string): ResolvedAuth {
    if (raw === undefined) { return { type: 'NONE', apps: [] }; }
    if (!isRecord(raw) || typeof raw.type !== 'string' || !AUTH_TYPES.has(raw.type)) {
      throw new Error(`${where}.auth needs a type (NONE, APP, IAM, CUSTOM, THIRD_PARTY)`);
    }
    const doc = raw as unknown as AuthDocument;
    const type = doc.type;
    const apps: AppInfo[] = [];
    if (type === 'APP') {
      if (doc.apps !== undefined && !(Array.isArray(doc.apps) && doc.apps.every(a => typeof a === 'string'))) {
        throw new Error(`${where}.auth.apps is not a list of app names`);
      }
      for (const key of doc.apps ?? []) {
        const app = this.apps.get(key);
        if (!app) { throw new Error(`${where}.auth.apps: ${this.appProblems.get(key) ?? `app "${key}" is not declared`}`); }
        apps.push(app);
      }
      for (const flag of ['signature', 'appCode'] as const) {
        if (doc[flag] !== undefined && typeof doc[flag] !== 'boolean') { throw new Error(`${where}.auth.${flag} is not a boolean`); }
      }
      if (doc.signature === false && doc.appCode === false) { throw new Error(`${where}.auth accepts neither signatures nor AppCodes`); }
    }
    let customName: string | undefined;
    let custom: CustomAuthorizer | undefined;
    if (doc.customAuthorizer !== undefined) {
      if (type !== 'CUSTOM' && type !== 'APP' && type !== 'IAM') {
        throw new Error(`${where}.auth: a custom authorizer goes with CUSTOM, APP or IAM, not ${type}`);
      }
      if (typeof doc.customAuthorizer !== 'string') { throw new Error(`${where}.auth.customAuthorizer is not a string`); }
      customName = doc.customAuthorizer;
      const runsHere = this.runner === 'proxy' ? type === 'IAM' : type !== 'IAM';
      if (runsHere) {
        custom = this.customAuthorizer(customName);
      } else if (!Object.prototype.hasOwnProperty.call(this.customDocs, customName)) {
        throw new Error(`${where}.auth: customAuthorizers.${customName} is not declared`);
      }
    } else if (type === 'CUSTOM') {
      throw new Error(`${where}.auth: CUSTOM needs a customAuthorizer`);
    }
    let thirdParty: string | undefined;
    if (type === 'THIRD_PARTY') {
      if (typeof doc.thirdPartyAuthorizer !== 'string' || !Object.prototype.hasOwnProperty.call(this.thirdPartyDocs, doc.thirdPartyAuthorizer)) {
        throw new Error(`${where}.auth: THIRD_PARTY needs a declared thirdPartyAuthorizer`);
      }
      thirdParty = doc.thirdPartyAuthorizer;
    }
    const kinds = type === 'APP' ? { signature: doc.signature !== false, appCode: doc.appCode !== false } : {};
    return { type, apps, custom, customName, thirdParty, ...kinds };
  }
}
