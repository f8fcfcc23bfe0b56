/**
 * The routes file (`routes.tsv`, lib/private/config-document.ts): each API's routing fields, one
 * line per API in the order of `apis.jsonl`, read by the proxy and the authorizer at cold start.
 *
 * Kept as the file's text and read in place (issue 15): parsing 1000 routes into arrays and strings
 * cost a cold start about 150 KB of young-generation allocations, the collection they triggered
 * being most of what a cold start at 1000 APIs paid over one at 10. What load makes per route is
 * three offsets in typed arrays, outside the JavaScript heap. The whole text is checked at load
 * with one regular expression each (line shape, greedy parameters, response names), so a document
 * the handlers cannot trust is still refused as a whole, before any request.
 */
import {
  ApiRouteDocument, environmentsOfField, MatchModeName, ROUTE_LINE_FIELD as FIELD,
} from '../../private/config-document';
import { DetailsSpans } from './api-details';
import { checkRoutePath } from '../proxy/router';

const TAB = '\t';
const NEWLINE = '\n';

/**
 * Every line: method, path (empty: the line above's), response, the byte offset and length of the
 * API's line of `apis.jsonl`, then optionally environments (`*` or a comma-separated list, empty
 * for none) and the match mode. No space or control character: the synth side's paths and names
 * are narrower still (ASCII).
 */
const LINE_SOURCE = String.raw`[A-Za-z]+\t(?:\/[^\x00-\x20\x7f]*)?\t[A-Za-z0-9_-]+\t[0-9]+\t[0-9]+(?:\t(?:\*|[A-Za-z0-9_]+(?:,[A-Za-z0-9_]+)*)?(?:\t(?:EXACT|PREFIX))?)?`;
const LINES = new RegExp(`^(?:${LINE_SOURCE}\\n)*$`);
const LINE = new RegExp(`^${LINE_SOURCE}$`);
/** A greedy segment followed by more segments (the router's own check, over the whole text). */
const GREEDY_NOT_LAST = /\{[^{}+/\t\n]+\+\}\/+[^/\t\n]/;
/** A line whose sixth field (environments) is not `*`. */
const SOME_ENVIRONMENTS = /^(?:[^\t\n]*\t){5}(?!\*(?:\t|$))/m;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export class RouteTable implements DetailsSpans {
  /**
   * Checks and indexes the text of a routes file.
   *
   * @param apiCount how many APIs the document has (`config.json`'s `apiCount`): a table of another
   * length is refused (a file cut short or from another document)
   * @param responses the group's response names: a line naming another refuses the table (the
   * authorizer, which does not render, passes none)
   * @throws Error naming the first problem
   */
  public static parse(text: string, apiCount: unknown, responses?: Iterable<string>): RouteTable {
    if (!LINES.test(text)) {
      const lines = text.split(NEWLINE);
      const bad = lines.findIndex((line, i) => !LINE.test(line) && !(i === lines.length - 1 && line === ''));
      if (bad < 0) { throw new Error(`routes line ${lines.length} does not end with a newline (a file cut short)`); }
      throw new Error(`routes line ${bad + 1} is not "method<TAB>path<TAB>response<TAB>offset<TAB>length[<TAB>environments[<TAB>match mode]]": `
        + `${JSON.stringify(lines[bad].slice(0, 200))}`);
    }
    if (text.includes('+')) {
      const greedy = GREEDY_NOT_LAST.exec(text);
      if (greedy) { checkRoutePath(lineAt(text, greedy.index).split(TAB)[FIELD.path]); }
    }
    if (responses !== undefined) {
      const known = [...responses].map(escapeRegExp).join('|');
      const unknown = new RegExp(`^[^\\t\\n]*\\t[^\\t\\n]*\\t(?!(?:${known})(?:\\t|$))`, 'm').exec(text);
      if (unknown) {
        const index = lineIndexAt(text, unknown.index);
        throw new Error(`apis[${index}].response "${lineAt(text, unknown.index).split(TAB)[FIELD.response]}" is not a response of the group`);
      }
    }
    // (Every line is longer than one character: a count above the text's length is refused before anything is made for it.)
    const lines = typeof apiCount === 'number' && Number.isSafeInteger(apiCount) && apiCount >= 0 && apiCount <= text.length ? apiCount : -1;
    if (lines < 0) { throw new Error(`apiCount ${JSON.stringify(apiCount)} is not a count of APIs`); }
    return new RouteTable(text, lines);
  }

  /** How many routes (APIs). */
  public readonly count: number;
  private readonly lineStarts: Int32Array;
  /** Where each route's path starts in `text`. */
  public readonly pathStarts: Int32Array;
  /** Where each route's path ends in `text` (exclusive). */
  public readonly pathEnds: Int32Array;
  /** Each route's environments (undefined: every one), when some route is not published in every one. */
  private readonly environments?: ReadonlyArray<readonly string[] | undefined>;

  /** @throws Error when the text has not `count` lines */
  private constructor(public readonly text: string, count: number) {
    this.count = count;
    this.lineStarts = new Int32Array(count + 1);
    this.pathStarts = new Int32Array(count);
    this.pathEnds = new Int32Array(count);
    // An indexed loop over offsets: no string, array or object per route (see the file comment).
    // (The text's lines are well formed, see parse: each has two tabs before its newline.)
    let start = 0;
    for (let i = 0; i < count; i++) {
      if (start >= text.length) { throw new Error(`routes has ${i} lines, the document ${count} APIs`); }
      const pathStart = text.indexOf(TAB, start) + 1;
      const pathEnd = text.indexOf(TAB, pathStart);
      this.lineStarts[i] = start;
      if (pathEnd > pathStart) {
        this.pathStarts[i] = pathStart;
        this.pathEnds[i] = pathEnd;
      } else if (i > 0) {
        // An empty path is the line above's: the same span, which the router sorts once for the run.
        this.pathStarts[i] = this.pathStarts[i - 1];
        this.pathEnds[i] = this.pathEnds[i - 1];
      } else {
        throw new Error('routes line 1 has no path (an empty path repeats the line above\'s)');
      }
      start = text.indexOf(NEWLINE, pathEnd) + 1;
      this.lineStarts[i + 1] = start;
    }
    if (start !== text.length) { throw new Error(`routes has more lines than the document's ${count} APIs`); }
    if (SOME_ENVIRONMENTS.test(text)) {
      const environments: Array<string[] | undefined> = [];
      for (let i = 0; i < count; i++) {
        environments.push(environmentsOfField(this.fields(i)[FIELD.environments]));
      }
      this.environments = environments;
    }
  }

  public method(index: number): string {
    return this.text.slice(this.lineStarts[index], this.text.indexOf(TAB, this.lineStarts[index]));
  }

  /** True for a PREFIX route. */
  public prefix(index: number): boolean {
    return this.fields(index)[FIELD.matchMode] === 'PREFIX';
  }

  /** Where API `index`'s line of `apis.jsonl` is: its byte offset and length. */
  public detailsSpan(index: number): readonly [offset: number, length: number] {
    const fields = this.fields(index);
    return [Number(fields[FIELD.detailsOffset]), Number(fields[FIELD.detailsLength])];
  }

  /**
   * Each route's environments (undefined: every environment), or undefined when every route is
   * published in every environment.
   */
  public publishedIn(): ReadonlyArray<readonly string[] | undefined> | undefined {
    return this.environments;
  }

  /** Route `index` as the document's routing tuple (when its API is compiled: once per API). */
  public route(index: number): ApiRouteDocument {
    const fields = this.fields(index);
    const route: ApiRouteDocument = [fields[FIELD.method], this.text.slice(this.pathStarts[index], this.pathEnds[index]), fields[FIELD.response]];
    const environments = this.environments?.[index];
    if (environments !== undefined) { route[3] = [...environments]; }
    const matchMode = fields[FIELD.matchMode];
    if (matchMode !== undefined) { route[4] = matchMode as MatchModeName; }
    return route;
  }

  private fields(index: number): string[] {
    return this.text.slice(this.lineStarts[index], this.lineStarts[index + 1] - 1).split(TAB);
  }
}

function lineIndexAt(text: string, at: number): number {
  let index = 0;
  for (let k = text.indexOf(NEWLINE); k >= 0 && k < at; k = text.indexOf(NEWLINE, k + 1)) { index++; }
  return index;
}

function lineAt(text: string, at: number): string {
  const start = text.lastIndexOf(NEWLINE, at - 1) + 1;
  const end = text.indexOf(NEWLINE, at);
  return text.slice(start, end < 0 ? text.length : end);
}
