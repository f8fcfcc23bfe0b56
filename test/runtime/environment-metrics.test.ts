/**
 * Metrics per environment (issue 9): several environments (stages) share one proxy, so its records
 * also declare each series by [Group, Stage] (GatewayErrors also by [Group, Stage, ResponseType]);
 * `environment.metric*()` return exactly those series. The built proxy runs from a synthesized
 * cloud assembly, as Lambda loads it.
 */
import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Backend, Environment, HttpMethod, ResponseType } from '../../lib';
import { proxyEvent } from '../support/events';
import { cleanWorkDirs, LoadedProxy } from '../support/proxy-harness';
import { synthesizeGroup } from '../support/synth-group';
import { captureLogs } from './helpers';

let proxy: LoadedProxy;
let testEnv: Environment;
let release: Environment;
let owner: Stack;
let lines: string[];

beforeAll(() => {
  const synthesized = synthesizeGroup({ groupName: 'shop-envs' }, g => {
    testEnv = g.addEnvironment('TEST');
    g.addApi('Item', { method: HttpMethod.GET, path: '/items', backend: Backend.mock({ body: 'ok' }) });
  });
  release = synthesized.group.defaultEnvironment;
  owner = Stack.of(synthesized.group);
  captureLogs();
  proxy = synthesized.load();
});
beforeEach(() => { lines = captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(() => { cleanWorkDirs(); });

async function recordOf(options: Parameters<typeof proxyEvent>[0]): Promise<any> {
  await proxy.invoke(proxyEvent(options));
  const found = lines.map(l => JSON.parse(l)).filter(r => r._aws !== undefined);
  expect(found).toHaveLength(1);
  return found[0];
}

function expectDeclares(record: any, metric: cloudwatch.Metric, value: number): void {
  const stat = owner.resolve(metric.toMetricConfig().metricStat);
  const names = stat.dimensions.map((d: { name: string }) => d.name).sort();
  const declared = record._aws.CloudWatchMetrics.some((d: any) => d.Namespace === stat.namespace
    && d.Metrics.some((m: any) => m.Name === stat.metricName)
    && d.Dimensions.some((set: string[]) => JSON.stringify([...set].sort()) === JSON.stringify(names)));
  expect({ declared, series: `${stat.metricName} by ${names.join(',')}` }).toEqual({ declared: true, series: `${stat.metricName} by ${names.join(',')}` });
  for (const d of stat.dimensions) { expect(record[d.name]).toBe(d.value); }
  expect(record[stat.metricName]).toBe(value);
}

test('a request in TEST is counted in TEST\'s series, with the environment\'s name as the Stage dimension', async () => {
  const record = await recordOf({ path: '/items', stage: 'TEST' });
  expect(record.Stage).toBe('TEST');
  expectDeclares(record, testEnv.metricRequests(), 1);
  expectDeclares(record, testEnv.metricLatency(), record.Latency);
  expectDeclares(record, testEnv.metricGatewayErrors(), 0);
});

test('a gateway error in RELEASE is counted by environment and by type', async () => {
  const record = await recordOf({ path: '/nowhere', stage: 'RELEASE' });
  expect(record.Stage).toBe('RELEASE');
  expectDeclares(record, release.metricGatewayErrors(), 1);
  expectDeclares(record, release.metricGatewayErrors(ResponseType.NOT_FOUND), 1);
  expectDeclares(record, release.metricRequests(), 1);
});

test('the environments\' series are distinct metrics (their Stage dimension differs)', () => {
  const dims = (m: cloudwatch.Metric) => owner.resolve(m.toMetricConfig().metricStat).dimensions;
  expect(dims(testEnv.metricRequests())).toEqual(expect.arrayContaining([{ name: 'Stage', value: 'TEST' }, { name: 'Group', value: 'shop-envs' }]));
  expect(dims(release.metricRequests())).toEqual(expect.arrayContaining([{ name: 'Stage', value: 'RELEASE' }]));
});
