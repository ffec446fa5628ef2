/**
 * `json.dumps(value)` as Python writes it with its defaults (what Python clients send): `", "` and
 * `": "` separators, every non-ASCII character escaped as `\uXXXX` (`ensure_ascii=True`, per UTF-16
 * unit, lowercase hex, as Python does). Keys keep their insertion order, as in a Python dict.
 */
export function pythonJsonDumps(value) {
  if (value === null || typeof value !== 'object') return asciiOnly(JSON.stringify(value) ?? 'null');
  if (Array.isArray(value)) return `[${value.map((v) => pythonJsonDumps(v)).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${asciiOnly(JSON.stringify(k))}: ${pythonJsonDumps(v)}`).join(', ')}}`;
}

function asciiOnly(json) {
  return json.replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
