/**
 * Responses `custom` (freeform) tools on an Anthropic model.
 *
 * Anthropic tools only take JSON objects, so a custom tool (Codex's `apply_patch`, a lark grammar)
 * becomes a tool with ONE required string property, `input`, whose description carries the
 * tool's grammar so the model still knows the format. The model's `{"input": "..."}` goes back to
 * the Responses client as `custom_tool_call.input` (the raw string), streamed through
 * {@link JsonStringFieldStream} so the freeform text flows out as it arrives.
 */

export const CUSTOM_TOOL_INPUT_KEY = 'input';

interface CustomToolFormat {
  type?: string;
  syntax?: string;
  definition?: string;
}

/** The Anthropic `input_schema` standing in for a Responses custom tool. */
export function customToolInputSchema(format: CustomToolFormat | undefined): Record<string, unknown> {
  let description = 'Raw freeform input for this tool (plain text, not JSON-encoded).';
  if (format?.type === 'grammar' && format.definition) {
    description += ` It must match this ${format.syntax ?? ''} grammar:\n${format.definition}`;
  }
  return {
    type: 'object',
    properties: { [CUSTOM_TOOL_INPUT_KEY]: { type: 'string', description } },
    required: [CUSTOM_TOOL_INPUT_KEY],
    additionalProperties: false,
  };
}

/** The raw freeform string from an Anthropic tool_use input (whole object form). */
export function customToolInputFromObject(input: unknown): string {
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const value = (input as Record<string, unknown>)[CUSTOM_TOOL_INPUT_KEY];
    if (typeof value === 'string') return value;
  }
  return JSON.stringify(input ?? {});
}

const VALUE_START = new RegExp(`"${CUSTOM_TOOL_INPUT_KEY}"\\s*:\\s*"`);
const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Incrementally decodes the `input` string out of streamed partial JSON (`{"input":"…"}`), so each
 * `input_json_delta` becomes a `custom_tool_call_input.delta` right away. Escapes split across
 * chunks (`\`, `\u12`) are held until complete. `finish()` returns the full decoded input; if the
 * JSON never had the expected shape it falls back to {@link customToolInputFromObject}.
 */
export class JsonStringFieldStream {
  private raw = '';
  private state: 'seek' | 'string' | 'done' = 'seek';
  private pending = '';
  private decoded = '';

  /** Feed a JSON fragment; returns the newly decoded characters (possibly ''). */
  push(fragment: string): string {
    this.raw += fragment;
    let text = fragment;
    if (this.state === 'seek') {
      const match = VALUE_START.exec(this.raw);
      if (!match) return '';
      this.state = 'string';
      text = this.raw.slice(match.index + match[0].length);
    }
    if (this.state !== 'string') return '';
    const out = this.decode(this.pending + text);
    this.decoded += out;
    return out;
  }

  /** The complete decoded input once the stream ended. */
  finish(): string {
    if (this.state === 'seek') {
      try {
        return customToolInputFromObject(JSON.parse(this.raw || '{}'));
      } catch {
        return this.raw;
      }
    }
    return this.decoded;
  }

  private decode(text: string): string {
    this.pending = '';
    let out = '';
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      if (ch === '"') {
        this.state = 'done';
        return out;
      }
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const next = text[i + 1];
      if (next === undefined) {
        this.pending = '\\';
        return out;
      }
      if (next === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (hex.length < 4) {
          this.pending = text.slice(i);
          return out;
        }
        out += String.fromCharCode(parseInt(hex, 16));
        i += 5;
        continue;
      }
      out += SIMPLE_ESCAPES[next] ?? next;
      i += 1;
    }
    return out;
  }
}
