/**
 * Lambda authorizers as API Gateway runs them (AWS-DG `apigateway-use-lambda-authorizer.md`,
 * `api-gateway-lambda-authorizer-input.md`, `-output.md`):
 * - REQUEST: the request's fields plus `type` and `methodArn`; TOKEN: the identity header's value
 *   as `authorizationToken`. With caching on (TTL above 0) a missing identity source answers
 *   UNAUTHORIZED without calling the function, and results are cached per identity values (the
 *   cached policy is evaluated again for each method ARN);
 * - the function throwing `Unauthorized` → UNAUTHORIZED (401); any other error, a timeout or a
 *   malformed result (no principalId or policyDocument, a context value that is an object or
 *   array, a usageIdentifierKey that is not a string) → AUTHORIZER_CONFIGURATION_ERROR (500);
 * - the policy: an explicit Deny matching the method ARN → ACCESS_DENIED ("... with an explicit
 *   deny"); no matching Allow → ACCESS_DENIED; `*` and `?` wildcards in resources;
 * - allowed: `principalId` and the context (values stringified) become `$context.authorizer.*`
 *   and the proxy event's `requestContext.authorizer`; `usageIdentifierKey` is the API key when
 *   the REST API takes keys from the authorizer. A denied request keeps its context for the
 *   ACCESS_DENIED response.
 */
import type { InvokeOutcome } from './lambda-runner';
import type { AuthorizerModel } from './rest-api';

export interface AuthorizerInput {
  readonly event: Record<string, unknown>;
  readonly methodArn: string;
  readonly requestId: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly stageVariables: Record<string, string>;
  /** `context.<name>` identity sources. */
  readonly contextValue: (name: string) => string | undefined;
}

export type AuthorizerOutcome =
  | {
    readonly allowed: true;
    /** principalId and the context, stringified. */
    readonly context: Record<string, string>;
    readonly principalId: string;
    readonly usageIdentifierKey?: string;
    readonly latencyMs: number;
  }
  | {
    readonly allowed: false;
    readonly type: 'ACCESS_DENIED' | 'UNAUTHORIZED' | 'AUTHORIZER_CONFIGURATION_ERROR';
    /** `$context.error.message` (null: AWS's `null` for configuration errors). */
    readonly message: string | null;
    /** Why, for the gateway's log. */
    readonly reason: string;
    readonly context?: Record<string, string>;
  };

export type Invoker = (functionArn: string, event: string, requestId: string) => Promise<InvokeOutcome>;

interface Policy {
  readonly principalId: string;
  readonly statements: Array<{ effect: string; actions: string[]; resources: string[] }>;
  readonly context: Record<string, string>;
  readonly usageIdentifierKey?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): string[] | undefined {
  if (typeof value === 'string') { return [value]; }
  if (Array.isArray(value) && value.every(v => typeof v === 'string')) { return value as string[]; }
  return undefined;
}

/** Reads an authorizer's result; a string says what is malformed. */
export function readAuthorizerResult(result: unknown): Policy | string {
  if (!isRecord(result)) { return 'the result is not an object'; }
  if (typeof result.principalId !== 'string') { return 'principalId is missing or not a string'; }
  const document = result.policyDocument;
  if (!isRecord(document) || !Array.isArray(document.Statement) || document.Statement.length === 0) {
    return 'policyDocument has no Statement list';
  }
  const statements: Policy['statements'] = [];
  for (const st of document.Statement) {
    if (!isRecord(st)) { return 'a policy statement is not an object'; }
    const actions = list(st.Action);
    const resources = list(st.Resource);
    if (typeof st.Effect !== 'string' || !actions || !resources) { return 'a policy statement lacks Effect, Action or Resource'; }
    statements.push({ effect: st.Effect, actions, resources });
  }
  const context: Record<string, string> = {};
  if (result.context !== undefined && result.context !== null) {
    if (!isRecord(result.context)) { return 'context is not an object'; }
    for (const [key, value] of Object.entries(result.context)) {
      if (value === null || value === undefined) { continue; }
      if (typeof value === 'object') { return `context.${key} is an object or array: only strings, numbers and booleans are allowed`; }
      context[key] = String(value);
    }
  }
  if (result.usageIdentifierKey !== undefined && typeof result.usageIdentifierKey !== 'string') { return 'usageIdentifierKey is not a string'; }
  return { principalId: result.principalId, statements, context, usageIdentifierKey: result.usageIdentifierKey as string | undefined };
}

/** IAM-style wildcard match: `*` any run of characters, `?` one character. */
export function arnMatches(pattern: string, arn: string): boolean {
  const regex = new RegExp(`^${pattern.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 's');
  return regex.test(arn);
}

function actionMatches(action: string): boolean {
  const a = action.toLowerCase();
  return a === '*' || a === 'execute-api:*' || a === 'execute-api:invoke' || arnMatches(a, 'execute-api:invoke');
}

/** Evaluates a policy for a method ARN: 'allow', 'explicit-deny' or 'implicit-deny'. */
export function evaluatePolicy(policy: Pick<Policy, 'statements'>, methodArn: string): 'allow' | 'explicit-deny' | 'implicit-deny' {
  const applies = (st: Policy['statements'][number]) => st.actions.some(actionMatches) && st.resources.some(r => arnMatches(r, methodArn));
  if (policy.statements.some(st => st.effect === 'Deny' && applies(st))) { return 'explicit-deny'; }
  if (policy.statements.some(st => st.effect === 'Allow' && applies(st))) { return 'allow'; }
  return 'implicit-deny';
}

/** Values of the identity sources (`method.request.header.X`, ...); undefined for a missing one. */
function identityValues(model: AuthorizerModel, input: AuthorizerInput): Array<string | undefined> {
  return model.identitySource.map(source => {
    let m = /^method\.request\.header\.(.+)$/i.exec(source);
    if (m) {
      const wanted = m[1].toLowerCase();
      return input.headers.filter(([n]) => n.toLowerCase() === wanted).map(([, v]) => v).pop();
    }
    m = /^method\.request\.querystring\.(.+)$/i.exec(source);
    if (m) { return input.query.filter(([n]) => n === m![1]).map(([, v]) => v).pop(); }
    m = /^stageVariables\.(.+)$/.exec(source);
    if (m) { return input.stageVariables[m[1]]; }
    m = /^context\.(.+)$/.exec(source);
    if (m) { return input.contextValue(m[1]); }
    return undefined;
  });
}

const UNAUTHORIZED = { allowed: false, type: 'UNAUTHORIZED', message: 'Unauthorized' } as const;
const CONFIGURATION_ERROR = { allowed: false, type: 'AUTHORIZER_CONFIGURATION_ERROR', message: null } as const;

/** Runs Lambda authorizers with API Gateway's rules, caching results for their TTL. */
export class Authorizers {
  private readonly cache = new Map<string, { policy: Policy; expires: number }>();

  constructor(private readonly invoke: Invoker, private readonly clock: () => number = Date.now) {}

  public async authorize(model: AuthorizerModel, input: AuthorizerInput): Promise<AuthorizerOutcome> {
    if (model.functionArn === undefined) {
      return { ...CONFIGURATION_ERROR, reason: model.unresolved ?? `authorizer ${model.logicalId} cannot run locally` };
    }
    const caching = model.ttlSeconds > 0 || model.type === 'TOKEN';
    const values = identityValues(model, input);
    if (caching && values.some(v => v === undefined || v === '')) {
      return { ...UNAUTHORIZED, reason: 'an identity source is missing' };
    }
    const key = `${model.logicalId}\0${values.join('\0')}`;
    const started = this.clock();
    let policy: Policy | undefined;
    const cached = model.ttlSeconds > 0 ? this.cache.get(key) : undefined;
    if (cached && cached.expires > started) {
      policy = cached.policy;
    } else {
      const event = model.type === 'TOKEN'
        ? { type: 'TOKEN', authorizationToken: values[0], methodArn: input.methodArn }
        : input.event;
      const outcome = await this.invoke(model.functionArn, JSON.stringify(event), input.requestId);
      if (!outcome.ok) {
        if (outcome.errorMessage === 'Unauthorized') { return { ...UNAUTHORIZED, reason: 'the authorizer answered Unauthorized' }; }
        return { ...CONFIGURATION_ERROR, reason: `authorizer function error: ${outcome.errorType}: ${outcome.errorMessage}`.slice(0, 300) };
      }
      let result: unknown;
      try { result = JSON.parse(outcome.payload); } catch { result = undefined; }
      const read = readAuthorizerResult(result);
      if (typeof read === 'string') { return { ...CONFIGURATION_ERROR, reason: `malformed authorizer result: ${read}` }; }
      policy = read;
      if (model.ttlSeconds > 0) { this.cache.set(key, { policy, expires: started + model.ttlSeconds * 1000 }); }
    }
    const context = { ...policy.context, principalId: policy.principalId };
    const decision = evaluatePolicy(policy, input.methodArn);
    if (decision === 'explicit-deny') {
      return { allowed: false, type: 'ACCESS_DENIED', message: 'User is not authorized to access this resource with an explicit deny', reason: 'explicit deny', context };
    }
    if (decision === 'implicit-deny') {
      return { allowed: false, type: 'ACCESS_DENIED', message: 'User is not authorized to access this resource', reason: 'no Allow for the method ARN', context };
    }
    return {
      allowed: true,
      context,
      principalId: policy.principalId,
      usageIdentifierKey: policy.usageIdentifierKey,
      latencyMs: this.clock() - started,
    };
  }
}
