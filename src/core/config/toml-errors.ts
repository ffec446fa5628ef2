/**
 * TOML syntax errors in words a person can act on. The parser (smol-toml) names what its grammar
 * expected ("control characters are not allowed in strings" for a string left open at the end of
 * a line); this looks at the line it stopped on and says what is wrong there and how to fix it.
 */

export interface TomlPosition {
  /** 1-based, as smol-toml reports them. */
  line: number;
  column: number;
}

/** The first word-like token at `column` (1-based) of `text`. */
function tokenAt(text: string, column: number): string {
  return /^[^\s,\]}#]*/.exec(text.slice(column - 1))?.[0] ?? '';
}

/** What the key or table header on this line is called, for "set twice". */
function keyOf(text: string): string | undefined {
  const t = text.trim();
  const header = /^\[\[?\s*([^\]]+?)\s*\]\]?/.exec(t);
  if (header) return `table [${header[1]}]`;
  const key = /^([^=]+?)\s*=/.exec(t);
  return key ? `key \`${key[1]}\`` : undefined;
}

function explain(reason: string, text: string, column: number): string {
  const at = text.slice(column - 1);
  if (/control characters are not allowed/.test(reason)) {
    if (at === '' || at.startsWith('\r')) {
      return 'a string is not closed: add the closing quote before the end of the line (use """ ... """ for text over several lines)';
    }
    const code = at.codePointAt(0) ?? 0;
    return `a string contains the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}: write it as an escape (\\t, \\n, \\u${code.toString(16).padStart(4, '0')})`;
  }
  if (/unfinished string/.test(reason)) return 'a string is not closed: add the closing quote (""" or \'\'\' for a multi-line string)';
  if (/escape/.test(reason)) {
    return 'a string has an invalid escape (a backslash and what follows it): write a backslash as \\\\, or use single quotes for text with backslashes (\'C:\\path\')';
  }
  if (/invalid value/.test(reason)) {
    const token = tokenAt(text, column);
    if (!token) return 'a value is missing after `=`';
    return `\`${token}\` is not a value TOML knows: put text in quotes ("${token}"); numbers, true/false, [lists] and { inline tables } are written without`;
  }
  if (/redefine an already defined/.test(reason)) {
    const what = keyOf(text);
    return `${what ?? 'this key'} is set twice: each key (and each [table]) may appear only once`;
  }
  if (/expected comma or end of structure/.test(reason)) {
    return 'a list or inline table is not closed, or two items have no comma between them: separate items with `,` and close with `]` or `}` (an inline table must stay on one line)';
  }
  if (/must be followed by an end-of-line/.test(reason)) {
    return `unexpected \`${tokenAt(text, column) || 'text'}\` after the value: one \`key = value\` per line, and text with spaces goes in quotes`;
  }
  if (/illegal character in key/.test(reason)) {
    if (/^\s*\[/.test(text) && !text.includes(']')) return 'a [table] header is not closed: add `]`';
    return 'a key may only hold letters, digits, `_` and `-`: put other keys in quotes ("my key" = ...), and separate key and value with `=`';
  }
  if (/cannot find end of key|incomplete key-value/.test(reason)) return 'a key has no value: write `key = value`';
  if (/unexpected end of key/.test(reason)) return 'a key is missing before `=`';
  if (/leading zero|unfinished numeric/.test(reason)) {
    const value = /=\s*([^\s,\]}#]*)/.exec(text)?.[1] || tokenAt(text, column);
    return `\`${value}\` is not a valid number${/leading zero/.test(reason) ? ' (no leading zeros)' : ''}: write text in quotes`;
  }
  return reason;
}

/**
 * One line: what is wrong, then the line as written, e.g.
 * `line 2, column 9: a string is not closed: ... (line 2: url = "http://x)`.
 */
export function describeTomlError(message: string, pos: TomlPosition, source: string): string {
  const reason = (message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '').trim() || 'invalid TOML';
  const text = source.split('\n')[pos.line - 1] ?? '';
  const line = [...text.trim()].map((c) => (c < ' ' || c === '\u007f' ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('');
  const shown = line.length > 60 ? `${line.slice(0, 57)}...` : line;
  return `line ${pos.line}, column ${pos.column}: ${explain(reason, text.replace(/\r$/, ''), pos.column)}${shown ? ` (line ${pos.line}: ${shown})` : ''}`;
}
