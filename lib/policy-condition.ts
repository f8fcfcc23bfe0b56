import { Token } from 'aws-cdk-lib';
import { AccessControl } from './access-control';
import { LIMITS, RULES } from './limits';
import { checkLiteral, Problem, problem } from './private/checks';
import type { ParameterLocation, PolicyConditionDocument } from './private/config-document';
import type { PolicyConditionContext } from './private/backend-policies';
import { analyzePattern } from './private/safe-pattern';
import { parseSystemVariable, systemVariableName } from './private/system-variables';

/**
 * How a backend policy condition compares a value: exactly one of `exact`, `oneOf` or `pattern`
 * (none, or more than one, is a synth error). Huawei: condition type exact, enum, pattern.
 */
export interface PolicyMatchOptions {
  /**
   * The value must be exactly this (case-sensitive), 1-255 characters. Huawei's condition type
   * `exact` (named so because jsii refuses a member named `equals`).
   *
   * @default - not compared for equality
   */
  readonly exact?: string;

  /**
   * The value must be one of these (case-sensitive): 1-20 values of 1-255 characters, without ","
   * (Huawei writes the list comma-separated).
   *
   * @default - not compared with a list
   */
  readonly oneOf?: string[];

  /**
   * An ECMAScript regular expression (1-255 characters) that must be found in the value: anchor it
   * with `^` and `$` to match the whole value. Refused at synth: back-references, and a repeated part
   * that can itself match in several ways (`(a+)+`, `(a|a)*`), which can backtrack exponentially.
   *
   * @default - not matched against a pattern
   */
  readonly pattern?: string;
}

/** What a backend policy condition looks at. */
export enum PolicyConditionOrigin {
  /** The caller's IP address (Huawei: source). */
  SOURCE_IP = 'SOURCE_IP',
  /** A request parameter of the API (Huawei: param). */
  PARAMETER = 'PARAMETER',
  /** A system variable (Huawei: system, frontend_authorizer). */
  SYSTEM = 'SYSTEM',
}

/** System variables a condition may name (Huawei: req_path, req_method, frontend authorizer keys). */
const CONDITION_CONTEXT_NAMES = new Set(['reqPath', 'reqMethod']);

/**
 * A condition of a backend policy (`ApiOptions.backendPolicies`): on the caller's IP, a request
 * parameter, or a system variable. A value that is absent, empty, sent more than once, or longer
 * than 1024 characters never matches.
 */
export class PolicyCondition {
  /**
   * The caller's IP address (`$context.sourceIp`) is one of these.
   *
   * @param cidrs IPv4 or IPv6 addresses or CIDR blocks, e.g. `203.0.113.0/24`, `198.51.100.7`, `2001:db8::/32`
   */
  public static sourceIp(cidrs: string[]): PolicyCondition {
    return new PolicyCondition(PolicyConditionOrigin.SOURCE_IP, undefined, [...cidrs], {});
  }

  /**
   * A request parameter of the API, compared as validated: a path parameter decoded, a query
   * parameter as API Gateway decoded it, a header as sent.
   *
   * @param name a parameter in the API's `parameters`, or a `{name}` of its path; declared in one location
   */
  public static parameter(name: string, match: PolicyMatchOptions): PolicyCondition {
    return new PolicyCondition(PolicyConditionOrigin.PARAMETER, name, undefined, match);
  }

  /**
   * A system variable: `$context.reqPath` (the request path relative to the API's root, as sent),
   * `$context.reqMethod` (exact or oneOf only), or `$context.authorizer.frontend.<key>` (a key of
   * the API's custom or third-party authorizer's context). The `$context.` prefix may be left out.
   */
  public static system(variable: string, match: PolicyMatchOptions): PolicyCondition {
    return new PolicyCondition(PolicyConditionOrigin.SYSTEM, variable, undefined, match);
  }

  /** What the condition looks at. */
  public readonly origin: PolicyConditionOrigin;

  /**
   * The parameter's name (PARAMETER) or the system variable (SYSTEM).
   *
   * @default - none (SOURCE_IP)
   */
  public readonly name?: string;

  /**
   * The addresses and CIDR blocks (SOURCE_IP).
   *
   * @default - none (PARAMETER, SYSTEM)
   */
  public readonly cidrs?: string[];

  /**
   * The value compared for equality.
   *
   * @default - none
   */
  public readonly exact?: string;

  /**
   * The allowed values.
   *
   * @default - none
   */
  public readonly oneOf?: string[];

  /**
   * The regular expression searched in the value.
   *
   * @default - none
   */
  public readonly pattern?: string;

  private constructor(origin: PolicyConditionOrigin, name: string | undefined, cidrs: string[] | undefined, match: PolicyMatchOptions) {
    this.origin = origin;
    this.name = name;
    this.cidrs = cidrs;
    this.exact = match.exact;
    this.oneOf = match.oneOf ? [...match.oneOf] : undefined;
    this.pattern = match.pattern;
  }

  /** @internal problems of this condition on its API; `where` names it in messages */
  public _problems(ctx: PolicyConditionContext, where: string): Problem[] {
    const at = (p: Problem): Problem => ({ rule: p.rule, message: `${where}: ${p.message}` });
    if (this.origin === PolicyConditionOrigin.SOURCE_IP) {
      const cidrs = this.cidrs ?? [];
      if (cidrs.length === 0) { return [at(problem(RULES.policyCondition, 'sourceIp([])', 'no address'))]; }
      // The access-control rule's checks: the same addresses and blocks are accepted.
      return cidrs.filter(cidr => AccessControl.allow([cidr])._problems().length > 0)
        .map(cidr => at(problem(RULES.policyCondition, cidr, 'sourceIp: not an IPv4 or IPv6 address or CIDR block without host bits')));
    }
    const found: Problem[] = [];
    const literal = checkLiteral('policy condition name', this.name);
    if (literal) { return [at(literal)]; }
    if (this.origin === PolicyConditionOrigin.PARAMETER) {
      const located = locate(this.name ?? '', ctx);
      if (typeof located !== 'string') { found.push(at(located)); }
    } else {
      const why = systemProblem(this.name ?? '', ctx);
      if (why) { found.push(at(problem(RULES.policyCondition, this.name, why))); }
    }
    found.push(...this.matchProblems().map(at));
    return found;
  }

  /** @internal the runtime document of this condition (after `_problems` found none) */
  public _toDocument(ctx: PolicyConditionContext): PolicyConditionDocument {
    if (this.origin === PolicyConditionOrigin.SOURCE_IP) { return { origin: 'source', cidrs: [...(this.cidrs ?? [])] }; }
    const match = {
      ...(this.exact !== undefined ? { equals: this.exact } : {}),
      ...(this.oneOf !== undefined ? { oneOf: [...this.oneOf] } : {}),
      ...(this.pattern !== undefined ? { pattern: this.pattern } : {}),
    };
    if (this.origin === PolicyConditionOrigin.PARAMETER) {
      const located = locate(this.name!, ctx);
      if (typeof located !== 'string') { throw new Error(located.message); }
      const declared = ctx.parameters.find(p => p.location === located && sameName(p.name, this.name!, located));
      return { origin: 'param', name: declared ? declared.name : this.name!, in: located, ...match };
    }
    return { origin: 'system', name: systemVariableName(parseSystemVariable(this.name!)!), ...match };
  }

  private matchProblems(): Problem[] {
    const given = [this.exact, this.oneOf, this.pattern].filter(v => v !== undefined).length;
    const subject = `${this.origin === PolicyConditionOrigin.PARAMETER ? 'parameter' : 'system'}(${this.name})`;
    if (given !== 1) {
      return [problem(RULES.policyCondition, subject,
        given === 0 ? 'no exact, oneOf or pattern' : 'more than one of exact, oneOf and pattern')];
    }
    const found: Problem[] = [];
    const checkValue = (value: string, label: string): void => {
      const literal = checkLiteral(`${label} of ${subject}`, value);
      if (literal) { found.push(literal); return; }
      if (typeof value !== 'string' || value.length < 1 || value.length > LIMITS.policyValueLength) {
        found.push(problem(RULES.policyCondition, value, `${label} of ${subject}: ${typeof value === 'string' ? value.length : 0} characters`));
      }
    };
    if (this.exact !== undefined) { checkValue(this.exact, 'exact'); }
    if (this.oneOf !== undefined) {
      if (this.oneOf.length < 1 || this.oneOf.length > LIMITS.policyOneOfValues) {
        found.push(problem(RULES.policyCondition, this.oneOf.length, `number of oneOf values of ${subject}`));
      }
      for (const value of this.oneOf) {
        checkValue(value, 'oneOf value');
        if (typeof value === 'string' && value.includes(',')) {
          found.push(problem(RULES.policyCondition, value, `oneOf value of ${subject} contains ","`));
        }
      }
    }
    if (this.pattern !== undefined) {
      const literal = checkLiteral(`pattern of ${subject}`, this.pattern);
      if (literal) { return [literal]; }
      if (this.pattern.length < 1 || this.pattern.length > LIMITS.policyValueLength) {
        found.push(problem(RULES.policyPattern, this.pattern, `${this.pattern.length} characters`));
      } else {
        const analysis = analyzePattern(this.pattern);
        if (analysis.problem) { found.push(problem(RULES.policyPattern, this.pattern, analysis.problem)); }
      }
      const variable = this.origin === PolicyConditionOrigin.SYSTEM ? parseSystemVariable(this.name ?? '') : undefined;
      if (variable?.kind === 'context' && variable.name === 'reqMethod') {
        found.push(problem(RULES.policyCondition, subject, 'the method compares with exact or oneOf only'));
      }
    }
    return found;
  }
}

function sameName(declared: string, name: string, location: string): boolean {
  return location === 'header' ? declared.toLowerCase() === name.toLowerCase() : declared === name;
}

/** The location of the parameter `name` of the API, or the problem when it has none or several. */
function locate(name: string, ctx: PolicyConditionContext): ParameterLocation | Problem {
  const locations = new Set<string>();
  for (const p of ctx.parameters) {
    if (sameName(p.name, name, p.location)) { locations.add(p.location); }
  }
  if (ctx.pathVariables.includes(name)) { locations.add('path'); }
  if (locations.size === 1) { return [...locations][0] as ParameterLocation; }
  if (locations.size === 0) {
    const known = [...ctx.parameters.map(p => `${p.location} ${p.name}`),
      ...ctx.pathVariables.filter(v => !ctx.parameters.some(p => p.location === 'path' && p.name === v)).map(v => `path ${v}`)];
    return problem(RULES.policyCondition, `parameter(${name})`,
      `not a parameter of the API (it declares ${known.length > 0 ? known.join(', ') : 'none'})`);
  }
  return problem(RULES.policyCondition, `parameter(${name})`, `declared in several locations (${[...locations].sort().join(', ')})`);
}

/** Why `variable` cannot be a condition of this API, or undefined. */
function systemProblem(variable: string, ctx: PolicyConditionContext): string | undefined {
  const parsed = Token.isUnresolved(variable) ? undefined : parseSystemVariable(variable);
  if (!parsed || (parsed.kind === 'context' && !CONDITION_CONTEXT_NAMES.has(parsed.name))) {
    return 'not a system variable a condition may name';
  }
  if (parsed.kind === 'authorizer' && !ctx.hasFrontendAuthorizer) {
    return 'the API has no custom or third-party authorizer, so it has no frontend authorizer context';
  }
  return undefined;
}
