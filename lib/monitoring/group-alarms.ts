import { Duration, Lazy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { ApiGroup } from '../api-group';
import { DIMENSION_NAMES, METRIC_NAMES } from '../private/metric-names';
import { ResponseType } from '../response-type';
import { SERVER_ERROR_TYPES } from './metrics';

/** Options of `ApiGroup.addAlarms()`. */
export interface GroupAlarmsOptions {
  /**
   * Alarm when the gateway's 5XX-type errors (BACKEND_UNAVAILABLE, BACKEND_TIMEOUT, DEFAULT_5XX,
   * AUTHORIZER_CONF_FAILURE, THIRD_AUTH_CONF_FAILURE) exceed this percentage of the requests.
   *
   * @default 5
   */
  readonly serverErrorRatePercent?: number;

  /**
   * Alarm when API Gateway's own 5XXError rate (every 5xx the REST API answered, whoever produced
   * it: the proxy, a failed or throttled proxy invocation, an integration failure) exceeds this
   * percentage of requests. This alarm still fires when the proxy cannot run and writes no metric.
   *
   * @default 5
   */
  readonly apiGatewayServerErrorRatePercent?: number;

  /**
   * Alarm when API Gateway's own 4XXError rate (THROTTLED 429s, refused credentials, missing
   * routes...) exceeds this percentage of requests.
   *
   * @default 25
   */
  readonly apiGatewayClientErrorRatePercent?: number;

  /**
   * Alarm when the bundled proxy's or authorizer's Lambda `Errors` or `Throttles` in one period
   * reach this count. Both handlers never throw by design: any error is a broken deployment or
   * the runtime itself failing (out of memory, timeout), any throttle a request that got API
   * Gateway's generic 500 instead of a gateway response.
   *
   * @default 1
   */
  readonly functionFailureThreshold?: number;

  /**
   * Alarm when BACKEND_TIMEOUT answers in one period reach this count.
   *
   * @default 5
   */
  readonly backendTimeoutThreshold?: number;

  /**
   * Alarm when the proxy's p99 latency (event to answer) exceeds this.
   *
   * @default Duration.millis(2500)
   */
  readonly latencyP99Threshold?: Duration;

  /**
   * Length of each evaluated period.
   *
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;

  /**
   * Number of recent periods evaluated.
   *
   * @default 5
   */
  readonly evaluationPeriods?: number;

  /**
   * Number of breaching periods among them that set the alarm off.
   *
   * @default 3
   */
  readonly datapointsToAlarm?: number;

  /**
   * Actions of every alarm when it goes into ALARM, e.g. `new cloudwatch_actions.SnsAction(topic)`.
   *
   * @default - none
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];

  /**
   * Actions of every alarm when it returns to OK.
   *
   * @default - none
   */
  readonly okActions?: cloudwatch.IAlarmAction[];

  /**
   * Prefix of the alarms' names (`<prefix>-gateway-5xx-rate`, `-backend-timeouts`, `-latency-p99`,
   * `-apigateway-5xx-rate`, `-apigateway-4xx-rate`, `-apigateway-latency-p99`, `-proxy-errors`,
   * `-proxy-throttles`, `-authorizer-errors`, `-authorizer-throttles`) and the dashboard's. Alarm names are unique per account and region.
   *
   * @default - the group's name
   */
  readonly namePrefix?: string;

  /**
   * Also create a CloudWatch dashboard: requests, latency p50/p99, backend latency, gateway errors
   * by response type, the busiest APIs and the alarms.
   *
   * @default false
   */
  readonly dashboard?: boolean;

  /**
   * How many APIs the dashboard's busiest-API graph shows.
   *
   * @default 10
   */
  readonly topApis?: number;
}

/** Properties of a `GroupAlarms`. */
export interface GroupAlarmsProps extends GroupAlarmsOptions {
  /** The group watched. */
  readonly group: ApiGroup;
}

const DEFAULTS = {
  serverErrorRatePercent: 5,
  apiGatewayServerErrorRatePercent: 5,
  apiGatewayClientErrorRatePercent: 25,
  functionFailureThreshold: 1,
  backendTimeoutThreshold: 5,
  latencyP99: Duration.millis(2500),
  period: Duration.minutes(1),
  evaluationPeriods: 5,
  datapointsToAlarm: 3,
  topApis: 10,
} as const;

/** APIs listed by name on the dashboard (a text widget has a size limit). */
const LISTED_APIS = 100;

function cleanName(value: string): string {
  // Dashboard names: letters, digits, "-" and "_".
  return value.replace(/[^A-Za-z0-9_-]/g, '-');
}

/**
 * Alarms on an API group, and optionally a dashboard. Create one with `group.addAlarms()`.
 *
 * From the series the bundled proxy emits (they say which gateway error, for which API):
 * - the rate of 5XX-type gateway errors over requests (a metric math expression);
 * - BACKEND_TIMEOUT answers;
 * - the proxy's p99 latency.
 *
 * Those series exist only while the proxy runs. An outage in which it cannot run (throttled,
 * a broken deployment, out of memory) writes nothing, so they would stay OK; these alarms watch
 * what AWS itself measures and fire then:
 * - API Gateway's 5XXError and 4XXError rates and its p99 latency (every environment together);
 * - the proxy's and the authorizer's Lambda `Errors` and `Throttles`.
 *
 * Missing data is chosen per alarm: no data means no traffic for the rates, latencies and
 * API Gateway's own series (NOT_BREACHING: an idle API is not an outage); Lambda publishes
 * `Errors` and `Throttles` only for periods with invocations or attempts, so no data there is
 * also NOT_BREACHING, and a proxy that cannot run shows up in `Throttles` / `Errors` and in API
 * Gateway's 5XXError. Names are deterministic (`<prefix>-...`, see `namePrefix`) and the
 * dashboard is `<prefix>` (characters a dashboard name cannot hold become `-`).
 */
export class GroupAlarms extends Construct {
  /** 5XX-type gateway errors as a percentage of requests. */
  public readonly serverErrorRateAlarm: cloudwatch.Alarm;

  /** BACKEND_TIMEOUT answers per period. */
  public readonly backendTimeoutAlarm: cloudwatch.Alarm;

  /** The proxy's p99 latency. */
  public readonly latencyAlarm: cloudwatch.Alarm;

  /** API Gateway's own 5XXError rate (percent of requests, every environment). */
  public readonly apiGatewayServerErrorAlarm: cloudwatch.Alarm;

  /** API Gateway's own 4XXError rate (percent of requests, every environment). */
  public readonly apiGatewayClientErrorAlarm: cloudwatch.Alarm;

  /** API Gateway's own p99 latency. */
  public readonly apiGatewayLatencyAlarm: cloudwatch.Alarm;

  /** The proxy function's Lambda Errors. */
  public readonly proxyErrorsAlarm: cloudwatch.Alarm;

  /** The proxy function's Lambda Throttles. */
  public readonly proxyThrottlesAlarm: cloudwatch.Alarm;

  /** The dashboard, when asked for. */
  public readonly dashboard?: cloudwatch.Dashboard;

  private readonly functionAlarms = new Map<lambda.IFunction, cloudwatch.Alarm[]>();
  private readonly settings: { readonly prefix: string; readonly period: Duration; readonly threshold: number;
    readonly evaluation: Omit<cloudwatch.CreateAlarmOptions, 'threshold'>; readonly props: GroupAlarmsProps };

  constructor(scope: Construct, id: string, props: GroupAlarmsProps) {
    super(scope, id);
    const group = props.group;
    const prefix = props.namePrefix ?? group.groupName;
    const period = props.period ?? DEFAULTS.period;
    const evaluation = {
      evaluationPeriods: props.evaluationPeriods ?? DEFAULTS.evaluationPeriods,
      datapointsToAlarm: props.datapointsToAlarm ?? DEFAULTS.datapointsToAlarm,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };

    const usingMetrics: Record<string, cloudwatch.IMetric> = { requests: group.metricRequests({ period }) };
    SERVER_ERROR_TYPES.forEach((type, i) => { usingMetrics[`e${i}`] = group.metricGatewayErrors(type, { period }); });
    // A type without errors has no data point in a period: FILL makes it 0 instead of hiding the sum.
    const errors = SERVER_ERROR_TYPES.map((_, i) => `FILL(e${i}, 0)`).join(' + ');
    const rate = new cloudwatch.MathExpression({
      expression: `100 * (${errors}) / requests`,
      usingMetrics,
      period,
      label: '5XX-type gateway errors (% of requests)',
    });
    this.serverErrorRateAlarm = rate.createAlarm(this, 'ServerErrorRate', {
      ...evaluation,
      alarmName: `${prefix}-gateway-5xx-rate`,
      alarmDescription: `API group ${group.groupName}: 5XX-type gateway errors (${SERVER_ERROR_TYPES.map(t => t.name).join(', ')}) ` +
        'as a percentage of requests',
      threshold: props.serverErrorRatePercent ?? DEFAULTS.serverErrorRatePercent,
    });

    this.backendTimeoutAlarm = group.metricGatewayErrors(ResponseType.BACKEND_TIMEOUT, { period }).createAlarm(this, 'BackendTimeouts', {
      ...evaluation,
      alarmName: `${prefix}-backend-timeouts`,
      alarmDescription: `API group ${group.groupName}: BACKEND_TIMEOUT answers per period`,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: props.backendTimeoutThreshold ?? DEFAULTS.backendTimeoutThreshold,
    });

    this.latencyAlarm = group.metricLatency({ period, statistic: cloudwatch.Stats.p(99) }).createAlarm(this, 'LatencyP99', {
      ...evaluation,
      alarmName: `${prefix}-latency-p99`,
      alarmDescription: `API group ${group.groupName}: p99 of the proxy's latency (event to answer), ms`,
      threshold: (props.latencyP99Threshold ?? DEFAULTS.latencyP99).toMilliseconds(),
    });

    // API Gateway's own series: every request the REST API answered, whoever produced the answer.
    // Average of 5XXError / 4XXError is the share of requests (each is 0 or 1 per request).
    const restApi = group.restApi;
    this.apiGatewayServerErrorAlarm = new cloudwatch.MathExpression({
      expression: '100 * e', usingMetrics: { e: restApi.metricServerError({ period, statistic: cloudwatch.Stats.AVERAGE }) },
      period, label: 'API Gateway 5XXError (% of requests)',
    }).createAlarm(this, 'ApiGatewayServerErrorRate', {
      ...evaluation,
      alarmName: `${prefix}-apigateway-5xx-rate`,
      alarmDescription: `API group ${group.groupName}: API Gateway's 5XXError as a percentage of requests (fires even when the proxy writes no metric)`,
      threshold: props.apiGatewayServerErrorRatePercent ?? DEFAULTS.apiGatewayServerErrorRatePercent,
    });
    this.apiGatewayClientErrorAlarm = new cloudwatch.MathExpression({
      expression: '100 * e', usingMetrics: { e: restApi.metricClientError({ period, statistic: cloudwatch.Stats.AVERAGE }) },
      period, label: 'API Gateway 4XXError (% of requests)',
    }).createAlarm(this, 'ApiGatewayClientErrorRate', {
      ...evaluation,
      alarmName: `${prefix}-apigateway-4xx-rate`,
      alarmDescription: `API group ${group.groupName}: API Gateway's 4XXError (THROTTLED, refused credentials, ...) as a percentage of requests`,
      threshold: props.apiGatewayClientErrorRatePercent ?? DEFAULTS.apiGatewayClientErrorRatePercent,
    });
    this.apiGatewayLatencyAlarm = restApi.metricLatency({ period, statistic: cloudwatch.Stats.p(99) }).createAlarm(this, 'ApiGatewayLatencyP99', {
      ...evaluation,
      alarmName: `${prefix}-apigateway-latency-p99`,
      alarmDescription: `API group ${group.groupName}: p99 of API Gateway's latency, ms`,
      threshold: (props.latencyP99Threshold ?? DEFAULTS.latencyP99).toMilliseconds(),
    });

    this.settings = {
      prefix, period, props, evaluation,
      threshold: props.functionFailureThreshold ?? DEFAULTS.functionFailureThreshold,
    };
    [this.proxyErrorsAlarm, this.proxyThrottlesAlarm] = this.watchFunction('Proxy', 'proxy', group.proxyFunction);
    for (const alarm of [this.serverErrorRateAlarm, this.backendTimeoutAlarm, this.latencyAlarm,
      this.apiGatewayServerErrorAlarm, this.apiGatewayClientErrorAlarm, this.apiGatewayLatencyAlarm]) {
      this.withActions(alarm);
    }

    if (props.dashboard) {
      this.dashboard = this.createDashboard(group, cleanName(prefix), props.topApis ?? DEFAULTS.topApis, rate);
    }
  }

  /**
   * Every alarm: the proxy's series, API Gateway's, and both functions' Errors and Throttles (the
   * authorizer's once the group has one: they are added at synthesis if it appears later).
   */
  public get alarms(): cloudwatch.Alarm[] {
    return [this.serverErrorRateAlarm, this.backendTimeoutAlarm, this.latencyAlarm,
      this.apiGatewayServerErrorAlarm, this.apiGatewayClientErrorAlarm, this.apiGatewayLatencyAlarm,
      ...[...this.functionAlarms.values()].flat()];
  }

  /** The authorizer function's Errors and Throttles alarms, once the group has an authorizer. */
  public get authorizerAlarms(): cloudwatch.Alarm[] {
    return [...this.functionAlarms.entries()].filter(([fn]) => fn !== (this.node.scope as ApiGroup).proxyFunction).flatMap(([, a]) => a);
  }

  /** @internal called when the group is finalised: the authorizer may have appeared after addAlarms() */
  public _watchAuthorizer(fn: lambda.IFunction | undefined): void {
    if (fn !== undefined && !this.functionAlarms.has(fn)) { this.watchFunction('Authorizer', 'authorizer', fn); }
  }

  /** Errors and Throttles of one bundled function: neither should ever be above zero. */
  private watchFunction(id: string, label: string, fn: lambda.IFunction): [cloudwatch.Alarm, cloudwatch.Alarm] {
    const { prefix, period, threshold, evaluation } = this.settings;
    const groupName = (this.node.scope as ApiGroup).groupName;
    const common = {
      ...evaluation,
      // One failing period is enough: these handlers never fail by design.
      evaluationPeriods: 1, datapointsToAlarm: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold,
    };
    const errors = fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }).createAlarm(this, `${id}Errors`, {
      ...common,
      alarmName: `${prefix}-${label}-errors`,
      alarmDescription: `API group ${groupName}: Lambda Errors of the bundled ${label} (it never throws by design)`,
    });
    const throttles = fn.metricThrottles({ period, statistic: cloudwatch.Stats.SUM }).createAlarm(this, `${id}Throttles`, {
      ...common,
      alarmName: `${prefix}-${label}-throttles`,
      alarmDescription: `API group ${groupName}: Lambda Throttles of the bundled ${label} (each one a request answered by API Gateway's generic 5xx)`,
    });
    this.withActions(errors);
    this.withActions(throttles);
    const pair: [cloudwatch.Alarm, cloudwatch.Alarm] = [errors, throttles];
    this.functionAlarms.set(fn, pair);
    return pair;
  }

  private withActions(alarm: cloudwatch.Alarm): void {
    const props = this.settings.props;
    if (props.alarmActions?.length) { alarm.addAlarmAction(...props.alarmActions); }
    if (props.okActions?.length) { alarm.addOkAction(...props.okActions); }
  }

  private createDashboard(group: ApiGroup, name: string, topApis: number, rate: cloudwatch.MathExpression): cloudwatch.Dashboard {
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: name });
    const width = 12;
    const errorTypes = ResponseType.all().filter(t => t.name !== ResponseType.THROTTLED.name);
    // The busiest APIs: a search over the group's per-API series (dashboards may search; alarms may not).
    const search = (metricName: string, statistic: string) =>
      `SEARCH('{${group.metricsNamespace},${DIMENSION_NAMES.group},${DIMENSION_NAMES.api}} ` +
      `MetricName="${metricName}" ${DIMENSION_NAMES.group}="${group.groupName}"', '${statistic}', 300)`;
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Requests', width, left: [group.metricRequests({ label: 'Requests' })] }),
      new cloudwatch.GraphWidget({
        title: 'Latency (ms)',
        width,
        left: [
          group.metricLatency({ statistic: cloudwatch.Stats.p(50), label: 'p50' }),
          group.metricLatency({ statistic: cloudwatch.Stats.p(99), label: 'p99' }),
          group.metricBackendLatency({ statistic: cloudwatch.Stats.p(50), label: 'backend p50' }),
          group.metricBackendLatency({ statistic: cloudwatch.Stats.p(99), label: 'backend p99' }),
        ],
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Gateway errors by response type',
        width,
        stacked: true,
        left: errorTypes.map(t => group.metricGatewayErrors(t, { label: t.name })),
      }),
      new cloudwatch.GraphWidget({ title: '5XX-type gateway errors (% of requests)', width, left: [rate] }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `Top ${topApis} APIs by requests (ApiId)`,
        width,
        left: [new cloudwatch.MathExpression({
          expression: `SORT(${search(METRIC_NAMES.requests, 'Sum')}, SUM, DESC, ${topApis})`,
          usingMetrics: {},
          label: '',
        })],
      }),
      new cloudwatch.GraphWidget({
        title: `Top ${topApis} APIs by gateway errors (ApiId)`,
        width,
        left: [new cloudwatch.MathExpression({
          expression: `SORT(${search(METRIC_NAMES.gatewayErrors, 'Sum')}, SUM, DESC, ${topApis})`,
          usingMetrics: {},
          label: '',
        })],
      }),
    );
    // Read at synthesis: APIs added after addAlarms() are listed too.
    const apiTable = () => {
      const apis = group.apis;
      const rows = apis.slice(0, LISTED_APIS).map(a => `| ${a.apiName} | ${a.method} ${a.path.replace(/\|/g, '\\|')} | ${a.apiId} |`);
      const more = apis.length > LISTED_APIS ? `\n\n${apis.length - LISTED_APIS} more APIs are not listed.` : '';
      return `### APIs of ${group.groupName}\n\n| Name | Route | ApiId |\n|---|---|---|\n${rows.join('\n')}${more}`;
    };
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width, alarms: this.alarms }),
      new cloudwatch.TextWidget({ width, height: 6, markdown: Lazy.string({ produce: apiTable }) }),
    );
    return dashboard;
  }
}
