/**
 * "Always for this session": the rule a person's answer is remembered as, in Claude Code's own
 * syntax so it reads like (and can be copied into) `allowed_tools`: `Bash(<the command>)`,
 * `Edit(//abs/path)` for file tools, `WebFetch(domain:<host>)`, else the tool's name. The proxy
 * matches these itself, by equality of the rule a new call yields: an identical call is answered
 * without asking, anything else still asks. (The CLI's own rule matching splits compound commands
 * and checks paths, so an exact rule handed back to it does not reliably cover the same call.)
 */

const FILE_TOOLS = new Set(['Read', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit']);

export function sessionRuleFor(tool: string, input: Record<string, unknown>): string {
  if (tool === 'Bash' && typeof input.command === 'string') return `Bash(${input.command})`;
  const file = input.file_path ?? input.notebook_path;
  // Claude Code reads `//path` as absolute (a single `/` is relative to the settings file).
  if (FILE_TOOLS.has(tool) && typeof file === 'string') return `${tool}(${file.startsWith('/') ? '/' : ''}${file})`;
  if (tool === 'WebFetch' && typeof input.url === 'string') {
    const host = URL.canParse(input.url) ? new URL(input.url).hostname : '';
    if (host) return `WebFetch(domain:${host})`;
  }
  return tool;
}

/** A session's remembered answers (a client session's, or one request's when it names none). */
export class SessionRules {
  private readonly allowed = new Set<string>();
  private readonly denied = new Set<string>();

  decisionFor(rule: string): 'allow' | 'deny' | undefined {
    if (this.denied.has(rule)) return 'deny';
    return this.allowed.has(rule) ? 'allow' : undefined;
  }

  remember(rule: string, decision: 'allow' | 'deny'): void {
    (decision === 'allow' ? this.allowed : this.denied).add(rule);
    (decision === 'allow' ? this.denied : this.allowed).delete(rule);
  }
}
