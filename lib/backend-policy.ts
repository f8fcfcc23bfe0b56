import type { Backend } from './backend';
import type { PolicyCondition } from './policy-condition';

/** How a backend policy combines its conditions. */
export enum PolicyEffect {
  /** Every condition must hold. */
  ALL = 'ALL',
  /** At least one condition must hold. */
  ANY = 'ANY',
}

/**
 * A backend policy (Huawei: conditional backend) of an API: when its conditions hold, the request
 * goes to its own backend instead of the API's. An API's policies are tried in order and the first
 * that matches wins; when none does, the API's own backend answers.
 */
export interface BackendPolicy {
  /** The policy's name: 3-64 letters, digits or `_`, starting with a letter, unique in the API. */
  readonly policyName: string;

  /**
   * What a matching request calls: the same kind as the API's own backend (HTTP for HTTP, FUNCTION
   * for FUNCTION, MOCK for MOCK), with its own timeout and options.
   */
  readonly backend: Backend;

  /** The conditions: 1-5. */
  readonly conditions: PolicyCondition[];

  /**
   * Whether every condition must hold, or one is enough.
   *
   * @default PolicyEffect.ALL
   */
  readonly effect?: PolicyEffect;
}
