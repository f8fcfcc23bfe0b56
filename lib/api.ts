import * as crypto from 'crypto';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AccessControl } from './access-control';
import type { ApiGroup } from './api-group';
import { ApiAuth, AuthType } from './auth';
import { Backend } from './backend';
import type { BackendPolicy } from './backend-policy';
import type { Environment } from './environment';
import { GatewayResponse } from './gateway-response';
import { CorsOptions } from './cors';
import { HttpMethod } from './http-method';
import { MatchMode } from './match-mode';
import { corsProblems } from './private/cors-checks';
import { matchModeProblems } from './private/match-mode-checks';
import { LIMITS, RULES } from './limits';
import { backendLatencyMetric, gatewayErrorsMetric, latencyMetric, requestsMetric } from './monitoring/metrics';
import { warnAboutBackendHosts } from './private/backend-host-risks';
import { backendPolicyProblems, PolicyConditionContext } from './private/backend-policies';
import { checkLiteral, formatAll, Problem, problem, throwIf } from './private/checks';
import { orchestrationProblems } from './private/orchestration-binding';
import { parsePath, PathSegment } from './private/paths';
import { throttleProblems } from './private/throttling';
import { RequestParameter } from './request-parameter';
import { ResponseType } from './response-type';

/** Options of an API in a group. */
export interface ApiOptions {
  /** The HTTP method the API answers (ANY for every method). */
  readonly method: HttpMethod;

  /**
   * The request path: starts with `/`, at most 512 characters, `{name}` parameters and a greedy
   * `{name+}` as the last segment. Case-sensitive.
   */
  readonly path: string;

  /** What the API calls. */
  readonly backend: Backend;

  /**
   * The API's name (`$context.apiName`): 3-255 characters of letters, digits and `-_./:()`,
   * starting with a letter or digit.
   *
   * @default - the construct id, made valid: other characters become `_`, a name not starting with
   * a letter or digit gets the prefix `api`, one shorter than 3 characters the suffix `-api`
   */
  readonly apiName?: string;

  /**
   * Request parameters the proxy validates (at most 50).
   *
   * @default - none; path parameters of the path are still required
   */
  readonly parameters?: RequestParameter[];

  /**
   * The group response whose rules render this API's gateway errors.
   *
   * @default - the group's `default` response
   */
  readonly gatewayResponse?: GatewayResponse;

  /**
   * How the API authenticates its callers.
   *
   * @default ApiAuth.none()
   */
  readonly auth?: ApiAuth;

  /**
   * An IP allow or deny list for this API, checked after the group's (ACCESS_DENIED).
   *
   * @default - only the group's rule, if any
   */
  readonly accessControl?: AccessControl;

  /**
   * The API's request rate limit, enforced natively by API Gateway (stage method settings of the
   * API's method; THROTTLED). For an ANY API, each HTTP method on its path gets this limit.
   *
   * @default - the stage's limit
   */
  readonly throttle?: apigw.ThrottleSettings;

  /**
   * The environments the API is published in (environments of its own group). In the group's
   * other environments it does not exist: NOT_FOUND ("...has not been published in the environment").
   *
   * @default - every environment of the group, those added later included
   */
  readonly environments?: Environment[];

  /**
   * Backend policies (Huawei: conditional backends), at most 5: tried in order, the first whose
   * conditions hold sends the request to its own backend (same kind as `backend`, with its own
   * timeout); when none holds, `backend` answers. Evaluated by the proxy after the request's
   * parameters are validated.
   *
   * @default - none: every request goes to `backend`
   */
  readonly backendPolicies?: BackendPolicy[];

  /**
   * How the path matches requests: EXACT (its path only), or PREFIX (Huawei `SWA`: its path and
   * every path below it, by whole segments; exact matches and longer prefixes win; the path below
   * the prefix is appended to an HTTP backend's path). See the README's "Match mode".
   *
   * @default MatchMode.EXACT
   */
  readonly matchMode?: MatchMode;

  /**
   * CORS for this API alone (Huawei: the API's CORS switch, `x-apigateway-cors: true`, which is
   * `{ allowOrigins: ['*'] }` here). Its responses and its gateway errors carry these headers, and a
   * preflight on its path (OPTIONS with Origin and Access-Control-Request-Method announcing this
   * API's method) is answered with them, unless an API declares OPTIONS there. Replaces the
   * group's CORS for this API. API Gateway's own responses (THROTTLED, IAM refusals...) are
   * REST-API-wide and keep the group's CORS (a warning says so).
   *
   * @default - the group's CORS, if any
   */
  readonly cors?: CorsOptions;

  /**
   * Whether API Gateway calls the backend itself (HTTP_PROXY for an HTTP backend, AWS_PROXY for a
   * function, MOCK for a mock), without the proxy: one Lambda invocation less per request (two
   * less for app, custom or third-party authentication, whose authorizer then decides alone). Its
   * gateway errors then come from the REST API's native responses (the `default` response's
   * translation). `true` fails the synth, naming each reason, when the API uses anything only the
   * proxy can do (README "Direct integration"); `false` keeps it on the proxy under
   * `DirectIntegration.AUTO`.
   *
   * @default - the group's `directIntegration`: on the proxy unless AUTO finds it loses nothing
   */
  readonly direct?: boolean;
}

const API_NAME = /^[A-Za-z0-9][A-Za-z0-9\-_./:()]{2,254}$/;

/**
 * The default API name, derived from the construct id so that any id gives a valid name, the same
 * one on every synth: characters Huawei does not allow become `_`, a name that does not start with
 * a letter or digit gets the prefix `api`, a short one the suffix `-api`, a long one is cut.
 */
function defaultApiName(id: string): string {
  if (API_NAME.test(id)) { return id; }
  let name = id.replace(/[^A-Za-z0-9\-_./:()]/g, '_');
  if (!/^[A-Za-z0-9]/.test(name)) { name = `api${name}`; }
  if (name.length < 3) { name = `${name}-api`; }
  return name.slice(0, 255);
}

/**
 * An API of a group: a method and path, its backend, its request parameters and the gateway
 * response it selects. Define one with `ApiGroup.addApi()`.
 */
export class Api extends Construct {
  /** Stable id of the API in its group (`$context.apiId`): derived from the construct id. */
  public readonly apiId: string;

  /** The API's name (`$context.apiName`). */
  public readonly apiName: string;

  /** The HTTP method. */
  public readonly method: HttpMethod;

  /** The request path as declared. */
  public readonly path: string;

  /** The backend. */
  public readonly backend: Backend;

  /** The gateway response selected by this API. */
  public readonly gatewayResponse: GatewayResponse;

  /** The request parameters. */
  public readonly parameters: RequestParameter[];

  /** How the API authenticates its callers. */
  public readonly auth: ApiAuth;

  /**
   * The API's own IP rule.
   *
   * @default - none
   */
  public readonly accessControl?: AccessControl;

  /**
   * The API's rate limit.
   *
   * @default - the stage's
   */
  public readonly throttle?: apigw.ThrottleSettings;

  /**
   * The environments the API is published in.
   *
   * @default - every environment of the group
   */
  public readonly environments?: Environment[];

  /** The backend policies, in the order they are tried. */
  public readonly backendPolicies: BackendPolicy[];

  /** How the path matches requests. */
  public readonly matchMode: MatchMode;

  /**
   * The API's own CORS.
   *
   * @default - the group's
   */
  public readonly cors?: CorsOptions;

  /**
   * `true`: API Gateway must call the backend itself; `false`: always through the proxy.
   *
   * @default - the group's `directIntegration` decides
   */
  public readonly direct?: boolean;

  /** @internal true once one of the proxy's per-API metrics was asked for */
  public _proxyMetricsUsed = false;

  /** @internal the parsed path */
  public readonly _segments: PathSegment[];

  /**
   * Defines an API in `group`. `group.addApi(id, options)` is the shorter way.
   *
   * @throws ApiGroupValidationError if a value breaks a limit, or the gateway response belongs to another group
   */
  constructor(group: ApiGroup, id: string, options: ApiOptions) {
    super(group, id);
    this.method = options.method;
    this.path = options.path;
    this.backend = options.backend;
    this.apiName = options.apiName ?? defaultApiName(id);
    this.parameters = [...(options.parameters ?? [])];
    this.gatewayResponse = options.gatewayResponse ?? group.defaultResponse;
    this.auth = options.auth ?? ApiAuth.none();
    this.accessControl = options.accessControl;
    this.throttle = options.throttle;
    this.environments = options.environments ? [...options.environments] : undefined;
    this.backendPolicies = [...(options.backendPolicies ?? [])];
    this.matchMode = options.matchMode ?? MatchMode.EXACT;
    this.cors = options.cors;
    this.direct = options.direct;
    this.apiId = crypto.createHash('sha256').update(`${group.groupName}\0${id}`).digest('hex').slice(0, 32);

    if (!Object.values(HttpMethod).includes(this.method)) {
      throwIf(this, problem(RULES.method, this.method));
    }
    const segments = parsePath(this.path);
    if (!Array.isArray(segments)) {
      throwIf(this, segments);
    }
    this._segments = segments as PathSegment[];
    for (const found of matchModeProblems(this.matchMode, this._segments)) { throwIf(this, found); }
    for (const found of corsProblems(this.cors)) { throwIf(this, found); }
    throwIf(this, checkLiteral('API name', this.apiName)
      ?? (API_NAME.test(this.apiName) ? undefined
        : problem(RULES.apiName, this.apiName)));
    if (this.gatewayResponse.node.scope !== group) {
      throwIf(this, problem(RULES.apiGatewayResponse, this.gatewayResponse.responseName,
        `response ${this.gatewayResponse.node.path} belongs to another group`));
    }
    for (const found of this.parameterProblems()) { throwIf(this, found); }
    for (const found of orchestrationProblems(this.parameters, group)) { throwIf(this, found); }
    for (const found of this.backend._problems(group._backendContext(this))) { throwIf(this, found); }
    for (const found of backendPolicyProblems(this.backendPolicies, this.backend.kind, group._backendContext(this),
      this._policyConditionContext())) { throwIf(this, found); }
    for (const found of this.authProblems(group)) { throwIf(this, found); }
    warnAboutBackendHosts(this, this.backend, this.backendPolicies);
    for (const found of this.accessControl?._problems() ?? []) { throwIf(this, found); }
    for (const found of throttleProblems(this.throttle, 'API')) { throwIf(this, found); }
    if (this.environments) {
      if (this.environments.length === 0) { throwIf(this, problem(RULES.apiEnvironments, '[]', 'published nowhere')); }
      for (const env of this.environments) {
        if (env.node.scope !== group) {
          throwIf(this, problem(RULES.apiEnvironments, env.environmentName, `environment ${env.node.path} belongs to another group`));
        }
      }
    }

    group._registerApi(this);
    // At synthesis, when every environment is known: each one publishing the API must give the
    // backend URL's variables a value (Huawei: the API cannot be published there otherwise).
    this.node.addValidation({ validate: () => formatAll(this._backendEnvironmentProblems()) });
  }

  /** @internal problems of the backend's address in the environments that publish this API */
  public _backendEnvironmentProblems(): Problem[] {
    const group = this.node.scope as ApiGroup;
    const environments = (this.environments ?? group.environments).map(e => ({ name: e.environmentName, variables: e.variables }));
    return this.backend._environmentProblems(environments);
  }

  /** @internal what the conditions of the API's backend policies are checked and written against */
  public _policyConditionContext(): PolicyConditionContext {
    return {
      parameters: this.parameters.map(p => ({ name: p.name, location: p.location })),
      pathVariables: this.pathVariables,
      hasFrontendAuthorizer: this.auth.customAuthorizer !== undefined || this.auth.thirdPartyAuthorizer !== undefined,
    };
  }

  /** Names of the path's `{name}` parameters. */
  public get pathVariables(): string[] {
    return this._segments.filter(s => s.variable !== undefined).map(s => s.variable!);
  }

  /**
   * The ARN of this API's method for `execute-api:Invoke` in the group's default environment
   * (`arn:<partition>:execute-api:<region>:<account>:<rest api id>/<stage>/<METHOD>/<path>`, path
   * parameters as `*`, `*` for the method of an ANY API): what an IAM policy names to allow calling it.
   * For another environment use `methodArnIn(environment)`.
   */
  public get methodArn(): string {
    const group = this.node.scope as ApiGroup;
    return this.methodArnForStage(group.restApi.deploymentStage.stageName);
  }

  /** The ARN of this API's method for `execute-api:Invoke` in `environment` (see `methodArn`). */
  public methodArnIn(environment: Environment): string {
    return this.methodArnForStage(environment.environmentName);
  }

  /**
   * Grants `grantee` `execute-api:Invoke` on this API's method in every environment it is published
   * in: the environments it lists, or, when it lists none, every environment of the group (also
   * those added after this call: the ARNs are listed at synthesis).
   *
   * @throws if the API does not use IAM authentication
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    if (this.auth.authType !== AuthType.IAM) {
      throw new Error(`${this.node.path}: grantInvoke needs IAM authentication (ApiAuth.iam()), the API uses ${this.auth.authType}`);
    }
    // One statement per grantee for the whole group, kept within IAM's sizes (lib/private/invoke-grants.ts).
    return (this.node.scope as ApiGroup)._invokeGrants.grant(grantee, [this]);
  }

  /**
   * @internal the ARNs `grantInvoke` names: one per environment the API is published in (its own
   * list, or every environment of the group so far), with the stage named, not `*` (least privilege).
   */
  public _invokeArns(): string[] {
    const group = this.node.scope as ApiGroup;
    return (this.environments ?? group.environments).map(e => this.methodArnIn(e));
  }

  /** @internal the method and path an `execute-api` ARN or policy names: path parameters and ANY as `*`. */
  public _executeApiTarget(): { method: string; path: string } {
    return {
      method: this.method === HttpMethod.ANY ? '*' : this.method,
      path: '/' + this._segments.map(s => (s.variable === undefined ? s.text : '*')).join('/'),
    };
  }

  private methodArnForStage(stage: string): string {
    const { method, path } = this._executeApiTarget();
    return (this.node.scope as ApiGroup).restApi.arnForExecuteApi(method, path, stage);
  }

  /** Requests the proxy answered for this API (statistic Sum, period 5 minutes). */
  public metricRequests(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return requestsMetric(this.metricScope(), props);
  }

  /** The proxy's latency from event to answer for this API, ms (statistic Average, period 5 minutes). */
  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return latencyMetric(this.metricScope(), props);
  }

  /** This API's backend call latency, ms (statistic Average, period 5 minutes). */
  public metricBackendLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return backendLatencyMetric(this.metricScope(), props);
  }

  /**
   * Gateway errors the proxy answered for this API, of every type or of `type` (statistic Sum,
   * period 5 minutes).
   *
   * @throws for ResponseType.THROTTLED, which API Gateway answers itself
   */
  public metricGatewayErrors(type?: ResponseType, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return gatewayErrorsMetric(this.metricScope(), type, props);
  }

  private metricScope() {
    // The proxy's series: a direct API (README "Direct integration") is not in them, and is warned about.
    this._proxyMetricsUsed = true;
    return (this.node.scope as ApiGroup)._metricScope(this.apiId, this);
  }

  private authProblems(group: ApiGroup): Problem[] {
    const auth = this.auth;
    const found: Problem[] = [];
    if (auth.authType === AuthType.APP && auth.apps.length === 0) {
      found.push(problem(RULES.apiAuth, 'ApiAuth.app({ apps: [] })', 'no app'));
    }
    if (auth.authType === AuthType.APP && !auth.signature && !auth.appCode) {
      found.push(problem(RULES.apiAuth, 'ApiAuth.app({ signature: false, appCode: false })', 'the API would accept no credential'));
    }
    for (const app of auth.apps) {
      if (app.node.scope !== group) {
        found.push(problem(RULES.apiAuth, app.appName, `app ${app.node.path} belongs to another group`));
      }
    }
    for (const authorizer of [auth.customAuthorizer, auth.thirdPartyAuthorizer]) {
      if (authorizer && authorizer.node.scope !== group) {
        found.push(problem(RULES.apiAuth, authorizer.authorizerName, `authorizer ${authorizer.node.path} belongs to another group`));
      }
    }
    return found;
  }

  private parameterProblems(): Problem[] {
    const found: Problem[] = [];
    if (this.parameters.length > LIMITS.parametersPerApi) {
      found.push(problem(RULES.parametersPerApi, this.parameters.length));
    }
    const seen = new Set<string>();
    const pathVariables = new Set(this.pathVariables);
    for (const p of this.parameters) {
      found.push(...p._problems());
      const key = `${p.location}:${p.name.toLowerCase()}`;
      if (seen.has(key)) {
        found.push(problem(RULES.parameterName, p.name, `declared twice in ${p.location}`));
      }
      seen.add(key);
      if (p.location === 'path' && !pathVariables.has(p.name)) {
        found.push(problem(RULES.pathParameter, p.name, `path ${this.path} has no {${p.name}}`));
      }
    }
    return found;
  }
}
