import type { CorsOptions } from '../cors';
import { RULES } from '../limits';
import { Problem, problem } from './checks';

/** Problems of a CORS declaration (the group's, or an API's own). */
export function corsProblems(cors: CorsOptions | undefined): Problem[] {
  if (!cors) { return []; }
  const found: Problem[] = [];
  const origins = cors.allowOrigins;
  if (origins.length === 0) { found.push(problem(RULES.cors, '[]', 'no origin')); }
  for (const origin of origins) {
    if (origin !== '*' && !/^[a-z][a-z0-9+.-]*:\/\/[^/\s'"]+$/i.test(origin)) { found.push(problem(RULES.cors, origin)); }
  }
  if (origins.includes('*') && (origins.length > 1 || cors.allowCredentials)) {
    found.push(problem(RULES.cors, origins.join(','), origins.length > 1 ? '"*" mixed with origins' : '"*" with allowCredentials'));
  }
  return found;
}
