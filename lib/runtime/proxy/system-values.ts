/**
 * The single place for system values: what each `$context` variable is for a request (the
 * README's list: sourceIp, requestId, stage, apiId, apiName, appId, appName, reqPath, reqUri,
 * reqMethod, authorizer.frontend.<key>). Gateway-response templates (templates.ts), SYSTEM backend
 * parameters (backends/parameters.ts) and backend policies read them through here, so a variable
 * means the same everywhere. Names are validated by lib/private/system-variables.ts.
 */
import { parseSystemVariable, SystemVariable } from '../../private/system-variables';
import { ownValue } from '../../private/own-keys';
import { authorizerContextKey } from '../../private/template';
import type { RequestView } from './request';

/** What a system value is read from: the request and the API it was routed to. */
export interface SystemValueScope {
  readonly req: RequestView;
  /** The matched API ('' when none matched). */
  readonly apiId: string;
  readonly apiName: string;
  /** The document's stage, used when the event has none. */
  readonly defaultStage: string;
}

/** Reads one system value of a request ('' when the request has none). */
export type SystemValueGetter = (scope: SystemValueScope) => string;

/** Getters of the fixed `$context` names that describe a request, by name. */
export const CONTEXT_VALUE_GETTERS: Readonly<Record<string, SystemValueGetter>> = {
  'apiId': c => c.apiId,
  'apiName': c => c.apiName,
  // Set by the authorizer (or the proxy) after app authentication; empty otherwise.
  'appId': c => c.req.authorizerValue('appId'),
  'appName': c => c.req.authorizerValue('appName'),
  'requestId': c => c.req.requestId,
  'stage': c => c.req.stage || c.defaultStage,
  'sourceIp': c => c.req.sourceIp,
  'reqPath': c => c.req.path,
  'reqUri': c => c.req.uri,
  'reqMethod': c => c.req.method,
};

/** The getter of a frontend (custom or third-party) authorizer's context key. */
export function authorizerValueGetter(key: string): SystemValueGetter {
  const travelsAs = authorizerContextKey(key);
  return c => c.req.authorizerValue(travelsAs);
}

/** The getter of a parsed system variable. */
export function getterOf(variable: SystemVariable): SystemValueGetter {
  if (variable.kind === 'authorizer') { return authorizerValueGetter(variable.key); }
  return ownValue(CONTEXT_VALUE_GETTERS, variable.name) ?? (() => '');
}

/**
 * The getter of a system variable as written (`$context.sourceIp`, `sourceIp`,
 * `$context.authorizer.frontend.<key>`); compile once, call per request.
 *
 * @returns undefined when it is not a system variable
 */
export function systemValueGetter(variable: string): SystemValueGetter | undefined {
  const parsed = parseSystemVariable(variable);
  return parsed ? getterOf(parsed) : undefined;
}

/** The value of a system variable for a request; undefined when it is not a system variable. */
export function systemValue(variable: string, scope: SystemValueScope): string | undefined {
  const getter = systemValueGetter(variable);
  return getter ? getter(scope) : undefined;
}
