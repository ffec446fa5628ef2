/** The conversion's drop reporter, or one that ignores drops. */
import type { ConvertOptions } from '../types.js';

export type Drop = (field: string, reason: string) => void;

export function dropsOf(opts: ConvertOptions): Drop {
  return opts.onDrop ?? ignore;
}

function ignore(): void {}
