// The staging area and the bucket-close move (DESIGN promise 2, issue 13; migrations/
// 0005_staging.sql). What residents send — reports, their parts and attachment bytes, and every
// new message — is written to the staged_* tables; once its time bucket has closed, maintenance
// moves it to the main tables, report by report in a random order, so that the main tables'
// pages, cells and the log's leaves follow that order and not the order of arrival.
//
// A move is a batch that inserts the main rows from the staged ones and deletes the staged ones
// (and, at bucket close, appends the receipt's audit entry, only if the report was still staged):
// a report is in exactly one place at any instant, and a move repeated after a crash does
// nothing. Attachment bytes go to the blob store first (an idempotent put under the same key);
// their staged chunks are deleted in the batch. A staff write on a staged report settles it first
// (settle(): the same move, without the receipt, which the bucket close then logs with the rest):
// its place on disk then says when staff acted on it, which the audit log says too. A grant
// (issue 14) rewrites staged parts and messages where they are, under a new blob key: a move
// batch is guarded against that (the keys it published must still be the staged ones), and a
// move that loses the race is done again with the new keys, its stale copies trashed.

import { concatBytes } from '../core/bytes.ts';
import type { AuditTable } from './audit-table.ts';
import type { BlobStore } from './blobs.ts';
import { ConstraintError, sql, type SqlDriver, type Statement } from './driver.ts';

/** Times a move is tried again after a grant changed the blob keys it read. */
const MOVE_ATTEMPTS = 3;

/** Largest chunk of a staged blob: a D1 row holds at most 2 MB. */
export const STAGED_BLOB_CHUNK = 1 << 20;

export interface DueReport {
  ref: string;
  category: string;
  /** still in staging (else settled early, its receipt not yet logged) */
  staged: boolean;
}

/** Attachment bytes in staging, and reads that find bytes wherever they are. */
export class StagedBlobs {
  constructor(
    private readonly db: SqlDriver,
    /** where bytes go once their row leaves staging (and staff attachments at once) */
    readonly store: BlobStore,
  ) {}

  statements(key: string, bytes: Uint8Array): Statement[] {
    const out: Statement[] = [];
    for (let seq = 0, at = 0; at < bytes.length || seq === 0; seq++, at += STAGED_BLOB_CHUNK) {
      out.push(sql('INSERT INTO staged_blobs (key, seq, data) VALUES (?, ?, ?)', key, seq, bytes.subarray(at, at + STAGED_BLOB_CHUNK)));
    }
    return out;
  }

  async staged(key: string): Promise<Uint8Array | null> {
    const rows = await this.db.all<{ data: Uint8Array }>('SELECT data FROM staged_blobs WHERE key = ? ORDER BY seq', [key]);
    return rows.length === 0 ? null : concatBytes(...rows.map((r) => r.data));
  }

  /** The bytes under `key`, staged or in the blob store. */
  async get(key: string): Promise<Uint8Array | null> {
    return (await this.staged(key)) ?? (await this.store.get(key));
  }

  /** Puts the staged bytes of these keys into the blob store (the batch that moves their rows deletes the chunks). */
  async publish(keys: string[]): Promise<void> {
    for (const key of keys) {
      const bytes = await this.staged(key);
      if (bytes) await this.store.put(key, bytes);
    }
  }

  deleteStatement(key: string): Statement {
    return sql('DELETE FROM staged_blobs WHERE key = ?', key);
  }
}

/**
 * Fails the batch (the CHECK of key_packet_guard, migrations/0009_key_packets.sql) if a staged
 * row of `table` for this report (and message) holds a blob key other than those published.
 */
function blobKeysGuard(table: 'staged_parts' | 'staged_messages', published: string[], ref: string, idx?: number): Statement {
  const which = idx === undefined ? '' : ' AND idx = ?';
  const others = published.length === 0 ? '' : ` AND blob_key NOT IN (${published.map(() => '?').join(', ')})`;
  return sql(
    `INSERT INTO key_packet_guard (ok) SELECT 0 WHERE EXISTS (SELECT 1 FROM ${table} WHERE ref = ?${which} AND blob_key IS NOT NULL${others})`,
    ref,
    ...(idx === undefined ? [] : [idx]),
    ...published,
  );
}

/** Trashes published copies that no row refers to any more (a grant replaced them meanwhile). */
function trashUnreferenced(key: string): Statement {
  return sql(
    `INSERT OR IGNORE INTO blob_trash (key) SELECT ?
     WHERE NOT EXISTS (SELECT 1 FROM all_parts WHERE blob_key = ?) AND NOT EXISTS (SELECT 1 FROM all_messages WHERE blob_key = ?)`,
    key,
    key,
    key,
  );
}

const REPORT_COLUMNS = 'ref, category, received_bucket, config_hash, status, lookup_hash';
const MESSAGE_COLUMNS = 'ref, idx, author, member_id, kind, status, at, size, data, blob_key';

export class Staging {
  constructor(
    private readonly db: SqlDriver,
    private readonly audit: AuditTable,
    readonly blobs: StagedBlobs,
  ) {}

  /** Buckets before `bucket` with reports to move or receipts to log, oldest first. */
  async dueBuckets(bucket: number): Promise<number[]> {
    const rows = await this.db.all<{ b: number }>(
      `SELECT DISTINCT received_bucket AS b FROM staged_reports WHERE received_bucket < ?
       UNION SELECT DISTINCT received_bucket AS b FROM reports WHERE receipt_logged = 0 AND received_bucket < ?
       ORDER BY b`,
      [bucket, bucket],
    );
    return rows.map((r) => r.b);
  }

  /** The reports of one bucket still to move, or moved early and not yet logged. */
  async dueReports(bucket: number): Promise<DueReport[]> {
    const rows = await this.db.all<{ ref: string; category: string; staged: number }>(
      `SELECT ref, category, 1 AS staged FROM staged_reports WHERE received_bucket = ?
       UNION ALL SELECT ref, category, 0 AS staged FROM reports WHERE receipt_logged = 0 AND received_bucket = ?`,
      [bucket, bucket],
    );
    return rows.map((r) => ({ ref: r.ref, category: r.category, staged: r.staged === 1 }));
  }

  private async stagedBlobKeys(ref: string): Promise<string[]> {
    const rows = await this.db.all<{ blob_key: string }>('SELECT blob_key FROM staged_parts WHERE ref = ? AND blob_key IS NOT NULL', [ref]);
    return rows.map((r) => r.blob_key);
  }

  /**
   * Statements moving one staged report to the main tables; with `receipt`, its audit entry is
   * appended (if the report was still staged) and the report is marked logged. A report moved
   * early (settled) and not yet logged gets only its entry and the mark.
   */
  private moveStatements(ref: string, blobKeys: string[], receipt: string | null): Statement[] {
    // Still staged, or moved early and not yet logged: true until the batch marks it logged.
    const due = sql(
      'SELECT 1 FROM staged_reports WHERE ref = ? UNION ALL SELECT 1 FROM reports WHERE ref = ? AND receipt_logged = 0',
      ref,
      ref,
    );
    return [
      blobKeysGuard('staged_parts', blobKeys, ref),
      ...(receipt
        ? [
            this.audit.appendWhenStatement(receipt, due),
            // The entry's log index, for case exports (the table of migrations/0007_casework.sql).
            sql(
              `INSERT OR REPLACE INTO receipt_entries (ref, entry_idx) SELECT ?, (SELECT MAX(idx) FROM audit_entries) WHERE EXISTS (${due.sql})`,
              ref,
              ...due.params,
            ),
            sql('UPDATE reports SET receipt_logged = 1 WHERE ref = ? AND receipt_logged = 0', ref),
          ]
        : []),
      sql(
        `INSERT INTO reports (${REPORT_COLUMNS}, receipt_logged) SELECT ${REPORT_COLUMNS}, ? FROM staged_reports WHERE ref = ?`,
        receipt ? 1 : 0,
        ref,
      ),
      sql(
        `INSERT INTO reply_keys (ref, public_key, locked_key) SELECT ref, reply_public_key, reply_locked_key FROM staged_reports
         WHERE ref = ? AND reply_public_key IS NOT NULL AND reply_locked_key IS NOT NULL`,
        ref,
      ),
      sql('INSERT INTO report_routes (ref, inbox_id, audience) SELECT ref, inbox_id, audience FROM staged_routes WHERE ref = ?', ref),
      sql(
        'INSERT INTO parts (ref, idx, role, size, data, blob_key) SELECT ref, idx, role, size, data, blob_key FROM staged_parts WHERE ref = ?',
        ref,
      ),
      sql('INSERT INTO witnesses (number, ref) SELECT number, ref FROM staged_witnesses WHERE ref = ?', ref),
      ...blobKeys.map((k) => this.blobs.deleteStatement(k)),
      sql('DELETE FROM staged_witnesses WHERE ref = ?', ref),
      sql('DELETE FROM staged_parts WHERE ref = ?', ref),
      sql('DELETE FROM staged_routes WHERE ref = ?', ref),
      sql('DELETE FROM staged_reports WHERE ref = ?', ref),
    ];
  }

  /** Moves these reports (in the order given) in one batch, each with its receipt entry. */
  async move(reports: { ref: string; receipt: string }[]): Promise<void> {
    await this.guarded(async () => {
      const statements: Statement[] = [];
      const published: string[] = [];
      for (const r of reports) {
        const keys = await this.stagedBlobKeys(r.ref);
        await this.blobs.publish(keys);
        published.push(...keys);
        statements.push(...this.moveStatements(r.ref, keys, r.receipt));
      }
      return { statements, published };
    });
  }

  /** Moves a staged report to the main tables now, before a staff write on it; no-op otherwise. */
  async settle(ref: string): Promise<void> {
    await this.guarded(async () => {
      if (!(await this.db.first('SELECT 1 AS x FROM staged_reports WHERE ref = ?', [ref]))) return { statements: [], published: [] };
      const keys = await this.stagedBlobKeys(ref);
      await this.blobs.publish(keys);
      return { statements: this.moveStatements(ref, keys, null), published: keys };
    }, false);
  }

  /**
   * Runs a move batch made by `make` (which publishes the blobs it names); if a grant changed a
   * staged blob key meanwhile (the guard fails), trashes the copies published for nothing and
   * makes the batch again. A move lost in a power cut is moved again at the next run.
   */
  private async guarded(make: () => Promise<{ statements: Statement[]; published: string[] }>, redoable = true): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { statements, published } = await make();
      if (statements.length === 0) return;
      try {
        await this.db.batch(statements, { redoable });
        return;
      } catch (e) {
        if (!(e instanceof ConstraintError) || attempt >= MOVE_ATTEMPTS) throw e;
        if (published.length > 0) await this.db.batch(published.map(trashUnreferenced), { redoable: true });
      }
    }
  }

  /** Messages whose bucket closed before `bucket` (as [ref, idx]), in no particular order. */
  async dueMessages(bucket: number): Promise<{ ref: string; idx: number }[]> {
    return this.db.all<{ ref: string; idx: number }>(
      'SELECT ref, idx FROM staged_messages m WHERE at < ? AND NOT EXISTS (SELECT 1 FROM staged_reports r WHERE r.ref = m.ref)',
      [bucket],
    );
  }

  /**
   * Moves these messages (in the order given) in one batch. A message moves only once its report
   * is in the main tables; one whose report is gone altogether (deleted) is dropped, and its
   * attachment bytes go to the trash.
   */
  async moveMessages(messages: { ref: string; idx: number }[]): Promise<void> {
    await this.guarded(async () => {
      // Read again here: a grant may have given a staged message a new blob key since it was listed.
      const current: { ref: string; idx: number; blobKey: string | null }[] = [];
      for (const m of messages) {
        const row = await this.db.first<{ blob_key: string | null }>('SELECT blob_key FROM staged_messages WHERE ref = ? AND idx = ?', [
          m.ref,
          m.idx,
        ]);
        if (row) current.push({ ref: m.ref, idx: m.idx, blobKey: row.blob_key });
      }
      const published = current.flatMap((m) => (m.blobKey ? [m.blobKey] : []));
      await this.blobs.publish(published);
      return { statements: current.flatMap((m) => this.moveMessageStatements(m)), published };
    });
  }

  private moveMessageStatements(m: { ref: string; idx: number; blobKey: string | null }): Statement[] {
    return [
      blobKeysGuard('staged_messages', m.blobKey ? [m.blobKey] : [], m.ref, m.idx),
      sql(
        `INSERT INTO messages (${MESSAGE_COLUMNS}) SELECT ${MESSAGE_COLUMNS} FROM staged_messages s
         WHERE s.ref = ? AND s.idx = ? AND EXISTS (SELECT 1 FROM reports r WHERE r.ref = s.ref)`,
        m.ref,
        m.idx,
      ),
      // The report becomes unread again for staff who had read it (staff see it as unread
      // meanwhile through the staged message: report-list.ts).
      sql(
        `DELETE FROM report_reads WHERE ref = ?
         AND EXISTS (SELECT 1 FROM staged_messages WHERE ref = ? AND idx = ?) AND EXISTS (SELECT 1 FROM messages WHERE ref = ? AND idx = ?)`,
        m.ref,
        m.ref,
        m.idx,
        m.ref,
        m.idx,
      ),
      sql(
        `DELETE FROM staged_messages WHERE ref = ? AND idx = ?
         AND (EXISTS (SELECT 1 FROM messages WHERE ref = ? AND idx = ?) OR NOT EXISTS (SELECT 1 FROM all_reports WHERE ref = ?))`,
        m.ref,
        m.idx,
        m.ref,
        m.idx,
        m.ref,
      ),
      ...(m.blobKey
        ? [
            sql(
              'INSERT OR IGNORE INTO blob_trash (key) SELECT ? WHERE NOT EXISTS (SELECT 1 FROM all_reports WHERE ref = ?)',
              m.blobKey,
              m.ref,
            ),
            sql(
              'DELETE FROM staged_blobs WHERE key = ? AND NOT EXISTS (SELECT 1 FROM staged_messages WHERE ref = ? AND idx = ?)',
              m.blobKey,
              m.ref,
              m.idx,
            ),
          ]
        : []),
    ];
  }
}
