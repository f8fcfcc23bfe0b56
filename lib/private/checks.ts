import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ApiGroupValidationError } from '../errors';
import { LimitRule, RULES } from '../limits';
import { parseTemplate } from './template';

/** One broken rule: the rule and a message naming the value and what is allowed. */
export interface Problem {
  readonly rule: LimitRule;
  readonly message: string;
}

/** Quotes a value for a message, cutting long ones so messages stay readable. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** A problem with `value`, using the rule's own words for what is allowed. */
export function problem(rule: LimitRule, value: unknown, detail?: string): Problem {
  const because = detail ? ` (${detail})` : '';
  return { rule, message: `${rule.subject} ${show(value)} is not allowed${because}: allowed ${rule.allowed}` };
}

/** Throws the problem (if any) as an ApiGroupValidationError of `scope`. */
export function throwIf(scope: IConstruct, found: Problem | undefined): void {
  if (found) {
    throw new ApiGroupValidationError(scope.node.path, found.rule.id, found.message);
  }
}

/** Formats problems for `node.addValidation` (CDK prefixes the construct path). */
export function formatAll(found: Problem[]): string[] {
  return found.map(p => `${p.message} [${p.rule.id}]`);
}

/** The value must be known at synth time: names, paths and templates drive validation and routing. */
export function checkLiteral(what: string, value: string | undefined): Problem | undefined {
  if (value !== undefined && Token.isUnresolved(value)) {
    return { rule: RULES.literal, message: `${what} must not be a token (got ${show(value)}): allowed ${RULES.literal.allowed}` };
  }
  return undefined;
}

/** Numbers drive validation and the configuration document, so they must be known at synth time. */
export function checkLiteralNumber(what: string, value: number | undefined): Problem | undefined {
  return value !== undefined && Token.isUnresolved(value) ? checkLiteral(what, Token.asString(value)) : undefined;
}

export function checkStatusCode(status: number): Problem | undefined {
  // String(aNumberToken) is a plain number, not a token string: Token.asString keeps it recognisable.
  if (Token.isUnresolved(status)) { return checkLiteral('status code', Token.asString(status)); }
  if (!Number.isInteger(status) || status < 200 || status > 599 || status === 444) {
    return problem(RULES.statusCode, status);
  }
  return undefined;
}

/** Body templates: non-empty JSON as written; variables (which can only sit in strings then) must be known. */
export function checkBody(body: string): Problem | undefined {
  const literal = checkLiteral('body template', body);
  if (literal) { return literal; }
  if (body.trim() === '') { return problem(RULES.body, body, 'empty'); }
  try {
    JSON.parse(body);
  } catch (e) {
    const hint = /\$(context|stageVariables)\./.test(body) ? '; put variables inside JSON strings, e.g. "$context.requestId"' : '';
    return problem(RULES.body, body, `not valid JSON: ${(e as Error).message}${hint}`);
  }
  const { unknown } = parseTemplate(body);
  if (unknown.length > 0) {
    return problem(RULES.body, body, `unknown variable ${unknown.map(show).join(', ')}`);
  }
  return undefined;
}

const HEADER_KEY = /^[A-Za-z0-9_-]{1,128}$/;

export function checkHeaders(headers: Record<string, string>): Problem[] {
  const found: Problem[] = [];
  const keys = Object.keys(headers);
  if (keys.length > 10) {
    found.push(problem(RULES.headersPerRule, keys.length, `headers ${keys.map(k => show(k)).join(', ')}`));
  }
  const seen = new Set<string>();
  for (const key of keys) {
    const value = headers[key];
    if (!HEADER_KEY.test(key)) { found.push(problem(RULES.headerKey, key)); }
    if (seen.has(key.toLowerCase())) { found.push(problem(RULES.headerKey, key, 'declared twice (header names ignore case)')); }
    seen.add(key.toLowerCase());
    const literal = checkLiteral(`header value of ${key}`, value);
    if (literal) { found.push(literal); continue; }
    if (typeof value !== 'string' || value.length < 1 || value.length > 1024) {
      found.push(problem(RULES.headerValue, value, `header ${key}: length ${typeof value === 'string' ? value.length : 0}`));
    } else if (value.includes('[[') || value.includes(']]')) {
      found.push(problem(RULES.headerValue, value, `header ${key} contains "[[" or "]]"`));
    } else {
      const { unknown } = parseTemplate(value);
      if (unknown.length > 0) {
        found.push(problem(RULES.headerValue, value, `header ${key}: unknown variable ${unknown.map(show).join(', ')}`));
      }
    }
  }
  return found;
}

const RESPONSE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function checkResponseName(name: string): Problem | undefined {
  return checkLiteral('gateway response name', name) ?? (RESPONSE_NAME.test(name) ? undefined : problem(RULES.responseName, name));
}

// RFC 6838 section 4.2 restricted names.
const MEDIA_NAME = '[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}';
const BINARY_MEDIA_TYPE = new RegExp(`^(?:\\*/\\*|${MEDIA_NAME}/(?:\\*|${MEDIA_NAME}))$`);

/** A group's binary media types: `type/subtype`, `type/*` or `*\/*`, known at synth time. */
export function checkBinaryMediaTypes(types: readonly string[] | undefined): Problem[] {
  const found: Problem[] = [];
  for (const type of types ?? []) {
    const literal = checkLiteral('binary media type', type);
    if (literal) {
      found.push(literal);
    } else if (!BINARY_MEDIA_TYPE.test(type)) {
      found.push(problem(RULES.binaryMediaTypes, type, type.includes(';') ? 'parameters are not matched' : undefined));
    }
  }
  return found;
}
