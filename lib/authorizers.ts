import { Duration, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { ApiGroup } from './api-group';
import { HttpMethod } from './http-method';
import { LIMITS, RULES } from './limits';
import { warnAboutHost } from './private/backend-host-risks';
import { checkLiteral, checkLiteralNumber, Problem, problem, throwIf } from './private/checks';
import { analyzePattern } from './private/safe-pattern';
import type {
  CustomAuthorizerDocument, DeployTimeString, IdentityDocument, ThirdPartyAuthorizerDocument,
} from './private/config-document';

/** Options of an identity source. */
export interface IdentitySourceOptions {
  /**
   * An ECMAScript regular expression the whole value must match (1-2048 characters), e.g.
   * `^Bearer .+$`. A value that does not match is refused like a missing one
   * (AUTHORIZER_IDENTITIES_FAILURE, or THIRD_AUTH_IDENTITIES_FAILURE for a third-party authorizer).
   *
   * @default - any value
   */
  readonly validation?: string;
}

/** Where an identity source is read from. */
export enum IdentityLocation {
  /** A request header (names ignore case). */
  HEADER = 'header',
  /** A query-string parameter. */
  QUERY = 'query',
}

/**
 * An identity source of a custom or third-party authorizer: a request header or query parameter
 * that must be present (and match its validation) before the authorizer is called. With a cache
 * TTL above 0, the identity values are the cache key.
 */
export class IdentitySource {
  /** A request header, e.g. `IdentitySource.header('Authorization', { validation: '^Bearer .+$' })`. */
  public static header(name: string, options: IdentitySourceOptions = {}): IdentitySource {
    return new IdentitySource(IdentityLocation.HEADER, name, options.validation);
  }

  /** A query-string parameter, e.g. `IdentitySource.query('token')`. */
  public static query(name: string, options: IdentitySourceOptions = {}): IdentitySource {
    return new IdentitySource(IdentityLocation.QUERY, name, options.validation);
  }

  /** Where the value is read from. */
  public readonly location: IdentityLocation;

  /** The header or parameter name. */
  public readonly name: string;

  /**
   * The regular expression the value must match.
   *
   * @default - any value
   */
  public readonly validation?: string;

  private constructor(location: IdentityLocation, name: string, validation: string | undefined) {
    this.location = location;
    this.name = name;
    this.validation = validation;
  }

  /** @internal */
  public _problems(): Problem[] {
    const found: Problem[] = [];
    const literal = checkLiteral(`identity source name`, this.name) ?? checkLiteral('identity source validation', this.validation);
    if (literal) { return [literal]; }
    const pattern = this.location === IdentityLocation.HEADER ? /^[A-Za-z0-9._-]{1,128}$/ : /^[A-Za-z0-9._~-]{1,128}$/;
    if (!pattern.test(this.name)) {
      found.push(problem(RULES.identityName, this.name, `${this.location} name`));
    }
    if (this.validation !== undefined) {
      if (this.validation.length < 1 || this.validation.length > LIMITS.identityValidationLength) {
        found.push(problem(RULES.identityValidation, this.validation, `${this.location} ${this.name}: length ${this.validation.length}`));
      } else {
        // Refused when it is no regular expression, or one whose matching time a caller could make
        // grow exponentially (nested quantifiers such as `(a+)+`, back-references): safe-pattern.ts.
        const analysis = analyzePattern(this.validation);
        if (analysis.problem !== undefined) {
          found.push(problem(RULES.identityValidation, this.validation, `${this.location} ${this.name}: ${analysis.problem}`));
        }
      }
    }
    return found;
  }

  /** @internal */
  public _toDocument(): IdentityDocument {
    return { in: this.location, name: this.name, ...(this.validation !== undefined ? { validation: this.validation } : {}) };
  }
}

/** Options of a custom authorizer. */
export interface CustomAuthorizerOptions {
  /**
   * The authorizer function, with Huawei FunctionGraph's frontend authorizer contract: it receives
   * `{ headers, queryStringParameters, path, httpMethod, pathParameters, requestContext, user_data }`
   * (header names in lower case, `X-Apig-AppCode` removed; `requestContext` holds `requestId`,
   * `sourceIp`, `stage` and `apiId`, the API's id in the group) and returns
   * `{ statusCode: 200, body: '{"status":"allow"|"deny","context":{...}}' }`.
   */
  readonly handler: lambda.IFunction;

  /**
   * Identity sources (headers and query parameters) that must be present, and match their
   * validation, before the function is called; otherwise AUTHORIZER_IDENTITIES_FAILURE.
   *
   * @default - none (required when `cacheTtl` is above 0)
   */
  readonly identities?: IdentitySource[];

  /**
   * How long a result is cached per identity values: 0 (no cache) to 3600 s, whole seconds.
   *
   * @default Duration.seconds(0) - every request calls the function
   */
  readonly cacheTtl?: Duration;

  /**
   * Passed to the function as `event.user_data` (at most 2048 characters).
   *
   * @default - none
   */
  readonly userData?: string;

  /**
   * Relaxed mode: when the function fails (an invoke error, a timeout, a status other than 200 or
   * a malformed body), the request goes on with an empty authorizer context instead of
   * AUTHORIZER_CONF_FAILURE.
   *
   * @default false
   */
  readonly relaxed?: boolean;

  /**
   * How long to wait for the function (1 ms - 10 s).
   *
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;
}

/** Properties of a CustomAuthorizer. */
export interface CustomAuthorizerProps extends CustomAuthorizerOptions {
  /** The authorizer's name: 3-64 letters, digits or `_`, starting with a letter; unique in the group. */
  readonly authorizerName: string;
}

/** Common checks of both authorizer kinds. */
function authorizerProblems(name: string, ttl: Duration, timeout: Duration, identities: IdentitySource[]): Problem[] {
  const found: Problem[] = [];
  const literal = checkLiteral('authorizer name', name);
  if (literal) {
    found.push(literal);
  } else if (!/^[A-Za-z][A-Za-z0-9_]{2,63}$/.test(name)) {
    found.push(problem(RULES.authorizerName, name));
  }
  const seconds = ttl.toSeconds({ integral: false });
  const ttlToken = checkLiteralNumber('cache TTL', seconds);
  if (ttlToken) {
    found.push(ttlToken);
  } else if (!Number.isInteger(seconds) || seconds < 0 || seconds > LIMITS.cacheTtlMax.toSeconds()) {
    found.push(problem(RULES.cacheTtl, `${seconds} s`));
  } else if (seconds > 0 && identities.length === 0) {
    found.push(problem(RULES.cacheIdentities, `cacheTtl ${seconds} s without identities`));
  }
  const ms = timeout.toMilliseconds({ integral: false });
  const timeoutToken = checkLiteralNumber('authorizer timeout', ms);
  if (timeoutToken) {
    found.push(timeoutToken);
  } else if (!Number.isInteger(ms) || ms < LIMITS.authorizerTimeoutMin.toMilliseconds() || ms > LIMITS.authorizerTimeoutMax.toMilliseconds()) {
    found.push(problem(RULES.authorizerTimeout, `${ms} ms`));
  }
  const seen = new Set<string>();
  for (const identity of identities) {
    found.push(...identity._problems());
    const key = `${identity.location}:${identity.location === IdentityLocation.HEADER ? identity.name.toLowerCase() : identity.name}`;
    if (seen.has(key)) {
      found.push(problem(RULES.identityName, identity.name, `declared twice as a ${identity.location}`));
    }
    seen.add(key);
  }
  return found;
}

/**
 * A custom authorizer (Huawei: frontend custom authorizer): your Lambda function decides whether a
 * caller may call the APIs that use it (`ApiAuth.custom()`, or as the second factor of
 * `ApiAuth.app()` / `ApiAuth.iam()`). Define one with `ApiGroup.addCustomAuthorizer()`.
 *
 * The function's `context` is readable in gateway responses as
 * `$context.authorizer.frontend.<key>`, even after a `deny`.
 */
export class CustomAuthorizer extends Construct {
  /** The authorizer's name in its group. */
  public readonly authorizerName: string;

  /** The authorizer function. */
  public readonly handler: lambda.IFunction;

  /** The identity sources. */
  public readonly identities: IdentitySource[];

  /** The result cache TTL. */
  public readonly cacheTtl: Duration;

  /**
   * The user data passed to the function.
   *
   * @default - none
   */
  public readonly userData?: string;

  /** Whether relaxed mode is on. */
  public readonly relaxed: boolean;

  /** How long the function may take. */
  public readonly timeout: Duration;

  /**
   * Defines a custom authorizer in `group`. `group.addCustomAuthorizer(name, options)` is the shorter way.
   *
   * @throws ApiGroupValidationError if a value breaks a limit
   */
  constructor(group: ApiGroup, id: string, props: CustomAuthorizerProps) {
    super(group, id);
    this.authorizerName = props.authorizerName;
    this.handler = props.handler;
    this.identities = [...(props.identities ?? [])];
    this.cacheTtl = props.cacheTtl ?? Duration.seconds(0);
    this.userData = props.userData;
    this.relaxed = props.relaxed ?? false;
    this.timeout = props.timeout ?? LIMITS.authorizerTimeoutDefault;

    const found = authorizerProblems(this.authorizerName, this.cacheTtl, this.timeout, this.identities);
    if (this.userData !== undefined) {
      const literal = checkLiteral('user data', this.userData);
      if (literal) {
        found.push(literal);
      } else if (this.userData.length > LIMITS.userDataLength) {
        found.push(problem(RULES.userData, this.userData, `${this.userData.length} characters`));
      }
    }
    for (const f of found) { throwIf(this, f); }
    group._registerAuthorizer(this, this.authorizerName);
  }

  /** @internal the runtime document of this authorizer */
  public _toDocument(deployTimeValue: (value: string) => DeployTimeString): CustomAuthorizerDocument {
    const arn = this.handler.functionArn;
    return {
      name: this.authorizerName,
      functionArn: Token.isUnresolved(arn) ? deployTimeValue(arn) : arn,
      identities: this.identities.map(i => i._toDocument()),
      ttlSeconds: this.cacheTtl.toSeconds(),
      ...(this.userData !== undefined ? { userData: this.userData } : {}),
      relaxed: this.relaxed,
      timeoutMs: this.timeout.toMilliseconds(),
    };
  }
}

/** A response header a third-party auth service must send, with this value, to allow a caller. */
export interface ThirdPartyMatchHeader {
  /** The header name (letters, digits, `-` or `_`). */
  readonly name: string;
  /** The exact value that allows the caller. */
  readonly value: string;
}

/** Options of a third-party authorizer. */
export interface ThirdPartyAuthorizerOptions {
  /**
   * The auth service: an absolute `http://` or `https://` URL. May hold tokens (resolved at deploy time).
   */
  readonly url: string;

  /**
   * The method the service is called with: GET, POST, PUT or HEAD.
   *
   * @default HttpMethod.GET
   */
  readonly method?: HttpMethod;

  /**
   * The identity sources sent to the service as they came (at most 10 headers and 10 query
   * parameters). A missing one, or one failing its validation, is THIRD_AUTH_IDENTITIES_FAILURE.
   *
   * @default - none (required when `cacheTtl` is above 0)
   */
  readonly identities?: IdentitySource[];

  /**
   * How long to wait for the service (1 ms - 10 s); longer is THIRD_AUTH_CONF_FAILURE.
   *
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;

  /**
   * Simple mode: any 2xx answer allows the caller. Off: a 2xx allows only with `matchHeader`.
   *
   * @default - true, unless `matchHeader` is set
   */
  readonly simpleMode?: boolean;

  /**
   * With simple mode off: the response header (and value) that allows the caller.
   *
   * @default - none (simple mode)
   */
  readonly matchHeader?: ThirdPartyMatchHeader;

  /**
   * Relaxed mode: when the service fails (a 5xx, a timeout, unreachable), the request goes on
   * instead of THIRD_AUTH_CONF_FAILURE.
   *
   * @default false
   */
  readonly relaxed?: boolean;

  /**
   * How long a result is cached per identity values: 0 (no cache) to 3600 s, whole seconds.
   *
   * @default Duration.seconds(0) - every request calls the service
   */
  readonly cacheTtl?: Duration;
}

/** Properties of a ThirdPartyAuthorizer. */
export interface ThirdPartyAuthorizerProps extends ThirdPartyAuthorizerOptions {
  /** The authorizer's name: 3-64 letters, digits or `_`, starting with a letter; unique in the group. */
  readonly authorizerName: string;
}

const THIRD_PARTY_METHODS: string[] = [HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.HEAD];

/**
 * A third-party authorizer (Huawei: third-party authentication policy): your HTTP(S) auth service
 * decides whether a caller may call the APIs that use it (`ApiAuth.thirdParty()`). It is called
 * with the declared identity sources; a 2xx allows (simple mode), a 4xx rejects
 * (THIRD_AUTH_FAILURE), and a 5xx, timeout or connection failure is THIRD_AUTH_CONF_FAILURE.
 * Define one with `ApiGroup.addThirdPartyAuthorizer()`.
 */
export class ThirdPartyAuthorizer extends Construct {
  /** The authorizer's name in its group. */
  public readonly authorizerName: string;

  /** The auth service's URL. */
  public readonly url: string;

  /** The method the service is called with. */
  public readonly method: HttpMethod;

  /** The identity sources. */
  public readonly identities: IdentitySource[];

  /** How long the service may take. */
  public readonly timeout: Duration;

  /** Whether any 2xx allows. */
  public readonly simpleMode: boolean;

  /**
   * The header that allows a caller when simple mode is off.
   *
   * @default - none
   */
  public readonly matchHeader?: ThirdPartyMatchHeader;

  /** Whether relaxed mode is on. */
  public readonly relaxed: boolean;

  /** The result cache TTL. */
  public readonly cacheTtl: Duration;

  /**
   * Defines a third-party authorizer in `group`. `group.addThirdPartyAuthorizer(name, options)` is the shorter way.
   *
   * @throws ApiGroupValidationError if a value breaks a limit
   */
  constructor(group: ApiGroup, id: string, props: ThirdPartyAuthorizerProps) {
    super(group, id);
    this.authorizerName = props.authorizerName;
    this.url = props.url;
    this.method = props.method ?? HttpMethod.GET;
    this.identities = [...(props.identities ?? [])];
    this.timeout = props.timeout ?? LIMITS.authorizerTimeoutDefault;
    this.matchHeader = props.matchHeader;
    this.simpleMode = props.simpleMode ?? props.matchHeader === undefined;
    this.relaxed = props.relaxed ?? false;
    this.cacheTtl = props.cacheTtl ?? Duration.seconds(0);

    const found = authorizerProblems(this.authorizerName, this.cacheTtl, this.timeout, this.identities);
    if (!Token.isUnresolved(this.url)) {
      let parsed: URL | undefined;
      try { parsed = new URL(this.url); } catch { parsed = undefined; }
      if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
        found.push(problem(RULES.thirdPartyAuthorizer, this.url, 'URL'));
      }
    }
    if (!THIRD_PARTY_METHODS.includes(this.method)) {
      found.push(problem(RULES.thirdPartyAuthorizer, this.method, 'method'));
    }
    if (this.simpleMode && this.matchHeader) {
      found.push(problem(RULES.thirdPartyAuthorizer, this.matchHeader.name, 'a match header with simple mode on'));
    } else if (!this.simpleMode && !this.matchHeader) {
      found.push(problem(RULES.thirdPartyAuthorizer, 'simpleMode false', 'no match header'));
    }
    if (this.matchHeader) {
      const literal = checkLiteral('match header name', this.matchHeader.name) ?? checkLiteral('match header value', this.matchHeader.value);
      if (literal) {
        found.push(literal);
      } else if (!/^[A-Za-z0-9_-]{1,128}$/.test(this.matchHeader.name) || this.matchHeader.value === '') {
        found.push(problem(RULES.thirdPartyAuthorizer, `${this.matchHeader.name}: ${this.matchHeader.value}`, 'match header'));
      }
    }
    const headers = this.identities.filter(i => i.location === IdentityLocation.HEADER).length;
    const queries = this.identities.length - headers;
    if (headers > LIMITS.thirdPartyHeaders || queries > LIMITS.thirdPartyQueries) {
      found.push(problem(RULES.thirdPartyIdentities, `${headers} headers and ${queries} query parameters`));
    }
    for (const f of found) { throwIf(this, f); }
    warnAboutHost(this, 'third-party authorizer URL', this.url);
    group._registerAuthorizer(this, this.authorizerName);
  }

  /** @internal the runtime document of this authorizer */
  public _toDocument(deployTimeValue: (value: string) => DeployTimeString): ThirdPartyAuthorizerDocument {
    return {
      name: this.authorizerName,
      url: Token.isUnresolved(this.url) ? deployTimeValue(this.url) : this.url,
      method: this.method,
      identities: this.identities.map(i => i._toDocument()),
      timeoutMs: this.timeout.toMilliseconds(),
      simpleMode: this.simpleMode,
      ...(this.matchHeader ? { matchHeader: { name: this.matchHeader.name, value: this.matchHeader.value } } : {}),
      relaxed: this.relaxed,
      ttlSeconds: this.cacheTtl.toSeconds(),
    };
  }
}
