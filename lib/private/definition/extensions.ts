/**
 * API Gateway's OpenAPI extensions, as its developer guide lists them ("OpenAPI extensions for API
 * Gateway", docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html).
 * The document may only use these; several apply to HTTP APIs only and are listed for completeness.
 */
export const DOCUMENTED_EXTENSIONS: readonly string[] = [
  'x-amazon-apigateway-any-method',
  'x-amazon-apigateway-cors',
  'x-amazon-apigateway-api-key-source',
  'x-amazon-apigateway-auth',
  'x-amazon-apigateway-authorizer',
  'x-amazon-apigateway-authtype',
  'x-amazon-apigateway-binary-media-types',
  'x-amazon-apigateway-documentation',
  'x-amazon-apigateway-endpoint-access-mode',
  'x-amazon-apigateway-endpoint-configuration',
  'x-amazon-apigateway-gateway-responses',
  'x-amazon-apigateway-importexport-version',
  'x-amazon-apigateway-integration',
  'x-amazon-apigateway-integrations',
  'x-amazon-apigateway-minimum-compression-size',
  'x-amazon-apigateway-policy',
  'x-amazon-apigateway-request-validator',
  'x-amazon-apigateway-request-validators',
  'x-amazon-apigateway-security-policy',
  'x-amazon-apigateway-tag-value',
];

/** Every `x-amazon-apigateway-*` key used anywhere in `document`. */
export function extensionsUsed(document: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) { value.forEach(visit); return; }
    if (typeof value !== 'object' || value === null) { return; }
    for (const [key, child] of Object.entries(value)) {
      if (key.startsWith('x-amazon-apigateway-')) { found.add(key); }
      visit(child);
    }
  };
  visit(document);
  return found;
}
