// The stored-hash numbering and the HashReader-backed tree, as a SQL or D1 store will use them.
import { describe, expect, test } from 'vitest';
import { defaultTreeHasher, type Hash } from '../../src/core/tlog/hasher.ts';
import { MAX_STORED_TREE_SIZE, splitStoredHashIndex, storedHashCount, storedHashIndex } from '../../src/core/tlog/stored-index.ts';
import {
  proveConsistency,
  proveInclusion,
  readFrontier,
  storedHashesForAppend,
  treeHash,
  type HashReader,
} from '../../src/core/tlog/stored-tree.ts';
import { verifyConsistency, verifyInclusion } from '../../src/core/tlog/verify.ts';
import { ReferenceTree } from './reference.ts';
import { seededRandom, storeOf, toHex, utf8 } from './helpers.ts';

/** A Map-backed store that records every readHashes call, like a table keyed by stored index. */
class RecordingMapStore implements HashReader {
  readonly hashes = new Map<number, Hash>();
  readonly calls: number[][] = [];
  size = 0;

  async readHashes(indexes: number[]): Promise<Uint8Array[]> {
    this.calls.push(indexes);
    return indexes.map((i) => {
      const h = this.hashes.get(i);
      if (!h) throw new Error(`no stored hash ${i}`);
      return h;
    });
  }

  async append(entries: Uint8Array[]): Promise<Hash> {
    const leafHashes = entries.map((e) => defaultTreeHasher.hashLeaf(e));
    const { startIndex, hashes, frontier } = await storedHashesForAppend(this.size, leafHashes, this);
    hashes.forEach((h, i) => {
      if (this.hashes.has(startIndex + i)) throw new Error(`overwrite of stored hash ${startIndex + i}`);
      this.hashes.set(startIndex + i, h);
    });
    this.size = frontier.size;
    return frontier.root();
  }
}

describe('stored hash numbering', () => {
  test('every stored index up to 2,000 leaves splits back to the subtree that produced it', () => {
    for (let index = 0; index < storedHashCount(2000); index++) {
      const { level, index: n } = splitStoredHashIndex(index);
      expect(storedHashIndex(level, n)).toBe(index);
    }
  });

  test('appending leaf m uses exactly the indexes storedHashCount(m) to storedHashCount(m + 1) - 1', () => {
    for (let m = 0; m < 2000; m++) {
      const first = storedHashIndex(0, m);
      expect(first).toBe(storedHashCount(m));
      // Leaf m completes one subtree per trailing 1 bit; each is stored right after the last.
      let level = 1;
      let n = m;
      while (n % 2 === 1) {
        n = (n - 1) / 2;
        expect(storedHashIndex(level, n)).toBe(first + level);
        level++;
      }
      expect(storedHashCount(m + 1)).toBe(first + level);
    }
  });

  test('indexes stay exact up to the 2^52-leaf limit and refuse to go beyond it', () => {
    expect(storedHashCount(MAX_STORED_TREE_SIZE)).toBe(Number.MAX_SAFE_INTEGER);
    expect(storedHashIndex(52, 0)).toBe(Number.MAX_SAFE_INTEGER - 1);
    expect(splitStoredHashIndex(Number.MAX_SAFE_INTEGER - 1)).toEqual({ level: 52, index: 0 });
    expect(storedHashIndex(0, MAX_STORED_TREE_SIZE - 1)).toBe(Number.MAX_SAFE_INTEGER - 53);
    expect(splitStoredHashIndex(Number.MAX_SAFE_INTEGER - 53)).toEqual({ level: 0, index: MAX_STORED_TREE_SIZE - 1 });
    expect(() => storedHashIndex(0, MAX_STORED_TREE_SIZE)).toThrow(RangeError);
    expect(() => storedHashIndex(53, 0)).toThrow(RangeError);
    expect(() => storedHashCount(MAX_STORED_TREE_SIZE + 1)).toThrow(RangeError);
    expect(() => splitStoredHashIndex(Number.MAX_SAFE_INTEGER)).toThrow(RangeError);
    expect(() => storedHashIndex(-1, 0)).toThrow(TypeError);
    expect(() => storedHashIndex(0, 0.5)).toThrow(TypeError);
  });
});

describe('a tree stored through HashReader', () => {
  test('appending in uneven batches stores the same hashes as appending one by one', async () => {
    const entries = Array.from({ length: 700 }, (_, i) => utf8(`batch entry ${i}`));
    const oneByOne = storeOf(entries);
    const batched = new RecordingMapStore();
    const random = seededRandom(42);
    const reference = new ReferenceTree(entries);
    let done = 0;
    while (done < entries.length) {
      const count = Math.min(entries.length - done, random(40));
      const root = await batched.append(entries.slice(done, done + count));
      done += count;
      expect(toHex(root)).toBe(toHex(reference.mth(0, done)));
    }
    expect(batched.hashes.size).toBe(oneByOne.storedCount);
    for (const [index, hash] of batched.hashes) expect(toHex(hash)).toBe(toHex(oneByOne.hashAt(index)));
  });

  test('every read is one call with distinct increasing indexes, and O(log n) of them', async () => {
    const store = new RecordingMapStore();
    await store.append(Array.from({ length: 1000 }, (_, i) => utf8(`e${i}`)));
    store.calls.length = 0;
    const random = seededRandom(7);
    for (let i = 0; i < 300; i++) {
      const n = 1 + random(1000);
      const m = 1 + random(n);
      await treeHash(n, store);
      await proveInclusion(m - 1, n, store);
      await proveConsistency(m, n, store);
    }
    expect(store.calls.length).toBeGreaterThan(600);
    for (const call of store.calls) {
      expect(call.length).toBeGreaterThan(0);
      expect(call.length).toBeLessThanOrEqual(2 * 10 + 2);
      for (let i = 1; i < call.length; i++) expect(call[i]!).toBeGreaterThan(call[i - 1]!);
    }
  });

  test('proofs from a Map-backed store verify against the roots it returned when appending', async () => {
    const store = new RecordingMapStore();
    const roots: Hash[] = [];
    for (let i = 0; i < 64; i++) roots.push(await store.append([utf8(`x${i}`)]));
    for (let n = 1; n <= 64; n++) {
      for (let m = 1; m <= n; m++) {
        const leafHash = defaultTreeHasher.hashLeaf(utf8(`x${m - 1}`));
        const proof = await proveInclusion(m - 1, n, store);
        expect(verifyInclusion({ leafIndex: m - 1, treeSize: n, leafHash, proof, rootHash: roots[n - 1]! })).toBe(true);
        const cproof = await proveConsistency(m, n, store);
        expect(verifyConsistency({ oldSize: m, newSize: n, oldRoot: roots[m - 1]!, newRoot: roots[n - 1]!, proof: cproof })).toBe(true);
      }
    }
  });

  test('the frontier read from storage matches the root, and the empty tree needs no read', async () => {
    const entries = Array.from({ length: 77 }, (_, i) => utf8(`f${i}`));
    const store = storeOf(entries);
    const frontier = await readFrontier(77, store);
    // 77 = 64 + 8 + 4 + 1: one perfect subtree per 1 bit.
    expect(frontier.hashes).toHaveLength(4);
    expect(toHex(frontier.root())).toBe(toHex(new ReferenceTree(entries).mth(0, 77)));
    const unreadable: HashReader = { readHashes: async () => Promise.reject(new Error('must not be called')) };
    expect(toHex(await treeHash(0, unreadable))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  test('a reader that returns the wrong number of hashes or malformed hashes is an error', async () => {
    const good = storeOf([utf8('a'), utf8('b'), utf8('c')]);
    const short: HashReader = { readHashes: async (ix) => (await good.readHashes(ix)).slice(1) };
    const malformed: HashReader = { readHashes: async (ix) => (await good.readHashes(ix)).map((h) => h.subarray(1)) };
    const notArray: HashReader = { readHashes: async () => 'nope' as unknown as Uint8Array[] };
    for (const reader of [short, malformed, notArray]) {
      await expect(treeHash(3, reader)).rejects.toThrow(/HashReader/);
      await expect(proveInclusion(0, 3, reader)).rejects.toThrow(/HashReader/);
      await expect(proveConsistency(1, 3, reader)).rejects.toThrow(/HashReader/);
    }
    const failing: HashReader = { readHashes: async () => Promise.reject(new Error('database is locked')) };
    await expect(treeHash(3, failing)).rejects.toThrow('database is locked');
  });

  test('asking about more leaves than are stored fails in the reader instead of inventing hashes', async () => {
    const store = storeOf([utf8('a'), utf8('b'), utf8('c')]);
    await expect(treeHash(4, store)).rejects.toThrow(RangeError);
    await expect(proveInclusion(0, 5, store)).rejects.toThrow(RangeError);
    await expect(proveConsistency(2, 6, store)).rejects.toThrow(RangeError);
  });

  test('impossible requests are refused before any read', async () => {
    const store = new RecordingMapStore();
    await store.append([utf8('a'), utf8('b')]);
    store.calls.length = 0;
    await expect(proveInclusion(2, 2, store)).rejects.toThrow(RangeError);
    await expect(proveInclusion(0, 0, store)).rejects.toThrow(RangeError);
    await expect(proveConsistency(0, 2, store)).rejects.toThrow(/empty tree/);
    await expect(proveConsistency(3, 2, store)).rejects.toThrow(RangeError);
    await expect(proveInclusion(0, MAX_STORED_TREE_SIZE + 1, store)).rejects.toThrow(RangeError);
    await expect(proveInclusion(0.5, 2, store)).rejects.toThrow(TypeError);
    await expect(treeHash(-1, store)).rejects.toThrow(TypeError);
    await expect(storedHashesForAppend(0, [new Uint8Array(31)], store)).rejects.toThrow(TypeError);
    expect(store.calls).toHaveLength(0);
    // Equal sizes: the empty proof, read from nowhere.
    expect(await proveConsistency(2, 2, store)).toEqual([]);
    expect(await proveInclusion(0, 1, store)).toEqual([]);
    expect(store.calls).toHaveLength(0);
  });
});
