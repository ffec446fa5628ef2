/**
 * The package root (`import { startProxy } from 'ccproxy-node'`): run the proxy inside another
 * program, with the same settings sources as the `ccproxy` command (file, env, overrides).
 */
export { installSignalHandlers, startProxy, type RunningProxy, type StartProxyOptions } from './core/runtime.js';
export { VERSION } from './core/version.js';
