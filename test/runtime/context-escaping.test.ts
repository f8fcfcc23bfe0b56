/**
 * Values the authorizer hands to native gateway responses, on the built assets. API Gateway
 * substitutes `$context.authorizer.<key>` into a native template as it is, so the authorizer
 * sends the keys such a template can read (appId, appName, frontend_<key>) JSON-string-escaped;
 * the proxy unescapes them once, so function backends, HTTP backends and the proxy's own
 * responses get the values exactly as the custom authorizer returned them.
 */
import type { ConfigDocument } from '../../lib/private/config-document';
import { closeAllServers, echoServer, EchoBody, TestServer } from '../support/http-servers';
import { functionArn, lambdaEnv, LocalLambda, startLocalLambda } from '../support/local-lambda';
import { LocalSecretsManager, secretArn, secretsManagerEnv, startLocalSecretsManager } from '../support/local-secrets-manager';
import { cleanWorkDirs, loadGroupAssets, LocalGatewayChain } from '../support/proxy-harness';
import { appCode, document, fn, http, revealingRules } from './documents';
import { captureLogs, json, setEnv } from './helpers';

/** Caller-influenced text a custom authorizer might hand back: quotes, backslash, newline, markup, line separator. */
const NASTY = 'say "hi"\\ \n</script><b>&\u2028ok';
const APP_NAME = 'Mobile "beta" \\ <app>';
/** What a header can carry (Latin-1, no control characters): forwarded as it is. */
const HEADER_NASTY = 'say "hi"\\ </script><b>&';
const MOBILE = appCode('escaping-mobile', 70);

let sm: LocalSecretsManager;
let functions: LocalLambda;
let echo: TestServer;
let restoreEnv: () => void;
let gw: LocalGatewayChain;
let doc: ConfigDocument;

beforeAll(async () => {
  [sm, functions, echo] = await Promise.all([startLocalSecretsManager(), startLocalLambda(), echoServer()]);
  sm.put('mobile', JSON.stringify({ appCode: MOBILE }));
  functions.register('tells', (event: any) => ({
    statusCode: 200,
    body: JSON.stringify({ status: event.headers['x-token'] === 'deny' ? 'deny' : 'allow', context: { note: NASTY, code: NASTY, header: HEADER_NASTY } }),
  }));
  functions.register('backend', (event: any) => ({ statusCode: 200, body: JSON.stringify({ authorizer: event.requestContext.authorizer }) }));
  restoreEnv = setEnv({ ...lambdaEnv(functions.endpoint), ...secretsManagerEnv(sm.endpoint) });
  doc = document({
    defaultRules: revealingRules(),
    apps: { mobile: { id: 'app-mobile', name: APP_NAME, secretArn: secretArn('mobile') } },
    customAuthorizers: {
      tells: { name: 'tells', functionArn: functionArn('tells'), identities: [{ in: 'header', name: 'X-Token' }], ttlSeconds: 0, relaxed: false, timeoutMs: 1000 },
    },
    apis: [
      { id: 'fn', path: '/fn', backend: fn(functionArn('backend')), auth: { type: 'APP', apps: ['mobile'], customAuthorizer: 'tells' } },
      {
        id: 'web', path: '/web', auth: { type: 'CUSTOM', customAuthorizer: 'tells' },
        backend: { ...http(`${echo.url}/web`), contextHeaders: { 'X-Note': 'header' } } as any,
      },
    ],
  });
  captureLogs();
  gw = await loadGroupAssets(doc);
  jest.restoreAllMocks();
});
beforeEach(() => { captureLogs(); });
afterEach(() => { jest.restoreAllMocks(); });
afterAll(async () => {
  restoreEnv();
  await Promise.all([sm.close(), functions.close(), closeAllServers()]);
  cleanWorkDirs();
});

const caller = { 'X-Apig-AppCode': MOBILE, 'X-Token': 'tok' };

/** A native gateway-response template as API Gateway renders it: each `$context.authorizer.<key>` replaced by the value as it is. */
function substitute(template: string, context: Record<string, unknown>): string {
  return template.replace(/\$context\.authorizer\.([A-Za-z0-9_]+)/g, (_m, key: string) => String(context[key] ?? ''));
}

test('the values a native template reads arrive escaped, and the template stays valid JSON', async () => {
  // why: API Gateway substitutes authorizer values into native templates without escaping them
  const { authorization } = await gw.request({ path: '/fn', headers: caller });
  const context = authorization!.context!;
  for (const key of ['frontend_note', 'appName']) {
    expect(String(context[key])).not.toMatch(/[\n<>&\u2028]/);
  }
  const template = '{"note":"$context.authorizer.frontend_note","app":"$context.authorizer.appName","id":"$context.authorizer.appId","type":"AUTHORIZER_FAILURE"}';
  const rendered = substitute(template, context);
  expect(JSON.parse(rendered)).toEqual({ note: NASTY, app: APP_NAME, id: 'app-mobile', type: 'AUTHORIZER_FAILURE' });
  expect(rendered).not.toContain('</script>');
});

test('a function backend receives the values raw in requestContext.authorizer', async () => {
  // why: the escaping is for native templates only; backends see what the authorizer decided, once
  const { result } = await gw.request({ path: '/fn', headers: caller });
  expect(result.statusCode).toBe(200);
  expect(JSON.parse(result.body).authorizer).toMatchObject({ frontend_note: NASTY, appName: APP_NAME, appId: 'app-mobile' });
});

test('an HTTP backend receives the value raw in its context header', async () => {
  // why: authorizerContextHeaders forward what the function returned, not its escaped form
  const { result } = await gw.request({ path: '/web', headers: { 'X-Token': 'tok' } });
  expect(result.statusCode).toBe(200);
  const seen = JSON.parse(result.body) as EchoBody;
  expect(seen.headers['x-note']).toBe(HEADER_NASTY);
});

test('the proxy\'s own gateway response renders the raw values once (escaped by its JSON renderer only)', async () => {
  // why: a refusal rendered by the proxy must show the function's context, not its escaped form
  const { result } = await gw.request({ path: '/fn', headers: { ...caller, 'X-Token': 'deny' } });
  expect(json(result)).toMatchObject({ type: 'AUTHORIZER_FAILURE', frontendCode: NASTY, appName: APP_NAME });
});
