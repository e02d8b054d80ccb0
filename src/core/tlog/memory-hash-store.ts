// In-memory stored-hash tree (stored-index.ts numbering): a HashReader backed by an array.
//
// For tests, benchmarks, demos and small in-process logs. The SQL and D1 stores do the same
// thing with a table (index INTEGER PRIMARY KEY, hash BLOB): append the hashes that
// storedHashesForAppend returns, read them back through readHashes.
//
//   const store = new MemoryHashStore();          // or new MemoryHashStore(hasher)
//   store.appendEntry(bytes)  /  store.appendLeafHash(h)
//   store.size, store.storedCount, store.root()
//   await proveInclusion(i, store.size, store)     // any function of stored-tree.ts
import { assertSafeNonNegativeInteger } from './checks.ts';
import { Frontier } from './frontier.ts';
import { defaultTreeHasher, type Hash, type TreeHasher } from './hasher.ts';
import type { HashReader } from './stored-tree.ts';

export class MemoryHashStore implements HashReader {
  readonly #stored: Hash[] = [];
  readonly #frontier: Frontier;

  constructor(hasher: TreeHasher = defaultTreeHasher) {
    this.#frontier = Frontier.empty(hasher);
  }

  /** Number of leaves. */
  get size(): number {
    return this.#frontier.size;
  }

  /** Number of stored hashes (= storedHashCount(size)). */
  get storedCount(): number {
    return this.#stored.length;
  }

  /** Appends one entry, hashed as a leaf. */
  appendEntry(entry: Uint8Array): void {
    this.appendLeafHash(this.#frontier.hasher.hashLeaf(entry));
  }

  /** Appends one leaf by its leaf hash, storing it and every subtree hash it completes. */
  appendLeafHash(leafHash: Hash): void {
    for (const h of this.#frontier.appendLeafHashWithStoredHashes(leafHash)) this.#stored.push(h);
  }

  /** Root hash of the whole tree. */
  root(): Hash {
    return this.#frontier.root();
  }

  /** A copy of the hash at one stored index. */
  hashAt(storedIndex: number): Hash {
    assertSafeNonNegativeInteger('storedIndex', storedIndex);
    const h = this.#stored[storedIndex];
    if (h === undefined) throw new RangeError(`stored index ${storedIndex} is not stored (have ${this.#stored.length})`);
    return Uint8Array.from(h);
  }

  /** HashReader: copies of the hashes at `indexes`; rejects an index that is not stored. */
  async readHashes(indexes: number[]): Promise<Uint8Array[]> {
    return indexes.map((i) => this.hashAt(i));
  }
}
