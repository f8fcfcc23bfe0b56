/**
 * Request-parameter validation (ParameterDocument), compiled per API at cold start with every
 * failure message prepared, so validating costs a few lookups and comparisons. Messages name the
 * parameter and the rule, never the value sent (it could be large or sensitive).
 *
 * An empty value counts as absent (`?id=` does not satisfy a required `id`). Every value of a
 * repeated query parameter or header must pass.
 */
import { ParameterDocument } from '../../private/config-document';
import { GatewayError, parameterInvalid } from './gateway-error';
import { RequestView } from './request';

// A finite decimal number: optional sign, digits with an optional fraction, optional exponent.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const MAX_ENUM_TEXT = 200;

type Check = (value: string) => GatewayError | undefined;

interface CompiledParameter {
  readonly read: (req: RequestView, pathParams: Record<string, string>) => readonly string[] | undefined;
  readonly missing?: GatewayError;
  readonly checks: readonly Check[];
}

export type ParameterValidator = (req: RequestView, pathParams: Record<string, string>) => GatewayError | undefined;

const NO_CHECK: ParameterValidator = () => undefined;

function characters(n: number): string {
  return n === 1 ? '1 character' : `${n} characters`;
}

/** Length in characters (code points), not UTF-16 units. */
function codePointLength(value: string): number {
  let n = value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n--; i++; }
    }
  }
  return n;
}

function enumText(values: readonly string[]): string {
  const text = values.map(v => JSON.stringify(v)).join(', ');
  return text.length > MAX_ENUM_TEXT ? `${text.slice(0, MAX_ENUM_TEXT)}...` : text;
}

function compileParameter(p: ParameterDocument): CompiledParameter {
  const subject = `Parameter "${p.name}" in ${p.in}`;
  const fail = (rule: string, reason: string): GatewayError => parameterInvalid(`${subject} ${rule}.`, `parameter ${p.name} in ${p.in}: ${reason}`);
  const checks: Check[] = [];
  if (p.type === 'NUMBER') {
    const notNumber = fail('must be a number', 'not a number');
    checks.push(v => (DECIMAL.test(v) && Number.isFinite(Number(v)) ? undefined : notNumber));
  }
  if (p.enumerations && p.enumerations.length > 0) {
    const allowed = new Set(p.enumerations);
    const notAllowed = fail(`must be one of ${enumText(p.enumerations)}`, 'not an allowed value');
    checks.push(v => (allowed.has(v) ? undefined : notAllowed));
  }
  if (p.type === 'NUMBER') {
    if (typeof p.minimum === 'number') {
      const min = p.minimum;
      const tooSmall = fail(`must be at least ${min}`, 'below minimum');
      checks.push(v => (Number(v) >= min ? undefined : tooSmall));
    }
    if (typeof p.maximum === 'number') {
      const max = p.maximum;
      const tooLarge = fail(`must be at most ${max}`, 'above maximum');
      checks.push(v => (Number(v) <= max ? undefined : tooLarge));
    }
  } else {
    if (typeof p.minLength === 'number') {
      const min = p.minLength;
      const tooShort = fail(`must be at least ${characters(min)} long`, 'shorter than minLength');
      checks.push(v => (codePointLength(v) >= min ? undefined : tooShort));
    }
    if (typeof p.maxLength === 'number') {
      const max = p.maxLength;
      const tooLong = fail(`must be at most ${characters(max)} long`, 'longer than maxLength');
      checks.push(v => (codePointLength(v) <= max ? undefined : tooLong));
    }
  }

  const name = p.name;
  let read: CompiledParameter['read'];
  switch (p.in) {
    case 'path':
      read = (_req, params) => (Object.prototype.hasOwnProperty.call(params, name) ? [params[name]] : undefined);
      break;
    case 'query':
      read = req => req.query.get(name);
      break;
    case 'header': {
      const lower = name.toLowerCase();
      read = req => req.headers.get(lower);
      break;
    }
    default:
      throw new Error(`parameter "${name}": unknown location "${String(p.in)}"`);
  }
  return { read, missing: p.required ? fail('is required', 'missing') : undefined, checks };
}

/** Compiles an API's parameters into one validator. */
export function compileParameters(params: readonly ParameterDocument[]): ParameterValidator {
  if (params.length === 0) { return NO_CHECK; }
  const compiled = params.map(compileParameter);
  return (req, pathParams) => {
    for (const p of compiled) {
      const values = p.read(req, pathParams);
      let present = false;
      if (values) {
        for (const v of values) {
          if (v === '') { continue; }
          present = true;
          for (const check of p.checks) {
            const err = check(v);
            if (err) { return err; }
          }
        }
      }
      if (!present && p.missing) { return p.missing; }
    }
    return undefined;
  };
}
