/**
 * GatewayResponse.render() answers exactly what the built proxy answers (status, headers, body)
 * for the same request, for every response type the proxy renders: the preview runs the proxy's
 * own renderer from the built bundle (assets/renderer), fed the group's configuration document.
 * THROTTLED is never rendered by the proxy (API Gateway answers it natively, from the `default`
 * response): its preview is checked against the rule's own template.
 */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  AccessControl, Api, ApiAuth, ApiGroup, Backend, GatewayResponse, HttpMethod, MappedParameter, OrchestrationStrategy, ParameterType,
  RequestParameter, ResponseType,
} from '../../lib';
import { VERDICT_KEYS } from '../../lib/private/config-document';
import { closeAllServers, closedPort, slowServer } from '../support/http-servers';
import { cleanWorkDirs, LoadedProxy, ProxyResultShape } from '../support/proxy-harness';
import { proxyEvent } from '../support/events';
import { synthesizeGroup } from '../support/synth-group';

const BODY = '{"type":"$context.error.type","code":"$context.error.code","msg":"$context.error.message","api":"$context.apiName",' +
  '"id":"$context.apiId","path":"$context.reqPath","uri":"$context.reqUri","method":"$context.reqMethod","ip":"$context.sourceIp",' +
  '"stage":"$context.stage","region":"$stageVariables.region","app":"$context.appName","reason":"$context.authorizer.frontend.reason",' +
  '"rid":"$context.requestId"}';

let proxy: LoadedProxy;
let group: ApiGroup;
let strict: GatewayResponse;
const apis: Record<string, Api> = {};

beforeAll(async () => {
  const slow = await slowServer(5_000);
  const closed = await closedPort();
  const synthesized = synthesizeGroup({
    stageVariables: { region: 'eu-west-1' },
    cors: { allowOrigins: ['https://shop.example.com'] },
    // No API matched: the default response renders (with the same template here).
    defaultResponse: { rules: [{ type: ResponseType.NOT_FOUND, statusCode: 410, body: BODY, headers: { 'X-Error-Type': '$context.error.type' } }] },
  }, (g, stack) => {
    strict = g.addGatewayResponse('strict', {
      rules: ResponseType.all().map((type, i) => ({
        type, statusCode: 400 + i, body: BODY, headers: { 'X-Error-Type': '$context.error.type', 'X-Api': '$context.apiName' },
      })),
    });
    const app = g.addApp('mobile');
    const fn = lambda.Function.fromFunctionArn(stack, 'Upload', 'arn:aws:lambda:eu-west-1:123456789012:function:upload');
    apis.open = g.addApi('Open', {
      method: HttpMethod.GET, path: '/items/{id}', apiName: 'open-items', gatewayResponse: strict,
      backend: Backend.http(`http://127.0.0.1:${closed}/items/{id}`, { timeout: Duration.seconds(2) }),
      parameters: [RequestParameter.query('limit', { type: ParameterType.NUMBER, required: true })],
    });
    apis.slow = g.addApi('Slow', {
      method: HttpMethod.GET, path: '/slow', gatewayResponse: strict,
      backend: Backend.http(`${slow.url}/slow`, { timeout: Duration.millis(100) }),
    });
    apis.denied = g.addApi('Denied', {
      method: HttpMethod.GET, path: '/denied', gatewayResponse: strict,
      backend: Backend.mock(), accessControl: AccessControl.deny(['0.0.0.0/0']),
    });
    apis.secure = g.addApi('Secure', {
      method: HttpMethod.GET, path: '/secure', gatewayResponse: strict, backend: Backend.mock(), auth: ApiAuth.app({ apps: [app] }),
    });
    apis.upload = g.addApi('Upload', { method: HttpMethod.POST, path: '/upload', gatewayResponse: strict, backend: Backend.fn(fn) });
    const tiers = g.addOrchestrationRule('tiers', {
      strategy: OrchestrationStrategy.list([{ values: ['gold'], mappedValue: '1' }]), mappedParameter: MappedParameter.header('X-Tier'),
    });
    apis.orchestrated = g.addApi('Orchestrated', {
      method: HttpMethod.GET, path: '/offers', gatewayResponse: strict, backend: Backend.mock(),
      parameters: [RequestParameter.query('tier', { orchestrations: [tiers] })],
    });
  });
  group = synthesized.group;
  proxy = synthesized.load();
});

afterAll(async () => {
  await closeAllServers();
  cleanWorkDirs();
});

interface Case {
  readonly api?: string;
  readonly method?: string;
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly body?: string;
  readonly authorizer?: Record<string, string>;
  readonly appName?: string;
  readonly authorizerContext?: Record<string, string>;
}

const VERDICT_TYPES = ['AUTH_HEADER_MISSING', 'AUTH_FAILURE', 'UNAUTHORIZED', 'AUTHORIZER_IDENTITIES_FAILURE', 'AUTHORIZER_FAILURE',
  'AUTHORIZER_CONF_FAILURE', 'THIRD_AUTH_IDENTITIES_FAILURE', 'THIRD_AUTH_FAILURE', 'THIRD_AUTH_CONF_FAILURE', 'DEFAULT_5XX'];

function caseOf(type: string): Case {
  if (VERDICT_TYPES.includes(type)) {
    return {
      api: 'secure', path: '/secure', appName: 'mobile', authorizerContext: { reason: 'denied by policy' },
      authorizer: { [VERDICT_KEYS.verdict]: type, [VERDICT_KEYS.api]: apis.secure.apiId, appName: 'mobile', appId: group.apps[0].appId,
        frontend_reason: 'denied by policy' },
    };
  }
  switch (type) {
    case 'NOT_FOUND': return { path: '/nowhere/at/all', query: { q: '1' } };
    case 'REQUEST_PARAMETERS_FAILURE': return { api: 'open', path: '/items/7' };
    case 'BACKEND_UNAVAILABLE': return { api: 'open', path: '/items/7', query: { limit: '3' } };
    case 'BACKEND_TIMEOUT': return { api: 'slow', path: '/slow' };
    case 'ACCESS_DENIED': return { api: 'denied', path: '/denied' };
    case 'DEFAULT_4XX': return { api: 'upload', method: 'POST', path: '/upload', body: 'x'.repeat(6_400_000) };
    case 'ORCHESTRATION_PARAMETER_NOT_FOUND': return { api: 'orchestrated', path: '/offers' };
    case 'ORCHESTRATION_FAILURE': return { api: 'orchestrated', path: '/offers', query: { tier: 'bronze' } };
    default: throw new Error(`no case for ${type}`);
  }
}

const PROXY_TYPES = ResponseType.all().map(t => t.name).filter(t => t !== 'THROTTLED');

test.each(PROXY_TYPES)('%s: the preview is what the built proxy answers', async type => {
  const c = caseOf(type);
  const requestId = `rid-${type.toLowerCase()}`;
  const headers = { Origin: 'https://shop.example.com' };
  const answer: ProxyResultShape = await proxy.invoke(proxyEvent({
    method: c.method ?? 'GET', path: c.path, query: c.query, body: c.body, requestId, sourceIp: '203.0.113.9',
    headers, stageVariables: { region: 'eu-west-1' }, authorizer: c.authorizer,
  }));
  const body = JSON.parse(answer.body);
  expect(body.type).toBe(type);
  const response = type === 'NOT_FOUND' ? group.defaultResponse : strict;
  const preview = response.render(ResponseType.of(type), {
    api: c.api ? apis[c.api] : undefined,
    method: c.method, path: c.path, query: c.query, requestId, sourceIp: '203.0.113.9', headers,
    appName: c.appName, authorizerContext: c.authorizerContext,
    // Messages the proxy words for the case at hand (which parameter failed, the IP rule's code).
    errorMessage: body.msg, errorCode: body.code,
  });
  expect(preview).toEqual({ statusCode: answer.statusCode, headers: answer.headers, body: answer.body });
});

test('the preview uses the defaults of the type: code, message, and the group\'s stage variables', () => {
  const preview = group.defaultResponse.render(ResponseType.BACKEND_TIMEOUT, { path: '/x', requestId: 'r1' });
  expect(preview.statusCode).toBe(504);
  expect(preview.headers).toEqual({ 'Content-Type': 'application/json', 'X-Request-Id': 'r1', 'Vary': 'Origin' });
  expect(JSON.parse(preview.body)).toEqual({ error_code: 'APIG.0201', error_msg: 'Backend timeout.', request_id: 'r1' });
});

test('THROTTLED (answered natively by API Gateway) previews the rule as the proxy renders it', () => {
  const preview = strict.render(ResponseType.THROTTLED, { api: apis.open, path: '/items/1', requestId: 'r2', sourceIp: '192.0.2.1' });
  const index = ResponseType.all().indexOf(ResponseType.THROTTLED);
  expect(preview.statusCode).toBe(400 + index);
  expect(preview.headers).toMatchObject({ 'X-Error-Type': 'THROTTLED', 'X-Api': 'open-items', 'X-Request-Id': 'r2' });
  expect(JSON.parse(preview.body)).toMatchObject({ type: 'THROTTLED', code: 'APIG.0308', api: 'open-items', ip: '192.0.2.1', region: 'eu-west-1' });
});

test('values are escaped as the proxy escapes them: a quote in the path cannot break the body', () => {
  const preview = group.defaultResponse.render(ResponseType.BACKEND_UNAVAILABLE, { path: '/a"b\\c', requestId: 'r"3' });
  expect(JSON.parse(preview.body).request_id).toBe('r"3');
});
