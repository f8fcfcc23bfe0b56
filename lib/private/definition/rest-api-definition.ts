import { Duration, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import type { Api } from '../../api';
import type { CorsOptions } from '../../cors';
import type { GatewayResponse } from '../../gateway-response';
import { LIMITS } from '../../limits';
import { formatAll, Problem } from '../checks';
import type { DirectOperationInput } from '../direct/direct-operation';
import { DirectSelection, directOperationInput } from '../direct/direct-selection';
import { apiShapeOf } from './api-shape';
import { buildDeploymentReport, DeploymentReport } from './deployment-report';
import { ExposurePlan, planExposure } from './exposure';
import { unimportablePathProblems } from './importable-paths';
import { buildOpenApiDocument, lambdaInvocationUri, OpenApiDocument } from './openapi-document';
import { countCfnResources, quotaProblems, QuotaUsage, templateBytesOf } from './quotas';

/**
 * The definition step (DESIGN section 11): a group's declaration → the exposure plan → the
 * OpenAPI document of its REST API, the quota problems and the deployment report.
 */
export interface RestApiDefinitionInput {
  /** The group (sizes are measured as its stack's template carries them). */
  readonly scope: IConstruct;
  readonly groupName: string;
  readonly description?: string;
  readonly apis: readonly Api[];
  /** The group's `default` response (API Gateway's own responses are translated from it). */
  readonly defaultResponse: GatewayResponse;
  readonly cors?: CorsOptions;
  /** True when the group has per-app usage plans (API keys come from the authorizer). */
  readonly usagePlans: boolean;
  readonly integrationTimeout: Duration;
  readonly proxyFunctionArn: string;
  /** The bundled authorizer's ARN: required when an API uses app, custom or third-party auth. */
  readonly authorizerFunctionArn?: string;
  /** @default 300 */
  readonly maxRestResources?: number;
  /** Authorizers on the REST API besides the group's own (added by hand). @default 0 */
  readonly otherAuthorizers?: number;
  /** The group's warnings about native rendering, for the report. */
  readonly warnings?: readonly string[];
  /** The exposure plan, when already made with exposurePlanOf (the same input). */
  readonly plan?: ExposurePlan;
  /** Which APIs go direct (direct-selection.ts). */
  readonly direct?: DirectSelection;
}

/** The exposure plan of a group's APIs (which API Gateway sees individually, and the resources). */
export function exposurePlanOf(input: Pick<RestApiDefinitionInput, 'apis' | 'cors' | 'usagePlans' | 'maxRestResources' | 'direct'>): ExposurePlan {
  return planExposure(input.apis.map(apiShapeOf), {
    cors: input.cors !== undefined,
    usagePlans: input.usagePlans,
    maxResources: input.maxRestResources,
    direct: input.direct?.forced,
    directCandidates: input.direct?.candidates,
  });
}

export interface RestApiDefinition {
  readonly plan: ExposurePlan;
  /** The REST API's `Body` (tokens inside; CloudFormation resolves them). */
  readonly document: OpenApiDocument;
  /** Routes API Gateway cannot express and quotas exceeded: the synth must fail with these. */
  readonly problems: Problem[];
  readonly report: DeploymentReport;
}

export function defineRestApi(input: RestApiDefinitionInput): RestApiDefinition {
  const plan = input.plan ?? exposurePlanOf(input);
  const document = buildOpenApiDocument({
    title: input.groupName,
    description: input.description,
    plan,
    defaultResponse: input.defaultResponse,
    cors: input.cors,
    usagePlans: input.usagePlans,
    integrationTimeout: input.integrationTimeout,
    proxyUri: lambdaInvocationUri(input.proxyFunctionArn),
    authorizerUri: input.authorizerFunctionArn !== undefined ? lambdaInvocationUri(input.authorizerFunctionArn) : undefined,
    direct: directOperations(input.apis, plan, input.direct),
  });
  const usage: QuotaUsage = {
    apiGatewayResources: { used: plan.resourceCount, quota: plan.maxResources },
    authorizers: { used: (plan.usesAuthorizer ? 1 : 0) + (input.otherAuthorizers ?? 0), quota: LIMITS.authorizersPerRestApi },
  };
  const problems = [...plan.problems, ...(input.direct?.problems ?? []), ...unimportablePathProblems(plan), ...quotaProblems(usage, plan)];
  const report = buildDeploymentReport({
    group: input.groupName,
    plan,
    usage,
    definitionBytes: templateBytesOf(input.scope, document),
    groupResources: countCfnResources(input.scope),
    warnings: input.warnings,
    problems,
    direct: input.direct,
  });
  return { plan, document, problems, report };
}

/** The document's integration input of each API the plan made direct. */
function directOperations(apis: readonly Api[], plan: ExposurePlan, selection: DirectSelection | undefined): Map<string, DirectOperationInput> {
  const byId = new Map(apis.map(a => [a.apiId, a] as const));
  const out = new Map<string, DirectOperationInput>();
  for (const decision of plan.decisions) {
    const assessment = decision.direct ? selection?.assessments.get(decision.api.id) : undefined;
    if (assessment) { out.set(decision.api.id, directOperationInput(byId.get(decision.api.id)!, assessment)); }
  }
  return out;
}

/**
 * The stack-wide quotas, once the whole stack is defined (run from a validation, which sees every
 * construct): adds the stack's CloudFormation resources and template size (when the template can
 * be measured) to the report, and returns the problems.
 */
export function checkStackQuotas(definition: RestApiDefinition, stackTemplate: unknown | undefined, stackResources: number,
  /** The template file's indentation (aws-cdk-lib writes 1 space unless the stack suppresses it). */
  indent?: number): {
  readonly report: DeploymentReport; readonly problems: Problem[];
} {
  const usage = {
    stackResources: { used: stackResources, quota: LIMITS.cfnResourcesPerStack },
    ...(stackTemplate !== undefined
      ? { templateBytes: { used: Buffer.byteLength(JSON.stringify(stackTemplate, undefined, indent), 'utf8'), quota: LIMITS.templateBytes } }
      : {}),
  };
  const problems = quotaProblems(usage, definition.plan);
  const report: DeploymentReport = {
    ...definition.report,
    quotas: { ...definition.report.quotas, ...usage },
    problems: [...definition.report.problems, ...formatAll(problems)],
  };
  return { report, problems };
}

/**
 * Measures the stack of `scope` and checks its quotas. The template is only rendered when the
 * stack holds no more resources than CloudFormation allows (aws-cdk-lib refuses to render it
 * otherwise, with a message that says less than ours).
 */
export function checkStackQuotasOf(scope: IConstruct, definition: RestApiDefinition): ReturnType<typeof checkStackQuotas> {
  // aws-cdk-lib's own rendering of the template and its indentation (internal, but what synthesis writes).
  const stack = Stack.of(scope);
  const internals = stack as unknown as { _toCloudFormation(): unknown; _suppressTemplateIndentation?: boolean };
  const resources = countCfnResources(stack);
  const template = resources <= LIMITS.cfnResourcesPerStack ? internals._toCloudFormation() : undefined;
  return checkStackQuotas(definition, template, resources, internals._suppressTemplateIndentation ? undefined : 1);
}
