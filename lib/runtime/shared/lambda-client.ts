/**
 * The Lambda client shared by function backends and custom authorizers. The AWS SDK is provided
 * by the Lambda runtime, so it is not bundled, and it is loaded on first use only: a group that
 * never invokes a function never pays for it at cold start.
 */
import type { InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { raceDeadline, TIMED_OUT } from '../proxy/deadlines';
import { describeError } from '../proxy/errors';

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

/** How a synchronous invoke ended. `timeout` and `unavailable` carry no result. */
export type InvokeOutcome =
  | { readonly kind: 'ok'; readonly payload: Uint8Array }
  | { readonly kind: 'function-error'; readonly functionError: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'unavailable'; readonly reason: string }
  /** The SDK itself could not be loaded: the caller's own failure, not the function's. */
  | { readonly kind: 'no-sdk'; readonly reason: string };

/** One Invoke call, bounded by `timeoutMs`: the output, or why there is none. Never rejects. */
async function send(functionName: string, invocationType: 'RequestResponse' | 'Event', payload: Uint8Array, timeoutMs: number)
  : Promise<{ readonly output: InvokeCommandOutput } | { readonly kind: 'timeout' } | { readonly kind: 'unavailable' | 'no-sdk'; readonly reason: string }> {
  let lambda: ReturnType<typeof lambdaClient>;
  try {
    lambda = lambdaClient();
  } catch (err) {
    return { kind: 'no-sdk', reason: `cannot load @aws-sdk/client-lambda: ${describeError(err)}` };
  }
  let output: InvokeCommandOutput | typeof TIMED_OUT;
  try {
    const command = new lambda.sdk.InvokeCommand({ FunctionName: functionName, InvocationType: invocationType, Payload: payload });
    output = await raceDeadline(timeoutMs, signal => lambda.client.send(command, { abortSignal: signal }));
  } catch (err) {
    const what = invocationType === 'Event' ? 'function invoke (Event)' : 'function invoke';
    return { kind: 'unavailable', reason: `${what} failed: ${describeError(err)}` };
  }
  return output === TIMED_OUT ? { kind: 'timeout' } : { output };
}

/**
 * Invokes `functionName` synchronously (RequestResponse), giving up after `timeoutMs`. Never
 * rejects. The abort signal stops the SDK; the race keeps the timeout exact even if the SDK is
 * slow to honour the abort.
 */
export async function invokeWithTimeout(functionName: string, payload: Uint8Array, timeoutMs: number): Promise<InvokeOutcome> {
  const sent = await send(functionName, 'RequestResponse', payload, timeoutMs);
  if (!('output' in sent)) { return sent; }
  const output = sent.output;
  if (output.FunctionError) { return { kind: 'function-error', functionError: output.FunctionError.slice(0, 64) }; }
  return { kind: 'ok', payload: output.Payload ?? new Uint8Array() };
}

/** Lambda's payload limit for asynchronous (Event) invocations: 1 MB (256 KB before October 2025). */
export const ASYNC_PAYLOAD_LIMIT = 1_048_576;

/** How an asynchronous invoke ended: `accepted` once Lambda queued the event (status 202). */
export type AsyncInvokeOutcome =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'unavailable'; readonly reason: string }
  | { readonly kind: 'no-sdk'; readonly reason: string };

/**
 * Invokes `functionName` asynchronously (InvocationType Event): resolves as soon as Lambda queued
 * the event, without waiting for the function. Never rejects.
 */
export async function invokeAsyncWithTimeout(functionName: string, payload: Uint8Array, timeoutMs: number): Promise<AsyncInvokeOutcome> {
  const sent = await send(functionName, 'Event', payload, timeoutMs);
  if (!('output' in sent)) { return sent; }
  if (sent.output.StatusCode !== 202) { return { kind: 'unavailable', reason: `function invoke (Event) answered ${String(sent.output.StatusCode)}` }; }
  return { kind: 'accepted' };
}
