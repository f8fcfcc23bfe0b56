import { RULES } from '../../limits';
import { Problem, problem } from '../checks';
import type { PathSegment } from '../paths';

/**
 * The REST API's resource tree as the OpenAPI document declares it, and API Gateway's matching
 * on it. API Gateway picks the most specific resource segment by segment: a literal child before
 * the one variable child (`{name}`, or a greedy `{name+}` that takes the rest of the path). Whether
 * it backtracks when a branch cannot match the rest of the path is not documented (DESIGN section
 * 2), so the tree is closed instead: wherever a request of an API riding the catch-all could get
 * stuck, the resource gets a greedy `{proxy+}` child (a closure), and the first choice always
 * succeeds, with or without backtracking.
 */
export class ResourceNode {
  /** Literal children by segment text. */
  public readonly literals = new Map<string, ResourceNode>();
  /** The variable child (`{name}` or `{name+}`): API Gateway allows one per level. */
  public variable?: ResourceNode;
  /** Methods declared by APIs API Gateway sees individually (method → API id). */
  public readonly declared = new Map<string, string>();

  constructor(
    public readonly parent: ResourceNode | undefined,
    /** Last segment as API Gateway spells it: `orders`, `{id}`, `{proxy+}`; '' for the root. */
    public readonly part: string,
    /** Parameter name of a variable resource. */
    public readonly parameter: string | undefined,
    public readonly greedy: boolean,
    /** True for a `{proxy+}` added only so that requests riding the catch-all cannot get stuck. */
    public readonly closure: boolean,
  ) {}

  /** The resource path, e.g. `/orders/{id}`; `/` for the root. */
  public get path(): string {
    if (!this.parent) { return '/'; }
    const above = this.parent.path;
    return `${above === '/' ? '' : above}/${this.part}`;
  }

  /** Names of the path parameters of this resource and its ancestors, root first. */
  public get parameters(): string[] {
    const above = this.parent ? this.parent.parameters : [];
    return this.parameter !== undefined ? [...above, this.parameter] : above;
  }
}

/** Where the requests of a path pattern may end in a tree. */
export interface Landing {
  /** Resources whose methods may serve the requests. */
  readonly nodes: Set<ResourceNode>;
  /** Resources below which some requests match no child: each needs a closure. */
  readonly stuck: Set<ResourceNode>;
}

export class ResourceTree {
  public readonly root = new ResourceNode(undefined, '', undefined, false, false);

  /**
   * The resource of a path, defined as needed. Variable segments share the level's one variable
   * resource, whatever their name (the proxy rebuilds the path from whichever name the resource has).
   */
  public insert(path: string, segments: readonly PathSegment[]): ResourceNode | Problem {
    let node = this.root;
    for (const segment of segments) {
      if (segment.variable === undefined) {
        let child = node.literals.get(segment.text);
        if (!child) {
          child = new ResourceNode(node, segment.text, undefined, false, false);
          node.literals.set(segment.text, child);
        }
        node = child;
        continue;
      }
      const existing = node.variable;
      if (existing) {
        if (existing.greedy !== segment.greedy) {
          return problem(RULES.path, path,
            `API Gateway allows one variable segment per level, and ${existing.path} is already defined there`);
        }
        node = existing;
        continue;
      }
      const name = freeName(node, segment.variable.replace(/[^A-Za-z0-9_]/g, '_'));
      const child = new ResourceNode(node, segment.greedy ? `{${name}+}` : `{${name}}`, name, segment.greedy, false);
      node.variable = child;
      node = child;
    }
    return node;
  }

  /** Adds the greedy closure `{proxy+}` below `node` (which has no variable child). */
  public close(node: ResourceNode): ResourceNode {
    if (node.variable) { throw new Error(`cdk-api-groups: ${node.path} already has a variable child`); }
    const name = freeName(node, 'proxy');
    node.variable = new ResourceNode(node, `{${name}+}`, name, true, true);
    return node.variable;
  }

  /** Every resource, root first, then depth first in path order (deterministic). */
  public get nodes(): ResourceNode[] {
    const out: ResourceNode[] = [];
    const visit = (node: ResourceNode): void => {
      out.push(node);
      for (const key of [...node.literals.keys()].sort()) { visit(node.literals.get(key)!); }
      if (node.variable) { visit(node.variable); }
    };
    visit(this.root);
    return out;
  }

  /** API Gateway resources counted against the quota (the root is not). */
  public get resourceCount(): number {
    return this.nodes.length - 1;
  }

  /**
   * Where requests of a path pattern end. A `{name}` segment stands for any value, including the
   * text of a literal resource at that level (an over-approximation: the proxy may route such a
   * request to another API, but API Gateway must still let it through with the right checks).
   */
  public landing(segments: readonly PathSegment[]): Landing {
    const out: Landing = { nodes: new Set(), stuck: new Set() };
    const from = (node: ResourceNode, i: number): void => {
      if (i === segments.length) { out.nodes.add(node); return; }
      const segment = segments[i];
      if (segment.greedy) { rest(node); return; }
      if (segment.variable === undefined) {
        const literal = node.literals.get(segment.text);
        if (literal) { from(literal, i + 1); } else { other(node, i); }
        return;
      }
      for (const literal of node.literals.values()) { from(literal, i + 1); }
      other(node, i);
    };
    // A segment that matches no literal child.
    const other = (node: ResourceNode, i: number): void => {
      const v = node.variable;
      if (!v) { out.stuck.add(node); } else if (v.greedy) { out.nodes.add(v); } else { from(v, i + 1); }
    };
    // One or more segments of any value (a greedy parameter).
    const rest = (node: ResourceNode): void => {
      for (const literal of node.literals.values()) {
        out.nodes.add(literal);
        rest(literal);
      }
      const v = node.variable;
      if (!v) {
        out.stuck.add(node);
      } else if (v.greedy) {
        out.nodes.add(v);
      } else {
        out.nodes.add(v);
        rest(v);
      }
    };
    from(this.root, 0);
    return out;
  }
}

/** A parameter name not used above `node` (API Gateway needs distinct names along a path). */
function freeName(node: ResourceNode, wanted: string): string {
  const used = new Set(node.parameters);
  let name = wanted;
  for (let n = 1; used.has(name); n++) { name = `${wanted}${n}`; }
  return name;
}
