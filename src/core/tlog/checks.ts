// Argument checks shared by the transparency-log core (promise 7: the audit log).
//
// Every exported function of src/core/tlog validates its inputs with these helpers before it
// does any work, so a caller's mistake surfaces as a TypeError/RangeError at the entry point
// instead of as a wrong hash deep inside a proof. Tree sizes and indexes are plain numbers:
// safe non-negative integers (≤ 2^53 - 1), never bigint, never fractional.

/** Byte length of every hash in this module: SHA-256 (RFC 9162 §2.1 with SHA-256). */
export const HASH_SIZE = 32;

/** Throws unless `value` is a safe integer ≥ 0 (a tree size, a leaf index, a stored-hash index). */
export function assertSafeNonNegativeInteger(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a safe non-negative integer, got ${describe(value)}`);
  }
}

/** Throws unless `value` is a Uint8Array of exactly HASH_SIZE bytes. */
export function assertHash(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array, got ${describe(value)}`);
  }
  if (value.length !== HASH_SIZE) {
    throw new TypeError(`${name} must be ${HASH_SIZE} bytes, got ${value.length}`);
  }
}

/** Throws unless `value` is a Uint8Array (of any length, including 0). */
export function assertBytes(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array, got ${describe(value)}`);
  }
}

/** True if `value` is a Uint8Array of exactly HASH_SIZE bytes (for untrusted proof elements). */
export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

/**
 * Byte equality. Not constant-time: every value compared here (tree hashes, key IDs) is public,
 * so timing reveals nothing an auditor could not read anyway.
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  return typeof value;
}
