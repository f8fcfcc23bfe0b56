/**
 * Synthesizes a stack with one API group and loads the group's proxy from the cloud assembly,
 * exactly as Lambda would run it: the function's asset folder (bundle + config.json) and its
 * `Handler`. Deploy-time values (function ARNs, tokens in URLs) are in the function's
 * environment as CloudFormation expressions; `deployTimeEnv` lists them so a test can set the
 * values CloudFormation would resolve.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { ApiGroup, ApiGroupProps } from '../../lib';
import { freshWorkDir, LoadedProxy, loadProxyFromDir } from './proxy-harness';

export interface SynthesizedGroup {
  readonly group: ApiGroup;
  readonly template: any;
  /** The proxy's asset folder in the cloud assembly, and its `Handler`. */
  readonly assetDir: string;
  readonly handler: string;
  /** Loads (cold-starts) the proxy: set the deploy-time environment first, as Lambda would. */
  load(): LoadedProxy;
  /** The proxy function's environment: name → CloudFormation value (a string or an expression). */
  readonly deployTimeEnv: Record<string, unknown>;
}

export function synthesizeGroup(props: ApiGroupProps, build: (group: ApiGroup, stack: Stack) => void): SynthesizedGroup {
  const outdir = freshWorkDir('synth');
  const app = new App({ outdir });
  const stack = new Stack(app, 'Test');
  const group = new ApiGroup(stack, 'Group', props);
  build(group, stack);
  const assembly = app.synth();
  const template = assembly.getStackByName('Test').template;
  const proxyId = stack.resolve(stack.getLogicalId(group.proxyFunction.node.defaultChild as any));
  const resource = template.Resources[proxyId];
  // The asset folder is named by the hash that also names the uploaded zip (Code.S3Key).
  const hash = /^([0-9a-f]{64})\.zip$/.exec(resource.Properties.Code.S3Key)![1];
  const assetDir = path.join(outdir, `asset.${hash}`);
  if (!fs.existsSync(path.join(assetDir, 'config.json'))) {
    throw new Error(`no config.json in the proxy asset ${assetDir}`);
  }
  return {
    group,
    template,
    assetDir,
    handler: resource.Properties.Handler,
    load: () => loadProxyFromDir(assetDir, resource.Properties.Handler),
    deployTimeEnv: resource.Properties.Environment?.Variables ?? {},
  };
}

/** The authorizer function's asset folder in the same cloud assembly (its bundle and the same configuration document). */
export function authorizerAssetDir(s: SynthesizedGroup): string {
  const fn = s.group.authorizerFunction;
  if (!fn) { throw new Error('the group has no authorizer function'); }
  const stack = Stack.of(s.group);
  const resource = s.template.Resources[stack.resolve(stack.getLogicalId(fn.node.defaultChild as never))];
  if (resource.Properties.Handler !== 'index.handler') { throw new Error(`the authorizer's Handler is ${resource.Properties.Handler}`); }
  const hash = /^([0-9a-f]{64})\.zip$/.exec(resource.Properties.Code.S3Key)![1];
  return path.join(path.dirname(s.assetDir), `asset.${hash}`);
}
