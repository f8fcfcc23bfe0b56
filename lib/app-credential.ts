import * as crypto from 'crypto';
import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ApiGroup } from './api-group';
import { LIMITS, RULES } from './limits';
import { checkLiteral, Problem, problem, throwIf } from './private/checks';
import type { AppDocument, DeployTimeString } from './private/config-document';
import { quotaProblems, throttleProblems } from './private/throttling';
import { addUsagePlan, usageKeyFor } from './private/usage-plans';

/** Options of an app (Huawei: credential). */
export interface AppCredentialOptions {
  /**
   * The secret holding the app's AppCodes, as JSON: `{"appCode":"<code>"}` or
   * `{"appCodes":["<code>", ...]}` (at most 5 AppCodes of 64-180 characters; several let you
   * rotate without downtime). Callers send one in the `X-Apig-AppCode` header. The group's
   * authorizer may read exactly this secret (and its KMS key, if it has one).
   *
   * @default - a new secret with one AppCode of 64 letters and digits, generated at deploy time
   */
  readonly secret?: secretsmanager.ISecret;

  /**
   * The app's AppKey, which callers put in `Access=` of a signed request (Huawei's app_key): not a
   * secret. Give your own to keep a migrated Huawei app's AppKey.
   *
   * @default - 32 hexadecimal digits derived from the group's and the app's names (the same on every synth)
   */
  readonly appKey?: string;

  /**
   * The secret holding the app's AppSecret, as JSON `{"appSecret":"<secret>"}` (8-128 letters,
   * digits or `_-!@#$%`), the key callers sign requests with. May be the same secret as `secret`
   * (one JSON object holding AppCodes and the AppSecret). The group's authorizer and proxy may
   * read exactly this secret (and its KMS key, if it has one).
   *
   * @default - a new secret with an AppSecret of 64 letters and digits, generated at deploy time
   */
  readonly appSecret?: secretsmanager.ISecret;

  /**
   * The app's request rate limit, enforced natively by API Gateway through a usage plan
   * (THROTTLED). Any app with a throttle or quota gives every app of the group a usage plan.
   *
   * @default - no per-app rate limit (the stage's and APIs' limits still apply)
   */
  readonly throttle?: apigw.ThrottleSettings;

  /**
   * The app's request quota per day, week or month, enforced natively by API Gateway through a
   * usage plan (THROTTLED).
   *
   * @default - no quota
   */
  readonly quota?: apigw.QuotaSettings;

  /**
   * A description of the app (on its secret and usage plan).
   *
   * @default - none
   */
  readonly description?: string;
}

/** Properties of an AppCredential. */
export interface AppCredentialProps extends AppCredentialOptions {
  /** The app's name (`$context.appName`): 3-64 letters, digits or `_`, starting with a letter; unique in the group. */
  readonly appName: string;
}

/**
 * An app (Huawei: credential) of an API group: a caller identity whose AppCodes live in AWS Secrets
 * Manager, never in a template, the runtime configuration or a log. Authorise it for APIs with
 * `ApiAuth.app({ apps: [app] })`; callers send an AppCode in the `X-Apig-AppCode` header.
 * Define one with `ApiGroup.addApp()`.
 */
export class AppCredential extends Construct {
  /** The app's name (`$context.appName`). */
  public readonly appName: string;

  /** Stable id of the app in its group (`$context.appId`): derived from the group and app names. */
  public readonly appId: string;

  /** The secret holding the app's AppCodes. */
  public readonly secret: secretsmanager.ISecret;

  /** The app's AppKey (`Access=` of a signed request): not a secret. */
  public readonly appKey: string;

  /** The secret holding the app's AppSecret (`{"appSecret": "..."}`), which signs requests. */
  public readonly appSecret: secretsmanager.ISecret;

  /**
   * The value of the app's API key in its usage plan. Not a secret: the REST API takes API keys
   * from the authorizer only (key source AUTHORIZER), never from callers.
   */
  public readonly usageKey: string;

  /**
   * The app's rate limit.
   *
   * @default - none
   */
  public readonly throttle?: apigw.ThrottleSettings;

  /**
   * The app's quota.
   *
   * @default - none
   */
  public readonly quota?: apigw.QuotaSettings;

  private readonly description?: string;
  private plan?: apigw.UsagePlan;

  /**
   * Defines an app in `group`. `group.addApp(name, options)` is the shorter way.
   *
   * @throws ApiGroupValidationError if a value breaks a limit
   */
  constructor(group: ApiGroup, id: string, props: AppCredentialProps) {
    super(group, id);
    this.appName = props.appName;
    this.throttle = props.throttle;
    this.quota = props.quota;
    this.description = props.description;
    const found: Problem[] = [];
    const literal = checkLiteral('app name', this.appName);
    if (literal) {
      found.push(literal);
    } else if (!/^[A-Za-z][A-Za-z0-9_]{2,63}$/.test(this.appName)) {
      found.push(problem(RULES.appName, this.appName));
    }
    found.push(...throttleProblems(this.throttle, 'app'), ...quotaProblems(this.quota, 'app'));
    if (props.secret) { found.push(...appSecretProblems(props.secret)); }
    if (props.appKey !== undefined && !Token.isUnresolved(props.appKey) && !APP_KEY.test(props.appKey)) {
      found.push(problem(RULES.appKey, props.appKey));
    }
    if (props.appSecret) { found.push(...signatureSecretProblems(props.appSecret)); }
    for (const f of found) { throwIf(this, f); }

    this.appId = crypto.createHash('sha256').update(`${group.groupName}\0app\0${this.appName}`).digest('hex').slice(0, 32);
    this.appKey = props.appKey ?? crypto.createHash('sha256').update(`${group.groupName}\0appKey\0${this.appName}`).digest('hex').slice(0, 32);
    this.usageKey = usageKeyFor(this);
    this.secret = props.secret ?? this.generatedSecret(group);
    this.appSecret = props.appSecret ?? this.generatedAppSecret(group);
    group._registerApp(this);
  }

  /** True when the app declares a throttle or a quota. */
  public get limited(): boolean {
    return this.throttle !== undefined || this.quota !== undefined;
  }

  /**
   * The app's usage plan (with its API key), present when any app of the group declares a
   * throttle or a quota.
   */
  public get usagePlan(): apigw.UsagePlan | undefined {
    return this.plan;
  }

  /** @internal called by the group when apps get usage plans */
  public _addUsagePlan(group: ApiGroup): void {
    if (this.plan) { return; }
    this.plan = addUsagePlan(this, group, {
      name: `${group.groupName}-${this.appName}`,
      description: this.description ?? `App ${this.appName} of API group ${group.groupName}`,
      throttle: this.throttle,
      quota: this.quota,
      usageKey: this.usageKey,
    });
  }

  /** @internal the runtime document of this app: where its AppCodes are, never the AppCodes */
  public _toDocument(deployTimeValue: (value: string) => DeployTimeString, withUsageKey: boolean): AppDocument {
    const arn = this.secret.secretArn;
    const appSecretArn = this.appSecret.secretArn;
    return {
      id: this.appId,
      name: this.appName,
      secretArn: Token.isUnresolved(arn) ? deployTimeValue(arn) : arn,
      appKey: Token.isUnresolved(this.appKey) ? deployTimeValue(this.appKey) : this.appKey,
      appSecretArn: Token.isUnresolved(appSecretArn) ? deployTimeValue(appSecretArn) : appSecretArn,
      ...(withUsageKey ? { usageKey: this.usageKey } : {}),
    };
  }

  private generatedAppSecret(group: ApiGroup): secretsmanager.ISecret {
    return this.generatedCredential('AppSecret', 'appSecret', 64,
      `AppSecret of app ${this.appName} of API group ${group.groupName} (cdk-api-groups)`,
      'An AppSecret is a signing key its callers hold: rotating it without them would lock them out. Rotate by ' +
      'supplying your own secret (appSecret) and updating it when the callers are ready.');
  }

  private generatedSecret(group: ApiGroup): secretsmanager.ISecret {
    return this.generatedCredential('AppCode', 'appCode', LIMITS.appCodeMinLength,
      this.description ?? `AppCode of app ${this.appName} of API group ${group.groupName} (cdk-api-groups)`,
      'An AppCode is a credential its callers hold: rotating it without them would lock them out. Rotate by supplying ' +
      'your own secret with several AppCodes ({"appCodes":[...]}, up to 5), adding the new one before removing the old one.');
  }

  /**
   * A secret generated at deploy time holding one credential of the app (`{"<key>": "<letters and
   * digits>"}`), without a rotation function: why is the cdk-nag acknowledgement's reason.
   */
  private generatedCredential(id: string, key: string, length: number, description: string, whyNoRotation: string): secretsmanager.ISecret {
    const secret = new secretsmanager.Secret(this, id, {
      description,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: key,
        passwordLength: length,
        excludePunctuation: true,
        includeSpace: false,
      },
    });
    Validations.of(secret).acknowledge({ id: 'AwsSolutions::AwsSolutions-SMG4', reason: whyNoRotation });
    return secret;
  }
}

/** Huawei's app_key (runtime/shared/app-signature.ts APP_KEY_PATTERN). */
const APP_KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{7,199}$/;
/** Huawei's app_secret (runtime/shared/app-signature.ts APP_SECRET_PATTERN). */
const APP_SECRET = /^[A-Za-z0-9_\-!@#$%]{8,128}$/;

/**
 * What the app knows of a secret defined in it: its literal value, parsed as JSON (undefined when
 * it is not JSON), or its generator. Undefined for an imported secret, or one whose value is a token.
 */
function knownAtSynth(secret: secretsmanager.ISecret):
  | { readonly where: string; readonly parsed: unknown; readonly generator?: undefined }
  | { readonly where: string; readonly generator?: secretsmanager.CfnSecret.GenerateSecretStringProperty }
  | undefined {
  const cfn = secret.node.defaultChild;
  if (!(cfn instanceof secretsmanager.CfnSecret)) { return undefined; }
  const where = secret.node.path;
  const stack = Stack.of(cfn);
  const value = cfn.secretString !== undefined ? stack.resolve(cfn.secretString) : undefined;
  if (typeof value === 'string') {
    let parsed: unknown;
    try { parsed = JSON.parse(value); } catch { parsed = undefined; }
    return { where, parsed };
  }
  const generator = stack.resolve(cfn.generateSecretString) as secretsmanager.CfnSecret.GenerateSecretStringProperty | undefined;
  return { where, generator: generator && typeof generator === 'object' && cfn.secretString === undefined ? generator : undefined };
}

/**
 * What can be checked of a user-supplied AppSecret secret at synth time: a literal value, or a
 * generator. Never puts the value in a message.
 */
function signatureSecretProblems(secret: secretsmanager.ISecret): Problem[] {
  const known = knownAtSynth(secret);
  if (known === undefined) { return []; }
  const { where, generator } = known;
  if ('parsed' in known) {
    const parsed = known.parsed;
    const appSecret = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>).appSecret : undefined;
    if (typeof appSecret !== 'string') { return [problem(RULES.appSecretValue, where, 'its value is not JSON with "appSecret"')]; }
    return APP_SECRET.test(appSecret) ? [] : [problem(RULES.appSecretValue, where, 'its appSecret has characters or a length not allowed')];
  }
  if (generator !== undefined) {
    const length = generator.passwordLength ?? 32;
    if (generator.generateStringKey !== 'appSecret' || typeof generator.secretStringTemplate !== 'string') {
      return [problem(RULES.appSecretValue, where, 'it is generated without generateStringKey "appSecret" and a JSON template')];
    }
    if (typeof length === 'number' && (length < 8 || length > 128)) {
      return [problem(RULES.appSecretValue, where, `it generates AppSecrets of ${length} characters`)];
    }
    if (generator.excludePunctuation !== true) {
      return [problem(RULES.appSecretValue, where, 'it may generate punctuation other than "_-!@#$%": set excludePunctuation')];
    }
  }
  return [];
}

/**
 * What can be checked of a user-supplied secret at synth time: a secret defined in the app with a
 * literal value, or generated with a template. Never puts the value in a message.
 */
function appSecretProblems(secret: secretsmanager.ISecret): Problem[] {
  const known = knownAtSynth(secret);
  if (known === undefined) { return []; }
  const { where, generator } = known;
  if ('parsed' in known) {
    const codes = appCodesOf(known.parsed);
    if (!codes) { return [problem(RULES.appSecret, where, 'its value is not JSON with "appCode" or "appCodes"')]; }
    if (codes.length < 1 || codes.length > LIMITS.appCodesPerApp) {
      return [problem(RULES.appSecret, where, `${codes.length} AppCodes`)];
    }
    const bad = codes.findIndex(c => typeof c !== 'string' || c.length < LIMITS.appCodeMinLength || c.length > LIMITS.appCodeMaxLength);
    return bad < 0 ? [] : [problem(RULES.appSecret, where, `AppCode number ${bad + 1} is not a string of the allowed length`)];
  }
  if (generator !== undefined) {
    const length = generator.passwordLength ?? 32;
    if (generator.generateStringKey !== 'appCode' || typeof generator.secretStringTemplate !== 'string') {
      return [problem(RULES.appSecret, where, 'it is generated without generateStringKey "appCode" and a JSON template')];
    }
    if (typeof length === 'number' && (length < LIMITS.appCodeMinLength || length > LIMITS.appCodeMaxLength)) {
      return [problem(RULES.appSecret, where, `it generates AppCodes of ${length} characters`)];
    }
  }
  return [];
}

function appCodesOf(parsed: unknown): unknown[] | undefined {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) { return undefined; }
  const record = parsed as Record<string, unknown>;
  if (Array.isArray(record.appCodes)) { return record.appCodes; }
  if (record.appCode !== undefined) { return [record.appCode]; }
  return undefined;
}
