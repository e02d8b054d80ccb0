// The stored tree, the proofs and the verifiers against the plain RFC 9162 reference
// (reference.ts), for every tree size 1..MAX_SIZE, every leaf index and every old size.
import { beforeAll, describe, expect, test } from 'vitest';
import { Frontier } from '../../src/core/tlog/frontier.ts';
import type { MemoryHashStore } from '../../src/core/tlog/memory-hash-store.ts';
import { proveConsistency, proveInclusion, treeHash } from '../../src/core/tlog/stored-tree.ts';
import { verifyConsistency, verifyInclusion } from '../../src/core/tlog/verify.ts';
import { ReferenceTree, consistencyShape, inclusionShape } from './reference.ts';
import { flipBit, seededRandom, storeOf, toHex, utf8 } from './helpers.ts';

const MAX_SIZE = 300;
// Up to this size every proof of every tree is tampered with in every element and with every
// other index; above it, SAMPLED_PROOFS random proofs per tree get one random tampering each.
const EXHAUSTIVE_TAMPER_SIZE = 40;
const SAMPLED_PROOFS = 4;

const entries = Array.from({ length: MAX_SIZE }, (_, i) => utf8(`relais audit entry ${i}`));
const reference = new ReferenceTree(entries);
let store: MemoryHashStore;

beforeAll(() => {
  store = storeOf(entries);
});

const hexes = (hashes: readonly Uint8Array[]) => hashes.map(toHex);

describe('against the RFC 9162 reference, for every size 1..300', () => {
  test('the tree hash of every prefix equals the recursive MTH, from storage and from a frontier', async () => {
    const frontier = Frontier.empty();
    for (let n = 1; n <= MAX_SIZE; n++) {
      frontier.appendEntry(entries[n - 1]!);
      const want = toHex(reference.mth(0, n));
      expect(toHex(await treeHash(n, store))).toBe(want);
      expect(toHex(frontier.root())).toBe(want);
    }
  });

  test('every inclusion proof equals PATH(m, D[n]) and verifies', async () => {
    let checked = 0;
    for (let n = 1; n <= MAX_SIZE; n++) {
      const root = reference.mth(0, n);
      for (let m = 0; m < n; m++) {
        const proof = await proveInclusion(m, n, store);
        expect(hexes(proof)).toEqual(hexes(reference.path(m, 0, n)));
        const ok = verifyInclusion({ leafIndex: m, treeSize: n, leafHash: reference.leafHash(m), proof, rootHash: root });
        expect(ok).toBe(true);
        checked++;
      }
    }
    expect(checked).toBe((MAX_SIZE * (MAX_SIZE + 1)) / 2);
  });

  test('every consistency proof equals PROOF(m, D[n]) and verifies', async () => {
    let checked = 0;
    for (let n = 1; n <= MAX_SIZE; n++) {
      const newRoot = reference.mth(0, n);
      for (let m = 1; m <= n; m++) {
        const proof = await proveConsistency(m, n, store);
        expect(hexes(proof)).toEqual(hexes(reference.proof(m, n)));
        const ok = verifyConsistency({ oldSize: m, newSize: n, oldRoot: reference.mth(0, m), newRoot, proof });
        expect(ok).toBe(true);
        checked++;
      }
    }
    expect(checked).toBe((MAX_SIZE * (MAX_SIZE + 1)) / 2);
  });
});

describe('tampered inclusion proofs fail', () => {
  test('a flipped bit in any proof element, a wrong index or swapped leaves never verify', async () => {
    const random = seededRandom(9162);
    for (let n = 1; n <= MAX_SIZE; n++) {
      const rootHash = reference.mth(0, n);
      const exhaustive = n <= EXHAUSTIVE_TAMPER_SIZE;
      const indexes = exhaustive ? [...Array(n).keys()] : Array.from({ length: SAMPLED_PROOFS }, () => random(n));
      for (const m of indexes) {
        const proof = await proveInclusion(m, n, store);
        const leafHash = reference.leafHash(m);
        const claim = { leafIndex: m, treeSize: n, leafHash, proof, rootHash };
        const elements = exhaustive ? proof.map((_, i) => i) : proof.length > 0 ? [random(proof.length)] : [];
        for (const e of elements) {
          expect(verifyInclusion({ ...claim, proof: flipBit(proof, e, random(256)) })).toBe(false);
        }
        const otherIndexes = exhaustive ? [...Array(n).keys()].filter((i) => i !== m) : n > 1 ? [(m + 1 + random(n - 1)) % n] : [];
        for (const i of otherIndexes) {
          expect(verifyInclusion({ ...claim, leafIndex: i })).toBe(false);
          // Swapped leaves: the other leaf's hash presented at this index.
          expect(verifyInclusion({ ...claim, leafHash: reference.leafHash(i) })).toBe(false);
        }
        expect(verifyInclusion({ ...claim, proof: proof.slice(1) })).toBe(proof.length === 0);
        expect(verifyInclusion({ ...claim, proof: [...proof, rootHash] })).toBe(false);
      }
    }
  });

  test('a wrong tree size verifies exactly when its audit path has the same shape, which is why checkpoints sign the size with the root', async () => {
    let sameShape = 0;
    let differentShape = 0;
    for (let n = 1; n <= 32; n++) {
      const rootHash = reference.mth(0, n);
      for (let m = 0; m < n; m++) {
        const proof = await proveInclusion(m, n, store);
        const leafHash = reference.leafHash(m);
        for (let wrongSize = 0; wrongSize <= 2 * n + 1; wrongSize++) {
          if (wrongSize === n) continue;
          const indistinguishable = m < wrongSize && inclusionShape(m, wrongSize) === inclusionShape(m, n);
          if (indistinguishable) sameShape++;
          else differentShape++;
          const ok = verifyInclusion({ leafIndex: m, treeSize: wrongSize, leafHash, proof, rootHash });
          expect(ok, `index ${m}, size ${n} claimed as ${wrongSize}`).toBe(indistinguishable);
        }
      }
    }
    // Both branches of the expectation were exercised.
    expect(sameShape).toBeGreaterThan(50);
    expect(differentShape).toBeGreaterThan(10_000);
  });
});

describe('tampered consistency proofs fail', () => {
  test('a flipped bit, a dropped or extra element, or swapped roots never verify', async () => {
    const random = seededRandom(6962);
    for (let n = 2; n <= MAX_SIZE; n++) {
      const newRoot = reference.mth(0, n);
      const exhaustive = n <= EXHAUSTIVE_TAMPER_SIZE;
      const oldSizes = exhaustive
        ? [...Array(n - 1).keys()].map((i) => i + 1)
        : Array.from({ length: SAMPLED_PROOFS }, () => 1 + random(n - 1));
      for (const m of oldSizes) {
        const proof = await proveConsistency(m, n, store);
        const oldRoot = reference.mth(0, m);
        const claim = { oldSize: m, newSize: n, oldRoot, newRoot, proof };
        const elements = exhaustive ? proof.map((_, i) => i) : [random(proof.length)];
        for (const e of elements) {
          expect(verifyConsistency({ ...claim, proof: flipBit(proof, e, random(256)) })).toBe(false);
        }
        expect(verifyConsistency({ ...claim, proof: proof.slice(1) })).toBe(false);
        expect(verifyConsistency({ ...claim, proof: proof.slice(0, -1) })).toBe(false);
        expect(verifyConsistency({ ...claim, proof: [...proof, newRoot] })).toBe(false);
        expect(verifyConsistency({ ...claim, oldRoot: newRoot, newRoot: oldRoot })).toBe(false);
        expect(verifyConsistency({ ...claim, oldRoot: reference.mth(0, m - 1) })).toBe(false);
      }
    }
  });

  test('wrong sizes verify exactly when the proof combines the same way, and never for a shrinking or empty old tree', async () => {
    let sameShape = 0;
    let differentShape = 0;
    const shapes = new Map<string, string>();
    const shapeOf = (m: number, n: number) => {
      const key = `${m}/${n}`;
      if (!shapes.has(key)) shapes.set(key, consistencyShape(m, n));
      return shapes.get(key);
    };
    for (let n = 2; n <= 20; n++) {
      const newRoot = reference.mth(0, n);
      for (let m = 1; m < n; m++) {
        const proof = await proveConsistency(m, n, store);
        const oldRoot = reference.mth(0, m);
        const shape = shapeOf(m, n);
        for (let m2 = 0; m2 <= n + 2; m2++) {
          for (let n2 = 0; n2 <= n + 2; n2++) {
            if (m2 === m && n2 === n) continue;
            const indistinguishable = m2 >= 1 && m2 < n2 && shapeOf(m2, n2) === shape;
            if (indistinguishable) sameShape++;
            else differentShape++;
            const ok = verifyConsistency({ oldSize: m2, newSize: n2, oldRoot, newRoot, proof });
            expect(ok, `sizes ${m}→${n} claimed as ${m2}→${n2}`).toBe(indistinguishable);
          }
        }
      }
    }
    expect(sameShape).toBeGreaterThan(50);
    expect(differentShape).toBeGreaterThan(10_000);
  });
});
