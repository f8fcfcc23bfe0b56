import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * Warm functions: an alias on the function's current version, with provisioned concurrency when
 * asked. Provisioned concurrency only applies to a version or an alias, never to `$LATEST`, so API
 * Gateway must invoke the alias: the integration (or authorizer) URI in the REST API's document
 * and the invoke permission then name the alias's ARN, never the unqualified function.
 *
 * The version is the function's `currentVersion`: its logical id follows the function's code and
 * configuration, so a code change (the bundled handler or its configuration document) publishes a
 * new version and moves the alias.
 */
/** The alias `keepWarm` creates when it names none. */
export const DEFAULT_WARM_ALIAS = 'live';

export interface WarmAliasInput {
  readonly aliasName: string;
  /** Provisioned concurrent executions; absent: an alias without provisioned concurrency. */
  readonly provisionedConcurrency?: number;
  readonly description: string;
}

export function warmAlias(fn: lambda.Function, input: WarmAliasInput): lambda.Alias {
  return new lambda.Alias(fn, 'Alias', {
    aliasName: input.aliasName,
    version: fn.currentVersion,
    description: input.description,
    provisionedConcurrentExecutions: input.provisionedConcurrency,
  });
}

const ALIAS_NAME = /^(?!^[0-9]+$)[A-Za-z0-9_-]{1,128}$/;

/** True for a name Lambda accepts as an alias. */
export function isAliasName(name: string): boolean {
  return ALIAS_NAME.test(name);
}
