import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { ApiGroup } from './api-group';
import { backendLatencyMetric, gatewayErrorsMetric, latencyMetric, MetricScope, requestsMetric } from './monitoring/metrics';
import { ResponseType } from './response-type';

/** Options of an environment (Huawei APIG: an environment a group's APIs are published to). */
export interface EnvironmentOptions {
  /**
   * The environment's variables (API Gateway: stage variables), read as `$stageVariables.<name>` in
   * templates and by backends in the event: at most 50, names of 3-32 letters, digits or `_`
   * starting with a letter, values of 1-255 letters, digits and `_-/.:`.
   *
   * @default - none
   */
  readonly variables?: { [name: string]: string };

  /**
   * The environment's request rate limit (every method of its stage), enforced natively by API
   * Gateway (THROTTLED). The APIs' own throttles apply in every environment.
   *
   * @default - the account's limits only
   */
  readonly throttle?: apigw.ThrottleSettings;

  /**
   * Description of the environment's stage.
   *
   * @default - none
   */
  readonly description?: string;
}

/** Properties of an environment. */
export interface EnvironmentProps extends EnvironmentOptions {
  /**
   * The environment's name, also its stage's name (`$context.stage`, the first path segment on the
   * execute-api endpoint): 3-64 letters, digits or `_`, starting with a letter, unique in the group.
   */
  readonly environmentName: string;
}

/**
 * An environment of an API group (Huawei APIG: up to 10 per group, `RELEASE` the default), each
 * with its own variables and rate limit. On AWS it is a stage of the group's REST API, on the same
 * deployment as the others, with the group's stage options (access log, tracing, metrics, the APIs'
 * throttles). An API is published to every environment of its group unless `ApiOptions.environments`
 * lists some; in the others it does not exist (NOT_FOUND).
 *
 * Define one with `ApiGroup.addEnvironment()`; the group's default environment (`stageName`,
 * `stageVariables`, `throttle` of the group) is `ApiGroup.defaultEnvironment`.
 */
export class Environment extends Construct {
  /** The environment's name: its stage's name. */
  public readonly environmentName: string;

  /** The environment's variables (its stage variables). */
  public readonly variables: { [name: string]: string };

  /**
   * The environment's rate limit.
   *
   * @default - none
   */
  public readonly throttle?: apigw.ThrottleSettings;

  /** The environment's API Gateway stage. */
  public readonly stage: apigw.Stage;

  /**
   * Defines an environment of `group`. `group.addEnvironment(name, options)` is the shorter way.
   *
   * @throws ApiGroupValidationError if the name, the number of environments or a variable breaks a limit
   */
  constructor(group: ApiGroup, id: string, props: EnvironmentProps) {
    super(group, id);
    this.environmentName = props.environmentName;
    this.variables = { ...(props.variables ?? {}) };
    this.throttle = props.throttle;
    this.stage = group._registerEnvironment(this, props);
  }

  /** Requests the proxy answered in this environment (statistic Sum, period 5 minutes). */
  public metricRequests(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return requestsMetric(this.metricScope(), props);
  }

  /** The proxy's latency in this environment, event to answer, ms (statistic Average, period 5 minutes). */
  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return latencyMetric(this.metricScope(), props);
  }

  /** The backend call's latency in this environment, ms (statistic Average, period 5 minutes). */
  public metricBackendLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return backendLatencyMetric(this.metricScope(), props);
  }

  /**
   * Gateway errors the proxy answered in this environment, all or of one response type (statistic
   * Sum, period 5 minutes).
   *
   * @throws for THROTTLED, which API Gateway answers itself
   */
  public metricGatewayErrors(type?: ResponseType, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return gatewayErrorsMetric(this.metricScope(), type, props);
  }

  /** The environment's URL on the execute-api endpoint (`https://<api id>.execute-api.<region>.<suffix>/<stage>/`). */
  public get url(): string {
    return this.stage.urlForPath('/');
  }

  private metricScope(): MetricScope {
    const group = this.node.scope as ApiGroup;
    return { namespace: group.metricsNamespace, groupName: group.groupName, stage: this.environmentName, owner: this };
  }
}
