// Verification of Merkle inclusion and consistency proofs, following the algorithms of
// RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) step by step.
//
//   verifyInclusion({ leafIndex, treeSize, leafHash, proof, rootHash }, hasher?) → boolean
//   verifyConsistency({ oldSize, newSize, oldRoot, newRoot, proof }, hasher?)    → boolean
//   rootFromInclusionProof(leafIndex, treeSize, leafHash, proof, hasher?)        → Hash | null
//
// Error policy. The claim's numbers and its two known hashes come from the caller (parsed
// checkpoints, the auditor's own state): a non-integer size or a hash that is not 32 bytes is a
// programming error and throws TypeError. The proof comes from the untrusted server: any
// defect in it (wrong length, an element that is not 32 bytes, a hash that does not match)
// makes the function return false, never throw.
//
// Consistency conventions (as in Go's sumdb/tlog and transparency-dev/merkle): equal sizes
// are consistent iff the proof is empty and the roots are equal (and, for size 0, are the empty
// tree's root); a proof from the empty tree (oldSize 0 < newSize) is meaningless and never
// verifies; oldSize > newSize never verifies.
import { assertHash, assertSafeNonNegativeInteger, bytesEqual, isHash } from './checks.ts';
import { defaultTreeHasher, type Hash, type TreeHasher } from './hasher.ts';

/** Claim that `leafHash` is leaf number `leafIndex` (0-based) of the tree of `treeSize` leaves. */
export interface InclusionClaim {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: Hash;
  /** The audit path, bottom-up, as RFC 9162 §2.1.3.1 PATH produces it. */
  readonly proof: readonly Hash[];
  readonly rootHash: Hash;
}

/** Claim that the tree of `oldSize` leaves is a prefix of the tree of `newSize` leaves. */
export interface ConsistencyClaim {
  readonly oldSize: number;
  readonly newSize: number;
  readonly oldRoot: Hash;
  readonly newRoot: Hash;
  /** The consistency proof as RFC 9162 §2.1.4.1 PROOF produces it. */
  readonly proof: readonly Hash[];
}

/** RFC 9162 §2.1.3.2: true iff the proof shows the leaf at that index under that root. */
export function verifyInclusion(claim: InclusionClaim, hasher: TreeHasher = defaultTreeHasher): boolean {
  assertHash('rootHash', claim.rootHash);
  const root = rootFromInclusionProof(claim.leafIndex, claim.treeSize, claim.leafHash, claim.proof, hasher);
  return root !== null && bytesEqual(root, claim.rootHash);
}

/**
 * Runs RFC 9162 §2.1.3.2 steps 1–5 without the final root comparison: returns the root the
 * proof implies for a tree of `treeSize` leaves, or null if the proof is malformed for that
 * index and size. Useful when the root is not known yet (it is then compared to a checkpoint).
 */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Hash,
  proof: readonly Hash[],
  hasher: TreeHasher = defaultTreeHasher,
): Hash | null {
  assertSafeNonNegativeInteger('leafIndex', leafIndex);
  assertSafeNonNegativeInteger('treeSize', treeSize);
  assertHash('leafHash', leafHash);
  if (!Array.isArray(proof)) throw new TypeError('proof must be an array of hashes');

  // 1. leaf_index must be inside the tree.
  if (leafIndex >= treeSize) return null;
  // 2. fn is the leaf's index, sn the last index; both are "shifted right" by halving.
  let fn = leafIndex;
  let sn = treeSize - 1;
  // 3. r starts as the leaf hash.
  let r = leafHash;
  // 4. Fold in each proof element.
  for (const p of proof) {
    if (!isHash(p)) return null;
    // 4a. The proof is longer than the path to the root.
    if (sn === 0) return null;
    // 4b. p is a left sibling if fn is a right child, or if fn is the last node of its level
    //     (then fn's subtree has no right sibling and we climb until it is a right child).
    if (fn % 2 === 1 || fn === sn) {
      r = hasher.hashNode(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hasher.hashNode(r, p);
    }
    // 4c. Climb one level.
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 5. The path must have reached the root exactly.
  return sn === 0 ? r : null;
}

/** RFC 9162 §2.1.4.2: true iff the proof shows the old tree is a prefix of the new tree. */
export function verifyConsistency(claim: ConsistencyClaim, hasher: TreeHasher = defaultTreeHasher): boolean {
  const { oldSize, newSize, oldRoot, newRoot, proof } = claim;
  assertSafeNonNegativeInteger('oldSize', oldSize);
  assertSafeNonNegativeInteger('newSize', newSize);
  assertHash('oldRoot', oldRoot);
  assertHash('newRoot', newRoot);
  if (!Array.isArray(proof)) throw new TypeError('proof must be an array of hashes');

  if (oldSize > newSize) return false;
  if (oldSize === newSize) {
    // The empty tree has exactly one root, SHA-256(""); any other is not a tree of size 0.
    const rootOk = newSize > 0 || bytesEqual(newRoot, hasher.emptyRoot());
    return proof.length === 0 && bytesEqual(oldRoot, newRoot) && rootOk;
  }
  if (oldSize === 0) return false;
  if (!proof.every(isHash)) return false;

  // 1. A proof between different sizes is never empty.
  if (proof.length === 0) return false;
  // 2. If the old tree is a perfect subtree, its root is the starting node and is not sent.
  const path: Hash[] = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  // 3. fn, sn: the last leaf index of each tree.
  let fn = oldSize - 1;
  let sn = newSize - 1;
  // 4. Skip the levels where the old tree's last node is a right child of a shared subtree.
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  // 5. Both running hashes start from the first path element.
  let fr = path[0] as Hash;
  let sr = fr;
  // 6. Fold in the remaining elements.
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Hash;
    // 6a. The proof is longer than the path to the new root.
    if (sn === 0) return false;
    // 6b. c is a left sibling of both paths, or a right sibling of the new path only.
    if (fn % 2 === 1 || fn === sn) {
      fr = hasher.hashNode(c, fr);
      sr = hasher.hashNode(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hasher.hashNode(sr, c);
    }
    // 6c. Climb one level.
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 7. Both reconstructed roots must match and the path must have reached the new root.
  return sn === 0 && bytesEqual(fr, oldRoot) && bytesEqual(sr, newRoot);
}

function isPowerOfTwo(n: number): boolean {
  while (n > 1 && n % 2 === 0) n /= 2;
  return n === 1;
}
