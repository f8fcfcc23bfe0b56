/**
 * A gateway response type: one kind of error the gateway itself produces.
 *
 * The 19 types of Huawei Cloud APIG: the 17 of its console table and the two parameter-orchestration
 * types its API reference adds. Each has a default HTTP status (none for DEFAULT_4XX and
 * DEFAULT_5XX, which keep the original status), a default error code and message (the values of
 * `$context.error.code` and `$context.error.message`), and the AWS API Gateway response types
 * synthesized from its rule in the group's `default` response (none for the two orchestration
 * types: only the proxy produces them).
 */
export class ResponseType {
  /** Access denied, e.g. by an IP access-control rule. Default status 403. */
  public static readonly ACCESS_DENIED = new ResponseType('ACCESS_DENIED', 403, 'APIG.0306', 'API access denied.',
    ['ACCESS_DENIED', 'WAF_FILTERED']);

  /** The custom authorizer failed: invoke error, timeout, non-200 or malformed output. Default status 500. */
  public static readonly AUTHORIZER_CONF_FAILURE = new ResponseType('AUTHORIZER_CONF_FAILURE', 500, 'APIG.0601',
    'Internal server error: custom authorizer', ['AUTHORIZER_CONFIGURATION_ERROR', 'AUTHORIZER_FAILURE']);

  /** The custom authorizer denied the request. Default status 500 (Huawei's documented value). */
  public static readonly AUTHORIZER_FAILURE = new ResponseType('AUTHORIZER_FAILURE', 500, 'APIG.0305',
    'Incorrect authentication information: frontend authorizer', []);

  /** An identity source of the custom authorizer is missing or invalid. Default status 401. */
  public static readonly AUTHORIZER_IDENTITIES_FAILURE = new ResponseType('AUTHORIZER_IDENTITIES_FAILURE', 401, 'APIG.0305',
    'Incorrect authentication information: identity source', []);

  /** The third-party authorizer could not be used: unreachable, timed out or a 5xx. Default status 500. */
  public static readonly THIRD_AUTH_CONF_FAILURE = new ResponseType('THIRD_AUTH_CONF_FAILURE', 500, 'APIG.0617',
    'Incorrect third-party authentication response information', []);

  /** The third-party authorizer rejected the caller. Default status 401. */
  public static readonly THIRD_AUTH_FAILURE = new ResponseType('THIRD_AUTH_FAILURE', 401, 'APIG.0312',
    'Incorrect third-party authentication information,auth fail', []);

  /** An identity source of the third-party authorizer is missing. Default status 401. */
  public static readonly THIRD_AUTH_IDENTITIES_FAILURE = new ResponseType('THIRD_AUTH_IDENTITIES_FAILURE', 401, 'APIG.0313',
    'Incorrect third-party authentication information,identities error', []);

  /** App or IAM authentication failed. Default status 401. */
  public static readonly AUTH_FAILURE = new ResponseType('AUTH_FAILURE', 401, 'APIG.0303',
    'Incorrect app authentication information', ['INVALID_SIGNATURE', 'EXPIRED_TOKEN', 'INVALID_API_KEY'], 'APIG.0301');

  /** No credential was sent. Default status 401. */
  public static readonly AUTH_HEADER_MISSING = new ResponseType('AUTH_HEADER_MISSING', 401, 'APIG.0303',
    'Authentication information is missing', ['MISSING_AUTHENTICATION_TOKEN'], 'APIG.0301');

  /** The backend did not answer within the API's timeout. Default status 504. */
  public static readonly BACKEND_TIMEOUT = new ResponseType('BACKEND_TIMEOUT', 504, 'APIG.0201', 'Backend timeout.',
    ['INTEGRATION_TIMEOUT']);

  /** The backend could not be reached: refused, reset, DNS, TLS, or a function error. Default status 502. */
  public static readonly BACKEND_UNAVAILABLE = new ResponseType('BACKEND_UNAVAILABLE', 502, 'APIG.0201', 'Backend unavailable.',
    ['INTEGRATION_FAILURE']);

  /**
   * Any other 4xx error. No default status: the original status is kept.
   *
   * API Gateway's REQUEST_TOO_LARGE (a payload over 10 MB) is not among its native sources: API
   * Gateway does not support customising that response (its "important notes for REST APIs",
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html),
   * so it always answers with its own 413 body.
   */
  public static readonly DEFAULT_4XX = new ResponseType('DEFAULT_4XX', undefined, 'APIG.0201', 'Bad request.',
    ['DEFAULT_4XX', 'UNSUPPORTED_MEDIA_TYPE']);

  /** Any other 5xx error. No default status: the original status is kept. */
  public static readonly DEFAULT_5XX = new ResponseType('DEFAULT_5XX', undefined, 'APIG.0601', 'Internal server error.',
    ['DEFAULT_5XX', 'API_CONFIGURATION_ERROR']);

  /** No API matches the request path. Default status 404. */
  public static readonly NOT_FOUND = new ResponseType('NOT_FOUND', 404, 'APIG.0101',
    'The API does not exist or has not been published in the environment.', ['RESOURCE_NOT_FOUND']);

  /** A request parameter failed validation, or the method is not supported on the path. Default status 400. */
  public static readonly REQUEST_PARAMETERS_FAILURE = new ResponseType('REQUEST_PARAMETERS_FAILURE', 400, 'APIG.0201',
    'API request error.', ['BAD_REQUEST_PARAMETERS', 'BAD_REQUEST_BODY']);

  /** A throttling limit or quota was reached. Default status 429. */
  public static readonly THROTTLED = new ResponseType('THROTTLED', 429, 'APIG.0308', 'The throttling threshold has been reached.',
    ['THROTTLED', 'QUOTA_EXCEEDED']);

  /** The app is known but not authorized for this API. Default status 401. */
  public static readonly UNAUTHORIZED = new ResponseType('UNAUTHORIZED', 401, 'APIG.0304',
    'The app is not authorized to access the API.', ['UNAUTHORIZED']);

  /**
   * The request has no value for the parameter its API orchestrates, and none of the parameter's
   * orchestration rules is a `none_value` rule. Default status 400.
   *
   * Huawei documents the type but neither its status nor its code: both are those of its one
   * documented orchestration error, `APIG.0106` "Orchestration error." (400).
   */
  public static readonly ORCHESTRATION_PARAMETER_NOT_FOUND = new ResponseType('ORCHESTRATION_PARAMETER_NOT_FOUND', 400, 'APIG.0106',
    'Orchestration error.', []);

  /**
   * The orchestrated parameter has a value, but no orchestration rule matched it and none is a
   * `default` rule. Default status 400 (`APIG.0106`, as ORCHESTRATION_PARAMETER_NOT_FOUND).
   */
  public static readonly ORCHESTRATION_FAILURE = new ResponseType('ORCHESTRATION_FAILURE', 400, 'APIG.0106',
    'Orchestration error.', []);

  /** All 19 response types: Huawei's console order, then the two orchestration types. */
  public static all(): ResponseType[] {
    return [
      ResponseType.ACCESS_DENIED, ResponseType.AUTHORIZER_CONF_FAILURE, ResponseType.AUTHORIZER_FAILURE,
      ResponseType.AUTHORIZER_IDENTITIES_FAILURE, ResponseType.THIRD_AUTH_CONF_FAILURE, ResponseType.THIRD_AUTH_FAILURE,
      ResponseType.THIRD_AUTH_IDENTITIES_FAILURE, ResponseType.AUTH_FAILURE, ResponseType.AUTH_HEADER_MISSING,
      ResponseType.BACKEND_TIMEOUT, ResponseType.BACKEND_UNAVAILABLE, ResponseType.DEFAULT_4XX, ResponseType.DEFAULT_5XX,
      ResponseType.NOT_FOUND, ResponseType.REQUEST_PARAMETERS_FAILURE, ResponseType.THROTTLED, ResponseType.UNAUTHORIZED,
      ResponseType.ORCHESTRATION_PARAMETER_NOT_FOUND, ResponseType.ORCHESTRATION_FAILURE,
    ];
  }

  /**
   * The response type with this name (e.g. `'THROTTLED'`).
   *
   * @throws if the name is not one of the 19 types
   */
  public static of(name: string): ResponseType {
    const found = ResponseType.all().find(t => t.name === name);
    if (!found) {
      throw new Error(`unknown response type "${name}": allowed ${ResponseType.all().map(t => t.name).join(', ')}`);
    }
    return found;
  }

  /**
   * The AWS API Gateway response types the group's `default` response is translated into (20 of
   * AWS's 21: not REQUEST_TOO_LARGE, which API Gateway does not let anyone customise) and the
   * response type each one is translated from.
   *
   * @returns pairs of [AWS type, response type name]
   */
  public static awsTypeMapping(): Record<string, string> {
    const mapping: Record<string, string> = {};
    for (const t of ResponseType.all()) {
      for (const aws of t.awsSources) { mapping[aws] = t.name; }
    }
    return mapping;
  }

  /** The type's name, e.g. `THROTTLED`, as used in Huawei APIG and in `$context.error.type`. */
  public readonly name: string;

  /**
   * Default HTTP status.
   *
   * @default - none for DEFAULT_4XX and DEFAULT_5XX: the original status is kept
   */
  public readonly defaultStatusCode?: number;

  /** Default value of `$context.error.code`. */
  public readonly defaultErrorCode: string;

  /** Default value of `$context.error.message`. */
  public readonly defaultErrorMessage: string;

  /** AWS API Gateway response types synthesized from this type's rule in the group's `default` response. */
  public readonly awsSources: string[];

  /**
   * Error code used when IAM (SigV4) authentication produced this type natively.
   *
   * @default - same as `defaultErrorCode`
   */
  public readonly iamErrorCode?: string;

  private constructor(name: string, defaultStatusCode: number | undefined, defaultErrorCode: string,
    defaultErrorMessage: string, awsSources: string[], iamErrorCode?: string) {
    this.name = name;
    this.defaultStatusCode = defaultStatusCode;
    this.defaultErrorCode = defaultErrorCode;
    this.defaultErrorMessage = defaultErrorMessage;
    this.awsSources = awsSources;
    this.iamErrorCode = iamErrorCode;
  }

  /** The type's name. */
  public toString(): string {
    return this.name;
  }
}
