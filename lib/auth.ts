import type { AppCredential } from './app-credential';
import type { CustomAuthorizer, ThirdPartyAuthorizer } from './authorizers';
import type { AuthDocument } from './private/config-document';

/** How an API authenticates its callers (Huawei: security authentication). */
export enum AuthType {
  /** Anyone may call. */
  NONE = 'NONE',
  /** App authentication: an AppCode in the `X-Apig-AppCode` header, checked by the group's authorizer. */
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

  /** App authentication (an AppCode in `X-Apig-AppCode`), optionally with a custom authorizer as a second factor. */
  public static app(options: AppAuthOptions): ApiAuth {
    return new ApiAuth(AuthType.APP, options.apps ?? [], options.customAuthorizer, undefined);
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
      ...(this.customAuthorizer ? { customAuthorizer: this.customAuthorizer.authorizerName } : {}),
      ...(this.thirdPartyAuthorizer ? { thirdPartyAuthorizer: this.thirdPartyAuthorizer.authorizerName } : {}),
    };
  }
}
