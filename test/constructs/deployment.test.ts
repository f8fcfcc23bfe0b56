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
import {
  ApiGroupProps, Backend, HttpMethod, ParameterType, RequestParameter, ResponseRule, ResponseType,
} from 'cdk-api-groups';
import { deploymentLogicalId, newApp, newGroup, newStack, proxyAsset, templateOf, workDir } from '../support/synth';

// The module object itself (not an import namespace), so that jest.spyOn can replace tmpdir() for the library too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeOs: typeof import('os') = require('os');

/** Runs `fn` with os.tmpdir() answering `dir` (where the library stages the proxy's asset folder). */
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

describe('determinism', () => {
  test('two separate apps synthesize byte-identical templates, assets and configuration documents', () => {
    // Users snapshot-test their stacks: the same input must give the same bytes, on any machine and any run.
    // GIVEN: two apps writing to different folders, each staging the proxy in its own temp folder (as two machines would)
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
        assetHash: asset.hash,
        configBytes: fs.readFileSync(path.join(asset.dir, 'config.json')),
        bundleBytes: fs.readFileSync(path.join(asset.dir, 'index.js')),
        deployment: deploymentLogicalId(group, template),
      };
    });
    for (const dir of tmpdirs) { expect(fs.readdirSync(path.join(dir, 'cdk-api-groups'))).toHaveLength(1); } // each staged its own copy
    // THEN
    const [a, b] = results;
    expect(a.templateBytes.equals(b.templateBytes)).toBe(true);
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
    expect(fs.readdirSync(asset.dir).sort()).toEqual(['config.json', 'index.js']);
    expect(asset.configText).toBe(JSON.stringify(asset.config));
  });
});
