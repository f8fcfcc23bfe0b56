/**
 * Node's HTTP clients, each loaded on the first call that needs it, with a keep-alive agent per
 * protocol kept for the process's life (connections survive between invocations of a warm
 * Lambda). A cold start whose first request calls no HTTP backend or third-party service (a mock, a
 * function, a gateway error) does not load them: loading `http` and `https` was a large part of
 * both handlers' cold start (issue 15). Built-in modules: a plain require, left to Node by esbuild.
 */
import type * as http from 'http';

export type HttpProtocol = 'http:' | 'https:';

export interface Transport {
  readonly request: typeof http.request;
  readonly agent: http.Agent;
}

const transports: Partial<Record<HttpProtocol, Transport>> = {};

export function transport(protocol: HttpProtocol): Transport {
  let found = transports[protocol];
  if (found === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const client = (protocol === 'https:' ? require('https') : require('http')) as typeof http;
    found = { request: client.request, agent: new client.Agent({ keepAlive: true }) };
    transports[protocol] = found;
  }
  return found;
}
