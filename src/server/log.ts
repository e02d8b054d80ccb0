// The server side of the transparency log (DESIGN promise 7, issue 6): integrates the audit
// table into an RFC 9162 §2.1 Merkle tree and signs C2SP tlog-checkpoints (signed notes,
// Ed25519) with the log's key.
//
// Integration reads the entries not yet in the tree and the frontier of the stored tree (O(log n)
// stored hashes, never the whole log), computes the new stored hashes with
// storedHashesForAppend, and writes them with the new head in ONE guarded batch (log-table.ts):
// of two integrations computed from the same head, only one can apply; the other goes on from
// the head the first one left. Then, if a signer is configured and the tree is ahead of the last checkpoint, it
// signs a new checkpoint — but only after checking, from the stored hashes, that the new tree is
// consistent with the last checkpoint it signed (RFC 9162 §2.1.4), so the server never signs two
// inconsistent checkpoints. Checkpoints carry no time: the C2SP format has none, and a signing
// time would say when staff acted no better than the entries do.
//
// Triggers (see log-trigger.ts): after every HTTP request during which an audit statement was
// made, and on every maintenance run (every minute), so an entry waits at most a minute for a
// signed checkpoint even when a request's own integration failed.
// Without a signer the tree is still kept (proofs work) and nothing is signed; the runtime entry
// says so at start with UNSIGNED_LOG_WARNING, and outage() makes staff data routes fail closed
// (503), as after an integrity alert or a failed integration (issue 11). Each signed checkpoint
// goes to the cosigners (log-cosign.ts) and is served with their cosignatures.

import { utf8 } from '../core/bytes.ts';
import {
  bytesEqual,
  defaultTreeHasher,
  parseCheckpoint,
  proveConsistency,
  openCheckpoint,
  parseVerifierKey,
  signCheckpoint,
  storedHashesForAppend,
  treeHash,
  verifyConsistency,
  type Checkpoint,
  type Hash,
  type NoteSigner,
  type NoteVerifier,
  type TreeHasher,
} from '../core/tlog/index.ts';
import { ConstraintError } from '../store/driver.ts';
import { CosignatureTable, LogTable, type LogHead, type StoredCheckpoint } from '../store/log-table.ts';
import { Cosigning } from './log-cosign.ts';
import type { Store } from '../store/store.ts';

/** Entries integrated per batch when catching up (about 2,000 stored hashes per batch). */
const INTEGRATION_CHUNK = 1000;

/** What a runtime entry says at start when it has no log signer key (this.signing is false). */
export const UNSIGNED_LOG_WARNING =
  'WARNING: no log signer key (RELAIS_LOG_KEY or --log-key-file). Audit entries are stored and hashed, ' +
  'but NO CHECKPOINT IS SIGNED: auditors cannot verify this log until the server runs with its key, ' +
  'and staff data routes answer 503 log_unsigned until then.';

/** The stored log contradicts itself or its last checkpoint: nothing more is signed. */
export class LogIntegrityError extends Error {
  override readonly name = 'LogIntegrityError';
}

export interface TransparencyLogOptions {
  store: Store;
  /** config log.origin: the checkpoint's first line */
  origin: string;
  /** config log.publicKey (ResolvedConfig.logVerifierKey): the signer must match it */
  verifierKey: string;
  /** the log's signer key; without it entries are integrated but no checkpoint is signed */
  signer?: NoteSigner | undefined;
  log: (line: string) => void;
  hasher?: TreeHasher;
  /** config log.cosigners (C2SP tlog-witness), each new checkpoint goes to them */
  cosigners?: { name: string; url: string; key: string }[];
  /** config log.maxCheckpointAgeSeconds */
  maxCheckpointAgeSeconds?: number;
  clock?: () => number;
  fetch?: typeof fetch;
}

/** Why staff data cannot be served: the log cannot append or sign (DESIGN promise 7, fail closed). */
export interface LogOutage {
  code: 'log_unsigned' | 'log_unavailable';
  message: string;
}

export interface LogStatus {
  /** entries in the integrated tree */
  treeSize: number;
  /** size of the latest signed checkpoint, or null if there is none */
  checkpointSize: number | null;
}

export class TransparencyLog {
  readonly table: LogTable;
  readonly origin: string;
  readonly signing: boolean;
  readonly #store: Store;
  readonly #signer: NoteSigner | undefined;
  readonly #verifier: NoteVerifier;
  readonly #hasher: TreeHasher;
  readonly #log: (line: string) => void;
  #queue: Promise<unknown> = Promise.resolve();
  /** The last checkpoint this process checked or signed (its note text), to skip rechecking it. */
  #checked: string | null = null;
  /** Set when an integration or a signature failed; cleared by the next one that succeeds. */
  #failure: string | null = null;
  readonly cosigning: Cosigning;

  constructor(options: TransparencyLogOptions) {
    this.#store = options.store;
    this.table = new LogTable(options.store.db);
    this.origin = options.origin;
    this.#signer = options.signer;
    this.signing = options.signer !== undefined;
    this.#hasher = options.hasher ?? defaultTreeHasher;
    this.#log = options.log;
    this.#verifier = parseVerifierKey(options.verifierKey);
    if (options.signer && options.signer.verifierKey !== options.verifierKey) {
      throw new Error('the log signer key does not match the log public key named in the config (log.publicKey)');
    }
    this.cosigning = new Cosigning({
      cosigners: options.cosigners ?? [],
      table: new CosignatureTable(options.store.db),
      hashes: this.table,
      maxAgeSeconds: options.maxCheckpointAgeSeconds ?? 900,
      clock: options.clock ?? (() => Date.now()),
      log: options.log,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /**
   * Null while the log appends and signs; otherwise why staff data routes answer 503 (fail
   * closed: nothing is served that auditors could not see in a signed checkpoint).
   */
  outage(): LogOutage | null {
    if (!this.signing) return { code: 'log_unsigned', message: 'The audit log has no signing key: staff data is not served.' };
    if (this.#failure) return { code: 'log_unavailable', message: 'The audit log cannot be signed right now: staff data is not served.' };
    return null;
  }

  /** The latest checkpoint with the cosignatures it got (C2SP signed note), or null. */
  async servedCheckpoint(): Promise<string | null> {
    const latest = await this.table.latestCheckpoint();
    return latest ? this.cosigning.served(latest) : null;
  }

  /**
   * Integrates every audit entry not yet in the tree, then signs a checkpoint if the tree is
   * ahead of the last one. Calls within this process run one after another.
   */
  integrate(): Promise<LogStatus> {
    const run = this.#queue.then(() => this.#integrate());
    this.#queue = run.catch(() => {});
    return run;
  }

  /** integrate(), with any failure written to the server log instead of thrown. */
  async integrateOrReport(): Promise<LogStatus | null> {
    try {
      const status = await this.integrate();
      this.#failure = null;
      return status;
    } catch (e) {
      if (e instanceof LogIntegrityError) this.#log(`LOG INTEGRITY ALERT: ${e.message}; no checkpoint is signed until this is resolved`);
      else this.#log(`log integration failed: ${(e as Error).name}`);
      this.#failure = e instanceof LogIntegrityError ? 'integrity' : 'integration';
      return null;
    }
  }

  async #integrate(): Promise<LogStatus> {
    const total = await this.#store.audit.size();
    let head = await this.#head();
    if (total < head.size) throw new LogIntegrityError(`the audit table ends at entry ${total} but the tree has ${head.size} entries`);
    while (head.size < total) {
      try {
        head = await this.#appendChunk(head, Math.min(total, head.size + INTEGRATION_CHUNK));
      } catch (e) {
        if (!(e instanceof ConstraintError)) throw e;
        // Another process integrated first: go on from its head. Each conflict means the head
        // moved, so this ends; a head that did not move means hashes stored beyond it.
        const moved = await this.#head();
        if (moved.size <= head.size) throw new LogIntegrityError(`stored hashes exist beyond the tree of ${head.size} entries`);
        head = moved;
      }
    }
    const latest = await this.table.latestCheckpoint();
    if (!this.#signer) return { treeSize: head.size, checkpointSize: latest?.size ?? null };
    const signed = await this.#signIfBehind(head, latest, this.#signer);
    if (signed) await this.cosigning.cosign(signed);
    return { treeSize: head.size, checkpointSize: signed?.size ?? null };
  }

  async #head(): Promise<LogHead> {
    return (await this.table.head()) ?? { size: 0, root: this.#hasher.emptyRoot() };
  }

  /** Integrates entries head.size ≤ i < end in one guarded batch. */
  async #appendChunk(head: LogHead, end: number): Promise<LogHead> {
    const rows = await this.#store.audit.range(head.size, end);
    rows.forEach((row, i) => {
      if (row.idx !== head.size + i) throw new LogIntegrityError(`audit entry ${head.size + i} is missing`);
    });
    if (rows.length !== end - head.size) throw new LogIntegrityError(`audit entry ${head.size + rows.length} is missing`);
    const leafHashes = rows.map((row) => this.#hasher.hashLeaf(utf8(row.entry)));
    const { startIndex, hashes, frontier } = await storedHashesForAppend(head.size, leafHashes, this.table, this.#hasher);
    const next = { size: end, root: frontier.root() };
    await this.#store.batch(this.table.integrationStatements({ previous: head.size, ...next, startIndex, hashes }));
    return next;
  }

  /** Signs the integrated tree unless the latest checkpoint already covers it with this key. */
  async #signIfBehind(head: LogHead, latest: StoredCheckpoint | null, signer: NoteSigner): Promise<StoredCheckpoint | null> {
    if (latest && latest.size === head.size && this.#isOurs(latest)) return latest;
    if (latest && latest.size > head.size) {
      throw new LogIntegrityError(`the integrated tree (${head.size} entries) is smaller than the last signed checkpoint (${latest.size})`);
    }
    // The root comes from the stored hashes, and must be the one recorded at integration.
    const root = await treeHash(head.size, this.table, this.#hasher);
    if (!bytesEqual(root, head.root))
      throw new LogIntegrityError(`the stored hashes do not give the recorded root of the tree of ${head.size} entries`);
    if (latest) await this.#checkExtends(latest, head.size, root);
    const note = signCheckpoint({ origin: this.origin, size: head.size, rootHash: root, extensions: [] }, signer);
    const checkpoint = { size: head.size, root, note };
    try {
      await this.#store.batch([this.table.checkpointStatement(checkpoint)]);
    } catch (e) {
      // Another process stored a checkpoint of this or a larger tree meanwhile: that one is the
      // latest. Anything else means this server cannot sign: fail closed.
      if (!(e instanceof ConstraintError)) throw e;
      const stored = await this.table.latestCheckpoint();
      if (!stored || stored.size < head.size) throw new LogIntegrityError(`the checkpoint of ${head.size} entries could not be stored`);
      return stored;
    }
    this.#checked = note;
    return checkpoint;
  }

  /** True if the stored checkpoint is signed by this log's key and says what its row says. */
  #isOurs(stored: StoredCheckpoint): boolean {
    if (stored.note === this.#checked) return true;
    try {
      const { checkpoint } = openCheckpoint(stored.note, { origin: this.origin, logVerifier: this.#verifier });
      if (checkpoint.size !== stored.size || !bytesEqual(checkpoint.rootHash, stored.root)) return false;
    } catch {
      return false; // signed by an earlier key: sign the tree again with the current one
    }
    this.#checked = stored.note;
    return true;
  }

  /** Throws unless the tree of `size` entries with `root` extends the last signed checkpoint. */
  async #checkExtends(latest: StoredCheckpoint, size: number, root: Hash): Promise<void> {
    if (this.#checked !== latest.note) {
      // The stored size and root must be what the note says (the note is what auditors hold).
      let signed: Checkpoint | null = null;
      try {
        signed = parseCheckpoint(latest.note.slice(0, latest.note.indexOf('\n\n') + 1));
      } catch {
        // reported below
      }
      if (!signed || signed.size !== latest.size || !bytesEqual(signed.rootHash, latest.root) || signed.origin !== this.origin) {
        throw new LogIntegrityError('the last stored checkpoint does not match its signed note');
      }
    }
    let consistent: boolean;
    if (latest.size === size) consistent = bytesEqual(latest.root, root);
    else if (latest.size === 0) consistent = bytesEqual(latest.root, this.#hasher.emptyRoot());
    else {
      const proof = await proveConsistency(latest.size, size, this.table, this.#hasher);
      consistent = verifyConsistency({ oldSize: latest.size, newSize: size, oldRoot: latest.root, newRoot: root, proof }, this.#hasher);
    }
    if (!consistent) {
      throw new LogIntegrityError(
        `the stored tree of ${size} entries is not consistent with the last signed checkpoint (${latest.size} entries)`,
      );
    }
  }
}
