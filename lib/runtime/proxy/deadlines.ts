/**
 * Backend timeouts without a node timer per request. Arming and clearing a setTimeout for every
 * call costs more than the rest of the proxy's own work on a fast backend (node creates and
 * deletes a timer list each time), so pending deadlines share one unref'd timer, armed for the
 * earliest of them and re-armed when it fires. A finished call only unlinks itself.
 */

export interface Deadline {
  readonly at: number;
  fire: (() => void) | undefined;
  prev: Deadline | undefined;
  next: Deadline | undefined;
}

// A doubly linked list: O(1) insert and removal, and a removed entry keeps nothing alive.
let head: Deadline | undefined;
let timer: NodeJS.Timeout | undefined;
let armedFor = Infinity;

function arm(at: number): void {
  if (timer) { clearTimeout(timer); }
  armedFor = at;
  timer = setTimeout(sweep, Math.max(0, at - Date.now()));
  // The pending call's socket keeps the process alive; this timer must not.
  timer.unref();
}

function sweep(): void {
  timer = undefined;
  armedFor = Infinity;
  const now = Date.now();
  let next = Infinity;
  for (let d = head; d !== undefined;) {
    const following = d.next;
    if (d.at <= now) {
      const fire = d.fire;
      cancelDeadline(d);
      fire?.();
    } else if (d.at < next) {
      next = d.at;
    }
    d = following;
  }
  // A deadline started by a `fire` above may already have armed an earlier time.
  if (next < armedFor) { arm(next); }
}

/** Calls `fire` once `ms` have passed, unless cancelled first. */
export function startDeadline(ms: number, fire: () => void): Deadline {
  const d: Deadline = { at: Date.now() + ms, fire, prev: undefined, next: head };
  if (head) { head.prev = d; }
  head = d;
  if (d.at < armedFor) { arm(d.at); }
  return d;
}

export function cancelDeadline(d: Deadline): void {
  if (d.fire === undefined) { return; }
  if (d.prev) { d.prev.next = d.next; } else if (head === d) { head = d.next; }
  if (d.next) { d.next.prev = d.prev; }
  d.prev = undefined;
  d.next = undefined;
  d.fire = undefined;
}

/** What `raceDeadline` answers when the time ran out first. */
export const TIMED_OUT = Symbol('timed out');

/**
 * Runs `work` with an abort signal that fires after `ms`, and answers TIMED_OUT exactly then,
 * even if `work` is slow to honour the abort (the AWS SDK's calls are). A rejection of `work`
 * caused by the abort also answers TIMED_OUT; any other rejection propagates.
 */
export async function raceDeadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T | typeof TIMED_OUT> {
  const abort = new AbortController();
  let deadline: Deadline | undefined;
  const timedOut = new Promise<typeof TIMED_OUT>(resolve => {
    deadline = startDeadline(ms, () => {
      abort.abort();
      resolve(TIMED_OUT);
    });
  });
  try {
    return await Promise.race([work(abort.signal), timedOut]);
  } catch (err) {
    if (abort.signal.aborted) { return TIMED_OUT; }
    throw err;
  } finally {
    if (deadline) { cancelDeadline(deadline); }
  }
}
