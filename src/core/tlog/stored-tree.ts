// An append-only RFC 9162 Merkle tree kept as stored hashes (numbering: stored-index.ts), in
// the manner of Go's golang.org/x/mod/sumdb/tlog. Written afresh for Relais.
//
// The storage layer (a SQL table, a D1 database, a Map) implements HashReader; this module
// decides which stored hashes each operation needs, reads them in ONE readHashes call with
// distinct increasing indexes, and combines them. Every operation below reads O(log n) hashes:
//
//   storedHashesForAppend(oldSize, leafHashes, reader, hasher?)
//       → { startIndex, hashes, frontier }   write `hashes` at startIndex, startIndex+1, …
//         (startIndex = storedHashCount(oldSize)); frontier.root() is the new tree's root.
//   treeHash(size, reader, hasher?)                     → MTH(D[size])          (§2.1.1)
//   readFrontier(size, reader, hasher?)                 → Frontier of that size
//   proveInclusion(leafIndex, treeSize, reader, hasher?) → PATH(m, D[n])        (§2.1.3.1)
//   proveConsistency(oldSize, newSize, reader, hasher?)  → PROOF(m, D[n])       (§2.1.4.1)
//
// All sizes must be ≤ the number of leaves already stored; a size beyond it makes the reader
// fail (it is asked for an index it does not have). Proofs are arrays of 32-byte hashes in RFC
// order and verify with verify.ts. proveConsistency(0, n) throws: a consistency proof from the
// empty tree is meaningless (verifyConsistency rejects it too); proveConsistency(n, n) is [].
import { HASH_SIZE, assertHash, assertSafeNonNegativeInteger } from './checks.ts';
import { Frontier } from './frontier.ts';
import { defaultTreeHasher, type Hash, type TreeHasher } from './hasher.ts';
import { assertStoredSize, storedHashCount, storedHashIndex } from './stored-index.ts';
import { largestPowerOfTwoBelow, perfectSubtrees } from './tree-math.ts';

/** Where stored hashes come from. Implemented by the SQL/D1 store and by MemoryHashStore. */
export interface HashReader {
  /**
   * Returns the hashes stored at `indexes`, in the same order. Callers in this module always
   * pass distinct indexes in increasing order (so `WHERE idx IN (…) ORDER BY idx` works), and
   * never an empty list. Must reject if an index is not stored.
   */
  readHashes(indexes: number[]): Promise<Uint8Array[]>;
}

/** Result of storedHashesForAppend. */
export interface AppendResult {
  /** Stored index of hashes[0]: storedHashCount(oldSize). */
  readonly startIndex: number;
  /** New stored hashes, to be written at startIndex, startIndex + 1, … */
  readonly hashes: Hash[];
  /** Frontier of the new tree; frontier.root() is its root hash for the next checkpoint. */
  readonly frontier: Frontier;
}

/** A leaf range [lo, hi) whose MTH a proof needs. */
type LeafRange = readonly [lo: number, hi: number];

/** Computes the stored hashes for appending `leafHashes` to a stored tree of `oldSize` leaves. */
export async function storedHashesForAppend(
  oldSize: number,
  leafHashes: readonly Hash[],
  reader: HashReader,
  hasher: TreeHasher = defaultTreeHasher,
): Promise<AppendResult> {
  assertStoredSize('oldSize', oldSize);
  if (!Array.isArray(leafHashes)) throw new TypeError('leafHashes must be an array');
  leafHashes.forEach((h, i) => assertHash(`leafHashes[${i}]`, h));
  assertStoredSize('new size', oldSize + leafHashes.length);
  // Appending only ever merges with the right edge of the tree: its frontier is all we read.
  const frontier = await readFrontier(oldSize, reader, hasher);
  const hashes: Hash[] = [];
  for (const leafHash of leafHashes) hashes.push(...frontier.appendLeafHashWithStoredHashes(leafHash));
  return { startIndex: storedHashCount(oldSize), hashes, frontier };
}

/** The frontier (perfect-subtree hashes) of the stored tree's first `size` leaves. */
export async function readFrontier(size: number, reader: HashReader, hasher: TreeHasher = defaultTreeHasher): Promise<Frontier> {
  assertStoredSize('size', size);
  const indexes = perfectSubtrees(0, size).map((s) => storedHashIndex(s.level, s.index));
  const hashes = await readHashesChecked(reader, indexes);
  return Frontier.fromHashes(size, hashes, hasher);
}

/** MTH(D[size]) of the stored tree's first `size` leaves (RFC 9162 §2.1.1). */
export async function treeHash(size: number, reader: HashReader, hasher: TreeHasher = defaultTreeHasher): Promise<Hash> {
  return (await readFrontier(size, reader, hasher)).root();
}

/** Inclusion proof of leaf `leafIndex` in the tree of `treeSize` leaves (RFC 9162 §2.1.3.1). */
export async function proveInclusion(
  leafIndex: number,
  treeSize: number,
  reader: HashReader,
  hasher: TreeHasher = defaultTreeHasher,
): Promise<Hash[]> {
  assertSafeNonNegativeInteger('leafIndex', leafIndex);
  assertStoredSize('treeSize', treeSize);
  if (leafIndex >= treeSize) throw new RangeError(`leafIndex ${leafIndex} is not below treeSize ${treeSize}`);
  // PATH(m, D[lo:hi]): split at k; the proof is PATH in the half holding m, then the MTH of
  // the other half. Walking top-down collects the "other halves" root-first.
  const siblings: LeafRange[] = [];
  let lo = 0;
  let hi = treeSize;
  while (hi - lo > 1) {
    const mid = lo + largestPowerOfTwoBelow(hi - lo);
    if (leafIndex < mid) {
      siblings.push([mid, hi]);
      hi = mid;
    } else {
      siblings.push([lo, mid]);
      lo = mid;
    }
  }
  return rangeHashes(siblings.reverse(), reader, hasher);
}

/** Consistency proof from the tree of `oldSize` leaves to that of `newSize` (RFC 9162 §2.1.4.1). */
export async function proveConsistency(
  oldSize: number,
  newSize: number,
  reader: HashReader,
  hasher: TreeHasher = defaultTreeHasher,
): Promise<Hash[]> {
  assertSafeNonNegativeInteger('oldSize', oldSize);
  assertStoredSize('newSize', newSize);
  if (oldSize === 0) throw new RangeError('a consistency proof from the empty tree is meaningless');
  if (oldSize > newSize) throw new RangeError(`oldSize ${oldSize} exceeds newSize ${newSize}`);
  // SUBPROOF(m, D[lo:hi], b): if m = hi, nothing when b (the verifier knows MTH(D[0:m])) else
  // MTH(D[lo:hi]); otherwise split at k and recurse into the half holding the old tree's
  // last leaf, followed by the MTH of the other half. b turns false on the first right turn.
  const siblings: LeafRange[] = [];
  let lo = 0;
  let hi = newSize;
  let oldTreeIsWholeSubtree = true;
  while (oldSize !== hi) {
    const mid = lo + largestPowerOfTwoBelow(hi - lo);
    if (oldSize <= mid) {
      siblings.push([mid, hi]);
      hi = mid;
    } else {
      siblings.push([lo, mid]);
      lo = mid;
      oldTreeIsWholeSubtree = false;
    }
  }
  const ranges: LeafRange[] = oldTreeIsWholeSubtree ? [] : [[lo, hi]];
  return rangeHashes(ranges.concat(siblings.reverse()), reader, hasher);
}

/** MTH of each range, reading all the stored hashes they need in one call. */
async function rangeHashes(ranges: readonly LeafRange[], reader: HashReader, hasher: TreeHasher): Promise<Hash[]> {
  const pieces = ranges.map(([lo, hi]) => perfectSubtrees(lo, hi).map((s) => storedHashIndex(s.level, s.index)));
  const indexes = [...new Set(pieces.flat())].sort((a, b) => a - b);
  const hashes = await readHashesChecked(reader, indexes);
  const byIndex = new Map<number, Hash>();
  indexes.forEach((index, i) => byIndex.set(index, hashes[i] as Hash));
  return pieces.map((stored) => {
    // RFC 9162 MTH of a range: fold its perfect subtrees right to left.
    let h = byIndex.get(stored[stored.length - 1] as number) as Hash;
    for (let i = stored.length - 2; i >= 0; i--) h = hasher.hashNode(byIndex.get(stored[i] as number) as Hash, h);
    return h;
  });
}

/** Calls reader.readHashes (unless there is nothing to read) and checks what comes back. */
async function readHashesChecked(reader: HashReader, indexes: number[]): Promise<Hash[]> {
  if (indexes.length === 0) return [];
  const hashes = await reader.readHashes(indexes.slice());
  if (!Array.isArray(hashes) || hashes.length !== indexes.length) {
    throw new Error(`HashReader returned ${Array.isArray(hashes) ? hashes.length : 'no array of'} hashes for ${indexes.length} indexes`);
  }
  hashes.forEach((h, i) => {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
      throw new Error(`HashReader returned a malformed hash for stored index ${indexes[i]}`);
    }
  });
  return hashes;
}
