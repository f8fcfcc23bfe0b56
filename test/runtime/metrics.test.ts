/**
 * The proxy's CloudWatch metrics, end to end: a group declared with the constructs, synthesized,
 * its proxy run from the cloud assembly as Lambda loads it. Every request writes exactly one
 * Embedded Metric Format record to stdout, valid by the EMF specification, and the series it
 * declares are exactly those `group.metric*()` and `api.metric*()` return (resolved with
 * Stack.resolve), so a dashboard or alarm built from them watches real data.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Api, ApiGroup, Backend, HttpMethod, RequestParameter, ResponseType } from '../../lib';
import { proxyEvent } from '../support/events';
import { closeAllServers, closedPort, slowServer, TestServer } from '../support/http-servers';
import { cleanWorkDirs, LoadedProxy } from '../support/proxy-harness';
import { synthesizeGroup } from '../support/synth-group';
import { captureLogs } from './helpers';

/** CloudWatch's units (MetricDatum), the only values EMF's Unit may take. */
const UNITS = new Set(['Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes',
  'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second',
  'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second',
  'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None']);

const SECRET = 'caller-secret-7f3a';

/** Checks a record against the EMF specification; fails with the record otherwise. */
function expectValidEmf(record: any): void {
  const where = JSON.stringify(record);
  const meta = record._aws;
  expect(meta).toEqual(expect.objectContaining({ Timestamp: expect.any(Number), CloudWatchMetrics: expect.any(Array) }));
  expect(Number.isInteger(meta.Timestamp)).toBe(true);
  expect(Math.abs(meta.Timestamp - Date.now())).toBeLessThan(60_000);
  for (const directive of meta.CloudWatchMetrics) {
    expect(Object.keys(directive).sort()).toEqual(['Dimensions', 'Metrics', 'Namespace']);
    expect(directive.Namespace.length).toBeGreaterThan(0);
    expect(directive.Namespace.length).toBeLessThanOrEqual(255);
    expect(directive.Dimensions.length).toBeGreaterThan(0);
    for (const set of directive.Dimensions) {
      expect(set.length).toBeLessThanOrEqual(30);
      for (const key of set) {
        if (typeof record[key] !== 'string' || record[key] === '') { throw new Error(`dimension ${key} is not a non-empty string member: ${where}`); }
      }
    }
    expect(directive.Metrics.length).toBeLessThanOrEqual(100);
    for (const m of directive.Metrics) {
      expect(UNITS.has(m.Unit)).toBe(true);
      if (typeof record[m.Name] !== 'number' || !Number.isFinite(record[m.Name])) { throw new Error(`metric ${m.Name} is not a number member: ${where}`); }
    }
  }
}

/** The metric as CloudFormation would see it: namespace, name and dimensions, resolved in the group's stack. */
function resolved(metric: cloudwatch.Metric): any {
  return Stack.of(metricOwner).resolve(metric.toMetricConfig().metricStat);
}

/** The stack the metrics belong to (each test's group). */
let metricOwner: Stack;

/**
 * The record declares the metric's series: a directive in its namespace naming the metric, with a
 * dimension set of exactly its dimension names, and the record's members carry its values.
 */
function expectDeclares(record: any, metric: cloudwatch.Metric, value?: number): void {
  const stat = resolved(metric);
  const names: string[] = stat.dimensions.map((d: { name: string }) => d.name).sort();
  const directive = record._aws.CloudWatchMetrics.find((d: any) => d.Namespace === stat.namespace
    && d.Metrics.some((m: any) => m.Name === stat.metricName)
    && d.Dimensions.some((set: string[]) => JSON.stringify([...set].sort()) === JSON.stringify(names)));
  if (!directive) {
    throw new Error(`no directive declares ${stat.namespace} ${stat.metricName} by [${names.join(', ')}] in ${JSON.stringify(record)}`);
  }
  for (const d of stat.dimensions) { expect(record[d.name]).toBe(d.value); }
  expect(typeof record[stat.metricName]).toBe('number');
  if (value !== undefined) { expect(record[stat.metricName]).toBe(value); }
}

/** The record does not declare the metric's series (e.g. BackendLatency when no backend was called). */
function expectNotDeclared(record: any, metric: cloudwatch.Metric): void {
  const stat = resolved(metric);
  const declared = record._aws.CloudWatchMetrics.some((d: any) => d.Metrics.some((m: any) => m.Name === stat.metricName));
  expect(declared).toBe(false);
}

describe('metric records of a synthesized group', () => {
  let slow: TestServer;
  let proxy: LoadedProxy;
  let group: ApiGroup;
  let apis: Record<string, Api>;
  let lines: string[];

  beforeAll(async () => {
    slow = await slowServer(5_000);
    const closed = await closedPort();
    const synthesized = synthesizeGroup({ groupName: 'shop-metrics' }, g => {
      apis = {
        item: g.addApi('GetItem', {
          method: HttpMethod.GET, path: '/items/{id}', backend: Backend.mock({ statusCode: 200, body: '{"ok":true}' }),
          parameters: [RequestParameter.query('view', { required: false, enumerations: ['full', 'short'] })],
        }),
        down: g.addApi('Down', { method: HttpMethod.GET, path: '/down', backend: Backend.http(`http://127.0.0.1:${closed}/x`) }),
        slow: g.addApi('Slow', {
          method: HttpMethod.GET, path: '/slow', backend: Backend.http(`${slow.url}/slow`, { timeout: Duration.millis(200) }),
        }),
      };
    });
    group = synthesized.group;
    metricOwner = Stack.of(group);
    captureLogs();
    proxy = synthesized.load();
  });

  beforeEach(() => { lines = captureLogs(); });
  afterEach(() => { jest.restoreAllMocks(); });
  afterAll(async () => { await closeAllServers(); cleanWorkDirs(); });

  function records(): any[] {
    return lines.map(l => JSON.parse(l)).filter(r => r._aws !== undefined);
  }

  async function oneRecord(options: Parameters<typeof proxyEvent>[0]): Promise<any> {
    await proxy.invoke(proxyEvent(options));
    const found = records();
    expect(found).toHaveLength(1);
    expect(found[0].requestId).toBe(options!.requestId);
    expectValidEmf(found[0]);
    return found[0];
  }

  test('a request answered by its backend: requests, latency and backend latency, per group and per API, no gateway error', async () => {
    const record = await oneRecord({ path: '/items/7', requestId: 'rid-ok' });
    for (const owner of [group, apis.item]) {
      expectDeclares(record, owner.metricRequests(), 1);
      expectDeclares(record, owner.metricLatency());
      expectDeclares(record, owner.metricBackendLatency());
      expectDeclares(record, owner.metricGatewayErrors(), 0);
    }
    expect(record.Group).toBe('shop-metrics');
    expect(record.ApiId).toBe(apis.item.apiId);
    expect(record.ResponseType).toBeUndefined();
    expect(record.Latency).toBeGreaterThanOrEqual(record.BackendLatency);
    // The default namespace, and the statistics the methods choose
    const requests = group.metricRequests();
    expect([requests.namespace, requests.statistic, requests.period.toMinutes()]).toEqual(['CdkApiGroups', 'Sum', 5]);
    expect(group.metricLatency().statistic).toBe('Average');
  });

  test('a gateway error of an API carries its response type, per API and per group', async () => {
    const record = await oneRecord({ path: '/items/7', query: { view: SECRET }, requestId: 'rid-param' });
    const type = ResponseType.REQUEST_PARAMETERS_FAILURE;
    for (const owner of [group, apis.item]) {
      expectDeclares(record, owner.metricRequests(), 1);
      expectDeclares(record, owner.metricGatewayErrors(), 1);
      expectDeclares(record, owner.metricGatewayErrors(type), 1);
      expectNotDeclared(record, owner.metricBackendLatency()); // rejected before any backend call
    }
    expect(record.ResponseType).toBe('REQUEST_PARAMETERS_FAILURE');
  });

  test('a request no API matched counts for the group only', async () => {
    const record = await oneRecord({ path: '/nowhere', requestId: 'rid-404' });
    expectDeclares(record, group.metricRequests(), 1);
    expectDeclares(record, group.metricGatewayErrors(ResponseType.NOT_FOUND), 1);
    expect(record.ApiId).toBeUndefined();
    for (const directive of record._aws.CloudWatchMetrics) {
      for (const set of directive.Dimensions) { expect(set).not.toContain('ApiId'); }
    }
  });

  test('backend failures: BACKEND_UNAVAILABLE and BACKEND_TIMEOUT with the backend\'s latency', async () => {
    const down = await oneRecord({ path: '/down', requestId: 'rid-down' });
    expectDeclares(down, apis.down.metricGatewayErrors(ResponseType.BACKEND_UNAVAILABLE), 1);
    expectDeclares(down, apis.down.metricBackendLatency());
    lines.length = 0;
    const timeout = await oneRecord({ path: '/slow', requestId: 'rid-slow' });
    expectDeclares(timeout, apis.slow.metricGatewayErrors(ResponseType.BACKEND_TIMEOUT), 1);
    expectDeclares(timeout, group.metricGatewayErrors(ResponseType.BACKEND_TIMEOUT), 1);
    expectDeclares(timeout, apis.slow.metricBackendLatency());
    expect(timeout.BackendLatency).toBeGreaterThanOrEqual(150);
  });

  test('one record per request, never a caller\'s header, query or body value', async () => {
    const requests = [
      { path: '/items/1', requestId: 'rid-a', headers: { Authorization: SECRET }, body: SECRET, method: 'GET' },
      { path: `/items/${SECRET}`, requestId: 'rid-b', query: { q: SECRET } },
      { path: `/${SECRET}`, requestId: 'rid-c' },
      { path: '/items/1', requestId: 'rid-d', method: 'DELETE' },
    ];
    await Promise.all(requests.map(r => proxy.invoke(proxyEvent(r))));
    const found = records();
    expect(found.map(r => r.requestId).sort()).toEqual(['rid-a', 'rid-b', 'rid-c', 'rid-d']);
    for (const r of found) { expectValidEmf(r); }
    expect(found.map(r => JSON.stringify(r)).join('\n')).not.toContain(SECRET);
  });
});

test('the namespace a group sets is the one its records and metrics use', async () => {
  const synthesized = synthesizeGroup({ groupName: 'ns-group', metricsNamespace: 'Shop/Gateway' }, g => {
    g.addApi('Ping', { method: HttpMethod.GET, path: '/ping', backend: Backend.mock() });
  });
  metricOwner = Stack.of(synthesized.group);
  captureLogs();
  const proxy = synthesized.load();
  const lines = captureLogs();
  await proxy.invoke(proxyEvent({ path: '/ping', requestId: 'rid-ns' }));
  const record = lines.map(l => JSON.parse(l)).find(r => r._aws);
  expectValidEmf(record);
  expectDeclares(record, synthesized.group.metricRequests(), 1);
  expectDeclares(record, synthesized.group.apis[0].metricLatency());
  expect(record._aws.CloudWatchMetrics[0].Namespace).toBe('Shop/Gateway');
  jest.restoreAllMocks();
  cleanWorkDirs();
});
