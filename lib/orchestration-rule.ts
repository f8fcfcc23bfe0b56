import { Construct } from 'constructs';
import type { ApiGroup } from './api-group';
import { LIMITS, RULES } from './limits';
import { checkLiteral, checkLiteralNumber, Problem, problem, throwIf } from './private/checks';
import {
  ORCHESTRATION_RESERVED_HEADER_PREFIXES, ORCHESTRATION_RESERVED_HEADERS, OrchestrationLocation, OrchestrationRuleDocument,
  OrchestrationStrategyName,
} from './private/config-document';
import { ParameterType } from './request-parameter';

/** One entry of a `list` orchestration: the values it lists and the value they map to. */
export interface OrchestrationListEntry {
  /** The request values this entry maps (compared exactly, as strings): 1-128 letters, digits, `-` or `_` each. */
  readonly values: string[];

  /** The value sent to the backend (or to the next rule, for a preprocessing rule): 1-128 letters or digits. */
  readonly mappedValue: string;
}

/** One entry of a `range` orchestration: an inclusive range of integers and the value it maps to. */
export interface OrchestrationRangeEntry {
  /** First integer of the range, as a decimal string from `0` to `9223372036854775807` (2^63-1). */
  readonly start: string;

  /** Last integer of the range (inclusive), as a decimal string, not below `start`. */
  readonly end: string;

  /** The value sent to the backend (or to the next rule, for a preprocessing rule): 1-128 letters or digits. */
  readonly mappedValue: string;
}

const MAPPED_VALUE = /^[A-Za-z0-9]{1,128}$/;
const LIST_ITEM = /^[A-Za-z0-9_-]{1,128}$/;
const INTEGER = /^[0-9]+$/;
const MAX_RANGE = BigInt('9223372036854775807');

function rangeBound(text: string): bigint | undefined {
  if (!INTEGER.test(text)) { return undefined; }
  const n = BigInt(text);
  return n <= MAX_RANGE ? n : undefined;
}

/**
 * How an orchestration rule maps the request parameter's value (Huawei's
 * `orchestration_strategy`). Entries are tried in order: the first that matches wins.
 *
 * Huawei's `hash` and `hash_range` strategies are not offered: Huawei does not document the hash
 * they compute, so no backend could rely on the same values.
 */
export class OrchestrationStrategy {
  /** `list`: a value one entry lists maps to that entry's value (1-300 entries). */
  public static list(entries: OrchestrationListEntry[]): OrchestrationStrategy {
    return new OrchestrationStrategy('list', { list: entries.map(e => ({ values: [...e.values], value: e.mappedValue })) });
  }

  /** `range`: a decimal integer within one entry's range maps to that entry's value (1-300 entries). */
  public static range(entries: OrchestrationRangeEntry[]): OrchestrationStrategy {
    return new OrchestrationStrategy('range', { range: entries.map(e => ({ start: e.start, end: e.end, value: e.mappedValue })) });
  }

  /** `none_value`: the request has no value for the parameter (absent or empty); maps to `mappedValue`. */
  public static noneValue(mappedValue: string): OrchestrationStrategy {
    return new OrchestrationStrategy('none_value', { value: mappedValue });
  }

  /** `default`: the parameter has a value that no earlier rule matched; maps to `mappedValue`. */
  public static defaultValue(mappedValue: string): OrchestrationStrategy {
    return new OrchestrationStrategy('default', { value: mappedValue });
  }

  /** `head_n`: the first `length` characters of the value (all of it when shorter); length 1-100. */
  public static headN(length: number): OrchestrationStrategy {
    return new OrchestrationStrategy('head_n', { length });
  }

  /** `tail_n`: the last `length` characters of the value (all of it when shorter); length 1-100. */
  public static tailN(length: number): OrchestrationStrategy {
    return new OrchestrationStrategy('tail_n', { length });
  }

  /** Huawei's name of the strategy: `list`, `range`, `none_value`, `default`, `head_n` or `tail_n`. */
  public readonly strategyName: string;

  private constructor(name: OrchestrationStrategyName, private readonly map: Pick<OrchestrationRuleDocument, 'list' | 'range' | 'value' | 'length'>) {
    this.strategyName = name;
  }

  /** @internal the list entries (list) */
  public get _listEntries(): OrchestrationListEntry[] {
    return (this.map.list ?? []).map(e => ({ values: [...e.values], mappedValue: e.value }));
  }

  /** @internal the range entries (range) */
  public get _rangeEntries(): OrchestrationRangeEntry[] {
    return (this.map.range ?? []).map(e => ({ start: e.start, end: e.end, mappedValue: e.value }));
  }

  /** @internal the mapped value (none_value, default) */
  public get _mappedValue(): string | undefined {
    return this.map.value;
  }

  /** @internal the number of characters kept (head_n, tail_n) */
  public get _length(): number | undefined {
    return this.map.length;
  }

  /** @internal problems of the strategy's map on its own */
  public _problems(): Problem[] {
    const found: Problem[] = [];
    const value = (v: string, where: string): void => {
      const literal = checkLiteral(`mapped value of ${where}`, v);
      if (literal) { found.push(literal); return; }
      if (!MAPPED_VALUE.test(v)) { found.push(problem(RULES.orchestrationMap, v, `mapped value of ${where}`)); }
    };
    const entries = (n: number): void => {
      if (n < 1 || n > LIMITS.orchestrationMapEntries) { found.push(problem(RULES.orchestrationMap, n, `${this.strategyName}: number of entries`)); }
    };
    switch (this.strategyName) {
      case 'list': {
        const list = this.map.list!;
        entries(list.length);
        let largest = 0;
        list.forEach((e, i) => {
          if (e.values.length === 0) { found.push(problem(RULES.orchestrationMap, '[]', `list entry ${i} lists no value`)); }
          largest = Math.max(largest, e.values.length);
          for (const item of e.values) {
            const literal = checkLiteral(`value of list entry ${i}`, item);
            if (literal) { found.push(literal); continue; }
            if (!LIST_ITEM.test(item)) { found.push(problem(RULES.orchestrationMap, item, `value of list entry ${i}`)); }
          }
          value(e.value, `list entry ${i}`);
        });
        if (list.length * largest > LIMITS.orchestrationListItems) {
          found.push(problem(RULES.orchestrationMap, `${list.length} x ${largest}`, 'entries x the largest list'));
        }
        break;
      }
      case 'range': {
        const range = this.map.range!;
        entries(range.length);
        range.forEach((e, i) => {
          const start = rangeBound(e.start);
          const end = rangeBound(e.end);
          if (start === undefined) { found.push(problem(RULES.orchestrationMap, e.start, `start of range entry ${i}`)); }
          if (end === undefined) { found.push(problem(RULES.orchestrationMap, e.end, `end of range entry ${i}`)); }
          if (start !== undefined && end !== undefined && start > end) {
            found.push(problem(RULES.orchestrationMap, `${e.start}-${e.end}`, `range entry ${i} starts after its end`));
          }
          value(e.value, `range entry ${i}`);
        });
        break;
      }
      case 'none_value':
      case 'default':
        value(this.map.value!, this.strategyName);
        break;
      default: {
        const length = this.map.length!;
        const token = checkLiteralNumber(`length of ${this.strategyName}`, length);
        if (token) { found.push(token); break; }
        if (!Number.isInteger(length) || length < 1 || length > LIMITS.orchestrationInterceptMax) {
          found.push(problem(RULES.orchestrationMap, length, `${this.strategyName}: length`));
        }
      }
    }
    return found;
  }

  /** @internal the map fields of the rule's runtime document */
  public _toDocument(): Pick<OrchestrationRuleDocument, 'list' | 'range' | 'value' | 'length'> {
    return {
      ...(this.map.list ? { list: this.map.list.map(e => ({ values: [...e.values], value: e.value })) } : {}),
      ...(this.map.range ? { range: this.map.range.map(e => ({ ...e })) } : {}),
      ...(this.map.value !== undefined ? { value: this.map.value } : {}),
      ...(this.map.length !== undefined ? { length: this.map.length } : {}),
    };
  }
}

/** Options of an orchestration's mapped parameter. */
export interface MappedParameterOptions {
  /**
   * The parameter's type (Huawei's `mapped_param_type`), for the exported definition.
   *
   * @default ParameterType.STRING
   */
  readonly type?: ParameterType;
}

const MAPPED_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/**
 * The parameter an orchestration rule sends to the backend (Huawei's `orchestration_mapped_param`):
 * a header or a query parameter. A caller's own copy is replaced, never sent beside it.
 */
export class MappedParameter {
  /** A request header for the backend (the name compares without case). */
  public static header(name: string, options: MappedParameterOptions = {}): MappedParameter {
    return new MappedParameter(name, 'header', options.type ?? ParameterType.STRING);
  }

  /** A query-string parameter for the backend (the name compares exactly). */
  public static query(name: string, options: MappedParameterOptions = {}): MappedParameter {
    return new MappedParameter(name, 'query', options.type ?? ParameterType.STRING);
  }

  /** The parameter's name: 1-128 letters, digits or `-`, starting with a letter. */
  public readonly name: string;

  /** Where the backend receives it: `header` or `query`. */
  public readonly location: string;

  /** Its type. */
  public readonly type: ParameterType;

  private constructor(name: string, location: OrchestrationLocation, type: ParameterType) {
    this.name = name;
    this.location = location;
    this.type = type;
  }

  /** @internal problems of the parameter on its own */
  public _problems(): Problem | undefined {
    const literal = checkLiteral('mapped parameter name', this.name);
    if (literal) { return literal; }
    if (!MAPPED_NAME.test(this.name)) { return problem(RULES.orchestrationMappedParameter, this.name); }
    const lower = this.name.toLowerCase();
    if (this.location === 'header' && (ORCHESTRATION_RESERVED_HEADERS.includes(lower)
      || ORCHESTRATION_RESERVED_HEADER_PREFIXES.some(prefix => lower.startsWith(prefix)))) {
      return problem(RULES.orchestrationMappedParameter, this.name, 'the proxy sets this header itself');
    }
    return undefined;
  }
}

/** Options of an orchestration rule. */
export interface OrchestrationRuleOptions {
  /** How the request parameter's value is mapped. */
  readonly strategy: OrchestrationStrategy;

  /**
   * The parameter the backend receives with the mapped value.
   *
   * @default - none: allowed only for a preprocessing rule
   */
  readonly mappedParameter?: MappedParameter;

  /**
   * Whether the rule only preprocesses: its result becomes the value the next rule of the
   * parameter sees, and nothing is sent to the backend. Not for none_value and default rules,
   * and never the last rule of a parameter.
   *
   * @default false
   */
  readonly preprocessing?: boolean;

  /**
   * The rule's name (Huawei's `orchestration_name`): 3-64 letters, digits or `_`, starting with
   * a letter, unique in the group.
   *
   * @default - the id given to `addOrchestrationRule()`
   */
  readonly orchestrationName?: string;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]{2,63}$/;

/**
 * A parameter orchestration rule (Huawei APIG: orchestration rule) of a group. Attach rules to
 * one request parameter of an API, in priority order, with
 * `RequestParameter.query(name, { orchestrations: [rule, ...] })`: the proxy then sends the
 * backend the value the first matching rule maps to, or answers ORCHESTRATION_PARAMETER_NOT_FOUND
 * (no value, no none_value rule) or ORCHESTRATION_FAILURE (no rule matched, no default rule).
 * Define one with `ApiGroup.addOrchestrationRule()`.
 */
export class OrchestrationRule extends Construct {
  /** The rule's name (`orchestration_name`). */
  public readonly orchestrationName: string;

  /** How the value is mapped. */
  public readonly strategy: OrchestrationStrategy;

  /**
   * The parameter the backend receives.
   *
   * @default - none (a preprocessing rule)
   */
  public readonly mappedParameter?: MappedParameter;

  /** Whether the rule only preprocesses the value for the next rule. */
  public readonly preprocessing: boolean;

  /**
   * Defines an orchestration rule in `group`. `group.addOrchestrationRule(id, options)` is the shorter way.
   *
   * @throws ApiGroupValidationError if a value breaks one of Huawei's limits
   */
  constructor(group: ApiGroup, id: string, options: OrchestrationRuleOptions) {
    super(group, id);
    this.orchestrationName = options.orchestrationName ?? id;
    this.strategy = options.strategy;
    this.mappedParameter = options.mappedParameter;
    this.preprocessing = options.preprocessing ?? false;
    throwIf(this, checkLiteral('orchestration rule name', this.orchestrationName)
      ?? (NAME.test(this.orchestrationName) ? undefined : problem(RULES.orchestrationName, this.orchestrationName)));
    for (const found of this.strategy._problems()) { throwIf(this, found); }
    const kind = this.strategy.strategyName;
    if (this.preprocessing && (kind === 'none_value' || kind === 'default')) {
      throwIf(this, problem(RULES.orchestrationMappedParameter, this.orchestrationName, `a ${kind} rule cannot be preprocessing`));
    }
    if (!this.preprocessing && !this.mappedParameter) {
      throwIf(this, problem(RULES.orchestrationMappedParameter, this.orchestrationName, 'a rule that is not preprocessing needs a mapped parameter'));
    }
    throwIf(this, this.mappedParameter?._problems());
    group._registerOrchestrationRule(this);
  }

  /** @internal the runtime document of the rule */
  public _toDocument(): OrchestrationRuleDocument {
    const mapped = this.mappedParameter;
    return {
      name: this.orchestrationName,
      strategy: this.strategy.strategyName as OrchestrationStrategyName,
      ...(this.preprocessing ? { preprocessing: true } : {}),
      ...(mapped ? {
        mapped: {
          name: mapped.name, in: mapped.location as OrchestrationLocation,
          type: mapped.type === ParameterType.NUMBER ? 'number' as const : 'string' as const,
        },
      } : {}),
      ...this.strategy._toDocument(),
    };
  }
}
