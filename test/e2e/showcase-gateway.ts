/**
 * Synthesizes examples/showcase in this process (its backend and auth URLs pointing at services
 * started on 127.0.0.1) and serves it with the local gateway on an ephemeral port.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { LocalGateway, RequestLogEntry, startLocalGateway } from '../../lib/local';
import { ShowcaseStack } from '../../examples/showcase/showcase-stack';
import { LocalService, startAuthService, startBackend } from './servers';

export const IAM_CREDENTIALS = { accessKeyId: 'AKIDSHOWCASE', secretAccessKey: 'showcase-secret' };
export const REGION = 'eu-west-1';
/** Fixed AppCodes (64-180 characters). */
export const APP_CODES = {
  mobile: 'M'.repeat(64),
  limited: 'L'.repeat(64),
  outsider: 'O'.repeat(64),
};

export interface Showcase {
  readonly gateway: LocalGateway;
  /** The group's URL without the trailing slash (with the base path behind the custom domain). */
  readonly base: string;
  readonly entries: RequestLogEntry[];
  readonly lines: string[];
  close(): Promise<void>;
}

export interface ShowcaseOptions {
  /**
   * Serve the template's custom domain mapping (api.showcase.example.com/v1/showcase), the local
   * gateway's default for this assembly; false: the execute-api endpoint. @default false
   */
  readonly customDomain?: boolean;
}

export async function startShowcase(name: string, options: ShowcaseOptions = {}): Promise<Showcase> {
  const work = path.join(__dirname, '..', '.work', `e2e-${name}-${process.pid}`);
  fs.mkdirSync(work, { recursive: true });
  const services: LocalService[] = [await startBackend(), await startAuthService()];
  const [backend, auth] = services;
  const outdir = path.join(work, 'cdk.out');
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  new ShowcaseStack(app, 'ShowcaseExample', { backendUrl: backend.url, authUrl: `${auth.url}/verify` });
  app.synth();
  const entries: RequestLogEntry[] = [];
  const lines: string[] = [];
  const gateway = await startLocalGateway({
    assembly: outdir,
    port: 0,
    region: REGION,
    appCodes: APP_CODES,
    iamCredentials: [IAM_CREDENTIALS],
    executeApi: !options.customDomain,
    log: line => lines.push(line),
    onRequest: entry => entries.push(entry),
  });
  return {
    gateway,
    base: gateway.groups[0].url.replace(/\/$/, ''),
    entries,
    lines,
    close: async () => {
      await gateway.close();
      for (const s of services) { await s.close(); }
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}
