import { CORS_DEFAULTS, CorsOptions } from '../../cors';

/**
 * The native CORS preflight answer (an OPTIONS method with a MOCK integration answering 204), as
 * the OpenAPI document declares it on every resource where no API answers OPTIONS.
 */
export interface PreflightAnswer {
  /** Header name → quoted literal, as API Gateway's response parameters want it. */
  readonly headers: Record<string, string>;
  /** With several origins: a VTL template answering with the caller's origin when it is allowed. */
  readonly responseTemplates?: Record<string, string>;
  /** The MOCK integration's request template (it selects status 200 of the mock). */
  readonly requestTemplates: Record<string, string>;
  readonly statusCode: '204';
}

export function preflightAnswer(cors: CorsOptions): PreflightAnswer {
  const origins = cors.allowOrigins;
  const headers: Record<string, string> = {
    'Access-Control-Allow-Headers': `'${(cors.allowHeaders ?? CORS_DEFAULTS.allowHeaders).join(',')}'`,
    'Access-Control-Allow-Origin': `'${origins[0]}'`,
    'Access-Control-Allow-Methods': `'${(cors.allowMethods ?? CORS_DEFAULTS.allowMethods).join(',')}'`,
  };
  if (origins[0] !== '*') { headers.Vary = '\'Origin\''; }
  if (cors.allowCredentials) { headers['Access-Control-Allow-Credentials'] = '\'true\''; }
  if (cors.maxAge) { headers['Access-Control-Max-Age'] = `'${cors.maxAge.toSeconds()}'`; }
  const responseTemplates = origins.length > 1 ? {
    'application/json': [
      '#set($origin = $input.params().header.get("Origin"))',
      '#if($origin == "")',
      '  #set($origin = $input.params().header.get("origin"))',
      '#end',
      `#if(${origins.slice(1).map(o => `$origin == "${o}"`).join(' || ')})`,
      '  #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
      '#end',
    ].join('\n'),
  } : undefined;
  return {
    headers,
    ...(responseTemplates ? { responseTemplates } : {}),
    requestTemplates: { 'application/json': '{ "statusCode": 200 }' },
    statusCode: '204',
  };
}
