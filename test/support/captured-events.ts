/**
 * API Gateway events captured by other projects (test/fixtures/events, see ORIGIN.md there), run
 * through the built authorizer and proxy as API Gateway runs them. Unlike proxy-harness's
 * `chain().request()`, which builds its events from a few options, these take an event as it was
 * recorded, with every oddity it has (null maps, snapshot placeholders, base paths).
 */
import * as fs from 'fs';
import * as path from 'path';
import { methodArnFor, requestAuthorizerEvent, RestProxyEvent } from '../../lib/local/events';
import { REPO_ROOT } from './proxy-harness';
import type { AuthorizerResultShape, LoadedAuthorizer, LoadedProxy, ProxyResultShape } from './proxy-harness';

export const CAPTURED_EVENTS_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'events');

/** A captured event as stored (a UTF-8 byte-order mark, which some projects' files start with, skipped). */
export function capturedEvent(file: string): Record<string, any> {
  const text = fs.readFileSync(path.join(CAPTURED_EVENTS_DIR, file), 'utf8');
  return JSON.parse(text.replace(/^\uFEFF/, ''));
}

/** True for an event that is already a REQUEST authorizer's input, not a proxy event. */
export function isAuthorizerEvent(event: Record<string, any>): boolean {
  return event.type === 'REQUEST' && typeof event.methodArn === 'string';
}

/**
 * The request's path relative to the REST API's root, from `resource` and `pathParameters`
 * (what the method ARN carries): used here only to build the method ARN API Gateway would give.
 */
function resourcePathOf(event: Record<string, any>): string {
  const resource = typeof event.resource === 'string' ? event.resource : '/';
  const params: Record<string, unknown> = event.pathParameters ?? {};
  return resource.replace(/\{([^{}+]+)\+?\}/g, (_m, name: string) => (typeof params[name] === 'string' ? params[name] as string : ''));
}

/** The REQUEST authorizer event API Gateway derives from a proxy event (AWS-DG `api-gateway-lambda-authorizer-input.md`). */
export function authorizerEventOf(event: Record<string, any>): Record<string, any> {
  if (isAuthorizerEvent(event)) { return event; }
  const rc = event.requestContext ?? {};
  const region = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(String(rc.domainName ?? ''))?.[1] ?? 'us-east-1';
  const arn = methodArnFor(region, String(rc.accountId ?? '123456789012'), String(rc.apiId ?? 'unknown'),
    String(rc.stage ?? ''), String(event.httpMethod ?? ''), resourcePathOf(event));
  return requestAuthorizerEvent(event as RestProxyEvent, arn);
}

export interface CapturedExchange {
  /** The authorizer's answer to the event (it always runs, see `throughGateway`). */
  readonly authorization: AuthorizerResultShape;
  /** The proxy's answer: what the client gets (absent for an authorizer-only event). */
  readonly result?: ProxyResultShape;
}

/**
 * One captured event through both built handlers. The authorizer always sees it (so its routing
 * can be compared with the proxy's); the proxy gets the authorizer's context as
 * `requestContext.authorizer` only when `chained` (the method has the group's authorizer and the
 * request did not come from the console's test button, which skips authorizers), else the event
 * exactly as recorded.
 */
export async function throughGateway(authorizer: LoadedAuthorizer, proxy: LoadedProxy, event: Record<string, any>,
  chained: boolean): Promise<CapturedExchange> {
  const authorization = await authorizer.invoke(authorizerEventOf(event));
  if (isAuthorizerEvent(event)) { return { authorization }; }
  let proxyInput = event;
  if (chained) {
    const context: Record<string, string> = {};
    for (const [key, value] of Object.entries(authorization.context ?? {})) { context[key] = String(value); }
    proxyInput = {
      ...event,
      requestContext: { ...event.requestContext, authorizer: { principalId: authorization.principalId, integrationLatency: 3, ...context } },
    };
  }
  return { authorization, result: await proxy.invoke(proxyInput) };
}
