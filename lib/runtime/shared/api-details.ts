/**
 * The APIs' details (`apis.jsonl`: one JSON line per API, in the order of `routes.tsv`), read and
 * parsed one line at a time, when its API is first called: parsing every API at load made a cold
 * start grow with the group (issue 8), and so did reading the whole file (issue 15: 200 KB at 1000
 * APIs). Each API's line is found by the byte offset and length its routes line gives. A missing,
 * short or malformed line only fails its API (DEFAULT_5XX), as any problem confined to one API.
 */
import { isRecord } from '../proxy/types';

/** Longer than any API's details the synth side writes (a parameter list, a backend, policies): refused unread. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** Reads `length` bytes of the details file from `offset` (fewer at its end). */
export type DetailsReader = (offset: number, length: number) => Buffer;

/** Where each API's line is: its byte offset and length in the details file. */
export interface DetailsSpans {
  detailsSpan(index: number): readonly [offset: number, length: number];
}

export class ApiDetails {
  public constructor(private readonly read: DetailsReader, private readonly spans: DetailsSpans) {}

  /**
   * API `index`'s details.
   *
   * @throws Error when its line cannot be read or is not a JSON object
   */
  public get(index: number): Record<string, unknown> {
    const [offset, length] = this.spans.detailsSpan(index);
    if (!Number.isSafeInteger(offset) || !(length >= 0 && length <= MAX_LINE_BYTES)) {
      throw new Error(`apis.jsonl line ${index + 1}: no usable offset and length (${offset}, ${length})`);
    }
    const bytes = this.read(offset, length);
    if (bytes.length !== length) { throw new Error(`apis.jsonl has no line ${index + 1} (it ends before byte ${offset + length})`); }
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new Error(`apis.jsonl line ${index + 1} is not JSON`);
    }
    if (!isRecord(value)) { throw new Error(`apis.jsonl line ${index + 1} is not an object`); }
    return value;
  }
}
