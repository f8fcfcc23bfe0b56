/**
 * Authentication end to end from the cloud assembly: a group declared with the constructs
 * (apps, a custom and a third-party authorizer, IAM, IP rules), synthesized, and BOTH its bundled
 * authorizer and proxy loaded from their asset folders as Lambda loads them, chained as API
 * Gateway runs them. Proves that the document the constructs write is the one the runtime reads.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AccessControl, ApiAuth, Backend, HttpMethod, IdentitySource, ResponseType } from '../../lib';
import { closeAllServers, startServer, TestServer } from '../support/http-servers';
import { functionArn, lambdaEnv, LocalLambda, startLocalLambda } from '../support/local-lambda';
import { LocalSecretsManager, secretArn, secretsManagerEnv, startLocalSecretsManager } from '../support/local-secrets-manager';
import { chain, cleanWorkDirs, loadAuthorizerFromDir, LocalGatewayChain } from '../support/proxy-harness';
import { authorizerAssetDir, synthesizeGroup, SynthesizedGroup } from '../support/synth-group';
import { appCode } from './documents';
import { captureLogs, expectNoSecretIn, json, setEnv } from './helpers';

const MOBILE = appCode('synth-mobile', 80);
const WEB = appCode('synth-web', 64);
const BODY = '{"type":"$context.error.type","code":"$context.error.code","app":"$context.appName","f":"$context.authorizer.frontend.code"}';

let sm: LocalSecretsManager;
let functions: LocalLambda;
let service: TestServer;
let synthesized: SynthesizedGroup;
let gw: LocalGatewayChain;
let restoreEnv: () => void;

beforeAll(async () => {
  [sm, functions] = await Promise.all([startLocalSecretsManager(), startLocalLambda()]);
  service = await startServer((req, res) => { res.writeHead(req.headers['x-token'] === 'good' ? 200 : 401); res.end(); });
  sm.put('mobile', JSON.stringify({ appCode: MOBILE }));
  sm.put('web', JSON.stringify({ appCodes: [WEB] }));
  functions.register('main', (event: any) => ({
    statusCode: 200,
    body: JSON.stringify({ status: event.headers['x-token'] === 'nope' ? 'deny' : 'allow', context: { code: 'from-main' } }),
  }));
  synthesized = synthesizeGroup({
    groupName: 'secured',
    defaultResponse: { rules: ResponseType.all().map(type => ({ type, body: BODY })) },
  }, (group, stack: Stack) => {
    const mobile = group.addApp('mobile', { secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'MobileSecret', secretArn('mobile')) });
    const web = group.addApp('web', { secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'WebSecret', secretArn('web')) });
    const main = group.addCustomAuthorizer('main', {
      handler: lambda.Function.fromFunctionArn(stack, 'Main', functionArn('main')),
      identities: [IdentitySource.header('X-Token', { validation: '[a-z]+' })],
      timeout: Duration.seconds(2),
    });
    const svc = group.addThirdPartyAuthorizer('svc', { url: `${service.url}/auth`, identities: [IdentitySource.header('X-Token')] });
    const mock = (name: string) => Backend.mock({ body: `{"api":"${name}"}` });
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders/{id}', backend: mock('orders'), auth: ApiAuth.app({ apps: [mobile] }) });
    group.addApi('Web', { method: HttpMethod.GET, path: '/web', backend: mock('web'), auth: ApiAuth.app({ apps: [web], customAuthorizer: main }) });
    group.addApi('Custom', { method: HttpMethod.GET, path: '/custom', backend: mock('custom'), auth: ApiAuth.custom(main) });
    group.addApi('Third', { method: HttpMethod.GET, path: '/third', backend: mock('third'), auth: ApiAuth.thirdParty(svc) });
    group.addApi('Iam', { method: HttpMethod.GET, path: '/iam', backend: mock('iam'), auth: ApiAuth.iam({ customAuthorizer: main }) });
    group.addApi('Office', {
      method: HttpMethod.GET, path: '/office', backend: mock('office'), accessControl: AccessControl.allow(['10.0.0.0/8', '2001:db8::/32']),
    });
  });
  restoreEnv = setEnv({ ...lambdaEnv(functions.endpoint), ...secretsManagerEnv(sm.endpoint) });
  captureLogs();
  gw = chain(loadAuthorizerFromDir(authorizerAssetDir(synthesized)), synthesized.load());
  jest.restoreAllMocks();
}, 60_000);
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  restoreEnv();
  await Promise.all([sm.close(), functions.close(), closeAllServers()]);
  cleanWorkDirs();
});


test('both functions carry the same configuration document, and it holds no AppCode', () => {
  // why: the authorizer and the proxy must route and decide on the same document; AppCodes live in Secrets Manager only
  const authorizerConfig = fs.readFileSync(path.join(authorizerAssetDir(synthesized), 'config.json'), 'utf8');
  expect(authorizerConfig).toBe(fs.readFileSync(path.join(synthesized.assetDir, 'config.json'), 'utf8'));
  expect(authorizerConfig).not.toContain(MOBILE);
  expect(JSON.stringify(synthesized.template)).not.toContain(MOBILE);
});

test.each([
  ['an authorised app', { path: '/orders/1', headers: { 'X-Apig-AppCode': MOBILE } }, 200, 'orders'],
  ['no AppCode', { path: '/orders/1' }, 401, 'AUTH_HEADER_MISSING'],
  ['an unknown AppCode', { path: '/orders/1', headers: { 'X-Apig-AppCode': appCode('nobody') } }, 401, 'AUTH_FAILURE'],
  ['an app not authorised', { path: '/orders/1', headers: { 'X-Apig-AppCode': WEB } }, 401, 'UNAUTHORIZED'],
  ['two-factor: app and custom allow', { path: '/web', headers: { 'X-Apig-AppCode': WEB, 'X-Token': 'abc' } }, 200, 'web'],
  ['two-factor: custom identity invalid', { path: '/web', headers: { 'X-Apig-AppCode': WEB, 'X-Token': 'ABC' } }, 401, 'AUTHORIZER_IDENTITIES_FAILURE'],
  ['custom deny', { path: '/custom', headers: { 'X-Token': 'nope' } }, 500, 'AUTHORIZER_FAILURE'],
  ['custom allow', { path: '/custom', headers: { 'X-Token': 'abc' } }, 200, 'custom'],
  ['third-party allow', { path: '/third', headers: { 'X-Token': 'good' } }, 200, 'third'],
  ['third-party reject', { path: '/third', headers: { 'X-Token': 'bad' } }, 401, 'THIRD_AUTH_FAILURE'],
  ['third-party identity missing', { path: '/third' }, 401, 'THIRD_AUTH_IDENTITIES_FAILURE'],
  ['an IP outside the allow list', { path: '/office', sourceIp: '192.0.2.1' }, 403, 'ACCESS_DENIED'],
  ['an IP inside the allow list (v6)', { path: '/office', sourceIp: '2001:db8::7' }, 200, 'office'],
])('%s', async (_what, options, status, outcome) => {
  // why: what users declare with the constructs is what the deployed handlers do
  const { result } = await gw.request(options);
  expect(result.statusCode).toBe(status);
  const body = json(result);
  expect(status === 200 ? body.api : body.type).toBe(outcome);
});

test('IAM + custom: the proxy runs the custom authorizer after the signature (no Lambda authorizer on IAM methods)', async () => {
  // why: API Gateway allows one authorizer per method; IAM takes it
  expect(json((await gw.request({ path: '/iam', resource: '/iam', iam: true, authorize: false, headers: { 'X-Token': 'abc' } })).result).api).toBe('iam');
  expect(json((await gw.request({ path: '/iam', resource: '/iam', iam: true, authorize: false, headers: { 'X-Token': 'nope' } })).result))
    .toEqual({ type: 'AUTHORIZER_FAILURE', code: 'APIG.0305', app: '', f: 'from-main' });
  expect(json((await gw.request({ path: '/iam', resource: '/iam', authorize: false, headers: { 'X-Token': 'abc' } })).result))
    .toMatchObject({ type: 'AUTH_HEADER_MISSING', code: 'APIG.0301' });
  // Through the catch-all (an encoding API Gateway did not decode), the IAM API is no API of the request.
  expect((await gw.request({ path: '/%69am', iam: true, authorize: false, headers: { 'X-Token': 'abc' } })).result.statusCode).toBe(404);
});

test('app names and the custom context are readable in refusals; no log line holds an AppCode', async () => {
  // why: $context.appName and $context.authorizer.frontend.<key> render in gateway responses
  const lines = captureLogs();
  const { result } = await gw.request({ path: '/web', headers: { 'X-Apig-AppCode': WEB, 'X-Token': 'nope' } });
  expect(json(result)).toEqual({ type: 'AUTHORIZER_FAILURE', code: 'APIG.0305', app: 'web', f: 'from-main' });
  await gw.request({ path: '/orders/1', headers: { 'X-Apig-AppCode': MOBILE } });
  expectNoSecretIn(lines, [MOBILE, WEB]);
});
