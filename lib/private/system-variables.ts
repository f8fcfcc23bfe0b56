/**
 * System variables (Huawei: SYSTEM backend parameters, system policy conditions): which `$context`
 * variables describe a request, and how a user names one. The construct side validates names with
 * `parseSystemVariable`; the proxy reads the values with lib/runtime/proxy/system-values.ts, the
 * single place where system values are computed. Pure code (only the template grammar), so both
 * jsii and the bundled runtime compile it.
 */
import { AUTHORIZER_KEY_PATTERN, CONTEXT_VARIABLES } from './template';

/** `$context` names that only exist while a gateway error is rendered: not values of a request. */
const ERROR_VARIABLES: ReadonlySet<string> = new Set(['error.message', 'error.code', 'error.type']);

/**
 * A system variable: a fixed `$context` name (`sourceIp`, `requestId`...) or a key of the frontend
 * (custom or third-party) authorizer's context (`$context.authorizer.frontend.<key>`).
 */
export type SystemVariable =
  | { readonly kind: 'context'; readonly name: string }
  | { readonly kind: 'authorizer'; readonly key: string };

/** The fixed `$context` names a system variable may be (CONTEXT_VARIABLES without the error ones). */
export const SYSTEM_CONTEXT_NAMES: readonly string[] = Object.keys(CONTEXT_VARIABLES).filter(n => !ERROR_VARIABLES.has(n));

/** What a user may write, for error messages. */
export const SYSTEM_VARIABLE_HELP =
  `$context.<name> with name one of ${SYSTEM_CONTEXT_NAMES.join(', ')}, or $context.authorizer.frontend.<key> ` +
  '(key: a letter, then up to 31 letters, digits, _ or -); the $context. prefix may be left out';

/**
 * Reads a system variable as written by a user: `$context.sourceIp` or `sourceIp`,
 * `$context.authorizer.frontend.userId` or `authorizer.frontend.userId`.
 *
 * @returns undefined when it is not a system variable (unknown name, error variable, backend authorizer)
 */
export function parseSystemVariable(variable: string): SystemVariable | undefined {
  if (typeof variable !== 'string') { return undefined; }
  const name = variable.startsWith('$context.') ? variable.slice('$context.'.length) : variable;
  if (Object.prototype.hasOwnProperty.call(CONTEXT_VARIABLES, name)) {
    return ERROR_VARIABLES.has(name) ? undefined : { kind: 'context', name };
  }
  const m = /^authorizer\.frontend\.(.+)$/.exec(name);
  if (m && AUTHORIZER_KEY_PATTERN.test(m[1])) { return { kind: 'authorizer', key: m[1] }; }
  return undefined;
}

/** The canonical spelling of a system variable: `$context.<name>`. */
export function systemVariableName(variable: SystemVariable): string {
  return variable.kind === 'context' ? `$context.${variable.name}` : `$context.authorizer.frontend.${variable.key}`;
}
