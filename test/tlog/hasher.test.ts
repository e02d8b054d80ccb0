// RFC 9162 §2.1 hashing with an injectable SHA-256, and the argument checks of verify.ts.
import { describe, expect, test } from 'vitest';
import { createTreeHasher, defaultTreeHasher, type Sha256Fn } from '../../src/core/tlog/hasher.ts';
import { Frontier } from '../../src/core/tlog/frontier.ts';
import { verifyConsistency, verifyInclusion, rootFromInclusionProof } from '../../src/core/tlog/verify.ts';
import { nodeSha256, toHex, utf8 } from './helpers.ts';
import { ReferenceTree } from './reference.ts';

describe('createTreeHasher', () => {
  test('a hasher on node:crypto computes the same leaf, node and root hashes as the default one', () => {
    const nodeHasher = createTreeHasher(nodeSha256);
    const entries = Array.from({ length: 37 }, (_, i) => utf8(`entry ${i}`.repeat(i)));
    const a = Frontier.empty();
    const b = Frontier.empty(nodeHasher);
    for (const e of entries) {
      expect(toHex(nodeHasher.hashLeaf(e))).toBe(toHex(defaultTreeHasher.hashLeaf(e)));
      a.appendEntry(e);
      b.appendEntry(e);
    }
    expect(toHex(b.root())).toBe(toHex(a.root()));
    expect(toHex(b.root())).toBe(toHex(new ReferenceTree(entries).mth(0, entries.length)));
  });

  test('leaf and node hashes are domain-separated, so a node is never mistaken for a leaf', () => {
    const left = defaultTreeHasher.hashLeaf(utf8('a'));
    const right = defaultTreeHasher.hashLeaf(utf8('b'));
    const node = defaultTreeHasher.hashNode(left, right);
    // The same 64 bytes hashed as an entry give a different value (0x00 vs 0x01 prefix).
    expect(toHex(defaultTreeHasher.hashLeaf(Uint8Array.from([...left, ...right])))).not.toBe(toHex(node));
  });

  test('hashing entries larger than the scratch buffer gives the reference leaf hash', () => {
    const big = new Uint8Array(100_000).map((_, i) => i % 251);
    expect(toHex(defaultTreeHasher.hashLeaf(big))).toBe(toHex(new ReferenceTree([big]).leafHash(0)));
    // The grown buffer is then reused correctly for a short entry.
    expect(toHex(defaultTreeHasher.hashLeaf(utf8('x')))).toBe(toHex(new ReferenceTree([utf8('x')]).leafHash(0)));
  });

  test('a function that is not SHA-256 is refused', () => {
    const wrong: Sha256Fn = (m) => nodeSha256(Uint8Array.from([...m, 0]));
    expect(() => createTreeHasher(wrong)).toThrow(/SHA-256/);
    expect(() => createTreeHasher((() => new Uint8Array(32)) as Sha256Fn)).toThrow(TypeError);
    expect(() => createTreeHasher('sha256' as unknown as Sha256Fn)).toThrow(TypeError);
  });

  test('a function that reuses its output buffer is refused', () => {
    const out = new Uint8Array(32);
    const reusing: Sha256Fn = (m) => {
      out.set(nodeSha256(m));
      return out;
    };
    expect(() => createTreeHasher(reusing)).toThrow(/fresh array/);
  });

  test('the empty root is a fresh copy each time, so a caller cannot corrupt it', () => {
    const root = defaultTreeHasher.emptyRoot();
    root.fill(0);
    expect(toHex(defaultTreeHasher.emptyRoot())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  test('hashNode and hashLeaf refuse inputs of the wrong type or length', () => {
    const h = new Uint8Array(32);
    expect(() => defaultTreeHasher.hashNode(h, new Uint8Array(31))).toThrow(TypeError);
    expect(() => defaultTreeHasher.hashNode([...h] as unknown as Uint8Array, h)).toThrow(TypeError);
    expect(() => defaultTreeHasher.hashLeaf('entry' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('verification entry points', () => {
  const hash = new Uint8Array(32);

  test('non-integer, negative or unsafe sizes and indexes are programming errors and throw', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53, '3' as unknown as number]) {
      expect(() => verifyInclusion({ leafIndex: bad, treeSize: 4, leafHash: hash, proof: [], rootHash: hash })).toThrow(TypeError);
      expect(() => verifyInclusion({ leafIndex: 0, treeSize: bad, leafHash: hash, proof: [], rootHash: hash })).toThrow(TypeError);
      expect(() => verifyConsistency({ oldSize: bad, newSize: 4, oldRoot: hash, newRoot: hash, proof: [] })).toThrow(TypeError);
      expect(() => verifyConsistency({ oldSize: 1, newSize: bad, oldRoot: hash, newRoot: hash, proof: [] })).toThrow(TypeError);
    }
  });

  test('known hashes that are not 32 bytes throw, while malformed proof elements just fail', () => {
    const short = new Uint8Array(31);
    expect(() => verifyInclusion({ leafIndex: 0, treeSize: 1, leafHash: short, proof: [], rootHash: hash })).toThrow(TypeError);
    expect(() => verifyInclusion({ leafIndex: 0, treeSize: 1, leafHash: hash, proof: [], rootHash: short })).toThrow(TypeError);
    expect(() => verifyConsistency({ oldSize: 1, newSize: 2, oldRoot: short, newRoot: hash, proof: [hash] })).toThrow(TypeError);
    expect(verifyInclusion({ leafIndex: 0, treeSize: 2, leafHash: hash, proof: [short], rootHash: hash })).toBe(false);
    expect(verifyConsistency({ oldSize: 1, newSize: 2, oldRoot: hash, newRoot: hash, proof: [short] })).toBe(false);
    expect(() => verifyInclusion({ leafIndex: 0, treeSize: 1, leafHash: hash, proof: 'x' as never, rootHash: hash })).toThrow(TypeError);
  });

  test('equal sizes are consistent only with an empty proof and equal roots, the empty tree only with its own root', () => {
    const empty = defaultTreeHasher.emptyRoot();
    const other = defaultTreeHasher.hashLeaf(utf8('x'));
    expect(verifyConsistency({ oldSize: 0, newSize: 0, oldRoot: empty, newRoot: empty, proof: [] })).toBe(true);
    expect(verifyConsistency({ oldSize: 0, newSize: 0, oldRoot: other, newRoot: other, proof: [] })).toBe(false);
    expect(verifyConsistency({ oldSize: 3, newSize: 3, oldRoot: other, newRoot: other, proof: [] })).toBe(true);
    expect(verifyConsistency({ oldSize: 3, newSize: 3, oldRoot: other, newRoot: empty, proof: [] })).toBe(false);
    expect(verifyConsistency({ oldSize: 3, newSize: 3, oldRoot: other, newRoot: other, proof: [other] })).toBe(false);
  });

  test('an index at or beyond the tree size, and an empty tree, never verify', () => {
    expect(verifyInclusion({ leafIndex: 1, treeSize: 1, leafHash: hash, proof: [], rootHash: hash })).toBe(false);
    expect(verifyInclusion({ leafIndex: 0, treeSize: 0, leafHash: hash, proof: [], rootHash: hash })).toBe(false);
    expect(rootFromInclusionProof(5, 3, hash, [hash, hash])).toBeNull();
  });

  test('proofs verify near the largest safe tree size, where 32-bit arithmetic would break', () => {
    // Leaf 2^53 - 2 is the last leaf of a tree of 2^53 - 1 leaves: it has no sibling at level 0
    // and its path climbs through 52 left siblings, one per 1 bit of the size below it.
    const treeSize = Number.MAX_SAFE_INTEGER;
    const leafIndex = treeSize - 1;
    const siblings = Array.from({ length: 52 }, (_, i) => defaultTreeHasher.hashLeaf(Uint8Array.of(i)));
    const leafHash = defaultTreeHasher.hashLeaf(utf8('last'));
    let root = leafHash;
    for (const s of siblings) root = defaultTreeHasher.hashNode(s, root);
    expect(verifyInclusion({ leafIndex, treeSize, leafHash, proof: siblings, rootHash: root })).toBe(true);
    expect(verifyInclusion({ leafIndex: leafIndex - 1, treeSize, leafHash, proof: siblings, rootHash: root })).toBe(false);
    expect(verifyInclusion({ leafIndex, treeSize, leafHash, proof: siblings.slice(1), rootHash: root })).toBe(false);
  });
});
