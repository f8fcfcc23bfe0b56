/**
 * Issue 14 item 19: alarms that stay green in an outage. The alarms of `addAlarms()` are read from
 * the synthesized template and evaluated over scenarios the way CloudWatch evaluates them
 * (documented "Evaluating an alarm" rules: the last EvaluationPeriods periods, DatapointsToAlarm of
 * them breaching; a period without a data point is handled as TreatMissingData says; metric math
 * over a series with no data point yields none, unless FILL gives it a value).
 *
 * The scenarios are what AWS publishes in each situation:
 * - the proxy throttled (account concurrency exhausted): API Gateway answers 500 to every request
 *   (5XXError = 1 per request), Lambda publishes Throttles for the proxy and no Invocations/Errors,
 *   and the proxy writes no EMF record at all;
 * - a broken deployment (the proxy's code fails at init): API Gateway answers 502, Lambda Errors;
 * - idle and healthy traffic: nothing alarms.
 * Before this fix only the proxy's own EMF alarms existed: every one stayed OK in both outages.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiAuth, ApiGroup, Backend, HttpMethod } from '../../lib';
import { newGroup } from '../support/synth';

/** One value per period (oldest first); undefined = no data point in that period. */
type Series = (number | undefined)[];
/** What CloudWatch holds in a scenario: namespace/metric/dimension-value/statistic -> series. */
type Scenario = (namespace: string, metric: string, dimensions: Record<string, string>, stat: string) => Series | undefined;

const PERIODS = 5;
const none: Series = new Array(PERIODS).fill(undefined);
const every = (v: number): Series => new Array(PERIODS).fill(v);

function dims(list: { Name: string; Value: unknown }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of list ?? []) { out[d.Name] = typeof d.Value === 'string' ? d.Value : JSON.stringify(d.Value); }
  return out;
}

/** The value of a metric-math expression of the kinds addAlarms() writes: + - * /, FILL(x, n), numbers, ids. */
function evaluate(expression: string, values: Record<string, number | undefined>): number | undefined {
  const tokens = expression.match(/FILL|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|[-+*/(),]/g)!;
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  function primary(): number | undefined {
    const t = next();
    if (t === '(') { const v = sum(); next(); return v; }
    if (t === 'FILL') {
      next(); const id = next(); next(); const fill = Number(next()); next();
      return values[id] ?? fill;
    }
    if (/^\d/.test(t)) { return Number(t); }
    return values[t];
  }
  function product(): number | undefined {
    let v = primary();
    while (peek() === '*' || peek() === '/') {
      const op = next(); const r = primary();
      v = v === undefined || r === undefined ? undefined : op === '*' ? v * r : v / r;
    }
    return v;
  }
  function sum(): number | undefined {
    let v = product();
    while (peek() === '+' || peek() === '-') {
      const op = next(); const r = product();
      v = v === undefined || r === undefined ? undefined : op === '+' ? v + r : v - r;
    }
    return v;
  }
  return sum();
}

function seriesOf(alarm: any, scenario: Scenario): Series {
  const stat = (s: any) => s.ExtendedStatistic ?? s.Statistic ?? s.Stat;
  if (alarm.MetricName) {
    return scenario(alarm.Namespace, alarm.MetricName, dims(alarm.Dimensions), stat(alarm)) ?? none;
  }
  const inputs: Record<string, Series> = {};
  let expression = '';
  for (const m of alarm.Metrics) {
    if (m.MetricStat) {
      const ms = m.MetricStat;
      inputs[m.Id] = scenario(ms.Metric.Namespace, ms.Metric.MetricName, dims(ms.Metric.Dimensions), ms.Stat) ?? none;
    } else if (m.ReturnData !== false) {
      expression = m.Expression;
    }
  }
  return none.map((_, p) => evaluate(expression, Object.fromEntries(Object.entries(inputs).map(([id, s]) => [id, s[p]]))));
}

function breaches(value: number, alarm: any): boolean {
  switch (alarm.ComparisonOperator) {
    case 'GreaterThanThreshold': return value > alarm.Threshold;
    case 'GreaterThanOrEqualToThreshold': return value >= alarm.Threshold;
    case 'LessThanThreshold': return value < alarm.Threshold;
    default: return value <= alarm.Threshold;
  }
}

/** ALARM or OK, as CloudWatch decides it for the last EvaluationPeriods periods. */
function state(alarm: any, scenario: Scenario): 'ALARM' | 'OK' {
  const window = seriesOf(alarm, scenario).slice(-alarm.EvaluationPeriods);
  const needed = alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods;
  let breaching = 0;
  for (const v of window) {
    if (v === undefined) {
      if (alarm.TreatMissingData === 'breaching') { breaching += 1; }
    } else if (breaches(v, alarm)) {
      breaching += 1;
    }
  }
  return breaching >= needed ? 'ALARM' : 'OK';
}

function monitoredGroup(): { group: ApiGroup; alarms: Record<string, any>; proxy: string; authorizer: string } {
  const group = newGroup({ groupName: 'shop' });
  group.addAlarms();
  group.addApi('GetItem', { method: HttpMethod.GET, path: '/items/{id}', backend: Backend.mock() });
  // Added after addAlarms(): the authorizer appears later and must still be watched.
  const app = group.addApp('mobile');
  group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock(), auth: ApiAuth.app({ apps: [app] }) });
  const stack = Stack.of(group);
  const template = Template.fromStack(stack);
  const alarms: Record<string, any> = {};
  for (const r of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
    alarms[(r as any).Properties.AlarmName] = stack.resolve((r as any).Properties);
  }
  const id = (fn: lambda.IFunction) => JSON.stringify({ Ref: stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction) });
  return { group, alarms, proxy: id(group.proxyFunction), authorizer: id(group.authorizerFunction!) };
}

function states(alarms: Record<string, any>, scenario: Scenario): Record<string, string> {
  return Object.fromEntries(Object.entries(alarms).map(([name, a]) => [name, state(a, scenario)]));
}

describe('addAlarms(): an outage in which the proxy writes nothing still alarms', () => {
  const { alarms, proxy, authorizer } = monitoredGroup();
  const PROXY_SERIES = ['shop-gateway-5xx-rate', 'shop-backend-timeouts', 'shop-latency-p99'];

  test('every bundled function and API Gateway\'s own series are watched, with deliberate missing-data handling', () => {
    expect(Object.keys(alarms).sort()).toEqual([
      'shop-apigateway-4xx-rate', 'shop-apigateway-5xx-rate', 'shop-apigateway-latency-p99',
      'shop-authorizer-errors', 'shop-authorizer-throttles', 'shop-backend-timeouts', 'shop-gateway-5xx-rate',
      'shop-latency-p99', 'shop-proxy-errors', 'shop-proxy-throttles',
    ]);
    for (const a of Object.values(alarms)) { expect(a.TreatMissingData).toBe('notBreaching'); }
    expect(alarms['shop-proxy-throttles']).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Throttles', EvaluationPeriods: 1 });
    expect(JSON.stringify(alarms['shop-authorizer-errors'].Dimensions[0].Value)).toBe(authorizer);
  });

  test('the proxy throttled: API Gateway 5xx and the proxy\'s Throttles alarm; the proxy\'s own series say nothing', () => {
    const throttled: Scenario = (ns, metric, d, stat) => {
      if (ns === 'AWS/ApiGateway' && d.ApiName !== undefined) {
        if (metric === '5XXError' && stat === 'Average') { return every(1); }
        if (metric === '4XXError') { return every(0); }
        if (metric === 'Latency') { return every(15); }
      }
      if (ns === 'AWS/Lambda' && d.FunctionName === proxy && metric === 'Throttles') { return every(120); }
      return undefined; // the proxy writes nothing; Lambda publishes no Errors without invocations
    };
    const got = states(alarms, throttled);
    for (const name of PROXY_SERIES) { expect(got[name]).toBe('OK'); } // what main had: all green
    expect(got['shop-apigateway-5xx-rate']).toBe('ALARM');
    expect(got['shop-proxy-throttles']).toBe('ALARM');
  });

  test('a broken deployment (the proxy fails): API Gateway 5xx and the proxy\'s Errors alarm', () => {
    const broken: Scenario = (ns, metric, d, stat) => {
      if (ns === 'AWS/ApiGateway' && metric === '5XXError' && stat === 'Average') { return every(1); }
      if (ns === 'AWS/Lambda' && d.FunctionName === proxy && metric === 'Errors') { return every(80); }
      if (ns === 'AWS/Lambda' && d.FunctionName === proxy && metric === 'Throttles') { return every(0); }
      return undefined;
    };
    const got = states(alarms, broken);
    for (const name of PROXY_SERIES) { expect(got[name]).toBe('OK'); }
    expect(got['shop-apigateway-5xx-rate']).toBe('ALARM');
    expect(got['shop-proxy-errors']).toBe('ALARM');
  });

  test('idle (no data at all) and healthy traffic: nothing alarms', () => {
    expect(Object.values(states(alarms, () => undefined)).every(s => s === 'OK')).toBe(true);
    const healthy: Scenario = (ns, metric, _d, stat) => {
      if (ns === 'AWS/ApiGateway') { return every(metric === 'Latency' ? 40 : stat === 'Average' ? 0.01 : 100); }
      if (ns === 'AWS/Lambda') { return every(0); }
      if (metric === 'Requests') { return every(100); }
      if (metric === 'Latency') { return every(30); }
      return undefined; // no gateway errors of any type
    };
    expect(states(alarms, healthy)).toEqual(Object.fromEntries(Object.keys(alarms).map(n => [n, 'OK'])));
  });
});
