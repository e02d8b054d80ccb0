// The cosigner's own SQLite file (`relais cosigner serve`, C2SP tlog-witness): the latest
// checkpoint it cosigned per log origin, nothing else. Written once on the SqlDriver. The schema
// is this table alone, created on open; it is not part of Relais' migrations (a cosigner runs
// apart, for another body, on another machine).
//
// advance() is the witness's compare-and-swap (tlog-witness: "checking the old size against the
// latest checkpoint and persisting the new checkpoint must be performed atomically"): the row
// changes only if its size is still the one the request was checked against.

import type { SqlDriver } from './driver.ts';

export interface CosignedHead {
  origin: string;
  size: number;
  root: Uint8Array;
  /** the checkpoint note as received (the log's signature), kept as evidence */
  note: string;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS cosigned_heads (
  origin TEXT PRIMARY KEY NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  root BLOB NOT NULL CHECK (length(root) = 32),
  note TEXT NOT NULL,
  updated INTEGER NOT NULL
)`;

export class CosignerTable {
  constructor(private readonly db: SqlDriver) {}

  async init(): Promise<void> {
    await this.db.exec(SCHEMA);
  }

  async latest(origin: string): Promise<CosignedHead | null> {
    return this.db.first<CosignedHead>('SELECT origin, size, root, note FROM cosigned_heads WHERE origin = ?', [origin]);
  }

  /** Records `head` if the latest size is still `oldSize` (none for 0); false if it moved meanwhile. */
  async advance(head: CosignedHead, oldSize: number, now: number): Promise<boolean> {
    const result =
      oldSize === 0
        ? await this.db.run(
            `INSERT INTO cosigned_heads (origin, size, root, note, updated) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, note = excluded.note, updated = excluded.updated
             WHERE cosigned_heads.size = 0`,
            [head.origin, head.size, head.root, head.note, now],
          )
        : await this.db.run('UPDATE cosigned_heads SET size = ?, root = ?, note = ?, updated = ? WHERE origin = ? AND size = ?', [
            head.size,
            head.root,
            head.note,
            now,
            head.origin,
            oldSize,
          ]);
    return result.changes === 1;
  }
}
