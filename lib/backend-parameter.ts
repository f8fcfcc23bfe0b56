import { LIMITS, RULES } from './limits';
import { checkLiteral, Problem, problem, show } from './private/checks';
import type { BackendParameterContext } from './private/backend-parameters';
import type { BackendParameterDocument, ParameterLocation as LocationName } from './private/config-document';
import { parseSystemVariable, SYSTEM_VARIABLE_HELP, systemVariableName } from './private/system-variables';

/**
 * Where a parameter is: in the path (`{name}`), the query string or a header. The values are
 * those of `RequestParameter.location` (`path`, `query`, `header`).
 */
export enum ParameterLocation {
  /** A `{name}` placeholder of the path. */
  PATH = 'path',
  /** A query-string parameter. */
  QUERY = 'query',
  /** A header (names compare without case). */
  HEADER = 'header',
}

/** Where a backend parameter's value comes from (Huawei APIG: the parameter's origin). */
export enum BackendParameterOrigin {
  /** A request parameter, moved to the backend under the parameter's name and location. */
  REQUEST = 'REQUEST',
  /** A fixed value. */
  CONSTANT = 'CONSTANT',
  /** A system value of the request (`$context.<name>`). */
  SYSTEM = 'SYSTEM',
}

/** Where a constant or system backend parameter is sent. */
export interface BackendParameterOptions {
  /** Where the backend receives the parameter. */
  readonly location: ParameterLocation;
}

/** Where a request parameter is sent to the backend. */
export interface RequestBackendParameterOptions {
  /** The parameter's name for the backend (may differ from the request's). */
  readonly name: string;
  /** Where the backend receives the parameter (may differ from where the request has it). */
  readonly location: ParameterLocation;
}

/** Huawei's backend parameter names: 1-32 characters, starting with a letter. */
const NAME = /^[A-Za-z][A-Za-z0-9._-]{0,31}$/;
/** Headers the proxy needs for the backend connection itself: a parameter cannot set them. */
const CONNECTION_HEADERS = new Set([
  'connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length', 'expect', 'x-request-id',
]);

/**
 * A parameter the backend receives (Huawei APIG: a backend parameter): a request parameter under
 * another name or location, a constant, or a system value. Constant and system values are never
 * taken from the caller: a header or query parameter of the same name that the caller sent is
 * replaced. A request parameter is moved: the backend does not also get it under its old name.
 */
export class BackendParameter {
  /**
   * A request parameter sent to the backend as `name` in `location`. `requestName` is a request
   * parameter the API declares (`RequestParameter`) or a `{name}` of its path. A request without
   * the value sends nothing.
   */
  public static request(requestName: string, options: RequestBackendParameterOptions): BackendParameter {
    return new BackendParameter(BackendParameterOrigin.REQUEST, options.name, options.location, requestName);
  }

  /**
   * A constant (at most 255 characters), percent-encoded where its location needs it (as Huawei APIG
   * does: in the path control characters, non-ASCII, space, `?`, `>` and `#`; in the query also
   * `=<+&%"[\]^\`{|}`).
   */
  public static constant(name: string, value: string, options: BackendParameterOptions): BackendParameter {
    return new BackendParameter(BackendParameterOrigin.CONSTANT, name, options.location, value);
  }

  /**
   * A system value of the request: `variable` is a `$context` variable of the README's list
   * (`$context.sourceIp`, `$context.requestId`, `$context.stage`, `$context.apiId`,
   * `$context.apiName`, `$context.appId`, `$context.appName`, `$context.reqPath`, `$context.reqUri`,
   * `$context.reqMethod`, `$context.authorizer.frontend.<key>`), with or without `$context.`.
   */
  public static system(name: string, variable: string, options: BackendParameterOptions): BackendParameter {
    return new BackendParameter(BackendParameterOrigin.SYSTEM, name, options.location, variable);
  }

  /** Where the value comes from. */
  public readonly origin: BackendParameterOrigin;

  /** The parameter's name for the backend. */
  public readonly name: string;

  /** Where the backend receives it. */
  public readonly location: ParameterLocation;

  /** REQUEST: the request parameter's name; CONSTANT: the value; SYSTEM: the variable. */
  public readonly value: string;

  private constructor(origin: BackendParameterOrigin, name: string, location: ParameterLocation, value: string) {
    this.origin = origin;
    this.name = name;
    this.location = location;
    this.value = value;
  }

  /** @internal problems of this parameter on its own and against its API (duplicates are the backend's to check) */
  public _problems(ctx: BackendParameterContext): Problem[] {
    const found: Problem[] = [];
    const literal = checkLiteral('backend parameter name', this.name) ?? checkLiteral(`value of backend parameter ${this.name}`, this.value);
    if (literal) { return [literal]; }
    if (!Object.values(ParameterLocation).includes(this.location)) {
      found.push(problem(RULES.backendParameter, this.location, `location of backend parameter ${this.name}: PATH, QUERY or HEADER`));
    }
    const lower = this.name.toLowerCase();
    if (!NAME.test(this.name) || lower === 'x-stage' || lower.startsWith('x-apig-') || lower.startsWith('x-sdk-')) {
      found.push(problem(RULES.backendParameter, this.name, 'name'));
    } else if (this.location === ParameterLocation.HEADER && CONNECTION_HEADERS.has(lower)) {
      found.push(problem(RULES.backendParameter, this.name, 'the proxy sets this header for the backend connection'));
    }
    if (typeof this.value !== 'string' || this.value.length > LIMITS.backendParameterValueLength) {
      found.push(problem(RULES.backendParameter, this.value, `value of ${this.name}: longer than ${LIMITS.backendParameterValueLength} characters`));
      return found;
    }
    switch (this.origin) {
      case BackendParameterOrigin.REQUEST:
        found.push(...this.requestProblems(ctx));
        break;
      case BackendParameterOrigin.SYSTEM:
        if (!parseSystemVariable(this.value)) {
          found.push(problem(RULES.backendParameter, this.value, `system variable of ${this.name}: ${SYSTEM_VARIABLE_HELP}`));
        }
        break;
      case BackendParameterOrigin.CONSTANT:
        if (this.value === '') {
          found.push(problem(RULES.backendParameter, this.value, `value of ${this.name}: empty`));
        } else if (this.location === ParameterLocation.PATH && /^\.\.?$/.test(this.value)) {
          found.push(problem(RULES.backendParameter, this.value, `value of ${this.name}: a "." or ".." path segment`));
        } else if (this.location === ParameterLocation.HEADER && /[\x00-\x08\x0a-\x1f\x7f]/.test(this.value)) {
          found.push(problem(RULES.backendParameter, this.value, `value of ${this.name}: control characters in a header`));
        }
        break;
    }
    return found;
  }

  /** @internal where a REQUEST parameter's value is read from: undefined when not found or ambiguous */
  public _source(ctx: BackendParameterContext): string | undefined {
    const locations = this.sourceLocations(ctx);
    return locations.size === 1 ? [...locations][0] : undefined;
  }

  /** @internal the runtime document of this parameter */
  public _toDocument(ctx: BackendParameterContext): BackendParameterDocument {
    switch (this.origin) {
      case BackendParameterOrigin.REQUEST:
        return { origin: 'REQUEST', name: this.name, in: this.location as LocationName, value: this.value, from: this._source(ctx) as LocationName };
      case BackendParameterOrigin.SYSTEM:
        return { origin: 'SYSTEM', name: this.name, in: this.location as LocationName, value: systemVariableName(parseSystemVariable(this.value)!) };
      default:
        return { origin: 'CONSTANT', name: this.name, in: this.location as LocationName, value: this.value };
    }
  }

  private requestProblems(ctx: BackendParameterContext): Problem[] {
    if (this.value === '') { return [problem(RULES.backendParameter, this.value, `request parameter of ${this.name}: empty`)]; }
    const locations = this.sourceLocations(ctx);
    if (locations.size === 0) {
      const known = [...ctx.pathVariables, ...ctx.requestParameters.map(p => p.name)];
      return [problem(RULES.backendParameter, this.value,
        `backend parameter ${this.name} maps request parameter ${show(this.value)}, which the API does not declare ` +
        `(declared: ${known.length > 0 ? [...new Set(known)].join(', ') : 'none'})`)];
    }
    if (locations.size > 1) {
      return [problem(RULES.backendParameter, this.value,
        `backend parameter ${this.name}: request parameter ${show(this.value)} is declared in ${[...locations].join(' and ')}, so which one is meant is ambiguous`)];
    }
    return [];
  }

  /** The locations where the API declares the request parameter this one maps (header names ignore case). */
  private sourceLocations(ctx: BackendParameterContext): Set<string> {
    const wanted = this.value.toLowerCase();
    const locations = new Set(ctx.requestParameters
      .filter(p => p.name === this.value || (p.location === 'header' && p.name.toLowerCase() === wanted))
      .map(p => p.location));
    if (ctx.pathVariables.has(this.value)) { locations.add('path'); }
    return locations;
  }
}
