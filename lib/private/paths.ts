import { LIMITS, RULES } from '../limits';
import { checkLiteral, Problem, problem } from './checks';

/** One segment of an API path: literal text, a `{name}` parameter or a greedy `{name+}` one. */
export interface PathSegment {
  readonly text: string;
  /** Parameter name, for `{name}` and `{name+}`. */
  readonly variable?: string;
  readonly greedy: boolean;
}

// Huawei's characters, and the `,` and `:` API Gateway also accepts in a resource path.
const LITERAL_SEGMENT = /^[A-Za-z0-9*%_.,:-]+$/;
const VARIABLE_SEGMENT = /^\{([A-Za-z][A-Za-z0-9._-]{0,31})(\+?)\}$/;

/** Parses and checks an API path (Huawei's rules). */
export function parsePath(path: string): PathSegment[] | Problem {
  const literal = checkLiteral('path', path);
  if (literal) { return literal; }
  if (!path.startsWith('/')) { return problem(RULES.path, path, 'does not start with "/"'); }
  if (path.length > LIMITS.pathLength) { return problem(RULES.path, path, `${path.length} characters`); }
  if (path === '/') { return []; }
  const parts = path.slice(1).replace(/\/$/, '').split('/');
  const segments: PathSegment[] = [];
  const names = new Set<string>();
  for (const [i, text] of parts.entries()) {
    const variable = VARIABLE_SEGMENT.exec(text);
    if (variable) {
      const greedy = variable[2] === '+';
      if (greedy && i !== parts.length - 1) {
        return problem(RULES.path, path, `greedy parameter ${text} is not the last segment`);
      }
      if (names.has(variable[1])) { return problem(RULES.path, path, `parameter {${variable[1]}} appears twice`); }
      names.add(variable[1]);
      segments.push({ text, variable: variable[1], greedy });
    } else if (LITERAL_SEGMENT.test(text)) {
      segments.push({ text, greedy: false });
    } else {
      return problem(RULES.path, path, text === '' ? 'empty segment' : `segment ${JSON.stringify(text)}`);
    }
  }
  return segments;
}

/**
 * The route shape of a path, ignoring parameter names: `/orders/{}` and `/files/{+}`.
 * Two APIs with the same method and shape would be indistinguishable.
 */
export function routeShape(segments: PathSegment[]): string {
  return '/' + segments.map(s => s.variable === undefined ? s.text : s.greedy ? '{+}' : '{}').join('/');
}
