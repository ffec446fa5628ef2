/** Provider-agnostic credential helpers shared by the OAuth provider plugins. */
export * from './credential-file.js';
export * from './refresher.js';
export * from './file-token-store.js';
export * from './token-text.js';
export * from './token-endpoint.js';
export * from './pkce.js';
export * from './oauth-login.js';
