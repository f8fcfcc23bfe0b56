/** The local Lambda Invoke endpoint: product code of the local gateway, lib/local/local-lambda.ts. */
export * from '../../lib/local/local-lambda';
