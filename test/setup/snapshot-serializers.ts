/**
 * Snapshot serializers that keep whole-template snapshots stable: a snapshot must change when
 * the template changes, not when the bundled handler's bytes or the CDK version do.
 *
 * - 64-hex asset hashes (S3 keys, asset paths) become `[ASSET_HASH]`: they change with any byte
 *   of the bundled proxy, which its own tests cover. The deployment's logical id (32 hex, an
 *   md5) is kept on purpose: it must change when what API Gateway serves changes.
 * - `LatestNodeRuntimeMap` (present when a stack uses determineLatestNodeRuntime) becomes
 *   `[LATEST_NODE_RUNTIME_MAP]`: it changes with every aws-cdk-lib release.
 *
 * Use: `templateSerializers.forEach(expect.addSnapshotSerializer)` in a test file.
 */

const ASSET_HASH = /[0-9a-f]{64}/g;

/** Replaces 64-hex asset hashes in strings. */
export const assetHashSerializer: jest.SnapshotSerializerPlugin = {
  test: (value: unknown) => typeof value === 'string' && /[0-9a-f]{64}/.test(value),
  serialize: (value: string, config, indentation, depth, refs, printer) =>
    printer(value.replace(ASSET_HASH, '[ASSET_HASH]'), config, indentation, depth, refs),
};

const MASKED = '[LATEST_NODE_RUNTIME_MAP]';

/** Replaces the value of a `LatestNodeRuntimeMap` mapping. */
export const latestNodeRuntimeMapSerializer: jest.SnapshotSerializerPlugin = {
  test: (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value)
    && Object.prototype.hasOwnProperty.call(value, 'LatestNodeRuntimeMap') && (value as any).LatestNodeRuntimeMap !== MASKED,
  serialize: (value: Record<string, unknown>, config, indentation, depth, refs, printer) =>
    printer({ ...value, LatestNodeRuntimeMap: MASKED }, config, indentation, depth, refs),
};

/** Both serializers. */
export const templateSerializers = [assetHashSerializer, latestNodeRuntimeMapSerializer];
