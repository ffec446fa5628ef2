/** See python-json.mjs. */
export function pythonJsonDumps(value: unknown): string;
