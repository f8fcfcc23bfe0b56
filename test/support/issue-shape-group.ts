/**
 * Issue 8's group at Huawei's scale: 250 resources (`/svcN/resM/{id}`) × 4 methods = 1000 APIs,
 * every API app-authenticated except the IAM ones, 10% with their own throttle, 5% IAM, CORS, 2
 * custom responses. By default IAM covers whole resources (an internal service's), and the
 * throttled APIs are the GET and POST of 50 hot resources. Used by the construct, local-gateway
 * and benchmark code alike, so they all measure the same group.
 */
import { Duration } from 'aws-cdk-lib';
import { ApiAuth, ApiGroup, ApiGroupProps, Backend, HttpMethod, ResponseType } from '../../lib';

export const ISSUE_CORS = {
  allowOrigins: ['https://shop.example.com', 'https://admin.example.com'], allowCredentials: true, maxAge: Duration.minutes(10),
};
export const ISSUE_METHODS = [HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE];

export interface GroupShape {
  /** Whether the API of resource `r`, method index `m` has its own throttle / uses IAM. */
  readonly throttled: (resource: number, method: number) => boolean;
  readonly iam: (resource: number, method: number) => boolean;
  /** @default 250 */
  readonly resources?: number;
  /** At most this many APIs (the first ones). @default every API of the resources */
  readonly apis?: number;
  /** The throttled APIs' limit. @default 50 requests per second, burst 100 */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
}

/** 50 resources × GET and POST = 100 throttled APIs (10%); 12 resources × 4 methods + 2 = 50 IAM APIs (5%). */
export const ISSUE_SHAPE: GroupShape = {
  throttled: (r, m) => r % 5 === 0 && m < 2,
  iam: (r, m) => (r % 20 === 3 && r < 240) || (r === 248 && m < 2),
};

/** The path of resource `r`. */
export function issuePath(r: number): string {
  return `/svc${r % 10}/res${Math.floor(r / 10)}/{id}`;
}

/** Adds the issue's APIs (and its app and two custom responses) to `group`. */
export function addIssueApis(group: ApiGroup, shape: GroupShape = ISSUE_SHAPE, backendUrl = 'https://backend.example.com/{id}'): void {
  const strict = group.addGatewayResponse('strict', { rules: [{ type: ResponseType.NOT_FOUND, statusCode: 404, body: '{"strict":true}' }] });
  group.addGatewayResponse('legacy', { rules: [{ type: ResponseType.NOT_FOUND, statusCode: 404, body: '{"gone":true}' }] });
  const app = group.addApp('mobile');
  const count = shape.resources ?? 250;
  const max = shape.apis ?? count * ISSUE_METHODS.length;
  for (let r = 0; r < count; r++) {
    ISSUE_METHODS.forEach((method, m) => {
      if (r * ISSUE_METHODS.length + m >= max) { return; }
      group.addApi(`Api${r}x${m}`, {
        method,
        path: issuePath(r),
        backend: Backend.http(backendUrl),
        auth: shape.iam(r, m) ? ApiAuth.iam() : ApiAuth.app({ apps: [app] }),
        throttle: shape.throttled(r, m) ? (shape.throttle ?? { rateLimit: 50, burstLimit: 100 }) : undefined,
        gatewayResponse: r % 2 === 0 ? strict : undefined,
      });
    });
  }
}

/** Default props of the issue's group. */
export function issueGroupProps(props: ApiGroupProps = {}): ApiGroupProps {
  return { groupName: 'big', cors: ISSUE_CORS, ...props };
}
