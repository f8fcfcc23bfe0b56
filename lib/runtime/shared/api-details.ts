/**
 * The APIs' details (`apis.jsonl`: one JSON line per API, in the order of `config.json`'s APIs),
 * read at load as bytes and parsed one line at a time, when its API is first called: parsing
 * every API at load made a cold start grow with the group (issue 8). A missing or malformed line
 * only fails its API (DEFAULT_5XX), as any problem confined to one API.
 */
import { isRecord } from '../proxy/types';

const NEWLINE = 10;

export class ApiDetails {
  /** Where each line found so far starts; lines are found as far as a call needs (no scan at load). */
  private readonly starts: number[] = [0];

  public constructor(private readonly bytes: Buffer) {}

  /** Where line `index` ends (its newline, or the end of the file), or -1 when the file has no such line. */
  private endOf(index: number): number {
    while (this.starts.length <= index + 1) {
      const from = this.starts[this.starts.length - 1];
      if (from >= this.bytes.length) { return -1; }
      const end = this.bytes.indexOf(NEWLINE, from);
      this.starts.push(end < 0 ? this.bytes.length + 1 : end + 1);
    }
    return this.starts[index + 1] - 1;
  }

  /**
   * API `index`'s details.
   *
   * @throws Error when its line is not a JSON object
   */
  public get(index: number): Record<string, unknown> {
    const end = this.endOf(index);
    if (end < 0) { throw new Error(`apis.jsonl has no line ${index + 1}`); }
    const text = this.bytes.toString('utf8', this.starts[index], end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(`apis.jsonl line ${index + 1} is not JSON`);
    }
    if (!isRecord(value)) { throw new Error(`apis.jsonl line ${index + 1} is not an object`); }
    return value;
  }
}
