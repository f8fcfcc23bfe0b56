/**
 * The variable grammar of gateway-response templates, shared by synth-time validation and the
 * bundled runtime so that both read a template the same way. Pure code, no imports.
 *
 * A variable is `$context.<name>` or `$stageVariables.<name>`:
 * - fixed context names: the keys of CONTEXT_VARIABLES;
 * - `$context.authorizer.frontend.<key>` / `$context.authorizer.backend.<key>`, where a key
 *   starts with a letter and holds letters, digits, `_` and `-` (1-32 chars, Huawei's rule);
 * - `$stageVariables.<name>` with a name of 1-64 letters, digits and `_`.
 *
 * Anything else that starts with `$context.` or `$stageVariables.` is an unknown variable
 * (a synth-time error). A `$` not followed by one of those prefixes is plain text.
 */

/** The fixed `$context.*` names and what each one means (docs and validation). */
export const CONTEXT_VARIABLES: Record<string, string> = {
  'apiId': 'the API\'s stable id in the group',
  'apiName': 'the API\'s name',
  'appId': 'id of the calling app, when app authentication ran',
  'appName': 'name of the calling app, when app authentication ran',
  'requestId': 'the request id (also sent as X-Request-Id)',
  'stage': 'the stage (environment) name',
  'sourceIp': 'the caller\'s IP address',
  'reqPath': 'the request path without the query string (no stage prefix)',
  'reqUri': 'the request path with the query string',
  'reqMethod': 'the HTTP method',
  'error.message': 'the error message',
  'error.code': 'the error code (APIG.xxxx)',
  'error.type': 'the response type name',
};

/** Pattern of an authorizer context key (Huawei custom authorizer contract). */
export const AUTHORIZER_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

/**
 * The key under which a frontend authorizer's context key travels in API Gateway's
 * `requestContext.authorizer` (and `$context.authorizer.*` of native responses): namespaced so it
 * cannot collide with `principalId` or the library's own keys, and with `-` turned into `_`,
 * the only special character AWS allows there.
 */
export function authorizerContextKey(key: string): string {
  return `frontend_${key.replace(/-/g, '_')}`;
}

/** Pattern of a stage variable name (API Gateway). */
export const STAGE_VARIABLE_NAME_PATTERN = /^[A-Za-z0-9_]{1,64}$/;

// `$context.` or `$stageVariables.` followed by dotted segments. The first segment takes no `-`
// so that `$context.requestId-x` reads as the variable then `-x`; later segments may hold `-`
// for authorizer keys.
const VARIABLE = /\$(context|stageVariables)\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_-]+)*)/g;

/** A parsed variable reference. */
export type VariableRef =
  | { readonly kind: 'context'; readonly name: string }
  | { readonly kind: 'authorizer'; readonly source: 'frontend' | 'backend'; readonly key: string }
  | { readonly kind: 'stageVariable'; readonly name: string };

/** A template split into literal text and variables: `[text, var, text, var, ..., text]`. */
export interface ParsedTemplate {
  /** Literal pieces; always one more than `variables`. */
  readonly texts: string[];
  readonly variables: VariableRef[];
  /** Raw spellings of variables that are not known (empty when the template is valid). */
  readonly unknown: string[];
}

function classify(prefix: string, name: string): VariableRef | undefined {
  if (prefix === 'stageVariables') {
    return STAGE_VARIABLE_NAME_PATTERN.test(name) ? { kind: 'stageVariable', name } : undefined;
  }
  if (Object.prototype.hasOwnProperty.call(CONTEXT_VARIABLES, name)) {
    return { kind: 'context', name };
  }
  const m = /^authorizer\.(frontend|backend)\.(.+)$/.exec(name);
  if (m && AUTHORIZER_KEY_PATTERN.test(m[2])) {
    return { kind: 'authorizer', source: m[1] as 'frontend' | 'backend', key: m[2] };
  }
  return undefined;
}

/** Splits a template into text and variables. Unknown variables stay in the text and are listed. */
export function parseTemplate(template: string): ParsedTemplate {
  const texts: string[] = [];
  const variables: VariableRef[] = [];
  const unknown: string[] = [];
  let last = 0;
  let current = '';
  VARIABLE.lastIndex = 0;
  for (let m = VARIABLE.exec(template); m !== null; m = VARIABLE.exec(template)) {
    const ref = classify(m[1], m[2]);
    if (!ref) {
      unknown.push(m[0]);
      continue;
    }
    current += template.slice(last, m.index);
    texts.push(current);
    current = '';
    variables.push(ref);
    last = m.index + m[0].length;
  }
  texts.push(current + template.slice(last));
  return { texts, variables, unknown };
}

/** The spelling of a variable, as a user writes it. */
export function variableName(ref: VariableRef): string {
  switch (ref.kind) {
    case 'context': return `$context.${ref.name}`;
    case 'authorizer': return `$context.authorizer.${ref.source}.${ref.key}`;
    case 'stageVariable': return `$stageVariables.${ref.name}`;
  }
}
