import type { AppCredential } from './app-credential';
import type { CustomAuthorizer, ThirdPartyAuthorizer } from './authorizers';
import type { AuthDocument } from './private/config-document';

/** How an API authenticates its callers (Huawei: security authentication). */
export enum AuthType {
  /** Anyone may call. */
  NONE = 'NONE',
  /**
   * App authentication: a request signed with the app's AppKey and AppSecret (`SDK-HMAC-SHA256`) or
   * an AppCode in the `X-Apig-AppCode` header, checked by the group's authorizer (and, for a signed
   * request with a body, by the proxy).
   */
  APP = 'APP',
  /** IAM (SigV4) authentication, checked natively by API Gateway. */
  IAM = 'IAM',
  /** A custom authorizer: your Lambda function decides. */
  CUSTOM = 'CUSTOM',
  /** A third-party authorizer: your HTTP(S) auth service decides. */
  THIRD_PARTY = 'THIRD_PARTY',
}

/** Options of app authentication. */
export interface AppAuthOptions {
  /** The apps authorised for the API (at least one, of the API's group). Other apps get UNAUTHORIZED. */
  readonly apps: AppCredential[];

  /**
   * Accept requests signed with an app's AppKey and AppSecret (Huawei's default app
   * authentication, `Authorization: SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...`
   * with `X-Sdk-Date`), as Huawei's SDK signers produce them.
   *
   * @default true
   */
  readonly signature?: boolean;

  /**
   * Accept an app's AppCode in the `X-Apig-AppCode` header (Huawei's simple authentication).
   * A request that carries an AppCode is judged by it, even if it is also signed.
   *
   * @default true
   */
  readonly appCode?: boolean;

  /**
   * A custom authorizer that must also allow the caller (Huawei's two-factor authentication).
   *
   * @default - app authentication only
   */
  readonly customAuthorizer?: CustomAuthorizer;
}

/** Options of IAM authentication. */
export interface IamAuthOptions {
  /**
   * A custom authorizer that must also allow the caller (Huawei's two-factor authentication); the
   * group's proxy calls it after API Gateway has checked the signature.
   *
   * @default - IAM authentication only
   */
  readonly customAuthorizer?: CustomAuthorizer;
}

/**
 * How an API authenticates its callers: no authentication, apps (AppCodes), IAM (SigV4), a custom
 * authorizer or a third-party authorizer; app and IAM authentication may add a custom authorizer
 * as a second factor.
 *
 * APIs with app, custom or third-party authentication run the group's bundled REQUEST authorizer,
 * which never denies at the AWS level: its verdict reaches the proxy, which answers refusals with
 * the API's own gateway response (AUTH_HEADER_MISSING, AUTH_FAILURE, UNAUTHORIZED,
 * AUTHORIZER_*, THIRD_AUTH_*).
 */
export class ApiAuth {
  /** No authentication. */
  public static none(): ApiAuth {
    return new ApiAuth(AuthType.NONE, [], undefined, undefined);
  }

  /**
   * App authentication: a signed request (AppKey/AppSecret) and/or an AppCode in `X-Apig-AppCode`
   * (both by default), optionally with a custom authorizer as a second factor.
   */
  public static app(options: AppAuthOptions): ApiAuth {
    const auth = new ApiAuth(AuthType.APP, options.apps ?? [], options.customAuthorizer, undefined);
    (auth as { signature: boolean }).signature = options.signature ?? true;
    (auth as { appCode: boolean }).appCode = options.appCode ?? true;
    return auth;
  }

  /** IAM (SigV4) authentication, optionally with a custom authorizer as a second factor. Grant callers with `grantInvoke`. */
  public static iam(options: IamAuthOptions = {}): ApiAuth {
    return new ApiAuth(AuthType.IAM, [], options.customAuthorizer, undefined);
  }

  /** A custom authorizer (your Lambda function). */
  public static custom(authorizer: CustomAuthorizer): ApiAuth {
    return new ApiAuth(AuthType.CUSTOM, [], authorizer, undefined);
  }

  /** A third-party authorizer (your HTTP(S) auth service). */
  public static thirdParty(authorizer: ThirdPartyAuthorizer): ApiAuth {
    return new ApiAuth(AuthType.THIRD_PARTY, [], undefined, authorizer);
  }

  /** The authentication type. */
  public readonly authType: AuthType;

  /** The apps authorised (app authentication). */
  public readonly apps: AppCredential[];

  /**
   * The custom authorizer: the only one (custom authentication) or the second factor (app or IAM).
   *
   * @default - none
   */
  public readonly customAuthorizer?: CustomAuthorizer;

  /**
   * The third-party authorizer (third-party authentication).
   *
   * @default - none
   */
  public readonly thirdPartyAuthorizer?: ThirdPartyAuthorizer;

  /** App authentication: whether signed requests (AppKey/AppSecret) are accepted (false for other types). */
  public readonly signature: boolean = false;

  /** App authentication: whether AppCodes (`X-Apig-AppCode`) are accepted (false for other types). */
  public readonly appCode: boolean = false;

  private constructor(authType: AuthType, apps: AppCredential[], custom: CustomAuthorizer | undefined,
    thirdParty: ThirdPartyAuthorizer | undefined) {
    this.authType = authType;
    this.apps = [...new Set(apps)];
    this.customAuthorizer = custom;
    this.thirdPartyAuthorizer = thirdParty;
  }

  /** True when the group's bundled authorizer runs for the API (app, custom or third-party authentication). */
  public get usesAuthorizer(): boolean {
    return this.authType === AuthType.APP || this.authType === AuthType.CUSTOM || this.authType === AuthType.THIRD_PARTY;
  }

  /** @internal the runtime document (undefined for NONE) */
  public _toDocument(): AuthDocument | undefined {
    if (this.authType === AuthType.NONE) { return undefined; }
    return {
      type: this.authType,
      ...(this.authType === AuthType.APP ? { apps: this.apps.map(a => a.appName) } : {}),
      // Written only when off: a document without them accepts both (as before signatures existed).
      ...(this.authType === AuthType.APP && !this.signature ? { signature: false } : {}),
      ...(this.authType === AuthType.APP && !this.appCode ? { appCode: false } : {}),
      ...(this.customAuthorizer ? { customAuthorizer: this.customAuthorizer.authorizerName } : {}),
      ...(this.thirdPartyAuthorizer ? { thirdPartyAuthorizer: this.thirdPartyAuthorizer.authorizerName } : {}),
    };
  }
}
