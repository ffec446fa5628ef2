/**
 * Claude Code puts an `x-anthropic-billing-header: cc_version=…; cc_entrypoint=…;` line at the top
 * of its system prompt. It changes with every CLI build (and entry point), so left in place it
 * makes the cached prompt prefix vary and defeats prompt caching; to any other vendor it means
 * nothing. Every path that forwards a Claude Code system prompt removes it the same way: whole
 * lines, wherever they stand, other text of the block kept.
 */
export const BILLING_HEADER_PREFIX = 'x-anthropic-billing-header:';

/** The text without its billing-header lines (the same string when there are none). */
export function withoutBillingLines(text: string): string {
  if (!text.includes(BILLING_HEADER_PREFIX)) return text;
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith(BILLING_HEADER_PREFIX))
    .join('\n');
}

/**
 * Anthropic `system` (string or blocks) without billing-header lines; a block left with only
 * white space is removed. `changed` is false (and `system` the same value) when there was none.
 */
export function stripBillingHeader(system: unknown): { system: unknown; changed: boolean } {
  if (typeof system === 'string') {
    const text = withoutBillingLines(system);
    return { system: text, changed: text !== system };
  }
  if (!Array.isArray(system)) return { system, changed: false };
  let changed = false;
  const out: unknown[] = [];
  for (const block of system) {
    const text = (block as { text?: unknown } | null)?.text;
    const kept = typeof text === 'string' ? withoutBillingLines(text) : text;
    if (kept === text) {
      out.push(block);
      continue;
    }
    changed = true;
    if ((kept as string).trim()) out.push({ ...(block as Record<string, unknown>), text: kept });
  }
  return changed ? { system: out, changed } : { system, changed };
}
