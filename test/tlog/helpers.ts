// Test helpers for the tlog core: hex/base64 codecs, a node:crypto SHA-256, a seeded PRNG,
// and a MemoryHashStore filled with numbered entries. Node-only (tests run in Node).
import { createHash } from 'node:crypto';
import { MemoryHashStore } from '../../src/core/tlog/memory-hash-store.ts';
import type { Sha256Fn } from '../../src/core/tlog/hasher.ts';

export const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const fromB64 = (b64: string): Uint8Array => Uint8Array.from(Buffer.from(b64, 'base64'));
export const toB64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** SHA-256 from node:crypto, independent of @noble/hashes. */
export const nodeSha256: Sha256Fn = (message) => Uint8Array.from(createHash('sha256').update(message).digest());

/** Deterministic PRNG (mulberry32) so that a failing random tampering can be replayed. */
export function seededRandom(seed: number): (bound: number) => number {
  let state = seed >>> 0;
  return (bound: number) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * bound);
  };
}

/** Returns a copy of `proof` with one bit flipped in element `element`. */
export function flipBit(proof: readonly Uint8Array[], element: number, bit: number): Uint8Array[] {
  return proof.map((h, i) => {
    if (i !== element) return h;
    const copy = Uint8Array.from(h);
    copy[Math.floor(bit / 8) % copy.length]! ^= 1 << (bit % 8);
    return copy;
  });
}

/** A MemoryHashStore holding `entries`. */
export function storeOf(entries: readonly Uint8Array[]): MemoryHashStore {
  const store = new MemoryHashStore();
  for (const e of entries) store.appendEntry(e);
  return store;
}
