/**
 * Whether a group's APIs skip the proxy where API Gateway can call their backends itself
 * (README "Direct integration"). Per API, `ApiOptions.direct` decides first.
 */
export enum DirectIntegration {
  /** Every API goes through the proxy, except those marked `direct: true`. */
  NONE = 'NONE',
  /**
   * Every API that loses nothing on API Gateway's own path goes direct (HTTP_PROXY, MOCK), as far
   * as the REST API's resource quota allows; the others stay on the proxy. The deployment report
   * lists each API's path and why. APIs marked `direct: false` always stay on the proxy.
   */
  AUTO = 'AUTO',
}
