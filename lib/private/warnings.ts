import { Annotations } from 'aws-cdk-lib';
import { GatewayResponse } from '../gateway-response';
import { ResponseType } from '../response-type';
import { show } from './checks';
import { degradedVariables, headerDegrades } from './native-responses';

/** Ids of the library's warnings, for `Annotations.acknowledgeWarning` (listed in the README). */
export const WARN = {
  nativeVariable: 'cdk-api-groups:nativeVariable',
  defaultStatus: 'cdk-api-groups:defaultStatusRemapsNative',
  integrationTimeout: 'cdk-api-groups:integrationTimeoutQuota',
  noCatchAll: 'cdk-api-groups:noCatchAll',
  corsEcho: 'cdk-api-groups:nativeCorsEchoesOrigin',
} as const;

/**
 * Warns where the group's `default` response cannot be rendered as written by API Gateway's own
 * (native) gateway responses, and where a DEFAULT_4XX/5XX status re-maps them.
 */
export function warnAboutNativeRendering(response: GatewayResponse): void {
  for (const type of [ResponseType.DEFAULT_4XX, ResponseType.DEFAULT_5XX]) {
    const status = response.ruleFor(type).statusCode;
    if (status !== undefined) {
      Annotations.of(response).addWarningV2(WARN.defaultStatus,
        `${type.name} has status ${status}: API Gateway's own ${type.name.slice(-3)} errors translated from it ` +
        `(${type.awsSources.join(', ')}) then answer with ${status} instead of their original statuses`);
    }
  }
  // Only types with AWS sources render natively; a rule of any other type is the proxy's alone.
  for (const rule of response.rules.filter(r => r.type.awsSources.length > 0)) {
    const degraded = degradedVariables(rule.body ?? GatewayResponse.DEFAULT_BODY);
    if (degraded.length > 0) {
      Annotations.of(response).addWarningV2(WARN.nativeVariable,
        `${rule.type.name} body uses ${degraded.join(', ')}, which API Gateway's own responses ` +
        `(${rule.type.awsSources.join(', ')}) cannot render: ${nativeNote(degraded)}`);
    }
    for (const [name, value] of Object.entries(rule.headers ?? {})) {
      if (headerDegrades(value)) {
        Annotations.of(response).addWarningV2(WARN.nativeVariable,
          `${rule.type.name} header ${name} ${show(value)} cannot be expressed in API Gateway's own responses ` +
          '(only a literal without single quotes, or exactly one variable, can): variables inside text render empty there');
      }
    }
  }
}

function nativeNote(variables: string[]): string {
  const notes: Record<string, string> = {
    '$context.reqPath': 'renders as the path with the stage prefix',
    '$context.reqUri': 'renders as the path with the stage prefix and without query string',
    // API Gateway's message only exists as a whole JSON string ($context.error.messageString).
    '$context.error.message': 'inside a longer string renders as the type\'s fixed message (API Gateway\'s own message can only fill a whole JSON string)',
  };
  return variables.map(v => `${v} ${notes[v] ?? 'renders empty'}`).join('; ');
}
