import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { CORS_DEFAULTS, CorsOptions } from '../cors';

/**
 * A native CORS preflight (OPTIONS) method, as aws-cdk's `addCorsPreflight` defines it, but with
 * `contentHandling: CONVERT_TO_TEXT`: the group's REST API treats every media type as binary
 * (so the proxy can pass binary bodies), and a MOCK integration then needs its request template
 * applied as text.
 */
export function addPreflight(resource: apigw.IResource, cors: CorsOptions): apigw.Method {
  const origins = cors.allowOrigins;
  const headers: Record<string, string> = {
    'Access-Control-Allow-Headers': `'${(cors.allowHeaders ?? CORS_DEFAULTS.allowHeaders).join(',')}'`,
    'Access-Control-Allow-Origin': `'${origins[0]}'`,
    'Access-Control-Allow-Methods': `'${(cors.allowMethods ?? CORS_DEFAULTS.allowMethods).join(',')}'`,
  };
  if (origins[0] !== '*') { headers.Vary = '\'Origin\''; }
  if (cors.allowCredentials) { headers['Access-Control-Allow-Credentials'] = '\'true\''; }
  if (cors.maxAge) { headers['Access-Control-Max-Age'] = `'${cors.maxAge.toSeconds()}'`; }

  const integrationParams: Record<string, string> = {};
  const methodParams: Record<string, boolean> = {};
  for (const [name, value] of Object.entries(headers)) {
    integrationParams[`method.response.header.${name}`] = value;
    methodParams[`method.response.header.${name}`] = true;
  }

  // Several origins: answer with the caller's origin when it is one of them (VTL, as aws-cdk does).
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

  return resource.addMethod('OPTIONS', new apigw.MockIntegration({
    contentHandling: apigw.ContentHandling.CONVERT_TO_TEXT,
    requestTemplates: { 'application/json': '{ "statusCode": 200 }' },
    integrationResponses: [{ statusCode: '204', responseParameters: integrationParams, responseTemplates }],
  }), {
    authorizationType: apigw.AuthorizationType.NONE,
    methodResponses: [{ statusCode: '204', responseParameters: methodParams }],
  });
}
