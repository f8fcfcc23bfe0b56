/**
 * Request validation of required parameters (a request validator with validateRequestParameters):
 * a request that lacks a required header, query string or path parameter gets BAD_REQUEST_PARAMETERS,
 * 400 `{"message": "Missing required request parameters: [a, b]"}`, the names in the order of their
 * full keys (`method.request.header.*`, then `path`, then `querystring`), as AWS answered in LocalStack's
 * AWS-recorded snapshot `test_api_gateway_request_validator` ("Missing required request parameters:
 * [x-header-param, issuer, qs1]"). A parameter sent with an empty value is present. Header names
 * match in any case. Body validation (models) is not emulated.
 */

/** Names of the required parameters the request lacks, in AWS's order. */
export function missingParameters(
  required: Record<string, boolean>,
  headers: ReadonlyArray<readonly [string, string]>,
  query: ReadonlyArray<readonly [string, string]>,
  pathParameters: Record<string, string> | null,
): string[] {
  const missing: string[] = [];
  for (const key of Object.keys(required).sort()) {
    if (!required[key]) { continue; }
    const m = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(key);
    if (!m) { continue; }
    const [, where, name] = m;
    const present = where === 'header' ? headers.some(([n]) => n.toLowerCase() === name.toLowerCase())
      : where === 'querystring' ? query.some(([n]) => n === name)
        : pathParameters !== null && Object.prototype.hasOwnProperty.call(pathParameters, name);
    if (!present) { missing.push(name); }
  }
  return missing;
}
