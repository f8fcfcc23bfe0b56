const MARKER = Symbol.for('cdk-api-groups.ApiGroupValidationError');

/**
 * Thrown when an API group is declared with a value the library does not allow.
 *
 * The message names the construct path, the offending value and what is allowed, and ends with
 * the rule's id in brackets (see the README's limits table).
 *
 * jsii cannot publish a subclass of `Error`, so this class is exported for TypeScript from
 * `cdk-api-groups/lib/errors`; every language can test an error with `ApiGroupErrors.isValidationError()`.
 */
export class ApiGroupValidationError extends Error {
  /** Path of the construct the value belongs to. */
  public readonly constructPath: string;
  /** Id of the rule that was broken (see `RULES` in limits.ts). */
  public readonly ruleId: string;

  constructor(constructPath: string, ruleId: string, message: string) {
    super(`${constructPath}: ${message} [${ruleId}]`);
    this.name = 'ApiGroupValidationError';
    this.constructPath = constructPath;
    this.ruleId = ruleId;
    Object.defineProperty(this, MARKER, { value: true });
  }
}

/** Recognises the library's errors, in every jsii language. */
export class ApiGroupErrors {
  /** True when `x` is a validation error thrown by this library (an ApiGroupValidationError). */
  public static isValidationError(x: any): boolean {
    return x !== null && typeof x === 'object' && MARKER in x;
  }

  private constructor() {}
}
