/**
 * Round trips. Import → export → import: the second import synthesizes the same template as the
 * first. Each example → export → import into an empty group (its apps re-created, its functions
 * mapped through `functions`): the imported group exports the example's document again, field
 * for field, ships the same runtime configuration (APIs, responses, parameters, backends, auth,
 * authorizers, access control, CORS), and importing its export synthesizes the same template.
 */
import { readConfigFiles } from '../../lib/private/config-files';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ApiGroup, ApiGroupProps, DefinitionFormat, HuaweiDefinition } from '../../lib';
import { ConfigDocument } from '../../lib/private/config-document';
import { cleanWorkDirs, freshWorkDir } from '../support/proxy-harness';
import { synthesizeGroup } from '../support/synth-group';
import { EXAMPLE_NAMES, synthesizeExample } from './examples';
import { FIXTURES, shopFunctions, VPC_CHANNELS } from './fixtures';

afterAll(() => cleanWorkDirs());

function importShop(text: string) {
  return synthesizeGroup({ groupName: 'shop' }, (group, stack) => {
    const mobile = group.addApp('mobile');
    group.importHuaweiDefinition(HuaweiDefinition.fromString(text), { functions: shopFunctions(stack), vpcChannels: VPC_CHANNELS, apps: [mobile] });
  });
}

test('import → export → import synthesizes an identical template (shop-openapi3.json)', () => {
  const first = importShop(fs.readFileSync(path.join(FIXTURES, 'shop-openapi3.json'), 'utf8'));
  const exported = first.group.exportDefinition(DefinitionFormat.HUAWEI);
  const second = importShop(exported);
  expect(second.template).toEqual(first.template);
  expect(second.group.exportDefinition(DefinitionFormat.HUAWEI)).toBe(exported);
});

test('import → export → import synthesizes an identical template (shop-swagger2.yaml)', () => {
  const first = importShop(fs.readFileSync(path.join(FIXTURES, 'shop-swagger2.yaml'), 'utf8'));
  const second = importShop(first.group.exportDefinition(DefinitionFormat.HUAWEI));
  expect(second.template).toEqual(first.template);
});

/** Functions named `cdk-function:<construct path>` in a document, re-created at the same path of `stack`. */
function functionsAt(stack: Stack, document: string): Record<string, lambda.IFunction> {
  const functions: Record<string, lambda.IFunction> = {};
  for (const [reference, fullPath] of document.matchAll(/"cdk-function:([^"]+)"/g)) {
    const key = reference.slice(1, -1);
    if (functions[key]) { continue; }
    const segments = fullPath.split('/').slice(1);
    let scope: Construct = stack;
    for (const segment of segments.slice(0, -1)) { scope = scope.node.tryFindChild(segment) as Construct ?? new Construct(scope, segment); }
    functions[key] = new lambda.Function(scope, segments[segments.length - 1], {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({});'),
    });
  }
  return functions;
}

interface Rebuilt {
  readonly group: ApiGroup;
  readonly template: unknown;
  readonly config: ConfigDocument;
}

/** An empty group like `source`'s (same path and props, its apps re-created), into which `document` is imported. */
function rebuild(source: ApiGroup, document: string): Rebuilt {
  const outdir = freshWorkDir('interop-rebuilt');
  const app = new App({ outdir });
  const sourceStack = Stack.of(source);
  const stack = new Stack(app, sourceStack.node.id);
  const props: ApiGroupProps = { ...source._interopProps(), defaultResponse: undefined };
  const group = new ApiGroup(stack, source.node.id, props);
  for (const a of source.apps) { group.addApp(a.appName, { throttle: a.throttle, quota: a.quota }); }
  group.importHuaweiDefinition(HuaweiDefinition.fromString(document), { functions: functionsAt(stack, document), apps: group.apps });
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template;
  return { group, template, config: proxyConfig(outdir, stack, group, template) };
}

function proxyConfig(outdir: string, stack: Stack, group: ApiGroup, template: any): ConfigDocument {
  const id = stack.resolve(stack.getLogicalId(group.proxyFunction.node.defaultChild as lambda.CfnFunction));
  const hash = /^([0-9a-f]{64})\.zip$/.exec(template.Resources[id].Properties.Code.S3Key)![1];
  return readConfigFiles(path.join(outdir, `asset.${hash}`));
}

/** The runtime configuration without what names deploy-time values (function and secret ARNs are environment references). */
function runtimeShape(config: ConfigDocument): unknown {
  const strip = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (key, v) =>
    (key === 'functionArn' || key === 'secretArn' || key === 'url' && typeof v === 'object' ? '<deploy-time>' : v)));
  return strip({
    ...config,
    apis: [...config.apis].sort((a, b) => a.id.localeCompare(b.id)),
  });
}

describe.each(EXAMPLE_NAMES)('example %s → export → import into an empty group', name => {
  const example = synthesizeExample(name, freshWorkDir('interop-example'));
  const exported = example.group.exportDefinition(DefinitionFormat.HUAWEI);
  const rebuilt = rebuild(example.group, exported);

  test('the imported group exports the same document', () => {
    expect(JSON.parse(rebuilt.group.exportDefinition(DefinitionFormat.HUAWEI))).toEqual(JSON.parse(exported));
  });

  test('the imported group ships the same runtime configuration', () => {
    const template = JSON.parse(fs.readFileSync(path.join(example.outdir, `${example.stack.artifactId}.template.json`), 'utf8'));
    const original = proxyConfig(example.outdir, example.stack, example.group, template);
    expect(runtimeShape(rebuilt.config)).toEqual(runtimeShape(original));
  });

  test('importing the imported group\'s export synthesizes an identical template', () => {
    const again = rebuild(example.group, rebuilt.group.exportDefinition(DefinitionFormat.HUAWEI));
    expect(again.template).toEqual(rebuilt.template);
  });
});
