export { UpstreamClient, upstreamClient, type PooledCallOptions, type UpstreamCallOptions } from './client.js';
export { UpstreamStats } from './stats.js';
export type { CredentialUse, TokenSource } from './token-source.js';
