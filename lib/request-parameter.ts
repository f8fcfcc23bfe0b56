import { RULES } from './limits';
import { checkLiteral, checkLiteralNumber, Problem, problem } from './private/checks';
import type { OrchestrationRule } from './orchestration-rule';
import type { ParameterDocument, ParameterLocation } from './private/config-document';

/** Type of a request parameter's value. */
export enum ParameterType {
  /** Any text (booleans too, as in Huawei APIG). */
  STRING = 'STRING',
  /** A finite decimal number. */
  NUMBER = 'NUMBER',
}

/** Validation of a request parameter. */
export interface RequestParameterOptions {
  /**
   * The value's type.
   *
   * @default ParameterType.STRING
   */
  readonly type?: ParameterType;

  /**
   * Whether the parameter must be present. Path parameters are always required.
   *
   * @default - true for path parameters, false otherwise
   */
  readonly required?: boolean;

  /**
   * The only values allowed (for NUMBER, each must be a number).
   *
   * @default - any value
   */
  readonly enumerations?: string[];

  /**
   * Smallest value allowed (NUMBER only).
   *
   * @default - no lower bound
   */
  readonly minimum?: number;

  /**
   * Largest value allowed (NUMBER only).
   *
   * @default - no upper bound
   */
  readonly maximum?: number;

  /**
   * Shortest length allowed, in characters (STRING only).
   *
   * @default - no lower bound
   */
  readonly minLength?: number;

  /**
   * Longest length allowed, in characters (STRING only).
   *
   * @default - no upper bound
   */
  readonly maxLength?: number;

  /**
   * Parameter orchestration rules of the API's group run on this parameter's value after
   * validation, in priority order (at most one none_value rule, first; at most one default rule,
   * last): the first that matches gives the backend its mapped parameter. At most one parameter
   * of an API is orchestrated.
   *
   * @default - none
   */
  readonly orchestrations?: OrchestrationRule[];
}

const NAME = /^[A-Za-z][A-Za-z0-9._-]{0,31}$/;

/**
 * A request parameter the proxy validates before calling the backend. A request that breaks a
 * rule gets the REQUEST_PARAMETERS_FAILURE response, naming the parameter and the reason.
 */
export class RequestParameter {
  /** A `{name}` parameter of the API's path (always required). */
  public static path(name: string, options: RequestParameterOptions = {}): RequestParameter {
    return new RequestParameter(name, 'path', options);
  }

  /** A query-string parameter. */
  public static query(name: string, options: RequestParameterOptions = {}): RequestParameter {
    return new RequestParameter(name, 'query', options);
  }

  /** A request header (names compare without case). */
  public static header(name: string, options: RequestParameterOptions = {}): RequestParameter {
    return new RequestParameter(name, 'header', options);
  }

  /** The parameter's name. */
  public readonly name: string;

  /** Where the parameter is: `path`, `query` or `header`. */
  public readonly location: string;

  /** The validation options. */
  public readonly options: RequestParameterOptions;

  private constructor(name: string, location: ParameterLocation, options: RequestParameterOptions) {
    this.name = name;
    this.location = location;
    this.options = options;
  }

  /** @internal problems with this parameter on its own (the API checks path membership and duplicates) */
  public _problems(): Problem[] {
    const found: Problem[] = [];
    const o = this.options;
    const literal = checkLiteral('request parameter name', this.name);
    if (literal) { return [literal]; }
    const lower = this.name.toLowerCase();
    if (!NAME.test(this.name) || lower.startsWith('x-apig-') || lower.startsWith('x-sdk-') || lower === 'x-stage') {
      found.push(problem(RULES.parameterName, this.name));
    }
    if (this.location === 'path' && o.required === false) {
      found.push(problem(RULES.pathParameter, this.name, 'path parameters cannot be optional'));
    }
    for (const [label, value] of [['minimum', o.minimum], ['maximum', o.maximum], ['minLength', o.minLength], ['maxLength', o.maxLength]] as const) {
      const token = checkLiteralNumber(`${label} of parameter ${this.name}`, value);
      if (token) { return [token]; }
    }
    const type = o.type ?? ParameterType.STRING;
    const where = `${this.location} parameter ${this.name}`;
    if (type === ParameterType.STRING && (o.minimum !== undefined || o.maximum !== undefined)) {
      found.push(problem(RULES.parameterRange, this.name, `${where} is a STRING: use minLength/maxLength`));
    }
    if (type === ParameterType.NUMBER && (o.minLength !== undefined || o.maxLength !== undefined)) {
      found.push(problem(RULES.parameterRange, this.name, `${where} is a NUMBER: use minimum/maximum`));
    }
    for (const [low, high, label] of [[o.minimum, o.maximum, 'minimum'], [o.minLength, o.maxLength, 'minLength']] as const) {
      if (low !== undefined && high !== undefined && low > high) {
        found.push(problem(RULES.parameterRange, `${low} > ${high}`, `${where}: ${label} is above its maximum`));
      }
    }
    for (const length of [o.minLength, o.maxLength]) {
      if (length !== undefined && (!Number.isInteger(length) || length < 0)) {
        found.push(problem(RULES.parameterRange, length, `${where}: lengths are whole numbers >= 0`));
      }
    }
    for (const bound of [o.minimum, o.maximum]) {
      if (bound !== undefined && !Number.isFinite(bound)) {
        found.push(problem(RULES.parameterRange, bound, `${where}: bounds are finite numbers`));
      }
    }
    if (o.enumerations !== undefined) {
      if (o.enumerations.length === 0) {
        found.push(problem(RULES.parameterRange, '[]', `${where}: enumerations must list at least one value`));
      }
      const notNumbers = o.enumerations.filter(v => !/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v));
      if (type === ParameterType.NUMBER && notNumbers.length > 0) {
        found.push(problem(RULES.parameterRange, notNumbers.join(','), `${where} is a NUMBER: enumerations must be numbers`));
      }
    }
    return found;
  }

  /** @internal the runtime document of this parameter */
  public _toDocument(): ParameterDocument {
    const o = this.options;
    return {
      name: this.name,
      in: this.location as ParameterLocation,
      type: o.type ?? ParameterType.STRING,
      required: this.location === 'path' ? true : o.required ?? false,
      ...(o.enumerations !== undefined ? { enumerations: [...o.enumerations] } : {}),
      ...(o.minimum !== undefined ? { minimum: o.minimum } : {}),
      ...(o.maximum !== undefined ? { maximum: o.maximum } : {}),
      ...(o.minLength !== undefined ? { minLength: o.minLength } : {}),
      ...(o.maxLength !== undefined ? { maxLength: o.maxLength } : {}),
    };
  }
}
