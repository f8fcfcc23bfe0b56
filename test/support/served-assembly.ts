/**
 * A synthesized cloud assembly served by `cdk-api-groups local` on a free port, as the local-gateway
 * tests use it: synthesize the app, serve it, and at the end close the gateway, every test server
 * and the work folder.
 */
import * as fs from 'fs';
import { App } from 'aws-cdk-lib';
import { LocalGateway, LocalGatewayOptions, startLocalGateway } from '../../lib/local';
import { closeAllServers } from './http-servers';

export interface ServedAssembly {
  readonly gateway: LocalGateway;
  /** The first group's URL, without a trailing slash. */
  readonly base: string;
  /** Closes the gateway and every test server, and removes `work`. */
  close(): Promise<void>;
}

/** Synthesizes `app` (whose outdir is inside `work`) and serves its assembly. */
export async function serveAssembly(app: App, work: string, options: Partial<LocalGatewayOptions> = {}): Promise<ServedAssembly> {
  const assembly = app.synth().directory;
  const gateway = await startLocalGateway({ assembly, port: 0, region: 'eu-west-1', log: () => undefined, ...options });
  return {
    gateway,
    base: gateway.groups[0].url.replace(/\/$/, ''),
    close: async () => {
      await gateway.close();
      await closeAllServers();
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}
