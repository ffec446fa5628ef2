/**
 * Convert a shared value (one the body parser hands to every request that repeats it, see
 * src/core/json/shared-value.ts) once, not once per request. The result is shared too, so its
 * serialized bytes are reused as well (src/core/json/json-bytes.ts). The fields the conversion
 * dropped are reported again on every call, as if it had run.
 *
 * Only for conversions whose result depends on nothing but the input (and that report through
 * `onDrop` only): the memo is keyed by the input alone.
 */
import { isSharedValue, shareValue } from '../../core/json/shared-value.js';
import type { ConvertOptions } from '../convert.js';

type Drop = (field: string, reason: string) => void;

export function memoizeShared<I, O>(convert: (input: I, onDrop: Drop) => O): (input: I, opts: ConvertOptions) => O {
  const memo = new WeakMap<object, { value: O; drops: Array<[string, string]> }>();
  return (input, opts) => {
    const onDrop = opts.onDrop ?? noop;
    if (!isSharedValue(input)) return convert(input, onDrop);
    const hit = memo.get(input);
    if (hit) {
      for (const [field, reason] of hit.drops) onDrop(field, reason);
      return hit.value;
    }
    const drops: Array<[string, string]> = [];
    const value = shareValue(
      convert(input, (field, reason) => {
        drops.push([field, reason]);
        onDrop(field, reason);
      }),
    );
    memo.set(input, { value, drops });
    return value;
  };
}

function noop(): void {}
