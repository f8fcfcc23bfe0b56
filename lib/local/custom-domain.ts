/**
 * A stage served behind an API Gateway custom domain with a base path mapping
 * (`AWS::ApiGateway::BasePathMapping`, `--base-path`), as recorded on AWS:
 * - the domain routes on the base path, one or more whole segments (`payment`, `v1/payment`); a
 *   request outside every mapping of the domain is refused by the domain itself, before any API:
 *   403 `{"message":"Forbidden"}` (no gateway response applies);
 * - the REST API routes on the rest (`/payment/orders/1` → `/orders/{id}`): `resource`,
 *   `resourcePath` and `pathParameters` are relative to the API's root;
 * - `event.path` and `requestContext.path` both carry the path as the caller sent it, base path
 *   included and no stage (`/payment/orders/1`), which is why the bundled proxy routes on
 *   `resource` + `pathParameters`; with an empty base path (the `(none)` mapping) both are the
 *   API's path (`/orders/1`) (aws/serverless-java-container#34, CodeGenieApp/serverless-express#216,
 *   and LocalStack's AWS-validated fix localstack/localstack#12296);
 * - `requestContext.domainName` is the custom domain, `domainPrefix` its first label.
 */

export interface CustomDomain {
  /** The custom domain's name, e.g. `api.example.com`. */
  readonly domainName: string;
  /** The mapping's base path without slashes at either end (`payment`, `v1/payment`); '' for the root mapping. */
  readonly basePath: string;
}

/** `/v1/payment/` → `v1/payment`; `(none)` and `/` → ''. @throws Error for a base path that is not one */
export function normalizeBasePath(value: string): string {
  const trimmed = value.trim().replace(/^\/+|\/+$/g, '');
  if (trimmed === '(none)') { return ''; }
  if (/\/\//.test(trimmed) || /[?#\s]/.test(trimmed) || trimmed.split('/').some(s => s === '.' || s === '..')) {
    throw new Error(`"${value}" is not a base path: one or more path segments, such as "payment" or "v1/payment"`);
  }
  return trimmed;
}

export interface PathBehindDomain {
  /** The path relative to the REST API's root, what API Gateway routes on. */
  readonly apiPath: string;
  readonly eventPath: string;
  readonly contextPath: string;
}

/** Where a received path lands behind the domain, or undefined when it is outside the base path. */
export function apiPathBehind(domain: CustomDomain, rawPath: string): PathBehindDomain | undefined {
  const received = rawPath.replace(/^\/{2,}/, '/');
  if (domain.basePath === '') { return { apiPath: received, eventPath: received, contextPath: received }; }
  const prefix = `/${domain.basePath}`;
  // Whole segments only: `/paymentx` is not under `payment`.
  if (received !== prefix && !received.startsWith(`${prefix}/`)) { return undefined; }
  const rest = received.slice(prefix.length);
  return { apiPath: rest === '' ? '/' : rest, eventPath: received, contextPath: received };
}

/** A custom domain mapping of a REST API found in a template. */
export interface DomainMapping extends CustomDomain {
  /** The mapping resource's logical id. */
  readonly logicalId: string;
}

interface TemplateLike {
  readonly Resources?: Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>;
}

function refTo(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && typeof (value as { Ref?: unknown }).Ref === 'string' ? (value as { Ref: string }).Ref : undefined;
}

/**
 * The custom domain mappings of a REST API in its stack's template: `AWS::ApiGateway::BasePathMapping`
 * (`BasePath`, one segment or none; what `restApi.addDomainName(...)` and `DomainName.addBasePathMapping`
 * synthesize) and `AWS::ApiGatewayV2::ApiMapping` (`ApiMappingKey`, which may have several segments:
 * CDK's `addApiMapping`, and `addDomainName` with a multi-level base path). The domain is the
 * `AWS::ApiGateway(V2)::DomainName` the mapping refers to, or a literal name.
 */
export function domainMappings(template: TemplateLike, restApiLogicalId: string): DomainMapping[] {
  const resources = template.Resources ?? {};
  const domainOf = (value: unknown): string | undefined => {
    if (typeof value === 'string') { return value; }
    const ref = refTo(value);
    const target = ref ? resources[ref] : undefined;
    const name = target && /^AWS::ApiGateway(V2)?::DomainName$/.test(target.Type) ? target.Properties?.DomainName : undefined;
    return typeof name === 'string' ? name : undefined;
  };
  const out: DomainMapping[] = [];
  for (const [logicalId, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    let api: unknown;
    let key: unknown;
    if (r.Type === 'AWS::ApiGateway::BasePathMapping') { api = p.RestApiId; key = p.BasePath; } else if (r.Type === 'AWS::ApiGatewayV2::ApiMapping') { api = p.ApiId; key = p.ApiMappingKey; } else { continue; }
    if (refTo(api) !== restApiLogicalId) { continue; }
    const domainName = domainOf(p.DomainName);
    if (domainName === undefined) { continue; }
    try {
      out.push({ logicalId, domainName, basePath: typeof key === 'string' ? normalizeBasePath(key) : '' });
    } catch { /* not a base path API Gateway would accept: left out */ }
  }
  return out.sort((a, b) => a.logicalId.localeCompare(b.logicalId));
}
