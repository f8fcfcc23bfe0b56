/**
 * A Lambda function's worker starts only when a request first needs that function: a REST API
 * (plain aws-cdk-lib RestApi, CloudFormation methods) with an HTTP_PROXY method and a method
 * integrated (AWS_PROXY) with a function of the app is served by `cdk-api-groups local`; requests to
 * the HTTP_PROXY method are answered by the 127.0.0.1 backend with no worker started, then one request
 * to the function's method starts exactly that function's worker (lib/local/lambda-runner.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { send } from '../support/http-client';
import { echoServer, TestServer } from '../support/http-servers';
import { serveAssembly, ServedAssembly } from '../support/served-assembly';

const work = path.join(__dirname, '..', '.work', `local-direct-workers-${process.pid}`);
const HANDLER = `exports.handler = async (event) => ({ statusCode: 201, headers: { 'X-From': 'function' }, body: JSON.stringify({ path: event.path, id: event.pathParameters.id }) });\n`;

let served: ServedAssembly;
let echo: TestServer;
let fnId: string;
let otherId: string;

beforeAll(async () => {
  echo = await echoServer();
  fs.mkdirSync(path.join(work, 'fn'), { recursive: true });
  fs.writeFileSync(path.join(work, 'fn', 'index.js'), HANDLER);
  const app = new App({ outdir: path.join(work, 'cdk.out'), context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'Workers');
  const fn = new lambda.Function(stack, 'Orders', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(path.join(work, 'fn')) });
  const other = new lambda.Function(stack, 'Unused', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(path.join(work, 'fn')) });
  fnId = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
  otherId = stack.getLogicalId(other.node.defaultChild as lambda.CfnFunction);
  const api = new apigw.RestApi(stack, 'Api', { deployOptions: { stageName: 'RELEASE' } });
  api.root.addResource('direct').addResource('{id}').addMethod('GET', new apigw.HttpIntegration(`${echo.url}/backend/{id}`, {
    proxy: true,
    httpMethod: 'GET',
    options: { requestParameters: { 'integration.request.path.id': 'method.request.path.id' } },
  }), { requestParameters: { 'method.request.path.id': true } });
  api.root.addResource('orders').addResource('{id}').addMethod('GET', new apigw.LambdaIntegration(fn));
  api.root.addResource('other').addMethod('GET', new apigw.LambdaIntegration(other));
  served = await serveAssembly(app, work);
}, 120_000);

afterAll(async () => {
  await served?.close();
});

test('HTTP_PROXY requests start no worker; the first request to a function starts exactly its worker', async () => {
  for (const id of ['1', '2', '3']) {
    const a = await send(served.base, 'GET', `/direct/${id}`);
    expect(a.status).toBe(200);
    expect(a.json.path).toBe(`/backend/${id}`);
  }
  expect(echo.requests).toHaveLength(3);
  expect(served.gateway.startedFunctions()).toEqual([]);

  // AWS_PROXY to a function of the app (not a group's proxy), with the REST proxy event.
  const a = await send(served.base, 'GET', '/orders/42');
  expect(a.status).toBe(201);
  expect(a.headers['x-from']).toBe('function');
  expect(a.json).toEqual({ path: '/orders/42', id: '42' });
  expect(served.gateway.startedFunctions()).toEqual([fnId]);
  expect(served.gateway.startedFunctions()).not.toContain(otherId);

  // More HTTP_PROXY traffic still starts nothing else.
  await send(served.base, 'GET', '/direct/4');
  expect(served.gateway.startedFunctions()).toEqual([fnId]);
});
