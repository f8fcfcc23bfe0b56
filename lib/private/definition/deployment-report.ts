import { formatAll, Problem } from '../checks';
import type { DirectSelection } from '../direct/direct-selection';
import { ExposurePlan, ExposureReason, PlannedResource } from './exposure';
import { QuotaCount, QuotaUsage } from './quotas';

/**
 * The deployment report of a group (DESIGN section 11): the quotas it uses, which APIs API
 * Gateway sees individually and why, which ride the catch-all, and what degrades natively. Written
 * into the cloud assembly at synth and printed by the main job; JSON for tools, text for people.
 */
export const DEPLOYMENT_REPORT_VERSION = 1;

export interface ReportedApi {
  readonly id: string;
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly constructPath: string;
  /** The resource it is declared on (individually seen APIs). */
  readonly resource?: string;
  readonly reasons?: ExposureReason[];
  readonly note?: string;
  /** Where an API not seen individually really rides: the methods of the document that receive its requests. */
  readonly ridesOn?: RiddenMethod[];
  /** `direct`: API Gateway calls the backend itself; `proxy`: the proxy does (README "Direct integration"). */
  readonly integration: 'direct' | 'proxy';
  /** Why a proxied API is not direct, or what a direct API marked `direct: true` accepted to lose. */
  readonly integrationNotes?: string[];
}

/** A method of the document that receives the requests of an API it does not declare. */
export interface RiddenMethod {
  readonly resource: string;
  /** ANY (the proxy's fallback, or an exposed ANY API's method) or the API's own method. */
  readonly method: string;
  /** The method carries the REQUEST authorizer. */
  readonly authorizer: boolean;
  /** The API whose method it is, when another API's method (one that needs no check the rider lacks) receives them. */
  readonly declaredBy?: string;
}

export interface DeploymentReport {
  readonly version: number;
  readonly group: string;
  readonly quotas: {
    readonly apiGatewayResources?: QuotaCount;
    readonly authorizers?: QuotaCount;
    readonly stackResources?: QuotaCount;
    readonly templateBytes?: QuotaCount;
    /** CloudFormation resources defined by the group itself. */
    readonly groupResources?: number;
    /** The OpenAPI document as the template carries it. */
    readonly definitionBytes: number;
  };
  readonly seenIndividually: ReportedApi[];
  /** How many APIs API Gateway integrates directly, and how many the proxy serves. */
  readonly integrations: { readonly direct: number; readonly proxy: number };
  readonly catchAll: {
    /** False when the root's variable resource leaves no room for `/{proxy+}`. */
    readonly defined: boolean;
    readonly carriesAuthorizer: boolean;
    readonly apis: ReportedApi[];
  };
  /** Native behaviour that degrades: the group's warnings, and APIs paying an authorizer call they do not need. */
  readonly degradations: string[];
  /** Quota problems (the synth fails with them). */
  readonly problems: string[];
}

export interface ReportInput {
  readonly group: string;
  readonly plan: ExposurePlan;
  readonly usage: QuotaUsage;
  readonly definitionBytes: number;
  readonly groupResources?: number;
  /** The group's warnings about native rendering (texts as annotated). */
  readonly warnings?: readonly string[];
  readonly problems?: readonly Problem[];
  readonly direct?: DirectSelection;
}

/** The methods that receive the requests of `d`'s API on the resources it lands on. */
function riddenMethods(d: ExposurePlan['decisions'][number], resources: ReadonlyMap<string, PlannedResource>, names: ReadonlyMap<string, string>): RiddenMethod[] {
  const found: RiddenMethod[] = [];
  for (const path of d.landsOn ?? []) {
    const resource = resources.get(path);
    if (!resource) { continue; }
    const own = d.api.method === 'ANY' ? undefined : resource.methods.find(m => m.kind === 'api' && m.httpMethod === d.api.method);
    const method = own ?? resource.methods.find(m => m.httpMethod === 'ANY');
    if (!method) { continue; }
    found.push({
      resource: path,
      method: method.httpMethod,
      authorizer: method.authorizer,
      ...(method.kind === 'api' && method.apiId !== undefined ? { declaredBy: names.get(method.apiId) ?? method.apiId } : {}),
    });
  }
  return found;
}

export function buildDeploymentReport(input: ReportInput): DeploymentReport {
  const { plan } = input;
  const resources = new Map(plan.resources.map(r => [r.path, r] as const));
  const names = new Map(plan.decisions.map(d => [d.api.id, d.api.name] as const));
  const reported = (d: ExposurePlan['decisions'][number]): ReportedApi => ({
    id: d.api.id,
    name: d.api.name,
    method: d.api.method,
    path: d.api.path,
    constructPath: d.api.constructPath,
    ...(d.resourcePath !== undefined ? { resource: d.resourcePath } : {}),
    ...(d.exposed ? { reasons: d.reasons } : {}),
    ...(d.note !== undefined ? { note: d.note } : {}),
    ...(!d.exposed ? { ridesOn: riddenMethods(d, resources, names) } : {}),
    integration: d.direct ? 'direct' : 'proxy',
    ...integrationNotes(d, input.direct),
  });
  const catchAllResources = plan.resources.filter(r => r.path === '/' || (r.closure && r.path.lastIndexOf('/') === 0));
  const carriesAuthorizer = catchAllResources.some(r => r.methods.some(m => m.kind === 'fallback' && m.authorizer));
  const paying = plan.decisions.filter(d => !d.exposed && d.note !== undefined)
    .map(d => `API ${d.api.name} (${d.api.method} ${d.api.path}) ${d.note}`);
  return {
    version: DEPLOYMENT_REPORT_VERSION,
    group: input.group,
    quotas: {
      ...(input.usage.apiGatewayResources ? { apiGatewayResources: input.usage.apiGatewayResources } : {}),
      ...(input.usage.authorizers ? { authorizers: input.usage.authorizers } : {}),
      ...(input.usage.stackResources ? { stackResources: input.usage.stackResources } : {}),
      ...(input.usage.templateBytes ? { templateBytes: input.usage.templateBytes } : {}),
      ...(input.groupResources !== undefined ? { groupResources: input.groupResources } : {}),
      definitionBytes: input.definitionBytes,
    },
    seenIndividually: plan.decisions.filter(d => d.exposed).map(reported),
    integrations: { direct: plan.decisions.filter(d => d.direct).length, proxy: plan.decisions.filter(d => !d.direct).length },
    catchAll: {
      defined: plan.catchAll,
      carriesAuthorizer,
      apis: plan.decisions.filter(d => !d.exposed).map(reported),
    },
    degradations: [...(input.warnings ?? []), ...paying],
    problems: formatAll([...(input.problems ?? [])]),
  };
}

/** Why `d`'s API is not direct, or what it accepted to lose by being direct. */
function integrationNotes(d: ExposurePlan['decisions'][number], selection: DirectSelection | undefined): { integrationNotes?: string[] } {
  const assessment = selection?.assessments.get(d.api.id);
  const notes = d.direct
    ? (assessment?.losses ?? []).map(r => `accepted ${r.code}: ${r.detail}`)
    : [...(selection?.proxiedBecause.get(d.api.id) ?? []), ...(d.directNote !== undefined ? [d.directNote] : [])];
  return notes.length > 0 ? { integrationNotes: notes } : {};
}

/** `report` with the group's warnings leading its degradations (warnings raised once the plan was known included). */
export function withWarnings(report: DeploymentReport, warnings: readonly string[]): DeploymentReport {
  return { ...report, degradations: [...warnings, ...report.degradations] };
}

const REASON_TEXT: Record<ExposureReason, string> = {
  iam: 'IAM',
  throttle: 'own throttle',
  options: 'own OPTIONS (CORS)',
  shadowed: 'shadowed',
  noAuthorizer: 'no authorizer needed',
  direct: 'direct',
};

/** Longest list printed per section in the text rendering (the JSON has them all). */
const TEXT_LIST_MAX = 40;

export function renderDeploymentReport(report: DeploymentReport): string {
  const q = report.quotas;
  const lines: string[] = [`Deployment report of API group ${report.group}`, '', 'Quotas'];
  const quota = (label: string, c: QuotaCount | undefined, unit = ''): void => {
    if (!c) { return; }
    const pct = Math.round((c.used / c.quota) * 100);
    lines.push(`  ${label.padEnd(34)} ${`${c.used}${unit}`.padStart(9)} of ${c.quota}${unit} (${pct}%)${c.used > c.quota ? '  EXCEEDED' : ''}`);
  };
  quota('CloudFormation resources (stack)', q.stackResources);
  if (q.groupResources !== undefined) { lines.push(`  ${'CloudFormation resources (group)'.padEnd(34)} ${String(q.groupResources).padStart(9)}`); }
  quota('API Gateway resources', q.apiGatewayResources);
  quota('Authorizers', q.authorizers);
  quota('Template size', q.templateBytes, ' B');
  lines.push(`  ${'OpenAPI document size'.padEnd(34)} ${`${q.definitionBytes} B`.padStart(9)}`);

  const list = (apis: ReportedApi[], line: (a: ReportedApi) => string): void => {
    for (const a of apis.slice(0, TEXT_LIST_MAX)) { lines.push(`  ${line(a)}`); }
    if (apis.length > TEXT_LIST_MAX) { lines.push(`  ... and ${apis.length - TEXT_LIST_MAX} more (see the JSON report)`); }
  };
  lines.push('', `Seen individually by API Gateway: ${report.seenIndividually.length}`);
  list(report.seenIndividually, a =>
    `${a.method} ${a.path}  ${a.name}  [${(a.reasons ?? []).map(r => REASON_TEXT[r]).join(', ')}]${a.note ? `  ${a.note}` : ''}`);
  const via = report.catchAll.defined ? 'ANY / and ANY /{proxy+}' : 'ANY / (no /{proxy+}: the root has a variable resource)';
  lines.push('', `Not seen individually, served by the proxy through the methods shown: ${report.catchAll.apis.length}`);
  lines.push(`  (the catch-all: ${via}${report.catchAll.carriesAuthorizer ? ', with the authorizer' : ''})`);
  const ride = (r: RiddenMethod): string => {
    const notes = [...(r.declaredBy !== undefined ? [`API ${r.declaredBy}'s method`] : []), r.authorizer ? 'authorizer' : 'no authorizer'];
    return `${r.method} ${r.resource} (${notes.join(', ')})`;
  };
  list(report.catchAll.apis, a => `${a.method} ${a.path}  ${a.name}${(a.ridesOn ?? []).length > 0 ? `  via ${a.ridesOn!.map(ride).join(', ')}` : ''}`);
  const all = [...report.seenIndividually, ...report.catchAll.apis];
  lines.push('', `Integration: ${report.integrations.direct} direct (API Gateway calls the backend), ${report.integrations.proxy} through the proxy`);
  // Every direct API, and the proxied ones that were asked to go direct (their notes say why they did not).
  const integrated = (a: ReportedApi): string => `${a.integration.padEnd(6)}  ${a.method} ${a.path}  ${a.name}${(a.integrationNotes ?? []).map(n => `\n      ${n}`).join('')}`;
  list([...all.filter(a => a.integration === 'direct'), ...all.filter(a => a.integration === 'proxy' && a.integrationNotes !== undefined)], integrated);
  lines.push('', `Degrades natively: ${report.degradations.length === 0 ? 'nothing' : report.degradations.length}`);
  for (const d of report.degradations) { lines.push(`  - ${d}`); }
  if (report.problems.length > 0) {
    lines.push('', 'Quota problems (synth fails)');
    for (const p of report.problems) { lines.push(`  - ${p}`); }
  }
  return lines.join('\n') + '\n';
}
