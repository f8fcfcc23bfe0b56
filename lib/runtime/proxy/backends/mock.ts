/** MOCK backend: a fixed answer from the configuration. */
import { MockBackendDocument } from '../../../private/config-document';
import { setOwn } from '../../../private/own-keys';
import { isToken, stripControlCharacters } from '../headers';
import { isHttpStatus } from '../render';
import { isRecord } from '../types';
import { Backend } from './backend';

/** @throws Error when the document is malformed */
export function compileMockBackend(doc: MockBackendDocument): Backend {
  if (!isHttpStatus(doc.statusCode)) { throw new Error(`mock statusCode ${JSON.stringify(doc.statusCode)} is not an HTTP status`); }
  if (typeof doc.body !== 'string') { throw new Error('mock body is not a string'); }
  const headers: Array<[string, string]> = [];
  if (doc.headers !== undefined) {
    if (!isRecord(doc.headers)) { throw new Error('mock headers is not an object'); }
    for (const name of Object.keys(doc.headers)) {
      const value = doc.headers[name];
      if (typeof value !== 'string') { throw new Error(`mock header "${name}" is not a string`); }
      if (isToken(name)) { headers.push([name, stripControlCharacters(value)]); }
    }
  }
  const { statusCode, body } = doc;
  return {
    invoke() {
      // A fresh headers object per call: the proxy adds X-Request-Id and CORS to it.
      const h: Record<string, string> = {};
      for (const [name, value] of headers) { setOwn(h, name, value); }
      return { statusCode, headers: h, body, isBase64Encoded: false };
    },
  };
}
