import { RULES } from '../limits';
import { MatchMode } from '../match-mode';
import { Problem, problem } from './checks';
import type { PathSegment } from './paths';

/** Problems of an API's match mode with its path. */
export function matchModeProblems(mode: MatchMode, segments: readonly PathSegment[]): Problem[] {
  if (!Object.values(MatchMode).includes(mode)) { return [problem(RULES.matchMode, String(mode))]; }
  if (mode === MatchMode.PREFIX && segments.length > 0 && segments[segments.length - 1].greedy) {
    return [problem(RULES.matchMode, `PREFIX ${'/' + segments.map(s => s.text).join('/')}`,
      'a path ending in a greedy parameter already serves every path below it: use EXACT')];
  }
  return [];
}
