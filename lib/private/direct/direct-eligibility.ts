import type { Api } from '../../api';
import { AuthType } from '../../auth';
import { MatchMode } from '../../match-mode';
import { ParameterType, RequestParameterOptions } from '../../request-parameter';
import { ResponseType } from '../../response-type';
import type { GatewayResponse } from '../../gateway-response';
import { apiShapeOf } from '../definition/api-shape';
import { unimportableSegment } from '../definition/importable-paths';
import { degradedVariables } from '../native-responses';
import type { DirectBackend } from './direct-backend';

/**
 * Whether API Gateway can call an API's backend itself (DESIGN section 14, README "Direct
 * integration"), and what the API would lose there. Two lists:
 * - blockers: something only the proxy does for the API (a response other than `default`,
 *   parameter checks, backend parameters, policies, IP rules, CORS headers on answers...).
 *   `direct: true` with a blocker fails the synth, naming each one.
 * - losses: the API could go direct, but some answer would change: an error of another type
 *   (a function error is API Gateway's DEFAULT_5XX, not BACKEND_UNAVAILABLE; the authorizer's
 *   verdicts collapse into UNAUTHORIZED and AUTHORIZER_FAILURE), or a variable of the `default`
 *   rule that API Gateway renders differently. `direct: true` accepts them (the deployment report
 *   lists them); DirectIntegration.AUTO does not.
 */
export interface DirectReason {
  /** A short stable code, e.g. `response`, `cors`, `functionErrors`. */
  readonly code: string;
  /** What it is about this API, in words. */
  readonly detail: string;
}

export interface DirectAssessment {
  readonly blockers: DirectReason[];
  readonly losses: DirectReason[];
  readonly backend: DirectBackend;
}

/** What of the group matters to its APIs' direct integration. */
export interface DirectGroupFacts {
  readonly defaultResponse: GatewayResponse;
  /** The group has CORS (the proxy adds its headers to every answer). */
  readonly cors: boolean;
  /** The group has an IP access-control rule. */
  readonly accessControl: boolean;
  /** The proxy runs in a VPC (HTTP backends are taken as private). */
  readonly vpc: boolean;
  /** The group's environment names. */
  readonly environments: readonly string[];
}

/** API Gateway's smallest integration timeout (its quotas page: 50 ms). */
const MIN_INTEGRATION_TIMEOUT_MS = 50;

/** Types whose errors come from API Gateway itself once an HTTP backend is called directly, by AWS type. */
const HTTP_NATIVE_TYPES = [ResponseType.BACKEND_TIMEOUT, ResponseType.BACKEND_UNAVAILABLE];

/**
 * The losses of every direct HTTP API of a group: the `default` rules of the types API Gateway then
 * answers itself (BACKEND_TIMEOUT, BACKEND_UNAVAILABLE) using variables it renders differently.
 */
export function nativeHttpLosses(defaultResponse: GatewayResponse): DirectReason[] {
  const losses: DirectReason[] = [];
  for (const type of HTTP_NATIVE_TYPES) {
    const degraded = degradedVariables(defaultResponse.ruleFor(type).body);
    if (degraded.length > 0) {
      losses.push({ code: 'variables', detail: `the \`default\` rule of ${type.name} uses ${degraded.join(', ')}, which API Gateway renders differently` });
    }
  }
  return losses;
}

/** @param httpLosses nativeHttpLosses of the group's `default` response */
export function assessDirect(api: Api, group: DirectGroupFacts, httpLosses: readonly DirectReason[]): DirectAssessment {
  const backend = api.backend._direct();
  const blockers: DirectReason[] = [];
  const block = (code: string, detail: string): void => { blockers.push({ code, detail }); };
  const losses: DirectReason[] = [];
  const lose = (code: string, detail: string): void => { losses.push({ code, detail }); };

  if (api.gatewayResponse !== group.defaultResponse) {
    block('response', `it selects the gateway response ${api.gatewayResponse.responseName}; API Gateway's own errors are rendered from \`default\` only`);
  }
  const checked = api.parameters.filter(p => hasChecksBeyondPresence(p.options));
  if (checked.length > 0) {
    block('parameters', `its parameters ${checked.map(p => `${p.location} ${p.name}`).join(', ')} have checks API Gateway's request validators cannot make (they check presence only)`);
  }
  if (api.backendPolicies.length > 0) {
    block('backendPolicies', `it has ${api.backendPolicies.length} backend policies: the proxy chooses the backend per request`);
  }
  if (api.accessControl || group.accessControl) {
    block('accessControl', `an IP access-control rule applies to it (${api.accessControl ? 'its own' : 'the group\'s'}); the proxy enforces it`);
  }
  if (api.matchMode === MatchMode.PREFIX) {
    block('matchMode', 'it matches by prefix: the proxy appends the remainder to the backend path');
  }
  const environments = api.environments?.map(e => e.environmentName);
  if (environments && group.environments.some(e => !environments.includes(e))) {
    block('environments', `it is published in ${environments.join(', ')} only: every environment of the REST API has every method, so only the proxy can answer NOT_FOUND in the others`);
  }
  if (group.cors || api.cors) {
    block('cors', `${api.cors ? 'it has' : 'the group has'} CORS: the proxy adds the CORS headers to every answer, and API Gateway adds none to an integration's answers`);
  }
  const segment = unimportableSegment(apiShapeOf(api));
  if (segment !== undefined) {
    block('path', `its path segment ${JSON.stringify(segment)} cannot be a resource of the REST API (API Gateway's import refuses it)`);
  }

  const auth = api.auth;
  if (auth.authType === AuthType.APP && auth.signature) {
    block('signature', 'it accepts app signatures: a signed body is verified by the proxy, which sees it (the authorizer does not)');
  }
  if (auth.authType === AuthType.IAM && auth.customAuthorizer) {
    block('iamWithCustomAuthorizer', `its custom authorizer ${auth.customAuthorizer.authorizerName} runs in the proxy after API Gateway has checked the signature`);
  }
  if (auth.usesAuthorizer) {
    lose('authorizerVerdicts', 'its authentication errors would be API Gateway\'s UNAUTHORIZED (401) or an authorizer failure (500, AUTHORIZER_CONF_FAILURE): '
      + 'AUTH_HEADER_MISSING, AUTH_FAILURE, AUTHORIZER_IDENTITIES_FAILURE and the third-party 401 types all render as UNAUTHORIZED');
  }

  switch (backend.kind) {
    case 'HTTP':
      if (group.vpc) {
        block('privateBackend', 'the group\'s proxy runs in a VPC to reach its HTTP backends; API Gateway would need a VPC link');
      }
      if (backend.parameterCount > 0) {
        block('backendParameters', `its backend has ${backend.parameterCount} backend parameters: the proxy moves, adds and overrides them`);
      }
      if (backend.placeholders.length > 0) {
        block('backendPath', `its backend URL takes request values (${backend.placeholders.map(p => `{${p}}`).join(', ')}): API Gateway would put them in as sent, `
          + 'where the proxy refuses dot segments and encodes them for the backend path');
      }
      if (backend.variables.some(v => !/^[A-Za-z0-9_]{1,64}$/.test(v))) {
        block('backendAddress', 'its backend URL uses environment variables that are not stage variable names');
      }
      if (backend.timeoutMs < MIN_INTEGRATION_TIMEOUT_MS) {
        block('timeout', `its backend timeout ${backend.timeoutMs} ms is below API Gateway's smallest integration timeout (${MIN_INTEGRATION_TIMEOUT_MS} ms)`);
      }
      losses.push(...httpLosses);
      break;
    case 'FUNCTION':
      if (backend.parameterCount > 0) {
        block('backendParameters', `its backend has ${backend.parameterCount} backend parameters: the proxy adds and overrides them in the event`);
      }
      if (backend.asynchronous) {
        block('asyncInvocation', 'its function is invoked asynchronously: the proxy answers 202 itself');
      }
      if (backend.timeoutMs < MIN_INTEGRATION_TIMEOUT_MS) {
        block('timeout', `its backend timeout ${backend.timeoutMs} ms is below API Gateway's smallest integration timeout (${MIN_INTEGRATION_TIMEOUT_MS} ms)`);
      }
      if (auth.authType === AuthType.APP && auth.appCode) {
        block('appCodeToFunction', 'a Lambda proxy integration passes every header to the function, the caller\'s X-Apig-AppCode included (the proxy removes it)');
      }
      lose('functionErrors', 'a function error or malformed result would be API Gateway\'s DEFAULT_5XX (502), not BACKEND_UNAVAILABLE');
      break;
    case 'MOCK': {
      // Velocity identifiers start with a letter: the template sets each header as `$context.responseOverride.header.<name>`.
      const unusable = Object.keys(backend.headers).filter(name => !/^[A-Za-z][A-Za-z0-9_-]*$/.test(name));
      // A MOCK's status comes from its request template, applied to JSON requests; any other body is
      // passed through to the mock, which then fails (500), where the proxy answers whatever the body.
      if (['POST', 'PUT', 'PATCH', 'ANY'].includes(api.method)) {
        lose('mockRequestBody', 'a request with a body that is not JSON would get API Gateway\'s 500 instead of the mock\'s answer');
      }
      if (unusable.length > 0) {
        block('mockHeaders', `its mock's headers ${unusable.join(', ')} do not start with a letter: API Gateway's mapping template cannot set them`);
      }
      break;
    }
  }
  return { blockers, losses, backend };
}


/** A parameter check beyond presence: API Gateway's request validators check presence only. */
function hasChecksBeyondPresence(o: RequestParameterOptions): boolean {
  return (o.type !== undefined && o.type !== ParameterType.STRING) || o.enumerations !== undefined || o.minimum !== undefined
    || o.maximum !== undefined || o.minLength !== undefined || o.maxLength !== undefined || (o.orchestrations?.length ?? 0) > 0;
}
