/**
 * The names of the CloudWatch series the proxy emits in Embedded Metric Format: shared by the
 * bundled proxy (which writes them) and the constructs' `metric*()` methods (which read them), so
 * the two cannot drift apart. Constants only, no imports (compiled by both jsii and esbuild).
 */

/** Namespace of a group that sets no `metricsNamespace`. */
export const DEFAULT_METRICS_NAMESPACE = 'CdkApiGroups';

/** Metric names, one series per request (GatewayErrors: 0 or 1). */
export const METRIC_NAMES = {
  /** Count: every request the proxy answered. */
  requests: 'Requests',
  /** Milliseconds: from the event reaching the proxy to its answer. */
  latency: 'Latency',
  /** Milliseconds: the backend call alone (only requests that called a backend). */
  backendLatency: 'BackendLatency',
  /** Count: 1 for a gateway error (with its ResponseType), 0 otherwise. */
  gatewayErrors: 'GatewayErrors',
} as const;

/**
 * Dimension names. Values: the group's name, the API's id (`$context.apiId`), a response type name,
 * the environment (the request's stage).
 */
export const DIMENSION_NAMES = {
  group: 'Group',
  api: 'ApiId',
  responseType: 'ResponseType',
  stage: 'Stage',
} as const;
