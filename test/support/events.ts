/**
 * API Gateway REST proxy and REQUEST authorizer events of the real shape: product code of the
 * local gateway (lib/local/events.ts), typed here with @types/aws-lambda for the tests.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as local from '../../lib/local/events';

export type { EventOptions } from '../../lib/local/events';
export { IAM_IDENTITY, methodArn, newRequestId } from '../../lib/local/events';

export function proxyEvent(options: local.EventOptions = {}): APIGatewayProxyEvent {
  return local.proxyEvent(options) as unknown as APIGatewayProxyEvent;
}

export function authorizerEventFor(proxy: APIGatewayProxyEvent): Record<string, unknown> {
  return local.authorizerEventFor(proxy as unknown as local.RestProxyEvent);
}

export const authorizerEvent = local.authorizerEvent;
