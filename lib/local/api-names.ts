/**
 * The group's APIs from its configuration document (`config.json` beside the bundled proxy), for
 * the request log: which API a request reached. Candidate paths are tried as the proxy routes
 * (README, "How a request is served"): static segment first, then `{param}`, then a greedy
 * `{param+}`; the first that declares the method, or ANY, wins.
 */
import { pathSegments } from './router';

export interface ConfigApi {
  readonly id: string;
  readonly name: string;
  readonly method: string;
  readonly path: string;
}

interface Node {
  readonly children: Map<string, Node>;
  param?: Node;
  greedy?: Node;
  readonly apis: Map<string, ConfigApi>;
}

function node(): Node {
  return { children: new Map(), apis: new Map() };
}

export class ApiNames {
  private readonly root = node();
  private readonly byId = new Map<string, ConfigApi>();

  constructor(apis: readonly ConfigApi[]) {
    for (const api of apis) {
      this.byId.set(api.id, api);
      let n = this.root;
      for (const segment of pathSegments(api.path)) {
        if (/^\{.+\+\}$/.test(segment)) {
          n.greedy ??= node();
          n = n.greedy;
        } else if (/^\{.+\}$/.test(segment)) {
          n.param ??= node();
          n = n.param;
        } else {
          let child = n.children.get(segment);
          if (!child) { child = node(); n.children.set(segment, child); }
          n = child;
        }
      }
      n.apis.set(api.method.toUpperCase(), api);
    }
  }

  /** The API a request reaches, if any. */
  public find(method: string, path: string): ConfigApi | undefined {
    return this.walk(this.root, pathSegments(path), 0, method.toUpperCase());
  }

  public byApiId(id: string): ConfigApi | undefined {
    return this.byId.get(id);
  }

  private walk(n: Node, segments: string[], i: number, method: string): ConfigApi | undefined {
    if (i === segments.length) { return n.apis.get(method) ?? n.apis.get('ANY'); }
    const literal = n.children.get(segments[i]);
    const viaLiteral = literal ? this.walk(literal, segments, i + 1, method) : undefined;
    if (viaLiteral) { return viaLiteral; }
    const viaParam = n.param ? this.walk(n.param, segments, i + 1, method) : undefined;
    if (viaParam) { return viaParam; }
    return n.greedy ? (n.greedy.apis.get(method) ?? n.greedy.apis.get('ANY')) : undefined;
  }
}
