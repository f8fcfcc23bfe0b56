/**
 * App signatures as synthesized: each app's AppKey (not a secret) and AppSecret (a Secrets Manager
 * secret generated at deploy time, or the user's own), their checks at synth, who may read the
 * AppSecret, the configuration document (where the AppSecret is, never what it is), ApiAuth.app's
 * signature / appCode choices and the warning about apps whose throttle a signed body escapes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SecretValue, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ApiAuth, ApiGroup, Backend, HttpMethod } from 'cdk-api-groups';
import { filesUnder, newGroup, proxyAsset, templateOf } from '../support/synth';

function resolve(group: ApiGroup, value: unknown): any {
  return Stack.of(group).resolve(value);
}

/** The role policy statements of a function's role that allow reading `secret`. */
function readsSecret(group: ApiGroup, fnRoleLogicalIdPrefix: string, secret: secretsmanager.ISecret): boolean {
  const template = templateOf(group).toJSON();
  const secretRef = JSON.stringify(resolve(group, secret.secretArn));
  return Object.entries<any>(template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith(fnRoleLogicalIdPrefix))
    .some(([, r]) => r.Properties.PolicyDocument.Statement.some((s: any) =>
      [s.Action].flat().includes('secretsmanager:GetSecretValue') && JSON.stringify(s.Resource).includes(secretRef)));
}

describe('AppKey and AppSecret', () => {
  test('by default: a derived AppKey (32 hex digits, the same on every synth) and an AppSecret generated at deploy time', () => {
    // why: callers need an AppKey they can be given from the CDK app, and an AppSecret no template holds
    const group = newGroup({ groupName: 'shop' });
    const app = group.addApp('mobile');
    const again = newGroup({ groupName: 'shop' }).addApp('mobile');
    expect(app.appKey).toMatch(/^[0-9a-f]{32}$/);
    expect(again.appKey).toBe(app.appKey);
    expect(newGroup({ groupName: 'shop' }).addApp('web').appKey).not.toBe(app.appKey);
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock(), auth: ApiAuth.app({ apps: [app] }) });
    const template = templateOf(group);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: Match.stringLikeRegexp('^AppSecret of app mobile'),
      GenerateSecretString: { GenerateStringKey: 'appSecret', PasswordLength: 64, ExcludePunctuation: true, SecretStringTemplate: '{}' },
    });
    expect(app.appSecret).not.toBe(app.secret);
  });

  test('the configuration document says where the AppSecret is and what the AppKey is, never the AppSecret', () => {
    // why: the AppSecret must never appear in a template, asset or configuration document
    const group = newGroup({ groupName: 'shop' });
    const value = 'MyOwn_AppSecret-0123456789';
    const own = new secretsmanager.Secret(Stack.of(group), 'Own', { secretStringValue: SecretValue.unsafePlainText(JSON.stringify({ appSecret: value })) });
    const app = group.addApp('partner', { appKey: 'partner-key-01', appSecret: own });
    group.addApi('Orders', { method: HttpMethod.POST, path: '/orders', backend: Backend.mock(), auth: ApiAuth.app({ apps: [app] }) });
    const asset = proxyAsset(group);
    const doc = asset.config.apps!.partner;
    expect(doc.appKey).toBe('partner-key-01');
    expect(doc.appSecretArn).toEqual({ env: expect.stringMatching(/^APIG_VALUE_\d+$/) });
    for (const file of filesUnder(asset.dir)) {
      expect(fs.readFileSync(path.join(asset.dir, file), 'utf8')).not.toContain(value);
    }
    // The user's literal value is where the user put it (their secret resource, and the construct tree
    // that describes it), in no asset or configuration file.
    const outdir = Stage.of(Stack.of(group))!.outdir;
    const holders = filesUnder(outdir).filter(f => fs.readFileSync(path.join(outdir, f), 'utf8').includes(value));
    expect(holders.sort()).toEqual(['Stack.template.json', 'tree.json']);
  });

  test('a generated AppSecret appears in no file of the cloud assembly (only its generator does)', () => {
    // why: Secrets Manager generates it at deploy time, so nothing at synth can leak it
    const group = newGroup({ groupName: 'shop' });
    const app = group.addApp('mobile');
    group.addApi('Orders', { method: HttpMethod.POST, path: '/orders', backend: Backend.mock(), auth: ApiAuth.app({ apps: [app] }) });
    const text = JSON.stringify(templateOf(group).toJSON());
    expect(text).not.toMatch(/"appSecret"\s*:\s*"/);
    expect(proxyAsset(group).configText).not.toMatch(/appSecret"/);
  });

  test('the proxy reads the AppSecrets of apps on signature APIs only; the authorizer reads every app\'s', () => {
    // why: least privilege: the proxy verifies signed bodies only for apps an API accepts signatures from
    const group = newGroup({ groupName: 'shop' });
    const signing = group.addApp('signing');
    const coding = group.addApp('coding');
    group.addApi('Signed', { method: HttpMethod.POST, path: '/signed', backend: Backend.mock(), auth: ApiAuth.app({ apps: [signing] }) });
    group.addApi('Coded', { method: HttpMethod.POST, path: '/coded', backend: Backend.mock(), auth: ApiAuth.app({ apps: [coding], signature: false }) });
    const proxyRole = resolve(group, (group.proxyFunction.role!.node.defaultChild as any).logicalId) as string;
    const authorizerRole = resolve(group, (group.authorizerFunction!.role!.node.defaultChild as any).logicalId) as string;
    expect(readsSecret(group, proxyRole.replace(/[0-9A-F]{8}$/, ''), signing.appSecret)).toBe(true);
    expect(readsSecret(group, proxyRole.replace(/[0-9A-F]{8}$/, ''), coding.appSecret)).toBe(false);
    expect(readsSecret(group, authorizerRole.replace(/[0-9A-F]{8}$/, ''), coding.appSecret)).toBe(true);
  });

  test.each([
    ['too short', 'short'],
    ['a bad first character', '_leading-underscore'],
    ['a character not allowed', 'has.dot.inside'],
  ])('an AppKey with %s is refused at synth, naming the app and the rule', (_what, appKey) => {
    // why: Huawei's app_key is 8-200 of [A-Za-z0-9_-], starting with a letter or digit
    const group = newGroup();
    expect(() => group.addApp('mobile', { appKey })).toThrow(/Group\/Appmobile.*\[app-key\]/s);
  });

  test('two apps with one AppKey are refused at synth', () => {
    // why: the AppKey names the app of a signature: it must name one
    const group = newGroup();
    group.addApp('mobile', { appKey: 'shared-key-01' });
    expect(() => group.addApp('web', { appKey: 'shared-key-01' })).toThrow(/already the AppKey of app mobile/);
  });

  test('a literal AppSecret secret of the wrong shape is refused at synth, without showing it', () => {
    // why: a bad AppSecret would make every signature fail at runtime; its value must not reach a message
    const group = newGroup();
    const stack = Stack.of(group);
    const bad = new secretsmanager.Secret(stack, 'Bad', { secretStringValue: SecretValue.unsafePlainText(JSON.stringify({ appSecret: 'has space inside' })) });
    expect(() => group.addApp('mobile', { appSecret: bad })).toThrow(/\[app-secret-value\]/);
    try { group.addApp('web', { appSecret: bad }); } catch (err) { expect((err as Error).message).not.toContain('has space inside'); }
    const noKey = new secretsmanager.Secret(stack, 'NoKey', { secretStringValue: SecretValue.unsafePlainText('{"appCode":"x"}') });
    expect(() => group.addApp('other', { appSecret: noKey })).toThrow(/not JSON with "appSecret"/);
  });
});

describe('ApiAuth.app({ signature, appCode })', () => {
  test('both by default; only what is turned off is written', () => {
    // why: existing AppCode groups keep working and gain signatures; the document stays as before for them
    const group = newGroup();
    const app = group.addApp('mobile');
    const both = ApiAuth.app({ apps: [app] });
    expect([both.signature, both.appCode]).toEqual([true, true]);
    group.addApi('Both', { method: HttpMethod.GET, path: '/both', backend: Backend.mock(), auth: both });
    group.addApi('Codes', { method: HttpMethod.GET, path: '/codes', backend: Backend.mock(), auth: ApiAuth.app({ apps: [app], signature: false }) });
    group.addApi('Signed', { method: HttpMethod.GET, path: '/signed', backend: Backend.mock(), auth: ApiAuth.app({ apps: [app], appCode: false }) });
    const auth = Object.fromEntries(proxyAsset(group).config.apis.map(a => [a.name, a.auth]));
    expect(auth.Both).toEqual({ type: 'APP', apps: ['mobile'] });
    expect(auth.Codes).toEqual({ type: 'APP', apps: ['mobile'], signature: false });
    expect(auth.Signed).toEqual({ type: 'APP', apps: ['mobile'], appCode: false });
  });

  test('neither signature nor AppCode is a synth error naming the API', () => {
    // why: an API that accepts no credential could never be called
    const group = newGroup();
    const app = group.addApp('mobile');
    expect(() => group.addApi('Nobody', {
      method: HttpMethod.GET, path: '/nobody', backend: Backend.mock(), auth: ApiAuth.app({ apps: [app], signature: false, appCode: false }),
    })).toThrow(/Nobody.*accept no credential.*\[api-auth\]/s);
  });
});

describe('the warning about throttled apps and signed bodies', () => {
  const warning = Match.stringLikeRegexp('signed request with a body is verified by the proxy.*not counted against the throttle or quota of app mobile');

  test('an app with a throttle on a signature API whose method may carry a body is warned about', () => {
    // why: such requests are verified after API Gateway applied usage plans, so the app's limit does not hold for them
    const group = newGroup();
    const app = group.addApp('mobile', { throttle: { rateLimit: 10, burstLimit: 5 } });
    const api = group.addApi('Create', { method: HttpMethod.POST, path: '/orders', backend: Backend.mock(), auth: ApiAuth.app({ apps: [app] }) });
    templateOf(group);
    Annotations.fromStack(Stack.of(group)).hasWarning(`/${api.node.path}`, warning);
  });

  test('no warning for GET, for signature: false, or for apps without limits', () => {
    // why: the warning is only worth reading where the limit really escapes
    const group = newGroup();
    const limited = group.addApp('mobile', { quota: { limit: 100, period: apigw.Period.DAY } });
    const free = group.addApp('free');
    group.addApi('Read', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock(), auth: ApiAuth.app({ apps: [limited] }) });
    group.addApi('Codes', { method: HttpMethod.POST, path: '/codes', backend: Backend.mock(), auth: ApiAuth.app({ apps: [limited], signature: false }) });
    group.addApi('Free', { method: HttpMethod.POST, path: '/free', backend: Backend.mock(), auth: ApiAuth.app({ apps: [free] }) });
    templateOf(group);
    Annotations.fromStack(Stack.of(group)).hasNoWarning('*', warning);
  });
});
