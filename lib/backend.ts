import { Duration, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BackendParameter, BackendParameterOrigin, ParameterLocation } from './backend-parameter';
import { FunctionInvocation } from './function-invocation';
import { HttpMethod } from './http-method';
import { LIMITS, RULES } from './limits';
import { normaliseAddress, substituteAddress } from './private/backend-address';
import { backendParameterProblems } from './private/backend-parameters';
import { checkLiteralNumber, Problem, problem, show } from './private/checks';
import type { BackendDocument, BackendParameterDocument, DeployTimeString } from './private/config-document';
import type { DirectBackend } from './private/direct/direct-backend';
import { AUTHORIZER_KEY_PATTERN } from './private/template';

/** Options of an HTTP(S) backend. */
export interface HttpBackendOptions {
  /**
   * How long the proxy waits for the backend (connect, send, and the whole response) before
   * answering BACKEND_TIMEOUT: 1 ms to 60 s, and at least 1 s below the group's integration timeout.
   *
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;

  /**
   * Method sent to the backend.
   *
   * @default - the request's own method
   */
  readonly method?: HttpMethod;

  /**
   * Backend request headers set from the custom or third-party authorizer's context (Huawei's
   * "frontend authorizer" backend parameters): header name → context key. A shorthand for
   * `BackendParameter.system(header, '$context.authorizer.frontend.<key>', { location: ParameterLocation.HEADER })`
   * (kept for existing code; its header names follow the older, wider rule `context-headers`). A
   * header the caller sent under the same name is always replaced, so it cannot be forged; an
   * absent key sends no header.
   *
   * @default - none
   */
  readonly authorizerContextHeaders?: { [header: string]: string };

  /**
   * Backend parameters (at most 50): request parameters moved to another name or location,
   * constants and system values, sent in the backend URL's path (`{name}`), query or headers.
   * Constants and system values replace what the caller sent under the same name.
   *
   * @default - none: the request's headers and query are forwarded as they came
   */
  readonly parameters?: BackendParameter[];
}

/** Options of a Lambda function backend. */
export interface FunctionBackendOptions {
  /**
   * How long the proxy waits for the function before answering BACKEND_TIMEOUT: 1 ms to 60 s,
   * and at least 1 s below the group's integration timeout.
   *
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;

  /**
   * Backend parameters (at most 50), set in the event the function receives, as Huawei's
   * FunctionGraph backend gets them: `headers`/`multiValueHeaders`, `queryStringParameters`/
   * `multiValueQueryStringParameters` and `pathParameters`. A moved request parameter is no longer
   * under its old name; constants and system values replace what the caller sent.
   *
   * @default - none: the event as the request came
   */
  readonly parameters?: BackendParameter[];

  /**
   * How the function is invoked. ASYNC (Lambda `Event`) answers 202 `{"request_id": "..."}` at
   * once, without the function's result.
   *
   * @default FunctionInvocation.SYNC
   */
  readonly invocation?: FunctionInvocation;
}

/** Options of a mock backend. */
export interface MockBackendOptions {
  /**
   * Status code of the mock response (100-599).
   *
   * @default 200
   */
  readonly statusCode?: number;

  /**
   * Body of the mock response, sent as is.
   *
   * @default ''
   */
  readonly body?: string;

  /**
   * Headers of the mock response.
   *
   * @default - none
   */
  readonly headers?: { [name: string]: string };
}

/** @internal what a backend needs from its group while binding */
export interface BackendBindContext {
  /** Path parameter names of the API. */
  readonly pathVariables: ReadonlySet<string>;
  /** The API's declared request parameters (name and location: path, query, header). */
  readonly requestParameters: ReadonlyArray<{ readonly name: string; readonly location: string }>;
  /** The group's integration timeout. */
  readonly integrationTimeout: Duration;
  /** Passes a deploy-time value (a token) to the runtime through the proxy's environment. */
  deployTimeValue(value: string): DeployTimeString;
  /** Lets the proxy invoke a function. */
  grantInvoke(fn: lambda.IFunction): void;
}

/**
 * What an API calls: an HTTP(S) URL, a Lambda function, or a mock.
 *
 * Backend responses are passed to the client untouched, whatever their status.
 */
export abstract class Backend {
  /**
   * An HTTP or HTTPS backend. `{name}` placeholders in the URL are replaced with the request's
   * path parameters (`https://orders.example.com/orders/{id}`); the request's query string is
   * appended. The URL may hold tokens (e.g. a load balancer's DNS name): they are resolved at deploy time.
   */
  public static http(url: string, options: HttpBackendOptions = {}): Backend {
    return new HttpBackend(url, options);
  }

  /**
   * A Lambda function, invoked synchronously with the API Gateway REST proxy event; it returns a
   * proxy result (`statusCode`, `headers`, `body`, `isBase64Encoded`), as behind a LambdaIntegration.
   */
  public static fn(handler: lambda.IFunction, options: FunctionBackendOptions = {}): Backend {
    return new FunctionBackend(handler, options);
  }

  /** A fixed response, without calling anything. */
  public static mock(options: MockBackendOptions = {}): Backend {
    return new MockBackend(options);
  }

  /** The backend kind: `HTTP`, `FUNCTION` or `MOCK`. */
  public abstract readonly kind: string;

  /** @internal problems found when the backend is attached to an API */
  public abstract _problems(ctx: BackendBindContext): Problem[];

  /** @internal the runtime document of this backend */
  public abstract _bind(ctx: BackendBindContext): BackendDocument;

  /**
   * @internal problems of the backend's address in the environments that publish its API (run at
   * synthesis, when every environment is known): each must define the URL's variables, and the URL
   * with its values must be usable
   */
  public _environmentProblems(_environments: ReadonlyArray<BackendEnvironment>): Problem[] {
    return [];
  }

  /** @internal the backend as API Gateway would call it itself (direct integration) */
  public abstract _direct(): DirectBackend;

  /** @internal the URL the backend calls, for the host warnings (backend-host-risks.ts); none for functions and mocks */
  public _hostUrl(): string | undefined {
    return undefined;
  }
}

/** @internal an environment, as a backend's address needs it */
export interface BackendEnvironment {
  readonly name: string;
  readonly variables: { readonly [name: string]: string };
}

/** The documents of a backend's parameters. */
function parameterDocuments(parameters: readonly BackendParameter[], ctx: BackendBindContext): BackendParameterDocument[] | undefined {
  return parameters.length === 0 ? undefined : parameters.map(p => p._toDocument(ctx));
}

/** An http(s) URL split where variables and placeholders may not go (host) and where they may (path, query). */
const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)([^?#]*)(\?[^#]*)?/;
/** A `{name}` / `{name+}` placeholder: the path-parameter grammar, so a token's `${Token[...]}` is never taken for one. */
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9._-]{0,31})\+?\}/g;

/** Whether a URL is an absolute http(s) URL. */
function isHttpUrl(url: string): boolean {
  try {
    const parsed = new URL(url.replace(/\{[^}]*\}/g, 'x'));
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

function checkTimeout(timeout: Duration, ctx: BackendBindContext): Problem[] {
  const literal = checkLiteralNumber('backend timeout', timeout.toMilliseconds({ integral: false }));
  if (literal) { return [literal]; }
  const ms = timeout.toMilliseconds({ integral: false });
  const ceiling = ctx.integrationTimeout.toMilliseconds() - LIMITS.proxyHeadroom.toMilliseconds();
  if (!Number.isInteger(ms) || ms < LIMITS.backendTimeoutMin.toMilliseconds() || ms > LIMITS.backendTimeoutMax.toMilliseconds()) {
    return [problem(RULES.backendTimeout, `${ms} ms`)];
  }
  if (ms > ceiling) {
    return [problem(RULES.backendTimeout, `${ms} ms`,
      `the group's integration timeout is ${ctx.integrationTimeout.toMilliseconds()} ms, so at most ${ceiling} ms fits`)];
  }
  return [];
}

class HttpBackend extends Backend {
  public readonly kind = 'HTTP';
  private readonly timeout: Duration;
  private readonly parameters: BackendParameter[];
  /** The URL with its environment variables as `#name#`, and their names. */
  private readonly address: { readonly url: string; readonly variables: string[] };

  constructor(private readonly url: string, private readonly options: HttpBackendOptions) {
    super();
    this.timeout = options.timeout ?? LIMITS.backendTimeoutDefault;
    this.parameters = [...(options.parameters ?? [])];
    this.address = normaliseAddress(url);
  }

  public _problems(ctx: BackendBindContext): Problem[] {
    const found = checkTimeout(this.timeout, ctx);
    for (const [header, key] of Object.entries(this.options.authorizerContextHeaders ?? {})) {
      if (!/^[A-Za-z0-9_-]{1,128}$/.test(header) || !AUTHORIZER_KEY_PATTERN.test(key)) {
        found.push(problem(RULES.contextHeaders, `${header}: ${key}`));
      }
      if (this.parameters.some(p => p.location === ParameterLocation.HEADER && p.name.toLowerCase() === header.toLowerCase())) {
        found.push(problem(RULES.backendParameter, header, 'also set by authorizerContextHeaders'));
      }
    }
    // Structure only: each variable stands for a value here; environmentProblems checks the real ones.
    const shape = substituteAddress(this.address.url, this.address.variables, () => '0');
    const url = 'url' in shape ? shape.url : this.address.url;
    if (!Token.isUnresolved(this.url) && !isHttpUrl(url)) {
      found.push(problem(RULES.backendUrl, this.url));
    }
    const parts = URL_PARTS.exec(url);
    const pathPlaceholders = new Set<string>();
    if (parts) {
      for (const m of parts[2].matchAll(PLACEHOLDER)) {
        found.push(problem(RULES.backendUrl, this.url, `placeholder {${m[1]}} is in the host: request values go only into the path or query`));
      }
      for (const m of parts[3].matchAll(PLACEHOLDER)) { pathPlaceholders.add(m[1]); }
    }
    const backendPath = new Set(this.parameters.filter(p => p.location === ParameterLocation.PATH).map(p => p.name));
    const moved = new Set(this.parameters.filter(p => p.origin === BackendParameterOrigin.REQUEST && p._source(ctx) === 'path').map(p => p.value));
    for (const m of url.matchAll(PLACEHOLDER)) {
      const name = m[1];
      if (backendPath.has(name)) { continue; }
      if (!ctx.pathVariables.has(name)) {
        const known = [...[...ctx.pathVariables].map(v => `{${v}}`), ...[...backendPath].map(v => `{${v}} (backend parameter)`)];
        found.push(problem(RULES.backendUrl, this.url,
          `placeholder {${name}} is neither a path parameter nor a PATH backend parameter (the API has ${known.join(', ') || 'none'})`));
      } else if (moved.has(name)) {
        found.push(problem(RULES.backendUrl, this.url, `placeholder {${name}}: a backend parameter moves the path parameter ${name} elsewhere`));
      }
    }
    found.push(...backendParameterProblems(this.parameters, ctx, pathPlaceholders));
    return found;
  }

  public _environmentProblems(environments: ReadonlyArray<BackendEnvironment>): Problem[] {
    const found: Problem[] = [];
    if (this.address.variables.length === 0) { return found; }
    for (const env of environments) {
      const missing = this.address.variables.filter(name => !Object.prototype.hasOwnProperty.call(env.variables, name));
      for (const name of missing) {
        found.push(problem(RULES.backendAddress, `#${name}#`,
          `environment ${env.name} publishes the API but does not define the variable ${name} used in the backend URL ${show(this.url)}`));
      }
      if (missing.length > 0 || Token.isUnresolved(this.url)) { continue; }
      // A deploy-time value stands for a host name here.
      const resolved = substituteAddress(this.address.url, this.address.variables,
        name => (Token.isUnresolved(env.variables[name]) ? 'deploy-time' : env.variables[name]));
      if ('url' in resolved && !isHttpUrl(resolved.url)) {
        found.push(problem(RULES.backendAddress, resolved.url, `the backend URL in environment ${env.name} is not an absolute http(s) URL`));
      }
    }
    return found;
  }

  public _hostUrl(): string | undefined {
    return this.url;
  }

  public _direct(): DirectBackend {
    const url = this.address.url;
    return {
      kind: 'HTTP',
      url,
      variables: [...this.address.variables],
      placeholders: [...url.matchAll(PLACEHOLDER)].map(m => m[1]),
      ...(this.options.method !== undefined && this.options.method !== HttpMethod.ANY ? { method: this.options.method } : {}),
      timeoutMs: this.timeout.toMilliseconds(),
      contextHeaders: { ...(this.options.authorizerContextHeaders ?? {}) },
      parameterCount: this.parameters.length,
    };
  }

  public _bind(ctx: BackendBindContext): BackendDocument {
    const url = this.address.url;
    return {
      type: 'HTTP',
      url: Token.isUnresolved(url) ? ctx.deployTimeValue(url) : url,
      ...(this.options.method !== undefined && this.options.method !== HttpMethod.ANY ? { method: this.options.method } : {}),
      timeoutMs: this.timeout.toMilliseconds(),
      ...(this.options.authorizerContextHeaders ? { contextHeaders: { ...this.options.authorizerContextHeaders } } : {}),
      ...(this.parameters.length > 0 ? { parameters: parameterDocuments(this.parameters, ctx) } : {}),
      ...(this.address.variables.length > 0 ? { urlVariables: [...this.address.variables] } : {}),
    };
  }
}

class FunctionBackend extends Backend {
  public readonly kind = 'FUNCTION';
  private readonly timeout: Duration;
  private readonly parameters: BackendParameter[];
  private readonly invocation: FunctionInvocation;

  constructor(private readonly handler: lambda.IFunction, options: FunctionBackendOptions) {
    super();
    this.timeout = options.timeout ?? LIMITS.backendTimeoutDefault;
    this.parameters = [...(options.parameters ?? [])];
    this.invocation = options.invocation ?? FunctionInvocation.SYNC;
  }

  public _problems(ctx: BackendBindContext): Problem[] {
    const found = checkTimeout(this.timeout, ctx);
    if (!Object.values(FunctionInvocation).includes(this.invocation)) {
      found.push(problem(RULES.functionInvocation, this.invocation));
    }
    // A function has no backend path: a PATH parameter lands in the event's pathParameters.
    found.push(...backendParameterProblems(this.parameters, ctx, undefined));
    return found;
  }

  public _direct(): DirectBackend {
    return {
      kind: 'FUNCTION',
      handler: this.handler,
      timeoutMs: this.timeout.toMilliseconds(),
      parameterCount: this.parameters.length,
      asynchronous: this.invocation === FunctionInvocation.ASYNC,
    };
  }

  public _bind(ctx: BackendBindContext): BackendDocument {
    ctx.grantInvoke(this.handler);
    const arn = this.handler.functionArn;
    return {
      type: 'FUNCTION',
      functionArn: Token.isUnresolved(arn) ? ctx.deployTimeValue(arn) : arn,
      timeoutMs: this.timeout.toMilliseconds(),
      ...(this.parameters.length > 0 ? { parameters: parameterDocuments(this.parameters, ctx) } : {}),
      ...(this.invocation === FunctionInvocation.ASYNC ? { invocation: 'ASYNC' as const } : {}),
    };
  }
}

class MockBackend extends Backend {
  public readonly kind = 'MOCK';

  constructor(private readonly options: MockBackendOptions) {
    super();
  }

  public _problems(): Problem[] {
    const found: Problem[] = [];
    // Huawei's mocks accept backend parameters but nothing of them reaches the answer: refused
    // rather than silently ignored (the option does not exist; this catches JavaScript callers).
    if ((this.options as { parameters?: unknown }).parameters !== undefined) {
      found.push(problem(RULES.backendParameter, 'Backend.mock({ parameters })', 'a mock answers without calling anything, so no parameter would reach anything'));
    }
    const status = this.options.statusCode ?? 200;
    const literal = checkLiteralNumber('mock status code', this.options.statusCode);
    if (literal) {
      found.push(literal);
    } else if (!Number.isInteger(status) || status < 100 || status > 599) {
      found.push(problem(RULES.mockBackend, status));
    }
    for (const [key, value] of Object.entries(this.options.headers ?? {})) {
      if (!/^[A-Za-z0-9_-]{1,128}$/.test(key)) { found.push(problem(RULES.mockBackend, key, 'header name')); }
      if (Token.isUnresolved(key) || Token.isUnresolved(value)) { found.push(problem(RULES.literal, `${key}: ${show(value)}`)); }
    }
    if (this.options.body !== undefined && Token.isUnresolved(this.options.body)) {
      found.push(problem(RULES.literal, this.options.body, 'mock body'));
    }
    return found;
  }

  public _direct(): DirectBackend {
    return { kind: 'MOCK', statusCode: this.options.statusCode ?? 200, body: this.options.body ?? '', headers: { ...(this.options.headers ?? {}) } };
  }

  public _bind(): BackendDocument {
    return {
      type: 'MOCK',
      statusCode: this.options.statusCode ?? 200,
      body: this.options.body ?? '',
      headers: { ...(this.options.headers ?? {}) },
    };
  }
}
