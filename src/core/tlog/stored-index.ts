// Numbering of the stored hashes of an append-only Merkle tree (RFC 9162 §2.1), as in Go's
// golang.org/x/mod/sumdb/tlog (after Crosby & Wallach, "Efficient Data Structures for
// Tamper-Evident Logging", §3.3). Written afresh for Relais.
//
// Every perfect subtree — 2^level leaves starting at leaf index × 2^level — has its hash stored
// exactly once, at a stable index, written when its last leaf is appended. Appending leaf m
// writes, in this order, its leaf hash and then the hash of each perfect subtree it completes
// (one per trailing 1 bit of m), so the storage is a dense, append-only array:
//
//   index:  0   1   2      3   4   5      6      7 ...
//   hash:  L0  L1  [0,2)  L2  L3  [2,4)  [0,4)  L4 ...
//
// Closed forms (popcount = number of 1 bits):
//   storedHashCount(size)        = 2·size − popcount(size)
//   storedHashIndex(level, index) = storedHashCount(m) + level, where m = (index+1)·2^level − 1
//                                  is the subtree's last leaf (its hash follows m's leaf hash
//                                  and the `level − 1` smaller subtrees m completes first)
//
// Stored indexes must stay safe integers, so a stored tree holds at most MAX_STORED_TREE_SIZE
// = 2^52 leaves (then storedHashCount = 2^53 − 1). Proof verification (verify.ts) and frontiers
// have no such limit: they accept any size up to 2^53 − 1.
import { assertSafeNonNegativeInteger } from './checks.ts';
import { popcount, trailingOnes, type SubtreeId } from './tree-math.ts';

/** Largest number of leaves a stored tree may hold (2^52). */
export const MAX_STORED_TREE_SIZE = 2 ** 52;

/** Number of stored hashes of a tree of `size` leaves (also the first index leaf `size` uses). */
export function storedHashCount(size: number): number {
  assertStoredSize('size', size);
  return 2 * size - popcount(size);
}

/** Stored index of the perfect subtree with 2^level leaves starting at leaf index × 2^level. */
export function storedHashIndex(level: number, index: number): number {
  assertSafeNonNegativeInteger('level', level);
  assertSafeNonNegativeInteger('index', index);
  if (level > 52 || (index + 1) * 2 ** level > MAX_STORED_TREE_SIZE) {
    throw new RangeError(`subtree (level ${level}, index ${index}) lies beyond ${MAX_STORED_TREE_SIZE} leaves`);
  }
  const lastLeaf = (index + 1) * 2 ** level - 1;
  return 2 * lastLeaf - popcount(lastLeaf) + level;
}

/** Inverse of storedHashIndex: which perfect subtree is stored at `storedIndex`. */
export function splitStoredHashIndex(storedIndex: number): SubtreeId {
  assertSafeNonNegativeInteger('storedIndex', storedIndex);
  if (storedIndex >= storedHashCount(MAX_STORED_TREE_SIZE)) {
    throw new RangeError(`stored index ${storedIndex} lies beyond ${MAX_STORED_TREE_SIZE} leaves`);
  }
  // Find the leaf m whose append wrote this index: storedHashCount(m) ≤ storedIndex <
  // storedHashCount(m + 1). Since storedHashCount(m) = 2m − popcount(m), m is at most
  // (storedIndex + 53) / 2 and at least storedIndex / 2: a few steps from the lower bound.
  let m = Math.floor(storedIndex / 2);
  while (storedHashCount(m + 1) <= storedIndex) m++;
  const level = storedIndex - storedHashCount(m);
  if (level > trailingOnes(m)) throw new Error('unreachable: stored index arithmetic');
  return { level, index: Math.floor(m / 2 ** level) };
}

/** Throws unless `size` is a safe integer in [0, MAX_STORED_TREE_SIZE]. */
export function assertStoredSize(name: string, size: unknown): asserts size is number {
  assertSafeNonNegativeInteger(name, size);
  if (size > MAX_STORED_TREE_SIZE) {
    throw new RangeError(`${name} ${size} exceeds the stored tree limit of ${MAX_STORED_TREE_SIZE}`);
  }
}
