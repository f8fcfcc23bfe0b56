/**
 * AppCode secrets that cannot be read, on the built authorizer with its real Secrets Manager
 * client against the local endpoint:
 * - with no good copy, an unreadable secret is read again only after a backoff (1 s, doubling up
 *   to 30 s), not on every request;
 * - each app's secret is resolved on its own: a caller whose AppCode matches a readable app
 *   authorised for the API is answered while another app's secret is still pending;
 * - an answer that depends on the unreadable secret (an AppCode no readable app holds) still
 *   fails closed (DEFAULT_5XX).
 */
import * as http from 'http';
import * as net from 'net';
import type { ConfigDocument } from '../../lib/private/config-document';
import { LocalSecretsManager, secretArn, secretNameOf, secretsManagerEnv, startLocalSecretsManager } from '../support/local-secrets-manager';
import { cleanWorkDirs, loadGroupAssets, LocalGatewayChain } from '../support/proxy-harness';
import { appCode, document, mock, revealingRules } from './documents';
import { captureLogs, json, setEnv, shiftableClock } from './helpers';

const X = appCode('app-x', 70);
const Y = appCode('app-y', 70);
const NOBODY = appCode('nobody', 70);

/**
 * A pass-through in front of the local Secrets Manager that can hold the reads of chosen secrets
 * unanswered until released: a secret whose read is pending, for as long as the test wants.
 */
interface SecretsGate {
  readonly endpoint: string;
  hold(name: string): void;
  /** Forwards the held reads of `name` and stops holding it. */
  release(name: string): void;
  /** Reads of `name` held now (still open: not given up by the client). */
  pending(name: string): number;
  close(): Promise<void>;
}

async function startGate(target: string): Promise<SecretsGate> {
  const held = new Map<string, Array<() => void>>();
  const open = new Map<string, Set<http.ServerResponse>>();
  const forward = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => {
    const upstream = http.request(`${target}/`, { method: req.method, headers: req.headers }, answer => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let name = '';
      try { name = secretNameOf(String(JSON.parse(body.toString('utf8')).SecretId)); } catch { /* forwarded as is */ }
      const queue = held.get(name);
      if (queue === undefined) { forward(req, body, res); return; }
      const waiting = open.get(name) ?? new Set();
      open.set(name, waiting);
      waiting.add(res);
      res.on('close', () => waiting.delete(res));
      queue.push(() => forward(req, body, res));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    hold(name) { if (!held.has(name)) { held.set(name, []); } },
    release(name) {
      const queue = held.get(name) ?? [];
      held.delete(name);
      open.delete(name);
      for (const go of queue) { go(); }
    },
    pending: name => open.get(name)?.size ?? 0,
    close: () => new Promise<void>(resolve => {
      for (const waiting of open.values()) { for (const res of waiting) { res.destroy(); } }
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

let sm: LocalSecretsManager;
let gate: SecretsGate;
let restoreEnv: () => void;
let doc: ConfigDocument;

beforeAll(async () => {
  sm = await startLocalSecretsManager();
  gate = await startGate(sm.endpoint);
  restoreEnv = setEnv(secretsManagerEnv(gate.endpoint));
  doc = document({
    defaultRules: revealingRules(),
    apps: {
      x: { id: 'app-x', name: 'X', secretArn: secretArn('x') },
      y: { id: 'app-y', name: 'Y', secretArn: secretArn('y') },
    },
    apis: [{ id: 'orders', path: '/orders', backend: mock('ok'), auth: { type: 'APP', apps: ['x', 'y'] } }],
  });
});
beforeEach(() => {
  captureLogs();
  sm.put('x', JSON.stringify({ appCode: X }));
  sm.put('y', JSON.stringify({ appCode: Y }));
  sm.resetCalls();
});
afterEach(() => {
  jest.restoreAllMocks();
  gate.release('x');
});
afterAll(async () => {
  restoreEnv();
  await Promise.all([gate.close(), sm.close()]);
  cleanWorkDirs();
});

async function typeOf(gw: LocalGatewayChain, code: string): Promise<string> {
  const { result } = await gw.request({ path: '/orders', headers: { 'X-Apig-AppCode': code } });
  return result.statusCode === 200 ? 'ok' : json(result).type;
}

describe('an unreadable secret with no good copy', () => {
  test('is read again only after a backoff of 1 s, doubling up to 30 s, whatever the number of requests', async () => {
    // why: a secret that cannot be read must not cost a Secrets Manager call (and its latency) on every request
    sm.remove('x');
    const clock = shiftableClock();
    const gw = await loadGroupAssets(doc);
    for (let i = 0; i < 10; i++) {
      expect(await typeOf(gw, Y)).toBe('ok');
      expect(await typeOf(gw, NOBODY)).toBe('DEFAULT_5XX');
    }
    expect(sm.calls('x')).toBe(1);
    expect(sm.calls('y')).toBe(1);
    // Each wait doubles: 1, 2, 4, 8, 16 s, then 30 s at most. (Halfway through a wait, not a
    // millisecond before its end: the clock also moves on its own while the requests run.)
    let expected = 1;
    for (const wait of [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]) {
      clock.advance(wait / 2);
      expect(await typeOf(gw, NOBODY)).toBe('DEFAULT_5XX');
      expect(sm.calls('x')).toBe(expected);
      clock.advance(wait / 2);
      expect(await typeOf(gw, NOBODY)).toBe('DEFAULT_5XX');
      expected += 1;
      expect(sm.calls('x')).toBe(expected);
    }
    // Readable again: the next attempt after the backoff reads it, and its callers get in.
    sm.put('x', JSON.stringify({ appCode: X }));
    expect(await typeOf(gw, X)).toBe('DEFAULT_5XX');
    clock.advance(30_000);
    expect(await typeOf(gw, X)).toBe('ok');
    expect(await typeOf(gw, NOBODY)).toBe('AUTH_FAILURE');
  });

  test('its own callers fail closed with DEFAULT_5XX, never an allow or a guess', async () => {
    // why: whether the AppCode is X's cannot be known without X's secret
    sm.remove('x');
    const gw = await loadGroupAssets(doc);
    expect(await typeOf(gw, X)).toBe('DEFAULT_5XX');
    expect(await typeOf(gw, NOBODY)).toBe('DEFAULT_5XX');
  });
});

describe('a secret whose read is pending', () => {
  test('does not delay a caller whose AppCode matches another app; a code no readable app holds waits for it', async () => {
    // why: identifying Y's caller does not depend on X's secret; an unknown code does
    gate.hold('x');
    const gw = await loadGroupAssets(doc);
    const lines = captureLogs();
    expect(await typeOf(gw, Y)).toBe('ok');
    // Answered while X's read is pending: the gate holds it, and the authorizer has not given up on it.
    expect(gate.pending('x')).toBe(1);
    expect(lines.filter(l => l.includes('app secret not readable'))).toEqual([]);

    let unknownAnswer: string | undefined;
    let xAnswer: string | undefined;
    const unknown = typeOf(gw, NOBODY).then(t => { unknownAnswer = t; });
    const xCaller = typeOf(gw, X).then(t => { xAnswer = t; });
    // Another full round trip of Y's caller, then: still waiting for X's secret.
    expect(await typeOf(gw, Y)).toBe('ok');
    expect(unknownAnswer).toBeUndefined();
    expect(xAnswer).toBeUndefined();
    expect(gate.pending('x')).toBe(1);
    expect(lines.filter(l => l.includes('app secret not readable'))).toEqual([]);

    gate.release('x');
    await Promise.all([unknown, xCaller]);
    expect(unknownAnswer).toBe('AUTH_FAILURE');
    expect(xAnswer).toBe('ok');
    // One read each: the pending read was shared by every caller that needed it.
    expect(sm.calls('x')).toBe(1);
    expect(sm.calls('y')).toBe(1);
  });
});
