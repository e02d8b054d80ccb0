// Frontier (compact range [0, n)) of an RFC 9162 §2.1 Merkle tree, in the manner of
// transparency-dev/merkle's `compact` package.
//
// A tree of n leaves is the left-to-right sequence of perfect subtrees given by the binary
// digits of n (n = 7 = 4 + 2 + 1 → subtrees [0,4) [4,6) [6,7)). Their hashes, at most 53, are
// the frontier. They are all an append-only log needs: appending a leaf pushes its hash and
// merges equal-sized neighbours (one hashNode per trailing 1 bit of n), and the root MTH(D[n])
// is the right-to-left fold of the frontier with hashNode.
//
// What an auditor does with it (promise 7):
//   - keep the frontier of the last checkpoint it verified (size + hashes, a few hundred bytes);
//   - check a frontier it was handed against a signed checkpoint: frontier.matches(size, root);
//   - fetch the entries appended since and call verifyAppendedEntries(frontier, entries, size,
//     root): one leaf hash per entry plus on average one node hash, and a match proves both that
//     the new checkpoint commits to exactly these entries and that it extends the old one
//     (consistency), without any proof from the server.
//
//   Frontier.empty(hasher?)                         a tree of size 0
//   Frontier.fromHashes(size, hashes, hasher?)      from saved or served hashes (checked shape)
//   frontier.size, frontier.hashes                  (hashes: copies, largest subtree first)
//   frontier.appendEntry(entry) / appendLeafHash(h)
//   frontier.appendLeafHashWithStoredHashes(h)      → hashes a stored tree writes for this leaf
//   frontier.root(), frontier.matches(size, root), frontier.clone()
//   verifyAppendedEntries(frontier, entries, newSize, newRoot) → Frontier | null
import { assertHash, assertSafeNonNegativeInteger, bytesEqual } from './checks.ts';
import { defaultTreeHasher, type Hash, type TreeHasher } from './hasher.ts';
import { popcount } from './tree-math.ts';

export class Frontier {
  readonly hasher: TreeHasher;
  #size: number;
  // Perfect-subtree hashes, largest (leftmost) first; length = popcount(#size).
  readonly #hashes: Hash[];

  private constructor(size: number, hashes: Hash[], hasher: TreeHasher) {
    this.#size = size;
    this.#hashes = hashes;
    this.hasher = hasher;
  }

  /** The frontier of the empty tree. */
  static empty(hasher: TreeHasher = defaultTreeHasher): Frontier {
    return new Frontier(0, [], hasher);
  }

  /**
   * A frontier from its parts, e.g. as saved by an auditor or served by the log. Throws unless
   * there is exactly one 32-byte hash per 1 bit of `size`. The hashes are copied. Whether they
   * are the right hashes is what `matches(size, root)` against a signed checkpoint tells.
   */
  static fromHashes(size: number, hashes: readonly Hash[], hasher: TreeHasher = defaultTreeHasher): Frontier {
    assertSafeNonNegativeInteger('size', size);
    if (!Array.isArray(hashes)) throw new TypeError('hashes must be an array');
    const expected = popcount(size);
    if (hashes.length !== expected) {
      throw new TypeError(`a frontier of size ${size} has ${expected} hashes, got ${hashes.length}`);
    }
    hashes.forEach((h, i) => assertHash(`hashes[${i}]`, h));
    return new Frontier(
      size,
      hashes.map((h) => Uint8Array.from(h)),
      hasher,
    );
  }

  /** Number of leaves in the tree. */
  get size(): number {
    return this.#size;
  }

  /** Copies of the perfect-subtree hashes, largest (leftmost) subtree first. */
  get hashes(): Hash[] {
    return this.#hashes.map((h) => Uint8Array.from(h));
  }

  /** Appends one entry (hashing it as a leaf). */
  appendEntry(entry: Uint8Array): void {
    this.#append(this.hasher.hashLeaf(entry), null);
  }

  /** Appends one leaf by its leaf hash. */
  appendLeafHash(leafHash: Hash): void {
    assertHash('leafHash', leafHash);
    this.#append(leafHash, null);
  }

  /**
   * Appends one leaf and returns the hashes a stored tree (stored-index.ts) writes for it, in
   * stored order: the leaf hash, then the hash of each perfect subtree this leaf completes,
   * bottom-up. They go at stored indexes storedHashCount(size before) onwards.
   */
  appendLeafHashWithStoredHashes(leafHash: Hash): Hash[] {
    assertHash('leafHash', leafHash);
    const stored: Hash[] = [];
    this.#append(leafHash, stored);
    return stored;
  }

  #append(leafHash: Hash, stored: Hash[] | null): void {
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new RangeError('tree size would exceed 2^53 - 1');
    let h = leafHash;
    stored?.push(h);
    // Each trailing 1 bit of the old size is a perfect subtree of the same size as the one
    // just completed, immediately to its left: merge them.
    let n = this.#size;
    while (n % 2 === 1) {
      const left = this.#hashes.pop() as Hash;
      h = this.hasher.hashNode(left, h);
      stored?.push(h);
      n = (n - 1) / 2;
    }
    this.#hashes.push(h);
    this.#size += 1;
  }

  /** MTH(D[size]) per RFC 9162 §2.1.1 (SHA-256("") for the empty tree). */
  root(): Hash {
    const last = this.#hashes.length - 1;
    if (last < 0) return this.hasher.emptyRoot();
    let h = this.#hashes[last] as Hash;
    for (let i = last - 1; i >= 0; i--) h = this.hasher.hashNode(this.#hashes[i] as Hash, h);
    return h;
  }

  /** True iff this frontier is that of the tree with the given size and root hash. */
  matches(size: number, rootHash: Hash): boolean {
    assertSafeNonNegativeInteger('size', size);
    assertHash('rootHash', rootHash);
    return size === this.#size && bytesEqual(this.root(), rootHash);
  }

  /** An independent copy (appending to one does not change the other). */
  clone(): Frontier {
    return new Frontier(this.#size, this.#hashes.slice(), this.hasher);
  }
}

/**
 * Appends `entries` to a copy of `frontier` (a frontier the caller already trusts, e.g. one
 * that matched an earlier signed checkpoint) and returns the new frontier if the result is the
 * tree of exactly `newSize` leaves with root `newRoot`; null otherwise. A non-null result proves
 * that the new tree contains these entries at positions frontier.size… and that it extends the
 * old tree. The input frontier is left unchanged.
 */
export function verifyAppendedEntries(frontier: Frontier, entries: Iterable<Uint8Array>, newSize: number, newRoot: Hash): Frontier | null {
  if (!(frontier instanceof Frontier)) throw new TypeError('frontier must be a Frontier');
  assertSafeNonNegativeInteger('newSize', newSize);
  assertHash('newRoot', newRoot);
  if (newSize < frontier.size) return null;
  const next = frontier.clone();
  for (const entry of entries) {
    // Stop early on a surplus entry instead of hashing the rest of a long input.
    if (next.size === newSize) return null;
    next.appendEntry(entry);
  }
  return next.matches(newSize, newRoot) ? next : null;
}
