/**
 * Backend policies (BackendPolicyDocument; Huawei: conditional backends): a Backend that tries the
 * API's policies in order and calls the backend of the first whose conditions hold (ALL: every
 * condition, ANY: at least one), else the API's own backend. Each backend keeps its own timeout
 * (capped, like the API's, by Lambda's remaining time).
 *
 * Conditions are evaluated after the request's parameters are validated. A value that is absent,
 * empty, sent more than once (a repeated query parameter or header: which one would count is
 * ambiguous, so none does) or longer than MAX_MATCHED_VALUE never matches.
 */
import { BackendDocument, BackendPolicyDocument, ParameterLocation, PolicyConditionDocument } from '../../../private/config-document';
import { compileIpRule } from '../access-control';
import { compileBoundedPattern } from '../bounded-pattern';
import { internalError } from '../gateway-error';
import { logEvent } from '../log';
import { systemValueGetter } from '../system-values';
import { isRecord } from '../types';
import { Backend, BackendCall, brokenBackend } from './backend';

/** Longest value a condition compares (LIMITS.policyMatchedValueLength). */
export const MAX_MATCHED_VALUE = 1024;
const MAX_POLICIES = 5;
const MAX_CONDITIONS = 5;
/** System variables a condition may read (Huawei: req_path, req_method, frontend authorizer keys). */
const CONDITION_VARIABLES = /^\$context\.(?:reqPath|reqMethod|authorizer\.frontend\.[A-Za-z][A-Za-z0-9_-]{0,31})$/;
const LOCATIONS = new Set<string>(['path', 'query', 'header']);

type Condition = (call: BackendCall) => boolean;

interface Policy {
  readonly name: string;
  readonly holds: Condition;
  readonly backend: Backend;
}

export interface PolicyCompileContext {
  readonly apiId: string;
  readonly apiName: string;
  /** Compiles a policy's backend (as the API's own: deploy-time values, options). */
  compileBackend(doc: BackendDocument): Backend;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(v => typeof v === 'string');
}

/** The comparison of a `param` or `system` condition. */
function compileMatch(doc: PolicyConditionDocument, where: string, ctx: PolicyCompileContext, policy: string): (value: string) => boolean {
  const given = [doc.equals, doc.oneOf, doc.pattern].filter(v => v !== undefined).length;
  if (given !== 1) { throw new Error(`${where} needs exactly one of equals, oneOf and pattern`); }
  if (doc.equals !== undefined) {
    if (typeof doc.equals !== 'string') { throw new Error(`${where}.equals is not a string`); }
    const expected = doc.equals;
    return value => value === expected;
  }
  if (doc.oneOf !== undefined) {
    if (!isStringList(doc.oneOf)) { throw new Error(`${where}.oneOf is not a list of strings`); }
    const allowed = new Set(doc.oneOf);
    return value => allowed.has(value);
  }
  try {
    return compileBoundedPattern(doc.pattern as string, () => logEvent('policy pattern timed out', { apiId: ctx.apiId, policy }));
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
}

/** The one value a condition compares, or undefined when it never matches. */
function single(values: readonly string[] | undefined): string | undefined {
  if (!values || values.length !== 1) { return undefined; }
  const value = values[0];
  return value === '' || value.length > MAX_MATCHED_VALUE ? undefined : value;
}

function compileCondition(raw: unknown, where: string, ctx: PolicyCompileContext, policy: string): Condition {
  if (!isRecord(raw)) { throw new Error(`${where} is not an object`); }
  const doc = raw as unknown as PolicyConditionDocument;
  switch (doc.origin) {
    case 'source': {
      if (!isStringList(doc.cidrs) || doc.cidrs.length === 0) { throw new Error(`${where}.cidrs is not a non-empty list`); }
      // The access-control matcher: IPv4 and IPv6 blocks, IPv4-mapped IPv6 sources.
      const rule = compileIpRule({ action: 'ALLOW', cidrs: doc.cidrs }, where);
      return call => rule.allows(call.req.sourceIp);
    }
    case 'param': {
      const name = doc.name;
      const location = doc.in as ParameterLocation;
      if (typeof name !== 'string' || name === '' || !LOCATIONS.has(location)) {
        throw new Error(`${where} needs a parameter name and a location (path, query, header)`);
      }
      const matches = compileMatch(doc, where, ctx, policy);
      const lower = name.toLowerCase();
      const read: (call: BackendCall) => readonly string[] | undefined = location === 'path'
        ? call => (Object.prototype.hasOwnProperty.call(call.params, name) ? [call.params[name]] : undefined)
        : location === 'query' ? call => call.req.query.get(name) : call => call.req.headers.get(lower);
      return call => {
        const value = single(read(call));
        return value !== undefined && matches(value);
      };
    }
    case 'system': {
      const getter = typeof doc.name === 'string' && CONDITION_VARIABLES.test(doc.name) ? systemValueGetter(doc.name) : undefined;
      if (!getter) { throw new Error(`${where}.name ${JSON.stringify(doc.name)} is not a system variable a condition may read`); }
      if (doc.name === '$context.reqMethod' && doc.pattern !== undefined) { throw new Error(`${where}: the method compares with exact or oneOf only`); }
      const matches = compileMatch(doc, where, ctx, policy);
      const scope = { apiId: ctx.apiId, apiName: ctx.apiName, defaultStage: '' };
      return call => {
        const value = single([getter({ ...scope, req: call.req })]);
        return value !== undefined && matches(value);
      };
    }
    default:
      throw new Error(`${where}.origin ${JSON.stringify((doc as { origin?: unknown }).origin)} is not source, param or system`);
  }
}

function compilePolicy(raw: unknown, where: string, ctx: PolicyCompileContext): Policy {
  if (!isRecord(raw)) { throw new Error(`${where} is not an object`); }
  const doc = raw as unknown as BackendPolicyDocument;
  if (typeof doc.name !== 'string' || doc.name === '') { throw new Error(`${where} needs a name`); }
  if (doc.effect !== 'ALL' && doc.effect !== 'ANY') { throw new Error(`${where}.effect is not ALL or ANY`); }
  if (!Array.isArray(doc.conditions) || doc.conditions.length < 1 || doc.conditions.length > MAX_CONDITIONS) {
    throw new Error(`${where}.conditions is not a list of 1-${MAX_CONDITIONS} conditions`);
  }
  const conditions = doc.conditions.map((c, i) => compileCondition(c, `${where}.conditions[${i}]`, ctx, doc.name));
  const holds: Condition = doc.effect === 'ALL'
    ? call => conditions.every(c => c(call))
    : call => conditions.some(c => c(call));
  return { name: doc.name, holds, backend: ctx.compileBackend(doc.backend) };
}

/**
 * Wraps the API's own backend with its policies.
 *
 * @throws Error when the policies cannot be used (the API then fails closed)
 */
export function compileBackendPolicies(raw: unknown, own: Backend, ctx: PolicyCompileContext): Backend {
  if (!Array.isArray(raw) || raw.length > MAX_POLICIES) { throw new Error(`backendPolicies is not a list of at most ${MAX_POLICIES} policies`); }
  if (raw.length === 0) { return own; }
  const policies = raw.map((p, i) => compilePolicy(p, `backendPolicies[${i}]`, ctx));
  const timeouts = [own, ...policies.map(p => p.backend)].map(b => b.timeoutMs).filter((t): t is number => typeof t === 'number');
  return {
    // The longest: the proxy caps it by Lambda's remaining time, then each backend by its own.
    timeoutMs: timeouts.length > 0 ? Math.max(...timeouts) : undefined,
    invoke(call) {
      let chosen = own;
      for (const policy of policies) {
        if (policy.holds(call)) { chosen = policy.backend; break; }
      }
      const timeout = chosen.timeoutMs;
      return chosen.invoke(timeout === undefined ? call : { ...call, timeoutMs: Math.min(timeout, call.timeoutMs) });
    },
  };
}

/**
 * The API's backend with its policies (`raw`: the API's `backendPolicies`, absent when none).
 * Policies that cannot be used make the API answer DEFAULT_5XX (reported through `warn`): it never
 * falls back to its own backend for requests a policy was meant to divert.
 */
export function withBackendPolicies(raw: unknown, own: Backend, ctx: PolicyCompileContext, warn: (reason: string) => void): Backend {
  if (raw === undefined) { return own; }
  try {
    return compileBackendPolicies(raw, own, ctx);
  } catch (err) {
    const reason = `backend policies not usable: ${err instanceof Error ? err.message : String(err)}`;
    warn(reason);
    return brokenBackend(internalError(reason.slice(0, 300)));
  }
}
