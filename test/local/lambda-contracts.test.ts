/**
 * The Lambda contracts the local gateway enforces as API Gateway does: authorizer output and
 * policy evaluation (lib/local/authorizer.ts), the proxy result (lib/local/server.ts), and the
 * shape of the events it sends (lib/local/events.ts).
 */
import { arnMatches, Authorizers, evaluatePolicy, readAuthorizerResult } from '../../lib/local/authorizer';
import { buildProxyEvent, methodArnFor, requestAuthorizerEvent } from '../../lib/local/events';
import type { InvokeOutcome } from '../../lib/local/lambda-runner';
import type { AuthorizerModel } from '../../lib/local/rest-api';
import { isBinary, readProxyResult } from '../../lib/local/server';

const ARN = 'arn:aws:execute-api:eu-west-1:111122223333:abc123defg/RELEASE/GET/orders/7';

function allow(resource: string | string[], effect = 'Allow') {
  return { principalId: 'user', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] } };
}

test('policies: explicit Deny wins, Allow must match the method ARN, wildcards * and ?', () => {
  // API Gateway's evaluation of a Lambda authorizer's policy.
  expect(arnMatches('arn:aws:execute-api:eu-west-1:111122223333:abc123defg/*/GET/*', ARN)).toBe(true);
  expect(arnMatches('arn:aws:execute-api:eu-west-1:111122223333:abc123defg/RELEASE/?ET/orders/7', ARN)).toBe(true);
  expect(arnMatches('arn:aws:execute-api:eu-west-1:111122223333:abc123defg/RELEASE/POST/*', ARN)).toBe(false);
  const read = (r: unknown) => { const p = readAuthorizerResult(r); if (typeof p === 'string') { throw new Error(p); } return p; };
  expect(evaluatePolicy(read(allow(ARN)), ARN)).toBe('allow');
  expect(evaluatePolicy(read(allow('arn:aws:execute-api:*:*:other/*')), ARN)).toBe('implicit-deny');
  const both = allow('*');
  both.policyDocument.Statement.push({ Action: 'execute-api:*', Effect: 'Deny', Resource: ARN });
  expect(evaluatePolicy(read(both), ARN)).toBe('explicit-deny');
});

test('malformed authorizer results are named', () => {
  // Each is AUTHORIZER_CONFIGURATION_ERROR at API Gateway.
  expect(readAuthorizerResult(null)).toMatch(/not an object/);
  expect(readAuthorizerResult({ policyDocument: {} })).toMatch(/principalId/);
  expect(readAuthorizerResult({ principalId: 'u', policyDocument: { Statement: [] } })).toMatch(/Statement/);
  expect(readAuthorizerResult({ ...allow(ARN), context: { nested: { a: 1 } } })).toMatch(/context.nested/);
  expect(readAuthorizerResult({ ...allow(ARN), usageIdentifierKey: 5 })).toMatch(/usageIdentifierKey/);
  expect(readAuthorizerResult({ ...allow(ARN), context: { n: 1, b: true, s: 'x', z: null } })).toMatchObject({ context: { n: '1', b: 'true', s: 'x' } });
});

describe('running an authorizer', () => {
  const model: AuthorizerModel = { logicalId: 'Auth', id: 'a1', name: 'auth', type: 'REQUEST', functionArn: 'fn', ttlSeconds: 0, identitySource: [] };
  const input = { event: { type: 'REQUEST' }, methodArn: ARN, requestId: 'r', headers: [], query: [], stageVariables: {}, contextValue: () => undefined };
  const answering = (outcome: InvokeOutcome) => new Authorizers(async () => outcome);

  test('Allow: principalId and the context stringified, the usage key, the latency', async () => {
    // What reaches the proxy as requestContext.authorizer.
    const out = await answering({ ok: true, payload: JSON.stringify({ ...allow(ARN), context: { n: 1 }, usageIdentifierKey: 'k' }), logs: [] }).authorize(model, input);
    expect(out).toMatchObject({ allowed: true, principalId: 'user', context: { n: '1', principalId: 'user' }, usageIdentifierKey: 'k' });
  });

  test('"Unauthorized" → UNAUTHORIZED; other errors and bad output → AUTHORIZER_CONFIGURATION_ERROR; Deny → ACCESS_DENIED with context', async () => {
    // The four outcomes API Gateway distinguishes.
    const fail = (errorMessage: string): InvokeOutcome => ({ ok: false, errorType: 'Error', errorMessage, trace: [], logs: [] });
    expect(await answering(fail('Unauthorized')).authorize(model, input)).toMatchObject({ allowed: false, type: 'UNAUTHORIZED', message: 'Unauthorized' });
    expect(await answering(fail('boom')).authorize(model, input)).toMatchObject({ allowed: false, type: 'AUTHORIZER_CONFIGURATION_ERROR', message: null });
    expect(await answering({ ok: true, payload: '"nope"', logs: [] }).authorize(model, input)).toMatchObject({ type: 'AUTHORIZER_CONFIGURATION_ERROR' });
    const denied = await answering({ ok: true, payload: JSON.stringify({ ...allow(ARN, 'Deny'), context: { reason: 'r' } }), logs: [] }).authorize(model, input);
    expect(denied).toMatchObject({ allowed: false, type: 'ACCESS_DENIED', context: { reason: 'r', principalId: 'user' } });
  });

  test('with caching: a missing identity source is UNAUTHORIZED without a call; results are reused within the TTL', async () => {
    // REQUEST authorizers with a TTL, as API Gateway runs them.
    let calls = 0;
    const authorizers = new Authorizers(async () => { calls++; return { ok: true, payload: JSON.stringify(allow('*')), logs: [] }; });
    const cached: AuthorizerModel = { ...model, ttlSeconds: 300, identitySource: ['method.request.header.Authorization'] };
    expect(await authorizers.authorize(cached, input)).toMatchObject({ type: 'UNAUTHORIZED' });
    const withToken = { ...input, headers: [['authorization', 'Bearer t']] as Array<[string, string]> };
    await authorizers.authorize(cached, withToken);
    await authorizers.authorize(cached, withToken);
    expect(calls).toBe(1);
  });
});

test('proxy results: the real shape passes, anything else is malformed (502)', () => {
  // API Gateway answers a malformed Lambda proxy response with 502 Internal server error.
  expect(readProxyResult(JSON.stringify({ statusCode: 201, headers: { 'X-A': 'a', 'x-b': 'b' }, multiValueHeaders: { 'X-B': ['1', '2'] }, body: 'hi' })))
    // A name in both maps is one header, multi-value first (AWS-recorded: test/fixtures/lambda-proxy-results).
    .toEqual({ status: 201, headers: { 'X-A': 'a', 'X-B': ['1', '2', 'b'], 'Content-Type': 'application/json' }, body: Buffer.from('hi') });
  expect(readProxyResult(JSON.stringify({ statusCode: 200, body: Buffer.from([0, 255]).toString('base64'), isBase64Encoded: true, headers: { 'content-type': 'image/png' } })))
    .toEqual({ status: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from([0, 255]) });
  for (const bad of ['not json', '"text"', '{"statusCode":200,"cookies":[]}', '{"statusCode":200,"body":{}}', '{"statusCode":200,"extra":1}', '{"statusCode":99}', '{"statusCode":200,"headers":{"a":{}}}']) {
    expect(typeof readProxyResult(bad)).toBe('string');
  }
});

test('events: multi-value headers, null query maps, base64 body, stage prefix, matched resource', () => {
  // The proxy and authorizer read exactly these fields.
  const event = buildProxyEvent({
    method: 'POST', path: '/orders/a%2Fb', headers: [['Accept', 'a'], ['accept', 'b'], ['User-Agent', 'ua']], query: [], body: Buffer.from('{}'), binary: true,
    stage: 'RELEASE', stageVariables: null, requestId: 'rid', extendedRequestId: 'x', sourceIp: '10.0.0.1', resource: '/orders/{id}', resourceId: 'r1',
    pathParameters: { id: 'a/b' }, apiId: 'api', accountId: '1', domainName: 'd', domainPrefix: 'api', deploymentId: 'dep', requestTimeEpoch: 0, protocol: 'HTTP/1.1',
  });
  expect(event).toMatchObject({
    resource: '/orders/{id}', path: '/orders/a%2Fb', httpMethod: 'POST',
    headers: { 'Accept': 'b', 'User-Agent': 'ua' }, multiValueHeaders: { 'Accept': ['a', 'b'], 'User-Agent': ['ua'] },
    queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: { id: 'a/b' },
    body: Buffer.from('{}').toString('base64'), isBase64Encoded: true,
    requestContext: { path: '/RELEASE/orders/a%2Fb', stage: 'RELEASE', requestId: 'rid', resourcePath: '/orders/{id}', identity: { sourceIp: '10.0.0.1', userAgent: 'ua' } },
  });
  const arn = methodArnFor('eu-west-1', '1', 'api', 'RELEASE', 'POST', '/orders/a%2Fb');
  expect(requestAuthorizerEvent(event, arn)).toMatchObject({ type: 'REQUEST', methodArn: 'arn:aws:execute-api:eu-west-1:1:api/RELEASE/POST/orders/a%2Fb', path: '/orders/a%2Fb' });
  expect(isBinary('application/json; charset=utf-8', ['*/*'])).toBe(true);
  expect(isBinary('text/plain', ['image/*'])).toBe(false);
  expect(isBinary('image/png', ['image/*'])).toBe(true);
});
