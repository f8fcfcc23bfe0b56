/**
 * How an API's path matches requests (Huawei APIG: `match_mode`, `x-apigateway-match-mode`).
 */
export enum MatchMode {
  /**
   * The API serves its path only (Huawei `NORMAL`). `{name}` takes one segment, a greedy
   * `{name+}` the rest of the path.
   */
  EXACT = 'EXACT',

  /**
   * The API serves its path and every path below it, by whole segments (Huawei `SWA`): `/prefix`
   * serves `/prefix` and `/prefix/a/b`, never `/prefixpart`. An API whose own template matches the
   * request wins over a prefix (on the same path, the EXACT API); among prefixes the longest wins.
   * The path below the prefix is appended to an HTTP backend's path. A path ending in a greedy
   * `{name+}` cannot be a prefix (the greedy parameter already serves every path below).
   */
  PREFIX = 'PREFIX',
}
