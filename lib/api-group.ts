import { Annotations, Aspects, Aws, Duration, IAspect, Names, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { Api, ApiOptions } from './api';
import { BackendBindContext } from './backend';
import { CorsOptions } from './cors';
import { GatewayResponse, GatewayResponseOptions } from './gateway-response';
import { HttpMethod } from './http-method';
import { LIMITS, RULES } from './limits';
import { checkLiteral, checkLiteralNumber, formatAll, Problem, problem, show, throwIf } from './private/checks';
import { EnvReference } from './private/config-document';
import { DeferredAssetCode, stageHandlerFolder } from './private/handler-asset';
import { degradedVariables, headerDegrades, nativeResponses } from './private/native-responses';
import { routeShape } from './private/paths';
import { addPreflight } from './private/preflight';
import { RestTree } from './private/rest-tree';
import { buildRuntimeConfig } from './private/runtime-config';
import { STAGE_VARIABLE_NAME_PATTERN } from './private/template';
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
   * Retention of the proxy's log group.
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
}

/** Warning ids, for `Annotations` acknowledgements. */
const WARN = {
  nativeVariable: 'cdk-api-groups:nativeVariable',
  defaultStatus: 'cdk-api-groups:defaultStatusRemapsNative',
  integrationTimeout: 'cdk-api-groups:integrationTimeoutQuota',
  noCatchAll: 'cdk-api-groups:noCatchAll',
  corsEcho: 'cdk-api-groups:nativeCorsEchoesOrigin',
} as const;

const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9\-_./():]{2,254}$/;
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const STAGE_VALUE = /^[A-Za-z0-9\-._~:/?#&=,]+$/;

/**
 * An API group, as Huawei Cloud API Gateway models it, deployed on AWS API Gateway: a set of
 * APIs sharing a stage and gateway responses (the `default` one plus up to 4 more).
 *
 * Synthesizes a regional REST API (every API's method, the catch-all routes, CORS preflight, and
 * API Gateway's 21 gateway responses translated from the `default` response) and the bundled
 * proxy function that routes requests, validates parameters, calls backends and renders gateway
 * errors with each API's selected response.
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

  /** The proxy's log group. */
  public readonly proxyLogGroup: logs.LogGroup;

  /** The group's built-in `default` response. */
  public readonly defaultResponse: GatewayResponse;

  private readonly props: ApiGroupProps;
  private readonly integrationTimeout: Duration;
  private readonly integration: apigw.Integration;
  private readonly proxyCode = new DeferredAssetCode('proxy');
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
    for (const found of this.propsProblems()) { throwIf(this, found); }
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
      deployOptions: { stageName: this.stageName, variables: props.stageVariables },
    });

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
    return restResource.addMethod(api.method, this.integration);
  }

  /** @internal the binding context of an API's backend */
  public _backendContext(api: Api): BackendBindContext {
    return {
      pathVariables: new Set(api.pathVariables),
      integrationTimeout: this.integrationTimeout,
      deployTimeValue: (value: string): EnvReference => {
        let name = this.deployTimeValues.get(value);
        if (!name) {
          name = `APIG_VALUE_${this.deployTimeValues.size}`;
          this.deployTimeValues.set(value, name);
          this.proxyFunction.addEnvironment(name, value);
        }
        return { env: name };
      },
      // On the role only: works for imported functions too, and grants exactly these ARNs.
      grantInvoke: fn => {
        this.proxyFunction.addToRolePolicy(new iam.PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [fn.functionArn, `${fn.functionArn}:*`],
        }));
      },
    };
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
        resource.addMethod(HttpMethod.ANY, this.integration);
      }
      if (this.props.cors && !this.tree.declares(resource, HttpMethod.OPTIONS)) {
        addPreflight(resource, this.props.cors);
      }
    }

    this.warnAboutNativeRendering();
    for (const native of nativeResponses(this.defaultResponse, this.props.cors)) {
      this.restApi.addGatewayResponse(`Native${native.awsType}`, {
        type: apigw.ResponseType.of(native.awsType),
        statusCode: native.statusCode,
        responseHeaders: native.headers,
        templates: { 'application/json': native.body },
      });
    }

    const config = buildRuntimeConfig({
      groupName: this.groupName,
      stageName: this.stageName,
      responses: this.responseList,
      apis: this.apiList,
      cors: this.props.cors,
      backendContext: api => this._backendContext(api),
    });
    this.proxyCode.stage(this.proxyFunction, stageHandlerFolder('proxy', JSON.stringify(config)));
  }

  private warnAboutNativeRendering(): void {
    const response = this.defaultResponse;
    for (const type of [ResponseType.DEFAULT_4XX, ResponseType.DEFAULT_5XX]) {
      const status = response.ruleFor(type).statusCode;
      if (status !== undefined) {
        Annotations.of(response).addWarningV2(WARN.defaultStatus,
          `${type.name} has status ${status}: API Gateway then answers every one of its own ${type.name.slice(-3)} errors ` +
          `that has no rule of its own (${type.awsSources.join(', ')} and the types falling back to it) with ${status}`);
      }
    }
    // Only types with AWS sources render natively; a rule of any other type is the proxy's alone.
    for (const rule of response.rules.filter(r => r.type.awsSources.length > 0)) {
      const degraded = degradedVariables(rule.body ?? GatewayResponse.DEFAULT_BODY);
      if (degraded.length > 0) {
        Annotations.of(response).addWarningV2(WARN.nativeVariable,
          `${rule.type.name} body uses ${degraded.join(', ')}, which API Gateway's own responses ` +
          `(${rule.type.awsSources.join(', ')}) cannot render: ${nativeNote(degraded)}`);
      }
      for (const [name, value] of Object.entries(rule.headers ?? {})) {
        if (headerDegrades(value)) {
          Annotations.of(response).addWarningV2(WARN.nativeVariable,
            `${rule.type.name} header ${name} ${show(value)} cannot be expressed in API Gateway's own responses ` +
            '(only a literal without single quotes, or exactly one variable, can): variables inside text render empty there');
        }
      }
    }
  }

  private propsProblems(): Problem[] {
    const p = this.props;
    const found: Problem[] = [];
    const name = checkLiteral('group name', this.groupName);
    if (name) { found.push(name); } else if (!GROUP_NAME.test(this.groupName)) { found.push(problem(RULES.groupName, this.groupName)); }
    const stage = checkLiteral('stage name', this.stageName);
    if (stage) { found.push(stage); } else if (!STAGE_NAME.test(this.stageName)) { found.push(problem(RULES.stageName, this.stageName)); }
    const variables = Object.entries(p.stageVariables ?? {});
    if (variables.length > LIMITS.stageVariables) { found.push(problem(RULES.stageVariables, `${variables.length} variables`)); }
    for (const [key, value] of variables) {
      if (!STAGE_VARIABLE_NAME_PATTERN.test(key)) { found.push(problem(RULES.stageVariables, key, 'name')); }
      if (!Token.isUnresolved(value) && (value.length > LIMITS.stageVariableValueLength || !STAGE_VALUE.test(value))) {
        found.push(problem(RULES.stageVariables, value, `value of ${key}`));
      }
    }
    const timeout = this.integrationTimeout.toMilliseconds({ integral: false });
    const timeoutToken = checkLiteralNumber('integration timeout', timeout);
    if (timeoutToken) {
      found.push(timeoutToken);
    } else if (!Number.isInteger(timeout) || timeout < LIMITS.integrationTimeoutMin.toMilliseconds()) {
      found.push(problem(RULES.integrationTimeout, `${timeout} ms`));
    }
    const memory = p.proxyMemorySize;
    if (memory !== undefined && !Token.isUnresolved(memory) && (!Number.isInteger(memory) || memory < 128 || memory > 10240)) {
      found.push(problem(RULES.lambdaMemory, memory));
    }
    if (p.cors) {
      const origins = p.cors.allowOrigins;
      if (origins.length === 0) { found.push(problem(RULES.cors, '[]', 'no origin')); }
      for (const origin of origins) {
        if (origin !== '*' && !/^[a-z][a-z0-9+.-]*:\/\/[^/\s'"]+$/i.test(origin)) { found.push(problem(RULES.cors, origin)); }
      }
      if (origins.includes('*') && (origins.length > 1 || p.cors.allowCredentials)) {
        found.push(problem(RULES.cors, origins.join(','), origins.length > 1 ? '"*" mixed with origins' : '"*" with allowCredentials'));
      }
    }
    return found;
  }

  /** Whole-group checks, once everything is defined. */
  private groupProblems(): Problem[] {
    const found: Problem[] = [];
    const max = this.props.maxRestResources ?? LIMITS.restResourcesPerApi;
    const count = this.tree.resources.length - 1; // the root resource is not counted against the quota
    if (count > max) {
      found.push(problem(RULES.restResources, count, `the group's paths need ${count} resources, the limit is ${max}`));
    }
    return found;
  }

  private assertOpen(child: Construct): void {
    if (this.finalised) {
      throw new Error(`${child.node.path}: cannot be added to API group ${this.node.path} after it was synthesized`);
    }
  }
}

function nativeNote(variables: string[]): string {
  return variables.map(v => v === '$context.reqUri' ? `${v} renders as the path without query string` : `${v} renders empty`).join('; ');
}
