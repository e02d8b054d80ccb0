// Canonical JSON (RFC 8785, JSON Canonicalization Scheme) for the values Relais hashes and signs:
// the config hash and audit-log entries. Object keys sorted by UTF-16 code units, no whitespace,
// numbers in ECMAScript form. Only plain data is accepted: a value that JSON would silently
// change (undefined, NaN, Infinity, functions, non-plain objects) is an error, not a guess.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Error('canonical JSON: non-finite number');
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new Error('canonical JSON: not a plain object');
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new Error(`canonical JSON: unsupported ${typeof value}`);
  }
}
