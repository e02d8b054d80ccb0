// The SQLite driver's group commit (src/store/sqlite.ts; issue 16 item 4): durable batches asked
// for in one turn of the event loop share one commit, and so one fsync, yet each stays all or
// nothing; none settles before the commit that holds it is on disk, and any other write first
// commits what is queued. Checked on a real file: the WAL's commit frames are counted, and a second
// connection reads what a settled batch wrote.
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConstraintError, type SqlDriver, StorageFullError, sql } from '../../src/store/driver.ts';
import { openSqlite } from '../../src/store/sqlite.ts';
import { tempDir } from '../helpers/temp.ts';

let path: string;
let db: SqlDriver;

/** Commit frames in the WAL (a frame whose header gives the database size after the commit). */
function commitsInWal(): number {
  const wal = readFileSync(`${path}-wal`);
  const pageSize = wal.readUInt32BE(8);
  let commits = 0;
  for (let o = 32; o + 24 + pageSize <= wal.length; o += 24 + pageSize) if (wal.readUInt32BE(o + 4) !== 0) commits++;
  return commits;
}

/** The keys of table t as another connection reads them from the file. */
function keysSeenElsewhere(): string[] {
  const other = new Database(path, { readonly: true });
  try {
    return (other.prepare('SELECT k FROM t ORDER BY k').all() as { k: string }[]).map((r) => r.k);
  } finally {
    other.close();
  }
}

const insert = (k: string, v: Uint8Array | null = null) => sql('INSERT INTO t (k, v) VALUES (?, ?)', k, v);

beforeEach(async () => {
  path = join(tempDir('relais-group-'), 'group.db');
  db = openSqlite(path);
  await db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB)');
  await db.run("INSERT INTO t (k) VALUES ('taken')");
});

afterEach(async () => {
  await db.close();
});

describe('group commit', () => {
  it('commits twenty batches asked for in one turn in one commit', async () => {
    const before = commitsInWal();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => db.batch([insert(`r${i}`), insert(`s${i}`)])));
    expect(results.every((r) => r.length === 2 && r.every((x) => x.changes === 1))).toBe(true);
    expect(commitsInWal() - before).toBe(1);
    expect(keysSeenElsewhere()).toHaveLength(41);
  });

  it('rolls back only the batch that fails, to its savepoint, and settles the others', async () => {
    const [a, b, c] = await Promise.allSettled([
      db.batch([insert('a1'), insert('a2')]),
      db.batch([insert('b1'), insert('taken')]),
      db.batch([insert('c1')]),
    ]);
    expect(a.status).toBe('fulfilled');
    expect(b.status === 'rejected' && b.reason instanceof ConstraintError).toBe(true);
    expect(c.status).toBe('fulfilled');
    expect(keysSeenElsewhere()).toEqual(['a1', 'a2', 'c1', 'taken']);
  });

  it('settles a batch only once another connection can read it, and runs nothing of it before', async () => {
    const pending = db.batch([insert('later')]);
    // Asked for, not yet committed: neither this connection nor another sees it.
    expect(await db.first("SELECT k FROM t WHERE k = 'later'")).toBeNull();
    expect(keysSeenElsewhere()).toEqual(['taken']);
    await pending;
    expect(keysSeenElsewhere()).toEqual(['later', 'taken']);
  });

  it('commits what is queued before any other write, so writes keep the order they were asked in', async () => {
    const queued = db.batch([insert('first')]);
    // run() would find no row to update if the queued insert had not been committed before it.
    expect((await db.run("UPDATE t SET v = x'01' WHERE k = 'first'")).changes).toBe(1);
    await queued;
    const redoable = db.batch([insert('second')]);
    await db.batch([sql("UPDATE t SET v = x'02' WHERE k = 'second'")], { redoable: true });
    await redoable;
    expect(await db.all('SELECT k, hex(v) AS v FROM t ORDER BY k')).toEqual([
      { k: 'first', v: '01' },
      { k: 'second', v: '02' },
      { k: 'taken', v: '' },
    ]);
  });

  it('fails every batch of a group that the disk cannot hold, and writes nothing of it', async () => {
    const pages = (await db.first<{ page_count: number }>('PRAGMA page_count'))?.page_count as number;
    await db.all(`PRAGMA max_page_count = ${pages + 2}`);
    const big = new Uint8Array(64 * 1024);
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => db.batch([insert(`big${i}`, big)])));
    expect(outcomes.map((o) => o.status === 'rejected' && o.reason instanceof StorageFullError)).toEqual([true, true, true, true]);
    await db.all('PRAGMA max_page_count = 4294967294');
    expect(keysSeenElsewhere()).toEqual(['taken']);
    // And the driver goes on committing.
    await db.batch([insert('after')]);
    expect(keysSeenElsewhere()).toEqual(['after', 'taken']);
  });

  it('commits what is queued when it closes', async () => {
    const queued = db.batch([insert('at-close')]);
    await db.close();
    await queued;
    expect(keysSeenElsewhere()).toEqual(['at-close', 'taken']);
    db = openSqlite(path);
  });
});
