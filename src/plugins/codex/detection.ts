/**
 * Detection service: which Codex CLI is installed and what it sends (identity headers, base
 * prompt, default model), so our upstream requests look like the CLI's own.
 *
 * Startup never waits for it: `current()` answers at once (cached or shipped fallback data) and
 * `start()` runs the CLI in the background. Results are cached per CLI version under
 * `<cacheDir>/codex-detection-<version>.json`; the hourly task re-detects only on a version change.
 */
import type { Logger } from 'pino';
import { readDetectionCache, writeDetectionCache } from '../../plugin.js';
import type { CodexConfig } from './config.js';
import type { CodexDetection } from './detection-types.js';
import { FALLBACK_CODEX_BASE_PROMPT, FALLBACK_CODEX_HEADERS, FALLBACK_CODEX_MODEL, FALLBACK_CODEX_VERSION } from './detection-fallback.js';
import { captureCodexRequest, codexVersion, extractDetection } from './detection-run.js';

export interface DetectionServiceOptions {
  config: Pick<CodexConfig, 'cli_path' | 'detection' | 'default_model'>;
  cacheDir: string;
  logger: Logger;
  /** The proxy's environment (services.env): its PATH finds `codex`. */
  env: NodeJS.ProcessEnv;
}

export function fallbackDetection(reason: string): CodexDetection {
  return {
    source: 'fallback',
    version: FALLBACK_CODEX_VERSION,
    headers: { ...FALLBACK_CODEX_HEADERS },
    basePrompt: FALLBACK_CODEX_BASE_PROMPT,
    model: FALLBACK_CODEX_MODEL,
    detectedAt: new Date(0).toISOString(),
    reason,
  };
}

export class CodexDetectionService {
  private data: CodexDetection = fallbackDetection('detection has not run yet');
  private running: Promise<CodexDetection> | null = null;
  private readonly stopping = new AbortController();
  private readonly perModel = new Map<string, CodexDetection>();
  private readonly pendingModels = new Set<string>();
  private modelRuns: Promise<void>[] = [];

  constructor(private readonly opts: DetectionServiceOptions) {}

  current(): CodexDetection {
    return this.data;
  }

  /** Background detection at startup; errors only downgrade to fallback data (logged). */
  start(): void {
    if (!this.opts.config.detection.enabled) {
      this.data = fallbackDetection('detection disabled by config');
      return;
    }
    void this.refresh().catch(() => undefined);
  }

  /** Abort a run in progress (shutdown): the CLI process group is killed. */
  stop(): void {
    this.stopping.abort();
  }

  /** Wait for a detection in progress (tests, shutdown). */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
    await Promise.all(this.modelRuns);
  }

  /**
   * Check the installed version; reuse the cache for it or run the CLI once. Resolves true when
   * real CLI data is in use. One run at a time.
   */
  refresh(signal?: AbortSignal): Promise<boolean> {
    if (!this.running) {
      const combined = signal ? AbortSignal.any([signal, this.stopping.signal]) : this.stopping.signal;
      this.running = this.detect(combined).finally(() => {
        this.running = null;
      });
    }
    return this.running.then((d) => d.source !== 'fallback');
  }

  /**
   * Data for the model a request is sent to. Base prompts are per model, so a model other than
   * `default_model` (e.g. mapped by model_map) gets its own capture, run once in the background;
   * until it lands, the default model's data is used.
   */
  forModel(model: string): CodexDetection {
    if (model === this.data.model || this.data.source === 'fallback') return this.data;
    const own = this.perModel.get(model);
    if (own) return own;
    if (!this.pendingModels.has(model) && !this.stopping.signal.aborted && this.opts.config.detection.enabled) {
      this.pendingModels.add(model);
      const version = this.data.version;
      const run = this.captureFor(version, model, this.stopping.signal)
        .then((d) => {
          if (d.version === this.data.version) this.perModel.set(model, d);
        })
        .catch((err: unknown) => {
          this.opts.logger.warn({ model, err: err instanceof Error ? err.message : String(err) }, 'codex detection for model failed; using the default model\'s prompt');
        });
      this.modelRuns.push(run);
    }
    return this.data;
  }

  private async detect(signal?: AbortSignal): Promise<CodexDetection> {
    const { logger } = this.opts;
    const cli = this.cli;
    const timeoutMs = this.opts.config.detection.timeout_seconds * 1000;
    const version = await codexVersion(cli, this.opts.env, Math.min(timeoutMs, 10_000), signal);
    // Stopped at shutdown: keep what we have and log nothing after it.
    if (this.stopping.signal.aborted) return this.data;
    if (!version) {
      this.data = fallbackDetection(`Codex CLI not found (${cli})`);
      logger.info({ cli }, 'codex CLI not found; using shipped detection data');
      return this.data;
    }
    if (this.data.version === version && this.data.model === this.model && this.data.source !== 'fallback') return this.data;
    try {
      this.data = await this.captureFor(version, this.model, signal);
      this.perModel.clear();
      this.pendingModels.clear();
      logger.info({ version, source: this.data.source, promptChars: this.data.basePrompt.length }, 'codex CLI detected');
    } catch (err) {
      this.data = fallbackDetection(`Codex CLI ${version} detection failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!this.stopping.signal.aborted) logger.warn({ err: this.data.reason }, 'codex detection failed; using shipped data');
    }
    return this.data;
  }

  /** Cached data for this version and model, else one CLI run (then cached). */
  private async captureFor(version: string, model: string, signal?: AbortSignal): Promise<CodexDetection> {
    const cached = await this.readCache(version, model);
    if (cached) return cached;
    const timeoutMs = this.opts.config.detection.timeout_seconds * 1000;
    const captured = await captureCodexRequest({ cli: this.cli, env: this.opts.env, timeoutMs, signal, model });
    const detected = extractDetection(captured, version);
    await this.writeCache(detected);
    return detected;
  }

  private get cli(): string {
    return this.opts.config.cli_path ?? 'codex';
  }

  private get model(): string {
    return this.opts.config.default_model;
  }

  /** Per model too: base prompts differ between models. */
  private cacheName(model: string): string {
    return `codex-detection-${model}`;
  }

  private async readCache(version: string, model: string): Promise<CodexDetection | null> {
    const data = await readDetectionCache<CodexDetection>(this.opts.cacheDir, this.cacheName(model), version);
    if (!data || data.version !== version || data.model !== model || typeof data.basePrompt !== 'string' || !data.basePrompt) return null;
    return { ...data, source: 'cache' };
  }

  private async writeCache(d: CodexDetection): Promise<void> {
    await writeDetectionCache(this.opts.cacheDir, this.cacheName(d.model), d.version, d).catch((err: unknown) => {
      this.opts.logger.debug({ err }, 'could not write codex detection cache');
    });
  }
}
