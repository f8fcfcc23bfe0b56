/**
 * Monitoring on the construct side: the metric methods' series, the alarms of `addAlarms()` (what
 * they watch, thresholds, actions, names) and its dashboard, as synthesized. That the proxy emits
 * these very series is proven on the built proxy in test/runtime/metrics.test.ts.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ApiGroup, Backend, HttpMethod, ResponseType } from '../../lib';
import { newGroup } from '../support/synth';

function groupWithApi(props = {}): ApiGroup {
  const group = newGroup({ groupName: 'shop', ...props });
  group.addApi('GetItem', { method: HttpMethod.GET, path: '/items/{id}', backend: Backend.mock() });
  return group;
}

function resolved(group: ApiGroup, metric: cloudwatch.IMetric): any {
  return Stack.of(group).resolve(metric.toMetricConfig());
}

describe('metric methods', () => {
  test('group and API series: namespace, name, dimensions, statistic and period', () => {
    const group = groupWithApi();
    const api = group.apis[0];
    expect(resolved(group, group.metricRequests()).metricStat).toEqual(expect.objectContaining({
      namespace: 'CdkApiGroups', metricName: 'Requests', dimensions: [{ name: 'Group', value: 'shop' }], statistic: 'Sum',
    }));
    expect(resolved(group, api.metricLatency()).metricStat).toEqual(expect.objectContaining({
      namespace: 'CdkApiGroups', metricName: 'Latency', statistic: 'Average',
      dimensions: [{ name: 'ApiId', value: api.apiId }, { name: 'Group', value: 'shop' }], // CloudWatch order: by name
    }));
    expect(resolved(group, api.metricGatewayErrors(ResponseType.BACKEND_TIMEOUT)).metricStat.dimensions).toEqual([
      { name: 'ApiId', value: api.apiId }, { name: 'Group', value: 'shop' }, { name: 'ResponseType', value: 'BACKEND_TIMEOUT' },
    ]);
    expect(group.metricBackendLatency().metricName).toBe('BackendLatency');
    expect(group.metricRequests().period.toSeconds()).toBe(300);
  });

  test('options override the defaults, as aws-cdk-lib\'s metric methods allow', () => {
    const group = groupWithApi({ metricsNamespace: 'Shop/Api' });
    const m = group.metricLatency({ statistic: 'p99', period: Duration.minutes(1), label: 'p99' });
    expect([m.namespace, m.statistic, m.period.toSeconds(), m.label]).toEqual(['Shop/Api', 'p99', 60, 'p99']);
  });

  test('THROTTLED is refused: API Gateway answers it before the proxy, so the proxy never counts it', () => {
    const group = groupWithApi();
    expect(() => group.metricGatewayErrors(ResponseType.THROTTLED)).toThrow(/THROTTLED is answered by API Gateway itself/);
    expect(() => group.apis[0].metricGatewayErrors(ResponseType.THROTTLED)).toThrow(/metricClientError/);
  });
});

describe('addAlarms()', () => {
  test('the proxy\'s three series alarms (plus API Gateway\'s and the proxy function\'s, see alarms-outage.test.ts) with deterministic names, default thresholds, no data not breaching', () => {
    const group = groupWithApi();
    const alarms = group.addAlarms();
    const template = Template.fromStack(Stack.of(group));
    // 3 on the proxy's series, 3 on API Gateway's, Errors and Throttles of the proxy (no authorizer here)
    template.resourceCountIs('AWS::CloudWatch::Alarm', 8);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    // 5XX-type rate: a math expression over the five types and the requests
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-gateway-5xx-rate',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 5,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({
          Expression: '100 * (FILL(e0, 0) + FILL(e1, 0) + FILL(e2, 0) + FILL(e3, 0) + FILL(e4, 0)) / requests',
          ReturnData: true,
        }),
        Match.objectLike({
          Id: 'requests', ReturnData: false,
          MetricStat: {
            Metric: { Namespace: 'CdkApiGroups', MetricName: 'Requests', Dimensions: [{ Name: 'Group', Value: 'shop' }] },
            Period: 60, Stat: 'Sum',
          },
        }),
      ]),
    });
    const rate = Stack.of(group).resolve((alarms.serverErrorRateAlarm.node.defaultChild as cloudwatch.CfnAlarm).metrics) as any[];
    const types = rate.filter(m => /^e\d$/.test(m.id)).map(m => m.metricStat.metric.dimensions.find((d: any) => d.name === 'ResponseType').value);
    expect(types).toEqual(['BACKEND_UNAVAILABLE', 'BACKEND_TIMEOUT', 'DEFAULT_5XX', 'AUTHORIZER_CONF_FAILURE', 'THIRD_AUTH_CONF_FAILURE']);

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-backend-timeouts',
      Namespace: 'CdkApiGroups', MetricName: 'GatewayErrors', Statistic: 'Sum', Period: 60,
      Dimensions: [{ Name: 'Group', Value: 'shop' }, { Name: 'ResponseType', Value: 'BACKEND_TIMEOUT' }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 5,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-latency-p99',
      Namespace: 'CdkApiGroups', MetricName: 'Latency', ExtendedStatistic: 'p99', Period: 60,
      Dimensions: [{ Name: 'Group', Value: 'shop' }],
      Threshold: 2500,
    });
  });

  test('thresholds, periods, name prefix and SNS actions are options', () => {
    const group = groupWithApi();
    const topic = new sns.Topic(Stack.of(group), 'Oncall');
    group.addAlarms({
      serverErrorRatePercent: 1, backendTimeoutThreshold: 2, latencyP99Threshold: Duration.seconds(1),
      period: Duration.minutes(5), evaluationPeriods: 3, datapointsToAlarm: 2, namePrefix: 'prod-shop',
      alarmActions: [new actions.SnsAction(topic)], okActions: [new actions.SnsAction(topic)],
    });
    const template = Template.fromStack(Stack.of(group));
    const topicRef = { Ref: Stack.of(group).getLogicalId(topic.node.defaultChild as sns.CfnTopic) };
    for (const [name, threshold] of [['prod-shop-gateway-5xx-rate', 1], ['prod-shop-backend-timeouts', 2], ['prod-shop-latency-p99', 1000]] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: name, Threshold: threshold, EvaluationPeriods: 3, DatapointsToAlarm: 2,
        AlarmActions: [topicRef], OKActions: [topicRef],
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'prod-shop-latency-p99', Period: 300 });
  });

  test('the dashboard: requests, latency p50/p99, errors by type, the busiest APIs, the alarms and every API by name', () => {
    const group = groupWithApi({ groupName: 'shop.v2' });
    group.addAlarms({ dashboard: true, topApis: 5 });
    // Added after addAlarms(): still listed
    const late = group.addApi('Late', { method: HttpMethod.POST, path: '/late', backend: Backend.mock() });
    const template = Template.fromStack(Stack.of(group));
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0] as any;
    expect(dashboard.Properties.DashboardName).toBe('shop-v2');
    const body = JSON.parse(JSON.stringify(Stack.of(group).resolve(dashboard.Properties.DashboardBody)).replace(/\{"Ref":"AWS::Region"\}/g, '"eu-west-1"'));
    const parts = body['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'eu-west-1')).join('');
    const widgets = JSON.parse(parts).widgets as any[];
    const titles = widgets.map(w => w.properties.title).filter(Boolean);
    expect(titles).toEqual(expect.arrayContaining([
      'Requests', 'Latency (ms)', 'Gateway errors by response type', '5XX-type gateway errors (% of requests)',
      'Top 5 APIs by requests (ApiId)', 'Top 5 APIs by gateway errors (ApiId)', 'Alarms',
    ]));
    const latency = widgets.find(w => w.properties.title === 'Latency (ms)').properties.metrics;
    expect(JSON.stringify(latency)).toContain('"stat":"p50"');
    expect(JSON.stringify(latency)).toContain('"stat":"p99"');
    const byType = widgets.find(w => w.properties.title === 'Gateway errors by response type').properties.metrics;
    expect(byType).toHaveLength(18); // every type but THROTTLED (the two orchestration types included)
    const top = JSON.stringify(widgets.find(w => w.properties.title === 'Top 5 APIs by requests (ApiId)').properties.metrics);
    expect(top).toContain('SORT(SEARCH(\'{CdkApiGroups,Group,ApiId} MetricName=\\"Requests\\" Group=\\"shop.v2\\"\', \'Sum\', 300), SUM, DESC, 5)');
    const text = widgets.find(w => w.type === 'text').properties.markdown;
    expect(text).toContain(`| GetItem | GET /items/{id} | ${group.apis[0].apiId} |`);
    expect(text).toContain(`| Late | POST /late | ${late.apiId} |`);
  });
});
