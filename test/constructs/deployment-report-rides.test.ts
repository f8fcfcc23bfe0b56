/**
 * Issue 14 item 21: the deployment report says where each API that API Gateway does not see
 * individually really rides: the resource and method of the document that receive its requests,
 * with or without the authorizer (e.g. POST /orders on ANY /orders beside GET /orders' own method,
 * not "the catch-all"). Checked for every example against the synthesized document itself, with a
 * matcher written here (API Gateway's order: literal, then {var}, then {var+}).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { ApiGroup } from 'cdk-api-groups';
import { OrdersStack } from '../../examples/orders/orders-stack';
import { ProductionStack } from '../../examples/production/production-stack';
import { SecuredStack } from '../../examples/secured/secured-stack';
import { ShowcaseStack } from '../../examples/showcase/showcase-stack';
import { renderDeploymentReport } from '../../lib/private/definition/deployment-report';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'report-rides-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const EXAMPLES: Array<[string, (app: App) => Stack]> = [
  ['orders', app => new OrdersStack(app, 'OrdersExample', {})],
  ['secured', app => new SecuredStack(app, 'SecuredExample', {})],
  ['showcase', app => new ShowcaseStack(app, 'ShowcaseExample', {})],
  ['production', app => new ProductionStack(app, 'ProductionExample')],
];

interface Synthesized { readonly report: any; readonly paths: Record<string, Record<string, any>>; readonly text: string }

function synthesize(name: string, make: (app: App) => Stack): Synthesized {
  const outdir = path.join(work, name);
  const app = new App({ outdir });
  const stack = make(app);
  const group = stack.node.findAll().find((c): c is ApiGroup => c instanceof ApiGroup)!;
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const file = fs.readdirSync(outdir).find(f => f.startsWith(`${artifact.id}.`) && f.endsWith('.deployment-report.json'));
  if (file === undefined) { throw new Error(`no deployment report in ${outdir}: ${fs.readdirSync(outdir).join(', ')}`); }
  const report = JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8'));
  const restApi = Object.values(artifact.template.Resources as Record<string, any>).find(r => r.Type === 'AWS::ApiGateway::RestApi')!;
  void group;
  return { report, paths: restApi.Properties.Body.paths, text: renderDeploymentReport(report) };
}

/** The document's resource API Gateway matches for `requestPath` (literal, then {var}, then {var+}; a branch that fails is left). */
function match(paths: readonly string[], requestPath: string): string | undefined {
  const segs = requestPath.split('/').filter(s => s !== '');
  const children = (prefix: string): string[] => {
    return paths.filter(p => p !== '/' && p.startsWith(prefix === '/' ? '/' : `${prefix}/`))
      .filter(p => p.split('/').length === (prefix === '/' ? 2 : prefix.split('/').length + 1));
  };
  const from = (at: string, i: number): string | undefined => {
    if (i === segs.length) { return at; }
    const kids = children(at);
    const last = (p: string): string => p.split('/').pop()!;
    const literal = kids.find(k => last(k) === segs[i]);
    const found = literal !== undefined ? from(literal, i + 1) : undefined;
    if (found) { return found; }
    for (const k of kids.filter(c => /^\{[^+]+\}$/.test(last(c)))) {
      const f = from(k, i + 1);
      if (f) { return f; }
    }
    return kids.find(c => /^\{.+\+\}$/.test(last(c)));
  };
  return from('/', 0);
}

/** A request path for an API's path template. */
function sample(apiPath: string): string {
  return apiPath.replace(/\{[^}]+\+\}/g, 'rest/of/it').replace(/\{[^}]+\}/g, 'value');
}

describe.each(EXAMPLES)('the %s example', (name, make) => {
  const { report, paths, text } = synthesize(name, make);
  const riders: any[] = report.catchAll.apis;

  test('every API not seen individually is reported on the resource API Gateway matches for it, with its authorizer as the document has it', () => {
    // why: "the catch-all" was printed for APIs that ride another API's resource (POST /orders beside GET /orders)
    for (const api of riders) {
      expect([api.name, api.ridesOn.length > 0]).toEqual([api.name, true]);
      const matched = match(Object.keys(paths), sample(api.path));
      expect([api.name, api.ridesOn.map((r: any) => r.resource)]).toEqual([api.name, expect.arrayContaining([matched])]);
      for (const ride of api.ridesOn) {
        const item = paths[ride.resource];
        const operation = item[ride.method === 'ANY' ? 'x-amazon-apigateway-any-method' : ride.method.toLowerCase()];
        expect([api.name, ride.resource, operation !== undefined]).toEqual([api.name, ride.resource, true]);
        const withAuthorizer = (operation.security ?? []).some((s: Record<string, unknown>) => Object.keys(s).some(k => k !== 'api_key' && k !== 'sigv4'));
        expect([api.name, ride.resource, withAuthorizer]).toEqual([api.name, ride.resource, ride.authorizer]);
      }
      // The text names the method and resource of each.
      expect(text).toContain(`${api.method} ${api.path}  ${api.name}  via ${api.ridesOn[0].method} ${api.ridesOn[0].resource} (`);
    }
  });
});

test('the secured example: POST /orders rides ANY /orders (beside GET /orders\' own throttled method), with the authorizer', () => {
  const { report, text } = synthesize('secured-text', EXAMPLES[1][1]);
  expect(report.catchAll.apis.find((a: any) => a.name === 'create-order').ridesOn).toEqual([{ resource: '/orders', method: 'ANY', authorizer: true }]);
  expect(text).toContain('  POST /orders  create-order  via ANY /orders (authorizer)\n');
  expect(text).toContain('  GET /profile  get-profile  via ANY /{proxy+} (authorizer)\n');
});
