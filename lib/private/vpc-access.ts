import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import type { Api } from '../api';
import type { AppCredential } from '../app-credential';
import type { CustomAuthorizer } from '../authorizers';
import { RULES } from '../limits';
import { Problem } from './checks';

/**
 * The bundled functions in the user's VPC (Huawei: VPC channels to private backends). Both the
 * proxy (HTTP backends on private hosts, function backends) and the authorizer (third-party auth
 * services, Secrets Manager for apps, custom authorizers) run in the same subnets with the same
 * security groups.
 *
 * From private subnets the functions reach AWS services only through a NAT or interface VPC
 * endpoints. What they call: Lambda (`lambda:InvokeFunction` of function backends and custom
 * authorizers) and Secrets Manager (the apps' AppCodes). CloudWatch Logs is not called: Lambda
 * ships the functions' output itself, and the proxy's metrics ride that output (EMF). X-Ray
 * segments go to the local daemon Lambda runs beside the function.
 */
export interface VpcPlacement {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** An AWS service the functions call, and its interface endpoint. */
export interface CalledService {
  /** Short name for ids and messages. */
  readonly name: 'Lambda' | 'SecretsManager';
  /** Why it is called, for the message. */
  readonly because: string;
}

/** The AWS services the bundled functions call, for their VPC access. */
export function calledServices(apis: readonly Api[], apps: readonly AppCredential[], customAuthorizers: readonly CustomAuthorizer[]): CalledService[] {
  const services: CalledService[] = [];
  const functionBackends = apis.some(a => a.backend.kind === 'FUNCTION');
  if (functionBackends || customAuthorizers.length > 0) {
    services.push({ name: 'Lambda', because: [functionBackends ? 'function backends' : '', customAuthorizers.length > 0 ? 'custom authorizers' : '']
      .filter(x => x !== '').join(', ') });
  }
  if (apps.length > 0) { services.push({ name: 'SecretsManager', because: 'the apps\' AppCodes' }); }
  return services;
}

const ENDPOINT_SERVICES: Record<CalledService['name'], ec2.InterfaceVpcEndpointAwsService> = {
  Lambda: ec2.InterfaceVpcEndpointAwsService.LAMBDA,
  SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
};

/** The service name's last part, as endpoint service names end (`com.amazonaws.<region>.lambda`). */
const SERVICE_SUFFIX: Record<CalledService['name'], string> = { Lambda: '.lambda', SecretsManager: '.secretsmanager' };

/** The function properties that place a function in the VPC. */
export function vpcFunctionProps(placement: VpcPlacement | undefined): Pick<lambda.FunctionProps, 'vpc' | 'vpcSubnets' | 'securityGroups'> {
  if (!placement) { return {}; }
  return { vpc: placement.vpc, vpcSubnets: placement.vpcSubnets, securityGroups: placement.securityGroups };
}

/** True when some selected subnet has no route to the internet (an isolated subnet). */
export function hasIsolatedSubnets(placement: VpcPlacement): boolean {
  const isolated = new Set(placement.vpc.isolatedSubnets.map(s => s.subnetId));
  return placement.vpc.selectSubnets(placement.vpcSubnets).subnets.some(s => isolated.has(s.subnetId));
}

/**
 * Creates an interface endpoint for each service in the functions' subnets (private DNS on: SDK
 * calls use it unchanged), whose security group admits HTTPS from the functions only.
 */
export function createServiceEndpoints(scope: Construct, placement: VpcPlacement, services: readonly CalledService[],
  clients: readonly ec2.IConnectable[]): ec2.InterfaceVpcEndpoint[] {
  return services.map(service => {
    const endpoint = new ec2.InterfaceVpcEndpoint(scope, `${service.name}Endpoint`, {
      vpc: placement.vpc,
      service: ENDPOINT_SERVICES[service.name],
      subnets: placement.vpcSubnets,
      privateDnsEnabled: true,
      open: false,
    });
    for (const client of clients) { endpoint.connections.allowDefaultPortFrom(client, 'HTTPS from the API group\'s functions'); }
    return endpoint;
  });
}

/** True when the stack declares an interface endpoint for `service` in the placement's VPC. */
function endpointDeclared(scope: IConstruct, placement: VpcPlacement, service: CalledService): boolean {
  const stack = Stack.of(scope);
  const vpcId = JSON.stringify(stack.resolve(placement.vpc.vpcId));
  return stack.node.findAll()
    .filter((c): c is ec2.CfnVPCEndpoint => c instanceof ec2.CfnVPCEndpoint)
    .some(c => JSON.stringify(stack.resolve(c.vpcId)) === vpcId
      && (c.vpcEndpointType ?? 'Gateway') === 'Interface'
      && JSON.stringify(stack.resolve(c.serviceName)).includes(SERVICE_SUFFIX[service.name]));
}

/**
 * Problems of reaching the called services from isolated subnets without an endpoint: the call
 * would hang until the function's timeout at runtime, so the synth fails instead.
 */
export function serviceAccessProblems(scope: IConstruct, placement: VpcPlacement | undefined, services: readonly CalledService[]): Problem[] {
  if (!placement || services.length === 0 || !hasIsolatedSubnets(placement)) { return []; }
  return services.filter(s => !endpointDeclared(scope, placement, s)).map(s => ({
    rule: RULES.vpcAccess,
    message: `the functions run in isolated subnets (no NAT) and call ${s.name} (${s.because}), but the VPC has no interface endpoint ` +
      `for it: set createVpcEndpoints: true, add an InterfaceVpcEndpoint for ${s.name}, or choose subnets with a NAT: ` +
      `allowed ${RULES.vpcAccess.allowed}`,
  }));
}
