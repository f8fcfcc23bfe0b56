/**
 * Helpers for the construct tests (test/constructs): a fresh app, stack and group, synthesis,
 * and access to what a user deploys (the template, the proxy's and authorizer's assets and their config.json).
 *
 * Apps write their cloud assembly under test/.work/constructs/ (git-ignored, and removed after
 * each test file), never into the system temp folder.
 */
import { readConfigFiles } from '../../lib/private/config-files';
import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiGroup, ApiGroupProps } from 'cdk-api-groups';
import { ConfigDocument } from '../../lib/private/config-document';

/** Where construct tests write cloud assemblies. */
export const WORK_ROOT = path.join(__dirname, '..', '.work', 'constructs');

const created: string[] = [];
afterAll(() => {
  for (const dir of created.splice(0)) { fs.rmSync(dir, { recursive: true, force: true }); }
});

/** A new folder under test/.work/constructs, removed after the test file. */
export function workDir(prefix: string): string {
  fs.mkdirSync(WORK_ROOT, { recursive: true });
  const dir = fs.mkdtempSync(path.join(WORK_ROOT, prefix));
  created.push(dir);
  return dir;
}

/**
 * A new App writing to its own folder under test/.work/constructs (unless `outdir` is given). The built-in CloudFormation
 * validator is off (it costs ~1.5 s per file and the tests assert the template themselves), and
 * asset metadata is on, as the cdk CLI sets it, so a test can find the proxy's asset folder.
 */
export function newApp(props: AppProps = {}): App {
  const outdir = props.outdir ?? workDir('app-');
  return new App({
    builtinCloudFormationValidation: false,
    ...props,
    outdir,
    context: { 'aws:cdk:enable-asset-metadata': true, ...props.context },
  });
}

/** A new stack `Stack` in a new app (construct paths in messages start with `Stack/`). */
export function newStack(app: App = newApp()): Stack {
  return new Stack(app, 'Stack');
}

/** A new group `Group` (construct path `Stack/Group`) in a new stack. */
export function newGroup(props: ApiGroupProps = {}, stack: Stack = newStack()): ApiGroup {
  return new ApiGroup(stack, 'Group', props);
}

/** The template of the group's stack (synthesizes the app, which finalises the group). */
export function templateOf(group: ApiGroup): Template {
  return Template.fromStack(Stack.of(group));
}

/** The logical id of the group's API Gateway deployment, from the synthesized template. */
export function deploymentLogicalId(group: ApiGroup, template: Template = templateOf(group)): string {
  const ids = Object.keys(template.findResources('AWS::ApiGateway::Deployment'));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** What a bundled function (proxy or authorizer) ships: its asset hash, folder, and the group's configuration document. */
export interface ProxyAsset {
  /** The asset's sha256 (the S3 key without `.zip`). */
  readonly hash: string;
  /** The staged asset folder inside the cloud assembly. */
  readonly dir: string;
  /** `config.json` as written (each API's routing fields; the rest is in `apis.jsonl`). */
  readonly configText: string;
  /** The whole document (config.json and apis.jsonl). */
  readonly config: ConfigDocument;
}

/**
 * A bundled function's asset, located the way the cdk CLI and the local gateway do: through the
 * function's `aws:asset:path` metadata in the synthesized template.
 */
export function functionAsset(fn: lambda.Function, template: Template): ProxyAsset {
  const stack = Stack.of(fn);
  const logicalId = stack.resolve((fn.node.defaultChild as lambda.CfnFunction).logicalId);
  const resource = template.toJSON().Resources[logicalId];
  const assetPath: string = resource.Metadata['aws:asset:path'];
  expect(resource.Metadata['aws:asset:property']).toBe('Code');
  const s3Key: string = resource.Properties.Code.S3Key;
  expect(s3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
  const dir = path.join(Stage.of(stack)!.outdir, assetPath);
  const configText = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
  return { hash: s3Key.replace(/\.zip$/, ''), dir, configText, config: readConfigFiles(dir) };
}

/** The proxy's asset. */
export function proxyAsset(group: ApiGroup, template: Template = templateOf(group)): ProxyAsset {
  return functionAsset(group.proxyFunction, template);
}

/** The authorizer's asset (the group must have an API using app, custom or third-party authentication). */
export function authorizerAsset(group: ApiGroup, template: Template = templateOf(group)): ProxyAsset {
  expect(group.authorizerFunction).toBeDefined();
  return functionAsset(group.authorizerFunction!, template);
}

/** Every file under `dir`, recursively (relative paths). */
export function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile())
    .map(e => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** The logical id of the only resource of `type` whose properties match `props` (exactly one must). */
export function logicalIdOf(template: Template, type: string, props: object): string {
  const found = Object.keys(template.findResources(type, { Properties: props }));
  expect(found).toHaveLength(1);
  return found[0];
}

/** The OpenAPI document (the `Body`) of the template's only REST API, as CloudFormation receives it. */
export function restApiDocument(template: Template): any {
  const apis = Object.values(template.findResources('AWS::ApiGateway::RestApi'));
  expect(apis).toHaveLength(1);
  expect(apis[0].Properties.Body).toBeDefined();
  return apis[0].Properties.Body;
}

const OPERATION_KEYS: Record<string, string> = {
  'x-amazon-apigateway-any-method': 'ANY', 'get': 'GET', 'put': 'PUT', 'post': 'POST', 'delete': 'DELETE',
  'options': 'OPTIONS', 'head': 'HEAD', 'patch': 'PATCH',
};

/** `path → sorted HTTP methods` of the REST API's document: its routing table at a glance. */
export function methodsByPath(template: Template): Record<string, string[]> {
  const table: Record<string, string[]> = {};
  for (const [path, item] of Object.entries<any>(restApiDocument(template).paths)) {
    table[path] = Object.keys(item).filter(k => OPERATION_KEYS[k]).map(k => OPERATION_KEYS[k]).sort();
  }
  return table;
}

/** The document's operation of the method `httpMethod` (ANY, GET, ...) on `path`. */
export function methodAt(template: Template, path: string, httpMethod: string): any {
  const item = restApiDocument(template).paths[path];
  expect(item).toBeDefined();
  const key = Object.keys(OPERATION_KEYS).find(k => OPERATION_KEYS[k] === httpMethod)!;
  expect(item[key]).toBeDefined();
  return item[key];
}
