/**
 * The small part of API Gateway's mapping template language (Apache Velocity) that MOCK integrations
 * use here, interpreted without eval:
 *
 * - text, `## comments`, references `$name`, `$!name`, `${name}`, with property chains and method
 *   calls: `$context.requestId`, `$input.params().header.get("Origin")`, `$util.base64Decode("...")`;
 * - `#set($var = expr)`, `#set($context.responseOverride.header.<Name> = expr)` and
 *   `#set($context.responseOverride.status = expr)` (AWS-DG "Override your API's request and response
 *   parameters and status codes");
 * - `#if(cond) ... #elseif(cond) ... #else ... #end`, with `==`, `!=`, `&&`, `||`, `!`, parentheses;
 * - values: "double-quoted" strings (references inside are rendered), 'single-quoted' strings,
 *   integers, true, false, null.
 *
 * `$util`: base64Decode (to UTF-8 text), base64Encode, escapeJavaScript, urlEncode, urlDecode.
 * `$input`: body, params() (`.header`, `.querystring`, `.path`, each with `.get(name)`), params(name).
 * An undefined reference renders as written (Velocity's rule), `$!ref` as nothing. Anything else
 * (`#foreach`, macros, other methods) throws VtlError: the caller answers as API Gateway does for a
 * template it cannot render (500).
 */

export class VtlError extends Error {}

/** What a template may read: `$context`, `$input`, `$stageVariables`, `$util` are built by the caller. */
export interface VtlScope {
  readonly context: Record<string, unknown>;
  readonly input: VtlInput;
  readonly stageVariables: Record<string, string>;
}

export interface VtlInput {
  readonly body: string;
  readonly path: Record<string, string>;
  readonly querystring: Record<string, string>;
  readonly header: Record<string, string>;
}

export interface VtlResult {
  readonly output: string;
  /** `$context.responseOverride.header.*` set by the template. */
  readonly headerOverrides: Record<string, string>;
  /** `$context.responseOverride.status`, when set to an integer 100-599 (AWS ignores other values). */
  readonly statusOverride?: number;
}

type Value = string | number | boolean | null | undefined | VtlObject | VtlFunction;
interface VtlObject { readonly kind: 'object'; readonly get: (name: string) => Value }
interface VtlFunction { readonly kind: 'function'; readonly call: (args: Value[]) => Value }

/** Output over this many characters is refused (API Gateway's payload limit). */
const OUTPUT_LIMIT = 10 * 1024 * 1024;

function obj(get: (name: string) => Value): VtlObject { return { kind: 'object', get }; }
function fn(call: (args: Value[]) => Value): VtlFunction { return { kind: 'function', call }; }

function isObject(v: Value): v is VtlObject { return typeof v === 'object' && v !== null && (v as VtlObject).kind === 'object'; }
function isFunction(v: Value): v is VtlFunction { return typeof v === 'object' && v !== null && (v as VtlFunction).kind === 'function'; }

function text(v: Value): string {
  if (v === undefined || v === null) { return ''; }
  if (isObject(v) || isFunction(v)) { return '{}'; }
  return String(v);
}

/**
 * A map as VTL sees it: `.name`, `.get(name)`. Own keys only. `missing`: what a name it lacks reads
 * as (the request's parameter maps give '': aws-cdk's CORS template tests `$origin == ""` for an absent header).
 */
function mapOf(record: Record<string, unknown>, missing?: string): VtlObject {
  const read = (name: string): Value => {
    if (!Object.prototype.hasOwnProperty.call(record, name)) { return missing; }
    const v = record[name];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) { return v; }
    if (typeof v === 'object' && v !== undefined) { return mapOf(v as Record<string, unknown>); }
    return undefined;
  };
  return obj(name => (name === 'get' ? fn(args => read(text(args[0]))) : read(name)));
}

const UTIL = obj(name => {
  switch (name) {
    case 'base64Decode': return fn(([v]) => Buffer.from(text(v), 'base64').toString('utf8'));
    case 'base64Encode': return fn(([v]) => Buffer.from(text(v), 'utf8').toString('base64'));
    case 'escapeJavaScript': return fn(([v]) => JSON.stringify(text(v)).slice(1, -1).replace(/'/g, "\\'"));
    case 'urlEncode': return fn(([v]) => encodeURIComponent(text(v)).replace(/%20/g, '+'));
    case 'urlDecode': return fn(([v]) => { try { return decodeURIComponent(text(v).replace(/\+/g, ' ')); } catch { return text(v); } });
    default: throw new VtlError(`$util.${name} is not supported locally`);
  }
});

function inputOf(input: VtlInput): VtlObject {
  const all = obj(name => (name === 'header' ? mapOf(input.header, '') : name === 'querystring' ? mapOf(input.querystring, '')
    : name === 'path' ? mapOf(input.path, '') : undefined));
  return obj(name => {
    if (name === 'body') { return input.body; }
    if (name === 'params') {
      return fn(args => {
        if (args.length === 0) { return all; }
        const wanted = text(args[0]);
        // API Gateway looks in path, then query string, then headers.
        for (const source of [input.path, input.querystring, input.header]) {
          if (Object.prototype.hasOwnProperty.call(source, wanted)) { return source[wanted]; }
        }
        return '';
      });
    }
    throw new VtlError(`$input.${name} is not supported locally`);
  });
}

// ---- Parsing -------------------------------------------------------------------------------------

type Expr =
  | { readonly t: 'lit'; readonly v: Value }
  | { readonly t: 'str'; readonly parts: Node[] }
  | { readonly t: 'ref'; readonly ref: Ref }
  | { readonly t: 'not'; readonly e: Expr }
  | { readonly t: 'bin'; readonly op: '==' | '!=' | '&&' | '||'; readonly a: Expr; readonly b: Expr };

interface Ref {
  readonly root: string;
  readonly quiet: boolean;
  readonly chain: Array<{ readonly name: string; readonly args?: Expr[] }>;
  readonly source: string;
}

type Node =
  | { readonly t: 'text'; readonly v: string }
  | { readonly t: 'ref'; readonly ref: Ref }
  | { readonly t: 'set'; readonly target: Ref; readonly e: Expr }
  | { readonly t: 'if'; readonly branches: Array<{ readonly cond?: Expr; readonly body: Node[] }> };

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  public template(): Node[] {
    const stack: Array<{ node: { t: 'if'; branches: Array<{ cond?: Expr; body: Node[] }> } }> = [];
    const root: Node[] = [];
    let out = root;
    let textStart = this.i;
    const flush = () => { if (this.i > textStart) { out.push({ t: 'text', v: this.s.slice(textStart, this.i) }); } };
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '#' && this.s[this.i + 1] === '#') {
        flush();
        const nl = this.s.indexOf('\n', this.i);
        this.i = nl < 0 ? this.s.length : nl + 1;
        textStart = this.i;
        continue;
      }
      if (c === '#') {
        const m = /^#\{?(set|if|elseif|else|end|foreach|macro|define|parse|include|evaluate|break|stop)\}?/.exec(this.s.slice(this.i, this.i + 12));
        if (m) {
          flush();
          this.i += m[0].length;
          const word = m[1];
          if (word === 'set') {
            this.expect('(');
            const target = this.ref(true);
            this.expect('=');
            const e = this.expr();
            this.expect(')');
            this.gobbleLine();
            out.push({ t: 'set', target, e });
          } else if (word === 'if') {
            this.expect('(');
            const cond = this.expr();
            this.expect(')');
            const node = { t: 'if' as const, branches: [{ cond, body: [] as Node[] }] };
            out.push(node);
            stack.push({ node });
            out = node.branches[0].body;
            this.gobbleLine();
          } else if (word === 'elseif' || word === 'else') {
            const top = stack[stack.length - 1];
            if (!top) { throw new VtlError(`#${word} without #if`); }
            let cond: Expr | undefined;
            if (word === 'elseif') { this.expect('('); cond = this.expr(); this.expect(')'); }
            const branch = { cond, body: [] as Node[] };
            top.node.branches.push(branch);
            out = branch.body;
            this.gobbleLine();
          } else if (word === 'end') {
            if (!stack.pop()) { throw new VtlError('#end without #if'); }
            const parent = stack[stack.length - 1];
            out = parent ? parent.node.branches[parent.node.branches.length - 1].body : root;
            this.gobbleLine();
          } else {
            throw new VtlError(`#${word} is not supported locally`);
          }
          textStart = this.i;
          continue;
        }
      }
      if (c === '$' && /[!{A-Za-z]/.test(this.s[this.i + 1] ?? '')) {
        const save = this.i;
        flush();
        const ref = this.tryRef();
        if (ref) { out.push({ t: 'ref', ref }); textStart = this.i; continue; }
        this.i = save + 1;
        textStart = save;
        continue;
      }
      this.i++;
    }
    flush();
    if (stack.length > 0) { throw new VtlError('#if without #end'); }
    return root;
  }

  /** Velocity drops the rest of a line that holds only a directive. */
  private gobbleLine(): void {
    const m = /^[ \t]*\r?\n/.exec(this.s.slice(this.i, this.i + 200));
    if (m) { this.i += m[0].length; }
  }

  private ws(): void { while (/\s/.test(this.s[this.i] ?? '')) { this.i++; } }

  private expect(token: string): void {
    this.ws();
    if (!this.s.startsWith(token, this.i)) { throw new VtlError(`expected ${token} at ${this.i}`); }
    this.i += token.length;
  }

  private tryRef(): Ref | undefined {
    try { return this.ref(false); } catch { return undefined; }
  }

  /** `$a.b.c(args)`; in a #set target, header names may contain `-`. */
  private ref(target: boolean): Ref {
    this.ws();
    const start = this.i;
    if (this.s[this.i] !== '$') { throw new VtlError(`expected a reference at ${this.i}`); }
    this.i++;
    const quiet = this.s[this.i] === '!';
    if (quiet) { this.i++; }
    const braced = this.s[this.i] === '{';
    if (braced) { this.i++; }
    const ident = (dash: boolean) => {
      const m = (dash ? /^[A-Za-z_][A-Za-z0-9_-]*/ : /^[A-Za-z_][A-Za-z0-9_]*/).exec(this.s.slice(this.i, this.i + 256));
      if (!m) { throw new VtlError(`expected a name at ${this.i}`); }
      this.i += m[0].length;
      return m[0];
    };
    const root = ident(false);
    const chain: Array<{ name: string; args?: Expr[] }> = [];
    for (;;) {
      if (this.s[this.i] === '.' && /[A-Za-z_]/.test(this.s[this.i + 1] ?? '')) {
        this.i++;
        const headerTarget = (target || braced) && root === 'context' && chain.length === 2 && chain[0].name === 'responseOverride' && chain[1].name === 'header';
        const name = ident(headerTarget);
        if (this.s[this.i] === '(') {
          this.i++;
          const args: Expr[] = [];
          this.ws();
          if (this.s[this.i] !== ')') {
            for (;;) {
              args.push(this.expr());
              this.ws();
              if (this.s[this.i] === ',') { this.i++; continue; }
              break;
            }
          }
          this.expect(')');
          chain.push({ name, args });
        } else {
          chain.push({ name });
        }
        continue;
      }
      break;
    }
    if (braced) { this.expect('}'); }
    return { root, quiet, chain, source: this.s.slice(start, this.i) };
  }

  public expr(): Expr { return this.or(); }

  private or(): Expr {
    let a = this.and();
    for (;;) {
      this.ws();
      if (this.s.startsWith('||', this.i)) { this.i += 2; a = { t: 'bin', op: '||', a, b: this.and() }; continue; }
      return a;
    }
  }

  private and(): Expr {
    let a = this.not();
    for (;;) {
      this.ws();
      if (this.s.startsWith('&&', this.i)) { this.i += 2; a = { t: 'bin', op: '&&', a, b: this.not() }; continue; }
      return a;
    }
  }

  private not(): Expr {
    this.ws();
    if (this.s[this.i] === '!' && this.s[this.i + 1] !== '=') { this.i++; return { t: 'not', e: this.not() }; }
    const a = this.primary();
    this.ws();
    for (const op of ['==', '!='] as const) {
      if (this.s.startsWith(op, this.i)) { this.i += 2; return { t: 'bin', op, a, b: this.primary() }; }
    }
    return a;
  }

  private primary(): Expr {
    this.ws();
    const c = this.s[this.i];
    if (c === '(') { this.i++; const e = this.expr(); this.expect(')'); return e; }
    if (c === '$') { return { t: 'ref', ref: this.ref(false) }; }
    if (c === '"') {
      const end = this.s.indexOf('"', this.i + 1);
      if (end < 0) { throw new VtlError('unterminated string'); }
      const inner = this.s.slice(this.i + 1, end);
      this.i = end + 1;
      return { t: 'str', parts: inner.includes('$') || inner.includes('#') ? new Parser(inner).template() : [{ t: 'text', v: inner }] };
    }
    if (c === "'") {
      const end = this.s.indexOf("'", this.i + 1);
      if (end < 0) { throw new VtlError('unterminated string'); }
      const v = this.s.slice(this.i + 1, end);
      this.i = end + 1;
      return { t: 'lit', v };
    }
    const m = /^(-?\d+|true\b|false\b|null\b)/.exec(this.s.slice(this.i, this.i + 24));
    if (m) {
      this.i += m[0].length;
      return { t: 'lit', v: m[0] === 'true' ? true : m[0] === 'false' ? false : m[0] === 'null' ? null : Number(m[0]) };
    }
    throw new VtlError(`unexpected ${c ?? 'end'} at ${this.i}`);
  }
}

// ---- Evaluation ----------------------------------------------------------------------------------

class Renderer {
  private readonly vars = new Map<string, Value>();
  public readonly headerOverrides: Record<string, string> = {};
  public statusOverride?: number;
  private size = 0;
  private readonly roots: Record<string, Value>;

  constructor(scope: VtlScope) {
    this.roots = {
      context: mapOf(scope.context),
      input: inputOf(scope.input),
      stageVariables: mapOf(scope.stageVariables),
      util: UTIL,
    };
  }

  public render(nodes: Node[], out: string[]): void {
    for (const node of nodes) {
      switch (node.t) {
        case 'text': this.emit(out, node.v); break;
        case 'ref': {
          const v = this.resolve(node.ref);
          this.emit(out, v === undefined || v === null ? (node.ref.quiet ? '' : node.ref.source) : text(v));
          break;
        }
        case 'set': this.assign(node.target, this.evaluate(node.e)); break;
        case 'if': {
          const branch = node.branches.find(b => b.cond === undefined || truthy(this.evaluate(b.cond)));
          if (branch) { this.render(branch.body, out); }
          break;
        }
      }
    }
  }

  private emit(out: string[], s: string): void {
    this.size += s.length;
    if (this.size > OUTPUT_LIMIT) { throw new VtlError('the template output is too large'); }
    out.push(s);
  }

  private assign(target: Ref, value: Value): void {
    // Velocity leaves the variable as it was when the value is null.
    if (value === undefined || value === null) { return; }
    const names = target.chain.map(c => c.name);
    if (target.chain.some(c => c.args)) { throw new VtlError(`cannot #set ${target.source}`); }
    if (names.length === 0) { this.vars.set(target.root, value); return; }
    if (target.root === 'context' && names[0] === 'responseOverride') {
      if (names[1] === 'header' && names.length === 3) { this.headerOverrides[names[2]] = text(value); return; }
      if (names[1] === 'status' && names.length === 2) {
        const status = typeof value === 'number' ? value : Number.NaN;
        if (Number.isInteger(status) && status >= 100 && status <= 599) { this.statusOverride = status; }
        return;
      }
    }
    throw new VtlError(`#set of ${target.source} is not supported locally`);
  }

  private resolve(ref: Ref): Value {
    let v: Value = this.vars.has(ref.root) ? this.vars.get(ref.root) : this.roots[ref.root];
    for (const step of ref.chain) {
      if (!isObject(v)) { return undefined; }
      v = v.get(step.name);
      if (step.args) {
        if (!isFunction(v)) { throw new VtlError(`${ref.source}: ${step.name} is not a method here`); }
        v = v.call(step.args.map(a => this.evaluate(a)));
      }
    }
    return v;
  }

  private evaluate(e: Expr): Value {
    switch (e.t) {
      case 'lit': return e.v;
      case 'str': { const out: string[] = []; this.render(e.parts, out); return out.join(''); }
      case 'ref': return this.resolve(e.ref);
      case 'not': return !truthy(this.evaluate(e.e));
      case 'bin': {
        if (e.op === '&&') { return truthy(this.evaluate(e.a)) && truthy(this.evaluate(e.b)); }
        if (e.op === '||') { return truthy(this.evaluate(e.a)) || truthy(this.evaluate(e.b)); }
        const a = this.evaluate(e.a);
        const b = this.evaluate(e.b);
        const same = (a === undefined || a === null || b === undefined || b === null) ? (a ?? null) === (b ?? null) : text(a) === text(b);
        return e.op === '==' ? same : !same;
      }
    }
  }
}

function truthy(v: Value): boolean {
  return v !== undefined && v !== null && v !== false;
}

/** Renders a mapping template. @throws VtlError for what this interpreter does not support */
export function renderVtl(template: string, scope: VtlScope): VtlResult {
  const nodes = new Parser(template).template();
  const renderer = new Renderer(scope);
  const out: string[] = [];
  renderer.render(nodes, out);
  return { output: out.join(''), headerOverrides: renderer.headerOverrides, statusOverride: renderer.statusOverride };
}
