import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type { Api } from '../../api';
import { AuthType } from '../../auth';
import { MatchMode } from '../../match-mode';
import type { PathSegment } from '../paths';

/**
 * What API Gateway must enforce for an API before the proxy runs: nothing, a SigV4 signature
 * (IAM), or a call of the group's REQUEST authorizer (app, custom and third-party authentication).
 */
export type Enforcement = 'none' | 'iam' | 'authorizer';

/** The part of an API the definition step needs: its route and what API Gateway enforces for it. */
export interface ApiShape {
  /** The API's id (`$context.apiId`). */
  readonly id: string;
  readonly name: string;
  /** Construct path, for messages. */
  readonly constructPath: string;
  /** GET, POST, ... or ANY. */
  readonly method: string;
  readonly path: string;
  readonly segments: readonly PathSegment[];
  readonly enforcement: Enforcement;
  /** App authentication: metered by the app's usage plan when the group has usage plans. */
  readonly app: boolean;
  /** The API's own throttle (stage method settings). */
  readonly throttle?: apigw.ThrottleSettings;
  /** MatchMode.PREFIX: the API also serves every path below its own. */
  readonly prefix?: boolean;
  /** The API has its own CORS (ApiOptions.cors): the proxy answers preflights on its paths. */
  readonly cors?: boolean;
}

/** The shape of a declared API. */
export function apiShapeOf(api: Api): ApiShape {
  const auth = api.auth;
  return {
    id: api.apiId,
    name: api.apiName,
    constructPath: api.node.path,
    method: api.method,
    path: api.path,
    segments: api._segments,
    enforcement: auth.authType === AuthType.IAM ? 'iam' : auth.usesAuthorizer ? 'authorizer' : 'none',
    app: auth.authType === AuthType.APP,
    throttle: api.throttle,
    ...(api.matchMode === MatchMode.PREFIX ? { prefix: true } : {}),
    ...(api.cors ? { cors: true } : {}),
  };
}
