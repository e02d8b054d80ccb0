// What an auditor checks, without trusting the server (DESIGN promise 7, issue 6). Runtime-neutral
// (no Node import), so the auditor page can run the same code in the browser.
//
//   verifyLog({ source, origin, verifier, trusted, full?, onEntry? }) → { checkpoint, note, frontier }
//
// 1. The server's latest checkpoint must be a C2SP signed note by the log key the auditor holds
//    (never one the server hands out) for the expected origin (C2SP tlog-checkpoint).
// 2. Against the checkpoint the auditor verified last (`trusted`): a smaller tree is a ROLLBACK;
//    a tree of the same size with another root, or a larger one that does not extend it, a FORK.
// 3. Every entry after the trusted checkpoint (or every entry, with `full`) is fetched and
//    appended to the trusted frontier (frontier.ts): one leaf hash per entry plus on average one
//    node hash, and a final match with the checkpoint's root proves at once that each entry is
//    included (RFC 9162 §2.1.3) and that the tree extends the trusted one (§2.1.4), without a
//    proof per entry. An entry the server does not serve is MISSING.
// 4. On a mismatch, a consistency proof tells a FORK from CHANGED entries, and a binary search
//    with consistency proofs from each prefix names the first entry that differs (O(log n)
//    proofs).
// The result is the new frontier to keep for next time: a few hundred bytes whatever the log size.

import { utf8 } from '../core/bytes.ts';
import {
  bytesEqual,
  defaultTreeHasher,
  Frontier,
  NoteError,
  openCheckpoint,
  verifyConsistency,
  type Checkpoint,
  type Hash,
  type NoteVerifier,
  type TreeHasher,
} from '../core/tlog/index.ts';

export type FailureKind = 'bad-signature' | 'wrong-origin' | 'malformed' | 'rollback' | 'fork' | 'missing-entry' | 'changed-entry';

/** The log is not what its signed checkpoints say: an auditor must act on this. */
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
  /** the latest signed checkpoint (signed-note text) */
  checkpoint(): Promise<string>;
  /** entries start ≤ i < end, in order; fewer if the server has fewer */
  entries(start: number, end: number): Promise<string[]>;
  /** RFC 9162 consistency proof from the tree of `from` entries to that of `to` */
  consistencyProof(from: number, to: number): Promise<Hash[]>;
}

/** The last checkpoint an auditor verified, and the frontier of its tree. */
export interface Trusted {
  checkpoint: Checkpoint;
  note: string;
  frontier: Frontier;
}

export interface VerifyOptions {
  source: LogSource;
  origin: string;
  verifier: NoteVerifier;
  trusted: Trusted | null;
  /** fetch and check every entry from the first, not only those after `trusted` */
  full?: boolean;
  hasher?: TreeHasher;
  /** entries per request (the server allows up to 10,000) */
  pageSize?: number;
  /** called with each fetched entry, in order, before the final check: keep results only on success */
  onEntry?: (index: number, entry: string) => void;
}

/** Opens the server's checkpoint with the auditor's key; throws VerificationFailure. */
export function openServerCheckpoint(note: string, origin: string, verifier: NoteVerifier): Checkpoint {
  try {
    return openCheckpoint(note, { origin, logVerifier: verifier }).checkpoint;
  } catch (e) {
    if (!(e instanceof NoteError)) throw e;
    if (e.code === 'wrong-origin') throw new VerificationFailure('wrong-origin', `the checkpoint is for another log than ${origin}`);
    if (e.code === 'malformed-note' || e.code === 'malformed-checkpoint')
      throw new VerificationFailure('malformed', `the checkpoint is malformed (${e.message})`);
    throw new VerificationFailure('bad-signature', `the checkpoint is not signed by the log key ${verifier.name} you hold (${e.code})`);
  }
}

export async function verifyLog(options: VerifyOptions): Promise<Trusted> {
  const { source, origin, verifier, trusted } = options;
  const hasher = options.hasher ?? defaultTreeHasher;
  const pageSize = options.pageSize ?? 10_000;
  const note = await source.checkpoint();
  const checkpoint = openServerCheckpoint(note, origin, verifier);
  const size = checkpoint.size;

  if (trusted) {
    const old = trusted.checkpoint;
    if (size < old.size) {
      throw new VerificationFailure(
        'rollback',
        `the server's checkpoint covers ${size} entries, fewer than the ${old.size} you verified before: the log was rolled back`,
      );
    }
    if (size === old.size && !bytesEqual(checkpoint.rootHash, old.rootHash)) {
      throw new VerificationFailure(
        'fork',
        `the server signed two different logs of ${size} entries (the one you verified before and this one): the log was forked`,
      );
    }
  }

  const full = options.full === true || trusted === null;
  const frontier = full ? Frontier.empty(hasher) : (trusted as Trusted).frontier.clone();
  // Frontiers at page boundaries, to find the first wrong entry if the end does not match.
  const marks: Frontier[] = [frontier.clone()];
  let rootAtTrusted: Hash | null = full && trusted?.checkpoint.size === 0 ? hasher.emptyRoot() : null;
  let next = frontier.size < size ? source.entries(frontier.size, Math.min(size, frontier.size + pageSize)) : null;
  while (next) {
    const start = frontier.size;
    const end = Math.min(size, start + pageSize);
    const page = await next;
    if (!Array.isArray(page) || page.length > end - start)
      throw new VerificationFailure('malformed', 'the server sent more entries than asked for');
    // Fetch the next page while this one is hashed.
    next = end < size ? source.entries(end, Math.min(size, end + pageSize)) : null;
    next?.catch(() => {});
    for (const [i, entry] of page.entries()) {
      frontier.appendEntry(utf8(entry));
      options.onEntry?.(start + i, entry);
      if (full && trusted && frontier.size === trusted.checkpoint.size) rootAtTrusted = frontier.root();
    }
    if (page.length < end - start) {
      throw new VerificationFailure(
        'missing-entry',
        `the server does not serve entry #${start + page.length}, although its signed checkpoint covers ${size} entries: entries were deleted`,
      );
    }
    marks.push(frontier.clone());
  }

  if (!frontier.matches(size, checkpoint.rootHash)) {
    if (trusted && trusted.checkpoint.size > 0 && trusted.checkpoint.size < size) {
      const proof = await source.consistencyProof(trusted.checkpoint.size, size);
      const old = trusted.checkpoint;
      if (!verifyConsistency({ oldSize: old.size, newSize: size, oldRoot: old.rootHash, newRoot: checkpoint.rootHash, proof }, hasher)) {
        throw new VerificationFailure(
          'fork',
          `the server's checkpoint of ${size} entries does not extend the one of ${old.size} entries you verified before: the log was forked or rewritten`,
        );
      }
    }
    const index = await firstWrongEntry(source, marks, checkpoint, hasher);
    throw new VerificationFailure(
      'changed-entry',
      index === null
        ? `the entries the server serves are not those its signed checkpoint of ${size} entries commits to`
        : `entry #${index} as served is not the entry the signed checkpoint commits to: it was changed, moved or replaced`,
    );
  }
  if (full && trusted && rootAtTrusted && !bytesEqual(rootAtTrusted, trusted.checkpoint.rootHash)) {
    throw new VerificationFailure(
      'fork',
      `the first ${trusted.checkpoint.size} entries of the server's log differ from those you verified before: the log was forked or rewritten`,
    );
  }
  return { checkpoint, note, frontier };
}

/** True if the server proves that `prefix` (built from served entries) is a prefix of the checkpoint's tree. */
async function provenPrefix(source: LogSource, size: number, root: Hash, checkpoint: Checkpoint, hasher: TreeHasher): Promise<boolean> {
  if (size === 0) return true;
  if (size === checkpoint.size) return bytesEqual(root, checkpoint.rootHash);
  const proof = await source.consistencyProof(size, checkpoint.size).catch(() => []);
  return verifyConsistency({ oldSize: size, newSize: checkpoint.size, oldRoot: root, newRoot: checkpoint.rootHash, proof }, hasher);
}

/** The index of the first served entry that breaks the checkpoint, or null if none can be named. */
async function firstWrongEntry(source: LogSource, marks: Frontier[], checkpoint: Checkpoint, hasher: TreeHasher): Promise<number | null> {
  // marks[0] is trusted; find the first page boundary the server cannot prove to be a prefix.
  let lo = 0;
  let hi = marks.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const m = marks[mid] as Frontier;
    if (await provenPrefix(source, m.size, m.root(), checkpoint, hasher)) lo = mid;
    else hi = mid;
  }
  const from = marks[lo] as Frontier;
  const to = marks[hi] as Frontier;
  if (to.size <= from.size) return null;
  // Within that page: the root after each entry, then the same search entry by entry.
  const page = await source.entries(from.size, to.size).catch(() => [] as string[]);
  const roots: Hash[] = [];
  const walk = from.clone();
  for (const entry of page) {
    walk.appendEntry(utf8(entry));
    roots.push(walk.root());
  }
  let good = -1;
  let bad = roots.length;
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    if (await provenPrefix(source, from.size + mid + 1, roots[mid] as Hash, checkpoint, hasher)) good = mid;
    else bad = mid;
  }
  return bad < roots.length ? from.size + bad : null;
}
