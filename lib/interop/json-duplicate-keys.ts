/**
 * Duplicate keys in JSON text. `JSON.parse` keeps the last of an object's duplicate keys without a
 * word (YAML refuses them): a definition whose meaning depends on which copy a reader keeps is
 * refused instead. One pass over text that `JSON.parse` has already accepted, without recursion
 * (the nesting depth costs no stack), so the text's syntax is trusted here.
 */
import { pointer } from './json-pointer';

/** A key given twice in one object: the pointer of the second one. */
export interface DuplicateKey {
  readonly pointer: string;
  readonly key: string;
}

interface Frame {
  /** An object's keys so far; undefined for an array. */
  readonly keys?: Set<string>;
  /** The current member: an object's key, or an array's index. */
  at: string | number;
}

/** The first duplicate key of valid JSON `text` (in text order), if any. */
export function firstDuplicateKey(text: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  let expectKey = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '{') {
      stack.push({ keys: new Set(), at: '' });
      expectKey = true;
    } else if (c === '[') {
      stack.push({ at: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top.keys) { expectKey = true; } else { top.at = (top.at as number) + 1; }
    } else if (c === '"') {
      let j = i + 1;
      let escaped = false;
      while (text[j] !== '"') {
        if (text[j] === '\\') { escaped = true; j += 2; } else { j++; }
      }
      if (expectKey) {
        const top = stack[stack.length - 1];
        const key: string = escaped ? JSON.parse(text.slice(i, j + 1)) : text.slice(i + 1, j);
        if (top.keys!.has(key)) {
          return { pointer: pointer('', ...stack.slice(0, -1).map(f => f.at), key), key };
        }
        top.keys!.add(key);
        top.at = key;
        expectKey = false;
      }
      i = j;
    }
    i++;
  }
  return undefined;
}
