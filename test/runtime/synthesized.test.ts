/**
 * The synthesized artefact end to end: a group declared with the constructs, synthesized, and its
 * proxy run from the cloud assembly as Lambda loads it, against real servers on 127.0.0.1 and a
 * local endpoint speaking the Lambda Invoke API. Proves that what users declare is what the
 * deployed proxy does: per-API response selection, every context variable, escaping.
 */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Api, Backend, HttpMethod, ParameterType, RequestParameter, ResponseType } from '../../lib';
import { proxyEvent } from '../support/events';
import { closeAllServers, echoServer, slowServer, statusServer, TestServer } from '../support/http-servers';
import { functionArn, lambdaEnv, LocalLambda, startLocalLambda } from '../support/local-lambda';
import { cleanWorkDirs, LoadedProxy, resultHeader } from '../support/proxy-harness';
import { synthesizeGroup, SynthesizedGroup } from '../support/synth-group';

const EVERY_VARIABLE = JSON.stringify({
  apiId: '$context.apiId', apiName: '$context.apiName', appId: '$context.appId', appName: '$context.appName',
  requestId: '$context.requestId', stage: '$context.stage', sourceIp: '$context.sourceIp', reqPath: '$context.reqPath',
  reqUri: '$context.reqUri', reqMethod: '$context.reqMethod', code: '$context.error.code', message: '$context.error.message',
  type: '$context.error.type', user: '$context.authorizer.frontend.user-id', backend: '$context.authorizer.backend.x',
  region: '$stageVariables.region', missing: '$stageVariables.nope',
});

describe('a synthesized group, run from its cloud assembly', () => {
  let echo: TestServer;
  let status: TestServer;
  let slow: TestServer;
  let functions: LocalLambda;
  let synthesized: SynthesizedGroup;
  let proxy: LoadedProxy;
  let apis: Record<string, Api>;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    [echo, status, slow, functions] = await Promise.all([echoServer(), statusServer(), slowServer(3000), startLocalLambda()]);
    functions.register('inventory', (event: any) => ({
      statusCode: 200, headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sku: event.pathParameters.sku, resource: event.resource }),
    }));
    synthesized = synthesizeGroup({
      groupName: 'orders',
      stageVariables: { region: 'eu-west-1' },
      cors: { allowOrigins: ['https://shop.example.com'] },
      defaultResponse: { rules: [{ type: ResponseType.NOT_FOUND, body: EVERY_VARIABLE, headers: { 'X-Trace': '$context.requestId' } }] },
    }, (group, stack) => {
      const strict = group.addGatewayResponse('strict', {
        rules: [
          { type: ResponseType.REQUEST_PARAMETERS_FAILURE, statusCode: 422, body: EVERY_VARIABLE },
          { type: ResponseType.BACKEND_TIMEOUT, statusCode: 503, body: '{"retry":true,"type":"$context.error.type"}' },
        ],
      });
      const inventory = new lambda.Function(stack, 'Inventory', {
        runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})'),
      });
      apis = {
        get: group.addApi('GetOrder', {
          method: HttpMethod.GET, path: '/orders/{id}', apiName: 'get-order',
          backend: Backend.http(`${echo.url}/backend/orders/{id}`),
          parameters: [RequestParameter.path('id', { type: ParameterType.NUMBER })],
        }),
        create: group.addApi('CreateOrder', {
          method: HttpMethod.POST, path: '/orders', apiName: 'create-order', gatewayResponse: strict,
          backend: Backend.http(`${status.url}/503`),
          parameters: [RequestParameter.query('mode', { enumerations: ['fast', 'safe'], required: true })],
        }),
        slow: group.addApi('Slow', {
          method: HttpMethod.GET, path: '/slow', gatewayResponse: strict,
          backend: Backend.http(slow.url, { timeout: Duration.millis(300) }),
        }),
        stock: group.addApi('Stock', {
          method: HttpMethod.GET, path: '/stock/{sku}', backend: Backend.fn(inventory, { timeout: Duration.seconds(5) }),
        }),
        health: group.addApi('Health', { method: HttpMethod.GET, path: '/health', backend: Backend.mock({ body: '{"ok":true}' }) }),
      };
    });
    // What CloudFormation resolves at deploy time: the function backend's ARN.
    const [fnVariable] = Object.keys(synthesized.deployTimeEnv);
    Object.assign(process.env, lambdaEnv(functions.endpoint), { [fnVariable]: functionArn('inventory') });
    proxy = synthesized.load();
  }, 60_000);

  afterAll(async () => {
    process.env = savedEnv;
    await functions.close();
    await closeAllServers();
    cleanWorkDirs();
  });

  test('the function backend ARN reaches the proxy as a deploy-time environment value, not in config.json', () => {
    const values = Object.values(synthesized.deployTimeEnv);
    expect(values).toHaveLength(1);
    expect(JSON.stringify(values[0])).toContain('Fn::GetAtt');
  });

  test('routes to the HTTP backend and passes its answer through with X-Request-Id and CORS', async () => {
    const result = await proxy.invoke(proxyEvent({
      path: '/orders/42', query: { expand: 'items' }, requestId: 'rid-get', headers: { Origin: 'https://shop.example.com' },
    }));
    expect(result.statusCode).toBe(200);
    const seen = JSON.parse(result.body);
    expect(seen.path).toBe('/backend/orders/42');
    expect(seen.query).toContain('expand=items');
    expect(resultHeader(result, 'X-Request-Id')).toBe('rid-get');
    expect(resultHeader(result, 'Access-Control-Allow-Origin')).toBe('https://shop.example.com');
  });

  test('a backend 503 is passed through untouched, not turned into a gateway error', async () => {
    const result = await proxy.invoke(proxyEvent({ method: 'POST', path: '/orders', query: { mode: 'fast' } }));
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body)).not.toHaveProperty('error_code');
  });

  test('each API renders with the response it selected: strict for CreateOrder, default for GetOrder', async () => {
    const strict = await proxy.invoke(proxyEvent({ method: 'POST', path: '/orders', query: { mode: 'slow' } }));
    expect(strict.statusCode).toBe(422);
    expect(JSON.parse(strict.body)).toMatchObject({ type: 'REQUEST_PARAMETERS_FAILURE', apiName: 'create-order' });

    const byDefault = await proxy.invoke(proxyEvent({ path: '/orders/abc' }));
    expect(byDefault.statusCode).toBe(400);
    expect(JSON.parse(byDefault.body)).toMatchObject({ error_code: 'APIG.0201' });
  });

  test('every context variable renders with its documented value', async () => {
    const result = await proxy.invoke(proxyEvent({
      method: 'POST', path: '/orders', query: { mode: 'x', page: '2' }, requestId: 'rid-vars', sourceIp: '198.51.100.7',
      stageVariables: { region: 'eu-west-1' }, authorizer: { 'frontend_user_id': 'u-1' },
    }));
    expect(result.statusCode).toBe(422);
    const body = JSON.parse(result.body);
    expect(body).toMatchObject({
      apiId: apis.create.apiId, apiName: 'create-order', appId: '', appName: '', requestId: 'rid-vars', stage: 'RELEASE',
      sourceIp: '198.51.100.7', reqPath: '/orders', reqMethod: 'POST', code: 'APIG.0201', type: 'REQUEST_PARAMETERS_FAILURE',
      user: 'u-1', backend: '', region: 'eu-west-1', missing: '',
    });
    expect(body.reqUri).toMatch(/^\/orders\?/);
    expect(body.reqUri).toContain('mode=x');
    expect(body.reqUri).toContain('page=2');
    expect(body.message).toMatch(/^API request error\..*mode/);
  });

  test('an unknown path gets the default NOT_FOUND rule, with its header and the empty API variables', async () => {
    const result = await proxy.invoke(proxyEvent({ path: '/nowhere', requestId: 'rid-404' }));
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body)).toMatchObject({ apiId: '', apiName: '', type: 'NOT_FOUND', code: 'APIG.0101', reqPath: '/nowhere' });
    expect(resultHeader(result, 'X-Trace')).toBe('rid-404');
    expect(resultHeader(result, 'Content-Type')).toBe('application/json');
  });

  test('quotes, backslashes, newlines and "$context.requestId" in path and query are escaped, never expanded', async () => {
    const nasty = 'a"b\\c\nd$context.requestId';
    // API Gateway keeps the path as sent (percent-encoding included); a raw quote or backslash can arrive too.
    const result = await proxy.invoke(proxyEvent({
      path: '/nowhere/a"b\\c$context.requestId', query: { q: nasty }, requestId: 'rid-esc', headers: { 'X-Nasty': nasty },
    }));
    expect(result.statusCode).toBe(404);
    const body = JSON.parse(result.body); // valid JSON despite the content
    expect(body.requestId).toBe('rid-esc');
    expect(body.reqPath).not.toContain('rid-esc');
    expect(body.reqPath).toBe('/nowhere/a"b\\c$context.requestId');
    expect(body.reqUri).toContain('?q=');
    expect(body.reqUri).not.toContain('rid-esc');
    expect(resultHeader(result, 'X-Trace')).toBe('rid-esc');
  });

  test('the wrong method on a known path is a parameters failure, not NOT_FOUND', async () => {
    const result = await proxy.invoke(proxyEvent({ method: 'DELETE', path: '/orders/1' }));
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error_msg).toContain('DELETE');
  });

  test('a slow backend answers the selected response\'s BACKEND_TIMEOUT near the API\'s timeout', async () => {
    const started = Date.now();
    const result = await proxy.invoke(proxyEvent({ path: '/slow' }));
    const elapsed = Date.now() - started;
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body)).toEqual({ retry: true, type: 'BACKEND_TIMEOUT' });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1800);
  });

  test('a function backend is invoked through the real AWS SDK client with the proxy event', async () => {
    const result = await proxy.invoke(proxyEvent({ path: '/stock/sku-1' }));
    expect(result.body).not.toContain('error_code');
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ sku: 'sku-1', resource: '/stock/{sku}' });
    expect(functions.invocations.at(-1)?.functionName).toContain('inventory');
  });

  test('a mock backend answers without calling anything', async () => {
    const result = await proxy.invoke(proxyEvent({ path: '/health' }));
    expect(result).toMatchObject({ statusCode: 200, body: '{"ok":true}' });
  });
});
