/**
 * The Lambda client shared by function backends and custom authorizers. The AWS SDK is provided
 * by the Lambda runtime, so it is not bundled, and it is loaded on first use only: a group that
 * never invokes a function never pays for it at cold start.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';

export type LambdaSdk = typeof import('@aws-sdk/client-lambda');

let sdk: LambdaSdk | undefined;
let client: LambdaClient | undefined;

/** @throws Error when the SDK cannot be loaded */
export function lambdaClient(): { sdk: LambdaSdk; client: LambdaClient } {
  if (!sdk) {
    // A plain require of an external module: esbuild leaves it to the Lambda runtime.
    sdk = require('@aws-sdk/client-lambda') as LambdaSdk;
  }
  client ??= new sdk.LambdaClient({});
  return { sdk, client };
}
