/**
 * The shape of a parsed definition that every reader of it can walk: nested at most
 * MAX_DEFINITION_DEPTH levels, and no cycle (a YAML alias inside its own anchor). Checked without
 * recursion, so that a 200,000-level document costs no stack, before anything walks it recursively
 * (JSON.stringify, the importer).
 */
import { pointer } from './json-pointer';

/** How deep a definition may nest: Huawei's definitions nest a dozen levels; 128 leaves room for schemas. */
export const MAX_DEFINITION_DEPTH = 128;

/** What makes a document unwalkable, and where. */
export interface ShapeProblem {
  readonly pointer: string;
  readonly message: string;
}

interface Visit {
  readonly value: object;
  readonly token?: string | number;
  readonly parent?: Visit;
  readonly depth: number;
}

function pointerOf(visit: Visit): string {
  const tokens: Array<string | number> = [];
  for (let v: Visit | undefined = visit; v?.parent; v = v.parent) { tokens.unshift(v.token!); }
  return pointer('', ...tokens);
}

/** The first place (depth first) where `document` nests too deep or contains itself. */
export function shapeProblem(document: unknown): ShapeProblem | undefined {
  if (typeof document !== 'object' || document === null) { return undefined; }
  const todo: Visit[] = [{ value: document, depth: 0 }];
  while (todo.length > 0) {
    const visit = todo.pop()!;
    if (visit.depth > MAX_DEFINITION_DEPTH) {
      return { pointer: pointerOf(visit), message: `the definition nests deeper than ${MAX_DEFINITION_DEPTH} levels` };
    }
    for (let a = visit.parent; a; a = a.parent) {
      if (a.value === visit.value) {
        return { pointer: pointerOf(visit), message: `a cycle: this value contains itself (at ${pointerOf(a) || '/'}), a YAML alias inside its own anchor` };
      }
    }
    const entries: Array<[string | number, unknown]> = Array.isArray(visit.value)
      ? visit.value.map((v, i) => [i, v] as [number, unknown])
      : Object.keys(visit.value).map(k => [k, (visit.value as Record<string, unknown>)[k]] as [string, unknown]);
    for (let e = entries.length - 1; e >= 0; e--) {
      const [token, child] = entries[e];
      if (typeof child === 'object' && child !== null) {
        todo.push({ value: child, token, parent: visit, depth: visit.depth + 1 });
      }
    }
  }
  return undefined;
}
