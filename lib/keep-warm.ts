/**
 * Keeping the bundled functions warm: an alias on each function's current version, invoked by API
 * Gateway (the integration, the authorizer and their invoke permissions name the alias), with
 * provisioned concurrency where asked.
 */
export interface KeepWarmOptions {
  /**
   * Name of the alias of the proxy and of the authorizer: 1-128 letters, digits, `-` or `_`, not
   * only digits.
   *
   * @default 'live'
   */
  readonly aliasName?: string;

  /**
   * Provisioned concurrent executions of the proxy's alias (initialised environments, no cold start).
   *
   * @default - none: the alias only
   */
  readonly proxyProvisionedConcurrency?: number;

  /**
   * Provisioned concurrent executions of the authorizer's alias (when the group has the authorizer).
   *
   * @default - none: the alias only
   */
  readonly authorizerProvisionedConcurrency?: number;
}
