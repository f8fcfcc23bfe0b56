/**
 * HTTP backends, against real servers on 127.0.0.1: what is forwarded, what comes back, and
 * which gateway error each kind of failure becomes.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as net from 'net';
import * as path from 'path';
import { proxyEvent } from '../support/events';
import {
  BINARY_BYTES, binaryServer, closeAllServers, closedPort, EchoBody, echoServer, largeBodyServer, resetServer,
  slowServer, startServer, statusServer, TestServer,
} from '../support/http-servers';
import { cleanWorkDirs, freshWorkDir, LoadedProxy, loadProxyAsset, resultHeader } from '../support/proxy-harness';
import { document, http } from './documents';
import { captureLogs, json, setEnv, timed } from './helpers';

let echo: TestServer;
let status: TestServer;
let binary: TestServer;
let large: TestServer;

beforeAll(async () => {
  [echo, status, binary, large] = await Promise.all([echoServer(), statusServer(), binaryServer(), largeBodyServer()]);
});
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  await closeAllServers();
  cleanWorkDirs();
});

function echoed(body: string): EchoBody {
  return JSON.parse(body) as EchoBody;
}

describe('pass-through', () => {
  let proxy: LoadedProxy;
  beforeAll(async () => {
    proxy = await loadProxyAsset(document({ apis: [{ path: '/s/{code}', backend: http(`${status.url}/{code}`) }] }));
  });

  test.each([200, 404, 503])('a %i from the backend passes through untouched, with its headers', async code => {
    // why: backend errors are the backend's answer, never a gateway response
    const r = await proxy.invoke(proxyEvent({ path: `/s/${code}`, requestId: `rid-${code}` }));
    expect(r.statusCode).toBe(code);
    expect(r.isBase64Encoded).toBe(false);
    expect(JSON.parse(r.body)).toEqual({ backendStatus: code, message: `backend says ${code}` });
    expect(resultHeader(r, 'Content-Type')).toBe('application/json');
    expect(resultHeader(r, 'X-Backend-Status')).toBe(String(code));
    // Set-Cookie is repeated, so it travels in multiValueHeaders.
    expect(r.multiValueHeaders?.['Set-Cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
    // Hop-by-hop and length headers belong to the backend connection.
    for (const h of ['Keep-Alive', 'Connection', 'Content-Length', 'Transfer-Encoding']) { expect(resultHeader(r, h)).toBeUndefined(); }
    expect(resultHeader(r, 'X-Request-Id')).toBe(`rid-${code}`);
  });
});

describe('what the backend receives', () => {
  let proxy: LoadedProxy;
  beforeAll(async () => {
    proxy = await loadProxyAsset(document({
      apis: [
        { method: 'ANY', path: '/items/{id}', backend: http(`${echo.url}/v1/items/{id}/detail`) },
        { method: 'GET', path: '/files/{key+}', backend: http(`${echo.url}/store/{key}?fixed=1`) },
        { method: 'POST', path: '/as-get', backend: http(`${echo.url}/target`, 5000, 'GET') },
      ],
    }));
  });

  test('path parameters are substituted and encoded, the query string is appended', async () => {
    // why: the backend must receive exactly the resource the client addressed
    const r = await proxy.invoke(proxyEvent({ path: '/items/a%20b%2Fc', query: { q: ['x y', 'z&w'], n: '1' } }));
    const e = echoed(r.body);
    expect(e.path).toBe('/v1/items/a%20b%2Fc/detail');
    expect(e.query).toBe('q=x%20y&q=z%26w&n=1');
  });

  test('a greedy parameter is encoded segment by segment and joins an existing query', async () => {
    const e = echoed((await proxy.invoke(proxyEvent({ path: '/files/dir%20one/sub/f%3F.txt', query: { v: '2' } }))).body);
    expect(e.url).toBe('/store/dir%20one/sub/f%3F.txt?fixed=1&v=2');
  });

  test('method, body and headers are forwarded, minus hop-by-hop; X-Request-Id and X-Forwarded-For are set', async () => {
    // why: the backend sees the client's request, not the proxy's plumbing
    const r = await proxy.invoke(proxyEvent({
      method: 'PUT',
      path: '/items/1',
      body: '{"name":"widget"}',
      requestId: 'rid-fwd',
      sourceIp: '198.51.100.7',
      headers: {
        'Content-Type': 'application/json',
        'X-Custom': ['one', 'two'],
        'Connection': 'keep-alive, X-Drop-Me',
        'X-Drop-Me': 'listed in Connection',
        'Keep-Alive': 'timeout=5',
        'Proxy-Authorization': 'Basic abc',
        'TE': 'trailers',
        'Upgrade': 'h2c',
        'Content-Length': '999',
        'X-Request-Id': 'client-chosen',
        'X-Forwarded-For': '192.0.2.1',
      },
    }));
    expect(r.statusCode).toBe(200);
    const e = echoed(r.body);
    expect(e.method).toBe('PUT');
    expect(e.bodyText).toBe('{"name":"widget"}');
    expect(e.headers['content-type']).toBe('application/json');
    expect(e.headers['x-custom']).toBe('one, two');
    expect(e.headers['content-length']).toBe(String(Buffer.byteLength('{"name":"widget"}')));
    expect(e.headers.host).toBe(`127.0.0.1:${echo.port}`);
    for (const h of ['x-drop-me', 'keep-alive', 'proxy-authorization', 'te', 'upgrade']) { expect(e.headers[h]).toBeUndefined(); }
    expect(e.headers['x-request-id']).toBe('rid-fwd');
    // The caller's own X-Forwarded-For text is not forwarded: only the address API Gateway saw.
    expect(e.headers['x-forwarded-for']).toBe('198.51.100.7');
  });

  test('X-Forwarded-For is not duplicated when API Gateway already lists the client', async () => {
    const e = echoed((await proxy.invoke(proxyEvent({ path: '/items/1', sourceIp: '15.248.3.126' }))).body);
    expect(e.headers['x-forwarded-for']).toBe('15.248.3.126, 130.176.209.21');
  });

  test('the backend method overrides the request method', async () => {
    const e = echoed((await proxy.invoke(proxyEvent({ method: 'POST', path: '/as-get' }))).body);
    expect(e.method).toBe('GET');
  });

  test('a URL given as an {env} reference is resolved at cold start', async () => {
    // why: deploy-time values (tokens) reach the document as environment references
    const restore = setEnv({ TEST_BACKEND_URL: `${echo.url}/from-env/{id}` });
    try {
      const p = await loadProxyAsset(document({ apis: [{ path: '/e/{id}', backend: { type: 'HTTP', url: { env: 'TEST_BACKEND_URL' }, timeoutMs: 5000 } }] }));
      expect(echoed((await p.invoke(proxyEvent({ path: '/e/5' }))).body).path).toBe('/from-env/5');
    } finally {
      restore();
    }
  });
});

describe('binary bodies', () => {
  let proxy: LoadedProxy;
  beforeAll(async () => {
    proxy = await loadProxyAsset(document({
      apis: [
        { method: 'ANY', path: '/bin', backend: http(`${binary.url}/bin`) },
        { method: 'GET', path: '/large/{n}', backend: http(`${large.url}/{n}`, 10_000) },
      ],
    }));
  });

  test('a binary response is returned base64 with isBase64Encoded', async () => {
    // why: a binary body sent as text would be corrupted
    const r = await proxy.invoke(proxyEvent({ path: '/bin' }));
    expect(r.isBase64Encoded).toBe(true);
    expect(Buffer.from(r.body, 'base64').equals(BINARY_BYTES)).toBe(true);
  });

  test('a base64 request body reaches the backend as the original bytes', async () => {
    const r = await proxy.invoke(proxyEvent({ method: 'POST', path: '/bin', body: BINARY_BYTES, headers: { 'Content-Type': 'image/png' } }));
    expect(r.isBase64Encoded).toBe(true);
    expect(Buffer.from(r.body, 'base64').equals(BINARY_BYTES)).toBe(true);
    expect(binary.requests.at(-1)!.body.equals(BINARY_BYTES)).toBe(true);
  });

  test('textual content types come back as text; invalid UTF-8 under a text type as base64', async () => {
    const text = await proxy.invoke(proxyEvent({ method: 'POST', path: '/bin', body: Buffer.from('h\u00e9llo'), headers: { 'Content-Type': 'text/plain; charset=utf-8' } }));
    expect(text).toMatchObject({ isBase64Encoded: false, body: 'h\u00e9llo' });
    const latin1 = Buffer.from([0x68, 0xe9, 0x6c]);
    const bad = await proxy.invoke(proxyEvent({ method: 'POST', path: '/bin', body: latin1, headers: { 'Content-Type': 'text/plain; charset=iso-8859-1' } }));
    expect(bad.isBase64Encoded).toBe(true);
    expect(Buffer.from(bad.body, 'base64').equals(latin1)).toBe(true);
    const problem = await proxy.invoke(proxyEvent({ method: 'POST', path: '/bin', body: '{"a":1}', headers: { 'Content-Type': 'application/problem+json' } }));
    expect(problem).toMatchObject({ isBase64Encoded: false, body: '{"a":1}' });
  });

  test('a 7 MB backend body → BACKEND_UNAVAILABLE "Backend response too large.", no crash', async () => {
    // why: Lambda refuses results over 6 MB with a bare 502 that bypasses gateway responses
    const r = await proxy.invoke(proxyEvent({ path: `/large/${7 * 1024 * 1024}` }));
    expect(r.statusCode).toBe(502);
    expect(json(r)).toMatchObject({ error_code: 'APIG.0201', error_msg: 'Backend response too large.' });
  });

  test('the limit counts the serialized result: 5 MB of text passes, 5 MB of binary (6.7 MB base64) does not', async () => {
    const five = 5 * 1024 * 1024;
    const ok = await proxy.invoke(proxyEvent({ path: `/large/${five}` }));
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toHaveLength(five);
    const bin = await proxy.invoke(proxyEvent({ method: 'POST', path: '/bin', body: Buffer.alloc(five, 0xff), headers: { 'Content-Type': 'application/octet-stream' } }));
    expect(bin.statusCode).toBe(502);
    expect(json(bin).error_msg).toBe('Backend response too large.');
  });
});

describe('failures', () => {
  test('a slow backend → BACKEND_TIMEOUT (504) close to the configured timeout', async () => {
    // why: the API's timeout bounds what a client waits
    const slow = await slowServer(5000);
    const proxy = await loadProxyAsset(document({ apis: [{ path: '/slow', backend: http(slow.url, 500) }] }));
    const { value: r, ms } = await timed(() => proxy.invoke(proxyEvent({ path: '/slow' })));
    expect(r.statusCode).toBe(504);
    expect(json(r)).toMatchObject({ error_code: 'APIG.0201', error_msg: 'Backend timeout.' });
    expect(ms).toBeGreaterThanOrEqual(490);
    expect(ms).toBeLessThan(500 + 1500);
  });

  test('concurrent calls each time out on their own API\'s timeout', async () => {
    // why: one API's long timeout must not delay (or cut short) another's
    const slow = await slowServer(5000);
    const proxy = await loadProxyAsset(document({
      apis: [{ path: '/long', backend: http(slow.url, 1200) }, { path: '/short', backend: http(slow.url, 300) }],
    }));
    const started = performance.now();
    const ended: Record<string, number> = {};
    const call = (path: string) => proxy.invoke(proxyEvent({ path })).then(r => { ended[path] = performance.now() - started; return r; });
    const [long, short] = await Promise.all([call('/long'), call('/short')]);
    expect([long.statusCode, short.statusCode]).toEqual([504, 504]);
    expect(ended['/short']).toBeGreaterThanOrEqual(290);
    expect(ended['/short']).toBeLessThan(1000);
    expect(ended['/long']).toBeGreaterThanOrEqual(1190);
    expect(ended['/long']).toBeLessThan(1200 + 1500);
  });

  test('the timeout covers the whole exchange, including a body that trickles', async () => {
    const trickle = await startServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 100);
      res.on('close', () => clearInterval(timer));
    });
    const proxy = await loadProxyAsset(document({ apis: [{ path: '/t', backend: http(trickle.url, 600) }] }));
    const { value: r, ms } = await timed(() => proxy.invoke(proxyEvent({ path: '/t' })));
    expect(r.statusCode).toBe(504);
    expect(ms).toBeLessThan(600 + 1500);
  });

  test('Lambda\'s remaining time caps the backend timeout', async () => {
    // why: if Lambda times out first, the client gets AWS's bare 502 instead of our 504
    const slow = await slowServer(5000);
    const proxy = await loadProxyAsset(document({ apis: [{ path: '/slow', backend: http(slow.url, 10_000) }] }));
    const { value: r, ms } = await timed(() => proxy.invoke(proxyEvent({ path: '/slow' }), { getRemainingTimeInMillis: () => 700 }));
    expect(r.statusCode).toBe(504);
    expect(ms).toBeLessThan(1500);
  });

  test('a closed port → BACKEND_UNAVAILABLE (502)', async () => {
    // why: an unreachable backend is a gateway error the user can customise
    const port = await closedPort();
    const proxy = await loadProxyAsset(document({ apis: [{ path: '/c', backend: http(`http://127.0.0.1:${port}/`, 5000) }] }));
    const { value: r, ms } = await timed(() => proxy.invoke(proxyEvent({ path: '/c' })));
    expect(r.statusCode).toBe(502);
    expect(json(r)).toMatchObject({ error_code: 'APIG.0201', error_msg: 'Backend unavailable.' });
    expect(ms).toBeLessThan(2000);
  });

  test('a connection reset mid-response → BACKEND_UNAVAILABLE (502)', async () => {
    const reset = await resetServer();
    const proxy = await loadProxyAsset(document({ apis: [{ path: '/r', backend: http(reset.url, 5000) }] }));
    const r = await proxy.invoke(proxyEvent({ path: '/r' }));
    expect(r.statusCode).toBe(502);
    expect(json(r).error_msg).toBe('Backend unavailable.');
  });

  test('a malformed HTTP response → BACKEND_UNAVAILABLE (502)', async () => {
    const garbage = net.createServer(socket => socket.end('NOT HTTP AT ALL\r\n\r\n'));
    garbage.unref();
    await new Promise<void>(resolve => garbage.listen(0, '127.0.0.1', resolve));
    try {
      const port = (garbage.address() as net.AddressInfo).port;
      const proxy = await loadProxyAsset(document({ apis: [{ path: '/g', backend: http(`http://127.0.0.1:${port}/`, 5000) }] }));
      expect((await proxy.invoke(proxyEvent({ path: '/g' }))).statusCode).toBe(502);
    } finally {
      garbage.close();
    }
  });

  test.each([
    ['101 Switching Protocols (the socket is handed over)', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n', false],
    ['101 Switching Protocols, then closing', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n', true],
    ['a bare 100 Continue, then closing', 'HTTP/1.1 100 Continue\r\n\r\n', true],
    ['102 Processing and 103 Early Hints, then closing', 'HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n', true],
  ])('%s → BACKEND_UNAVAILABLE at once, not after the timeout', async (_name, answer, close) => {
    // why: none of these can ever be followed by an answer; waiting the API's timeout only delays the 502
    const raw = net.createServer(socket => {
      socket.on('error', () => undefined);
      socket.once('data', () => {
        socket.write(answer);
        if (close) { setTimeout(() => socket.end(), 20); }
      });
    });
    raw.unref();
    await new Promise<void>(resolve => raw.listen(0, '127.0.0.1', resolve));
    try {
      const port = (raw.address() as net.AddressInfo).port;
      const proxy = await loadProxyAsset(document({ apis: [{ path: '/i', backend: http(`http://127.0.0.1:${port}/`, 4000) }] }));
      const { value: r, ms } = await timed(() => proxy.invoke(proxyEvent({ path: '/i' })));
      expect([r.statusCode, json(r).error_msg]).toEqual([502, 'Backend unavailable.']);
      expect(ms).toBeLessThan(1500);
    } finally {
      raw.close();
    }
  });

  test('an unknown host → BACKEND_UNAVAILABLE (502)', async () => {
    const proxy = await loadProxyAsset(document({ apis: [{ path: '/d', backend: http('http://backend.invalid/', 10_000) }] }));
    expect((await proxy.invoke(proxyEvent({ path: '/d' }))).statusCode).toBe(502);
  });

  const opensslAvailable = (() => {
    try { execFileSync('openssl', ['version'], { stdio: 'ignore' }); return true; } catch { return false; }
  })();
  (opensslAvailable ? test : test.skip)('a certificate the proxy does not trust → BACKEND_UNAVAILABLE (502)', async () => {
    const dir = freshWorkDir('tls');
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (_req, res) => res.end('secret'));
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const proxy = await loadProxyAsset(document({ apis: [{ path: '/tls', backend: http(`https://127.0.0.1:${port}/`, 5000) }] }));
      const r = await proxy.invoke(proxyEvent({ path: '/tls' }));
      expect(r.statusCode).toBe(502);
      expect(r.body).not.toContain('secret');
    } finally {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    }
  });
});
