/**
 * Parameter orchestration (Huawei APIG's orchestration rules): after the request's parameters are
 * validated, an API's one orchestrated parameter is run through its rules, in priority order, and
 * the first rule that yields a value gives the backend one more parameter (`mapped_param_name`,
 * in a header or the query string). A caller's own copy of that parameter is replaced, never sent
 * beside it (a header name compares without case).
 *
 * - No value (absent or empty, as for validation): the `none_value` rule's value, else
 *   ORCHESTRATION_PARAMETER_NOT_FOUND.
 * - A value: each rule in turn. `list` maps a value it lists, `range` a decimal integer within one
 *   of its ranges (0 to 2^63-1, compared as BigInt, never as a float), `head_n` / `tail_n` keep the
 *   first / last n characters. A preprocessing rule that matches only changes the value the next
 *   rules see; a `default` rule maps whatever reached it. Nothing matched: ORCHESTRATION_FAILURE.
 *
 * The first non-empty value of a repeated query parameter or header is the one orchestrated.
 * Values come from the caller: a value kept by head_n / tail_n that a header cannot carry fails
 * the orchestration (ORCHESTRATION_FAILURE) rather than being altered.
 */
import {
  OrchestrationDocument, OrchestrationLocation, OrchestrationRuleDocument, ORCHESTRATION_RESERVED_HEADER_PREFIXES,
  ORCHESTRATION_RESERVED_HEADERS,
} from '../../private/config-document';
import { GatewayError, orchestrationFailed, orchestrationParameterNotFound } from './gateway-error';
import { isValidHeaderValue } from './headers';
import { encodeComponent, RequestView } from './request';
import { isRecord } from './types';

/** The parameter an orchestration adds to the backend request. */
export interface MappedValue {
  /** As declared (headers compare without case). */
  readonly name: string;
  readonly in: OrchestrationLocation;
  readonly value: string;
}

/** Runs an API's orchestration on a request whose parameters are valid. */
export type Orchestrator = (req: RequestView, pathParams: Record<string, string>) => MappedValue | GatewayError;

/** A rule's step: the value it yields for the input, or undefined when it does not match. */
type Step = (value: string) => string | undefined;

interface CompiledRule {
  readonly preprocessing: boolean;
  readonly mapped?: { readonly name: string; readonly in: OrchestrationLocation };
  readonly step: Step;
}

const MAX_RANGE = BigInt('9223372036854775807');
const INTEGER = /^[0-9]+$/;
const MAPPED_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const MAPPED_VALUE = /^[A-Za-z0-9]{1,128}$/;
const LOCATIONS = new Set(['path', 'query', 'header']);

function fail(message: string): never {
  throw new Error(message);
}

/** A decimal integer of 0 to 2^63-1 (leading zeros allowed), or undefined. */
function integerOf(text: string): bigint | undefined {
  if (!INTEGER.test(text)) { return undefined; }
  const digits = text.replace(/^0+(?=[0-9])/, '');
  if (digits.length > 19) { return undefined; }
  const n = BigInt(digits);
  return n <= MAX_RANGE ? n : undefined;
}

function mappedValue(value: unknown, where: string): string {
  if (typeof value !== 'string' || !MAPPED_VALUE.test(value)) { fail(`${where}: a mapped value is 1-128 letters or digits`); }
  return value;
}

function compileStep(rule: OrchestrationRuleDocument, where: string): Step {
  switch (rule.strategy) {
    case 'list': {
      if (!Array.isArray(rule.list) || rule.list.length === 0) { fail(`${where}.list: at least one entry`); }
      const map = new Map<string, string>();
      rule.list.forEach((entry, i) => {
        if (!isRecord(entry) || !Array.isArray(entry.values) || !entry.values.every(v => typeof v === 'string')) {
          fail(`${where}.list[${i}] needs a list of values`);
        }
        const value = mappedValue(entry.value, `${where}.list[${i}]`);
        // Order is priority: a value listed twice maps as its first entry says.
        for (const v of entry.values as string[]) { if (!map.has(v)) { map.set(v, value); } }
      });
      return v => map.get(v);
    }
    case 'range': {
      if (!Array.isArray(rule.range) || rule.range.length === 0) { fail(`${where}.range: at least one entry`); }
      const ranges = rule.range.map((entry, i) => {
        const start = isRecord(entry) && typeof entry.start === 'string' ? integerOf(entry.start) : undefined;
        const end = isRecord(entry) && typeof entry.end === 'string' ? integerOf(entry.end) : undefined;
        if (start === undefined || end === undefined || start > end) {
          fail(`${where}.range[${i}] needs integer strings start <= end within 0-${MAX_RANGE}`);
        }
        return { start, end, value: mappedValue(entry.value, `${where}.range[${i}]`) };
      });
      return v => {
        const n = integerOf(v);
        if (n === undefined) { return undefined; }
        for (const r of ranges) {
          if (n >= r.start && n <= r.end) { return r.value; }
        }
        return undefined;
      };
    }
    case 'none_value':
    case 'default': {
      const value = mappedValue(rule.value, where);
      return () => value;
    }
    case 'head_n':
    case 'tail_n': {
      const n = rule.length;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 100) { fail(`${where}.length is an integer from 1 to 100`); }
      // Characters are code points: a cut never splits a surrogate pair.
      return rule.strategy === 'head_n'
        ? v => (v.length <= n ? v : Array.from(v).slice(0, n).join(''))
        : v => (v.length <= n ? v : Array.from(v).slice(-n).join(''));
    }
    default:
      return fail(`${where}.strategy ${JSON.stringify((rule as { strategy?: unknown }).strategy)} is not supported`);
  }
}

function compileRule(rule: unknown, where: string): CompiledRule & { readonly strategy: string } {
  if (!isRecord(rule)) { fail(`${where} is not an object`); }
  const doc = rule as unknown as OrchestrationRuleDocument;
  const preprocessing = doc.preprocessing === true;
  let mapped: CompiledRule['mapped'];
  if (doc.mapped !== undefined) {
    if (!isRecord(doc.mapped) || typeof doc.mapped.name !== 'string' || !MAPPED_NAME.test(doc.mapped.name)
      || (doc.mapped.in !== 'header' && doc.mapped.in !== 'query')) {
      fail(`${where}.mapped needs a name (1-128 letters, digits or "-", starting with a letter) and a location (header, query)`);
    }
    const lower = doc.mapped.name.toLowerCase();
    if (doc.mapped.in === 'header' && (ORCHESTRATION_RESERVED_HEADERS.includes(lower)
      || ORCHESTRATION_RESERVED_HEADER_PREFIXES.some(prefix => lower.startsWith(prefix)))) {
      fail(`${where}.mapped: header ${doc.mapped.name} is set by the proxy itself`);
    }
    mapped = { name: doc.mapped.name, in: doc.mapped.in };
  }
  if (!preprocessing && mapped === undefined) { fail(`${where}: a rule that is not preprocessing needs a mapped parameter`); }
  if (preprocessing && (doc.strategy === 'none_value' || doc.strategy === 'default')) {
    fail(`${where}: a ${doc.strategy} rule cannot be preprocessing`);
  }
  return { strategy: String(doc.strategy), preprocessing, mapped, step: compileStep(doc, where) };
}

/** The mapped parameter, or ORCHESTRATION_FAILURE when its value cannot be sent where it goes. */
function sent(mapped: NonNullable<CompiledRule['mapped']>, value: string, parameter: string): MappedValue | GatewayError {
  if (mapped.in === 'header' && !isValidHeaderValue(value)) {
    return orchestrationFailed(parameter, `mapped value not sendable in header ${mapped.name}`);
  }
  return { name: mapped.name, in: mapped.in, value };
}

/**
 * Compiles an API's orchestration document; undefined when the API has none.
 *
 * @throws Error naming the problem when the document cannot be used (the API then fails closed)
 */
export function compileOrchestration(doc: unknown): Orchestrator | undefined {
  if (doc === undefined) { return undefined; }
  if (!isRecord(doc)) { fail('orchestration is not an object'); }
  const o = doc as unknown as OrchestrationDocument;
  if (!isRecord(o.parameter) || typeof o.parameter.name !== 'string' || !LOCATIONS.has(o.parameter.in as string)) {
    fail('orchestration.parameter needs a name and a location (path, query, header)');
  }
  if (!Array.isArray(o.rules) || o.rules.length === 0) { fail('orchestration.rules: at least one rule'); }
  const all = o.rules.map((r, i) => compileRule(r, `orchestration.rules[${i}]`));
  const noneValue = all[0].strategy === 'none_value' ? all[0] : undefined;
  const rules = all.filter(r => r.strategy !== 'none_value');
  if (rules.length + (noneValue ? 1 : 0) !== all.length) { fail('orchestration.rules: a none_value rule can only be first'); }
  const name = o.parameter.name;
  const lower = name.toLowerCase();
  const read: (req: RequestView, pathParams: Record<string, string>) => readonly string[] | undefined =
    o.parameter.in === 'path' ? (_req, params) => (Object.prototype.hasOwnProperty.call(params, name) ? [params[name]] : undefined)
      : o.parameter.in === 'query' ? req => req.query.get(name)
        : req => req.headers.get(lower);
  const where = `${name} in ${o.parameter.in}`;
  return (req, pathParams) => {
    const input = read(req, pathParams)?.find(v => v !== '');
    if (input === undefined) {
      return noneValue ? sent(noneValue.mapped!, noneValue.step('')!, where) : orchestrationParameterNotFound(where);
    }
    let value = input;
    for (const rule of rules) {
      const out = rule.step(value);
      if (out === undefined) { continue; }
      if (rule.preprocessing) {
        value = out;
        continue;
      }
      return sent(rule.mapped!, out, where);
    }
    return orchestrationFailed(where, 'no rule matched');
  };
}

/**
 * The backend's query string with the mapped parameter: the caller's own copies (same name,
 * exactly: query names are case-sensitive) removed, the mapped value appended.
 *
 * @param query percent-encoded, as `RequestView.queryString`
 */
export function withMappedQuery(query: string, mapped: MappedValue): string {
  const name = encodeComponent(mapped.name);
  const pair = `${name}=${encodeComponent(mapped.value)}`;
  if (query === '') { return pair; }
  const kept = query.split('&').filter(p => {
    const eq = p.indexOf('=');
    return (eq < 0 ? p : p.slice(0, eq)) !== name;
  });
  kept.push(pair);
  return kept.join('&');
}

/**
 * Puts the mapped parameter into a function backend's event (its `headers` / `multiValueHeaders`
 * or `queryStringParameters` / `multiValueQueryStringParameters`), replacing the caller's copies.
 */
export function withMappedParameter(event: Record<string, unknown>, mapped: MappedValue): Record<string, unknown> {
  const [singleKey, multiKey] = mapped.in === 'header'
    ? ['headers', 'multiValueHeaders'] as const : ['queryStringParameters', 'multiValueQueryStringParameters'] as const;
  const same = mapped.in === 'header'
    ? (k: string) => k.toLowerCase() === mapped.name.toLowerCase() : (k: string) => k === mapped.name;
  const without = (raw: unknown): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (isRecord(raw)) {
      for (const k of Object.keys(raw)) { if (!same(k)) { out[k] = raw[k]; } }
    }
    return out;
  };
  return {
    ...event,
    [singleKey]: { ...without(event[singleKey]), [mapped.name]: mapped.value },
    [multiKey]: { ...without(event[multiKey]), [mapped.name]: [mapped.value] },
  };
}
