/**
 * Patterns a caller's value is matched against (backend policy conditions): which regular
 * expressions can backtrack without bound, found by reading the pattern, not by running it.
 *
 * Refused: a repetition (`*`, `+`, `{n,}`, or `{n,m}` with m above 10) of something that can
 * itself match in several ways (an inner quantifier of varying count, or an alternation), e.g.
 * `(a+)+`, `(a|a)*`, `(\w+\s?)+`: their matching time grows exponentially with the value's
 * length; back-references (`\1`, `\k<name>`), which no bound applies to; and a pattern that is not
 * a valid ECMAScript regular expression.
 *
 * What remains can still be slow when it chains several ambiguous parts (`.*a.*b.*c`, polynomial
 * in the value's length), so `ambiguity` counts them (unbounded or long quantifiers, alternations,
 * bounded repetitions of ambiguous parts): the proxy runs a pattern with more than one under a time
 * limit, and every pattern only on values of bounded length.
 *
 * Pure code without imports, so that both jsii and the bundled proxy compile it.
 */

/** A repetition count above which a quantifier is treated as unbounded. */
const LONG_COUNT = 10;

export interface PatternAnalysis {
  /** Why the pattern is refused; undefined when it may be used. */
  readonly problem?: string;
  /** Number of ambiguous parts (0 or 1: matching time at most quadratic in the value's length). */
  readonly ambiguity: number;
}

interface Frame {
  /** Something inside can match in several ways (an alternation or a varying quantifier). */
  variable: boolean;
  /** Something inside is a repetition of a variable part. */
  repeatsVariable: boolean;
}

interface Atom {
  readonly quantifiable: boolean;
  readonly variable: boolean;
  readonly repeatsVariable: boolean;
}

const PLAIN: Atom = { quantifiable: true, variable: false, repeatsVariable: false };
const ANCHOR: Atom = { quantifiable: false, variable: false, repeatsVariable: false };

/** Reads `{n}`, `{n,}` or `{n,m}` at `i`; undefined when the brace is a literal. */
function braceQuantifier(p: string, i: number): { min: number; max: number; end: number } | undefined {
  const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
  if (!m) { return undefined; }
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
  return { min, max, end: i + m[0].length };
}

/** Reads the pattern; see the file's comment. */
export function analyzePattern(pattern: string): PatternAnalysis {
  try {
    new RegExp(pattern);
  } catch (err) {
    return { problem: `not a valid regular expression: ${(err as Error).message}`, ambiguity: 0 };
  }
  let ambiguity = 0;
  const stack: Frame[] = [{ variable: false, repeatsVariable: false }];
  let last: Atom | undefined;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    const top = stack[stack.length - 1];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<')) {
        return { problem: 'back-references are not allowed', ambiguity };
      }
      if ((next === 'p' || next === 'P') && pattern[i + 2] === '{') {
        const close = pattern.indexOf('}', i + 3);
        i = close < 0 ? i + 2 : close + 1;
      } else {
        i += 2;
      }
      last = PLAIN;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') { j++; }
      if (pattern[j] === ']') { j++; }
      while (j < pattern.length && pattern[j] !== ']') { j += pattern[j] === '\\' ? 2 : 1; }
      i = j + 1;
      last = PLAIN;
      continue;
    }
    if (c === '(') {
      stack.push({ variable: false, repeatsVariable: false });
      const m = /^\(\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(pattern.slice(i));
      i += m ? m[0].length : 1;
      last = undefined;
      continue;
    }
    if (c === ')') {
      const frame = stack.length > 1 ? stack.pop()! : top;
      const parent = stack[stack.length - 1];
      parent.variable ||= frame.variable;
      parent.repeatsVariable ||= frame.repeatsVariable;
      last = { quantifiable: true, variable: frame.variable, repeatsVariable: frame.repeatsVariable };
      i++;
      continue;
    }
    if (c === '|') {
      top.variable = true;
      ambiguity++;
      last = undefined;
      i++;
      continue;
    }
    let quantifier: { min: number; max: number; end: number } | undefined;
    if (c === '*') { quantifier = { min: 0, max: Infinity, end: i + 1 }; }
    if (c === '+') { quantifier = { min: 1, max: Infinity, end: i + 1 }; }
    if (c === '?') { quantifier = { min: 0, max: 1, end: i + 1 }; }
    if (c === '{') { quantifier = braceQuantifier(pattern, i); }
    if (quantifier && last && last.quantifiable) {
      const { min, max } = quantifier;
      const long = max > LONG_COUNT;
      if (max > 1 && last.variable && (long || last.repeatsVariable)) {
        return { problem: 'a repeated part that can itself match in several ways (nested quantifiers such as (a+)+ or (a|a)*) can backtrack exponentially', ambiguity };
      }
      if (min !== max) { top.variable = true; }
      if (max > 1 && last.variable) { top.repeatsVariable = true; }
      if (long || (max > 1 && last.variable)) { ambiguity++; }
      i = quantifier.end;
      if (pattern[i] === '?') { i++; }
      last = ANCHOR;
      continue;
    }
    last = c === '^' || c === '$' ? ANCHOR : PLAIN;
    i++;
  }
  return { ambiguity };
}
