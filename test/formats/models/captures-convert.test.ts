/**
 * The real client captures convert through every direction that starts at their format, and the
 * result validates against the target API's request model.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiFormat } from '../../../src/core/adapter.js';
import type { JsonObject } from '../../../src/formats/convert.js';
import { convertRequest } from '../../../src/formats/convert.js';
import { AnthropicRequestSchema } from '../../../src/formats/models/anthropic.js';
import { ChatRequestSchema } from '../../../src/formats/models/chat.js';
import { ResponsesRequestSchema } from '../../../src/formats/models/responses.js';

const CAPTURES = path.resolve(import.meta.dirname, '../../fixtures/captures');
const SCHEMAS = { anthropic: AnthropicRequestSchema, chat: ChatRequestSchema, responses: ResponsesRequestSchema };

function body(file: string): JsonObject {
  return (JSON.parse(fs.readFileSync(path.join(CAPTURES, file), 'utf8')) as { body: JsonObject }).body;
}

const CASES: [string, ApiFormat, ApiFormat[]][] = [
  ['claude-code-2.1.331-messages.json', 'anthropic', ['chat', 'responses']],
  ['claude-code-2.1.331-interactive-messages.json', 'anthropic', ['chat', 'responses']],
  ['codex-0.169.0-responses.json', 'responses', ['anthropic', 'chat']],
];

describe('captured client requests convert to valid target requests', () => {
  for (const [file, from, targets] of CASES) {
    for (const to of targets) {
      it(`${file} → ${to}`, () => {
        const out = convertRequest(from, to, structuredClone(body(file)), { onDrop: () => {} });
        expect(SCHEMAS[to].safeParse(out).error).toBeUndefined();
      });
    }
  }
});
