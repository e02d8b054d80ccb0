// A stored-hash tree (stored-index.ts numbering, as Go's sumdb/tlog) kept in one growable byte
// array: 32 bytes per stored hash, about 64 bytes per leaf, no object per hash. The auditor
// (src/client/audit-verifier.ts) rebuilds the whole tree of a log from its own leaf hashes with
// it, to compare every hash the server stores and every proof it serves with its own (DESIGN
// promise 7: a million entries take about 64 MB and a few seconds).
//
//   const tree = new FlatHashStore(hasher?);
//   tree.appendLeafHash(h)                    (and the subtree hashes it completes)
//   tree.size, tree.storedCount, tree.root(), tree.hashAt(i), tree.stored(start, end)
//   await proveInclusion(i, n, tree) …        (a HashReader, for every function of stored-tree.ts)
import { Frontier } from './frontier.ts';
import { defaultTreeHasher, type Hash, type TreeHasher } from './hasher.ts';
import type { HashReader } from './stored-tree.ts';

export class FlatHashStore implements HashReader {
  #bytes = new Uint8Array(32 * 1024);
  #count = 0;
  readonly #frontier: Frontier;

  constructor(hasher: TreeHasher = defaultTreeHasher) {
    this.#frontier = Frontier.empty(hasher);
  }

  get hasher(): TreeHasher {
    return this.#frontier.hasher;
  }

  get size(): number {
    return this.#frontier.size;
  }

  get storedCount(): number {
    return this.#count;
  }

  root(): Hash {
    return this.#frontier.root();
  }

  appendLeafHash(leafHash: Hash): void {
    for (const h of this.#frontier.appendLeafHashWithStoredHashes(leafHash)) {
      if ((this.#count + 1) * 32 > this.#bytes.length) {
        const grown = new Uint8Array(this.#bytes.length * 2);
        grown.set(this.#bytes);
        this.#bytes = grown;
      }
      this.#bytes.set(h, this.#count * 32);
      this.#count++;
    }
  }

  /** The hash at one stored index (a view: do not modify). */
  hashAt(index: number): Hash {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.#count) throw new RangeError(`stored index ${index} is not stored`);
    return this.#bytes.subarray(index * 32, index * 32 + 32);
  }

  /** Stored hashes start ≤ i < end, concatenated (a view). */
  stored(start: number, end: number): Uint8Array {
    return this.#bytes.subarray(start * 32, Math.min(end, this.#count) * 32);
  }

  async readHashes(indexes: number[]): Promise<Uint8Array[]> {
    return indexes.map((i) => this.hashAt(i));
  }
}
