/**
 * The group's binary media types, as API Gateway matches them against a request's Content-Type:
 * `type/subtype` exactly, `type/*` for a whole type, `*\/*` for everything; case-insensitive,
 * parameters (`; charset=...`) ignored. A request without a Content-Type is text.
 */
import { DEFAULT_BINARY_MEDIA_TYPES } from '../../private/config-document';

export type MediaTypeMatcher = (contentType: string | undefined) => boolean;

/** The media type of a Content-Type value, lower-cased, without parameters. */
export function mediaTypeOf(contentType: string): string {
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/**
 * Compiles the document's list (absent: the library's default list).
 *
 * @throws Error when the list is not an array of strings
 */
export function compileBinaryMediaTypes(list: unknown): MediaTypeMatcher {
  const patterns = list === undefined ? DEFAULT_BINARY_MEDIA_TYPES : list;
  if (!Array.isArray(patterns) || !patterns.every(p => typeof p === 'string')) {
    throw new Error('binaryMediaTypes is not a list of strings');
  }
  const exact = new Set<string>();
  const wholeTypes = new Set<string>();
  let everything = false;
  for (const pattern of patterns as string[]) {
    const media = mediaTypeOf(pattern);
    if (media === '*/*') {
      everything = true;
    } else if (media.endsWith('/*')) {
      wholeTypes.add(media.slice(0, -1));
    } else {
      exact.add(media);
    }
  }
  return contentType => {
    if (contentType === undefined) { return false; }
    const media = mediaTypeOf(contentType);
    if (media === '') { return false; }
    if (everything || exact.has(media)) { return true; }
    const slash = media.indexOf('/');
    return slash > 0 && wholeTypes.has(media.slice(0, slash + 1));
  };
}
