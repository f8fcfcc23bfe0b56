import { Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * Exported documents are written at synth time, before CloudFormation resolves anything, so a
 * value known only at deploy time is written as a stable name the user can map back on import.
 */

/** Prefix of a function reference whose ARN is a deploy-time value: `cdk-function:<construct path>`. */
export const FUNCTION_REFERENCE_PREFIX = 'cdk-function:';

/** Host written for an HTTP backend whose URL holds a deploy-time value. */
export const DEPLOY_TIME_HOST = 'deploy-time-value.invalid';

/** The function's ARN when it is a literal, else `cdk-function:<construct path>`. */
export function functionReference(fn: lambda.IFunction): string {
  const arn = fn.functionArn;
  return Token.isUnresolved(arn) ? `${FUNCTION_REFERENCE_PREFIX}${fn.node.path}` : arn;
}
