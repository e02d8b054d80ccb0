// The auditor's frontier: saved at one checkpoint, extended by the entries up to the next.
import { describe, expect, test } from 'vitest';
import { Frontier, verifyAppendedEntries } from '../../src/core/tlog/frontier.ts';
import { readFrontier } from '../../src/core/tlog/stored-tree.ts';
import { ReferenceTree } from './reference.ts';
import { storeOf, toHex, utf8 } from './helpers.ts';

const entries = Array.from({ length: 500 }, (_, i) => utf8(`{"action":"report.read","n":${i}}`));
const reference = new ReferenceTree(entries);
const rootAt = (n: number) => reference.mth(0, n);

function frontierAt(n: number): Frontier {
  const f = Frontier.empty();
  for (const e of entries.slice(0, n)) f.appendEntry(e);
  return f;
}

describe('Frontier', () => {
  test('a frontier restored from its saved hashes continues exactly like the original', () => {
    for (const n of [0, 1, 2, 3, 7, 8, 100, 255, 256, 257]) {
      const saved = frontierAt(n);
      const restored = Frontier.fromHashes(saved.size, saved.hashes);
      for (const e of entries.slice(n, n + 50)) restored.appendEntry(e);
      expect(toHex(restored.root()), `from size ${n}`).toBe(toHex(rootAt(n + 50)));
    }
  });

  test('the frontier the server reads from storage is the one an auditor computes', async () => {
    const store = storeOf(entries);
    for (const n of [1, 5, 64, 77, 499, 500]) {
      expect((await readFrontier(n, store)).hashes.map(toHex)).toEqual(frontierAt(n).hashes.map(toHex));
    }
  });

  test('a frontier matches its own checkpoint and no other size or root', () => {
    const f = frontierAt(77);
    expect(f.matches(77, rootAt(77))).toBe(true);
    expect(f.matches(78, rootAt(77))).toBe(false);
    expect(f.matches(77, rootAt(76))).toBe(false);
    const forged = f.hashes;
    forged[1]![0]! ^= 1;
    expect(Frontier.fromHashes(77, forged).matches(77, rootAt(77))).toBe(false);
  });

  test('fromHashes refuses a hash count that does not fit the size, and copies its input', () => {
    const f = frontierAt(6); // 6 = 4 + 2: two subtrees
    expect(() => Frontier.fromHashes(6, f.hashes.slice(1))).toThrow(TypeError);
    expect(() => Frontier.fromHashes(7, f.hashes)).toThrow(TypeError);
    expect(() => Frontier.fromHashes(6, [f.hashes[0]!, new Uint8Array(31)])).toThrow(TypeError);
    expect(() => Frontier.fromHashes(-1, [])).toThrow(TypeError);
    const input = f.hashes;
    const restored = Frontier.fromHashes(6, input);
    input[0]!.fill(0);
    expect(toHex(restored.root())).toBe(toHex(rootAt(6)));
  });

  test('clones and the hashes getter are independent of the frontier', () => {
    const f = frontierAt(10);
    const copy = f.clone();
    copy.appendEntry(entries[10]!);
    f.hashes[0]!.fill(0);
    expect(f.size).toBe(10);
    expect(toHex(f.root())).toBe(toHex(rootAt(10)));
    expect(toHex(copy.root())).toBe(toHex(rootAt(11)));
  });

  test('appendLeafHashWithStoredHashes returns the leaf hash then each completed subtree', () => {
    const f = frontierAt(7); // appending leaf 7 completes [6,8), [4,8) and [0,8)
    const stored = f.appendLeafHashWithStoredHashes(reference.leafHash(7));
    expect(stored.map(toHex)).toEqual([reference.leafHash(7), reference.mth(6, 8), reference.mth(4, 8), reference.mth(0, 8)].map(toHex));
    expect(f.appendLeafHashWithStoredHashes(reference.leafHash(8)).map(toHex)).toEqual([toHex(reference.leafHash(8))]);
  });
});

describe('verifyAppendedEntries', () => {
  const saved = frontierAt(123);

  test('the entries between two checkpoints verify and yield the new frontier', () => {
    const next = verifyAppendedEntries(saved, entries.slice(123, 400), 400, rootAt(400));
    expect(next).not.toBeNull();
    expect(next!.size).toBe(400);
    expect(next!.hashes.map(toHex)).toEqual(frontierAt(400).hashes.map(toHex));
    expect(saved.size).toBe(123); // the saved frontier is not modified
  });

  test('no new entries verify only against the same checkpoint', () => {
    expect(verifyAppendedEntries(saved, [], 123, rootAt(123))).not.toBeNull();
    expect(verifyAppendedEntries(saved, [], 124, rootAt(124))).toBeNull();
  });

  test('a changed, missing, extra, reordered or swapped entry fails', () => {
    const fresh = entries.slice(123, 400);
    const changed = fresh.map((e, i) => (i === 100 ? utf8('{"action":"nothing to see"}') : e));
    const missing = fresh.filter((_, i) => i !== 100);
    const extra = [...fresh, utf8('late entry')];
    const swapped = fresh.map((e, i) => (i === 10 ? fresh[11]! : i === 11 ? fresh[10]! : e));
    const reordered = [...fresh].reverse();
    for (const bad of [changed, missing, extra, swapped, reordered]) {
      expect(verifyAppendedEntries(saved, bad, 400, rootAt(400))).toBeNull();
    }
  });

  test('a checkpoint that rewrote history before the saved size fails even with the right new entries', () => {
    // The server rewrote entry 50 (before the auditor's checkpoint at 123) and signed a new root.
    const rewritten = entries.map((e, i) => (i === 50 ? utf8('{"action":"erased"}') : e));
    const forgedRoot = new ReferenceTree(rewritten).mth(0, 400);
    expect(verifyAppendedEntries(saved, entries.slice(123, 400), 400, forgedRoot)).toBeNull();
  });

  test('a rolled-back checkpoint (smaller than the saved one) fails', () => {
    expect(verifyAppendedEntries(saved, [], 100, rootAt(100))).toBeNull();
  });

  test('a huge surplus of entries is refused without hashing all of them', () => {
    let pulled = 0;
    function* many(): Generator<Uint8Array> {
      for (let i = 0; i < 1_000_000; i++) {
        pulled++;
        yield entries[(123 + i) % entries.length]!;
      }
    }
    expect(verifyAppendedEntries(saved, many(), 130, rootAt(130))).toBeNull();
    expect(pulled).toBe(8); // 7 entries fill the tree to 130; the 8th is one too many
  });

  test('arguments of the wrong type throw', () => {
    expect(() => verifyAppendedEntries({} as Frontier, [], 1, rootAt(1))).toThrow(TypeError);
    expect(() => verifyAppendedEntries(saved, [], 1.5, rootAt(1))).toThrow(TypeError);
    expect(() => verifyAppendedEntries(saved, [], 124, new Uint8Array(16))).toThrow(TypeError);
  });
});
