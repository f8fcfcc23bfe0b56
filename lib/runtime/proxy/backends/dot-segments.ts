/**
 * Dot segments: a backend resolves a `.` or `..` path segment (RFC 3986 section 5.2.4), so a
 * request value that becomes one would walk the backend path outside the one the API declares
 * (`/pub/{key+}` → `/public/{key}` reading `/private/...`).
 *
 * Re-encoding the dots would not help: `%2E` is an unreserved character, which URL normalisation
 * decodes (RFC 3986 section 6.2.2.2), and WHATWG URL parsers treat `%2e` as `.` outright. Servers
 * also differ on what else they decode or split on first: `%2F` (nginx), `\` (Windows, IIS, WHATWG
 * URLs), `;params` (`..;` is `..` to Tomcat), NUL (C libraries), and some decode twice. So the
 * check is deliberately wide: a segment built from request values is refused when, decoded as
 * often as it decodes, any of its pieces between `/` or `\` is `.` or `..`, alone or followed by
 * `;...` or NUL. Names such as `...`, `.env` or `a..b` are not dot segments and pass.
 */

// Percent-escapes of ASCII characters: all that matters for finding dots and separators.
const ASCII_ESCAPE = /%([0-7][0-9A-Fa-f])/g;
const DOT_PIECE = /^\.\.?(?:[;\x00][^]*)?$/;
const SEPARATORS = /[/\\]/;
const MAX_DECODINGS = 8;

function decodeAscii(text: string): string {
  return text.replace(ASCII_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** True when a backend could read the (percent-encoded) segment as `.` or `..`, or as a path holding one. */
export function isDotSegment(segment: string): boolean {
  let text = segment;
  for (let i = 0; i < MAX_DECODINGS; i++) {
    if (text.indexOf('.') >= 0) {
      for (const piece of text.split(SEPARATORS)) {
        if (DOT_PIECE.test(piece)) { return true; }
      }
    }
    if (text.indexOf('%') < 0) { return false; }
    const next = decodeAscii(text);
    if (next === text) { return false; }
    text = next;
  }
  // Still decoding after that many rounds: nothing legitimate looks like this.
  return true;
}
