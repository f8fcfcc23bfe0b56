/**
 * Gateway-response templates, compiled once at cold start with the shared grammar
 * (lib/private/template.ts). Rendering is one pass over precomputed pieces: a substituted value
 * is never scanned again, so a value holding `$context.requestId` stays literal.
 */
import { parseTemplate, VariableRef } from '../../private/template';
import { ownValue } from '../../private/own-keys';
import { cleanHeaderValue } from './headers';
import { authorizerValueGetter, CONTEXT_VALUE_GETTERS, SystemValueScope } from './system-values';

/** What a template can read while rendering one gateway error: the system values' scope, plus the error. */
export interface RenderContext extends SystemValueScope {
  readonly errorType: string;
  readonly errorCode: string;
  readonly errorMessage: string;
}

type Getter = (c: RenderContext) => string;

// The request's values come from system-values.ts; only the error's own are added here.
const CONTEXT_GETTERS: Record<string, Getter> = {
  ...CONTEXT_VALUE_GETTERS,
  'error.message': c => c.errorMessage,
  'error.code': c => c.errorCode,
  'error.type': c => c.errorType,
};

const EMPTY_GETTER: Getter = () => '';

function getterFor(ref: VariableRef): Getter {
  switch (ref.kind) {
    case 'context': return ownValue(CONTEXT_GETTERS, ref.name) ?? EMPTY_GETTER;
    case 'authorizer':
      // No backend authorizer exists yet: its keys render empty.
      return ref.source === 'backend' ? EMPTY_GETTER : authorizerValueGetter(ref.key);
    case 'stageVariable': {
      const name = ref.name;
      return c => c.req.stageVariable(name);
    }
  }
}

// Characters that need escaping inside a JSON string, plus U+2028/2029 (line terminators in
// JavaScript) and surrogates (JSON.stringify escapes a lone one, keeps a valid pair).
const NEEDS_JSON_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;
const LINE_SEPARATORS = /[\u2028\u2029]/g;

/** Escapes a value for use inside a JSON string, without adding quotes. */
export function jsonEscape(value: string): string {
  if (!NEEDS_JSON_ESCAPE.test(value)) { return value; }
  const quoted = JSON.stringify(value);
  return quoted.slice(1, -1).replace(LINE_SEPARATORS, c => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}

export interface CompiledTemplate {
  render(c: RenderContext): string;
}

/**
 * Compiles a body template (`json`: each value JSON-string-escaped) or a header template
 * (`header`: the result stripped of control characters and cut to 1024 characters).
 */
export function compileTemplate(template: string, mode: 'json' | 'header'): CompiledTemplate {
  const parsed = parseTemplate(template);
  const texts = parsed.texts;
  const getters = parsed.variables.map(getterFor);
  if (getters.length === 0) {
    const constant = mode === 'header' ? cleanHeaderValue(texts[0]) : texts[0];
    return { render: () => constant };
  }
  const n = getters.length;
  if (mode === 'json') {
    return {
      render(c) {
        let out = texts[0];
        for (let i = 0; i < n; i++) { out += jsonEscape(getters[i](c)) + texts[i + 1]; }
        return out;
      },
    };
  }
  return {
    render(c) {
      let out = texts[0];
      for (let i = 0; i < n; i++) { out += getters[i](c) + texts[i + 1]; }
      return cleanHeaderValue(out);
    },
  };
}
