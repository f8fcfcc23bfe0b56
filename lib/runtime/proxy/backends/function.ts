/**
 * FUNCTION backend: invokes a Lambda function synchronously with the API Gateway proxy event
 * (as if the function were the API's own integration) and passes its proxy result through,
 * judged as API Gateway's Lambda proxy integration judges it (function-result.ts).
 *
 * The Lambda client (lib/runtime/shared/lambda-client.ts) is loaded on the first call only.
 */
import { isUtf8 } from 'buffer';
import { FunctionBackendDocument } from '../../../private/config-document';
import { ASYNC_PAYLOAD_LIMIT, invokeAsyncWithTimeout, invokeWithTimeout } from '../../shared/lambda-client';
import { exceedsLambdaLimit, LAMBDA_PAYLOAD_LIMIT } from '../body';
import {
  backendResponseTooLarge, backendTimeout, backendUnavailable, GatewayError, internalError, requestTooLarge,
} from '../gateway-error';
import { RequestView, withoutCredentialHeaders } from '../request';
import { MediaTypeMatcher } from '../media-types';
import { isRecord, ProxyResult } from '../types';
import { judgeFunctionResult } from './function-result';
import { Backend, BackendCall } from './backend';
import { BackendParameters, compileBackendParameters } from './backend-parameters';
import { withMappedParameter } from '../orchestration';

/**
 * The body as a LambdaIntegration would pass it. The REST API declares every media type binary,
 * so API Gateway hands the proxy every body base64-encoded; the function gets text unless the
 * request's Content-Type is one of the group's binary media types. Bytes that are not valid
 * UTF-8 stay base64 (API Gateway would replace them and lose the body; base64 keeps it intact).
 */
function functionBody(req: RequestView, isBinary: MediaTypeMatcher): { body: string; isBase64Encoded: boolean } | undefined {
  const bytes = req.body();
  if (bytes === undefined) { return undefined; }
  if (!isBinary(req.header('content-type')) && isUtf8(bytes)) { return { body: bytes.toString('utf8'), isBase64Encoded: false }; }
  return { body: bytes.toString('base64'), isBase64Encoded: true };
}

/**
 * The event the function receives: the proxy's event, as if the matched API were its resource
 * (`pathParameters` percent-encoded as sent, as API Gateway passes them), the body as text or
 * base64 by its media type, without the caller's AppCode, and with the context of a custom
 * authorizer the proxy ran itself (IAM two-factor) added to `requestContext.authorizer`.
 */
function functionEvent(call: BackendCall, isBinary: MediaTypeMatcher, parameters?: BackendParameters): Record<string, unknown> {
  const event = call.req.event;
  const context = isRecord(event.requestContext) ? event.requestContext : {};
  const requestContext: Record<string, unknown> = { ...context, resourcePath: call.apiPath };
  const overlay = call.req.authorizerOverlay;
  if (overlay) { requestContext.authorizer = { ...(isRecord(context.authorizer) ? context.authorizer : {}), ...overlay }; }
  const out = {
    ...event,
    ...withoutCredentialHeaders(event),
    ...functionBody(call.req, isBinary),
    resource: call.apiPath,
    pathParameters: Object.keys(call.rawParams).length > 0 ? call.rawParams : null,
    requestContext,
  };
  // Backend parameters in the event's headers, query and path parameters, as FunctionGraph gets them.
  const withParameters = parameters ? parameters.resolve(call).applyToEvent(out) : out;
  return call.orchestrated ? withMappedParameter(withParameters, call.orchestrated) : withParameters;
}

/**
 * The answer to an asynchronous invocation Lambda accepted: Huawei does not document what its
 * gateway answers for an async FunctionGraph backend, so this is FunctionGraph's own async
 * invocation reply (202, `{"request_id": ...}`), with the gateway's request id.
 */
function accepted(call: BackendCall): ProxyResult {
  return {
    statusCode: 202,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ request_id: call.req.requestId }),
    isBase64Encoded: false,
  };
}

/** ASYNC (Lambda Event): queued, answered 202 at once; the function's result never comes back. */
function compileAsyncFunctionBackend(doc: FunctionBackendDocument, functionName: string, isBinary: MediaTypeMatcher,
  parameters: BackendParameters | undefined): Backend {
  return {
    timeoutMs: doc.timeoutMs,
    async invoke(call): Promise<ProxyResult | GatewayError> {
      const payload = Buffer.from(JSON.stringify(functionEvent(call, isBinary, parameters)), 'utf8');
      if (payload.length > ASYNC_PAYLOAD_LIMIT) { return requestTooLarge(); }
      const outcome = await invokeAsyncWithTimeout(functionName, payload, call.timeoutMs);
      switch (outcome.kind) {
        case 'no-sdk': return internalError(outcome.reason);
        case 'unavailable': return backendUnavailable(outcome.reason);
        case 'timeout': return backendTimeout(call.timeoutMs);
        default: return accepted(call);
      }
    },
  };
}

export function compileFunctionBackend(doc: FunctionBackendDocument, functionName: string, isBinary: MediaTypeMatcher): Backend {
  const parameters = compileBackendParameters(doc.parameters);
  if (doc.invocation !== undefined && doc.invocation !== 'SYNC' && doc.invocation !== 'ASYNC') {
    throw new Error(`invocation ${JSON.stringify(doc.invocation)} is not SYNC or ASYNC`);
  }
  if (doc.invocation === 'ASYNC') { return compileAsyncFunctionBackend(doc, functionName, isBinary, parameters); }
  return {
    timeoutMs: doc.timeoutMs,
    async invoke(call): Promise<ProxyResult | GatewayError> {
      const payload = Buffer.from(JSON.stringify(functionEvent(call, isBinary, parameters)), 'utf8');
      if (payload.length > LAMBDA_PAYLOAD_LIMIT) { return requestTooLarge(); }
      const outcome = await invokeWithTimeout(functionName, payload, call.timeoutMs);
      switch (outcome.kind) {
        case 'no-sdk': return internalError(outcome.reason);
        case 'unavailable': return backendUnavailable(outcome.reason);
        case 'timeout': return backendTimeout(call.timeoutMs);
        case 'function-error': return backendUnavailable(`function error: ${outcome.functionError}`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(outcome.payload).toString('utf8'));
      } catch {
        return backendUnavailable('function result is not JSON');
      }
      // Judged as API Gateway's Lambda proxy integration does; what it would answer 502
      // ("Internal server error", a malformed Lambda proxy response) is BACKEND_UNAVAILABLE.
      const result = judgeFunctionResult(parsed);
      if (typeof result === 'string') { return backendUnavailable(`malformed Lambda proxy response: ${result}`); }
      return exceedsLambdaLimit(result) ? backendResponseTooLarge() : result;
    },
  };
}
