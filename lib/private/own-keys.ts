/**
 * Keyed objects whose keys are names from the configuration document or a request (DESIGN
 * section 7): a name such as `__proto__`, `constructor` or `toString` is data, never a property
 * lookup. Used by the synth side and the bundled handlers alike, so this file imports nothing.
 *
 * - `keyed()`: an object without a prototype; assigning any key, `__proto__` included, makes an
 *   own data property, which JSON.stringify writes.
 * - `setOwn()`: the same on an object that has a prototype (a Lambda result's headers).
 * - `ownValue()`: a lookup that never returns an inherited member (`constructor` is not
 *   Object.prototype.constructor).
 */

/** A keyed object without a prototype. */
export function keyed<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * Sets `key` as an own, enumerable data property of `map` (never Object.prototype's `__proto__`
 * setter). Every other member of Object.prototype is a writable data property, so a plain
 * assignment makes an own property for them; only `__proto__` needs defineProperty, which is
 * several times slower and ran for every header of every answer.
 */
export function setOwn<T>(map: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    map[key] = value;
  }
}

/** True when `key` is an own property of `map`. */
export function hasOwn(map: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

/** The own value of `key` in `map`, or undefined (never an inherited member). */
export function ownValue<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}
