/**
 * Building blocks shared by the three API models. Every object schema is loose (unknown keys are
 * kept, never stripped or rejected): the proxy must forward fields it does not know yet, and the
 * APIs add fields every few weeks.
 */
import { z } from 'zod';

/** Any JSON object, keys kept. */
export const JsonObjectSchema = z.record(z.string(), z.unknown());

/**
 * A catch-all for a tagged union member this model does not know (new block/item/event types).
 * It refuses the `type`s the union models explicitly, so a malformed known member is reported as
 * such instead of slipping through as "unknown".
 */
export function unknownTagged(known: readonly string[]) {
  const knownSet = new Set(known);
  return z.looseObject({
    // `abort`: a failed refinement ends this member, so a union reports the known member's own
    // problem (e.g. `text: expected string`) instead of picking this one as the only survivor.
    type: z.string().refine((t) => !knownSet.has(t), { message: MALFORMED_KNOWN_TYPE, abort: true }),
  });
}

/** What `unknownTagged` says about a known type it refuses (the known member says what is wrong). */
export const MALFORMED_KNOWN_TYPE = 'malformed known type';

/** Token counts are non-negative integers; some OpenAI-compatible upstreams send null. */
export const TokenCount = z.number().int().nonnegative();
