/**
 * The tiny services the end-to-end tests put behind the showcase group, on 127.0.0.1:
 * - a backend that answers 200 with what it received, sleeps with `X-Backend: slow` (longer than
 *   the API's 1 s timeout) and resets the connection with `X-Backend: reset`;
 * - a third-party auth service that answers by `X-Token`: ok → 200, bad → 401, broken → 500.
 */
import * as http from 'http';
import * as net from 'net';

export interface LocalService {
  readonly url: string;
  close(): Promise<void>;
}

function serve(handler: http.RequestListener): Promise<LocalService> {
  const server = http.createServer(handler);
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as net.AddressInfo;
    resolve({
      url: `http://127.0.0.1:${port}`,
      close: () => new Promise<void>(done => {
        server.closeAllConnections();
        server.close(() => done());
      }),
    });
  }));
}

export function startBackend(slowMs = 3000): Promise<LocalService> {
  return serve((req, res) => {
    const mode = req.headers['x-backend'];
    if (mode === 'reset') { req.socket.destroy(); return; }
    const answer = () => {
      if (res.destroyed) { return; }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url: req.url, requestId: req.headers['x-request-id'] ?? null }));
    };
    if (mode === 'slow') {
      const timer = setTimeout(answer, slowMs);
      timer.unref();
      res.on('close', () => clearTimeout(timer));
    } else {
      answer();
    }
  });
}

export function startAuthService(): Promise<LocalService> {
  return serve((req, res) => {
    const token = req.headers['x-token'];
    const status = token === 'ok' ? 200 : token === 'broken' ? 500 : 401;
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token: token ?? null }));
  });
}
