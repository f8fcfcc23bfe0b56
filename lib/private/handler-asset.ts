import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Lazy, Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { ConfigFiles } from './config-files';

/** Folder of the handler bundles built by `npm run bundle` (shipped in the npm package). */
export const BUNDLE_ROOT = path.join(__dirname, '..', '..', 'assets');

/** Reads a prebuilt handler bundle, with a clear message when the library was not built. */
export function readBundle(name: string): Buffer {
  const file = path.join(BUNDLE_ROOT, name, 'index.js');
  if (!fs.existsSync(file)) {
    throw new Error(`cdk-api-groups: the bundled ${name} handler is missing at ${file}; build the library first (npm run build)`);
  }
  return fs.readFileSync(file);
}

/**
 * Writes a handler folder (the bundle plus the group's configuration document) inside the cloud
 * assembly, never in a shared folder: under a name derived from its content (so that aws-cdk-lib's
 * asset cache, which is keyed by path, can never return another content's asset), and always
 * afresh, so nothing already there is ever deployed.
 */
function writeHandlerFolder(outdir: string, name: string, config: ConfigFiles): string {
  const bundle = readBundle(name);
  const hasher = crypto.createHash('sha256').update(bundle);
  for (const file of Object.keys(config).sort()) { hasher.update('\0').update(file).update('\0').update(config[file]); }
  const hash = hasher.digest('hex');
  // No dot after the leading one: aws-cdk-lib would take it for a file extension of the asset.
  const dir = path.join(outdir, `.cdk-api-groups-${name}-${hash.slice(0, 32)}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(dir, 'index.js'), bundle);
  for (const [file, text] of Object.entries(config)) { fs.writeFileSync(path.join(dir, file), text); }
  return dir;
}

/**
 * Lambda code whose asset is only known once the group is complete: the function is defined
 * when the group is, but its configuration document depends on every API added afterwards.
 * `bind` hands out lazy S3 locations; `stage()` creates the asset when the group is finalised.
 */
export class DeferredAssetCode extends lambda.Code {
  private asset?: s3_assets.Asset;
  private resource?: import('aws-cdk-lib').CfnResource;

  constructor(private readonly description: string) {
    super();
  }

  public bind(): lambda.CodeConfig {
    const unstaged = () => {
      throw new Error(`cdk-api-groups: the ${this.description} code was read before its group was finalised`);
    };
    return {
      s3Location: {
        bucketName: Lazy.string({ produce: () => this.asset?.s3BucketName ?? unstaged() }),
        objectKey: Lazy.string({ produce: () => this.asset?.s3ObjectKey ?? unstaged() }),
      },
    };
  }

  public bindToResource(resource: import('aws-cdk-lib').CfnResource): void {
    this.resource = resource;
  }

  /**
   * Creates the asset (once) under `scope` from the bundle `name` and the configuration document.
   * The folder is staged in the cloud assembly; aws-cdk-lib copies it to `asset.<hash>` (its
   * content hash), after which the staging copy is removed, unless asset staging is disabled
   * (`cdk synth --no-staging`, SAM): then the folder itself is the asset.
   */
  public stage(scope: Construct, name: string, config: ConfigFiles): void {
    if (this.asset) { return; }
    const stage = Stage.of(scope);
    if (!stage) {
      throw new Error(`cdk-api-groups: ${scope.node.path} must be inside an App or a Stage to stage its ${this.description} code`);
    }
    const folder = writeHandlerFolder(stage.assetOutdir, name, config);
    try {
      this.asset = new s3_assets.Asset(scope, 'Code', { path: folder });
    } finally {
      if (this.asset === undefined || path.resolve(stage.outdir, this.asset.assetPath) !== folder) {
        fs.rmSync(folder, { recursive: true, force: true });
      }
    }
    if (this.resource) {
      this.asset.addResourceMetadata(this.resource, 'Code');
    }
  }

  /** True once the asset exists. */
  public get staged(): boolean {
    return this.asset !== undefined;
  }
}
