/**
 * The public plugin entry (`import … from 'ccproxy-node/plugin'`): everything a plugin may use,
 * and the only thing it imports from ccproxy. The built-in plugins import this file too (relatively,
 * `../../plugin.js`), so an outside plugin has exactly the means the built-ins have; an eslint rule
 * and test/contract/import-graph.test.ts keep `src/plugins/**` from reaching past it.
 *
 * What is not exported here is internal and may change without notice.
 */

// Fastify's request/route typings as the core augments them (route `config.api`, `request.body`).
import './core/http/fastify-types.js';

/** The schema library plugins declare their config with: one copy shared with the core's loader. */
export { z } from 'zod';
/** The web framework's types, for `getRoutes()` and a plugin's own routes (no direct fastify dependency needed). */
export type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

// ── The plugin protocol ──────────────────────────────────────────────────────────────────────────
export {
  PluginConfigSchema,
  ProviderConfigSchema,
  isProviderPlugin,
  type AnyPlugin,
  type AuthCommandContext,
  type AccountInfo,
  type AuthStatusReport,
  type HealthCheckResult,
  type PageLink,
  type Plugin,
  type PluginAuthCommands,
  type PluginBase,
  type PluginConfig,
  type PluginExport,
  type ProviderConfig,
  type ProviderPlugin,
  type ScheduledTaskDefinition,
  type StartupInfo,
} from './core/plugin.js';
export type { CoreServices, SchedulerApi } from './core/services.js';
/** A plugin from a definition and a `setup`, without the protocol's class skeleton. */
export {
  definePlugin,
  type DefinedPlugin,
  type ExtensionDefinition,
  type PluginSetup,
  type ProviderDefinition,
  type ProviderSetup,
  type SetupContext,
} from './core/define-plugin.js';
export type {
  AbortSignalLike,
  AdapterJsonResponse,
  AdapterRequest,
  AdapterResponse,
  AdapterStreamResponse,
  ApiFormat,
  ModelAcceptance,
  ModelInfo,
  ProviderAdapter,
  RequestObserver,
} from './core/adapter.js';

// ── Health: a provider's check from what it noticed (status = the worst note) ─────────────────────
export { healthReport, lastResponseDetail, type HealthLevel, type HealthNote, type HealthReportOptions } from './core/health/report.js';

// ── Events (what observability plugins listen to) ───────────────────────────────────────────────
export type { EventBus, PermissionDecidedBy, RequestEventListener, RequestEventName, RequestEvents } from './core/events.js';
/** A finished request flattened for logs, usage rows, metrics and pages: metadata only. */
export { requestRecord, type FinishedEvent, type RequestRecord, type TokenCounts } from './core/request-record.js';

// ── Errors: throw these; the core renders them in the client's API format ────────────────────────
export {
  AuthError,
  PluginError,
  ProxyError,
  UpstreamConnectionError,
  UpstreamError,
  UpstreamUnreadableError,
  ValidationError,
  invalidField,
  jsonTypeOf,
  kindForStatus,
  toProxyError,
} from './core/errors.js';

// ── HTTP: routes, request bodies, upstream calls ────────────────────────────────────────────────
/** The upstream's answer as the client's: metered, converted to the client's API, streams as SSE. */
export { jsonAnswer, streamAnswer } from './core/http/client-answer.js';
export { copyRequest } from './core/http/model-request.js';
export { providerRoutes } from './core/http/provider-routes.js';
export { refuseCrossOrigin } from './core/http/same-origin.js';
export { SSE_HEADERS } from './core/http/send.js';
export { openEventStream, type EventStreamOptions } from './core/http/event-stream.js';
export { upstreamRequest, type UpstreamResponse } from './core/http/upstream.js';
export {
  UpstreamClient,
  UpstreamStats,
  ModelListCache,
  fetchModelList,
  upstreamClient,
  type CredentialUse,
  type ModelListOptions,
  type PooledCallOptions,
  type TokenSource,
  type UpstreamCallOptions,
} from './core/upstream/index.js';
export { JsonBody } from './core/json/json-body.js';
export { jsonBytes } from './core/json/json-bytes.js';
export { matchPattern } from './core/routing/glob.js';

// ── The three client APIs: conversions, streams, validation, token estimates, usage ─────────────
export {
  UsageMeter,
  accumulateStream,
  anthropicUsage,
  chatUsage,
  convertRequest,
  convertResponse,
  convertStream,
  dropForeignReasoning,
  dropForeignThinking,
  errorEvent,
  estimateInputTokens,
  estimatedTokenCount,
  parseSseStream,
  responsesUsage,
  serializeSseStream,
  stripBillingHeader,
  unreadableAnswer,
  usageOf,
  validateRequest,
  withoutBillingLines,
  type ConvertOptions,
  type JsonObject,
  type StreamEvent,
  type Usage,
} from './formats/index.js';
export { serializeSse } from './formats/sse.js';

// ── Credentials: files shared with the CLIs, OAuth login, token refresh ─────────────────────────
export { CredentialFile, CredentialFileError } from './core/auth/credential-file.js';
export type { CredentialStore } from './core/auth/credential-store.js';
export { fileTokenStore } from './core/auth/file-token-store.js';
export { openBrowser, runOAuthLogin } from './core/auth/oauth-login.js';
export { TokenRefresher, type RefreshRecord, type TokenSnapshot } from './core/auth/refresher.js';
export { refreshReporter } from './core/auth/refresh-events.js';
/** Register a token the plugin learned (not shaped like `sk-…` or a JWT) so logs and errors never show it. */
export { secrets } from './core/secrets.js';
export { TokenEndpointError, refreshFailure, requestTokens, type IssuedTokens } from './core/auth/token-endpoint.js';

// ── Detecting a CLI's version and the requests it sends, without touching the user's home ───────
export { readDetectionCache, writeDetectionCache } from './core/detection/cache.js';
export { startCaptureServer, type CapturedRequest } from './core/detection/capture-server.js';
export { withIsolatedHome } from './core/detection/isolated-home.js';
export { BackgroundDetection } from './core/detection/background-detection.js';
export { runCli } from './core/detection/run-cli.js';
export { claudeBinaryPackages, findBundledCli, findCli, type CliSource, type FindCliOptions } from './core/detection/find-cli.js';

// ── Account pools: several credentials per provider, selection, affinity, shared state ──────────
export { affinityKey } from './core/pool/affinity.js';
export { AccountNameSchema, StrategySchema, accountSchema, uniqueNames, type StateSettings } from './core/pool/config.js';
export { accountServices, type AccountServices } from './core/pool/account-services.js';
export { credentialStoreFor } from './core/pool/credential-stores.js';
export { AccountPool, accountPool, type PoolMember, type PoolServices } from './core/pool/pool.js';
export { DEFAULT_ACCOUNT, poolMembers } from './core/pool/pool-members.js';
export { poolHealth, type AccountCredentialsHealth, type HealthProblem } from './core/pool/pool-health.js';
export type { PoolState } from './core/pool/state.js';
export { storedAccountPath, storedAccounts } from './core/pool/stored-accounts.js';
