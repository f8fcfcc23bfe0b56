/**
 * One line per request: method, path, the API (its `apiName`, from the group's configuration
 * document) or `-`, status, the gateway response type or `-`, latency. With several groups the
 * group's name comes first.
 *
 *   GET /orders/7 get-order 404 NOT_FOUND 12ms
 */

export interface RequestLogEntry {
  readonly group: string;
  readonly method: string;
  /** Path and query as received. */
  readonly path: string;
  readonly api?: string;
  readonly status: number;
  /** The gateway response type (API Gateway's own, or the group's runtime type), if the gateway answered an error. */
  readonly responseType?: string;
  readonly latencyMs: number;
  readonly requestId: string;
}

/** Control characters never reach the terminal; long paths are cut. */
function clean(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const safe = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}

export function formatRequestLog(entry: RequestLogEntry, withGroup: boolean): string {
  const parts = [
    clean(entry.method, 16),
    clean(entry.path, 200),
    entry.api ? clean(entry.api, 64) : '-',
    String(entry.status),
    entry.responseType ?? '-',
    `${Math.round(entry.latencyMs)}ms`,
  ];
  return (withGroup ? `${entry.group} ` : '') + parts.join(' ');
}
