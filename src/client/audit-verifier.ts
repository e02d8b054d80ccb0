// What an auditor checks, without trusting the server (DESIGN promise 7, issues 6 and 11).
// Runtime-neutral (no Node import): `relais audit verify` and the auditor page's worker run it.
//
//   verifyLog({ source, policy, trusted, mode, … }) → { trusted, cosignatures, newEntries }
//
// 1. The served checkpoint must be a C2SP signed note by the log key the auditor holds (never one
//    the server hands out) for the expected origin; the cosignature lines of the cosigners the
//    auditor trusts are checked (C2SP tlog-cosignature/v1): a line by a trusted key that does not
//    verify is a failure, and fewer than `quorum` valid ones is one ('quorum'); so is a newest
//    cosignature older than `maxAgeSeconds` ('stale'). A forked or frozen checkpoint the
//    cosigners refused cannot carry their cosignatures.
// 2. Against the checkpoint verified last (`trusted`): a smaller tree is a ROLLBACK; the same size
//    with another root, or a tree that does not extend it, a FORK.
// 3. mode 'full' (the default): EVERY entry is fetched again; each one verified before must have
//    the leaf hash the state kept ('changed-entry' / 'missing-entry' naming the first that
//    differs), and the whole tree is rebuilt (FlatHashStore) and must give the checkpoint's root.
//    mode 'new-only' fetches only entries after the trusted checkpoint and skips re-reading the
//    earlier ones, the stored hashes before them and the rules (the caller says so).
// 4. What the server serves to others is checked against the auditor's own tree: every stored
//    hash (in 'full'; the new ones in 'new-only'; 'stored-hash' names the first that differs), the
//    consistency proof from the trusted size, and inclusion proofs of a sample of entries (the
//    first, the last, the first new one, the auditor's own login, and random ones); a served proof
//    that differs from the one computed is 'bad-proof'.
// The result keeps every leaf hash (32 bytes an entry) for the next run.

import { utf8 } from '../core/bytes.ts';
import { checkProofs, checkStoredHashes, firstWrongEntry } from './audit-proofs.ts';
import {
  bytesEqual,
  defaultTreeHasher,
  FlatHashStore,
  NoteError,
  openCheckpoint,
  storedHashCount,
  treeHash,
  verifyConsistency,
  verifyCosignature,
  type Checkpoint,
  type CosignerVerifier,
  type Hash,
  type NoteVerifier,
  type OpenedNote,
  type TreeHasher,
} from '../core/tlog/index.ts';

export type FailureKind =
  | 'bad-signature'
  | 'wrong-origin'
  | 'malformed'
  | 'unavailable'
  | 'rollback'
  | 'fork'
  | 'missing-entry'
  | 'changed-entry'
  | 'stored-hash'
  | 'bad-proof'
  | 'bad-cosignature'
  | 'quorum'
  | 'stale'
  | 'own-login'
  | 'rule';

/** Failures that waiting may cure (a checkpoint not yet cosigned, a login not yet signed). */
export const FRESHNESS_FAILURES: readonly FailureKind[] = ['quorum', 'stale', 'own-login'];

/** The log is not what its signed checkpoints say, or not fresh: an auditor must act on this. */
export class VerificationFailure extends Error {
  override readonly name = 'VerificationFailure';
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }
}

/** Where the log comes from: the HTTP API (audit-log-client.ts) or anything answering alike. */
export interface LogSource {
  /** the latest signed checkpoint with its cosignatures (signed-note text) */
  checkpoint(): Promise<string>;
  /** entries start ≤ i < end, in order; fewer if the server has fewer */
  entries(start: number, end: number): Promise<string[]>;
  /** RFC 9162 consistency proof from the tree of `from` entries to that of `to` */
  consistencyProof(from: number, to: number): Promise<Hash[]>;
  /** RFC 9162 inclusion proof of entry `index` in the tree of `size` entries */
  inclusionProof(index: number, size: number): Promise<Hash[]>;
  /** stored hashes start ≤ i < end (Go sumdb/tlog numbering), 32 bytes each; fewer if missing */
  storedHashes(start: number, end: number): Promise<Uint8Array>;
}

/** What the auditor trusts, from their own copies (flags, their state file), never the server. */
export interface TrustPolicy {
  origin: string;
  logVerifier: NoteVerifier;
  cosigners: CosignerVerifier[];
  quorum: number;
  maxAgeSeconds: number;
}

/** The last checkpoint an auditor verified, and the leaf hash of every entry it covers. */
export interface Trusted {
  checkpoint: Checkpoint;
  note: string;
  /** 32 bytes per entry, entry 0 first; null for a state written before leaf hashes were kept */
  leaves: Uint8Array | null;
}

export interface CosignatureCheck {
  /** valid cosignatures by trusted cosigners: name and timestamp (seconds) */
  valid: { name: string; timestamp: number }[];
  /** how many of them are within maxAgeSeconds */
  fresh: number;
}

export interface VerifyOptions {
  source: LogSource;
  policy: TrustPolicy;
  trusted: Trusted | null;
  mode?: 'full' | 'new-only';
  hasher?: TreeHasher;
  /** entries per request (the server allows up to 10,000) */
  pageSize?: number;
  /** the auditor's clock, ms */
  now?: () => number;
  /** called with each fetched entry, in order, before the final check: keep results only on success */
  onEntry?: (index: number, entry: string) => void;
  /** an entry whose inclusion proof is also checked (the auditor's own login) */
  sampleIndex?: number | null;
  /** random numbers in [0, 1) for the sample (crypto-based by default) */
  random?: () => number;
}

export interface VerifyResult {
  trusted: Trusted;
  cosignatures: CosignatureCheck;
  /** the first entry not covered by the previous trusted checkpoint */
  firstNew: number;
}

/** Cosignatures dated further ahead than this are not counted (C2SP: verifiers may reject them). */
const FUTURE_SKEW_SECONDS = 300;

function cryptoRandom(): number {
  return (crypto.getRandomValues(new Uint32Array(1))[0] as number) / 2 ** 32;
}

/** Opens the server's checkpoint with the auditor's log key; throws VerificationFailure. */
export function openServerCheckpoint(note: string, origin: string, verifier: NoteVerifier): { checkpoint: Checkpoint; note: OpenedNote } {
  try {
    return openCheckpoint(note, { origin, logVerifier: verifier });
  } catch (e) {
    if (!(e instanceof NoteError)) throw e;
    if (e.code === 'wrong-origin') throw new VerificationFailure('wrong-origin', `the checkpoint is for another log than ${origin}`);
    if (e.code === 'malformed-note' || e.code === 'malformed-checkpoint')
      throw new VerificationFailure('malformed', `the checkpoint is malformed (${e.message})`);
    throw new VerificationFailure('bad-signature', `the checkpoint is not signed by the log key ${verifier.name} you hold (${e.code})`);
  }
}

/** Checks the cosignature lines of an opened checkpoint against the auditor's policy. */
export function checkCosignatures(opened: OpenedNote, policy: TrustPolicy, nowMs: number): CosignatureCheck {
  const valid: { name: string; timestamp: number }[] = [];
  const now = Math.floor(nowMs / 1000);
  for (const cosigner of policy.cosigners) {
    const lines = opened.unverifiedSignatures.filter((s) => s.name === cosigner.name && s.keyId === cosigner.keyId);
    for (const line of lines) {
      const timestamp = verifyCosignature(cosigner, opened.text, line);
      if (timestamp === null) {
        throw new VerificationFailure('bad-cosignature', `the cosignature of ${cosigner.name} on the checkpoint does not verify`);
      }
      if (timestamp <= now + FUTURE_SKEW_SECONDS) valid.push({ name: cosigner.name, timestamp });
    }
  }
  const fresh = valid.filter((v) => now - v.timestamp <= policy.maxAgeSeconds).length;
  return { valid, fresh };
}

/** Throws 'quorum' or 'stale' unless the checkpoint is witnessed and fresh by the policy. */
export function requireWitnessed(check: CosignatureCheck, policy: TrustPolicy, size: number, nowMs: number): void {
  const signers = new Set(check.valid.map((v) => v.name));
  if (signers.size < policy.quorum) {
    throw new VerificationFailure(
      'quorum',
      `the checkpoint of ${size} entries carries ${signers.size} valid cosignature(s) of the ${policy.cosigners.length} cosigners you trust, fewer than your quorum of ${policy.quorum}: it may be a fork or a rollback shown to you alone`,
    );
  }
  const needed = Math.max(policy.quorum, policy.cosigners.length > 0 ? 1 : 0);
  if (check.fresh < needed) {
    const newest = Math.max(0, ...check.valid.map((v) => v.timestamp));
    const age = Math.floor(nowMs / 1000) - newest;
    throw new VerificationFailure(
      'stale',
      `the newest cosignature of the checkpoint is ${age} s old, more than your maximum of ${policy.maxAgeSeconds} s (${check.fresh} fresh, ${needed} needed): the server may have frozen its log`,
    );
  }
}

export async function verifyLog(options: VerifyOptions): Promise<VerifyResult> {
  const { source, policy, trusted } = options;
  const hasher = options.hasher ?? defaultTreeHasher;
  const pageSize = options.pageSize ?? 10_000;
  const now = options.now ?? (() => Date.now());
  const mode = options.mode ?? 'full';
  const text = await source.checkpoint();
  const { checkpoint, note: opened } = openServerCheckpoint(text, policy.origin, policy.logVerifier);
  const cosignatures = checkCosignatures(opened, policy, now());
  const size = checkpoint.size;
  const old = trusted?.checkpoint ?? null;

  if (old && size < old.size) {
    throw new VerificationFailure(
      'rollback',
      `the server's checkpoint covers ${size} entries, fewer than the ${old.size} you verified before: the log was rolled back`,
    );
  }
  if (old && size === old.size && !bytesEqual(checkpoint.rootHash, old.rootHash)) {
    throw new VerificationFailure(
      'fork',
      `the server signed two different logs of ${size} entries (the one you verified before and this one): the log was forked`,
    );
  }

  // The auditor's own tree: from the state's leaf hashes ('new-only'), or rebuilt from every entry.
  const tree = new FlatHashStore(hasher);
  const leaves = new Uint8Array(size * 32);
  const keptLeaves = trusted?.leaves ?? null;
  const reuse = mode === 'new-only' && keptLeaves !== null && old !== null;
  if (reuse) {
    leaves.set(keptLeaves.subarray(0, old.size * 32));
    for (let i = 0; i < old.size; i++) tree.appendLeafHash(keptLeaves.subarray(i * 32, i * 32 + 32));
  }
  const firstNew = old?.size ?? 0;
  let next = tree.size < size ? source.entries(tree.size, Math.min(size, tree.size + pageSize)) : null;
  while (next) {
    const start = tree.size;
    const end = Math.min(size, start + pageSize);
    const page = await next;
    if (!Array.isArray(page) || page.length > end - start)
      throw new VerificationFailure('malformed', 'the server sent more entries than asked for');
    next = end < size ? source.entries(end, Math.min(size, end + pageSize)) : null;
    next?.catch(() => {});
    for (const [i, entry] of page.entries()) {
      const index = start + i;
      const leaf = hasher.hashLeaf(utf8(entry));
      if (keptLeaves && index < firstNew && !bytesEqual(leaf, keptLeaves.subarray(index * 32, index * 32 + 32))) {
        throw new VerificationFailure(
          'changed-entry',
          `entry #${index}, which you verified before, is served changed: it was edited, moved or swapped (its hash differs from the one in your state file)`,
        );
      }
      tree.appendLeafHash(leaf);
      leaves.set(leaf, index * 32);
      options.onEntry?.(index, entry);
    }
    if (page.length < end - start) {
      const missing = start + page.length;
      throw new VerificationFailure(
        'missing-entry',
        missing < firstNew
          ? `entry #${missing}, which you verified before, is no longer served: entries were deleted`
          : `the server does not serve entry #${missing}, although its signed checkpoint covers ${size} entries: entries were deleted`,
      );
    }
  }

  if (old && !keptLeaves && !bytesEqual(await treeHash(old.size, tree, hasher), old.rootHash)) {
    throw new VerificationFailure(
      'fork',
      `the first ${old.size} entries of the server's log differ from those you verified before: the log was forked or rewritten`,
    );
  }
  if (!bytesEqual(tree.root(), checkpoint.rootHash)) {
    if (old && old.size > 0 && old.size < size) {
      const proof = await source.consistencyProof(old.size, size);
      if (!verifyConsistency({ oldSize: old.size, newSize: size, oldRoot: old.rootHash, newRoot: checkpoint.rootHash, proof }, hasher)) {
        throw new VerificationFailure(
          'fork',
          `the server's checkpoint of ${size} entries does not extend the one of ${old.size} entries you verified before: the log was forked or rewritten`,
        );
      }
    }
    const index = await firstWrongEntry(source, tree, firstNew, checkpoint, hasher);
    throw new VerificationFailure(
      'changed-entry',
      index === null
        ? `the entries the server serves are not those its signed checkpoint of ${size} entries commits to`
        : `entry #${index} as served is not the entry the signed checkpoint commits to: it was changed, moved or replaced`,
    );
  }

  await checkStoredHashes(source, tree, reuse ? storedHashCount(firstNew) : 0);
  await checkProofs(source, tree, firstNew, options.sampleIndex ?? null, options.random ?? cryptoRandom, hasher);

  return { trusted: { checkpoint, note: text, leaves }, cosignatures, firstNew };
}
