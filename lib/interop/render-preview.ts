import * as path from 'path';
import type { ApiGroup } from '../api-group';
import type { GatewayResponse } from '../gateway-response';
import { ConfigDocument } from '../private/config-document';
import { buildRuntimeConfig } from '../private/runtime-config';
import { authorizerContextKey } from '../private/template';
import { ResponseType } from '../response-type';
import type { GatewayResponseRenderOptions, RenderedGatewayResponse } from './response-preview';

/** The bundled renderer (assets/renderer/index.js, built from lib/runtime/preview with the proxy's modules). */
const RENDERER = path.join(__dirname, '..', '..', 'assets', 'renderer', 'index.js');

interface Renderer {
  renderPreview(input: unknown): RenderedGatewayResponse;
}

let renderer: Renderer | undefined;

function loadRenderer(): Renderer {
  if (!renderer) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    renderer = require(RENDERER) as Renderer;
  }
  return renderer;
}

/** The configuration document's parts a rendering reads: error defaults, the responses, CORS, the stage. */
function previewDocument(group: ApiGroup, response: GatewayResponse): ConfigDocument {
  const props = group._interopProps();
  return buildRuntimeConfig({
    groupName: group.groupName,
    stageName: group.stageName,
    responses: [response],
    apis: [],
    cors: props.cors,
    backendContext: () => { throw new Error('no API is bound for a preview'); },
  });
}

/** Renders `type` with `response`'s rule, exactly as the group's proxy renders it. */
export function renderGatewayResponse(group: ApiGroup, response: GatewayResponse, type: ResponseType,
  options: GatewayResponseRenderOptions): RenderedGatewayResponse {
  const props = group._interopProps();
  const authorizer: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.authorizerContext ?? {})) { authorizer[authorizerContextKey(key)] = value; }
  if (options.appName !== undefined) {
    const app = group.apps.find(a => a.appName === options.appName);
    authorizer.appName = options.appName;
    authorizer.appId = app?.appId ?? '';
  }
  const api = options.api;
  const method = options.method ?? (api && api.method !== 'ANY' ? api.method : 'GET');
  const result = loadRenderer().renderPreview({
    document: previewDocument(group, response),
    response: response.responseName,
    type: type.name,
    originalStatus: options.originalStatusCode ?? type.defaultStatusCode ?? (type.name === 'DEFAULT_4XX' ? 400 : 500),
    api: api ? { id: api.apiId, name: api.apiName } : undefined,
    errorCode: options.errorCode,
    errorMessage: options.errorMessage,
    request: {
      method,
      path: options.path ?? '/',
      requestId: options.requestId ?? 'preview-request-id',
      sourceIp: options.sourceIp ?? '198.51.100.1',
      stage: options.stage ?? group.stageName,
      headers: { ...(options.headers ?? {}) },
      query: { ...(options.query ?? {}) },
      stageVariables: { ...(options.stageVariables ?? props.stageVariables ?? {}) },
      authorizer,
    },
  });
  return { statusCode: result.statusCode, headers: { ...result.headers }, body: result.body };
}
