/**
 * Context values the authorizer hands to API Gateway's own (native) gateway responses. Those
 * templates are plain substitution: API Gateway puts `$context.authorizer.<key>` into the JSON
 * body as it is, so a value holding `"`, `\` or a newline (a custom authorizer's context is the
 * user's function's answer about caller-sent text) could break the body or add fields to it.
 *
 * So the authorizer sends the keys a native template can read (the app's id and name, and the
 * custom authorizer's `frontend_<key>` values) JSON-string-escaped, without the quotes, and
 * `<`, `>`, `&`, U+2028 and U+2029 as `\uXXXX` too, in case the body lands in HTML or a script.
 * The proxy unescapes them once when it reads the verdict, so function and HTTP backends and the
 * proxy's own gateway responses see the values exactly as the function returned them.
 */
import { FRONTEND_CONTEXT_PREFIX, VERDICT_KEYS } from '../../private/config-document';

/** True for a context key native gateway-response templates read. */
export function isTemplateReadKey(key: string): boolean {
  return key === VERDICT_KEYS.appId || key === VERDICT_KEYS.appName || key.startsWith(FRONTEND_CONTEXT_PREFIX);
}

const MARKUP_AND_LINE_SEPARATORS = /[<>&\u2028\u2029]/g;

/** The value as the inside of a JSON string literal. */
export function escapeTemplateValue(value: string): string {
  return JSON.stringify(value).slice(1, -1)
    .replace(MARKUP_AND_LINE_SEPARATORS, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The value `escapeTemplateValue` was given. A value that is not such an escape (it did not come
 * from this authorizer) is returned as it is.
 */
export function unescapeTemplateValue(value: string): string {
  if (!value.includes('\\')) { return value; }
  try {
    const parsed: unknown = JSON.parse(`"${value}"`);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}
