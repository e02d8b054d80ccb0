// Proof of work for anonymous endpoints (hashcash-style, SHA-256 per FIPS 180-4, HMAC per
// RFC 2104). The server hands out a stateless challenge, signed with a server secret and bound to
// a purpose and an expiry; the client finds a counter whose hash with the challenge starts with
// `bits` zero bits. It throttles floods and receipt guessing without ever looking at who is
// asking (DESIGN promise 2: no IP address is read). Single use is enforced by the store, which
// records each spent challenge until it expires.

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes, fromBase64Url, randomBytes, toBase64Url, utf8 } from './bytes.ts';

export const POW_PURPOSES = ['report', 'lookup', 'login'] as const;
export type PowPurpose = (typeof POW_PURPOSES)[number];

export interface PowChallenge {
  purpose: PowPurpose;
  /** expiry, unix seconds */
  expires: number;
  bits: number;
  nonce: string;
}

const VERSION = 'pow1';
export const MAX_POW_BITS = 32;

function macInput(c: PowChallenge): Uint8Array {
  return utf8(`${VERSION}|${c.purpose}|${c.expires}|${c.bits}|${c.nonce}`);
}

/** Issues a challenge token: `pow1.<purpose>.<expires>.<bits>.<nonce>.<mac>`. */
export function issueChallenge(secret: Uint8Array, purpose: PowPurpose, bits: number, ttlSeconds: number, now: number): string {
  if (!Number.isInteger(bits) || bits < 0 || bits > MAX_POW_BITS) throw new RangeError('pow: bits out of range');
  const c: PowChallenge = { purpose, expires: Math.floor(now / 1000) + ttlSeconds, bits, nonce: toBase64Url(randomBytes(16)) };
  const mac = toBase64Url(hmac(sha256, secret, macInput(c)));
  return `${VERSION}.${c.purpose}.${c.expires}.${c.bits}.${c.nonce}.${mac}`;
}

export type PowFailure = 'pow_malformed' | 'pow_invalid' | 'pow_expired' | 'pow_wrong_purpose' | 'pow_insufficient';

/** Parses a token without checking its MAC (clients use this to read the difficulty). */
export function parseChallenge(token: string): PowChallenge | null {
  if (typeof token !== 'string' || token.length > 200) return null;
  const m = /^pow1\.([a-z]+)\.([0-9]{1,12})\.([0-9]{1,2})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const purpose = m[1] as PowPurpose;
  if (!POW_PURPOSES.includes(purpose)) return null;
  const bits = Number(m[3]);
  if (bits > MAX_POW_BITS) return null;
  return { purpose, expires: Number(m[2]), bits, nonce: m[4] as string };
}

export function leadingZeroBits(hash: Uint8Array): number {
  let bits = 0;
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

function solutionHash(token: string, counter: number): Uint8Array {
  return sha256(utf8(`${token}:${counter}`));
}

/**
 * Checks a solved challenge. `minBits` is the difficulty the server requires now, so that a
 * challenge issued under an easier setting stops working when the setting is raised.
 */
export function verifySolution(
  secret: Uint8Array,
  token: string,
  counter: unknown,
  purpose: PowPurpose,
  minBits: number,
  now: number,
): PowFailure | null {
  const c = parseChallenge(token);
  if (!c) return 'pow_malformed';
  if (typeof counter !== 'number' || !Number.isSafeInteger(counter) || counter < 0) return 'pow_malformed';
  const mac = fromBase64Url(token.slice(token.lastIndexOf('.') + 1));
  if (!equalBytes(mac, hmac(sha256, secret, macInput(c)))) return 'pow_invalid';
  if (c.purpose !== purpose) return 'pow_wrong_purpose';
  if (c.expires * 1000 <= now) return 'pow_expired';
  if (c.bits < minBits || leadingZeroBits(solutionHash(token, counter)) < c.bits) return 'pow_insufficient';
  return null;
}

/** Whether `<token>:<counter>` hashes to at least `bits` leading zero bits. */
export function meetsDifficulty(token: string, counter: number, bits: number): boolean {
  return Number.isSafeInteger(counter) && counter >= 0 && leadingZeroBits(solutionHash(token, counter)) >= bits;
}

/**
 * Finds the first counter whose hash with `token` has `bits` leading zero bits. Synchronous: the
 * browser runs it in a Web Worker, which posts `onProgress` (hashes tried, hashes expected) to
 * the page every `step` attempts.
 */
export function findCounter(token: string, bits: number, onProgress?: (tried: number, expected: number) => void, step = 16384): number {
  const expected = 2 ** bits;
  // One buffer holds "<token>:" followed by the decimal counter, rewritten in place: this is the
  // same input as solutionHash() builds, without allocating a string per attempt.
  const prefix = utf8(`${token}:`);
  const buffer = new Uint8Array(prefix.length + 16);
  buffer.set(prefix);
  for (let counter = 0; counter < Number.MAX_SAFE_INTEGER; counter++) {
    const digits = String(counter);
    let end = prefix.length;
    for (let i = 0; i < digits.length; i++) buffer[end++] = digits.charCodeAt(i);
    if (leadingZeroBits(sha256(buffer.subarray(0, end))) >= bits) return counter;
    if (onProgress && counter % step === step - 1) onProgress(counter + 1, expected);
  }
  throw new Error('pow: no solution');
}

/** Solves a proof-of-work challenge token (see findCounter). */
export function solveChallenge(token: string, onProgress?: (tried: number, expected: number) => void, step = 16384): number {
  const c = parseChallenge(token);
  if (!c) throw new Error('pow: malformed challenge');
  return findCounter(token, c.bits, onProgress, step);
}
