import * as crypto from 'crypto';
import { Annotations, Aspects, Aws, Duration, IAspect, Names, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { AccessControl } from './access-control';
import { Api, ApiOptions } from './api';
import { AppCredential, AppCredentialOptions } from './app-credential';
import { AuthType } from './auth';
import {
  CustomAuthorizer, CustomAuthorizerOptions, ThirdPartyAuthorizer, ThirdPartyAuthorizerOptions,
} from './authorizers';
import { BackendBindContext } from './backend';
import { CorsOptions } from './cors';
import { GatewayResponse, GatewayResponseOptions } from './gateway-response';
import { HttpMethod } from './http-method';
import { DefinitionFiles } from './interop/definition-files';
import { DefinitionFormat } from './interop/definition-format';
import { definitionText } from './interop/export-definition';
import { HuaweiDefinition } from './interop/huawei-definition';
import { importHuaweiDefinition } from './interop/huawei-import';
import { HuaweiImportOptions } from './interop/huawei-import-options';
import { LIMITS, RULES } from './limits';
import { GroupAlarms, GroupAlarmsOptions } from './monitoring/group-alarms';
import { backendLatencyMetric, gatewayErrorsMetric, latencyMetric, MetricScope, requestsMetric } from './monitoring/metrics';
import { checkLiteral, formatAll, Problem, problem, throwIf } from './private/checks';
import { ConfigDocument, EnvReference } from './private/config-document';
import { DeferredAssetCode } from './private/handler-asset';
import { groupPropsProblems } from './private/group-checks';
import { DEFAULT_METRICS_NAMESPACE } from './private/metric-names';
import { nativeResponses } from './private/native-responses';
import { routeShape } from './private/paths';
import { addPreflight } from './private/preflight';
import { RestTree } from './private/rest-tree';
import { buildRuntimeConfig } from './private/runtime-config';
import { addUsagePlan, usageKeyFor } from './private/usage-plans';
import { WARN, warnAboutNativeRendering, warnAboutUnusableDeclarations } from './private/warnings';
import { ResponseType } from './response-type';

/** Properties of an API group. */
export interface ApiGroupProps {
  /**
   * The group's name (also the REST API's name): 3-255 characters of letters, digits and
   * `-_./():`, starting with a letter or digit.
   *
   * @default - derived from the construct path
   */
  readonly groupName?: string;

  /**
   * Description of the REST API.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * The stage (Huawei: environment) the group is deployed to.
   *
   * @default 'RELEASE'
   */
  readonly stageName?: string;

  /**
   * Stage variables (at most 100), readable as `$stageVariables.<name>` and in the proxy event.
   *
   * @default - none
   */
  readonly stageVariables?: { [name: string]: string };

  /**
   * CORS: preflight answered natively, CORS headers on backend responses and on every gateway response.
   *
   * @default - no CORS
   */
  readonly cors?: CorsOptions;

  /**
   * Customisation of the group's built-in `default` response.
   *
   * @default - every type keeps its default
   */
  readonly defaultResponse?: GatewayResponseOptions;

  /**
   * API Gateway's integration timeout for the proxy. Every backend timeout must stay at least
   * 1 s below it. Above 29 s needs a quota increase for the account (regional APIs only).
   *
   * @default Duration.seconds(29)
   */
  readonly integrationTimeout?: Duration;

  /**
   * Memory of the proxy function, in MB.
   *
   * @default 512
   */
  readonly proxyMemorySize?: number;

  /**
   * Retention of the proxy's and the authorizer's log groups.
   *
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Most REST API resources the group may synthesize. API Gateway's default quota is 300 per
   * REST API; raise this only after raising the quota.
   *
   * @default 300
   */
  readonly maxRestResources?: number;

  /**
   * An IP allow or deny list checked for every API of the group (ACCESS_DENIED); an API's own
   * rule is checked after it.
   *
   * @default - every source may call
   */
  readonly accessControl?: AccessControl;

  /**
   * The stage's request rate limit (every method of the group's stage), enforced natively by API
   * Gateway (THROTTLED).
   *
   * @default - the account's limits only
   */
  readonly throttle?: apigw.ThrottleSettings;

  /**
   * Request media types whose bodies Lambda function backends (`Backend.fn`) receive
   * base64-encoded (`isBase64Encoded: true`), as with a LambdaIntegration on a REST API that
   * declares them binary; every other body reaches them as text. Matched against the request's
   * Content-Type, ignoring case and parameters: `type/subtype`, `type/*` for a whole type, or
   * every type (written star, slash, star). A text body that is not valid UTF-8 is passed base64
   * as well, intact.
   *
   * Only function backends see a difference: the REST API itself declares every type binary so
   * that HTTP backends get the exact bytes. Giving a list replaces the default one.
   *
   * @default - application/octet-stream, application/pdf, application/zip, application/gzip,
   * application/x-protobuf, application/wasm, multipart/form-data, image/*, audio/*, video/* and font/*
   */
  readonly binaryMediaTypes?: string[];

  /**
   * CloudWatch namespace of the metrics the proxy emits (Embedded Metric Format in its log: requests,
   * latency, backend latency and gateway errors by response type, per group and per API).
   *
   * @default 'CdkApiGroups'
   */
  readonly metricsNamespace?: string;
}


/** Reasons of the cdk-nag (AwsSolutions) findings that the library's design answers. */
const NAG = {
  requestValidation: {
    id: 'AwsSolutions::AwsSolutions-APIG2',
    reason: 'The bundled proxy validates every API\'s request parameters (REQUEST_PARAMETERS_FAILURE, rendered with the API\'s ' +
      'own gateway response); an API Gateway request validator would answer with a native response instead.',
  },
  routedToProxy: [
    {
      id: 'AwsSolutions::AwsSolutions-APIG4',
      reason: 'Fallback route to the bundled proxy: it routes on the request\'s own method and path and answers NOT_FOUND or ' +
        'REQUEST_PARAMETERS_FAILURE; a request it routes to an authenticated API is refused without the authorizer\'s verdict (fail closed).',
    },
    {
      id: 'AwsSolutions::AwsSolutions-COG4',
      reason: 'Fallback route to the bundled proxy, which enforces the authentication of the API it routes to (fail closed).',
    },
  ],
  authorizer: {
    id: 'AwsSolutions::AwsSolutions-COG4',
    reason: 'Authenticated by the group\'s bundled REQUEST authorizer (apps, custom or third-party authorizers), not Cognito.',
  },
  iam: {
    id: 'AwsSolutions::AwsSolutions-COG4',
    reason: 'Authenticated natively with IAM (SigV4), as declared with ApiAuth.iam(), not Cognito.',
  },
} as const;

/** HTTP methods an ANY API's throttle applies to (API Gateway keys method settings by concrete method). */
const CONCRETE_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];


/**
 * An API group, as Huawei Cloud API Gateway models it, deployed on AWS API Gateway: a set of
 * APIs sharing a stage, gateway responses (the `default` one plus up to 4 more), apps
 * (credentials), authorizers, IP rules and throttles.
 *
 * Synthesizes a regional REST API (every API's method, the catch-all routes, CORS preflight, and
 * API Gateway's 21 gateway responses translated from the `default` response) and the bundled
 * proxy function that routes requests, enforces authentication verdicts and IP rules, validates
 * parameters, calls backends and renders gateway errors with each API's selected response. With
 * app, custom or third-party authentication it adds the bundled REQUEST authorizer; with per-app
 * limits, usage plans.
 */
export class ApiGroup extends Construct {
  /** The group's name. */
  public readonly groupName: string;

  /** The stage name. */
  public readonly stageName: string;

  /** The REST API. */
  public readonly restApi: apigw.RestApi;

  /** The bundled proxy function behind every method. */
  public readonly proxyFunction: lambda.Function;

  /**
   * The usage key of refused requests: the authorizer hands it to API Gateway for requests it
   * refuses, so that they reach the proxy's gateway response (present with per-app usage plans).
   */
  public get refusalUsageKey(): string | undefined {
    return this.refusalUsage?.key;
  }

  /** The proxy's log group. */
  public readonly proxyLogGroup: logs.LogGroup;

  /** The group's built-in `default` response. */
  public readonly defaultResponse: GatewayResponse;

  /** CloudWatch namespace of the proxy's metrics. */
  public readonly metricsNamespace: string;

  private readonly props: ApiGroupProps;
  private readonly integrationTimeout: Duration;
  private readonly integration: apigw.Integration;
  private readonly proxyCode = new DeferredAssetCode('proxy');
  private readonly authorizerCode = new DeferredAssetCode('authorizer');
  private authorizer?: { fn: lambda.Function; logGroup: logs.LogGroup; requestAuthorizer: apigw.RequestAuthorizer };
  private readonly appList: AppCredential[] = [];
  private readonly authorizerList: Array<CustomAuthorizer | ThirdPartyAuthorizer> = [];
  private refusalUsage?: { key: string; plan: apigw.UsagePlan };
  private readonly tree: RestTree;
  private readonly responseList: GatewayResponse[] = [];
  private readonly apiList: Api[] = [];
  private readonly routes = new Map<string, Api>();
  private readonly deployTimeValues = new Map<string, string>();
  private finalised = false;

  constructor(scope: Construct, id: string, props: ApiGroupProps = {}) {
    super(scope, id);
    this.props = props;
    this.groupName = props.groupName ?? Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    this.stageName = props.stageName ?? 'RELEASE';
    this.integrationTimeout = props.integrationTimeout ?? LIMITS.integrationTimeoutDefault;
    this.metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    for (const found of groupPropsProblems(props, this.groupName, this.stageName, this.integrationTimeout)) { throwIf(this, found); }
    if (this.integrationTimeout.toMilliseconds() > LIMITS.integrationTimeoutDefault.toMilliseconds()) {
      Annotations.of(this).addWarningV2(WARN.integrationTimeout,
        `integrationTimeout ${this.integrationTimeout.toMilliseconds()} ms is above API Gateway's default quota of 29000 ms: ` +
        'request a quota increase for regional APIs before deploying');
    }
    if (props.cors && props.cors.allowOrigins.length > 1 && props.cors.allowCredentials) {
      Annotations.of(this).addWarningV2(WARN.corsEcho,
        'API Gateway\'s own gateway responses cannot compare origins: with several allowed origins they echo the caller\'s Origin, ' +
        'with credentials allowed; responses rendered by the proxy only allow the declared origins');
    }

    this.restApi = new apigw.RestApi(this, 'RestApi', {
      restApiName: this.groupName,
      description: props.description,
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // Every media type is binary, so bodies reach the proxy (and return) as base64, byte for byte.
      binaryMediaTypes: ['*/*'],
      cloudWatchRole: false,
      deployOptions: {
        stageName: this.stageName,
        variables: props.stageVariables,
        throttlingRateLimit: props.throttle?.rateLimit,
        throttlingBurstLimit: props.throttle?.burstLimit,
      },
    });
    Validations.of(this.restApi).acknowledge(NAG.requestValidation);

    this.proxyLogGroup = new logs.LogGroup(this, 'ProxyLogs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });
    const role = new iam.Role(this, 'ProxyRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Proxy of API group ${this.groupName}: writes its logs and invokes the group's function backends`,
    });
    this.proxyLogGroup.grantWrite(role);
    this.proxyFunction = new lambda.Function(this, 'Proxy', {
      description: `cdk-api-groups proxy of API group ${this.groupName}`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: this.proxyCode,
      memorySize: props.proxyMemorySize ?? 512,
      // Longer than the integration timeout: API Gateway gives up first, and the proxy, whose backend
      // timeouts are shorter still, normally answers before either.
      timeout: Duration.seconds(Math.ceil(this.integrationTimeout.toMilliseconds() / 1000) + 1),
      role,
      logGroup: this.proxyLogGroup,
    });
    this.proxyFunction.addPermission('InvokeFromRestApi', {
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: this.restApi.arnForExecuteApi('*', '/*', '*'),
    });
    this.integration = new apigw.Integration({
      type: apigw.IntegrationType.AWS_PROXY,
      integrationHttpMethod: 'POST',
      uri: `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}:lambda:path/2015-03-31/functions/${this.proxyFunction.functionArn}/invocations`,
      options: { timeout: this.integrationTimeout },
    });

    this.tree = new RestTree(this.restApi.root);
    this.defaultResponse = new GatewayResponse(this, 'DefaultResponse', {
      responseName: 'default',
      rules: props.defaultResponse?.rules,
    });

    const group = this;
    Aspects.of(this).add(new class implements IAspect {
      public visit(node: IConstruct): void {
        if (node === group) { group.finalise(); }
      }
    }());
    this.node.addValidation({ validate: () => formatAll(this.groupProblems()) });
    new DefinitionFiles(this, 'DefinitionDocuments', () => ({ group: this, props }));
  }

  /**
   * The group's API definition as a JSON document: `DefinitionFormat.HUAWEI` for Huawei APIG's
   * import (OpenAPI 3.0 with the `x-apigateway-*` extensions), `DefinitionFormat.OPENAPI` for the
   * APIs' consumers. Synthesis also writes both into the cloud assembly, next to the template, as
   * `<stack artifact id>.<group name>.huawei.json` and `.openapi.json`.
   */
  public exportDefinition(format: DefinitionFormat): string {
    return definitionText({ group: this, props: this.props }, format);
  }

  /**
   * Adds the APIs of a Huawei APIG definition (Swagger 2.0 or OpenAPI 3.0, JSON or YAML) to the
   * group, with their gateway responses, parameters, backends, authentication, throttles and
   * access control. What has no AWS counterpart is mapped through `options`.
   *
   * @returns the APIs added, in the document's order
   * @throws ApiGroupValidationError listing every item that cannot be imported, with its JSON pointer (unless lenient)
   */
  public importHuaweiDefinition(definition: HuaweiDefinition, options: HuaweiImportOptions = {}): Api[] {
    return importHuaweiDefinition(this, this.props, definition, options);
  }

  /** Requests the proxy answered, for the whole group (statistic Sum, period 5 minutes). */
  public metricRequests(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return requestsMetric(this._metricScope(), props);
  }

  /** The proxy's latency from event to answer, ms, for the whole group (statistic Average, period 5 minutes). */
  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return latencyMetric(this._metricScope(), props);
  }

  /** Backend call latency, ms, of the group's requests that called a backend (statistic Average, period 5 minutes). */
  public metricBackendLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return backendLatencyMetric(this._metricScope(), props);
  }

  /**
   * Gateway errors the proxy answered for the whole group, of every type or of `type` (statistic
   * Sum, period 5 minutes).
   *
   * @throws for ResponseType.THROTTLED, which API Gateway answers itself
   */
  public metricGatewayErrors(type?: ResponseType, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return gatewayErrorsMetric(this._metricScope(), type, props);
  }

  /**
   * Alarms on the group's metrics (5XX-type error rate, backend timeouts, p99 latency) with
   * optional actions, and optionally a dashboard. Call it once.
   */
  public addAlarms(options: GroupAlarmsOptions = {}): GroupAlarms {
    return new GroupAlarms(this, 'Monitoring', { ...options, group: this });
  }

  /** @internal whose metrics: the group's, or one API's */
  public _metricScope(apiId?: string, owner?: IConstruct): MetricScope {
    return { namespace: this.metricsNamespace, groupName: this.groupName, apiId, owner: owner ?? this };
  }

  /** @internal the props the group was declared with (exported definitions, response previews) */
  public _interopProps(): ApiGroupProps {
    return this.props;
  }

  /** The URL of the group's stage. */
  public get url(): string {
    return this.restApi.url;
  }

  /** The group's APIs, in definition order. */
  public get apis(): Api[] {
    return [...this.apiList];
  }

  /** The group's gateway responses, `default` first. */
  public get gatewayResponses(): GatewayResponse[] {
    return [...this.responseList];
  }

  /** The group's apps, in definition order. */
  public get apps(): AppCredential[] {
    return [...this.appList];
  }

  /** The group's custom authorizers, in definition order. */
  public get customAuthorizers(): CustomAuthorizer[] {
    return this.authorizerList.filter((a): a is CustomAuthorizer => a instanceof CustomAuthorizer);
  }

  /** The group's third-party authorizers, in definition order. */
  public get thirdPartyAuthorizers(): ThirdPartyAuthorizer[] {
    return this.authorizerList.filter((a): a is ThirdPartyAuthorizer => a instanceof ThirdPartyAuthorizer);
  }

  /**
   * The bundled authorizer function (Node.js 24, arm64), present once an API uses app, custom or
   * third-party authentication. Its role may read exactly the apps' secrets and invoke exactly the
   * custom authorizer functions it calls.
   */
  public get authorizerFunction(): lambda.Function | undefined {
    return this.authorizer?.fn;
  }

  /** The authorizer function's log group, present with the function. */
  public get authorizerLogGroup(): logs.LogGroup | undefined {
    return this.authorizer?.logGroup;
  }

  /**
   * The REST API's REQUEST authorizer backed by `authorizerFunction` (no identity sources, result
   * TTL 0: its verdict depends on the API), present with the function.
   */
  public get requestAuthorizer(): apigw.RequestAuthorizer | undefined {
    return this.authorizer?.requestAuthorizer;
  }

  /**
   * Defines an app (Huawei: credential) whose AppCodes live in AWS Secrets Manager (at most 50
   * per group). Authorise it for APIs with `ApiAuth.app({ apps: [app] })`.
   *
   * @param name 3-64 letters, digits or `_`, starting with a letter; unique in the group (`$context.appName`)
   */
  public addApp(name: string, options: AppCredentialOptions = {}): AppCredential {
    if (this.appList.some(a => a.appName === name)) {
      throwIf(this, problem(RULES.appName, name, 'already used in this group'));
    }
    return new AppCredential(this, `App${name}`, { ...options, appName: name });
  }

  /**
   * Defines a custom authorizer backed by your Lambda function, for `ApiAuth.custom()` or as the
   * second factor of `ApiAuth.app()` / `ApiAuth.iam()`.
   *
   * @param name 3-64 letters, digits or `_`, starting with a letter; unique among the group's authorizers
   */
  public addCustomAuthorizer(name: string, options: CustomAuthorizerOptions): CustomAuthorizer {
    this.checkAuthorizerNameFree(name);
    return new CustomAuthorizer(this, `CustomAuthorizer${name}`, { ...options, authorizerName: name });
  }

  /**
   * Defines a third-party authorizer backed by your HTTP(S) auth service, for `ApiAuth.thirdParty()`.
   *
   * @param name 3-64 letters, digits or `_`, starting with a letter; unique among the group's authorizers
   */
  public addThirdPartyAuthorizer(name: string, options: ThirdPartyAuthorizerOptions): ThirdPartyAuthorizer {
    this.checkAuthorizerNameFree(name);
    return new ThirdPartyAuthorizer(this, `ThirdPartyAuthorizer${name}`, { ...options, authorizerName: name });
  }

  /**
   * Grants `grantee` `execute-api:Invoke` on exactly the methods of `apis`, or of every IAM API
   * of the group defined so far when none is given.
   *
   * @throws if an API does not use IAM authentication, belongs to another group, or there is no IAM API
   */
  public grantInvoke(grantee: iam.IGrantable, ...apis: Api[]): iam.Grant {
    const targets = apis.length > 0 ? apis : this.apiList.filter(a => a.auth.authType === AuthType.IAM);
    if (targets.length === 0) {
      throw new Error(`${this.node.path}: grantInvoke found no API with IAM authentication (ApiAuth.iam())`);
    }
    for (const api of targets) {
      if (api.node.scope !== this) {
        throw new Error(`${this.node.path}: grantInvoke: API ${api.node.path} belongs to another group`);
      }
    }
    const arns: string[] = [];
    for (const api of targets) {
      if (api.auth.authType !== AuthType.IAM) {
        throw new Error(`${api.node.path}: grantInvoke needs IAM authentication (ApiAuth.iam()), the API uses ${api.auth.authType}`);
      }
      arns.push(api.restMethod.methodArn);
    }
    return iam.Grant.addToPrincipal({ grantee, actions: ['execute-api:Invoke'], resourceArns: arns });
  }

  /**
   * Defines a custom gateway response (at most 4 per group besides `default`).
   *
   * @param name 1-64 letters, digits, `-` or `_`; unique in the group
   */
  public addGatewayResponse(name: string, options: GatewayResponseOptions = {}): GatewayResponse {
    // Checked before the construct exists: a taken name would otherwise fail on the construct id first.
    // (`default` is always taken: _registerResponse explains that it is reserved.)
    if (name !== 'default' && this.findGatewayResponse(name)) {
      throwIf(this, problem(RULES.responseName, name, 'already used in this group'));
    }
    return new GatewayResponse(this, `Response${name}`, { responseName: name, rules: options.rules });
  }

  /**
   * Defines an API (at most 1000 per group).
   *
   * @param id construct id; also the default API name and the source of the API's id
   */
  public addApi(id: string, options: ApiOptions): Api {
    return new Api(this, id, options);
  }

  /** Finds a gateway response by name. */
  public findGatewayResponse(name: string): GatewayResponse | undefined {
    return this.responseList.find(r => r.responseName === name);
  }

  /** @internal called by GatewayResponse's constructor */
  public _registerResponse(response: GatewayResponse): void {
    this.assertOpen(response);
    const name = response.responseName;
    if (this.responseList.length > 0 && name === 'default') {
      throwIf(response, problem(RULES.responseName, name, 'reserved for the built-in response'));
    }
    throwIf(response, checkLiteral('gateway response name', name)
      ?? (/^[A-Za-z0-9_-]{1,64}$/.test(name) ? undefined : problem(RULES.responseName, name)));
    if (this.findGatewayResponse(name)) {
      throwIf(response, problem(RULES.responseName, name, 'already used in this group'));
    }
    if (this.responseList.length >= 1 + LIMITS.customResponsesPerGroup) {
      throwIf(response, problem(RULES.customResponses, this.responseList.length,
        `"${name}" would be custom response number ${this.responseList.length}`));
    }
    this.responseList.push(response);
  }

  /** @internal called by AppCredential's constructor */
  public _registerApp(app: AppCredential): void {
    this.assertOpen(app);
    if (this.appList.some(a => a.appName === app.appName)) {
      throwIf(app, problem(RULES.appName, app.appName, 'already used in this group'));
    }
    if (this.appList.length >= LIMITS.appsPerGroup) {
      throwIf(app, problem(RULES.appsPerGroup, this.appList.length + 1));
    }
    this.appList.push(app);
    if (this.refusalUsage) {
      app._addUsagePlan(this);
    } else if (app.limited) {
      this.enableUsagePlans();
    }
  }

  /** @internal called by the authorizers' constructors */
  public _registerAuthorizer(authorizer: CustomAuthorizer | ThirdPartyAuthorizer, name: string): void {
    this.assertOpen(authorizer);
    if (this.authorizerList.some(a => a.authorizerName === name)) {
      throwIf(authorizer, problem(RULES.authorizerName, name, 'already used in this group'));
    }
    this.authorizerList.push(authorizer);
  }

  /** @internal called by Api's constructor: routes the API and defines its method */
  public _registerApi(api: Api): apigw.Method {
    this.assertOpen(api);
    if (this.apiList.length >= LIMITS.apisPerGroup) {
      throwIf(api, problem(RULES.apisPerGroup, this.apiList.length + 1));
    }
    const route = `${api.method} ${routeShape(api._segments)}`;
    const clash = this.routes.get(route);
    if (clash) {
      throwIf(api, problem(RULES.method, `${api.method} ${api.path}`, `same route as ${clash.node.path} (${clash.method} ${clash.path})`));
    }
    const resource = this.tree.resourceFor(api.path, api._segments);
    if (!(resource instanceof Object) || !('addMethod' in resource)) {
      throwIf(api, resource as Problem);
    }
    const restResource = resource as apigw.IResource;
    if (api.method === HttpMethod.OPTIONS && this.props.cors) {
      Annotations.of(api).addWarningV2('cdk-api-groups:optionsReplacesPreflight',
        `API ${api.method} ${api.path} answers OPTIONS on ${restResource.path}, so the group's native CORS preflight is not defined there`);
    }
    this.routes.set(route, api);
    this.apiList.push(api);
    this.tree.declare(restResource, api.method);
    const auth = api.auth;
    const options: apigw.MethodOptions = auth.usesAuthorizer ? { authorizer: this.ensureAuthorizer() }
      : auth.authType === AuthType.IAM ? { authorizationType: apigw.AuthorizationType.IAM } : {};
    const method = restResource.addMethod(api.method, this.integration, options);
    if (auth.usesAuthorizer) {
      Validations.of(method).acknowledge(NAG.authorizer);
    } else if (auth.authType === AuthType.IAM) {
      Validations.of(method).acknowledge(NAG.iam);
    }
    return method;
  }

  /** @internal the binding context of an API's backend */
  public _backendContext(api: Api): BackendBindContext {
    return {
      pathVariables: new Set(api.pathVariables),
      integrationTimeout: this.integrationTimeout,
      deployTimeValue: value => this.deployTimeValue(value),
      grantInvoke: fn => grantInvokeFunction(this.proxyFunction, fn),
    };
  }

  /**
   * A deploy-time value (a token) for the configuration document: both bundled functions load the
   * same document, so every such value is set on both functions' environments (at finalisation).
   */
  private deployTimeValue(value: string): EnvReference {
    let name = this.deployTimeValues.get(value);
    if (!name) {
      name = `APIG_VALUE_${this.deployTimeValues.size}`;
      this.deployTimeValues.set(value, name);
    }
    return { env: name };
  }

  private checkAuthorizerNameFree(name: string): void {
    if (this.authorizerList.some(a => a.authorizerName === name)) {
      throwIf(this, problem(RULES.authorizerName, name, 'already used in this group'));
    }
  }

  /** The group's bundled authorizer: function, log group, role and REQUEST authorizer (once). */
  private ensureAuthorizer(): apigw.RequestAuthorizer {
    if (this.authorizer) { return this.authorizer.requestAuthorizer; }
    const logGroup = new logs.LogGroup(this, 'AuthorizerLogs', {
      retention: this.props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });
    const role = new iam.Role(this, 'AuthorizerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Authorizer of API group ${this.groupName}: writes its logs, reads the apps' secrets and invokes the custom authorizers`,
    });
    logGroup.grantWrite(role);
    const fn = new lambda.Function(this, 'Authorizer', {
      description: `cdk-api-groups authorizer of API group ${this.groupName}`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: this.authorizerCode,
      memorySize: 256,
      timeout: Duration.seconds(AUTHORIZER_TIMEOUT_FLOOR_SECONDS), // raised at finalisation to fit the authorizers' timeouts
      role,
      logGroup,
    });
    // TTL 0 and no identity sources: the verdict depends on the API (and the authorizer caches what it can itself).
    const requestAuthorizer = new apigw.RequestAuthorizer(this, 'RequestAuthorizer', {
      handler: fn,
      identitySources: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    (requestAuthorizer.node.defaultChild as apigw.CfnAuthorizer).identitySource = undefined;
    this.authorizer = { fn, logGroup, requestAuthorizer };
    return requestAuthorizer;
  }

  /** Gives every app a usage plan, and adds the plan of refused requests (once). */
  private enableUsagePlans(): void {
    const scope = new Construct(this, 'Refusals');
    const key = usageKeyFor(scope);
    const plan = addUsagePlan(scope, this, {
      name: `${this.groupName}-refusals`,
      description: `Requests refused by the authorizer of API group ${this.groupName}, so that they reach its gateway responses`,
      usageKey: key,
    });
    this.refusalUsage = { key, plan };
    (this.restApi.node.defaultChild as apigw.CfnRestApi).apiKeySourceType = 'AUTHORIZER';
    for (const app of this.appList) { app._addUsagePlan(this); }
  }

  /**
   * Completes the group once every API and response is known (run by an aspect at synthesis):
   * the catch-all and per-resource ANY methods, CORS preflight, the native gateway responses and
   * the proxy's code with its configuration document.
   */
  private finalise(): void {
    if (this.finalised) { return; }
    this.finalised = true;

    const rootVariable = this.tree.rootVariableChild();
    if (!rootVariable) {
      this.tree.addCatchAll();
    } else if (!rootVariable.greedy) {
      Annotations.of(this).addWarningV2(WARN.noCatchAll,
        `the root already has the variable resource ${rootVariable.resource.path}, so no catch-all /{proxy+} can be defined: ` +
        'requests to paths below no declared resource get API Gateway\'s MISSING_AUTHENTICATION_TOKEN response instead of NOT_FOUND');
    }
    for (const resource of this.tree.resources) {
      if (!this.tree.declares(resource, HttpMethod.ANY)) {
        const fallback = resource.addMethod(HttpMethod.ANY, this.integration);
        Validations.of(fallback).acknowledge(...NAG.routedToProxy);
      }
      if (this.props.cors && !this.tree.declares(resource, HttpMethod.OPTIONS)) {
        addPreflight(resource, this.props.cors);
      }
    }

    warnAboutNativeRendering(this.defaultResponse);
    const nativeResponseId = (awsType: string) => `Native${awsType}`;
    for (const native of nativeResponses(this.defaultResponse, this.props.cors)) {
      this.restApi.addGatewayResponse(nativeResponseId(native.awsType), {
        type: apigw.ResponseType.of(native.awsType),
        statusCode: native.statusCode,
        responseHeaders: native.headers,
        templates: { 'application/json': native.body },
      });
    }

    warnAboutUnusableDeclarations({
      group: this, groupName: this.groupName, responses: this.responseList, apis: this.apiList, restApi: this.restApi, nativeResponseId,
    });

    this.finaliseAuth();
    this.addMethodThrottles();

    const config = buildRuntimeConfig({
      groupName: this.groupName,
      stageName: this.stageName,
      responses: this.responseList,
      apis: this.apiList,
      cors: this.props.cors,
      backendContext: api => this._backendContext(api),
      accessControl: this.props.accessControl,
      apps: this.appList,
      customAuthorizers: this.customAuthorizers,
      thirdPartyAuthorizers: this.thirdPartyAuthorizers,
      refusalUsageKey: this.refusalUsage?.key,
      binaryMediaTypes: this.props.binaryMediaTypes,
      deployTimeValue: value => this.deployTimeValue(value),
      metricsNamespace: this.metricsNamespace,
    });
    const document = JSON.stringify(config);
    this.proxyCode.stage(this.proxyFunction, 'proxy', document);
    if (this.authorizer) {
      this.authorizerCode.stage(this.authorizer.fn, 'authorizer', document);
    }
    // Both functions load the same document, so both get every deploy-time value it refers to.
    for (const [value, name] of this.deployTimeValues) {
      this.proxyFunction.addEnvironment(name, value);
      this.authorizer?.fn.addEnvironment(name, value);
    }
    this.addAuthToDeploymentId(config);
    this.addLocalMetadata();
  }

  /**
   * Metadata on the proxy function that lets `cdk-api-groups local` find the group in a cloud
   * assembly: its name, its REST API and its authorizer function (logical ids).
   */
  private addLocalMetadata(): void {
    const stack = Stack.of(this);
    (this.proxyFunction.node.defaultChild as lambda.CfnFunction).addMetadata('cdk-api-groups', {
      group: this.groupName,
      role: 'proxy',
      restApi: stack.getLogicalId(this.restApi.node.defaultChild as apigw.CfnRestApi),
      ...(this.authorizer ? { authorizerFunction: stack.getLogicalId(this.authorizer.fn.node.defaultChild as lambda.CfnFunction) } : {}),
    });
  }

  /**
   * Authentication wiring that needs every API and app: invoke and secret grants, API keys on the
   * methods of app-authenticated APIs, the authorizer function's timeout.
   */
  private finaliseAuth(): void {
    const viaAuthorizer = new Set<CustomAuthorizer>();
    const viaProxy = new Set<CustomAuthorizer>();
    for (const api of this.apiList) {
      const custom = api.auth.customAuthorizer;
      if (custom) { (api.auth.authType === AuthType.IAM ? viaProxy : viaAuthorizer).add(custom); }
      if (this.refusalUsage && api.auth.authType === AuthType.APP) {
        (api.restMethod.node.defaultChild as apigw.CfnMethod).apiKeyRequired = true;
      }
    }
    // In definition order, so the policies are deterministic.
    for (const custom of this.customAuthorizers) {
      if (viaProxy.has(custom)) { grantInvokeFunction(this.proxyFunction, custom.handler); }
    }
    const authorizer = this.authorizer;
    if (!authorizer) { return; }
    for (const custom of this.customAuthorizers) {
      if (viaAuthorizer.has(custom)) { grantInvokeFunction(authorizer.fn, custom.handler); }
    }
    // Every app: telling an unknown AppCode (AUTH_FAILURE) from an app not authorised for the API
    // (UNAUTHORIZED) needs all of them.
    for (const app of this.appList) { app.secret.grantRead(authorizer.fn); }
    const used = this.apiList.filter(a => a.auth.usesAuthorizer);
    const longest = Math.max(0, ...used.flatMap(a => [a.auth.customAuthorizer, a.auth.thirdPartyAuthorizer])
      .filter((x): x is CustomAuthorizer | ThirdPartyAuthorizer => x !== undefined)
      .map(x => x.timeout.toMilliseconds()));
    const seconds = Math.max(AUTHORIZER_TIMEOUT_FLOOR_SECONDS, Math.ceil(longest / 1000) + 3);
    (authorizer.fn.node.defaultChild as lambda.CfnFunction).timeout = seconds;
  }

  /** Stage method settings for the APIs that declare a throttle. */
  private addMethodThrottles(): void {
    const throttled = this.apiList.filter(a => a.throttle !== undefined);
    if (throttled.length === 0) { return; }
    const stage = this.restApi.deploymentStage.node.defaultChild as apigw.CfnStage;
    const settings: apigw.CfnStage.MethodSettingProperty[] = [...((stage.methodSettings ?? []) as apigw.CfnStage.MethodSettingProperty[])];
    for (const api of throttled) {
      const resource = api.restMethod.resource;
      const resourcePath = resource.path === '/' ? '/' : resource.path.replace(/\//g, '~1').replace(/^~1/, '/~1');
      let methods = [api.method as string];
      if (api.method === HttpMethod.ANY) {
        // The methods the ANY API answers on its resource: not those of other APIs, nor a native preflight.
        const preflight = this.props.cors !== undefined && !this.tree.declares(resource, HttpMethod.OPTIONS);
        methods = CONCRETE_METHODS.filter(m => !this.tree.declares(resource, m) && !(m === 'OPTIONS' && preflight));
      }
      for (const httpMethod of methods) {
        settings.push({
          resourcePath,
          httpMethod,
          throttlingRateLimit: api.throttle!.rateLimit,
          throttlingBurstLimit: api.throttle!.burstLimit,
        });
      }
    }
    stage.methodSettings = settings;
  }

  /**
   * Folds every authentication, access-control and throttling setting into the deployment's
   * logical id, including those that live only in the configuration document, so that a change
   * always publishes a new deployment.
   */
  private addAuthToDeploymentId(config: ConfigDocument): void {
    const part = {
      apis: config.apis.filter(a => a.auth || a.accessControl).map(a => ({ id: a.id, auth: a.auth, accessControl: a.accessControl })),
      accessControl: config.accessControl,
      apps: config.apps,
      customAuthorizers: config.customAuthorizers,
      thirdPartyAuthorizers: config.thirdPartyAuthorizers,
      refusalUsageKey: config.refusalUsageKey,
      throttles: {
        stage: this.props.throttle,
        apis: this.apiList.filter(a => a.throttle).map(a => ({ id: a.apiId, throttle: a.throttle })),
        apps: this.appList.filter(a => a.limited).map(a => ({ name: a.appName, throttle: a.throttle, quota: a.quota })),
      },
    };
    const text = JSON.stringify(part);
    if (text === JSON.stringify({ apis: [], throttles: { apis: [], apps: [] } })) { return; }
    this.restApi.latestDeployment?.addToLogicalId({
      apiGroupAuth: crypto.createHash('sha256').update(text).digest('hex'),
    });
  }

  /** Whole-group checks, once everything is defined. */
  private groupProblems(): Problem[] {
    const found: Problem[] = [];
    const max = this.props.maxRestResources ?? LIMITS.restResourcesPerApi;
    const count = this.tree.resources.length - 1; // the root resource is not counted against the quota
    if (count > max) {
      found.push(problem(RULES.restResources, count, `the group's paths need ${count} resources, the limit is ${max}`));
    }
    const stack = Stack.of(this);
    const restApiId = stack.resolve(this.restApi.restApiId);
    const authorizers = stack.node.findAll()
      .filter((c): c is apigw.CfnAuthorizer => c instanceof apigw.CfnAuthorizer)
      .filter(c => JSON.stringify(stack.resolve(c.restApiId)) === JSON.stringify(restApiId));
    if (authorizers.length > LIMITS.authorizersPerRestApi) {
      found.push(problem(RULES.authorizersPerApi, authorizers.length));
    }
    return found;
  }

  private assertOpen(child: Construct): void {
    if (this.finalised) {
      throw new Error(`${child.node.path}: cannot be added to API group ${this.node.path} after it was synthesized`);
    }
  }
}

/** The authorizer function's shortest timeout, in seconds (app authentication reads Secrets Manager). */
const AUTHORIZER_TIMEOUT_FLOOR_SECONDS = 5;

/**
 * Lets `fn` invoke `target`: on the role only (works for imported functions too), exactly its ARN
 * (the runtime invokes the ARN as given, so no `:*` version wildcard is needed).
 */
function grantInvokeFunction(fn: lambda.Function, target: lambda.IFunction): void {
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['lambda:InvokeFunction'],
    resources: [target.functionArn],
  }));
}

