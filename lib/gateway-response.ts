import { Construct } from 'constructs';
import type { ApiGroup } from './api-group';
import { renderGatewayResponse } from './interop/render-preview';
import { GatewayResponseRenderOptions, RenderedGatewayResponse } from './interop/response-preview';
import { RULES } from './limits';
import { checkBody, checkHeaders, checkStatusCode, Problem, problem, throwIf } from './private/checks';
import { ResponseRule } from './response-rule';
import { ResponseType } from './response-type';

/** Options of a gateway response. */
export interface GatewayResponseOptions {
  /**
   * Rules that customise response types; a type without a rule keeps its built-in default.
   *
   * @default - every type keeps its default
   */
  readonly rules?: ResponseRule[];
}

/** Properties of a GatewayResponse. */
export interface GatewayResponseProps extends GatewayResponseOptions {
  /**
   * The response's name: 1-64 letters, digits, `-` or `_`, unique in its group.
   * `default` is reserved for the group's built-in response.
   */
  readonly responseName: string;
}

/** A rule with every default applied: what the runtime and the native responses render. */
export interface ResolvedRule {
  /** The response type. */
  readonly type: ResponseType;
  /**
   * The status code.
   *
   * @default - none for DEFAULT_4XX and DEFAULT_5XX without a rule: the original status is kept
   */
  readonly statusCode?: number;
  /** The body template. */
  readonly body: string;
  /** The header templates. */
  readonly headers: { [name: string]: string };
  /** True when the user customised this type. */
  readonly customised: boolean;
}

/**
 * A named gateway response of an API group: the error replies the gateway produces for the APIs
 * that select it. Define one with `ApiGroup.addGatewayResponse()`; every group also has its
 * `default` response (`ApiGroup.defaultResponse`).
 */
export class GatewayResponse extends Construct {
  /** Huawei APIG's default body, the same for every response type. */
  public static readonly DEFAULT_BODY =
    '{"error_code":"$context.error.code","error_msg":"$context.error.message","request_id":"$context.requestId"}';

  /** The response's name in its group. */
  public readonly responseName: string;

  private readonly customRules = new Map<string, ResponseRule>();

  /**
   * Defines a gateway response in `group`. `group.addGatewayResponse(name)` is the shorter way.
   *
   * @throws ApiGroupValidationError if the name is invalid or taken, or the group already has 4 custom responses
   */
  constructor(group: ApiGroup, id: string, props: GatewayResponseProps) {
    super(group, id);
    this.responseName = props.responseName;
    group._registerResponse(this);
    for (const r of props.rules ?? []) {
      this.addRule(r);
    }
  }

  /** True for the group's built-in `default` response. */
  public get isDefault(): boolean {
    return this.responseName === 'default';
  }

  /** The customised rules, in the order they were added. */
  public get rules(): ResponseRule[] {
    return [...this.customRules.values()];
  }

  /**
   * Customises one response type. Each type may have one rule per response.
   *
   * @throws ApiGroupValidationError if the rule breaks a limit (status, body, headers) or its type already has a rule
   */
  public addRule(rule: ResponseRule): void {
    if (this.customRules.has(rule.type.name)) {
      throwIf(this, problem(RULES.ruleType, rule.type.name, `response "${this.responseName}" already has a rule for it`));
    }
    for (const found of GatewayResponse.checkRule(rule)) {
      throwIf(this, { rule: found.rule, message: `rule ${rule.type.name}: ${found.message}` });
    }
    this.customRules.set(rule.type.name, rule);
  }

  /** The rule of `type` with every default applied. */
  public ruleFor(type: ResponseType): ResolvedRule {
    const custom = this.customRules.get(type.name);
    return {
      type,
      statusCode: custom?.statusCode ?? type.defaultStatusCode,
      body: custom?.body ?? GatewayResponse.DEFAULT_BODY,
      headers: { ...(custom?.headers ?? {}) },
      customised: custom !== undefined,
    };
  }

  /**
   * Renders a gateway error of `type` with this response's rule, with the renderer the group's
   * proxy runs (status, headers with the group's CORS headers, body): for unit tests and previews.
   */
  public render(type: ResponseType, options: GatewayResponseRenderOptions = {}): RenderedGatewayResponse {
    return renderGatewayResponse(this.node.scope as ApiGroup, this, type, options);
  }

  private static checkRule(rule: ResponseRule): Problem[] {
    const found: Problem[] = [];
    if (!(rule.type instanceof ResponseType)) {
      found.push(problem(RULES.ruleType, String(rule.type), 'not a ResponseType'));
    }
    if (rule.statusCode !== undefined) {
      const status = checkStatusCode(rule.statusCode);
      if (status) { found.push(status); }
    }
    if (rule.body !== undefined) {
      const body = checkBody(rule.body);
      if (body) { found.push(body); }
    }
    found.push(...checkHeaders(rule.headers ?? {}));
    return found;
  }

}
