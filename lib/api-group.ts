import { Annotations, Aspects, Duration, IAspect, Names, Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { AccessControl } from './access-control';
import { Api, ApiOptions } from './api';
import { AppCredential, AppCredentialOptions } from './app-credential';
import {
  CustomAuthorizer, CustomAuthorizerOptions, ThirdPartyAuthorizer, ThirdPartyAuthorizerOptions,
} from './authorizers';
import { BackendBindContext } from './backend';
import { CorsOptions } from './cors';
import { MatchMode } from './match-mode';
import { warnApiCorsNatively } from './private/api-cors';
import { Environment, EnvironmentOptions, EnvironmentProps } from './environment';
import { GatewayResponse, GatewayResponseOptions } from './gateway-response';
import { HttpMethod } from './http-method';
import { DefinitionFiles } from './interop/definition-files';
import { DefinitionFormat } from './interop/definition-format';
import { definitionText } from './interop/export-definition';
import { HuaweiDefinition } from './interop/huawei-definition';
import { importHuaweiDefinition } from './interop/huawei-import';
import { HuaweiImportOptions } from './interop/huawei-import-options';
import { KeepWarmOptions } from './keep-warm';
import { LIMITS, RULES } from './limits';
import { GroupAlarms, GroupAlarmsOptions } from './monitoring/group-alarms';
import { DirectIntegration } from './direct-integration';
import { OrchestrationRule, OrchestrationRuleOptions } from './orchestration-rule';
import { backendLatencyMetric, gatewayErrorsMetric, latencyMetric, MetricScope, requestsMetric } from './monitoring/metrics';
import {
  BundledAuthorizer, grantInvokeFunction, newBundledAuthorizer,
} from './private/bundled-authorizer';
import { checkLiteral, formatAll, Problem, problem, throwIf } from './private/checks';
import { EnvReference } from './private/config-document';
import { environmentProblems } from './private/environment-checks';
import { addEnvironmentStage } from './private/environment-stages';
import { finaliseGroup } from './private/group-finalisation';
import { InvokeGrants, invokeTargetsOf } from './private/invoke-grants';
import { DeploymentReportFiles } from './private/definition/deployment-report-files';
import { ResourceNode, ResourceTree } from './private/definition/resource-tree';
import { checkStackQuotasOf, RestApiDefinition } from './private/definition/rest-api-definition';
import { DeferredAssetCode } from './private/handler-asset';
import { groupPropsProblems } from './private/group-checks';
import { newGroupRestApi } from './private/group-rest-api';
import { newBundledProxy } from './private/bundled-proxy';
import { privateAccessOf } from './private/private-endpoints';
import { productionPropsProblems } from './private/production-checks';
import { DEFAULT_METRICS_NAMESPACE } from './private/metric-names';
import { routeShape } from './private/paths';
import { GroupStageSettings, stageOptionsOf } from './private/stage-options';
import { addRefusalUsagePlan } from './private/usage-plans';
import { CalledService, serviceAccessProblems, VpcPlacement } from './private/vpc-access';
import { vpcSubnetProblems } from './private/vpc-subnets';
import { DEFAULT_WARM_ALIAS } from './private/warm-functions';
import { WARN } from './private/warnings';
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
   * Whether APIs that lose nothing on API Gateway's own path skip the proxy (README "Direct
   * integration"). An API's `direct` option decides first.
   *
   * @default DirectIntegration.NONE
   */
  readonly directIntegration?: DirectIntegration;

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

  /**
   * A VPC for the proxy and the authorizer (Huawei: VPC channels): HTTP backends and third-party
   * auth services on private hosts become reachable. From private subnets the functions reach AWS
   * services through a NAT or interface VPC endpoints: Lambda (function backends, custom
   * authorizers) and Secrets Manager (apps); see `createVpcEndpoints`.
   *
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of the proxy and the authorizer (only with `vpc`).
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the proxy and the authorizer (only with `vpc`).
   *
   * @default - one per function, allowing all outbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Create an interface VPC endpoint for each AWS service the functions call (Lambda for function
   * backends and custom authorizers, Secrets Manager for apps), in the functions' subnets, with
   * private DNS. Without it, functions in isolated subnets that call a service the VPC has no
   * endpoint for fail the synth (rule vpc-access).
   *
   * @default false
   */
  readonly createVpcEndpoints?: boolean;

  /**
   * The REST API's endpoint type: REGIONAL, EDGE (CloudFront) or PRIVATE (only through interface
   * VPC endpoints, with the resource policy that says so).
   *
   * @default apigw.EndpointType.REGIONAL
   */
  readonly endpointType?: apigw.EndpointType;

  /**
   * PRIVATE: the interface VPC endpoints (service execute-api) that may call the API.
   *
   * @default - with `vpc`, one endpoint created in the functions' subnets (private DNS on)
   */
  readonly privateEndpoints?: ec2.IInterfaceVpcEndpoint[];

  /**
   * A custom domain mapped to the group's default environment, with its certificate and base path.
   * Its endpoint type follows the API's unless given (REGIONAL or EDGE).
   *
   * @default - none
   */
  readonly domain?: apigw.DomainNameOptions;

  /**
   * Access logging of every environment's stage: one JSON line per request (request id, API id and
   * name, app, verdict, response type, status, latencies) in a log group with `logRetention`.
   * API Gateway writes it with the account's API Gateway CloudWatch role (see `cloudWatchRole`).
   *
   * @default true
   */
  readonly accessLogging?: boolean;

  /**
   * Create the account's API Gateway CloudWatch role (one per account and region; access and
   * execution logs need it). Leave false where the account already has one.
   *
   * @default false
   */
  readonly cloudWatchRole?: boolean;

  /**
   * Execution logging of every method (API Gateway's own log group per stage).
   *
   * @default - off
   */
  readonly executionLogLevel?: apigw.MethodLoggingLevel;

  /**
   * X-Ray tracing: every stage, the proxy and the authorizer (active), and the trace header sent to
   * HTTP backends.
   *
   * @default false
   */
  readonly tracing?: boolean;

  /**
   * API Gateway's detailed CloudWatch metrics (per method) on every stage.
   *
   * @default false
   */
  readonly detailedMetrics?: boolean;

  /**
   * Keep the proxy and the authorizer warm: an alias of each on its current version, invoked by API
   * Gateway, with provisioned concurrency where asked.
   *
   * @default - the unqualified functions, no provisioned concurrency
   */
  readonly keepWarm?: KeepWarmOptions;
}


/** Reasons of the cdk-nag (AwsSolutions) findings that the library's design answers. */
const NAG = {
  requestValidation: {
    id: 'AwsSolutions::AwsSolutions-APIG2',
    reason: 'The bundled proxy validates every API\'s request parameters (REQUEST_PARAMETERS_FAILURE, rendered with the API\'s ' +
      'own gateway response); an API Gateway request validator would answer with a native response instead.',
  },
} as const;

/**
 * An API group, as Huawei Cloud API Gateway models it, deployed on AWS API Gateway: a set of
 * APIs sharing a stage, gateway responses (the `default` one plus up to 4 more), apps
 * (credentials), authorizers, IP rules and throttles.
 *
 * Synthesizes a regional REST API defined by one OpenAPI document (the methods API Gateway must
 * see individually, the catch-all routes, CORS preflight, and API Gateway's 21 gateway responses
 * translated from the `default` response), a deployment report in the cloud assembly, and the bundled
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

  /**
   * The REST API, defined by the group's OpenAPI document (its `Body`). Stage settings, a resource
   * policy, custom domains and metrics can be added through it; resources, methods, authorizers and
   * gateway responses added to it conflict with the document (see the README's escape hatches).
   */
  public readonly restApi: apigw.SpecRestApi;

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

  /** The group's default environment: `stageName`, with the group's `stageVariables` and `throttle`. */
  public readonly defaultEnvironment: Environment;

  /**
   * The access log of every environment's stage.
   *
   * @default - none when `accessLogging` is false
   */
  public readonly accessLogGroup?: logs.LogGroup;

  /**
   * The alias of the proxy API Gateway invokes.
   *
   * @default - none without `keepWarm`
   */
  public readonly proxyAlias?: lambda.Alias;

  /**
   * The custom domain.
   *
   * @default - none without `domain`
   */
  public readonly domainName?: apigw.DomainName;

  private readonly props: ApiGroupProps;
  private readonly integrationTimeout: Duration;
  private readonly proxyCode = new DeferredAssetCode('proxy');
  private readonly authorizerCode = new DeferredAssetCode('authorizer');
  private authorizer?: BundledAuthorizer;
  private monitoring?: GroupAlarms;
  /** @internal every execute-api:Invoke grant of the group, by grantee */
  public readonly _invokeGrants = new InvokeGrants(this);
  private readonly appList: AppCredential[] = [];
  private readonly authorizerList: Array<CustomAuthorizer | ThirdPartyAuthorizer> = [];
  private refusalUsage?: { key: string; plan: apigw.UsagePlan };
  /** Every API's resource, as API Gateway would nest them: checks that each path can be expressed. */
  private readonly pathTree = new ResourceTree();
  private definition?: RestApiDefinition;
  private stackQuotas?: ReturnType<typeof checkStackQuotasOf>;
  private readonly responseList: GatewayResponse[] = [];
  private readonly apiList: Api[] = [];
  private readonly routes = new Map<string, Api>();
  private readonly deployTimeValues = new Map<string, string>();
  private readonly environmentList: Environment[] = [];
  private readonly orchestrationList: OrchestrationRule[] = [];
  private readonly stageSettings: GroupStageSettings;
  private readonly placement?: VpcPlacement;
  private readonly privateEndpoints: ec2.IInterfaceVpcEndpoint[];
  private readonly resourcePolicy?: iam.PolicyDocument;
  private calledServices: CalledService[] = [];
  private finalised = false;

  constructor(scope: Construct, id: string, props: ApiGroupProps = {}) {
    super(scope, id);
    this.props = props;
    this.groupName = props.groupName ?? Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    this.stageName = props.stageName ?? 'RELEASE';
    this.integrationTimeout = props.integrationTimeout ?? LIMITS.integrationTimeoutDefault;
    this.metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    for (const found of groupPropsProblems(props, this.groupName, this.stageName, this.integrationTimeout)) { throwIf(this, found); }
    for (const found of productionPropsProblems(props)) { throwIf(this, found); }
    this.placement = props.vpc ? { vpc: props.vpc, vpcSubnets: props.vpcSubnets, securityGroups: props.securityGroups } : undefined;
    for (const found of vpcSubnetProblems(this.placement)) { throwIf(this, found); }
    const tracing = props.tracing ?? false;
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

    if (props.accessLogging ?? true) {
      this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
        retention: logRetentionOf(props),
      });
    }
    this.stageSettings = {
      accessLogGroup: this.accessLogGroup,
      tracing,
      detailedMetrics: props.detailedMetrics ?? false,
      executionLogLevel: props.executionLogLevel,
    };
    const endpointType = props.endpointType ?? apigw.EndpointType.REGIONAL;
    const privateAccess = endpointType === apigw.EndpointType.PRIVATE ? privateAccessOf(this, props.privateEndpoints, this.placement) : undefined;
    this.privateEndpoints = privateAccess?.endpoints ?? [];
    this.resourcePolicy = privateAccess?.policy;
    this.restApi = newGroupRestApi(this, {
      name: this.groupName,
      description: props.description,
      stageName: this.stageName,
      stageOptions: stageOptionsOf(this.stageSettings, { variables: props.stageVariables, throttle: props.throttle }),
      endpointType,
      privateEndpoints: this.privateEndpoints,
      policy: this.resourcePolicy,
      cloudWatchRole: props.cloudWatchRole,
      document: () => {
        if (!this.definition) { throw new Error(`${this.node.path}: the REST API's document is only known at synthesis`); }
        return this.definition.document;
      },
    });
    Validations.of(this.restApi).acknowledge(NAG.requestValidation);
    this.defaultEnvironment = new Environment(this, 'DefaultEnvironment', {
      environmentName: this.stageName,
      variables: props.stageVariables,
      throttle: props.throttle,
    });
    if (props.domain) {
      this.domainName = this.restApi.addDomainName('Domain', {
        ...props.domain,
        endpointType: props.domain.endpointType ?? (endpointType === apigw.EndpointType.EDGE ? apigw.EndpointType.EDGE : apigw.EndpointType.REGIONAL),
      });
    }

    const proxy = newBundledProxy(this, {
      groupName: this.groupName,
      restApi: this.restApi,
      code: this.proxyCode,
      logRetention: logRetentionOf(props),
      memorySize: props.proxyMemorySize ?? 512,
      integrationTimeout: this.integrationTimeout,
      placement: this.placement,
      tracing,
      warm: props.keepWarm ? {
        aliasName: props.keepWarm.aliasName ?? DEFAULT_WARM_ALIAS,
        provisionedConcurrency: props.keepWarm.proxyProvisionedConcurrency,
      } : undefined,
    });
    this.proxyFunction = proxy.fn;
    this.proxyLogGroup = proxy.logGroup;
    this.proxyAlias = proxy.alias;
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
    new DeploymentReportFiles(this, 'DeploymentReport', this.groupName, () => this.deploymentReport());
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
    this.monitoring = new GroupAlarms(this, 'Monitoring', { ...options, group: this });
    return this.monitoring;
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
   * Adds an environment (Huawei APIG: at most 10 per group, the default one included): a stage of
   * the group's REST API on the same deployment, with its own variables and rate limit and the
   * group's stage options. APIs are published to every environment unless they list theirs
   * (`ApiOptions.environments`).
   *
   * @param name 3-64 letters, digits or `_`, starting with a letter; unique in the group (the stage's name)
   */
  public addEnvironment(name: string, options: EnvironmentOptions = {}): Environment {
    // Checked before the construct exists: a taken name would otherwise fail on the construct id first.
    throwIf(this, environmentProblems({ ...options, environmentName: name }, this.environmentList.map(e => e.environmentName))[0]);
    return new Environment(this, `Environment${name}`, { ...options, environmentName: name });
  }

  /** The group's environments, the default one first. */
  public get environments(): Environment[] {
    return [...this.environmentList];
  }

  /**
   * The alias of the authorizer API Gateway invokes (with `keepWarm`, once an API uses the authorizer).
   */
  public get authorizerAlias(): lambda.Alias | undefined {
    return this.authorizer?.alias;
  }

  /**
   * @internal called by Environment's constructor: the default environment (the first) is the REST
   * API's own stage; every other one gets a stage on the same deployment
   */
  public _registerEnvironment(env: Environment, props: EnvironmentProps): apigw.Stage {
    this.assertOpen(env);
    if (this.environmentList.length === 0) {
      this.environmentList.push(env);
      return this.restApi.deploymentStage;
    }
    for (const found of environmentProblems(props, this.environmentList.map(e => e.environmentName))) { throwIf(env, found); }
    this.environmentList.push(env);
    return addEnvironmentStage(env, this.restApi, this.stageSettings, props);
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
    // Listed at synthesis (environments added after this call are granted too), one statement per
    // grantee for the whole group, kept within IAM's sizes (lib/private/invoke-grants.ts).
    return this._invokeGrants.grant(grantee, invokeTargetsOf(this, apis, this.apiList));
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

  /**
   * Defines a parameter orchestration rule (Huawei APIG: orchestration rule). Attach it to a
   * request parameter of an API with `RequestParameter.query(name, { orchestrations: [rule] })`
   * (or `.header()`, `.path()`).
   *
   * @param id construct id; also the rule's name unless `orchestrationName` is set
   */
  public addOrchestrationRule(id: string, options: OrchestrationRuleOptions): OrchestrationRule {
    const name = options.orchestrationName ?? id;
    if (this.orchestrationList.some(r => r.orchestrationName === name)) {
      throwIf(this, problem(RULES.orchestrationName, name, 'already used in this group'));
    }
    return new OrchestrationRule(this, `Orchestration${id}`, { ...options, orchestrationName: name });
  }

  /** The group's parameter orchestration rules. */
  public get orchestrationRules(): OrchestrationRule[] {
    return [...this.orchestrationList];
  }

  /** @internal called by OrchestrationRule's constructor */
  public _registerOrchestrationRule(rule: OrchestrationRule): void {
    this.assertOpen(rule);
    if (this.orchestrationList.some(r => r.orchestrationName === rule.orchestrationName)) {
      throwIf(rule, problem(RULES.orchestrationName, rule.orchestrationName, 'already used in this group'));
    }
    this.orchestrationList.push(rule);
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
    const sameKey = this.appList.find(a => a.appKey === app.appKey && !Token.isUnresolved(app.appKey));
    if (sameKey) { throwIf(app, problem(RULES.appKey, app.appKey, `already the AppKey of app ${sameKey.appName}`)); }
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

  /**
   * @internal called by Api's constructor: checks that the group can route the API (its route is
   * free and API Gateway can express its path); the REST API's document is defined at synthesis
   */
  public _registerApi(api: Api): void {
    this.assertOpen(api);
    if (this.apiList.length >= LIMITS.apisPerGroup) {
      throwIf(api, problem(RULES.apisPerGroup, this.apiList.length + 1));
    }
    // (method, path, match mode) is unique: an EXACT and a PREFIX API may share a method and path.
    const route = `${api.method} ${routeShape(api._segments)}${api.matchMode === MatchMode.PREFIX ? ' PREFIX' : ''}`;
    const clash = this.routes.get(route);
    if (clash) {
      throwIf(api, problem(RULES.method, `${api.method} ${api.path}`, `same route as ${clash.node.path} (${clash.method} ${clash.path})`));
    }
    if (api.cors) { warnApiCorsNatively(api, this.props.cors !== undefined); }
    const resource = this.pathTree.insert(api.path, api._segments);
    if (!(resource instanceof ResourceNode)) {
      throwIf(api, resource);
    }
    const node = resource as ResourceNode;
    if (api.method === HttpMethod.OPTIONS && this.props.cors) {
      Annotations.of(api).addWarningV2('cdk-api-groups:optionsReplacesPreflight',
        `API ${api.method} ${api.path} answers OPTIONS on ${node.path}, so the group's native CORS preflight is not defined there`);
    }
    this.routes.set(route, api);
    this.apiList.push(api);
    if (api.auth.usesAuthorizer) { this.ensureAuthorizer(); }
  }

  /** @internal the binding context of an API's backend */
  public _backendContext(api: Api): BackendBindContext {
    return {
      pathVariables: new Set(api.pathVariables),
      requestParameters: api.parameters.map(p => ({ name: p.name, location: p.location })),
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

  /** The group's bundled authorizer function, with its log group and role (once). */
  private ensureAuthorizer(): BundledAuthorizer {
    this.authorizer ??= newBundledAuthorizer(this, {
      groupName: this.groupName,
      restApi: this.restApi,
      code: this.authorizerCode,
      logRetention: logRetentionOf(this.props),
      placement: this.placement,
      tracing: this.props.tracing ?? false,
      warm: this.props.keepWarm ? {
        aliasName: this.props.keepWarm.aliasName ?? DEFAULT_WARM_ALIAS,
        provisionedConcurrency: this.props.keepWarm.authorizerProvisionedConcurrency,
      } : undefined,
    });
    return this.authorizer;
  }

  /** Gives every app a usage plan, and adds the plan of refused requests (once). */
  private enableUsagePlans(): void {
    this.refusalUsage = addRefusalUsagePlan(this);
    for (const app of this.appList) { app._addUsagePlan(this); }
  }

  /**
   * Completes the group once every API and response is known (run by an aspect at synthesis):
   * the definition step (the REST API's OpenAPI document, its quotas and the deployment report),
   * the stage's method throttles, the deployment's logical id, and the bundled functions' code
   * with their configuration document.
   */
  private finalise(): void {
    if (this.finalised) { return; }
    this.finalised = true;
    // An API added after addAlarms() may have brought the authorizer: watch it too.
    this.monitoring?._watchAuthorizer(this.authorizer?.fn);
    this._invokeGrants.finalise();

    const finalised = finaliseGroup({
      group: this,
      props: this.props,
      groupName: this.groupName,
      stageName: this.stageName,
      metricsNamespace: this.metricsNamespace,
      integrationTimeout: this.integrationTimeout,
      restApi: this.restApi,
      proxyFunction: this.proxyFunction,
      proxyAlias: this.proxyAlias,
      proxyCode: this.proxyCode,
      authorizer: this.authorizer,
      authorizerCode: this.authorizerCode,
      defaultResponse: this.defaultResponse,
      responses: this.responseList,
      apis: this.apiList,
      apps: this.appList,
      customAuthorizers: this.customAuthorizers,
      thirdPartyAuthorizers: this.thirdPartyAuthorizers,
      environments: this.environmentList,
      refusalUsage: this.refusalUsage,
      placement: this.placement,
      privateEndpoints: this.privateEndpoints,
      resourcePolicy: this.resourcePolicy,
      deployTimeValues: this.deployTimeValues,
      deployTimeValue: value => this.deployTimeValue(value),
      backendContext: api => this._backendContext(api),
    });
    this.definition = finalised.definition;
    this.calledServices = finalised.calledServices;
  }

  /** Whole-group checks, once everything is defined: routes API Gateway cannot express, and the quotas. */
  private groupProblems(): Problem[] {
    if (!this.definition) { return []; }
    this.stackQuotas = checkStackQuotasOf(this, this.definition);
    return [...this.definition.problems, ...this.stackQuotas.problems, ...serviceAccessProblems(this, this.placement, this.calledServices)];
  }

  /** The deployment report, with the stack's quotas once they were checked. */
  private deploymentReport() {
    return this.stackQuotas?.report ?? this.definition?.report;
  }

  private assertOpen(child: Construct): void {
    if (this.finalised) {
      throw new Error(`${child.node.path}: cannot be added to API group ${this.node.path} after it was synthesized`);
    }
  }
}

/** The retention of the group's log groups. */
function logRetentionOf(props: ApiGroupProps): logs.RetentionDays {
  return props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
}
