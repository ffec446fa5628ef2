/**
 * Images and files between Anthropic `source` objects and the URLs the OpenAI APIs use: Anthropic
 * base64 sources travel as `data:` URLs, url sources as the URL itself, and back.
 */
import type { JsonObject } from '../types.js';
import type { AnthropicSource } from './wire.js';

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

export function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

/** A `data:…;base64,` URL's parts, or null for any other string. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | null {
  const m = DATA_URL.exec(url);
  return m ? { mediaType: m[1] ?? '', data: m[2] ?? '' } : null;
}

/** Anthropic base64 / url source → URL (a data URL for base64), or null for other sources. */
export function sourceUrl(src: AnthropicSource | undefined, fallbackMediaType: string): string | null {
  if (src?.type === 'base64' && src.data) return dataUrl(src.media_type ?? fallbackMediaType, src.data);
  if (src?.type === 'url' && src.url) return src.url;
  return null;
}

/** URL → Anthropic source: base64 for a data URL, url otherwise. */
export function anthropicSource(url: string): JsonObject {
  const data = parseDataUrl(url);
  return data ? { type: 'base64', media_type: data.mediaType, data: data.data } : { type: 'url', url };
}
