/**
 * Issue 15 item 1: an app- or custom-authenticated API marked `direct: true` keeps the group's
 * authorizer, which then decides alone (one Lambda invocation instead of two). Arriving on the
 * API's own method, no proxy will render a verdict, so the BUILT authorizer answers API Gateway in
 * its terms: Allow (with the app's usage key and context), "Unauthorized" (401) or a failure
 * (500). Through the catch-all (an encoding API Gateway did not decode), the proxy still serves
 * the API, and the authorizer hands it the verdict as before.
 */
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ApiAuth, Backend, HttpMethod, IdentitySource } from '../../lib';
import { authorizerEventFor, proxyEvent } from '../support/events';
import { functionArn, lambdaEnv, LocalLambda, startLocalLambda } from '../support/local-lambda';
import { LocalSecretsManager, secretArn, secretsManagerEnv, startLocalSecretsManager } from '../support/local-secrets-manager';
import { readConfigFiles } from '../../lib/private/config-files';
import { cleanWorkDirs, loadAuthorizerFromDir, LoadedAuthorizer } from '../support/proxy-harness';
import { authorizerAssetDir, synthesizeGroup, SynthesizedGroup } from '../support/synth-group';
import { appCode } from './documents';
import { captureLogs, setEnv } from './helpers';

const MOBILE = appCode('direct-mobile', 80);

let sm: LocalSecretsManager;
let functions: LocalLambda;
let synthesized: SynthesizedGroup;
let authorizer: LoadedAuthorizer;
let restoreEnv: () => void;

beforeAll(async () => {
  [sm, functions] = await Promise.all([startLocalSecretsManager(), startLocalLambda()]);
  sm.put('mobile', JSON.stringify({ appCode: MOBILE }));
  functions.register('main', (event: any) => ({
    statusCode: 200,
    body: JSON.stringify({ status: event.headers['x-token'] === 'nope' ? 'deny' : 'allow', context: { code: 'from-main' } }),
  }));
  synthesized = synthesizeGroup({ groupName: 'directauth' }, (group, stack: Stack) => {
    const mobile = group.addApp('mobile', {
      secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'MobileSecret', secretArn('mobile')),
      throttle: { rateLimit: 10, burstLimit: 20 },
    });
    const main = group.addCustomAuthorizer('main', {
      handler: lambda.Function.fromFunctionArn(stack, 'Main', functionArn('main')),
      identities: [IdentitySource.header('X-Token')],
    });
    const mock = (name: string) => Backend.mock({ body: `{"api":"${name}"}` });
    group.addApi('Profile', { method: HttpMethod.GET, path: '/profile', backend: mock('profile'), direct: true, auth: ApiAuth.app({ apps: [mobile], signature: false }) });
    group.addApi('Custom', { method: HttpMethod.GET, path: '/custom', backend: mock('custom'), direct: true, auth: ApiAuth.custom(main) });
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: mock('orders'), auth: ApiAuth.app({ apps: [mobile], signature: false }) });
  });
  restoreEnv = setEnv({ ...lambdaEnv(functions.endpoint), ...secretsManagerEnv(sm.endpoint) });
  captureLogs();
  authorizer = loadAuthorizerFromDir(authorizerAssetDir(synthesized));
  jest.restoreAllMocks();
}, 60_000);
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  restoreEnv();
  await Promise.all([sm.close(), functions.close()]);
  cleanWorkDirs();
});


function decide(requestPath: string, resource: string, headers: Record<string, string> = {}) {
  // API Gateway names the resource it matched (the direct API's own, or the catch-all).
  return authorizer.invoke({ ...authorizerEventFor(proxyEvent({ path: requestPath, headers })), resource });
}

test('the API is direct in the document the authorizer was built with', () => {
  const body = Object.values(synthesized.template.Resources as Record<string, any>).find(r => r.Type === 'AWS::ApiGateway::RestApi')!.Properties.Body;
  expect(body.paths['/profile'].get['x-amazon-apigateway-integration'].type).toBe('mock');
  expect(body.paths['/profile'].get.security).toEqual([{ apigGroupAuthorizer: [] }, { api_key: [] }]);
});

test('an authorised app on the direct method: Allow, metered by the app\'s own usage key, with its context', async () => {
  const result = await decide('/profile', '/profile', { 'X-Apig-AppCode': MOBILE });
  expect(result.policyDocument.Statement).toEqual([expect.objectContaining({ Effect: 'Allow' })]);
  // The app's own key (its throttle), never the refusal plan's.
  const config = readConfigFiles(authorizer.dir) as any;
  expect(result.usageIdentifierKey).toBe(config.apps.mobile.usageKey);
  expect(result.usageIdentifierKey).not.toBe(config.refusalUsageKey);
  expect(result.context).toMatchObject({ apigVerdict: 'ok', appName: 'mobile' });
});

test.each([
  ['no AppCode', {}],
  ['an unknown AppCode', { 'X-Apig-AppCode': appCode('nobody') }],
])('%s on the direct method: the function fails with "Unauthorized", API Gateway\'s 401', async (_what, headers) => {
  await expect(decide('/profile', '/profile', headers)).rejects.toThrow(/^Unauthorized$/);
});

test('a custom authorizer\'s denial on a direct method is a failure (500, Huawei\'s AUTHORIZER_FAILURE status), never an Allow', async () => {
  await expect(decide('/custom', '/custom', { 'X-Token': 'nope' })).rejects.toThrow(/AUTHORIZER_FAILURE/);
  const allowed = await decide('/custom', '/custom', { 'X-Token': 'fine' });
  expect(allowed.policyDocument.Statement[0].Effect).toBe('Allow');
});

test('through the catch-all or for a proxied API, the verdict goes to the proxy as before (Allow, verdict in the context)', async () => {
  // why: the proxy renders these with the API's own response; a direct API reached off its method is served by the proxy
  for (const [requestPath, resource] of [['/%70rofile', '/{proxy+}'], ['/orders', '/{proxy+}']]) {
    const result = await decide(requestPath, resource);
    expect(result.policyDocument.Statement[0].Effect).toBe('Allow');
    expect(result.context).toMatchObject({ apigVerdict: 'AUTH_HEADER_MISSING' });
  }
});
