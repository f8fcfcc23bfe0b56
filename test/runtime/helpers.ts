/** Small helpers shared by the runtime tests. */
import { ProxyResultShape } from '../support/proxy-harness';

/** Captures console.log lines (the proxy's log) instead of printing them; undo with jest.restoreAllMocks(). */
export function captureLogs(): string[] {
  const lines: string[] = [];
  jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => { lines.push(args.map(String).join(' ')); });
  return lines;
}

/** The body parsed as JSON (fails the test with the raw body when it is not JSON). */
export function json(result: ProxyResultShape): any {
  try {
    return JSON.parse(result.body);
  } catch {
    throw new Error(`body is not JSON: ${result.body}`);
  }
}

/** Sets environment variables for the test file; returns a function that restores them. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(vars)) {
    saved[key] = process.env[key];
    if (value === undefined) { delete process.env[key]; } else { process.env[key] = value; }
  }
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) { delete process.env[key]; } else { process.env[key] = value; }
    }
  };
}

/** Milliseconds taken by `fn`. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

/** Replaces Date.now with the real clock plus an offset the test moves; undo with jest.restoreAllMocks(). */
export function shiftableClock(): { advance(ms: number): void } {
  const real = Date.now.bind(Date);
  let offset = 0;
  jest.spyOn(Date, 'now').mockImplementation(() => real() + offset);
  return { advance(ms) { offset += ms; } };
}

/** Fails when any captured line contains one of the secrets. */
export function expectNoSecretIn(lines: readonly string[], secrets: readonly string[]): void {
  for (const line of lines) {
    for (const secret of secrets) {
      if (line.includes(secret)) { throw new Error(`a log line contains a secret: ${line.slice(0, 200)}`); }
    }
  }
}
