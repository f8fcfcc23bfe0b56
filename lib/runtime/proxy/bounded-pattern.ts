/**
 * A caller's value matched against a pattern of the configuration (backend policy conditions)
 * without letting the caller make the proxy spin. The synth side refuses patterns that backtrack
 * exponentially (lib/private/safe-pattern.ts; re-checked here, the document may be hand-written);
 * a pattern with at most one ambiguous part runs as is (at most quadratic in the value's length,
 * which the caller of `compileBoundedPattern` caps); one with more runs under a time limit, in a
 * `vm` context whose timeout interrupts the regular expression engine, and a pattern that runs out
 * of time does not match.
 */
import * as vm from 'vm';
import { analyzePattern } from '../../private/safe-pattern';

/** How long a pattern with several ambiguous parts may run on one value. */
export const PATTERN_TIME_LIMIT_MS = 50;

/**
 * Compiles `pattern` (an ECMAScript regular expression searched in the value). `onTimeout` is
 * called when a run is cut off.
 *
 * @throws Error when the pattern is refused or invalid
 */
export function compileBoundedPattern(pattern: string, onTimeout: () => void): (value: string) => boolean {
  if (typeof pattern !== 'string' || pattern === '') { throw new Error('pattern is not a non-empty string'); }
  const analysis = analyzePattern(pattern);
  if (analysis.problem) { throw new Error(`pattern refused: ${analysis.problem}`); }
  // No flags: not global or sticky, so test() keeps no state between values.
  const re = new RegExp(pattern);
  if (analysis.ambiguity <= 1) { return value => re.test(value); }
  const context = vm.createContext({ re, value: '' });
  const script = new vm.Script('re.test(value)');
  return value => {
    context.value = value;
    try {
      return script.runInContext(context, { timeout: PATTERN_TIME_LIMIT_MS }) === true;
    } catch {
      onTimeout();
      return false;
    }
  };
}
