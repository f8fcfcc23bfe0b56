import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { VERDICT_KEYS } from './config-document';

/**
 * The JSON format of the stages' access log: one line per request API Gateway received, whoever
 * answered it. API Gateway writes it after the answer, from its `$context` variables; a Lambda
 * proxy integration cannot add variables of its own, so what the group knows is taken from what
 * our authorizer returned (`$context.authorizer.*`, when the authorizer ran for the method):
 * the API's id and name, the calling app and the verdict (the response type of a refusal).
 *
 * - responseType: API Gateway's own gateway response type when API Gateway answered (`THROTTLED`,
 *   `MISSING_AUTHENTICATION_TOKEN`...); empty when the proxy answered: the proxy's log line and its
 *   metrics carry the Huawei response type under the same requestId.
 * - verdict: `ok`, or the Huawei type the authorizer refused with (AUTH_FAILURE, UNAUTHORIZED...).
 * - latencies in ms: the whole request, the proxy (integration) and the authorizer.
 *
 * Every value is quoted, so a variable API Gateway leaves empty (`-`) never breaks the JSON.
 */
const FIELDS: Record<string, string> = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  time: '$context.requestTime',
  stage: '$context.stage',
  method: '$context.httpMethod',
  path: '$context.path',
  resourcePath: '$context.resourcePath',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  caller: '$context.identity.caller',
  domainName: '$context.domainName',
  apiId: `$context.authorizer.${VERDICT_KEYS.api}`,
  apiName: `$context.authorizer.${VERDICT_KEYS.apiName}`,
  appId: `$context.authorizer.${VERDICT_KEYS.appId}`,
  appName: `$context.authorizer.${VERDICT_KEYS.appName}`,
  verdict: `$context.authorizer.${VERDICT_KEYS.verdict}`,
  status: '$context.status',
  responseType: '$context.error.responseType',
  errorMessage: '$context.error.message',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integration.latency',
  integrationStatus: '$context.integration.status',
  authorizerLatencyMs: '$context.authorizer.integrationLatency',
  traceId: '$context.xrayTraceId',
};

/** The access log's format (one JSON object per line). */
export function accessLogFormat(): apigw.AccessLogFormat {
  return apigw.AccessLogFormat.custom(JSON.stringify(FIELDS));
}

/** The fields of the format, for the README and tests. */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = FIELDS;
