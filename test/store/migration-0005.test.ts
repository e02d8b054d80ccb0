// Migration 0005 on a database that already holds reports (issue 13): the reply keys of existing
// reports move to reply_keys (and out of the reports rows), attachment bytes that no row refers to
// any more go to the trash and are swept, and every report reads back as before. On SQLite and on
// D1 in workerd.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMigrations } from '../../src/node.ts';
import { SqlBlobStore } from '../../src/store/blobs.ts';
import { D1Driver } from '../../src/store/d1.ts';
import type { SqlDriver } from '../../src/store/driver.ts';
import { applyMigrations } from '../../src/store/migrate.ts';
import { openSqlite } from '../../src/store/sqlite.ts';
import { Store } from '../../src/store/store.ts';
import { openPlatform } from '../worker/platform.ts';
import { tempDir } from '../helpers/temp.ts';

const BEFORE = readMigrations().filter((m) => m.name < '0005');

async function migrateAndCheck(db: SqlDriver): Promise<void> {
  await applyMigrations(db, BEFORE);
  await db.batch([
    {
      sql: 'INSERT INTO reports (ref, category, received_bucket, config_hash, receipt_logged, lookup_hash, reply_public_key, reply_locked_key) VALUES (?, ?, ?, ?, 1, ?, ?, ?)',
      params: ['R-AAAA-AAAA-AAAA', 'trafic', 3600, 'c'.repeat(64), 'l'.repeat(64), 'PUBLIC KEY TEXT', 'LOCKED KEY TEXT'],
    },
    {
      sql: 'INSERT INTO reports (ref, category, received_bucket, config_hash) VALUES (?, ?, ?, ?)',
      params: ['R-BBBB-BBBB-BBBB', 'armes', 7200, 'c'.repeat(64)],
    },
    { sql: 'INSERT INTO report_routes (ref, inbox_id, audience) VALUES (?, ?, ?)', params: ['R-AAAA-AAAA-AAAA', 'police', 'main'] },
    { sql: 'INSERT INTO blobs (key, data) VALUES (?, ?)', params: ['kept', new Uint8Array([1])] },
    { sql: 'INSERT INTO blobs (key, data) VALUES (?, ?)', params: ['orphan', new Uint8Array([2])] },
    {
      sql: 'INSERT INTO parts (ref, idx, role, size, blob_key) VALUES (?, 0, ?, 1, ?)',
      params: ['R-AAAA-AAAA-AAAA', 'attachment', 'kept'],
    },
  ]);
  expect(await applyMigrations(db, readMigrations())).toEqual(
    readMigrations()
      .filter((m) => m.name >= '0005')
      .map((m) => m.name),
  );
  const store = new Store(db, new SqlBlobStore(db));
  const a = await store.reports.get('R-AAAA-AAAA-AAAA');
  expect(a?.replyPublicKey).toBe('PUBLIC KEY TEXT');
  expect((await store.reports.findByLookup('l'.repeat(64)))?.lockedKey).toBe('LOCKED KEY TEXT');
  expect((await store.reports.get('R-BBBB-BBBB-BBBB'))?.replyPublicKey).toBeNull();
  expect(await db.first('SELECT reply_public_key, reply_locked_key FROM reports WHERE ref = ?', ['R-AAAA-AAAA-AAAA'])).toEqual({
    reply_public_key: null,
    reply_locked_key: null,
  });
  expect(await store.sweepBlobs()).toBe(1);
  expect(await store.blobs.get('orphan')).toBeNull();
  expect(await store.blobs.get('kept')).toEqual(new Uint8Array([1]));
  // Retention takes the moved keys with the report.
  await store.batch(store.reports.deleteStatements('R-AAAA-AAAA-AAAA'));
  expect(await db.first('SELECT COUNT(*) AS n FROM reply_keys')).toEqual({ n: 0 });
}

describe('migration 0005 on a database with reports', () => {
  it('moves the reply keys out of the reports rows and trashes orphaned attachment bytes, on SQLite', async () => {
    const db = openSqlite(join(tempDir('relais-migrate-'), 'old.db'));
    try {
      await migrateAndCheck(db);
    } finally {
      await db.close();
    }
  });

  it('does the same on D1', async () => {
    const platform = await openPlatform();
    try {
      await migrateAndCheck(new D1Driver(platform.db));
    } finally {
      await platform.dispose();
    }
  });
});
