import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { RULES } from '../limits';
import { Problem, problem } from './checks';
import { PathSegment } from './paths';

/**
 * The API Gateway resource tree of a group. API Gateway only needs to bring each request to the
 * proxy, which routes on the request's own path, so APIs whose paths differ only in a
 * parameter's name share one resource (API Gateway allows one variable child per level).
 */
export class RestTree {
  private readonly variableChild = new Map<apigw.IResource, { resource: apigw.Resource; greedy: boolean }>();
  private readonly methods = new Map<apigw.IResource, Set<string>>();
  private readonly order: apigw.IResource[] = [];

  constructor(private readonly root: apigw.IResource) {
    this.track(root);
  }

  /** The resource for a path, defined as needed; a problem when API Gateway cannot express it. */
  public resourceFor(path: string, segments: PathSegment[]): apigw.IResource | Problem {
    let parent = this.root;
    for (const segment of segments) {
      if (segment.variable === undefined) {
        parent = parent.getResource(segment.text) ?? this.track(parent.addResource(segment.text));
        continue;
      }
      const existing = this.variableChild.get(parent);
      if (existing) {
        if (existing.greedy !== segment.greedy) {
          return problem(RULES.path, path,
            `API Gateway allows one variable segment per level, and ${existing.resource.path} is already defined there`);
        }
        parent = existing.resource;
        continue;
      }
      // API Gateway variable names take letters, digits and `_`; Huawei's also `.` and `-`.
      const name = segment.variable.replace(/[^A-Za-z0-9_]/g, '_');
      const resource = this.track(parent.addResource(segment.greedy ? `{${name}+}` : `{${name}}`));
      this.variableChild.set(parent, { resource, greedy: segment.greedy });
      parent = resource;
    }
    return parent;
  }

  /** The root's variable child, if any (it decides whether a catch-all `/{proxy+}` fits). */
  public rootVariableChild(): { resource: apigw.Resource; greedy: boolean } | undefined {
    return this.variableChild.get(this.root);
  }

  /** Defines the catch-all `ANY /{proxy+}` resource. */
  public addCatchAll(): apigw.IResource {
    const resource = this.track(this.root.addResource('{proxy+}'));
    this.variableChild.set(this.root, { resource, greedy: true });
    return resource;
  }

  /** Records that `method` is defined on `resource`. */
  public declare(resource: apigw.IResource, method: string): void {
    this.methods.get(resource)!.add(method);
  }

  /** Whether `method` is defined on `resource`. */
  public declares(resource: apigw.IResource, method: string): boolean {
    return this.methods.get(resource)!.has(method);
  }

  /** Every resource, root first, in definition order. */
  public get resources(): apigw.IResource[] {
    return [...this.order];
  }

  private track<T extends apigw.IResource>(resource: T): T {
    this.methods.set(resource, new Set());
    this.order.push(resource);
    return resource;
  }
}
