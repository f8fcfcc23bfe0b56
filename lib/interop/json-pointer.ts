/** RFC 6901 JSON pointers: where an item sits in a definition document. */

/** One reference token, escaped (`~` → `~0`, `/` → `~1`). */
export function escapeToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The pointer of `tokens` below `base` (`''` is the document itself). */
export function pointer(base: string, ...tokens: Array<string | number>): string {
  return base + tokens.map(t => `/${escapeToken(t)}`).join('');
}
