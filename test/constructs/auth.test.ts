/**
 * Who may call (issue 3), as synthesized: the bundled REQUEST authorizer and its wiring, the apps
 * and their AppCode secrets, usage plans, custom and third-party authorizers in the configuration
 * document, IAM least privilege of both bundled functions, the IAM grant helpers, and IP access
 * control. Throttling and redeployment have their own files.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Duration, SecretValue, Stack, Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AccessControl, ApiAuth, ApiGroup, ApiGroupProps, AuthType, Backend, HttpMethod, IdentitySource,
} from 'cdk-api-groups';
import { authorizerAsset, filesUnder, methodAt, methodsByPath, newApp, newGroup, newStack, proxyAsset, restApiDocument, templateOf } from '../support/synth';

const mock = (): Backend => Backend.mock();

function fn(stack: Stack, id: string): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})'),
  });
}

function ref(group: ApiGroup, construct: { node: { defaultChild?: unknown } }): { Ref: string } {
  return { Ref: Stack.of(group).resolve((construct.node.defaultChild as any).logicalId) };
}

function resolve(group: ApiGroup, value: unknown): any {
  return Stack.of(group).resolve(value);
}

/**
 * Every authentication mode at once:
 * - Public (NONE), Orders (APP mobile+web, two-factor with jwt), Stock (APP web), Profile (CUSTOM jwt),
 *   Partner (THIRD_PARTY), Reports (IAM), Audit (IAM + custom "audit", run by the proxy).
 */
function fullGroup(props: ApiGroupProps = {}, stack: Stack = newStack()) {
  const group = newGroup({ groupName: 'shop', ...props }, stack);
  const jwtFn = fn(stack, 'JwtFn');
  const auditFn = fn(stack, 'AuditFn');
  const unusedFn = fn(stack, 'UnusedFn');
  const backendFn = fn(stack, 'BackendFn');
  const mobile = group.addApp('mobile');
  const web = group.addApp('web');
  const jwt = group.addCustomAuthorizer('jwt', {
    handler: jwtFn,
    identities: [IdentitySource.header('Authorization', { validation: '^Bearer .+$' }), IdentitySource.query('tenant')],
    cacheTtl: Duration.minutes(5),
    userData: '{"audience":"shop"}',
    relaxed: true,
    timeout: Duration.seconds(2),
  });
  const audit = group.addCustomAuthorizer('audit', { handler: auditFn });
  group.addCustomAuthorizer('unused', { handler: unusedFn });
  const partner = group.addThirdPartyAuthorizer('partner', {
    url: 'https://auth.partner.example.com/check',
    method: HttpMethod.POST,
    identities: [IdentitySource.header('X-Partner-Token'), IdentitySource.query('sig', { validation: '^[0-9a-f]{64}$' })],
    timeout: Duration.seconds(3),
    matchHeader: { name: 'X-Auth-Result', value: 'allow' },
    relaxed: true,
    cacheTtl: Duration.seconds(30),
  });
  const apis = {
    publicApi: group.addApi('Public', { method: HttpMethod.GET, path: '/public', backend: mock() }),
    orders: group.addApi('Orders', {
      method: HttpMethod.GET, path: '/orders', backend: Backend.fn(backendFn), auth: ApiAuth.app({ apps: [mobile, web], customAuthorizer: jwt }),
    }),
    stock: group.addApi('Stock', { method: HttpMethod.GET, path: '/stock/{sku}', backend: mock(), auth: ApiAuth.app({ apps: [web] }) }),
    profile: group.addApi('Profile', { method: HttpMethod.GET, path: '/profile', backend: mock(), auth: ApiAuth.custom(jwt) }),
    partnerApi: group.addApi('Partner', { method: HttpMethod.POST, path: '/partner', backend: mock(), auth: ApiAuth.thirdParty(partner) }),
    reports: group.addApi('Reports', { method: HttpMethod.GET, path: '/reports', backend: mock(), auth: ApiAuth.iam() }),
    audit: group.addApi('Audit', { method: HttpMethod.GET, path: '/audit', backend: mock(), auth: ApiAuth.iam({ customAuthorizer: audit }) }),
  };
  return { group, stack, mobile, web, jwt, audit, partner, jwtFn, auditFn, unusedFn, backendFn, apis };
}

/** The statements of the only policy attached to `role`. */
function statementsOf(template: Template, group: ApiGroup, role: iam.IRole): any[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [ref(group, role as any)] } }));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

// ---------------------------------------------------------------------------------------------

describe('the bundled authorizer', () => {
  test('is only created when an API uses app, custom or third-party authentication', () => {
    // NONE and IAM APIs never reach it: a group without such APIs deploys one function, the proxy.
    const group = newGroup();
    const app = group.addApp('mobile');
    group.addCustomAuthorizer('jwt', { handler: fn(Stack.of(group), 'JwtFn') });
    group.addApi('Public', { method: HttpMethod.GET, path: '/public', backend: mock() });
    group.addApi('Reports', { method: HttpMethod.GET, path: '/reports', backend: mock(), auth: ApiAuth.iam() });
    const template = templateOf(group);
    expect(group.authorizerFunction).toBeUndefined();
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
    expect(restApiDocument(template).components.securitySchemes).toEqual({ sigv4: expect.anything() });
    template.resourceCountIs('AWS::Lambda::Function', 2); // the proxy and the user's JwtFn
    // the app still has its secrets (AppCodes, AppSecret), for when an API authorises it
    expect(app.secret).toBeDefined();
    expect(app.appSecret).toBeDefined();
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
  });

  test('a Node.js 24 arm64 function with its own log group, role and the group\'s log retention', () => {
    // Same runtime discipline as the proxy; its logs are kept apart and as long as the proxy's.
    const { group } = fullGroup({ logRetention: logs.RetentionDays.ONE_MONTH });
    const template = templateOf(group);
    const fnId = resolve(group, group.authorizerFunction!.functionArn)['Fn::GetAtt'][0];
    const props = template.toJSON().Resources[fnId].Properties;
    expect(props).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Description: 'cdk-api-groups authorizer of API group shop',
      Role: resolve(group, group.authorizerFunction!.role!.roleArn),
      LoggingConfig: { LogGroup: ref(group, group.authorizerLogGroup!) },
    });
    expect(group.authorizerLogGroup).not.toBe(group.proxyLogGroup);
    expect(template.toJSON().Resources[ref(group, group.authorizerLogGroup!).Ref].Properties).toEqual({ RetentionInDays: 30 });
    expect(group.authorizerFunction!.role).not.toBe(group.proxyFunction.role);
  });

  test('its timeout fits the slowest custom or third-party authorizer it calls, with 3 s to spare, at least 5 s', () => {
    // A Lambda timeout below the authorizers' own would turn a slow authorizer into a bare 500.
    const timeoutOf = (build: (group: ApiGroup) => void) => {
      const group = newGroup();
      build(group);
      const template = templateOf(group);
      return template.toJSON().Resources[resolve(group, group.authorizerFunction!.functionArn)['Fn::GetAtt'][0]].Properties.Timeout;
    };
    expect(timeoutOf(g => {
      g.addApi('Aaa', { method: HttpMethod.GET, path: '/a', backend: mock(), auth: ApiAuth.app({ apps: [g.addApp('mobile')] }) });
    })).toBe(5);
    expect(timeoutOf(g => {
      const slow = g.addThirdPartyAuthorizer('slow', { url: 'https://auth.example.com', timeout: Duration.millis(9_500) });
      g.addApi('Aaa', { method: HttpMethod.GET, path: '/a', backend: mock(), auth: ApiAuth.thirdParty(slow) });
    })).toBe(13);
    // an authorizer only the proxy calls (IAM two-factor) does not count
    expect(timeoutOf(g => {
      const slow = g.addCustomAuthorizer('slow', { handler: fn(Stack.of(g), 'Slow'), timeout: Duration.seconds(10) });
      g.addApi('Aaa', { method: HttpMethod.GET, path: '/a', backend: mock(), auth: ApiAuth.iam({ customAuthorizer: slow }) });
      g.addApi('Bbb', { method: HttpMethod.GET, path: '/b', backend: mock(), auth: ApiAuth.app({ apps: [g.addApp('mobile')] }) });
    })).toBe(5);
  });

  test('one REQUEST authorizer for the group: result TTL 0, no identity sources, invoked only by this REST API', () => {
    // The verdict depends on the API, so API Gateway must not cache it across methods; without identity
    // sources API Gateway never refuses on its own (401 without our response) before the authorizer runs.
    const { group } = fullGroup();
    const template = templateOf(group);
    // Declared in the REST API's document, not as an AWS::ApiGateway::Authorizer.
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
    const scheme = restApiDocument(template).components.securitySchemes.apigGroupAuthorizer;
    expect(scheme).toEqual({
      'type': 'apiKey',
      'name': 'Host',
      'in': 'header',
      'x-amazon-apigateway-authtype': 'custom',
      'x-amazon-apigateway-authorizer': { type: 'request', authorizerUri: expect.anything(), authorizerResultTtlInSeconds: 0 },
    });
    expect(JSON.stringify(scheme['x-amazon-apigateway-authorizer'].authorizerUri))
      .toContain(JSON.stringify(resolve(group, group.authorizerFunction!.functionArn)));
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission', {
      Properties: { FunctionName: resolve(group, group.authorizerFunction!.functionArn) },
    }));
    expect(permissions).toHaveLength(1);
    expect(permissions[0].Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: resolve(group, group.authorizerFunction!.functionArn),
      Principal: 'apigateway.amazonaws.com',
      SourceArn: {
        'Fn::Join': ['', [
          'arn:', { Ref: 'AWS::Partition' }, ':execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':',
          ref(group, group.restApi), '/authorizers/*',
        ]],
      },
    });
  });

  test('the authorizer only on the catch-all the app, custom and third-party APIs ride; IAM and public APIs never pay for it', () => {
    // IAM is native; NONE APIs get their own method without the authorizer (DESIGN section 11).
    const { group } = fullGroup();
    const template = templateOf(group);
    expect(methodAt(template, '/{proxy+}', 'ANY').security).toEqual([{ apigGroupAuthorizer: [] }]);
    for (const [p, m] of [['/reports', 'GET'], ['/audit', 'GET']]) {
      expect(methodAt(template, p, m).security).toEqual([{ sigv4: [] }]);
    }
    for (const [p, m] of [['/public', 'GET'], ['/', 'ANY'], ['/public', 'ANY'], ['/reports', 'ANY'], ['/audit', 'ANY']]) {
      expect({ p, m, security: methodAt(template, p, m).security }).toEqual({ p, m, security: undefined });
    }
    const carrying = Object.entries(methodsByPath(template))
      .flatMap(([p, ms]) => ms.filter(m => JSON.stringify(methodAt(template, p, m).security ?? []).includes('apigGroupAuthorizer')));
    expect(carrying).toHaveLength(1);
  });

  test('runs the bundled authorizer code with the same configuration document as the proxy', () => {
    // Both handlers route the same way and must agree on every API's authentication.
    const { group } = fullGroup();
    const template = templateOf(group);
    const authorizer = authorizerAsset(group, template);
    const proxy = proxyAsset(group, template);
    expect(authorizer.configText).toBe(proxy.configText);
    expect(authorizer.hash).not.toBe(proxy.hash);
    expect(fs.readFileSync(path.join(authorizer.dir, 'index.js')))
      .toEqual(fs.readFileSync(path.join(__dirname, '..', '..', 'assets', 'authorizer', 'index.js')));
    expect(filesUnder(authorizer.dir)).toEqual(['apis.jsonl', 'config.json', 'index.js', 'routes.tsv']);
  });

  test('both functions get every deploy-time value the shared document refers to', () => {
    // The authorizer reads secret ARNs and custom authorizer ARNs, the proxy backends and two-factor
    // authorizers; both load the whole document, so both carry all of its {env} references.
    const { group, stack, jwtFn, auditFn, backendFn, mobile, web } = fullGroup();
    const template = templateOf(group);
    const envOf = (f: lambda.Function) =>
      template.toJSON().Resources[resolve(group, f.functionArn)['Fn::GetAtt'][0]].Properties.Environment.Variables;
    const proxyEnv = envOf(group.proxyFunction);
    expect(envOf(group.authorizerFunction!)).toEqual(proxyEnv);
    const values = Object.values(proxyEnv).map(v => JSON.stringify(v));
    for (const token of [backendFn.functionArn, mobile.secret.secretArn, web.secret.secretArn, jwtFn.functionArn, auditFn.functionArn]) {
      expect(values).toContain(JSON.stringify(stack.resolve(token)));
    }
    // every {env} of the document is defined
    const refs = [...proxyAsset(group, template).configText.matchAll(/\{"env":"([A-Z0-9_]+)"\}/g)].map(m => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const name of refs) { expect(Object.keys(proxyEnv)).toContain(name); }
  });
});

// ---------------------------------------------------------------------------------------------

describe('least privilege', () => {
  test('the authorizer may write its logs, read exactly the apps\' secrets and invoke exactly the custom authorizers it runs', () => {
    // "audit" is only used by an IAM API (the proxy calls it) and "unused" by no API: neither is granted here.
    const { group, jwtFn, mobile, web } = fullGroup();
    const template = templateOf(group);
    expect(statementsOf(template, group, group.authorizerFunction!.role!)).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: resolve(group, group.authorizerLogGroup!.logGroupArn) },
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: resolve(group, jwtFn.functionArn) },
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: ref(group, mobile.secret) },
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: ref(group, mobile.appSecret) },
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: ref(group, web.secret) },
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: ref(group, web.appSecret) },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('^Authorizer of API group shop'),
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }] },
      ManagedPolicyArns: Match.absent(),
      Policies: Match.absent(),
    });
  });

  test('the proxy may invoke exactly its backends and the custom authorizers of IAM two-factor APIs, and read the AppSecrets of signing apps', () => {
    // IAM + custom: API Gateway checks the signature, the proxy runs the custom step itself. App
    // signatures with a body are verified by the proxy: it reads the AppSecrets (never the AppCodes).
    const { group, auditFn, backendFn, mobile, web } = fullGroup();
    const template = templateOf(group);
    expect(statementsOf(template, group, group.proxyFunction.role!)).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: resolve(group, group.proxyLogGroup.logGroupArn) },
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: resolve(group, auditFn.functionArn) },
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: ref(group, mobile.appSecret) },
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: ref(group, web.appSecret) },
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: resolve(group, backendFn.functionArn) },
    ]);
  });

  test('a supplied secret is read by its exact ARN, with its KMS key when it has one', () => {
    // An imported secret: the authorizer gets this secret, nothing wider.
    const group = newGroup();
    const stack = Stack.of(group);
    const key = new kms.Key(stack, 'Key');
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:partner-AbCdEf';
    const secret = secretsmanager.Secret.fromSecretAttributes(stack, 'Partner', { secretCompleteArn: arn, encryptionKey: key });
    const app = group.addApp('partner', { secret });
    group.addApi('Aaa', { method: HttpMethod.GET, path: '/a', backend: mock(), auth: ApiAuth.app({ apps: [app] }) });
    const template = templateOf(group);
    expect(app.secret).toBe(secret);
    template.resourceCountIs('AWS::SecretsManager::Secret', 1); // the generated AppSecret
    expect(statementsOf(template, group, group.authorizerFunction!.role!).slice(1)).toEqual([
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: arn },
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: ref(group, app.appSecret) },
    ]);
    // decryption through Secrets Manager only, granted on the key
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'kms:Decrypt',
          Principal: { AWS: resolve(group, group.authorizerFunction!.role!.roleArn) },
          Condition: { StringEquals: { 'kms:ViaService': Match.anyValue() } },
        })]),
      },
    });
    expect(proxyAsset(group, template).config.apps).toEqual({
      partner: { id: app.appId, name: 'partner', secretArn: arn, appKey: app.appKey, appSecretArn: { env: expect.stringMatching(/^APIG_VALUE_\d+$/) } },
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('apps and AppCodes', () => {
  test('a generated AppCode: 64 letters and digits under the "appCode" key, generated by Secrets Manager at deploy time', () => {
    // The template holds the generator, never a value.
    const group = newGroup({ groupName: 'shop' });
    const app = group.addApp('mobile', { description: 'The mobile app' });
    const template = templateOf(group);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: 'The mobile app',
      GenerateSecretString: {
        SecretStringTemplate: '{}', GenerateStringKey: 'appCode', PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false,
      },
      SecretString: Match.absent(),
    });
    expect(app.secret).toBeInstanceOf(secretsmanager.Secret);
    expect(app.appName).toBe('mobile');
    expect(app.appId).toMatch(/^[0-9a-f]{32}$/);
    expect(group.apps).toEqual([app]);
  });

  test('no AppCode in any synthesized file: templates, configuration documents, assets, manifests', () => {
    // DESIGN section 7: the runtime reads AppCodes from Secrets Manager; they are never synthesized.
    // GIVEN: a generated secret, an imported one, and one the user built from a literal (the worst case)
    const app = newApp();
    const stack = newStack(app);
    const { group, mobile } = fullGroup({}, stack);
    const sentinel = 'S'.repeat(30) + 'sentinelAppCode' + 'S'.repeat(30);
    const literal = new secretsmanager.Secret(stack, 'Literal', {
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify({ appCode: sentinel })),
    });
    const imported = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Imported',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:partner-AbCdEf');
    const valueSpies = [imported, literal, mobile.secret].flatMap(s => [
      jest.spyOn(s, 'secretValueFromJson'), jest.spyOn(s, 'secretValue', 'get'),
    ]);
    const lit = group.addApp('literal', { secret: literal });
    const imp = group.addApp('imported', { secret: imported });
    group.addApi('Literal', { method: HttpMethod.GET, path: '/literal', backend: mock(), auth: ApiAuth.app({ apps: [lit, imp] }) });
    // WHEN
    const template = templateOf(group);
    // THEN: the library never asked any secret for its value
    for (const spy of valueSpies) { expect(spy).not.toHaveBeenCalled(); }
    // the only places the literal appears are CDK's own records of the user's secret (its resource and the construct tree)
    const outdir = Stage.of(stack)!.outdir;
    const holding = filesUnder(outdir).filter(f => fs.readFileSync(path.join(outdir, f), 'utf8').includes('sentinelAppCode'));
    expect(holding).toEqual([`${stack.artifactId}.template.json`, 'tree.json']);
    expect(filesUnder(outdir).filter(f => f.startsWith('asset.')).length).toBeGreaterThanOrEqual(4);
    const literalId = ref(group, literal).Ref;
    const resourcesHolding = Object.entries(template.toJSON().Resources)
      .filter(([, r]) => JSON.stringify(r).includes('sentinelAppCode')).map(([id]) => id);
    expect(resourcesHolding).toEqual([literalId]);
    // the library's own secrets hold generators only
    for (const [id, r] of Object.entries<any>(template.findResources('AWS::SecretsManager::Secret'))) {
      if (id !== literalId) { expect(r.Properties.SecretString).toBeUndefined(); }
    }
    // the document knows where AppCodes and AppSecrets are, never what they are (the AppKey is not a secret)
    for (const asset of [proxyAsset(group, template), authorizerAsset(group, template)]) {
      for (const doc of Object.values(asset.config.apps!)) {
        expect(Object.keys(doc).sort()).toEqual(['appKey', 'appSecretArn', 'id', 'name', 'secretArn']);
      }
      expect(asset.configText).not.toMatch(/appCode/i);
    }
  });

  test('app ids and usage keys are deterministic, distinct, and usage keys are valid API key values', () => {
    // Snapshots and redeploys must be stable; API key values must be unique per account and region.
    const keys = (stackName: string) => {
      const app = newApp();
      const stack = new Stack(app, 'Stack', { stackName });
      const group = newGroup({ groupName: 'shop' }, stack);
      return [group.addApp('mobile'), group.addApp('web')].map(a => ({ id: a.appId, key: a.usageKey }));
    };
    const first = keys('shop-prod');
    expect(keys('shop-prod')).toEqual(first);
    expect(first[0].key).not.toBe(first[1].key);
    expect(first[0].id).not.toBe(first[1].id);
    for (const { key } of first) { expect(key).toMatch(/^apig-[0-9a-f]{40}$/); }
    // another stack (e.g. the staging copy in the same account) gets other keys, the same app ids
    const other = keys('shop-staging');
    expect(other.map(k => k.key)).not.toEqual(first.map(k => k.key));
    expect(other.map(k => k.id)).toEqual(first.map(k => k.id));
  });

  test('the library acknowledges cdk-nag\'s rotation rule on the secrets it generates, with its reason', () => {
    // Rotating an AppCode without its callers would lock them out; the README explains manual rotation.
    const group = newGroup();
    const app = group.addApp('mobile');
    const entries = app.secret.node.metadata.filter(m => m.type === 'aws:cdk:acknowledged-rules');
    expect(entries.map(m => Object.keys(m.data))).toEqual([['AwsSolutions::AwsSolutions-SMG4']]);
    expect(Object.values(entries[0].data)[0]).toMatch(/AppCode is a credential its callers hold/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('per-app usage plans', () => {
  test('without a throttled app: no usage plan, no API key, the REST API\'s key source untouched', () => {
    // Usage plans cost an authorizer hand-off on every app request: only when an app needs one.
    const { group } = fullGroup();
    const template = templateOf(group);
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    const document = restApiDocument(template);
    expect(document['x-amazon-apigateway-api-key-source']).toBeUndefined();
    expect(JSON.stringify(document.paths)).not.toContain('api_key');
    const config = proxyAsset(group, template).config;
    expect(config.refusalUsageKey).toBeUndefined();
    for (const app of Object.values(config.apps!)) { expect(app.usageKey).toBeUndefined(); }
    expect(group.refusalUsageKey).toBeUndefined();
  });

  test('one throttled app gives every app a plan, plus an unthrottled plan for refusals', () => {
    // Methods of app APIs then require an API key, which only the authorizer supplies (key source
    // AUTHORIZER): each app's key, or the refusals key so a refused request still reaches its gateway response.
    const stack = newStack();
    const group = newGroup({ groupName: 'shop' }, stack);
    const free = group.addApp('free');
    const paid = group.addApp('paid', { throttle: { rateLimit: 50, burstLimit: 20 }, quota: { limit: 10000, period: apigw.Period.MONTH } });
    const late = group.addApp('late', { quota: { limit: 100, period: apigw.Period.DAY, offset: 1 } });
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: mock(), auth: ApiAuth.app({ apps: [free, paid, late] }) });
    group.addApi('Jwt', {
      method: HttpMethod.GET, path: '/jwt', backend: mock(),
      auth: ApiAuth.custom(group.addCustomAuthorizer('jwt', { handler: fn(stack, 'JwtFn') })),
    });
    const template = templateOf(group);

    expect(restApiDocument(template)['x-amazon-apigateway-api-key-source']).toBe('AUTHORIZER');
    const stage = { ApiId: ref(group, group.restApi), Stage: ref(group, group.restApi.deploymentStage), Throttle: {} };
    const plan = (name: string) => template.findResources('AWS::ApiGateway::UsagePlan', { Properties: { UsagePlanName: name } });
    expect(Object.values(plan('shop-free'))[0].Properties).toEqual({
      UsagePlanName: 'shop-free', Description: 'App free of API group shop', ApiStages: [stage],
    });
    expect(Object.values(plan('shop-paid'))[0].Properties).toEqual({
      UsagePlanName: 'shop-paid', Description: 'App paid of API group shop', ApiStages: [stage],
      Throttle: { RateLimit: 50, BurstLimit: 20 }, Quota: { Limit: 10000, Period: 'MONTH' },
    });
    expect(Object.values(plan('shop-late'))[0].Properties.Quota).toEqual({ Limit: 100, Period: 'DAY', Offset: 1 });
    expect(Object.values(plan('shop-refusals'))[0].Properties).toEqual({
      UsagePlanName: 'shop-refusals', Description: expect.stringMatching(/^Requests refused by the authorizer/), ApiStages: [stage],
    });
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 4);

    // each plan has exactly one key, whose value is the usage key the document hands the authorizer
    const config = authorizerAsset(group, template).config;
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 4);
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 4);
    for (const [app, planName] of [[free, 'shop-free'], [paid, 'shop-paid'], [late, 'shop-late']] as const) {
      expect(app.usagePlan).toBeDefined();
      expect(config.apps![app.appName].usageKey).toBe(app.usageKey);
      const keyId = Object.keys(template.findResources('AWS::ApiGateway::ApiKey', { Properties: { Value: app.usageKey, Enabled: true } }));
      expect(keyId).toHaveLength(1);
      template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
        KeyId: { Ref: keyId[0] }, KeyType: 'API_KEY', UsagePlanId: { Ref: Object.keys(plan(planName))[0] },
      });
    }
    expect(config.refusalUsageKey).toBe(group.refusalUsageKey);
    expect(group.refusalUsageKey).toMatch(/^apig-[0-9a-f]{40}$/);
    template.hasResourceProperties('AWS::ApiGateway::ApiKey', { Value: group.refusalUsageKey, Enabled: true });

    // every method carrying the authorizer requires a key, which the authorizer supplies for every request it
    // sees (the app's, or the refusals key); methods without it require none
    expect(methodAt(template, '/{proxy+}', 'ANY').security).toEqual([{ apigGroupAuthorizer: [] }, { api_key: [] }]);
    expect(methodAt(template, '/', 'ANY').security).toBeUndefined();
  });

  test('an app added after the first throttled one gets its plan too', () => {
    // Definition order must not matter.
    const group = newGroup();
    group.addApp('paid', { throttle: { rateLimit: 1 } });
    const later = group.addApp('later');
    templateOf(group).resourceCountIs('AWS::ApiGateway::UsagePlan', 3);
    expect(later.usagePlan).toBeDefined();
  });
});

// ---------------------------------------------------------------------------------------------

describe('authorizers and access control in the configuration document', () => {
  test('every API\'s authentication and IP rule; the group\'s rule; apps, custom and third-party authorizers', () => {
    // The contract with the bundled authorizer and proxy (lib/private/config-document.ts).
    const { group, apis, mobile, web } = fullGroup({ accessControl: AccessControl.deny(['192.0.2.0/24', '2001:db8::/32']) });
    group.addApi('Office', {
      method: HttpMethod.GET, path: '/office', backend: mock(), accessControl: AccessControl.allow(['203.0.113.0/24']),
    });
    const { config } = proxyAsset(group);
    const byName = Object.fromEntries(config.apis.map(a => [a.name, a]));
    expect(byName.Public.auth).toBeUndefined();
    expect(byName.Orders.auth).toEqual({ type: 'APP', apps: ['mobile', 'web'], customAuthorizer: 'jwt' });
    expect(byName.Stock.auth).toEqual({ type: 'APP', apps: ['web'] });
    expect(byName.Profile.auth).toEqual({ type: 'CUSTOM', customAuthorizer: 'jwt' });
    expect(byName.Partner.auth).toEqual({ type: 'THIRD_PARTY', thirdPartyAuthorizer: 'partner' });
    expect(byName.Reports.auth).toEqual({ type: 'IAM' });
    expect(byName.Audit.auth).toEqual({ type: 'IAM', customAuthorizer: 'audit' });
    expect(byName.Office.accessControl).toEqual({ action: 'ALLOW', cidrs: ['203.0.113.0/24'] });
    expect(byName.Public.accessControl).toBeUndefined();
    expect(config.accessControl).toEqual({ action: 'DENY', cidrs: ['192.0.2.0/24', '2001:db8::/32'] });
    expect(apis.orders.auth.authType).toBe(AuthType.APP);

    expect(Object.keys(config.apps!)).toEqual(['mobile', 'web']);
    expect(config.apps!.mobile).toEqual({
      id: mobile.appId, name: 'mobile', secretArn: { env: expect.stringMatching(/^APIG_VALUE_\d+$/) },
      appKey: mobile.appKey, appSecretArn: { env: expect.stringMatching(/^APIG_VALUE_\d+$/) },
    });
    expect(config.apps!.web.id).toBe(web.appId);

    expect(Object.keys(config.customAuthorizers!)).toEqual(['jwt', 'audit', 'unused']);
    expect(config.customAuthorizers!.jwt).toEqual({
      name: 'jwt',
      functionArn: { env: expect.stringMatching(/^APIG_VALUE_\d+$/) },
      identities: [{ in: 'header', name: 'Authorization', validation: '^Bearer .+$' }, { in: 'query', name: 'tenant' }],
      ttlSeconds: 300,
      userData: '{"audience":"shop"}',
      relaxed: true,
      timeoutMs: 2000,
    });
    expect(config.customAuthorizers!.audit).toEqual({
      name: 'audit', functionArn: { env: expect.any(String) }, identities: [], ttlSeconds: 0, relaxed: false, timeoutMs: 5000,
    });
    expect(config.thirdPartyAuthorizers).toEqual({
      partner: {
        name: 'partner',
        url: 'https://auth.partner.example.com/check',
        method: 'POST',
        identities: [{ in: 'header', name: 'X-Partner-Token' }, { in: 'query', name: 'sig', validation: '^[0-9a-f]{64}$' }],
        timeoutMs: 3000,
        simpleMode: false,
        matchHeader: { name: 'X-Auth-Result', value: 'allow' },
        relaxed: true,
        ttlSeconds: 30,
      },
    });
  });

  test('defaults: simple mode, GET, 5 s, no cache, strict; a token URL travels through both functions\' environments', () => {
    // A third-party service behind a load balancer of the same stack is only known at deploy time.
    const group = newGroup();
    const stack = Stack.of(group);
    const host = new lambda.Function(stack, 'Host', {
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('x'),
    });
    const url = `https://${host.functionName}.example.com/check`;
    const partner = group.addThirdPartyAuthorizer('partner', { url });
    group.addApi('Aaa', { method: HttpMethod.GET, path: '/a', backend: mock(), auth: ApiAuth.thirdParty(partner) });
    const template = templateOf(group);
    const doc = authorizerAsset(group, template).config.thirdPartyAuthorizers!.partner;
    expect(doc).toEqual({
      name: 'partner', url: { env: 'APIG_VALUE_0' }, method: 'GET', identities: [], timeoutMs: 5000, simpleMode: true, relaxed: false, ttlSeconds: 0,
    });
    expect(partner.simpleMode).toBe(true);
    for (const f of [group.proxyFunction, group.authorizerFunction!]) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: { APIG_VALUE_0: stack.resolve(url) } },
        LoggingConfig: { LogGroup: ref(group, f === group.proxyFunction ? group.proxyLogGroup : group.authorizerLogGroup!) },
      });
    }
  });

  test('the group lists its apps and authorizers in definition order', () => {
    // What tools and tests iterate over.
    const { group, mobile, web, jwt, audit, partner } = fullGroup();
    expect(group.apps).toEqual([mobile, web]);
    expect(group.customAuthorizers.slice(0, 2)).toEqual([jwt, audit]);
    expect(group.thirdPartyAuthorizers).toEqual([partner]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('IAM grants', () => {
  test('group.grantInvoke: execute-api:Invoke on exactly the IAM APIs\' methods', () => {
    // SigV4 callers need an identity policy; nothing else of the group is granted.
    const { group, stack, apis } = fullGroup();
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    group.grantInvoke(role);
    const template = templateOf(group);
    expect(statementsOf(template, group, role)).toEqual([{
      Action: 'execute-api:Invoke', Effect: 'Allow',
      Resource: [resolve(group, apis.reports._invokeArns()[0]), resolve(group, apis.audit._invokeArns()[0])],
    }]);
    // Published in every environment: each environment's stage is named (no `*`: least privilege).
    expect(resolve(group, apis.reports._invokeArns()[0])).toEqual({
      'Fn::Join': ['', [
        'arn:', { Ref: 'AWS::Partition' }, ':execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':',
        ref(group, group.restApi), '/RELEASE/GET/reports',
      ]],
    });
    expect(resolve(group, apis.reports.methodArn)).toEqual({
      'Fn::Join': ['', [
        'arn:', { Ref: 'AWS::Partition' }, ':execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':',
        ref(group, group.restApi), '/', ref(group, group.restApi.deploymentStage), '/GET/reports',
      ]],
    });
  });

  test('group.grantInvoke with APIs, and api.grantInvoke, grant exactly those', () => {
    // Different callers for different IAM APIs.
    const { group, stack, apis } = fullGroup();
    const a = new iam.Role(stack, 'A', { assumedBy: new iam.AccountRootPrincipal() });
    const b = new iam.Role(stack, 'B', { assumedBy: new iam.AccountRootPrincipal() });
    group.grantInvoke(a, apis.audit);
    apis.reports.grantInvoke(b);
    const template = templateOf(group);
    expect(statementsOf(template, group, a)[0].Resource).toEqual([resolve(group, apis.audit._invokeArns()[0])]);
    expect(statementsOf(template, group, b)[0].Resource).toEqual([resolve(group, apis.reports._invokeArns()[0])]);
  });

  test('an IAM API published everywhere is granted in every environment, also one added after the grant', () => {
    // The ARNs are listed at synthesis, so the order of declarations does not matter.
    const { group, stack, apis } = fullGroup();
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    apis.reports.grantInvoke(role);
    group.addEnvironment('LATER');
    const template = templateOf(group);
    const stageOf = (arn: unknown): string => JSON.stringify(arn).match(/"\/([A-Z*]+)\/GET\/reports"/)![1];
    expect(statementsOf(template, group, role)[0].Resource.map(stageOf)).toEqual(['RELEASE', 'LATER']);
  });

  test('an IAM API published in listed environments is granted in exactly those stages', () => {
    // Environments share the REST API's document; a grant must reach every stage the API is published in, no other.
    const { group, stack } = fullGroup();
    const test = group.addEnvironment('TEST');
    group.addEnvironment('STAGING');
    const api = group.addApi('Ops', {
      method: HttpMethod.GET, path: '/ops', backend: Backend.mock({ statusCode: 200 }), auth: ApiAuth.iam(),
      environments: [group.defaultEnvironment, test],
    });
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    api.grantInvoke(role);
    const template = templateOf(group);
    const stageOf = (arn: unknown): string => JSON.stringify(arn).match(/"\/([A-Z*]+)\/GET\/ops"/)![1];
    expect(statementsOf(template, group, role)[0].Resource.map(stageOf)).toEqual(['RELEASE', 'TEST']);
    expect(stageOf(resolve(group, api.methodArnIn(test)))).toBe('TEST');
    expect(JSON.stringify(resolve(group, api.methodArn))).toContain(JSON.stringify(ref(group, group.restApi.deploymentStage)));
  });

  test('granting a non-IAM API, another group\'s API, or a group without IAM APIs is refused', () => {
    // execute-api:Invoke means nothing for APIs API Gateway does not authenticate with IAM.
    const { group, stack, apis } = fullGroup();
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => group.grantInvoke(role, apis.orders)).toThrow(/Stack\/Group\/Orders: grantInvoke needs IAM authentication \(ApiAuth.iam\(\)\), the API uses APP/);
    expect(() => apis.publicApi.grantInvoke(role)).toThrow(/the API uses NONE/);
    const other = new ApiGroup(stack, 'Other');
    const otherApi = other.addApi('Rrr', { method: HttpMethod.GET, path: '/r', backend: mock(), auth: ApiAuth.iam() });
    expect(() => group.grantInvoke(role, otherApi)).toThrow(/belongs to another group/);
    const plain = new ApiGroup(stack, 'Plain');
    plain.addApi('Ppp', { method: HttpMethod.GET, path: '/p', backend: mock() });
    expect(() => plain.grantInvoke(role)).toThrow(/Stack\/Plain: grantInvoke found no API with IAM authentication/);
  });
});
