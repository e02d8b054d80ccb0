// The append-only audit table (DESIGN promise 7). Each entry is a canonical-JSON string; its
// index is the next leaf index, computed inside the same statement so that appends in a batch
// (or racing appends) never take the same index. Updates and deletes are refused by triggers.

import { sql, type SqlDriver, type Statement } from './driver.ts';

export class AuditTable {
  constructor(private readonly db: SqlDriver) {}

  appendStatement(entry: string): Statement {
    return sql('INSERT INTO audit_entries (idx, entry) VALUES ((SELECT COALESCE(MAX(idx), -1) + 1 FROM audit_entries), ?)', entry);
  }

  /** Appends `entry` only if `when` (a query) returns a row when the batch reaches it. */
  appendWhenStatement(entry: string, when: Statement): Statement {
    return sql(
      `INSERT INTO audit_entries (idx, entry)
       SELECT (SELECT COALESCE(MAX(idx), -1) + 1 FROM audit_entries), ? WHERE EXISTS (${when.sql})`,
      entry,
      ...when.params,
    );
  }

  /**
   * Appends `entry` only if `configHash` is not already the latest recorded config version, so
   * that several processes starting with the same new config (Workers isolates) log its change
   * once, while going back to an earlier version is still logged.
   */
  appendForNewConfigStatement(entry: string, configHash: string): Statement {
    return sql(
      `INSERT INTO audit_entries (idx, entry)
       SELECT (SELECT COALESCE(MAX(idx), -1) + 1 FROM audit_entries), ?
       WHERE (SELECT hash FROM config_versions ORDER BY loaded DESC, hash LIMIT 1) IS NOT ?`,
      entry,
      configHash,
    );
  }

  async append(entries: string[]): Promise<void> {
    if (entries.length > 0) await this.db.batch(entries.map((e) => this.appendStatement(e)));
  }

  async size(): Promise<number> {
    const row = await this.db.first<{ n: number }>('SELECT COALESCE(MAX(idx), -1) + 1 AS n FROM audit_entries');
    return row?.n ?? 0;
  }

  async range(start: number, end: number): Promise<{ idx: number; entry: string }[]> {
    return this.db.all('SELECT idx, entry FROM audit_entries WHERE idx >= ? AND idx < ? ORDER BY idx', [start, end]);
  }
}
