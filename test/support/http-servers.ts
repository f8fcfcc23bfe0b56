/**
 * Real HTTP servers on 127.0.0.1 ephemeral ports, used as proxy backends in tests. Every server
 * started here is tracked; call `closeAllServers()` in afterAll.
 */
import * as http from 'http';
import * as net from 'net';

export interface TestServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Requests received so far (method, url, headers, body). */
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: Buffer;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

const open = new Set<TestServer>();

/** Starts a server with a handler that receives the full request body. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body });
      handler(req, res, body);
    });
  });
  // Keep-alive sockets must not hold the test process open.
  server.keepAliveTimeout = 1000;
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const testServer: TestServer = {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>(resolve => {
      open.delete(testServer);
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  open.add(testServer);
  return testServer;
}

/** Closes every server started by this module. */
export async function closeAllServers(): Promise<void> {
  await Promise.all([...open].map(s => s.close()));
}

export interface EchoBody {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  path: string;
  query: string;
  headers: http.IncomingHttpHeaders;
  /** The request body, base64 (bytes survive whatever they are). */
  bodyBase64: string;
  bodyText: string;
}

/** Answers 200 JSON describing the request it received. */
export function echoServer(): Promise<TestServer> {
  return startServer((req, res, body) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const echo: EchoBody = {
      method: req.method ?? '',
      url,
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? '' : url.slice(q + 1),
      headers: req.headers,
      bodyBase64: body.toString('base64'),
      bodyText: body.toString('utf8'),
    };
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'X-Backend': 'echo' });
    res.end(JSON.stringify(echo));
  });
}

/**
 * Answers `GET /<status>` with that status, a JSON body naming it, a custom header, two
 * Set-Cookie headers and a hop-by-hop header the proxy must drop.
 */
export function statusServer(): Promise<TestServer> {
  return startServer((req, res) => {
    const status = Number((req.url ?? '').split('?')[0].slice(1)) || 200;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('X-Backend-Status', String(status));
    res.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
    res.setHeader('Keep-Alive', 'timeout=5');
    res.writeHead(status);
    res.end(JSON.stringify({ backendStatus: status, message: `backend says ${status}` }));
  });
}

/** Waits `delayMs` before answering 200 (headers included), so the proxy's timeout fires first. */
export function slowServer(delayMs: number): Promise<TestServer> {
  return startServer((_req, res) => {
    const timer = setTimeout(() => {
      if (!res.destroyed) { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('late'); }
    }, delayMs);
    res.on('close', () => clearTimeout(timer));
  });
}

/** Sends the status line, headers and part of the body, then resets the connection (TCP RST). */
export function resetServer(): Promise<TestServer> {
  return startServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '100000' });
    res.write('partial body that never ends');
    setTimeout(() => res.socket?.resetAndDestroy(), 20);
  });
}

/** Answers `GET /<bytes>` with that many bytes of text (`text/plain`). */
export function largeBodyServer(): Promise<TestServer> {
  return startServer((req, res) => {
    const size = Number((req.url ?? '').split('?')[0].slice(1)) || 0;
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let left = size;
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) { res.once('drain', pump); return; }
      }
      res.end();
    };
    res.on('error', () => { /* the proxy stops reading: expected */ });
    pump();
  });
}

/** Every byte value 0-255 twice, as application/octet-stream. */
export const BINARY_BYTES = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i))]);

/**
 * `GET` → BINARY_BYTES as application/octet-stream; `POST` → the request body echoed back
 * byte for byte with the request's content type.
 */
export function binaryServer(): Promise<TestServer> {
  return startServer((req, res, body) => {
    if (req.method === 'POST') {
      res.writeHead(200, { 'Content-Type': req.headers['content-type'] ?? 'application/octet-stream' });
      res.end(body);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    res.end(BINARY_BYTES);
  });
}

/** A port on 127.0.0.1 where nothing listens (bound once, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return port;
}
