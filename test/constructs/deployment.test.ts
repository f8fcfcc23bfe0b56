/**
 * Redeployment and determinism (DESIGN section 8). What API Gateway serves itself must change the
 * deployment's logical id, or `cdk deploy` leaves the stage on the old snapshot. What lives only
 * in the configuration document reaches the proxy through its code asset instead, and must not
 * cause needless redeployments. The same input must give the same bytes on every synthesis.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AccessControl, ApiAuth, ApiGroupProps, AppCredentialOptions, Backend, CustomAuthorizerOptions, HttpMethod, IdentitySource,
  ParameterType, RequestParameter, ResponseRule, ResponseType, ThirdPartyAuthorizerOptions,
} from 'cdk-api-groups';
import { deploymentReportFileName } from '../../lib/private/definition/deployment-report-files';
import { addIssueApis, GroupShape, ISSUE_SHAPE, issueGroupProps } from '../support/issue-shape-group';
import { deploymentLogicalId, newApp, newGroup, newStack, proxyAsset, templateOf, workDir } from '../support/synth';

// The module object itself (not an import namespace), so that jest.spyOn can replace tmpdir() for the library too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeOs: typeof import('os') = require('os');

/** Runs `fn` with os.tmpdir() answering `dir` (where the library used to stage the proxy's asset folder; it must stay unused). */
function withTmpdir<T>(dir: string, fn: () => T): T {
  const spy = jest.spyOn(nodeOs, 'tmpdir').mockReturnValue(dir);
  try {
    return fn();
  } finally {
    spy.mockRestore();
  }
}

interface ApiInput {
  readonly id: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly url: string;
  readonly timeout?: Duration;
  readonly parameters?: RequestParameter[];
  readonly strict?: boolean;
}

/** Everything a test varies, so each variant differs from BASE in exactly one thing. */
interface Input {
  readonly props: ApiGroupProps;
  readonly strictRules: ResponseRule[];
  readonly apis: ApiInput[];
}

const BASE: Input = {
  props: {
    groupName: 'orders',
    cors: { allowOrigins: ['https://shop.example.com'] },
    defaultResponse: { rules: [{ type: ResponseType.THROTTLED, statusCode: 429, headers: { 'Retry-After': '1' } }] },
  },
  strictRules: [{ type: ResponseType.NOT_FOUND, statusCode: 410 }],
  apis: [
    { id: 'ListOrders', method: HttpMethod.GET, path: '/orders', url: 'https://orders.example.com/orders' },
    { id: 'GetOrder', method: HttpMethod.GET, path: '/orders/{id}', url: 'https://orders.example.com/orders/{id}', strict: true },
  ],
};

interface Result {
  readonly deployment: string;
  readonly assetHash: string;
}

function synth(input: Input, stack = newStack()): Result {
  const group = newGroup(input.props, stack);
  const strict = group.addGatewayResponse('strict', { rules: input.strictRules });
  for (const a of input.apis) {
    group.addApi(a.id, {
      method: a.method, path: a.path, parameters: a.parameters,
      backend: Backend.http(a.url, { timeout: a.timeout }),
      gatewayResponse: a.strict ? strict : undefined,
    });
  }
  const template = templateOf(group);
  return { deployment: deploymentLogicalId(group, template), assetHash: proxyAsset(group, template).hash };
}

function withApis(apis: ApiInput[]): Input {
  return { ...BASE, apis };
}

function withProps(props: ApiGroupProps): Input {
  return { ...BASE, props: { ...BASE.props, ...props } };
}

const [list, get] = BASE.apis;
let base: Result;
beforeAll(() => { base = synth(BASE); });

// ---------------------------------------------------------------------------------------------

describe('the deployment\'s logical id changes with what API Gateway serves', () => {
  test('the same input gives the same deployment id (the baseline of every test below)', () => {
    // Without this, every "changes" below would pass for the wrong reason.
    expect(synth(BASE)).toEqual(base);
  });

  test.each([
    ['an API is added', withApis([...BASE.apis, { id: 'CreateOrder', method: HttpMethod.POST, path: '/orders', url: list.url }])],
    ['an API\'s method changes', withApis([{ ...list, method: HttpMethod.PUT }, get])],
    ['an API\'s path changes', withApis([{ ...list, path: '/purchases' }, get])],
    ['an API is removed', withApis([list])],
    ['a `default` rule of a natively rendered type changes (status)', withProps({
      defaultResponse: { rules: [{ type: ResponseType.THROTTLED, statusCode: 503, headers: { 'Retry-After': '1' } }] },
    })],
    ['a `default` rule of a natively rendered type changes (header)', withProps({
      defaultResponse: { rules: [{ type: ResponseType.THROTTLED, statusCode: 429, headers: { 'Retry-After': '2' } }] },
    })],
    ['a `default` rule of a natively rendered type changes (body)', withProps({
      defaultResponse: { rules: [{ type: ResponseType.THROTTLED, statusCode: 429, headers: { 'Retry-After': '1' }, body: '{"busy":true}' } ] },
    })],
    ['the CORS origins change', withProps({ cors: { allowOrigins: ['https://admin.example.com'] } })],
    ['CORS is turned off', withProps({ cors: undefined })],
    ['the headers exposed on gateway errors change', withProps({ cors: { allowOrigins: ['https://shop.example.com'], exposeHeaders: ['X-Total'] } })],
    ['the preflight\'s allowed headers change', withProps({ cors: { allowOrigins: ['https://shop.example.com'], allowHeaders: ['X-Only'] } })],
    ['the integration timeout changes', withProps({ integrationTimeout: Duration.seconds(20) })],
  ])('when %s', (_what, input) => {
    // API Gateway serves this itself: only a new deployment makes the stage serve it.
    expect(synth(input).deployment).not.toBe(base.deployment);
  });
});

// Issue 14 item 12: the Body is the whole definition. In API Gateway's default (merge) mode a path
// removed from an updated Body survived with its old authorization; overwrite replaces it.
describe('a removed API leaves the REST API\'s definition', () => {
  function restApiOf(exposeReports: boolean): any {
    const group = newGroup({ groupName: 'shop' });
    group.addApi('Orders', { method: HttpMethod.GET, path: '/orders', backend: Backend.mock() });
    if (exposeReports) {
      group.addApi('Reports', { method: HttpMethod.GET, path: '/reports/{id}', backend: Backend.mock(), auth: ApiAuth.iam() });
    }
    return Object.values<any>(templateOf(group).findResources('AWS::ApiGateway::RestApi'))[0].Properties;
  }

  test('Mode is overwrite, and the IAM API\'s own path is in the Body only while the API exists', () => {
    const before = restApiOf(true);
    const after = restApiOf(false);
    expect([before.Mode, after.Mode]).toEqual(['overwrite', 'overwrite']);
    expect(Object.keys(before.Body.paths)).toContain('/reports/{id}');
    expect(before.Body.paths['/reports/{id}'].get.security).toEqual([{ sigv4: [] }]);
    expect(Object.keys(after.Body.paths)).not.toContain('/reports/{id}');
    expect(JSON.stringify(after.Body)).not.toContain('/reports');
  });
});

// ---------------------------------------------------------------------------------------------

describe('the deployment stays, the proxy\'s code asset changes, for what lives in the configuration document', () => {
  test.each([
    ['a non-default response\'s rule changes', { ...BASE, strictRules: [{ type: ResponseType.NOT_FOUND, statusCode: 404 }] }],
    ['an API selects another response', withApis([list, { ...get, strict: false }])],
    ['a backend URL changes', withApis([{ ...list, url: 'https://orders-v2.example.com/orders' }, get])],
    ['a backend timeout changes', withApis([{ ...list, timeout: Duration.seconds(2) }, get])],
    ['a request parameter is added', withApis([{ ...list, parameters: [RequestParameter.query('limit', { type: ParameterType.NUMBER })] }, get])],
    ['a `default` rule of a type only the proxy renders changes', withProps({
      defaultResponse: {
        rules: [
          { type: ResponseType.THROTTLED, statusCode: 429, headers: { 'Retry-After': '1' } },
          { type: ResponseType.AUTHORIZER_FAILURE, statusCode: 403 },
        ],
      },
    })],
  ])('when %s', (_what, input) => {
    // A new deployment would be a needless stage update; the new code asset updates the proxy instead.
    const variant = synth(input);
    expect(variant.deployment).toBe(base.deployment);
    expect(variant.assetHash).not.toBe(base.assetHash);
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * Authentication, access control and throttling: everything API Gateway serves (authorizer wiring,
 * API keys, stage throttles, usage plans) and everything only the bundled functions read (which
 * apps an API authorises, authorizer settings, IP rules) changes the deployment's logical id, so
 * that a deploy always publishes the group's current security settings.
 */
describe('the deployment\'s logical id changes with every authentication, access-control and throttling setting', () => {
  type ApiAuthChoice = 'NONE' | 'APP' | 'APP+JWT' | 'IAM' | 'IAM+JWT' | 'JWT' | 'PARTNER';

  interface AuthInput {
    readonly groupProps: ApiGroupProps;
    readonly mobile: AppCredentialOptions;
    readonly web: AppCredentialOptions;
    /** Apps authorised for Orders (when it uses APP). */
    readonly ordersApps: Array<'mobile' | 'web'>;
    readonly ordersAuth: ApiAuthChoice;
    readonly reportsAuth: ApiAuthChoice;
    readonly ordersAccess?: AccessControl;
    readonly ordersThrottle?: apigw.ThrottleSettings;
    readonly jwt: Partial<CustomAuthorizerOptions>;
    readonly partner: Partial<ThirdPartyAuthorizerOptions>;
    /** A supplied secret for web, by ARN. */
    readonly webSecretArn?: string;
    readonly extraApp?: boolean;
  }

  const AUTH_BASE: AuthInput = {
    groupProps: { groupName: 'shop' },
    mobile: {},
    web: {},
    ordersApps: ['mobile'],
    ordersAuth: 'APP',
    reportsAuth: 'IAM',
    jwt: { identities: [IdentitySource.header('Authorization')] },
    partner: {},
  };

  function authSynth(input: AuthInput): string {
    const stack = newStack();
    const group = newGroup(input.groupProps, stack);
    const apps = {
      mobile: group.addApp('mobile', input.mobile),
      web: group.addApp('web', {
        ...input.web,
        ...(input.webSecretArn ? { secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'WebSecret', input.webSecretArn) } : {}),
      }),
    };
    if (input.extraApp) { group.addApp('extra'); }
    const jwt = group.addCustomAuthorizer('jwt', {
      handler: lambda.Function.fromFunctionArn(stack, 'JwtFn', 'arn:aws:lambda:eu-west-1:123456789012:function:jwt'),
      ...input.jwt,
    });
    const partner = group.addThirdPartyAuthorizer('partner', { url: 'https://auth.example.com/check', ...input.partner });
    const auth = (choice: ApiAuthChoice): ApiAuth => {
      switch (choice) {
        case 'NONE': return ApiAuth.none();
        case 'APP': return ApiAuth.app({ apps: input.ordersApps.map(a => apps[a]) });
        case 'APP+JWT': return ApiAuth.app({ apps: input.ordersApps.map(a => apps[a]), customAuthorizer: jwt });
        case 'IAM': return ApiAuth.iam();
        case 'IAM+JWT': return ApiAuth.iam({ customAuthorizer: jwt });
        case 'JWT': return ApiAuth.custom(jwt);
        case 'PARTNER': return ApiAuth.thirdParty(partner);
      }
    };
    group.addApi('Orders', {
      method: HttpMethod.GET, path: '/orders', backend: Backend.mock(),
      auth: auth(input.ordersAuth), accessControl: input.ordersAccess, throttle: input.ordersThrottle,
    });
    group.addApi('Reports', { method: HttpMethod.GET, path: '/reports', backend: Backend.mock(), auth: auth(input.reportsAuth) });
    group.addApi('Profile', { method: HttpMethod.GET, path: '/profile', backend: Backend.mock(), auth: ApiAuth.thirdParty(partner) });
    return deploymentLogicalId(group);
  }

  let authBase: string;
  beforeAll(() => { authBase = authSynth(AUTH_BASE); });

  test('the same input gives the same deployment id (the baseline of every test below)', () => {
    // Otherwise every "changes" below could pass for the wrong reason.
    expect(authSynth(AUTH_BASE)).toBe(authBase);
  });

  const variants: Array<[string, Partial<AuthInput>]> = [
    // what API Gateway serves
    ['an API changes from app to IAM authentication', { ordersAuth: 'IAM' }],
    ['an API changes from IAM to no authentication', { reportsAuth: 'NONE' }],
    ['an API changes from app to custom authentication', { ordersAuth: 'JWT' }],
    ['the stage gets a throttle', { groupProps: { groupName: 'shop', throttle: { rateLimit: 100 } } }],
    ['the stage\'s burst limit changes', { groupProps: { groupName: 'shop', throttle: { burstLimit: 10 } } }],
    ['an API gets a throttle', { ordersThrottle: { rateLimit: 5 } }],
    ['an app gets a throttle (usage plans, API keys)', { mobile: { throttle: { rateLimit: 10 } } }],
    ['an app\'s quota changes', { mobile: { quota: { limit: 100, period: apigw.Period.DAY } } }],
    // what only the bundled functions read
    ['an API authorises another app', { ordersApps: ['mobile', 'web'] }],
    ['an API adds a custom authorizer as a second factor (app)', { ordersAuth: 'APP+JWT' }],
    ['an API adds a custom authorizer as a second factor (IAM)', { reportsAuth: 'IAM+JWT' }],
    ['an API switches between custom and third-party authorizers', { ordersAuth: 'PARTNER' }],
    ['an app is added', { extraApp: true }],
    ['an app\'s secret changes', { webSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:web-AbCdEf' }],
    ['a custom authorizer\'s cache TTL changes', { jwt: { identities: [IdentitySource.header('Authorization')], cacheTtl: Duration.seconds(60) } }],
    ['a custom authorizer\'s identity sources change', { jwt: { identities: [IdentitySource.query('token')] } }],
    ['a custom authorizer\'s identity validation changes', { jwt: { identities: [IdentitySource.header('Authorization', { validation: '^Bearer .+$' })] } }],
    ['a custom authorizer\'s user data changes', { jwt: { identities: [IdentitySource.header('Authorization')], userData: 'tenant-a' } }],
    ['a custom authorizer turns relaxed', { jwt: { identities: [IdentitySource.header('Authorization')], relaxed: true } }],
    ['a custom authorizer\'s timeout changes', { jwt: { identities: [IdentitySource.header('Authorization')], timeout: Duration.seconds(1) } }],
    ['a third-party authorizer\'s URL changes', { partner: { url: 'https://auth-v2.example.com/check' } }],
    ['a third-party authorizer\'s method changes', { partner: { method: HttpMethod.POST } }],
    ['a third-party authorizer leaves simple mode', { partner: { matchHeader: { name: 'X-Auth', value: 'ok' } } }],
    ['a third-party authorizer\'s identities change', { partner: { identities: [IdentitySource.header('X-Token')] } }],
    ['a third-party authorizer\'s timeout changes', { partner: { timeout: Duration.seconds(2) } }],
    ['a third-party authorizer turns relaxed', { partner: { relaxed: true } }],
    ['a third-party authorizer caches', { partner: { identities: [IdentitySource.header('X-Token')], cacheTtl: Duration.seconds(30) } }],
    ['the group gets an IP rule', { groupProps: { groupName: 'shop', accessControl: AccessControl.deny(['192.0.2.0/24']) } }],
    ['an API gets an IP rule', { ordersAccess: AccessControl.allow(['10.0.0.0/8']) }],
    ['an API\'s IP rule turns from allow to deny', { ordersAccess: AccessControl.deny(['10.0.0.0/8']) }],
  ];

  test.each(variants)('when %s', (_what, change) => {
    // A deploy must publish the change; without a new deployment the stage keeps serving the old one.
    expect(authSynth({ ...AUTH_BASE, ...change })).not.toBe(authBase);
  });

  test('an IP rule\'s CIDRs count, not only its presence', () => {
    // Hashing the whole rule, not a flag.
    const a = authSynth({ ...AUTH_BASE, ordersAccess: AccessControl.allow(['10.0.0.0/8']) });
    const b = authSynth({ ...AUTH_BASE, ordersAccess: AccessControl.allow(['10.0.0.0/16']) });
    expect(a).not.toBe(b);
  });
});

// ---------------------------------------------------------------------------------------------

describe('determinism', () => {
  test('two separate apps synthesize byte-identical templates, assets and configuration documents', () => {
    // Users snapshot-test their stacks: the same input must give the same bytes, on any machine and any run.
    // GIVEN: two apps writing to different folders, each with its own temp folder (as two machines would)
    const outdirs = [workDir('det-a-'), workDir('det-b-')];
    const tmpdirs = [workDir('tmp-a-'), workDir('tmp-b-')];
    // WHEN
    const results = outdirs.map((outdir, i) => {
      const stack = newStack(newApp({ outdir }));
      const group = newGroup(BASE.props, stack);
      group.addGatewayResponse('strict', { rules: BASE.strictRules });
      group.addApi('ListOrders', { method: HttpMethod.GET, path: '/orders', backend: Backend.http(list.url) });
      const template = withTmpdir(tmpdirs[i], () => templateOf(group));
      const asset = proxyAsset(group, template);
      return {
        templateBytes: fs.readFileSync(path.join(outdir, 'Stack.template.json')),
        reportBytes: fs.readFileSync(path.join(outdir, deploymentReportFileName('Stack', group.groupName, 'json'))),
        assetHash: asset.hash,
        configBytes: fs.readFileSync(path.join(asset.dir, 'config.json')),
        bundleBytes: fs.readFileSync(path.join(asset.dir, 'index.js')),
        deployment: deploymentLogicalId(group, template),
      };
    });
    for (const dir of tmpdirs) { expect(fs.readdirSync(dir)).toEqual([]); } // staged in the assembly, never in a shared temp folder
    // THEN
    const [a, b] = results;
    expect(a.templateBytes.equals(b.templateBytes)).toBe(true);
    expect(a.reportBytes.equals(b.reportBytes)).toBe(true);
    expect(a.assetHash).toBe(b.assetHash);
    expect(a.configBytes.equals(b.configBytes)).toBe(true);
    expect(a.bundleBytes.equals(b.bundleBytes)).toBe(true);
    expect(a.deployment).toBe(b.deployment);
    // nothing machine-specific in what a user commits as a snapshot
    const text = a.templateBytes.toString('utf8');
    for (const local of [os.tmpdir(), process.cwd(), os.homedir(), outdirs[0], tmpdirs[0]]) { expect(text).not.toContain(local); }
    expect(a.configBytes.toString('utf8')).not.toContain(os.tmpdir());
  });

  test('the proxy\'s asset holds exactly the bundle and the compact configuration document', () => {
    // Its hash then changes only with the code or the configuration, never with anything else in a folder.
    const g = newGroup({ groupName: 'orders' });
    g.addApi('ListOrders', { method: HttpMethod.GET, path: '/orders', backend: Backend.http(list.url) });
    const asset = proxyAsset(g);
    expect(fs.readdirSync(asset.dir).sort()).toEqual(['apis.jsonl', 'config.json', 'index.js', 'routes.tsv']);
    expect(asset.configText).toBe(JSON.stringify(JSON.parse(asset.configText)));
    const details = fs.readFileSync(path.join(asset.dir, 'apis.jsonl'), 'utf8');
    expect(details).toBe(details.split('\n').map(line => (line === '' ? '' : JSON.stringify(JSON.parse(line)))).join('\n'));
  });
});

// ---------------------------------------------------------------------------------------------

describe('on a 1000-API group of issue 8\'s shape, the deployment\'s logical id follows every API', () => {
  // Most APIs ride the catch-all, so the document alone would not change with them: the routes are part of the id.
  const big = (shape: GroupShape = ISSUE_SHAPE, props: ApiGroupProps = {}): string => {
    const group = newGroup(issueGroupProps(props));
    addIssueApis(group, shape);
    return deploymentLogicalId(group);
  };
  let bigBase: string;
  beforeAll(() => { bigBase = big(); });

  test('the same declaration keeps it', () => {
    expect(big()).toBe(bigBase);
  });

  test.each([
    ['an API riding the catch-all moves', { ...ISSUE_SHAPE, resources: 249 }, {}],
    ['one more API gets its own throttle', { ...ISSUE_SHAPE, throttled: (r: number, m: number) => ISSUE_SHAPE.throttled(r, m) || (r === 1 && m === 2) }, {}],
    ['one more API uses IAM', { ...ISSUE_SHAPE, iam: (r: number, m: number) => ISSUE_SHAPE.iam(r, m) || (r === 1 && m === 3) }, {}],
    ['the throttles change', { ...ISSUE_SHAPE, throttle: { rateLimit: 49, burstLimit: 100 } }, {}],
    ['CORS changes', ISSUE_SHAPE, { cors: { allowOrigins: ['https://shop.example.com'] } }],
  ] as Array<[string, GroupShape, ApiGroupProps]>)('when %s', (_what, shape, props) => {
    expect(big(shape, props)).not.toBe(bigBase);
  });
});
