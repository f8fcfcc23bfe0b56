/**
 * MOCK integrations, as the CORS preflight (OPTIONS) methods use them: API Gateway answers from
 * the integration response without calling anything. The first integration response without a
 * selection pattern (or the first one) gives the status; its `method.response.header.<name>`
 * parameters give the headers (quoted literals or request mappings). Its VTL template is not
 * run; only the pattern aws-cdk and this library generate for several allowed origins is
 * honoured:
 *
 *   #if($origin == "https://a.example.com" || $origin == "https://b.example.com")
 *     #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)
 *   #end
 *
 * where `$origin` is the request's `Origin` header: when it is one of the listed origins, it
 * becomes the header's value.
 */
import { mappingValue, NativeContext } from './gateway-responses';
import type { MockResponseModel } from './rest-api';

export interface MockAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const ORIGIN_OVERRIDE = /#if\(\s*((?:\$origin\s*==\s*"[^"]*"\s*(?:\|\|\s*)?)+)\)\s*#set\(\s*\$context\.responseOverride\.header\.([A-Za-z0-9_-]+)\s*=\s*\$origin\s*\)/g;

/** Header overrides of the origin-echo pattern: header name → origins that it echoes. */
export function originOverrides(template: string): Array<{ header: string; origins: string[] }> {
  const out: Array<{ header: string; origins: string[] }> = [];
  for (const m of template.matchAll(ORIGIN_OVERRIDE)) {
    const origins = [...m[1].matchAll(/"([^"]*)"/g)].map(o => o[1]);
    out.push({ header: m[2], origins });
  }
  return out;
}

/**
 * API Gateway's answer for a MOCK integration. `binaryAnswer`: the request's Accept names a binary
 * media type of the REST API. AWS's response conversion table ("Content type conversions in API
 * Gateway") then turns the mock's text into a base64-decoded blob unless the integration response
 * says CONVERT_TO_TEXT; mapping templates are applied to text, so without it the origin-echo
 * template is not honoured (the first origin's literal is sent), as this emulation reads the table.
 */
export function answerMock(responses: readonly MockResponseModel[], ctx: NativeContext, binaryAnswer = false): MockAnswer {
  const response = responses.find(r => r.selectionPattern === undefined || r.selectionPattern === '') ?? responses[0];
  if (!response) { return { status: 200, headers: {}, body: '' }; }
  const headers: Record<string, string> = {};
  for (const [key, expression] of Object.entries(response.parameters)) {
    const m = /^method\.response\.header\.(.+)$/.exec(key);
    if (!m) { continue; }
    const value = mappingValue(expression, ctx, '', null);
    if (value !== '') { headers[m[1]] = value; }
  }
  const origin = [...ctx.headers].reverse().find(([name]) => name.toLowerCase() === 'origin')?.[1] ?? '';
  const templates = binaryAnswer && response.contentHandling !== 'CONVERT_TO_TEXT' ? {} : response.templates;
  for (const template of Object.values(templates)) {
    for (const override of originOverrides(template)) {
      if (origin !== '' && override.origins.includes(origin)) { headers[override.header] = origin; }
    }
  }
  const status = /^[1-5]\d\d$/.test(response.statusCode) ? Number(response.statusCode) : 200;
  return { status, headers, body: '' };
}
