import { Duration, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HttpMethod } from './http-method';
import { LIMITS, RULES } from './limits';
import { checkLiteralNumber, Problem, problem, show } from './private/checks';
import type { BackendDocument, DeployTimeString } from './private/config-document';
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
   * "frontend authorizer" backend parameters): header name → context key. A header the caller
   * sent under the same name is always replaced, so it cannot be forged; an absent key sends no header.
   *
   * @default - none
   */
  readonly authorizerContextHeaders?: { [header: string]: string };
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

  constructor(private readonly url: string, private readonly options: HttpBackendOptions) {
    super();
    this.timeout = options.timeout ?? LIMITS.backendTimeoutDefault;
  }

  public _problems(ctx: BackendBindContext): Problem[] {
    const found = checkTimeout(this.timeout, ctx);
    for (const [header, key] of Object.entries(this.options.authorizerContextHeaders ?? {})) {
      if (!/^[A-Za-z0-9_-]{1,128}$/.test(header) || !AUTHORIZER_KEY_PATTERN.test(key)) {
        found.push(problem(RULES.contextHeaders, `${header}: ${key}`));
      }
    }
    if (!Token.isUnresolved(this.url)) {
      let parsed: URL | undefined;
      try { parsed = new URL(this.url.replace(/\{[^}]*\}/g, 'x')); } catch { parsed = undefined; }
      if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
        found.push(problem(RULES.backendUrl, this.url));
      }
    }
    // Placeholders use the path-parameter grammar, so a token's `${Token[...]}` is never taken for one.
    for (const m of this.url.matchAll(/\{([A-Za-z][A-Za-z0-9._-]{0,31})\+?\}/g)) {
      if (!ctx.pathVariables.has(m[1])) {
        found.push(problem(RULES.backendUrl, this.url,
          `placeholder {${m[1]}} is not a path parameter (the path has ${[...ctx.pathVariables].map(v => `{${v}}`).join(', ') || 'none'})`));
      }
    }
    return found;
  }

  public _bind(ctx: BackendBindContext): BackendDocument {
    return {
      type: 'HTTP',
      url: Token.isUnresolved(this.url) ? ctx.deployTimeValue(this.url) : this.url,
      ...(this.options.method !== undefined && this.options.method !== HttpMethod.ANY ? { method: this.options.method } : {}),
      timeoutMs: this.timeout.toMilliseconds(),
      ...(this.options.authorizerContextHeaders ? { contextHeaders: { ...this.options.authorizerContextHeaders } } : {}),
    };
  }
}

class FunctionBackend extends Backend {
  public readonly kind = 'FUNCTION';
  private readonly timeout: Duration;

  constructor(private readonly handler: lambda.IFunction, options: FunctionBackendOptions) {
    super();
    this.timeout = options.timeout ?? LIMITS.backendTimeoutDefault;
  }

  public _problems(ctx: BackendBindContext): Problem[] {
    return checkTimeout(this.timeout, ctx);
  }

  public _bind(ctx: BackendBindContext): BackendDocument {
    ctx.grantInvoke(this.handler);
    const arn = this.handler.functionArn;
    return {
      type: 'FUNCTION',
      functionArn: Token.isUnresolved(arn) ? ctx.deployTimeValue(arn) : arn,
      timeoutMs: this.timeout.toMilliseconds(),
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

  public _bind(): BackendDocument {
    return {
      type: 'MOCK',
      statusCode: this.options.statusCode ?? 200,
      body: this.options.body ?? '',
      headers: { ...(this.options.headers ?? {}) },
    };
  }
}
