/**
 * The local gateway (`cdk-api-groups local`): serves the API groups of a synthesized CDK app on
 * 127.0.0.1, with API Gateway's native checks and responses in front of the same bundled proxy
 * and authorizer the deployment runs. Not part of the construct library's jsii API (lib/index.ts
 * does not export it); use it from tests with
 *
 *   import { startLocalGateway } from 'cdk-api-groups/lib/local';
 */
export { LocalGatewayError } from './assembly';
export { generateAppCode, startLocalGateway } from './gateway';
export type { LocalApp, LocalGateway, LocalGatewayOptions, LocalGroup } from './gateway';
export { formatRequestLog } from './log';
export type { RequestLogEntry } from './log';
export type { CustomDomain } from './custom-domain';
export type { SigV4Credentials } from './sigv4';
