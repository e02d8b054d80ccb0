// The auditor's checks of what the server serves others, against the auditor's own tree
// (DESIGN promise 7, issue 11; used by audit-verifier.ts): every stored subtree hash (what every
// proof is made of; C2SP tlog-tiles' idea, served by /api/v1/log/hashes), the consistency proof
// from the trusted size and inclusion proofs of a sample of entries (RFC 9162 §2.1.3, §2.1.4),
// byte for byte; and, when the served entries do not give the checkpoint's root, the first one
// that breaks it, found with the server's consistency proofs (O(log n) of them).

import {
  bytesEqual,
  type FlatHashStore,
  proveConsistency,
  proveInclusion,
  splitStoredHashIndex,
  treeHash,
  verifyConsistency,
  type Checkpoint,
  type Hash,
  type TreeHasher,
} from '../core/tlog/index.ts';
import { VerificationFailure, type LogSource } from './audit-verifier.ts';

const STORED_PAGE = 65_536;
const RANDOM_SAMPLES = 6;

/** Every stored hash the server serves from `from` on must be the auditor's own. */
export async function checkStoredHashes(source: LogSource, tree: FlatHashStore, from: number): Promise<void> {
  const total = tree.storedCount;
  for (let start = from; start < total; start += STORED_PAGE) {
    const end = Math.min(total, start + STORED_PAGE);
    const served = await source.storedHashes(start, end);
    const own = tree.stored(start, end);
    const n = Math.min(served.length, own.length);
    let k = 0;
    while (k < n && served[k] === own[k]) k++;
    if (k < n || served.length !== own.length) {
      const index = start + Math.floor(k / 32);
      const { level, index: n2 } = splitStoredHashIndex(index);
      throw new VerificationFailure(
        'stored-hash',
        `the server's stored hash #${index} (level ${level}, entries #${n2 * 2 ** level} to #${(n2 + 1) * 2 ** level - 1}) is ${k < n ? 'not the one computed from the entries' : 'missing'}: every proof built on it is wrong`,
      );
    }
  }
}

/** Served consistency and inclusion proofs must be byte for byte the ones computed from the entries. */
export async function checkProofs(
  source: LogSource,
  tree: FlatHashStore,
  firstNew: number,
  own: number | null,
  random: () => number,
  hasher: TreeHasher,
): Promise<void> {
  const size = tree.size;
  if (size === 0) return;
  const same = (a: Hash[], b: Hash[]) => a.length === b.length && a.every((h, i) => bytesEqual(h, b[i] as Hash));
  if (firstNew > 0 && firstNew < size) {
    const served = await source.consistencyProof(firstNew, size);
    if (!same(served, await proveConsistency(firstNew, size, tree, hasher))) {
      throw new VerificationFailure(
        'bad-proof',
        `the server's consistency proof from ${firstNew} to ${size} entries is not the one computed from the entries`,
      );
    }
  }
  const sample = new Set([0, size - 1, Math.min(firstNew, size - 1)]);
  if (own !== null && own < size) sample.add(own);
  for (let i = 0; i < RANDOM_SAMPLES; i++) sample.add(Math.floor(random() * size));
  for (const index of [...sample].sort((a, b) => a - b)) {
    const served = await source.inclusionProof(index, size);
    if (!same(served, await proveInclusion(index, size, tree, hasher))) {
      throw new VerificationFailure(
        'bad-proof',
        `the server's inclusion proof of entry #${index} in ${size} entries is not the one computed from the entries`,
      );
    }
  }
}

/** The index of the first new entry that breaks the checkpoint, found with the server's consistency proofs. */
export async function firstWrongEntry(
  source: LogSource,
  tree: FlatHashStore,
  from: number,
  checkpoint: Checkpoint,
  hasher: TreeHasher,
): Promise<number | null> {
  const proven = async (m: number): Promise<boolean> => {
    if (m === 0) return true;
    const root = await treeHash(m, tree, hasher);
    if (m === checkpoint.size) return bytesEqual(root, checkpoint.rootHash);
    const proof = await source.consistencyProof(m, checkpoint.size).catch(() => []);
    return verifyConsistency({ oldSize: m, newSize: checkpoint.size, oldRoot: root, newRoot: checkpoint.rootHash, proof }, hasher);
  };
  // prefix `good` is proven, prefix `bad` is not: the entry at index `bad - 1` is the first wrong one.
  let good = from;
  let bad = tree.size;
  if (await proven(bad)) return null;
  while (bad - good > 1) {
    const mid = good + Math.floor((bad - good) / 2);
    if (await proven(mid)) good = mid;
    else bad = mid;
  }
  return bad - 1;
}
