// The transparency log's tables (migrations/0003_transparency_log.sql; DESIGN promise 7): the
// stored subtree hashes of the RFC 9162 §2.1 Merkle tree over audit_entries (numbered as Go's
// sumdb/tlog, src/core/tlog/stored-index.ts), the integrated tree heads, and the signed C2SP
// checkpoints. Written once on the SqlDriver, so SQLite and D1 share it.
//
// LogTable is the core's HashReader: every proof reads O(log n) stored hashes through it. Writes
// are statements for one atomic batch, each guarded in SQL (primary keys and triggers), because
// D1 has no interactive transactions: an integration computed from a stale head, or a checkpoint
// that would shrink the tree or change a signed root, makes the whole batch fail.

import type { Hash, HashReader } from '../core/tlog/index.ts';
import { sql, type SqlDriver, type Statement } from './driver.ts';

/** D1 allows at most 100 bound parameters per statement. */
const MAX_PARAMS = 100;

export interface LogHead {
  /** number of audit entries in the integrated tree */
  size: number;
  /** its RFC 9162 root, as computed when it was integrated */
  root: Hash;
}

export interface StoredCheckpoint {
  size: number;
  root: Hash;
  /** the signed note, exactly as served */
  note: string;
}

export interface Integration {
  /** the tree size this integration was computed from (the head at the time) */
  previous: number;
  size: number;
  root: Hash;
  /** stored index of hashes[0] (storedHashCount(previous)) */
  startIndex: number;
  hashes: Hash[];
}

export class LogTable implements HashReader {
  constructor(private readonly db: SqlDriver) {}

  async readHashes(indexes: number[]): Promise<Uint8Array[]> {
    const byIndex = new Map<number, Uint8Array>();
    for (let at = 0; at < indexes.length; at += MAX_PARAMS) {
      const chunk = indexes.slice(at, at + MAX_PARAMS);
      const rows = await this.db.all<{ idx: number; hash: Uint8Array }>(
        `SELECT idx, hash FROM log_hashes WHERE idx IN (${chunk.map(() => '?').join(',')})`,
        chunk,
      );
      for (const row of rows) byIndex.set(row.idx, row.hash);
    }
    return indexes.map((i) => {
      const hash = byIndex.get(i);
      if (!hash) throw new Error(`stored log hash ${i} is missing`);
      return hash;
    });
  }

  /** Stored hashes start ≤ i < end, concatenated, stopping at the first one missing. */
  async hashRange(start: number, end: number): Promise<Uint8Array> {
    const rows = await this.db.all<{ idx: number; hash: Uint8Array }>(
      'SELECT idx, hash FROM log_hashes WHERE idx >= ? AND idx < ? ORDER BY idx',
      [start, end],
    );
    const out = new Uint8Array(rows.length * 32);
    let n = 0;
    for (const row of rows) {
      if (row.idx !== start + n || row.hash.length !== 32) break;
      out.set(row.hash, n * 32);
      n++;
    }
    return out.subarray(0, n * 32);
  }

  /** The integrated tree (size 0, no root, before the first integration). */
  async head(): Promise<LogHead | null> {
    return this.db.first<LogHead>('SELECT size, root FROM log_heads ORDER BY size DESC LIMIT 1');
  }

  /** The statements of one integration step, for one atomic batch. */
  integrationStatements(step: Integration): Statement[] {
    const statements: Statement[] = [];
    const rowsPerStatement = MAX_PARAMS / 2;
    for (let at = 0; at < step.hashes.length; at += rowsPerStatement) {
      const chunk = step.hashes.slice(at, at + rowsPerStatement);
      statements.push({
        sql: `INSERT INTO log_hashes (idx, hash) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`,
        params: chunk.flatMap((hash, i) => [step.startIndex + at + i, hash]),
      });
    }
    statements.push(sql('INSERT INTO log_heads (size, previous, root) VALUES (?, ?, ?)', step.size, step.previous, step.root));
    return statements;
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | null> {
    return this.db.first<StoredCheckpoint>('SELECT size, root, note FROM log_checkpoints ORDER BY seq DESC LIMIT 1');
  }

  checkpointStatement(checkpoint: StoredCheckpoint): Statement {
    return sql(
      'INSERT INTO log_checkpoints (seq, size, root, note) VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM log_checkpoints), ?, ?, ?)',
      checkpoint.size,
      checkpoint.root,
      checkpoint.note,
    );
  }
}

/** The newest cosignature one cosigner returned (migrations/0006_log_cosignatures.sql). */
export interface StoredCosignature {
  /** "<name>+<key ID hex>" */
  cosigner: string;
  /** the size of the checkpoint it cosigned */
  size: number;
  /** its timestamp, seconds */
  timestamp: number;
  /** the note signature line, with its final newline */
  line: string;
}

export class CosignatureTable {
  constructor(private readonly db: SqlDriver) {}

  async all(): Promise<StoredCosignature[]> {
    return this.db.all<StoredCosignature>('SELECT cosigner, size, timestamp, line FROM log_cosignatures ORDER BY cosigner');
  }

  /** Keeps the newest cosignature per cosigner; never goes back to a smaller tree or an older time. */
  async record(c: StoredCosignature): Promise<void> {
    await this.db.run(
      `INSERT INTO log_cosignatures (cosigner, size, timestamp, line) VALUES (?, ?, ?, ?)
       ON CONFLICT (cosigner) DO UPDATE SET size = excluded.size, timestamp = excluded.timestamp, line = excluded.line
       WHERE excluded.size >= log_cosignatures.size AND excluded.timestamp >= log_cosignatures.timestamp`,
      [c.cosigner, c.size, c.timestamp, c.line],
    );
  }
}
