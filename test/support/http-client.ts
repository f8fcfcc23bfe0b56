/**
 * A raw HTTP client for tests of the local gateway: the path is sent exactly as given (no
 * normalisation of `%2F` or `..`), headers as given, and the answer comes back with its raw headers
 * and body bytes.
 */
import * as http from 'http';

export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: Buffer;
  /** The body as UTF-8 text. */
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly json: any;
}

export function send(base: string, method: string, path: string, options: { headers?: Record<string, string | string[]>; body?: Buffer | string } = {}): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, method, path: `${url.pathname.replace(/\/$/, '')}${path}`, headers: options.headers, agent: false,
    }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body, text, json });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Every value of a header in the raw header list (any case). */
export function rawValues(rawHeaders: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === name.toLowerCase()) { out.push(rawHeaders[i + 1]); }
  }
  return out;
}
