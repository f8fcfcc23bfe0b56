/**
 * Issue 14 item 22: `cdk diff` after a backend change shows only asset hashes; `cdk-api-groups diff
 * <old cdk.out> <new cdk.out>` lists what changed, API by API. Two versions of an app are
 * synthesized into two cloud assemblies, as a reviewer has them (main and a branch), and the
 * compiled CLI is run on them.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { ApiAuth, ApiGroup, Backend, HttpMethod, ResponseType } from '../../lib';
import { diffAssemblies, formatDiff } from '../../lib/local/diff-command';
import { newApp } from '../support/synth';

const CLI = path.join(__dirname, '..', '..', 'lib', 'local', 'cli.js');

interface Version {
  readonly ordersUrl: string;
  readonly reportsThrottle: number;
  readonly withAudit: boolean;
  readonly withRefunds: boolean;
  readonly notFoundStatus: number;
  readonly ordersAuth: 'none' | 'app';
}

function synth(v: Version): string {
  const app = newApp();
  const stack = new Stack(app, 'Shop');
  const group = new ApiGroup(stack, 'Orders', {
    groupName: 'orders',
    defaultResponse: { rules: [{ type: ResponseType.NOT_FOUND, statusCode: v.notFoundStatus }] },
  });
  const mobile = group.addApp('mobile');
  group.addApi('GetOrder', {
    method: HttpMethod.GET, path: '/orders/{id}', apiName: 'get-order',
    backend: Backend.http(v.ordersUrl, { timeout: Duration.seconds(3) }),
    auth: v.ordersAuth === 'app' ? ApiAuth.app({ apps: [mobile] }) : ApiAuth.none(),
  });
  group.addApi('Reports', {
    method: HttpMethod.GET, path: '/reports', apiName: 'reports', backend: Backend.mock(), auth: ApiAuth.iam(),
    throttle: { rateLimit: v.reportsThrottle, burstLimit: v.reportsThrottle },
  });
  if (v.withAudit) { group.addApi('Audit', { method: HttpMethod.GET, path: '/audit', apiName: 'audit', backend: Backend.mock() }); }
  if (v.withRefunds) { group.addApi('Refunds', { method: HttpMethod.POST, path: '/refunds', apiName: 'refunds', backend: Backend.mock() }); }
  return app.synth().directory;
}

const BASE: Version = {
  ordersUrl: 'https://orders.example.com/orders/{id}', reportsThrottle: 10, withAudit: true, withRefunds: false,
  notFoundStatus: 404, ordersAuth: 'none',
};

describe('cdk-api-groups diff', () => {
  const before = synth(BASE);
  const same = synth(BASE);
  const after = synth({
    ...BASE, ordersUrl: 'https://orders-v2.example.com/orders/{id}', reportsThrottle: 20, withAudit: false, withRefunds: true,
    notFoundStatus: 410, ordersAuth: 'app',
  });

  test('the same app twice: nothing changed', () => {
    expect(diffAssemblies(before, same)).toEqual([]);
    expect(formatDiff([])).toBe('No API group changed.\n');
  });

  test('APIs added, removed and changed (backend, auth, throttle) and the response whose rules changed', () => {
    const [d, ...rest] = diffAssemblies(before, after);
    expect(rest).toEqual([]);
    expect([d.stack, d.group]).toEqual(['Shop', 'orders']);
    expect(d.added.map(a => a.route)).toEqual(['POST /refunds']);
    expect(d.removed.map(a => a.route)).toEqual(['GET /audit']);
    const changed = Object.fromEntries(d.changed.map(c => [c.route, c.fields]));
    expect(Object.keys(changed).sort()).toEqual(['GET /orders/{id}', 'GET /reports']);
    expect(Object.keys(changed['GET /orders/{id}']!).sort()).toEqual(['auth', 'backend']);
    expect(changed['GET /orders/{id}']!.backend[0]).toContain('https://orders.example.com/orders/{id}');
    expect(changed['GET /orders/{id}']!.backend[1]).toContain('https://orders-v2.example.com/orders/{id}');
    expect(changed['GET /orders/{id}']!.auth).toEqual(['-', '{"apps":["mobile"],"type":"APP"}']);
    expect(changed['GET /reports']).toEqual({ throttle: ['{"burstLimit":10,"rateLimit":10}', '{"burstLimit":20,"rateLimit":20}'] });
    expect(d.responses).toEqual(['default rules changed']);
  });

  test('the compiled CLI prints it, and --fail exits 1 when something changed', () => {
    const run = spawnSync(process.execPath, [CLI, 'diff', before, after], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')).toEqual(expect.arrayContaining([
      'group orders (stack Shop):', '  + POST /refunds  refunds', '  - GET /audit  audit', '  ~ GET /orders/{id}  get-order',
      '  gateway response default rules changed',
    ]));
    expect(spawnSync(process.execPath, [CLI, 'diff', '--fail', before, after]).status).toBe(1);
    expect(spawnSync(process.execPath, [CLI, 'diff', '--fail', before, same]).status).toBe(0);
    const json = JSON.parse(spawnSync(process.execPath, [CLI, 'diff', '--json', before, after], { encoding: 'utf8' }).stdout);
    expect(json[0].added[0]).toMatchObject({ route: 'POST /refunds', name: 'refunds' });
    const usage = spawnSync(process.execPath, [CLI, 'diff', before], { encoding: 'utf8' });
    expect([usage.status, usage.stderr]).toEqual([2, 'cdk-api-groups diff: expects two cloud assembly folders: <old> <new> (see --help)\n']);
    const notAssembly = spawnSync(process.execPath, [CLI, 'diff', __dirname, after], { encoding: 'utf8' });
    expect([notAssembly.status, notAssembly.stderr]).toEqual([1, `cdk-api-groups diff: ${__dirname} is not a cloud assembly (no manifest.json)\n`]);
  });
});
