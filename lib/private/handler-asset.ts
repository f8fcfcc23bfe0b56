import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Lazy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { CONFIG_FILE_NAME } from './config-document';

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
 * Writes a handler folder (the bundle plus the group's configuration document) under the system
 * temp folder, named by its content hash, so the same input always gives the same folder and the
 * same asset hash on any machine.
 */
export function stageHandlerFolder(name: string, config: string): string {
  const bundle = readBundle(name);
  const hash = crypto.createHash('sha256').update(bundle).update('\0').update(config).digest('hex');
  const dir = path.join(os.tmpdir(), 'cdk-api-groups', `${name}-${hash.slice(0, 32)}`);
  if (!fs.existsSync(path.join(dir, CONFIG_FILE_NAME))) {
    const tmp = `${dir}.${process.pid}.tmp`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'index.js'), bundle);
    fs.writeFileSync(path.join(tmp, CONFIG_FILE_NAME), config);
    try {
      fs.renameSync(tmp, dir);
    } catch {
      fs.rmSync(tmp, { recursive: true, force: true }); // another process staged the same content first
    }
  }
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

  /** Creates the asset from `folder` under `scope` (once). */
  public stage(scope: Construct, folder: string): void {
    if (this.asset) { return; }
    this.asset = new s3_assets.Asset(scope, 'Code', { path: folder });
    if (this.resource) {
      this.asset.addResourceMetadata(this.resource, 'Code');
    }
  }

  /** True once the asset exists. */
  public get staged(): boolean {
    return this.asset !== undefined;
  }
}
