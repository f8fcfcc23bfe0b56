import { Duration } from 'aws-cdk-lib';

/**
 * Every limit the library checks at synth time, in one table shared by validation, tests and the
 * README. `subject` names what is checked; `allowed` says what is allowed, in the words the
 * error message uses.
 */
export interface LimitRule {
  /** Stable id, printed in messages as `[id]`. */
  readonly id: string;
  /** What is checked, e.g. "response name". */
  readonly subject: string;
  /** What is allowed. */
  readonly allowed: string;
  /** Where the limit comes from. */
  readonly source: string;
}

const HUAWEI = 'Huawei APIG';
const AWS = 'AWS API Gateway';
const LAMBDA = 'AWS Lambda';
const LIBRARY = 'cdk-api-groups';
const CLOUDFORMATION = 'AWS CloudFormation';

function rule(id: string, subject: string, allowed: string, source: string): LimitRule {
  return { id, subject, allowed, source };
}

/** The numbers behind the rules. */
export const LIMITS = {
  customResponsesPerGroup: 4,
  headersPerRule: 10,
  headerValueLength: 1024,
  apisPerGroup: 1000,
  restResourcesPerApi: 300,
  pathLength: 512,
  parametersPerApi: 50,
  backendTimeoutMin: Duration.millis(1),
  backendTimeoutMax: Duration.millis(60_000),
  backendTimeoutDefault: Duration.millis(5_000),
  integrationTimeoutMin: Duration.millis(50),
  integrationTimeoutDefault: Duration.millis(29_000),
  /** Time the proxy keeps for itself between the backend timeout and the integration timeout. */
  proxyHeadroom: Duration.millis(1_000),
  stageVariables: 100,
  stageVariableValueLength: 512,
  appsPerGroup: 50,
  appCodesPerApp: 5,
  appCodeMinLength: 64,
  appCodeMaxLength: 180,
  cacheTtlMax: Duration.seconds(3600),
  userDataLength: 2048,
  identityValidationLength: 2048,
  thirdPartyHeaders: 10,
  thirdPartyQueries: 10,
  authorizerTimeoutMin: Duration.millis(1),
  authorizerTimeoutMax: Duration.millis(10_000),
  authorizerTimeoutDefault: Duration.millis(5_000),
  authorizersPerRestApi: 10,
  cfnResourcesPerStack: 500,
  templateBytes: 1_048_576,
  environmentsPerGroup: 10,
  variablesPerEnvironment: 50,
  environmentVariableValueLength: 255,
  /** Customer managed policies attached to one IAM role (IAM's default quota). */
  managedPoliciesPerRole: 10,
  backendParametersPerBackend: 50,
  backendParameterValueLength: 255,
  backendPoliciesPerApi: 5,
  conditionsPerPolicy: 5,
  policyValueLength: 255,
  policyOneOfValues: 20,
  /** Longest request value a policy condition compares (a longer one never matches). */
  policyMatchedValueLength: 1024,
  orchestrationMapEntries: 300,
  orchestrationListItems: 3000,
  orchestrationInterceptMax: 100,
} as const;

/** The rules, by id. */
export const RULES = {
  customResponses: rule('custom-responses', 'number of custom gateway responses',
    `at most ${LIMITS.customResponsesPerGroup} besides "default"`, HUAWEI),
  responseName: rule('response-name', 'gateway response name',
    '1-64 letters, digits, "-" or "_", unique in the group, and not "default" (reserved for the built-in response)', HUAWEI),
  ruleType: rule('rule-type', 'rule type', 'one rule per response type in a response', HUAWEI),
  statusCode: rule('status-code', 'status code', 'an integer from 200 to 599, except 444', HUAWEI),
  body: rule('body', 'body template',
    'non-empty valid JSON as written, with variables only inside JSON strings and only known variables', HUAWEI),
  headersPerRule: rule('headers-per-rule', 'number of headers in a rule', `at most ${LIMITS.headersPerRule}`, HUAWEI),
  headerKey: rule('header-key', 'header name', '1-128 letters, digits, "_" or "-"', HUAWEI),
  headerValue: rule('header-value', 'header value',
    `1-${LIMITS.headerValueLength} characters, without "[[" or "]]", and only known variables`, HUAWEI),
  apisPerGroup: rule('apis-per-group', 'number of APIs in a group', `at most ${LIMITS.apisPerGroup}`, HUAWEI),
  restResources: rule('rest-resources', 'number of REST API resources synthesized',
    `at most ${LIMITS.restResourcesPerApi} per REST API (raise the AWS quota first, then set maxRestResources)`, AWS),
  cfnResources: rule('cfn-resources', 'number of CloudFormation resources in the stack',
    `at most ${LIMITS.cfnResourcesPerStack} per stack`, CLOUDFORMATION),
  templateSize: rule('template-size', 'size of the CloudFormation template',
    `at most ${LIMITS.templateBytes} bytes (1 MB), the REST API's OpenAPI document included`, CLOUDFORMATION),
  method: rule('method', 'method', 'GET, POST, PUT, DELETE, HEAD, PATCH, OPTIONS or ANY, and (method, path) unique in the group', HUAWEI),
  path: rule('path', 'path',
    `starts with "/", at most ${LIMITS.pathLength} characters, segments of letters, digits and "*%-_.,:", ` +
    '"{name}" parameters, a greedy "{name+}" only as the last segment and never beside a "{name}" at the same level', HUAWEI),
  exposedPath: rule('exposed-path', 'path of an API that API Gateway sees individually',
    'literal segments of letters, digits and "-_.,:$" only: API Gateway\'s import refuses "*" and "%" in a resource path ' +
    '(an API without IAM, its own throttle or a per-method API key rides the catch-all, where any Huawei path works)', AWS),
  directIntegration: rule('direct-integration', 'API marked direct: true',
    'nothing only the proxy can do: the `default` response, presence-only parameter checks, no backend parameters or policies, ' +
    'no IP rule, no CORS, no prefix match, every environment, no app signatures, a public HTTP backend with a fixed URL path, ' +
    'a synchronous function or a mock (README "Direct integration")', LIBRARY),
  parametersPerApi: rule('parameters-per-api', 'number of request parameters', `at most ${LIMITS.parametersPerApi} per API`, HUAWEI),
  parameterName: rule('parameter-name', 'request parameter name',
    '1-32 characters matching ^[A-Za-z][A-Za-z0-9._-]*$, not starting with "x-apig-" or "x-sdk-", not "x-stage", unique per location', HUAWEI),
  pathParameter: rule('path-parameter', 'path parameter', 'a "{name}" of the API\'s path, always required', HUAWEI),
  parameterRange: rule('parameter-range', 'parameter bounds',
    'minimum/maximum only for NUMBER, minLength/maxLength (>= 0) only for STRING, min <= max, enumerations of the parameter\'s type', HUAWEI),
  backendTimeout: rule('backend-timeout', 'backend timeout',
    `${LIMITS.backendTimeoutMin.toMilliseconds()}-${LIMITS.backendTimeoutMax.toMilliseconds()} ms, and at least ` +
    `${LIMITS.proxyHeadroom.toMilliseconds()} ms below the group's integration timeout`, `${HUAWEI} and ${AWS}`),
  integrationTimeout: rule('integration-timeout', 'integration timeout',
    `at least ${LIMITS.integrationTimeoutMin.toMilliseconds()} ms (above 29000 ms needs an AWS quota increase)`, AWS),
  backendUrl: rule('backend-url', 'backend URL',
    'an absolute http:// or https:// URL whose "{name}" placeholders, in its path or query (never its host), are path parameters of the API ' +
    'that no backend parameter moves elsewhere, or PATH backend parameters', LIBRARY),
  contextHeaders: rule('context-headers', 'backend header from the authorizer context',
    'a header name of 1-128 letters, digits, "_" or "-", mapped to a context key of 1-32 letters, digits, "_" or "-" starting with a letter', LIBRARY),
  backendParameter: rule('backend-parameter', 'backend parameter',
    `at most ${LIMITS.backendParametersPerBackend} per backend (HTTP or function; mocks take none); name of 1-32 letters, digits, ".", "_" or "-" ` +
    'starting with a letter, not "x-stage", "x-apig-*" or "x-sdk-*" (nor a header the connection needs: Connection, Content-Length, ' +
    'Transfer-Encoding...), unique per location (header names ignore case); location PATH (a "{name}" of the backend URL\'s path), ' +
    `QUERY or HEADER; a REQUEST parameter names one request parameter or path variable of the API; a constant of 1-${LIMITS.backendParameterValueLength} ` +
    'characters; a SYSTEM variable of the README\'s $context list', HUAWEI),
  backendAddress: rule('backend-address', 'environment variable of a backend URL',
    '"#name#" or "${stageVariables.name}" defined by every environment that publishes the API, the URL with each environment\'s values ' +
    'an absolute http:// or https:// URL, and variables only in the host, port, path or query', HUAWEI),
  functionInvocation: rule('function-invocation', 'function invocation', 'FunctionInvocation.SYNC or FunctionInvocation.ASYNC', HUAWEI),
  mockBackend: rule('mock-backend', 'mock backend', 'a status code from 100 to 599 and header names of letters, digits, "_" or "-"', LIBRARY),
  stageName: rule('stage-name', 'stage name', '1-128 letters, digits, "-" or "_"', AWS),
  stageVariables: rule('stage-variables', 'stage variable',
    `at most ${LIMITS.stageVariables} per stage; name of 1-64 letters, digits or "_", not "__proto__" (the AWS CDK drops it from the template); value of 1-${LIMITS.stageVariableValueLength} ` +
    'characters from A-Z a-z 0-9 - . _ ~ : / ? # & = ,', `${AWS} and ${HUAWEI}`),
  groupName: rule('group-name', 'group name', '3-255 characters of letters, digits and "-_./():", starting with a letter or digit', HUAWEI),
  apiName: rule('api-name', 'API name', '3-255 characters of letters, digits and "-_./:()", starting with a letter or digit', HUAWEI),
  cors: rule('cors', 'CORS origin', 'at least one origin, each "*" or scheme://host[:port]; "*" cannot be combined with allowCredentials', 'CORS (Fetch standard)'),
  matchMode: rule('match-mode', 'match mode',
    'EXACT or PREFIX; (method, path, match mode) unique in the group; a PREFIX path does not end in a greedy "{name+}"', HUAWEI),
  literal: rule('literal', 'value', 'a literal known at synth time, not a CloudFormation token', LIBRARY),
  lambdaMemory: rule('proxy-memory', 'proxy memory size', '128-10240 MB', LAMBDA),
  appName: rule('app-name', 'app name',
    '3-64 letters, digits or "_", starting with a letter, unique in the group', HUAWEI),
  appsPerGroup: rule('apps-per-group', 'number of apps in a group', `at most ${LIMITS.appsPerGroup}`, HUAWEI),
  appSecret: rule('app-secret', 'app secret',
    `JSON {"appCode":"..."} or {"appCodes":["...", ...]} with 1-${LIMITS.appCodesPerApp} AppCodes of ` +
    `${LIMITS.appCodeMinLength}-${LIMITS.appCodeMaxLength} characters (checked at synth when the secret's value or generator ` +
    'is in the app, otherwise by the authorizer when it reads the secret)', HUAWEI),
  appKey: rule('app-key', 'AppKey',
    '8-200 letters, digits, "_" or "-", starting with a letter or digit, unique in the group (checked at synth when literal, ' +
    'otherwise by the authorizer at start)', HUAWEI),
  appSecretValue: rule('app-secret-value', 'AppSecret secret',
    'JSON {"appSecret":"..."} with 8-128 letters, digits or "_-!@#$%" (checked at synth when the secret\'s value or generator ' +
    'is in the app, otherwise when the authorizer or the proxy reads the secret)', HUAWEI),
  apiGatewayResponse: rule('api-gateway-response', 'gateway response of an API', 'a response of the API\'s own group', LIBRARY),
  apiAuth: rule('api-auth', 'API authentication',
    'apps and authorizers of the API\'s own group, and at least one app for ApiAuth.app(), which accepts signatures, AppCodes or both', LIBRARY),
  authorizerName: rule('authorizer-name', 'authorizer name',
    '3-64 letters, digits or "_", starting with a letter, unique among the group\'s custom and third-party authorizers', HUAWEI),
  cacheTtl: rule('cache-ttl', 'authorizer result cache TTL', `whole seconds from 0 (no cache) to ${LIMITS.cacheTtlMax.toSeconds()}`,
    `${HUAWEI} and ${AWS}`),
  cacheIdentities: rule('cache-identities', 'identity sources of a caching authorizer',
    'at least one identity source when the cache TTL is above 0 (the identity values are the cache key)', `${HUAWEI} and ${AWS}`),
  userData: rule('user-data', 'authorizer user data', `at most ${LIMITS.userDataLength} characters`, HUAWEI),
  identityName: rule('identity-name', 'identity source name',
    '1-128 letters, digits, "-", "_" or "." (query parameters also "~"), unique per location (header names ignore case)', HUAWEI),
  identityValidation: rule('identity-validation', 'identity source validation',
    `a valid ECMAScript regular expression of 1-${LIMITS.identityValidationLength} characters, without nested quantifiers ` +
    '(such as "(a+)+") or back-references, whose matching time a caller could make grow exponentially', HUAWEI),
  thirdPartyIdentities: rule('third-party-identities', 'identity sources of a third-party authorizer',
    `at most ${LIMITS.thirdPartyHeaders} headers and ${LIMITS.thirdPartyQueries} query parameters`, HUAWEI),
  thirdPartyAuthorizer: rule('third-party-authorizer', 'third-party authorizer',
    'an absolute http:// or https:// URL, method GET, POST, PUT or HEAD, and a match header (name and value) exactly when simple mode is off',
    HUAWEI),
  authorizerTimeout: rule('authorizer-timeout', 'authorizer timeout',
    `${LIMITS.authorizerTimeoutMin.toMilliseconds()}-${LIMITS.authorizerTimeoutMax.toMilliseconds()} ms, whole milliseconds`, LIBRARY),
  accessControl: rule('access-control', 'IP access-control rule',
    'at least one IPv4 or IPv6 address or CIDR block (a.b.c.d/0-32, x:x::x/0-128), without host bits beyond the prefix', LIBRARY),
  throttle: rule('throttle', 'throttle', 'rateLimit a number >= 0 (requests per second) and burstLimit an integer >= 0', AWS),
  quota: rule('quota', 'quota', 'limit an integer >= 0 with a period (DAY, WEEK or MONTH), and offset an integer >= 0', AWS),
  binaryMediaTypes: rule('binary-media-types', 'binary media type',
    'a media type "type/subtype", a whole type "type/*" or "*/*", names of letters, digits and "!#$&^_.+-" (RFC 6838), without parameters',
    `${AWS} and RFC 6838`),
  authorizersPerApi: rule('authorizers-per-api', 'number of authorizers of the REST API',
    `at most ${LIMITS.authorizersPerRestApi} (the group defines one)`, AWS),
  environmentsPerGroup: rule('environments-per-group', 'number of environments in a group',
    `at most ${LIMITS.environmentsPerGroup}, the default one (stageName) included`, HUAWEI),
  environmentName: rule('environment-name', 'environment name',
    '3-64 letters, digits or "_", starting with a letter, unique in the group (the default environment is stageName, "RELEASE" unless set)',
    HUAWEI),
  environmentVariables: rule('environment-variables', 'number of variables of an environment',
    `at most ${LIMITS.variablesPerEnvironment} per environment`, HUAWEI),
  environmentVariable: rule('environment-variable', 'environment variable',
    `name of 3-32 letters, digits or "_" starting with a letter; value of 1-${LIMITS.environmentVariableValueLength} ` +
    'letters, digits and "_-/.:"', `${HUAWEI} and ${AWS}`),
  apiEnvironments: rule('api-environments', 'environments of an API', 'at least one environment, each of the API\'s own group', LIBRARY),
  vpcAccess: rule('vpc-access', 'AWS services reached from the VPC',
    'subnets with a route to the internet (NAT), or an interface VPC endpoint for every service the functions call: ' +
    'Lambda (function backends, custom authorizers) and Secrets Manager (apps); set createVpcEndpoints to create them', LIBRARY),
  vpcPlacement: rule('vpc-placement', 'VPC placement', 'vpcSubnets, securityGroups and createVpcEndpoints only with vpc; the functions in private or isolated subnets (in a public one a function reaches nothing outside the VPC)', LIBRARY),
  endpointType: rule('endpoint-type', 'endpoint type',
    'REGIONAL, EDGE, or PRIVATE with the interface VPC endpoints that may call it (privateEndpoints, or vpc to create one); ' +
    'privateEndpoints only with PRIVATE; a custom domain only for REGIONAL or EDGE', AWS),
  invokeGrantSize: rule('invoke-grant-size', 'execute-api:Invoke grants of one grantee',
    'ARNs that fit IAM\'s policy sizes: about 6,000 characters inline (IAM allows 10,240 of inline policies per role), the ' +
    `rest in at most ${LIMITS.managedPoliciesPerRole} customer managed policies of 6,144 characters, which only a role can hold`,
    'AWS IAM'),
  keepWarm: rule('keep-warm', 'warm functions',
    'an alias name of 1-128 letters, digits, "-" or "_", not only digits; provisioned concurrency an integer >= 1', LAMBDA),
  orchestrationName: rule('orchestration-name', 'orchestration rule name',
    '3-64 letters, digits or "_", starting with a letter, unique in the group', HUAWEI),
  orchestrationMap: rule('orchestration-map', 'orchestration rule map',
    `list and range: 1-${LIMITS.orchestrationMapEntries} entries, list items of 1-128 letters, digits, "-" or "_", ` +
    `entries x the largest list at most ${LIMITS.orchestrationListItems}, ranges of decimal integers from 0 to ` +
    '9223372036854775807 with start <= end; mapped values of 1-128 letters or digits; head_n and tail_n: a length ' +
    `of 1-${LIMITS.orchestrationInterceptMax}; hash and hash_range are not supported (Huawei does not document their hash)`, HUAWEI),
  orchestrationMappedParameter: rule('orchestration-mapped-parameter', 'mapped parameter of an orchestration rule',
    'a header or query parameter of 1-128 letters, digits or "-", starting with a letter; required unless the rule is ' +
    'preprocessing (none_value and default rules cannot be); not a header the proxy sets itself (hop-by-hop headers, ' +
    'Host, Content-Length, Content-Type, X-Request-Id, X-Real-IP, Forwarded, X-Forwarded-*, X-Amzn-*)', `${HUAWEI} and ${LIBRARY}`),
  orchestrationBinding: rule('orchestration-binding', 'orchestration rules of a request parameter',
    'rules of the API\'s own group, each once; at most one none_value rule (first) and one default rule (last); ' +
    'a preprocessing rule never last; one orchestrated parameter per API', HUAWEI),
  backendPolicies: rule('backend-policies', 'number of backend policies', `at most ${LIMITS.backendPoliciesPerApi} per API`, HUAWEI),
  backendPolicyName: rule('backend-policy-name', 'backend policy name',
    '3-64 letters, digits or "_", starting with a letter, unique in the API', HUAWEI),
  backendPolicyBackend: rule('backend-policy-backend', 'backend of a backend policy',
    'the same kind as the API\'s own backend (HTTP for HTTP, FUNCTION for FUNCTION, MOCK for MOCK)', HUAWEI),
  policyConditions: rule('policy-conditions', 'number of conditions of a backend policy',
    `1-${LIMITS.conditionsPerPolicy} per policy`, HUAWEI),
  policyCondition: rule('policy-condition', 'backend policy condition',
    'sourceIp: IPv4 or IPv6 addresses or CIDR blocks; parameter: a request parameter or path parameter of the API, declared in one ' +
    'location; system: $context.reqPath, $context.reqMethod (exact or oneOf only), or $context.authorizer.frontend.<key> on an API ' +
    `with a custom or third-party authorizer; exactly one of exact, oneOf (1-${LIMITS.policyOneOfValues} values without ",") or ` +
    `pattern; values of 1-${LIMITS.policyValueLength} characters`, `${HUAWEI} and ${LIBRARY}`),
  policyPattern: rule('policy-pattern', 'backend policy pattern',
    `an ECMAScript regular expression of 1-${LIMITS.policyValueLength} characters, without back-references and without a repeated ` +
    'part that can itself match in several ways (nested quantifiers such as (a+)+ or (a|a)*)', LIBRARY),
  metricsNamespace: rule('metrics-namespace', 'metrics namespace',
    '1-255 characters of letters, digits, space and ".-_/#:", not only spaces, not starting with "AWS/"', 'Amazon CloudWatch'),
} as const;

/** All rules, in table order (README and tests iterate over this). */
export const ALL_RULES: LimitRule[] = Object.values(RULES);
