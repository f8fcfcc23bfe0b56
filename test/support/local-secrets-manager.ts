/** The local Secrets Manager endpoint: product code of the local gateway, lib/local/local-secrets-manager.ts. */
export * from '../../lib/local/local-secrets-manager';
