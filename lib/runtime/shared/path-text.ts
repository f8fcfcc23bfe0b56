/**
 * Path text as the gateway reads it, in one place for the router, the API-relative path and the
 * app signature's canonical URI: a segment percent-decoded (a malformed escape kept as written,
 * never an exception), and a path without its trailing slashes.
 */

/** `segment` percent-decoded; as written when it holds no escape or a malformed one. */
export function decodeSegment(segment: string): string {
  if (segment.indexOf('%') < 0) { return segment; }
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `text` without the `/` characters at its end. */
export function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 47 /* / */) { end--; }
  return text.slice(0, end);
}
