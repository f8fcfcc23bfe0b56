/**
 * The keep-alive HTTP backend of the proxy benchmark, on 127.0.0.1, in its own process (as a real
 * backend would be: the process under test does not also serve). One server answers all three
 * contenders (built proxy, minimal proxy, direct client) with the same small JSON response.
 */
import { ChildProcess, spawn } from 'child_process';
import * as http from 'http';
import * as path from 'path';
import { ROOT } from './common';

export interface RunningBackend {
  readonly port: number;
  stop(): Promise<void>;
}

const BODY = JSON.stringify({
  id: 0, name: 'bench item', price: 12.5, tags: ['a', 'b', 'c'], description: 'x'.repeat(96),
});

function serve(): void {
  const server = http.createServer((req, res) => {
    const id = /^\/(?:r\d+\/)?items\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '';
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(BODY),
        'Cache-Control': 'no-store',
        'X-Item-Id': id,
      });
      res.end(BODY);
    });
  });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 130_000;
  server.maxRequestsPerSocket = 0;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
  });
  // Ends with its parent, whatever happens to it.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
}

/** Starts the backend in a child process and waits for its port. */
export function startBackend(): Promise<RunningBackend> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'backend.ts')], {
      cwd: ROOT,
      env: { ...process.env, BENCH_ROLE: 'backend' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let buffered = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('the backend did not start within 20 s')); }, 20_000);
    child.on('error', err => { clearTimeout(timer); reject(err); });
    child.on('exit', code => { clearTimeout(timer); reject(new Error(`the backend exited with ${code}`)); });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buffered += d;
      const line = buffered.split('\n')[0];
      if (!buffered.includes('\n')) { return; }
      clearTimeout(timer);
      const port = (JSON.parse(line) as { port: number }).port;
      resolve({
        port,
        stop: () => new Promise(done => {
          if (child.exitCode !== null) { done(); return; }
          child.removeAllListeners('exit');
          child.on('exit', () => done());
          child.stdin!.end();
          setTimeout(() => { if (child.exitCode === null) { child.kill('SIGKILL'); } }, 2_000);
        }),
      });
    });
  });
}

if (process.env.BENCH_ROLE === 'backend') {
  serve();
}
