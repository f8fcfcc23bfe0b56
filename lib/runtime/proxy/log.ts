/**
 * One compact JSON line per gateway error (and per request, its metrics: metrics.ts). Only
 * identifiers, the type, the status and a short reason chosen by the proxy: never header values,
 * bodies or query values.
 */

/** The longest identifier (a request id) a log line carries. */
const MAX_ID = 128;

/** An identifier cut to what a log line carries: the proxy's error lines and metrics and the authorizer's decisions alike. */
export function logId(value: string): string {
  return value.length > MAX_ID ? value.slice(0, MAX_ID) : value;
}

/** Writes one line to stdout (in Lambda: the function's log group). Every line the handlers log goes through here. */
export function logLine(line: string): void {
  console.log(line);
}

export function logGatewayError(requestId: string, apiId: string, type: string, status: number, reason: string): void {
  logLine(JSON.stringify({ msg: 'gateway error', requestId: logId(requestId), apiId, type, status, reason }));
}

export function logEvent(msg: string, fields: Record<string, unknown>): void {
  logLine(JSON.stringify({ msg, ...fields }));
}

/** Stack frames of an unexpected error, without its message (which may quote request data). */
export function stackFrames(err: unknown): string[] | undefined {
  if (!(err instanceof Error) || typeof err.stack !== 'string') { return undefined; }
  return err.stack.split('\n').filter(l => /^\s+at /.test(l)).slice(0, 5).map(l => l.trim());
}
