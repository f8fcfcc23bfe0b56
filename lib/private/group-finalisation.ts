import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import type { Api } from '../api';
import type { ApiGroupProps } from '../api-group';
import type { AppCredential } from '../app-credential';
import type { CustomAuthorizer, ThirdPartyAuthorizer } from '../authorizers';
import type { BackendBindContext } from '../backend';
import type { Environment } from '../environment';
import type { GatewayResponse } from '../gateway-response';
import { BundledAuthorizer, grantAuthentication, invokedAuthorizer } from './bundled-authorizer';
import type { EnvReference } from './config-document';
import { configFiles } from './config-files';
import { withWarnings } from './definition/deployment-report';
import { defineRestApi, exposurePlanOf, RestApiDefinition } from './definition/rest-api-definition';
import { addAuthToDeploymentId, addServedToDeploymentId } from './deployment-id';
import { warnAboutEnvironmentHosts } from './backend-host-risks';
import { wireEnvironments } from './environment-stages';
import { DirectSelection, selectDirect } from './direct/direct-selection';
import { DeferredAssetCode } from './handler-asset';
import { addLocalMetadata } from './local-metadata';
import { buildRuntimeConfig } from './runtime-config';
import { warnAboutUnchargedSignatures } from './signature-warnings';
import { iamResourcesOf, privateApiStatements } from './stage-options';
import { warnAboutStageThrottles } from './throttle-warnings';
import { CalledService, calledServices, createServiceEndpoints, VpcPlacement } from './vpc-access';
import { WARN, warnAboutNativeRendering, warnAboutUnusableDeclarations } from './warnings';

/** Everything a group has declared, as its finalisation reads it. */
export interface DeclaredGroup {
  readonly group: Construct;
  readonly props: ApiGroupProps;
  readonly groupName: string;
  readonly stageName: string;
  readonly metricsNamespace: string;
  readonly integrationTimeout: Duration;
  readonly restApi: apigw.SpecRestApi;
  readonly proxyFunction: lambda.Function;
  readonly proxyAlias?: lambda.Alias;
  readonly proxyCode: DeferredAssetCode;
  readonly authorizer?: BundledAuthorizer;
  readonly authorizerCode: DeferredAssetCode;
  readonly defaultResponse: GatewayResponse;
  readonly responses: GatewayResponse[];
  readonly apis: Api[];
  readonly apps: AppCredential[];
  readonly customAuthorizers: CustomAuthorizer[];
  readonly thirdPartyAuthorizers: ThirdPartyAuthorizer[];
  readonly environments: readonly Environment[];
  readonly refusalUsage?: { readonly key: string; readonly plan: apigw.UsagePlan };
  readonly placement?: VpcPlacement;
  readonly privateEndpoints: readonly ec2.IInterfaceVpcEndpoint[];
  readonly resourcePolicy?: iam.PolicyDocument;
  /** The deploy-time values the configuration refers to, by value (filled while it is built). */
  readonly deployTimeValues: ReadonlyMap<string, string>;
  readonly deployTimeValue: (value: string) => EnvReference;
  readonly backendContext: (api: Api) => BackendBindContext;
}

/** What finalisation decided, for the group's synth-time checks and its report. */
export interface FinalisedGroup {
  readonly definition: RestApiDefinition;
  readonly calledServices: CalledService[];
}

/**
 * The definition step, once every declaration is in (an aspect runs it before synthesis): the
 * proxy's and authorizer's configuration document, the REST API's OpenAPI document, and the
 * wiring that depends on the whole group (environments, resource policy, VPC endpoints,
 * deployment id, the local gateway's metadata). The order is the template's: keep it.
 */
export function finaliseGroup(g: DeclaredGroup): FinalisedGroup {
  warnAboutNativeRendering(g.defaultResponse);
  warnAboutUnusableDeclarations({
    group: g.group, groupName: g.groupName, responses: g.responses, apis: g.apis, restApi: g.restApi,
  });

  warnAboutUnchargedSignatures(g.apis);
  grantAuthentication({
    apis: g.apis, apps: g.apps, customAuthorizers: g.customAuthorizers, proxy: g.proxyFunction, authorizer: g.authorizer,
  });

  // Which APIs API Gateway integrates directly, then the REST API's resources: an exposed PREFIX
  // API's own resources and a direct API's resource go into the configuration document.
  const direct = selectDirect(g.apis, {
    defaultResponse: g.defaultResponse,
    cors: g.props.cors !== undefined,
    accessControl: g.props.accessControl !== undefined,
    vpc: g.placement !== undefined,
    environments: g.environments.map(e => e.environmentName),
  }, g.props.directIntegration);
  const plan = exposurePlanOf({
    apis: g.apis, cors: g.props.cors, usagePlans: g.refusalUsage !== undefined, maxRestResources: g.props.maxRestResources, direct,
  });
  const directResources = new Map(plan.decisions.filter(d => d.direct).map(d => [d.api.id, d.resourcePath!]));
  const ownResources = new Map(plan.decisions.filter(d => d.ownResources).map(d => [d.api.id, d.ownResources!]));
  const config = buildRuntimeConfig({
    groupName: g.groupName,
    stageName: g.stageName,
    responses: g.responses,
    apis: g.apis,
    cors: g.props.cors,
    backendContext: g.backendContext,
    accessControl: g.props.accessControl,
    apps: g.apps,
    customAuthorizers: g.customAuthorizers,
    thirdPartyAuthorizers: g.thirdPartyAuthorizers,
    refusalUsageKey: g.refusalUsage?.key,
    binaryMediaTypes: g.props.binaryMediaTypes,
    deployTimeValue: g.deployTimeValue,
    metricsNamespace: g.metricsNamespace,
    environments: g.environments.map(e => e.environmentName),
    ownResources: api => ownResources.get(api.apiId),
    directResource: api => directResources.get(api.apiId),
  });
  const document = configFiles(config);
  g.proxyCode.stage(g.proxyFunction, 'proxy', document);
  if (g.authorizer) {
    g.authorizerCode.stage(g.authorizer.fn, 'authorizer', document);
  }
  // Both functions load the same document, so both get every deploy-time value it refers to.
  for (const [value, name] of g.deployTimeValues) {
    g.proxyFunction.addEnvironment(name, value);
    g.authorizer?.fn.addEnvironment(name, value);
  }

  const definition = defineRestApi({
    scope: g.group,
    groupName: g.groupName,
    description: g.props.description,
    apis: g.apis,
    defaultResponse: g.defaultResponse,
    cors: g.props.cors,
    usagePlans: g.refusalUsage !== undefined,
    integrationTimeout: g.integrationTimeout,
    // With keepWarm, API Gateway invokes the aliases (provisioned concurrency never serves the unqualified ARN).
    proxyFunctionArn: (g.proxyAlias ?? g.proxyFunction).functionArn,
    authorizerFunctionArn: g.authorizer ? invokedAuthorizer(g.authorizer).functionArn : undefined,
    maxRestResources: g.props.maxRestResources,
    otherAuthorizers: authorizersAddedTo(g.restApi),
    plan,
    direct,
  });
  const directApis = g.apis.filter(a => directResources.has(a.apiId));
  allowDirectInvocations(g.restApi, directApis, direct);
  for (const api of directApis.filter(a => a._proxyMetricsUsed)) {
    Annotations.of(api).addWarningV2(WARN.directApiMetrics,
      `${api.method} ${api.path} is integrated directly: the proxy never sees its requests, so its per-API metrics (metricRequests, ` +
      'metricLatency, metricBackendLatency, metricGatewayErrors) stay empty; API Gateway\'s own metrics of the REST API count it');
  }
  if (!definition.plan.catchAll) {
    const rootVariable = definition.plan.resources.find(r => /^\/\{[^/]+\}$/.test(r.path))?.path;
    Annotations.of(g.group).addWarningV2(WARN.noCatchAll,
      `the root already has the variable resource ${rootVariable}, so no catch-all /{proxy+} can be defined: ` +
      'requests to paths below no declared resource get API Gateway\'s MISSING_AUTHENTICATION_TOKEN response instead of NOT_FOUND');
  }
  warnAboutStageThrottles(g.apis, g.environments);
  warnAboutEnvironmentHosts(g.apis, g.environments);
  // The report collects every warning of the group, this step's included.
  const reported = { ...definition, report: withWarnings(definition.report, warningsUnder(g.group)) };
  const plans = [g.refusalUsage?.plan, ...g.apps.map(a => a.usagePlan)].filter((p): p is apigw.UsagePlan => p !== undefined);
  wireEnvironments(g.restApi, g.environments, definition.plan.methodSettings, plans);
  g.resourcePolicy?.addStatements(...privateApiStatements(g.privateEndpoints, iamResourcesOf(g.apis)));
  const called = calledServices(g.apis, g.apps, g.customAuthorizers);
  if (g.placement && g.props.createVpcEndpoints) {
    createServiceEndpoints(g.group, g.placement, called,
      [g.proxyFunction, ...(g.authorizer ? [g.authorizer.fn] : [])]);
  }
  addServedToDeploymentId(g.restApi, {
    routes: g.apis.map(a => `${a.method} ${a.path}`),
    stageThrottle: g.props.throttle,
    methodSettings: definition.plan.methodSettings,
  });
  addAuthToDeploymentId(g.restApi, config, {
    stage: g.props.throttle,
    apis: g.apis.filter(a => a.throttle).map(a => ({ id: a.apiId, throttle: a.throttle })),
    apps: g.apps.filter(a => a.limited).map(a => ({ name: a.appName, throttle: a.throttle, quota: a.quota })),
  });
  addLocalMetadata({ groupName: g.groupName, restApi: g.restApi, proxyFunction: g.proxyFunction, authorizerFunction: g.authorizer?.fn });
  return { definition: reported, calledServices: called };
}

/**
 * A direct function backend is invoked by API Gateway itself: the function's resource policy must
 * allow it, for that API's method only (a resource-based statement, which also works for imported
 * functions of the account, unlike `IFunction.addPermission`).
 */
function allowDirectInvocations(restApi: apigw.SpecRestApi, apis: readonly Api[], selection: DirectSelection): void {
  for (const api of apis) {
    const backend = selection.assessments.get(api.apiId)?.backend;
    if (backend?.kind !== 'FUNCTION') { continue; }
    const target = api._executeApiTarget();
    new lambda.CfnPermission(api, 'DirectInvokePermission', {
      action: 'lambda:InvokeFunction',
      functionName: backend.handler.functionArn,
      principal: 'apigateway.amazonaws.com',
      sourceArn: restApi.arnForExecuteApi(target.method, target.path, '*'),
    });
  }
}

/** Authorizers added to `restApi` by hand (escape hatch): they count against the quota with the group's. */
function authorizersAddedTo(restApi: apigw.IRestApi): number {
  const stack = Stack.of(restApi);
  const restApiId = JSON.stringify(stack.resolve(restApi.restApiId));
  return stack.node.findAll()
    .filter((c): c is apigw.CfnAuthorizer => c instanceof apigw.CfnAuthorizer)
    .filter(c => JSON.stringify(stack.resolve(c.restApiId)) === restApiId).length;
}

/** The texts of the warnings annotated on `scope` and below (for the deployment report). */
function warningsUnder(scope: IConstruct): string[] {
  return scope.node.findAll()
    .flatMap(c => c.node.metadata.filter(m => m.type === 'aws:cdk:warning'))
    .map(m => String(m.data));
}
