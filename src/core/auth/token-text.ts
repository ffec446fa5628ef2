/**
 * Tokens end up in HTTP headers (`Authorization: Bearer …`) and in files other programs parse. A
 * token with CR/LF could inject headers, and one with other control or non-ASCII characters is not
 * a token at all: such values are refused wherever the proxy learns a token, never sent or saved.
 */

/** Why `value` cannot be used as a token, or undefined when it can. */
export function tokenTextProblem(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(value)) return 'contains control characters (such as CR/LF)';
  if (/[^\x20-\x7e]/.test(value)) return 'contains non-ASCII characters';
  return undefined;
}

/** The first of `tokens` (name → value) that cannot be used, with why. */
export function unusableToken(tokens: Record<string, string | undefined>): { name: string; problem: string } | undefined {
  for (const [name, value] of Object.entries(tokens)) {
    const problem = value === undefined ? undefined : tokenTextProblem(value);
    if (problem) return { name, problem };
  }
  return undefined;
}
