/**
 * The group's Lambda proxy (AWS_PROXY integration on every method and on the catch-all):
 * route → enforce authentication (the authorizer's verdict; IAM; a custom authorizer after IAM)
 * → IP access control → validate parameters → call the backend within its timeout → pass the
 * answer through, or render a gateway error with the rule of the API's selected response
 * (DESIGN section 2).
 *
 * The handler never throws and never returns a malformed result: either would become AWS's
 * generic 502, which bypasses every gateway response.
 */
import * as path from 'path';
import { CONFIG_FILE_NAME } from '../../private/config-document';
import { BackendCall } from './backends';
import { CompiledApi, ConfigState, loadConfig, ProxyConfig, RoutedApi } from './config';
import { isPreflightRequest, preflightPolicy } from './cors';
import { GatewayError, internalError, methodNotSupported, notFound } from './gateway-error';
import { isToken, setResultHeader } from './headers';
import { logEvent, stackFrames } from './log';
import { offOwnResources } from './own-resources';
import { FALLBACK_RULES, renderGatewayError, RenderScope, staticInternalError } from './render';
import { RequestView } from './request';
import { RouteMatch } from './router';
import { LambdaContextLike, ProxyResult } from './types';

/** Time kept back from Lambda's own timeout to render and return a BACKEND_TIMEOUT. */
const LAMBDA_TIMEOUT_MARGIN_MS = 200;

const configFile = process.env.APIG_CONFIG_FILE || path.join(__dirname, CONFIG_FILE_NAME);
// A problem confined to one API is found when that API is first called (its parts compile then).
const state: ConfigState = loadConfig(configFile, process.env, reason => logEvent('configuration warning', { reason }));
if (state.ok) {
  for (const warning of state.config.warnings) { logEvent('configuration warning', { reason: warning }); }
} else {
  logEvent('configuration refused', { file: configFile, reason: state.reason });
}

const REFUSED_SCOPE: RenderScope = { rules: FALLBACK_RULES, apiId: '', apiName: '', defaultStage: '' };

function scopeOf(config: ProxyConfig, api: CompiledApi | undefined): RenderScope {
  return api
    ? { rules: api.rules, apiId: api.id, apiName: api.name, defaultStage: config.stage, cors: api.cors ?? config.cors }
    : { rules: config.defaultRules, apiId: '', apiName: '', defaultStage: config.stage, cors: config.cors };
}

function timeoutFor(configured: number | undefined, context: LambdaContextLike | undefined): number {
  const timeout = configured ?? 0;
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
  if (typeof remaining !== 'number' || !Number.isFinite(remaining)) { return timeout; }
  return Math.max(1, Math.min(timeout, remaining - LAMBDA_TIMEOUT_MARGIN_MS));
}

/** Routes, checks authentication and access, validates and calls the backend; synchronous unless something is called. */
function handle(req: RequestView, config: ProxyConfig, context: LambdaContextLike | undefined): ProxyResult | Promise<ProxyResult> {
  // Only the APIs published in the environment the request arrived on (its stage) exist for it.
  const router = config.routes.forStage(req.stage || config.stage);
  const match = router.match(req.method, req.path);
  if (isPreflightRequest(req) && match.kind !== 'no-path' && !(match.kind === 'route' && !match.viaAny)) {
    // A preflight on a served path, and no API declares OPTIONS there: the gateway answers it, with the
    // CORS of the API the announced request would reach, or the group's.
    const cors = preflightPolicy(req, config.cors, method => {
      const announced = router.match(method, req.path);
      return announced.kind === 'route' ? announced.target.compiled.cors : undefined;
    });
    if (cors) { return withRequestId(cors.preflight(req), req); }
  }
  if (match.kind === 'no-path') { return renderGatewayError(notFound(), req, scopeOf(config, undefined)); }
  // A method that is not an HTTP token cannot be forwarded anywhere: unsupported, even by ANY.
  if (match.kind === 'no-method' || (match.viaAny && !isToken(req.method))) {
    return renderGatewayError(methodNotSupported(req.method), req, scopeOf(config, undefined));
  }

  const api = match.target.compiled;
  req.api = api;
  // An exposed PREFIX API is served only through its own resources (own-resources.ts).
  const off = offOwnResources(req, api.ownResources);
  if (off) { return renderGatewayError(off, req, scopeOf(config, api)); }
  if (api.guard !== undefined) {
    const refused = api.guard({
      req,
      params: match.params,
      defaultStage: config.stage,
      timeoutFor: configured => timeoutFor(configured, context),
    });
    if (refused instanceof Promise) {
      return refused.then(err => (err ? renderGatewayError(err, req, scopeOf(config, api)) : proceed(req, config, api, match, context)))
        .then(undefined, (err: unknown) => unexpected(err, req));
    }
    if (refused) { return renderGatewayError(refused, req, scopeOf(config, api)); }
  }
  return proceed(req, config, api, match, context);
}

/** Steps 4 to 6: validate the parameters, call the backend, pass its answer through. */
function proceed(req: RequestView, config: ProxyConfig, api: CompiledApi, match: Extract<RouteMatch<RoutedApi>, { kind: 'route' }>,
  context: LambdaContextLike | undefined): ProxyResult | Promise<ProxyResult> {
  const invalid = api.validate(req, match.params);
  if (invalid) { return renderGatewayError(invalid, req, scopeOf(config, api)); }
  const orchestrated = api.orchestrate?.(req, match.params);
  if (orchestrated instanceof GatewayError) { return renderGatewayError(orchestrated, req, scopeOf(config, api)); }

  const call: BackendCall = {
    req,
    apiPath: api.path,
    params: match.params,
    rawParams: match.rawParams,
    greedy: match.greedy,
    ...(match.remainder ? { remainder: match.remainder } : {}),
    timeoutMs: timeoutFor(api.backend.timeoutMs, context),
    defaultStage: config.stage,
    ...(orchestrated ? { orchestrated } : {}),
  };
  const backendStarted = performance.now();
  const outcome = api.backend.invoke(call);
  if (!(outcome instanceof Promise)) {
    req.backendMs = performance.now() - backendStarted;
    return finish(outcome, req, config, api);
  }
  // One continuation for both outcomes: every extra hop delays the answer.
  return outcome.then(o => {
    req.backendMs = performance.now() - backendStarted;
    try {
      return finish(o, req, config, api);
    } catch (err) {
      return unexpected(err, req);
    }
  }, (err: unknown) => unexpected(err, req));
}

/** The backend's answer passed through (plus X-Request-Id and CORS), or its gateway error rendered. */
function finish(outcome: ProxyResult | GatewayError, req: RequestView, config: ProxyConfig, api: CompiledApi): ProxyResult {
  if (outcome instanceof GatewayError) { return renderGatewayError(outcome, req, scopeOf(config, api)); }
  const cors = api.cors ?? config.cors;
  if (cors) { cors.apply(outcome, req); }
  return withRequestId(outcome, req);
}

function withRequestId(result: ProxyResult, req: RequestView): ProxyResult {
  setResultHeader(result, 'X-Request-Id', req.requestIdHeader);
  return result;
}

function unexpected(err: unknown, req: RequestView | undefined): ProxyResult {
  try {
    const request = req ?? new RequestView(undefined);
    const reason = `unexpected error: ${err instanceof Error ? err.name : typeof err}`;
    logEvent('unexpected error', { requestId: request.requestId, stack: stackFrames(err) });
    if (!state.ok) { return renderGatewayError(internalError(reason), request, REFUSED_SCOPE); }
    return renderGatewayError(internalError(reason), request, scopeOf(state.config, request.api));
  } catch {
    let id = '';
    try { id = req ? req.requestIdHeader : ''; } catch { /* keep '' */ }
    return staticInternalError(id);
  }
}

/** Writes the request's metric record (when the group has metrics); returns the answer unchanged. */
function measured(result: ProxyResult, req: RequestView | undefined, started: number): ProxyResult {
  const metrics = state.ok ? state.config.metrics : undefined;
  if (metrics) {
    metrics.emit({
      requestId: req ? req.requestId : '',
      apiId: req?.api?.id,
      // No view at all: the request failed before it could be read, answered as DEFAULT_5XX.
      errorType: req ? req.errorType : 'DEFAULT_5XX',
      latencyMs: performance.now() - started,
      backendMs: req?.backendMs,
      // The environment the request arrived on: several environments share the proxy.
      stage: req && state.ok ? req.stage || state.config.stage : undefined,
    });
  }
  return result;
}

export function handler(event: unknown, context?: LambdaContextLike): Promise<ProxyResult> {
  const started = performance.now();
  let req: RequestView | undefined;
  try {
    req = new RequestView(event);
    if (!state.ok) {
      return Promise.resolve(renderGatewayError(internalError(`configuration refused: ${state.reason}`.slice(0, 200)), req, REFUSED_SCOPE));
    }
    const view = req;
    const result = handle(view, state.config, context);
    // A promise from handle() never rejects: it catches its own failures.
    return result instanceof Promise ? result.then(r => measured(r, view, started)) : Promise.resolve(measured(result, view, started));
  } catch (err) {
    return Promise.resolve(measured(unexpected(err, req), req, started));
  }
}
