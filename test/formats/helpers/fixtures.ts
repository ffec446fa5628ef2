/** Loads the shared fixture streams in `test/fixtures/formats/streams/` (one format each). */
import fs from 'node:fs';
import path from 'node:path';
import type { ApiFormat } from '../../../src/core/adapter.js';
import type { StreamEvent } from '../../../src/formats/convert.js';

export const STREAMS_DIR = path.resolve(import.meta.dirname, '../../fixtures/formats/streams');

export interface StreamFixtureFile {
  name: string;
  description: string;
  format: ApiFormat;
  events: StreamEvent[];
  /** Chat fixtures whose request asked for `stream_options.include_usage`. */
  include_usage?: boolean;
}

export function loadStreamFixtures(format?: ApiFormat): StreamFixtureFile[] {
  return fs
    .readdirSync(STREAMS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), ...(JSON.parse(fs.readFileSync(path.join(STREAMS_DIR, f), 'utf8')) as Omit<StreamFixtureFile, 'name'>) }))
    .filter((f) => !format || f.format === format);
}

export async function* fromArray<T>(items: readonly T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
