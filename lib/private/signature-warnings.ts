import { Annotations } from 'aws-cdk-lib';
import type { Api } from '../api';
import { AuthType } from '../auth';
import { WARN } from './warnings';

/** Methods whose requests cannot be told to have no body before the proxy sees them (GET and HEAD may, but rarely do). */
const BODILESS = new Set(['GET', 'HEAD']);

/**
 * Warns where an app's throttle or quota does not apply: a signed request with a body is verified
 * in full only by the proxy (API Gateway's authorizer never sees the body), after API Gateway
 * applied the usage plans, so it is metered by the group's refusal key, not the app's. No app is
 * charged on a signature that was not verified in full.
 */
export function warnAboutUnchargedSignatures(apis: readonly Api[]): void {
  for (const api of apis) {
    const auth = api.auth;
    if (auth.authType !== AuthType.APP || !auth.signature || BODILESS.has(api.method)) { continue; }
    const limited = auth.apps.filter(app => app.limited);
    if (limited.length === 0) { continue; }
    Annotations.of(api).addWarningV2(WARN.signatureNotCharged,
      `API ${api.apiName} (${api.method} ${api.path}) accepts signed requests, and a signed request with a body is verified ` +
      'by the proxy, after API Gateway applied the usage plans: such requests are not counted against the throttle or quota ' +
      `of app${limited.length > 1 ? 's' : ''} ${limited.map(a => a.appName).join(', ')} (requests without a body, or signed with ` +
      'UNSIGNED-PAYLOAD, are). Use appCode authentication or a stage/API throttle where the limit must hold for every request.');
  }
}
