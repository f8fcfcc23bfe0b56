import { Lazy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { Api } from '../api';
import { AuthType } from '../auth';
import { LIMITS, RULES } from '../limits';
import { problem, throwIf } from './checks';

/**
 * `execute-api:Invoke` grants of a group's IAM APIs, kept within IAM's policy size limits
 * (issue 14 item 20: 160 IAM APIs × 3 environments once wrote one 82,380-character inline policy,
 * where IAM allows 10,240 characters of inline policies per role).
 *
 * Every grant of the group to one grantee is collected into one set of ARNs, each stage named (no
 * wildcard: least privilege, and nothing for cdk-nag's IAM5 to flag), listed at synthesis. The ARNs
 * that fit the inline budget go into one statement of the grantee's own policy (as any aws-cdk
 * grant does); the rest, when the grantee is a role, into customer managed policies attached to it
 * (at most 6,144 characters each, and at most 10 per role by IAM's default quota). A grant that
 * still does not fit is a synth error naming the grantee, with what to do.
 *
 * Sizes are estimated as IAM counts them (whitespace excluded) with each deploy-time part at its
 * longest: partition `aws-us-gov`, a 14-character region, a 12-digit account and a 10-character
 * REST API id.
 */

/** Budget of the inline statement: IAM's 10,240 per role, leaving room for the role's other statements. */
const INLINE_BUDGET = 6_000;
/** IAM's limit for one managed policy, less the document's own envelope. */
const MANAGED_BUDGET = 6_144 - 200;
/** `arn:aws-us-gov:execute-api:ap-southeast-4:123456789012:abcdefghij` plus quotes and a comma. */
const ARN_FIXED_PART = 'arn:aws-us-gov:execute-api:ap-southeast-4:123456789012:abcdefghij'.length + 3;

/** The estimated length of one ARN in a policy document. */
export function arnSize(api: Api, stage: string): number {
  const { method, path } = api._executeApiTarget();
  return ARN_FIXED_PART + `/${stage}/${method}${path}`.length;
}

interface GranteeState {
  readonly grantee: iam.IGrantable;
  readonly apis: Set<Api>;
  readonly grant: iam.Grant;
  /** The ARNs beyond the inline budget, and their sizes; computed once at synthesis. */
  split?: { readonly inline: string[]; readonly managed: string[][] };
}

/** The group's grants, by grantee. */
export class InvokeGrants {
  private readonly grantees = new Map<iam.IPrincipal, GranteeState>();

  constructor(private readonly scope: Construct) {}

  /** Grants `grantee` invoke on `apis` (added to what it was granted before). */
  public grant(grantee: iam.IGrantable, apis: readonly Api[]): iam.Grant {
    let state = this.grantees.get(grantee.grantPrincipal);
    if (state === undefined) {
      const apiSet = new Set<Api>();
      const holder: { state?: GranteeState } = {};
      const grant = iam.Grant.addToPrincipal({
        grantee,
        actions: ['execute-api:Invoke'],
        resourceArns: Lazy.list({ produce: () => this.splitOf(holder.state!).inline }),
      });
      state = { grantee, apis: apiSet, grant };
      holder.state = state;
      this.grantees.set(grantee.grantPrincipal, state);
    }
    for (const api of apis) { state.apis.add(api); }
    return state.grant;
  }

  /**
   * Called when the group is finalised: checks every grantee's size and attaches the managed
   * policies of those whose ARNs do not fit inline.
   */
  public finalise(): void {
    let index = 0;
    for (const state of this.grantees.values()) {
      const { managed } = this.splitOf(state);
      const role = state.grantee.grantPrincipal as Partial<iam.IRole>;
      if (managed.length === 0) { index += 1; continue; }
      const isRole = typeof role.addManagedPolicy === 'function' && role.roleName !== undefined;
      if (!isRole || managed.length > LIMITS.managedPoliciesPerRole) {
        const total = [...state.apis].reduce((n, api) => n + api._invokeArns().length, 0);
        throwIf(this.scope, problem(RULES.invokeGrantSize, `${total} ARNs for ${describe(state.grantee)}`,
          isRole ? `they need ${managed.length} managed policies besides the inline statement, more than IAM's ${LIMITS.managedPoliciesPerRole} per role`
            : 'they do not fit one inline policy and the grantee is not a role, which could hold managed policies'));
      }
      managed.forEach((arns, i) => {
        const policy = new iam.ManagedPolicy(this.scope, `InvokeGrant${index}Part${i + 1}`, {
          description: `execute-api:Invoke on IAM APIs of ${this.scope.node.path} (part ${i + 1} of ${managed.length}, beyond the inline policy)`,
          statements: [new iam.PolicyStatement({ actions: ['execute-api:Invoke'], resources: arns })],
        });
        role.addManagedPolicy!(policy);
      });
      index += 1;
    }
  }

  private splitOf(state: GranteeState): { inline: string[]; managed: string[][] } {
    if (state.split) { return state.split; }
    const inline: string[] = [];
    const managed: string[][] = [];
    let used = 0;
    let overflowed = false;
    let chunkUsed = 0;
    const seen = new Set<string>();
    for (const api of state.apis) {
      const group = api.node.scope as unknown as { environments: { environmentName: string }[] };
      const stages = (api.environments ?? group.environments).map(e => e.environmentName);
      api._invokeArns().forEach((arn, i) => {
        // The same API granted twice (group.grantInvoke, then api.grantInvoke) is listed once.
        const key = `${api.node.path}\0${stages[i]}`;
        if (seen.has(key)) { return; }
        seen.add(key);
        const size = arnSize(api, stages[i]);
        if (!overflowed && used + size <= INLINE_BUDGET) {
          inline.push(arn);
          used += size;
          return;
        }
        overflowed = true;
        if (managed.length === 0 || chunkUsed + size > MANAGED_BUDGET) {
          managed.push([]);
          chunkUsed = 0;
        }
        managed[managed.length - 1].push(arn);
        chunkUsed += size;
      });
    }
    state.split = { inline, managed };
    return state.split;
  }
}

function describe(grantee: iam.IGrantable): string {
  const principal = grantee.grantPrincipal as unknown as { node?: { path?: string } };
  return principal.node?.path ?? grantee.grantPrincipal.toString();
}

/**
 * The APIs a `grantInvoke` call covers: the ones given, or every IAM API of the group so far;
 * each must be the group's own and use IAM authentication (a grant on anything else would allow nothing).
 */
export function invokeTargetsOf(group: Construct, apis: readonly Api[], groupApis: readonly Api[]): Api[] {
  const targets = apis.length > 0 ? [...apis] : groupApis.filter(a => a.auth.authType === AuthType.IAM);
  if (targets.length === 0) {
    throw new Error(`${group.node.path}: grantInvoke found no API with IAM authentication (ApiAuth.iam())`);
  }
  for (const api of targets) {
    if (api.node.scope !== group) {
      throw new Error(`${group.node.path}: grantInvoke: API ${api.node.path} belongs to another group`);
    }
  }
  for (const api of targets) {
    if (api.auth.authType !== AuthType.IAM) {
      throw new Error(`${api.node.path}: grantInvoke needs IAM authentication (ApiAuth.iam()), the API uses ${api.auth.authType}`);
    }
  }
  return targets;
}
