import { Duration, Lazy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
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
   * Prefix of the alarms' names (`<prefix>-gateway-5xx-rate`, `-backend-timeouts`, `-latency-p99`)
   * and the dashboard's. Alarm names are unique per account and region.
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
 * Alarms on an API group's metrics (the series the bundled proxy emits), and optionally a
 * dashboard. Create one with `group.addAlarms()`.
 *
 * - the rate of 5XX-type gateway errors over requests (a metric math expression);
 * - BACKEND_TIMEOUT answers;
 * - the proxy's p99 latency.
 *
 * Missing data (no traffic) is not breaching. Names are deterministic: `<prefix>-gateway-5xx-rate`,
 * `<prefix>-backend-timeouts`, `<prefix>-latency-p99` and the dashboard `<prefix>` (characters a
 * dashboard name cannot hold become `-`).
 */
export class GroupAlarms extends Construct {
  /** 5XX-type gateway errors as a percentage of requests. */
  public readonly serverErrorRateAlarm: cloudwatch.Alarm;

  /** BACKEND_TIMEOUT answers per period. */
  public readonly backendTimeoutAlarm: cloudwatch.Alarm;

  /** The proxy's p99 latency. */
  public readonly latencyAlarm: cloudwatch.Alarm;

  /** The dashboard, when asked for. */
  public readonly dashboard?: cloudwatch.Dashboard;

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

    for (const alarm of this.alarms) {
      if (props.alarmActions?.length) { alarm.addAlarmAction(...props.alarmActions); }
      if (props.okActions?.length) { alarm.addOkAction(...props.okActions); }
    }

    if (props.dashboard) {
      this.dashboard = this.createDashboard(group, cleanName(prefix), props.topApis ?? DEFAULTS.topApis, rate);
    }
  }

  /** The three alarms. */
  public get alarms(): cloudwatch.Alarm[] {
    return [this.serverErrorRateAlarm, this.backendTimeoutAlarm, this.latencyAlarm];
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
