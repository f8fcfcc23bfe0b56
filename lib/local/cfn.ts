/**
 * CloudFormation expressions resolved the way a deployment would resolve them, with local values:
 * a function's `Fn::GetAtt [Fn, Arn]` is `arn:aws:lambda:<region>:<account>:function:<name>`, a
 * secret's `Ref` its local ARN, pseudo parameters the local region and account; `Fn::Join`,
 * `Fn::Sub`, `Fn::Select`, `Fn::Split` and `Fn::Base64` over those. What has no local meaning
 * (`Fn::ImportValue`, conditions, most attributes) throws `Unresolvable`, so callers can say
 * which value could not be set instead of passing a wrong one on.
 */
import { secretArn } from './local-secrets-manager';

export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { readonly Type?: string; readonly Default?: unknown }>;
  readonly [key: string]: unknown;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** A value that cannot be resolved locally; the message says which expression. */
export class Unresolvable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unresolvable';
  }
}

export interface ResolverContext {
  readonly region: string;
  readonly account: string;
  readonly stackName: string;
  /** The local id of a REST API (its `Ref`), by logical id. */
  restApiId?(logicalId: string): string | undefined;
  /** The local name of a function without a literal FunctionName (default: its logical id). */
  functionName?(logicalId: string): string | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A literal string property, if it is one. */
function literal(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Resolves CloudFormation expressions of one template. */
export class CfnResolver {
  private readonly resources: Record<string, CfnResource>;

  constructor(private readonly template: CfnTemplate, private readonly ctx: ResolverContext) {
    this.resources = template.Resources ?? {};
  }

  public get region(): string { return this.ctx.region; }
  public get account(): string { return this.ctx.account; }

  /** A Lambda function's name: its literal FunctionName, else its logical id. */
  public functionName(logicalId: string): string {
    return literal(this.resources[logicalId]?.Properties?.FunctionName) ?? this.ctx.functionName?.(logicalId) ?? logicalId;
  }

  public functionArn(logicalId: string): string {
    return `arn:aws:lambda:${this.ctx.region}:${this.ctx.account}:function:${this.functionName(logicalId)}`;
  }

  /** A secret's local name: its literal Name, else its logical id. */
  public secretName(logicalId: string): string {
    return literal(this.resources[logicalId]?.Properties?.Name) ?? logicalId;
  }

  public secretArn(logicalId: string): string {
    return secretArn(this.secretName(logicalId), this.ctx.region, this.ctx.account);
  }

  /** Resolves an expression to a string. @throws Unresolvable */
  public resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved === 'string') { return resolved; }
    if (typeof resolved === 'number' || typeof resolved === 'boolean') { return String(resolved); }
    throw new Unresolvable(`${JSON.stringify(value)} is not a string`);
  }

  /** Resolves an expression (any JSON value). `AWS::NoValue` gives undefined. @throws Unresolvable */
  public resolve(value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map(v => this.resolve(v)).filter(v => v !== undefined);
    }
    if (!isRecord(value)) { return value; }
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [key] = keys;
      const arg = value[key];
      switch (key) {
        case 'Ref': return this.ref(String(arg));
        case 'Fn::GetAtt': return this.getAtt(arg);
        case 'Fn::Join': {
          if (!Array.isArray(arg) || arg.length !== 2) { throw new Unresolvable(`malformed Fn::Join ${JSON.stringify(arg)}`); }
          const list = this.resolve(arg[1]);
          if (!Array.isArray(list)) { throw new Unresolvable('Fn::Join of a non-list'); }
          return list.map(v => this.resolveString(v)).join(String(arg[0]));
        }
        case 'Fn::Sub': return this.sub(arg);
        case 'Fn::Select': {
          if (!Array.isArray(arg) || arg.length !== 2) { throw new Unresolvable(`malformed Fn::Select ${JSON.stringify(arg)}`); }
          const list = this.resolve(arg[1]);
          const index = Number(this.resolve(arg[0]));
          if (!Array.isArray(list) || !Number.isInteger(index) || index < 0 || index >= list.length) {
            throw new Unresolvable(`Fn::Select ${JSON.stringify(arg)} is out of range`);
          }
          return list[index];
        }
        case 'Fn::Split': {
          if (!Array.isArray(arg) || arg.length !== 2) { throw new Unresolvable(`malformed Fn::Split ${JSON.stringify(arg)}`); }
          return this.resolveString(arg[1]).split(String(arg[0]));
        }
        case 'Fn::Base64': return Buffer.from(this.resolveString(arg), 'utf8').toString('base64');
        case 'Fn::GetAZs': return ['a', 'b', 'c'].map(z => `${this.ctx.region}${z}`);
        case 'Fn::FindInMap': {
          if (!Array.isArray(arg) || arg.length < 3) { throw new Unresolvable(`malformed Fn::FindInMap ${JSON.stringify(arg)}`); }
          const [map, top, second] = arg.slice(0, 3).map(v => this.resolveString(v));
          const mappings = isRecord(this.template.Mappings) ? this.template.Mappings : {};
          const found = (mappings[map] as Record<string, Record<string, unknown>> | undefined)?.[top]?.[second];
          if (found === undefined) { throw new Unresolvable(`Fn::FindInMap ${map}.${top}.${second} is not in the template`); }
          return found;
        }
        default:
          if (key.startsWith('Fn::') || key === 'Condition') { throw new Unresolvable(`${key} has no local value`); }
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = this.resolve(v);
      if (r !== undefined) { out[k] = r; }
    }
    return out;
  }

  private ref(name: string): unknown {
    switch (name) {
      case 'AWS::Region': return this.ctx.region;
      case 'AWS::AccountId': return this.ctx.account;
      case 'AWS::Partition': return 'aws';
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return this.ctx.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${this.ctx.region}:${this.ctx.account}:stack/${this.ctx.stackName}/00000000-0000-0000-0000-000000000000`;
      case 'AWS::NoValue': return undefined;
      case 'AWS::NotificationARNs': return [];
      default: break;
    }
    const parameter = this.template.Parameters?.[name];
    if (parameter) {
      if (parameter.Default === undefined) { throw new Unresolvable(`parameter ${name} has no default`); }
      return parameter.Default;
    }
    const resource = this.resources[name];
    if (!resource) { throw new Unresolvable(`Ref of ${name}, which is not in the template`); }
    switch (resource.Type) {
      case 'AWS::Lambda::Function': return this.functionName(name);
      case 'AWS::SecretsManager::Secret': return this.secretArn(name);
      case 'AWS::ApiGateway::RestApi': {
        const id = this.ctx.restApiId?.(name);
        if (id) { return id; }
        return name;
      }
      case 'AWS::ApiGateway::Stage': return literal(resource.Properties?.StageName) ?? name;
      default: return literal(resource.Properties?.Name) ?? name;
    }
  }

  private getAtt(arg: unknown): unknown {
    let logicalId: string;
    let attribute: string;
    if (Array.isArray(arg) && arg.length === 2) {
      logicalId = String(arg[0]);
      attribute = String(this.resolve(arg[1]));
    } else if (typeof arg === 'string' && arg.includes('.')) {
      logicalId = arg.slice(0, arg.indexOf('.'));
      attribute = arg.slice(arg.indexOf('.') + 1);
    } else {
      throw new Unresolvable(`malformed Fn::GetAtt ${JSON.stringify(arg)}`);
    }
    const resource = this.resources[logicalId];
    if (!resource) { throw new Unresolvable(`Fn::GetAtt of ${logicalId}, which is not in the template`); }
    if (resource.Type === 'AWS::Lambda::Function' && attribute === 'Arn') { return this.functionArn(logicalId); }
    if (resource.Type === 'AWS::SecretsManager::Secret' && (attribute === 'Id' || attribute === 'Arn')) { return this.secretArn(logicalId); }
    if (resource.Type === 'AWS::ApiGateway::RestApi' && attribute === 'RootResourceId') { return `${logicalId}.root`; }
    if (resource.Type === 'AWS::ApiGateway::RestApi' && attribute === 'RestApiId') { return this.ref(logicalId); }
    if (resource.Type === 'AWS::IAM::Role' && attribute === 'Arn') {
      return `arn:aws:iam::${this.ctx.account}:role/${literal(resource.Properties?.RoleName) ?? logicalId}`;
    }
    if (attribute === 'Arn') {
      // Any other resource: an ARN of the right service, named after the logical id.
      const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
      return `arn:aws:${service}:${this.ctx.region}:${this.ctx.account}:${logicalId}`;
    }
    throw new Unresolvable(`Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}) has no local value`);
  }

  private sub(arg: unknown): string {
    let text: string;
    let variables: Record<string, unknown> = {};
    if (typeof arg === 'string') {
      text = arg;
    } else if (Array.isArray(arg) && typeof arg[0] === 'string') {
      text = arg[0];
      variables = isRecord(arg[1]) ? arg[1] : {};
    } else {
      throw new Unresolvable(`malformed Fn::Sub ${JSON.stringify(arg)}`);
    }
    return text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
      if (name.startsWith('!')) { return `\${${name.slice(1)}}`; }
      if (Object.prototype.hasOwnProperty.call(variables, name)) { return this.resolveString(variables[name]); }
      if (name.includes('.') && !name.startsWith('AWS::')) {
        return this.resolveString({ 'Fn::GetAtt': [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)] });
      }
      if (name === '') { return whole; }
      return this.resolveString({ Ref: name });
    });
  }
}
