/**
 * The three example apps, synthesized in this process (as test/e2e does), for the interop tests:
 * each example's stack and its group.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { ApiGroup } from '../../lib';
import { OrdersStack } from '../../examples/orders/orders-stack';
import { SecuredStack } from '../../examples/secured/secured-stack';
import { ShowcaseStack } from '../../examples/showcase/showcase-stack';

export interface SynthesizedExample {
  readonly name: string;
  readonly app: App;
  readonly stack: Stack;
  readonly group: ApiGroup;
  readonly outdir: string;
}

const EXAMPLES: Array<[string, (app: App) => Stack]> = [
  ['orders', app => new OrdersStack(app, 'OrdersExample', {})],
  ['secured', app => new SecuredStack(app, 'SecuredExample', {})],
  ['showcase', app => new ShowcaseStack(app, 'ShowcaseExample', {})],
];

export const EXAMPLE_NAMES = EXAMPLES.map(([name]) => name);

/** Synthesizes one example into `root/<name>`. */
export function synthesizeExample(name: string, root: string): SynthesizedExample {
  const make = EXAMPLES.find(([n]) => n === name)![1];
  const outdir = path.join(root, name);
  fs.mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir });
  const stack = make(app);
  const group = stack.node.findAll().find((c): c is ApiGroup => c instanceof ApiGroup)!;
  app.synth();
  return { name, app, stack, group, outdir };
}
