/**
 * The proxy's CloudWatch metrics: one Embedded Metric Format record per request, written to
 * stdout with the proxy's logger. Lambda's stdout is the function's log group, and CloudWatch Logs
 * extracts the metrics from it, so nothing is called on the request path.
 *
 * Series (names shared with the constructs, lib/private/metric-names.ts):
 * - Requests, Latency, BackendLatency (when a backend was called), and GatewayErrors = 0 on a
 *   request answered without a gateway error: by [Group] and [Group, ApiId];
 * - GatewayErrors = 1 on a gateway error: by [Group], [Group, ApiId], [Group, ResponseType] and
 *   [Group, ApiId, ResponseType].
 * - per environment (the request's stage: several environments share the proxy): every metric also
 *   by [Group, Stage], and GatewayErrors by [Group, Stage, ResponseType].
 * A request no API matched has no ApiId, so only the sets without it are declared.
 *
 * Only names the proxy chose go into a record: the group's name, the API's id, a response type
 * name, API Gateway's request id (cut). Never a path, header, query or body value.
 *
 * The metadata (`_aws`) depends only on which members a record has: it is serialized once per
 * shape, so a request only formats its numbers and identifiers.
 */
import { DIMENSION_NAMES, METRIC_NAMES } from '../../private/metric-names';
import { logId, logLine } from './log';
import { isRecord } from './types';

/** CloudWatch's namespace characters; `AWS/` is reserved for AWS services. */
const NAMESPACE = /^(?!AWS\/)(?=.*[^ ])[A-Za-z0-9 ._\-/#:]{1,255}$/;
/** CloudWatch's longest dimension value. */
const MAX_DIMENSION_VALUE = 1024;

const SHAPE_API = 1;
const SHAPE_BACKEND = 2;
const SHAPE_ERROR = 4;
const SHAPE_STAGE = 8;
/** API Gateway's longest stage name. */
const MAX_STAGE = 128;

/** What one request did, as far as its metrics go. */
export interface RequestOutcome {
  readonly requestId: string;
  /** The API the request was routed to; absent when none matched. */
  readonly apiId?: string;
  /** The response type of the gateway error answered, if any. */
  readonly errorType?: string;
  /** Time from the event to the answer, ms. */
  readonly latencyMs: number;
  /** Time spent calling the backend, ms; absent when no backend was called. */
  readonly backendMs?: number;
  /** The environment: the request's stage (else the document's); absent or empty: no per-environment series. */
  readonly stage?: string;
}

function ms(value: number): string {
  // Two decimals: sub-millisecond detail without long lines.
  return String(Math.round(Math.max(0, value) * 100) / 100);
}

export class RequestMetrics {
  private readonly group: string;
  private readonly metadata: string[] = [];

  public constructor(public readonly namespace: string, groupName: string) {
    this.group = JSON.stringify(groupName);
  }

  /** The record of one request, as one line of JSON. */
  public record(outcome: RequestOutcome, now: number): string {
    const stage = outcome.stage !== undefined && outcome.stage !== '' && outcome.stage.length <= MAX_STAGE ? outcome.stage : undefined;
    const shape = (outcome.apiId !== undefined ? SHAPE_API : 0)
      | (outcome.backendMs !== undefined ? SHAPE_BACKEND : 0)
      | (outcome.errorType !== undefined ? SHAPE_ERROR : 0)
      | (stage !== undefined ? SHAPE_STAGE : 0);
    const directives = this.metadata[shape] ?? (this.metadata[shape] = this.directives(shape));
    const requestId = logId(outcome.requestId);
    let line = `{"msg":"metrics","requestId":${JSON.stringify(requestId)},"_aws":{"Timestamp":${now},"CloudWatchMetrics":${directives}}`
      + `,"${DIMENSION_NAMES.group}":${this.group}`;
    if (outcome.apiId !== undefined) { line += `,"${DIMENSION_NAMES.api}":${JSON.stringify(outcome.apiId)}`; }
    if (stage !== undefined) { line += `,"${DIMENSION_NAMES.stage}":${JSON.stringify(stage)}`; }
    if (outcome.errorType !== undefined) { line += `,"${DIMENSION_NAMES.responseType}":${JSON.stringify(outcome.errorType)}`; }
    line += `,"${METRIC_NAMES.requests}":1,"${METRIC_NAMES.latency}":${ms(outcome.latencyMs)}`;
    if (outcome.backendMs !== undefined) { line += `,"${METRIC_NAMES.backendLatency}":${ms(outcome.backendMs)}`; }
    line += `,"${METRIC_NAMES.gatewayErrors}":${outcome.errorType !== undefined ? 1 : 0}}`;
    return line;
  }

  /** Writes the record of one request. Never throws: a metric must not cost an answer. */
  public emit(outcome: RequestOutcome): void {
    try {
      logLine(this.record(outcome, Date.now()));
    } catch {
      // stdout gone or an impossible value: the answer matters more than its metric
    }
  }

  /** The `CloudWatchMetrics` array of a record shape. */
  private directives(shape: number): string {
    const { group, api, responseType, stage } = DIMENSION_NAMES;
    const hasApi = (shape & SHAPE_API) !== 0;
    const isError = (shape & SHAPE_ERROR) !== 0;
    const hasStage = (shape & SHAPE_STAGE) !== 0;
    const byApi: string[][] = [[group], ...(hasApi ? [[group, api]] : []), ...(hasStage ? [[group, stage]] : [])];
    const metrics: Array<{ Name: string; Unit: string }> = [
      { Name: METRIC_NAMES.requests, Unit: 'Count' },
      { Name: METRIC_NAMES.latency, Unit: 'Milliseconds' },
    ];
    if ((shape & SHAPE_BACKEND) !== 0) { metrics.push({ Name: METRIC_NAMES.backendLatency, Unit: 'Milliseconds' }); }
    if (!isError) { metrics.push({ Name: METRIC_NAMES.gatewayErrors, Unit: 'Count' }); }
    const directives: unknown[] = [{ Namespace: this.namespace, Dimensions: byApi, Metrics: metrics }];
    if (isError) {
      directives.push({
        Namespace: this.namespace,
        // By type: per group, per API and per environment (not per API and environment at once).
        Dimensions: [...byApi, ...byApi.map(set => [...set, responseType])],
        Metrics: [{ Name: METRIC_NAMES.gatewayErrors, Unit: 'Count' }],
      });
    }
    return JSON.stringify(directives);
  }
}

/**
 * The metrics of a document's `metrics` section: undefined when absent. A section the proxy
 * cannot use turns metrics off (reported through `warn`) rather than refusing the document: a
 * metric is never worth a request.
 */
export function compileMetrics(section: unknown, groupName: string, warn: (reason: string) => void): RequestMetrics | undefined {
  if (section === undefined) { return undefined; }
  if (!isRecord(section) || typeof section.namespace !== 'string' || !NAMESPACE.test(section.namespace)) {
    warn('metrics.namespace is not a CloudWatch namespace: no metrics are emitted');
    return undefined;
  }
  if (groupName === '' || groupName.length > MAX_DIMENSION_VALUE) {
    warn('group.name cannot be a CloudWatch dimension value: no metrics are emitted');
    return undefined;
  }
  return new RequestMetrics(section.namespace, groupName);
}
