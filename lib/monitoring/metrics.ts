/**
 * The CloudWatch series the bundled proxy emits (Embedded Metric Format, one record per request),
 * as `cloudwatch.Metric` objects: the same namespace, metric names and dimensions the proxy writes
 * (lib/private/metric-names.ts is shared by both), with the statistic that suits each.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { DIMENSION_NAMES, METRIC_NAMES } from '../private/metric-names';
import { ResponseType } from '../response-type';

/** Whose series: a group, or one API of it. */
export interface MetricScope {
  readonly namespace: string;
  readonly groupName: string;
  /** Absent: the whole group. */
  readonly apiId?: string;
  /** One environment (stage) of the group; absent: every environment. Not combined with apiId. */
  readonly stage?: string;
  /** The construct the metric is attached to (its stack decides the metric's account and region). */
  readonly owner: IConstruct;
}

/** The CloudWatch period of every default metric: CloudWatch's own default. */
const DEFAULT_PERIOD = Duration.minutes(5);

function metric(scope: MetricScope, metricName: string, statistic: string, extra: Record<string, string>,
  props: cloudwatch.MetricOptions | undefined): cloudwatch.Metric {
  const dimensionsMap: Record<string, string> = { [DIMENSION_NAMES.group]: scope.groupName };
  if (scope.apiId !== undefined) { dimensionsMap[DIMENSION_NAMES.api] = scope.apiId; }
  if (scope.stage !== undefined) { dimensionsMap[DIMENSION_NAMES.stage] = scope.stage; }
  return new cloudwatch.Metric({
    ...props,
    namespace: scope.namespace,
    metricName,
    statistic: props?.statistic ?? statistic,
    period: props?.period ?? DEFAULT_PERIOD,
    dimensionsMap: { ...dimensionsMap, ...extra, ...props?.dimensionsMap },
  }).attachTo(scope.owner);
}

/** Requests the proxy answered (Sum). */
export function requestsMetric(scope: MetricScope, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return metric(scope, METRIC_NAMES.requests, cloudwatch.Stats.SUM, {}, props);
}

/** The proxy's time from event to answer, ms (Average). */
export function latencyMetric(scope: MetricScope, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return metric(scope, METRIC_NAMES.latency, cloudwatch.Stats.AVERAGE, {}, props);
}

/** The backend call's time, ms, of requests that called one (Average). */
export function backendLatencyMetric(scope: MetricScope, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return metric(scope, METRIC_NAMES.backendLatency, cloudwatch.Stats.AVERAGE, {}, props);
}

/**
 * Gateway errors the proxy answered (Sum): all of them, or those of one response type.
 *
 * @throws for THROTTLED, which API Gateway answers itself before the proxy runs
 */
export function gatewayErrorsMetric(scope: MetricScope, type: ResponseType | undefined, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  if (type && !proxyRenders(type)) {
    throw new Error(`${scope.owner.node.path}: ${type.name} is answered by API Gateway itself, before the proxy, so the proxy's ` +
      'GatewayErrors metric never counts it: use the REST API\'s own metrics (group.restApi.metricClientError())');
  }
  return metric(scope, METRIC_NAMES.gatewayErrors, cloudwatch.Stats.SUM,
    type ? { [DIMENSION_NAMES.responseType]: type.name } : {}, props);
}

/** Every response type but THROTTLED reaches the proxy (the authorizer's refusals too: the proxy renders them). */
function proxyRenders(type: ResponseType): boolean {
  return type.name !== ResponseType.THROTTLED.name;
}

/** The response types counted as server-side failures: the gateway's 5XX answers. */
export const SERVER_ERROR_TYPES: readonly ResponseType[] = [
  ResponseType.BACKEND_UNAVAILABLE,
  ResponseType.BACKEND_TIMEOUT,
  ResponseType.DEFAULT_5XX,
  ResponseType.AUTHORIZER_CONF_FAILURE,
  ResponseType.THIRD_AUTH_CONF_FAILURE,
];
