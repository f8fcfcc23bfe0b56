/**
 * Where each line of a routes file (`routes.tsv`) and its path are, as offsets in its text: what
 * the handlers' router reads the paths by, in place. The synth side computes them once and writes
 * them into `config.json` (`routeIndex`), so that a cold start decodes one string instead of
 * searching every line (issue 15: the search was half of what loading 1000 routes cost); a
 * document without them (hand-written, tests) has them computed at load, by the same function.
 *
 * Pure offset arithmetic, shared by the synth side and the bundled handlers: both must agree.
 */

/** Offsets into a routes file's text: `lineStarts` has one more entry than there are lines (the text's length). */
export interface RouteOffsets {
  readonly lineStarts: Int32Array;
  /** Where each line's path starts; a line with an empty path has the line above's span. */
  readonly pathStarts: Int32Array;
  readonly pathEnds: Int32Array;
}

/**
 * The offsets of `count` lines of `text`, each `method<TAB>path<TAB>...<NEWLINE>`.
 *
 * @throws Error when the text has not `count` such lines, or its first path is empty
 */
export function computeRouteOffsets(text: string, count: number): RouteOffsets {
  const lineStarts = new Int32Array(count + 1);
  const pathStarts = new Int32Array(count);
  const pathEnds = new Int32Array(count);
  // An indexed loop over offsets: no string, array or object per route.
  let start = 0;
  for (let i = 0; i < count; i++) {
    if (start >= text.length) { throw new Error(`routes has ${i} lines, the document ${count} APIs`); }
    const pathStart = text.indexOf('\t', start) + 1;
    const pathEnd = text.indexOf('\t', pathStart);
    if (pathStart === 0 || pathEnd < 0) { throw new Error(`routes line ${i + 1} has no path field`); }
    lineStarts[i] = start;
    if (pathEnd > pathStart) {
      pathStarts[i] = pathStart;
      pathEnds[i] = pathEnd;
    } else if (i > 0) {
      // An empty path is the line above's: the same span, which the router sorts once for the run.
      pathStarts[i] = pathStarts[i - 1];
      pathEnds[i] = pathEnds[i - 1];
    } else {
      throw new Error('routes line 1 has no path (an empty path repeats the line above\'s)');
    }
    start = text.indexOf('\n', pathEnd) + 1;
    if (start === 0) { throw new Error(`routes line ${i + 1} does not end with a newline`); }
    lineStarts[i + 1] = start;
  }
  if (start !== text.length) { throw new Error(`routes has more lines than the document's ${count} APIs`); }
  return { lineStarts, pathStarts, pathEnds };
}

/** True where typed arrays are little-endian (every Lambda architecture): the encoded index is. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The offsets as one base64 string: 32-bit little-endian integers, line starts, then path starts, then path ends. */
export function encodeRouteOffsets({ lineStarts, pathStarts, pathEnds }: RouteOffsets): string {
  const bytes = Buffer.alloc((lineStarts.length + pathStarts.length + pathEnds.length) * 4);
  let at = 0;
  for (const list of [lineStarts, pathStarts, pathEnds]) {
    for (const value of list) { at = bytes.writeInt32LE(value, at); }
  }
  return bytes.toString('base64');
}

/**
 * The offsets of `count` lines from their encoded form, checked for size and for ending where the
 * text ends; undefined on a big-endian machine (the caller then computes them).
 *
 * @throws Error when the encoded index cannot be the offsets of `count` lines of a text of `textLength` characters
 */
export function decodeRouteOffsets(encoded: unknown, count: number, textLength: number): RouteOffsets | undefined {
  const size = (3 * count + 1) * 4;
  // A base64 string of `size` bytes is at most this long: refused before anything is decoded.
  if (typeof encoded !== 'string' || encoded.length > Math.ceil(size / 3) * 4) { throw new Error(`routeIndex is not the index of ${count} routes`); }
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== size) { throw new Error(`routeIndex is not the index of ${count} routes`); }
  if (!LITTLE_ENDIAN) { return undefined; }
  // A view where the bytes are aligned (a decoded string of this size is never pooled), a copy otherwise.
  const all = bytes.byteOffset % 4 === 0 ? new Int32Array(bytes.buffer, bytes.byteOffset, 3 * count + 1)
    : new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + size));
  const offsets = {
    lineStarts: all.subarray(0, count + 1),
    pathStarts: all.subarray(count + 1, 2 * count + 1),
    pathEnds: all.subarray(2 * count + 1),
  };
  if (offsets.lineStarts[0] !== 0 || offsets.lineStarts[count] !== textLength) { throw new Error(`routeIndex is not the index of these ${count} routes`); }
  return offsets;
}
