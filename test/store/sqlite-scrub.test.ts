// The SQLite driver's scrub (issue 13, items 1 and 5). SQLite's secure_delete zeroes deleted cells
// and freed pages, but a page it rebuilds while rebalancing can keep older bytes in the space
// between its cell pointers and its cells (the disk-order drill found copies of cells there in
// about half of its runs before the scrub zeroed that space). Here: stale bytes planted in that
// space of every b-tree page of a real file are zeroed, nothing SQLite reads changes (every row
// intact, integrity check passes), a page that does not check out is left alone; and the
// driver's scrub() leaves no window of deleted rows in the database file, its WAL or its SHM.
import Database from 'better-sqlite3';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomBytes } from '../../src/core/bytes.ts';
import { zeroUnusedSpace, zeroUnusedSpaceOf } from '../../src/store/sqlite-pages.ts';
import { openSqlite } from '../../src/store/sqlite.ts';
import { parseDatabase } from '../helpers/sqlite-file.ts';
import { tempDir } from '../helpers/temp.ts';

const MARK = Buffer.from('STALE-COPY-OF-A-DELETED-CELL');

function rowsOf(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    return (db.prepare('SELECT k, hex(v) AS v FROM t ORDER BY k').all() as { k: string; v: string }[]).map((r) => `${r.k}=${r.v}`);
  } finally {
    db.close();
  }
}

describe('zeroing the unused space of SQLite pages', () => {
  it('clears stale bytes between the cell pointers and the cells of every b-tree page, and nothing SQLite reads', () => {
    const path = join(tempDir('relais-pages-'), 'pages.db');
    const db = new Database(path);
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID; CREATE TABLE r (id INTEGER PRIMARY KEY, v BLOB)');
    const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    for (let i = 0; i < 300; i++) insert.run(Buffer.from(randomBytes(8)).toString('hex'), randomBytes(200 + (i % 7) * 150));
    for (let i = 0; i < 100; i++) db.prepare('INSERT INTO r (v) VALUES (?)').run(randomBytes(700));
    db.close();
    const before = rowsOf(path);

    // Plant a marker in the unused space of every b-tree page that has room for it.
    const file = readFileSync(path);
    const parsed = parseDatabase(file);
    let planted = 0;
    for (let n = 1; n <= parsed.pageCount; n++) {
      const at = (n - 1) * parsed.pageSize;
      const h = at + (n === 1 ? 100 : 0);
      const type = file[h];
      if (type !== 2 && type !== 5 && type !== 10 && type !== 13) continue;
      const gapStart = h + (type === 2 || type === 5 ? 12 : 8) + 2 * file.readUInt16BE(h + 3);
      const gapEnd = at + (file.readUInt16BE(h + 5) || 65536);
      if (gapEnd - gapStart < MARK.length) continue;
      MARK.copy(file, gapStart);
      planted++;
    }
    expect(planted).toBeGreaterThan(3);
    writeFileSync(path, file);
    expect(rowsOf(path)).toEqual(before);

    // At least the planted pages change; often more, since SQLite leaves bytes there by itself.
    const all = Array.from({ length: parsed.pageCount }, (_, i) => i + 1);
    expect(zeroUnusedSpaceOf(path, all)).toBeGreaterThanOrEqual(planted);
    expect(readFileSync(path).indexOf(MARK)).toBe(-1);
    expect(rowsOf(path)).toEqual(before);
    // Nothing else to do the second time.
    expect(zeroUnusedSpaceOf(path, [1, 2, 3, parsed.pageCount + 5])).toBe(0);
  });

  it('leaves alone a page whose header does not check out', () => {
    const page = Buffer.alloc(4096);
    page[0] = 13;
    page.writeUInt16BE(2, 3); // two cells…
    page.writeUInt16BE(4000, 5); // …content from 4000…
    page.writeUInt16BE(100, 8); // …but the first cell pointer points before it
    page.writeUInt16BE(4000, 10);
    MARK.copy(page, 200);
    const copy = Buffer.from(page);
    expect(zeroUnusedSpace(page, 0, 4096)).toBe(false);
    expect(page.equals(copy)).toBe(true);
    // Not a b-tree page at all (an overflow page starts with a page number).
    const overflow = Buffer.alloc(4096);
    MARK.copy(overflow, 4);
    expect(zeroUnusedSpace(overflow, 0, 4096)).toBe(false);
  });
});

describe('the driver’s scrub', () => {
  it('leaves no window of deleted rows in the database file, its WAL or its SHM, and keeps every other row', async () => {
    const path = join(tempDir('relais-scrub-'), 'scrub.db');
    const db = openSqlite(path);
    try {
      await db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID');
      const rows = Array.from({ length: 400 }, () => ({ k: Buffer.from(randomBytes(12)).toString('hex'), v: randomBytes(300) }));
      for (const r of rows) await db.run('INSERT INTO t (k, v) VALUES (?, ?)', [r.k, r.v]);
      const deleted = rows.filter((_, i) => i % 2 === 0);
      for (const r of deleted) await db.run('DELETE FROM t WHERE k = ?', [r.k]);
      const windows = deleted.map((r) => Buffer.from(r.v.slice(100, 132)));
      const found = () =>
        [path, `${path}-wal`, `${path}-shm`]
          .filter((f) => existsSync(f))
          .reduce((n, f) => n + windows.filter((w) => readFileSync(f).indexOf(w) !== -1).length, 0);
      expect(found(), 'the WAL still holds them before the scrub').toBeGreaterThan(0);
      expect(await db.scrub?.()).toBe(true);
      expect(found()).toBe(0);
      expect(existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`).length : 0).toBe(0);
      for (const r of rows.filter((_, i) => i % 2 === 1))
        expect((await db.first<{ v: Uint8Array }>('SELECT v FROM t WHERE k = ?', [r.k]))?.v).toEqual(r.v);
      expect(await db.first('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
    } finally {
      await db.close();
    }
  });
});
