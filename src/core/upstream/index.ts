export { UpstreamClient, upstreamClient, type PooledCallOptions, type UpstreamCallOptions } from './client.js';
export { UpstreamStats } from './stats.js';
export { ModelListCache, fetchModelList, type ModelListOptions } from './model-list.js';
export type { CredentialUse, TokenSource } from './token-source.js';
