/**
 * Per-version detection cache: `<cacheDir>/<name>-<version>.json`. A CLI's headers and prompt only
 * change with its version, so a cached capture is reused until the CLI is upgraded.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../auth/credential-file.js';

export function detectionCachePath(cacheDir: string, name: string, version: string): string {
  const safe = version.replace(/[^A-Za-z0-9._-]/g, '_');
  return path.join(cacheDir, `${name}-${safe}.json`);
}

/** The cached value, or null when absent or unreadable (a bad cache is just re-detected). */
export async function readDetectionCache<T>(cacheDir: string, name: string, version: string): Promise<T | null> {
  try {
    return JSON.parse(await fs.readFile(detectionCachePath(cacheDir, name, version), 'utf8')) as T;
  } catch {
    return null;
  }
}

export async function writeDetectionCache(cacheDir: string, name: string, version: string, value: unknown): Promise<void> {
  await writeJsonAtomic(detectionCachePath(cacheDir, name, version), value, 0o644);
}
