// The adapters the store contract runs against. Each entry opens a fresh, migrated database:
// a SQLite file through better-sqlite3, and D1 in the real Workers runtime (workerd, through
// wrangler's getPlatformProxy), migrated by the D1 adapter from the same migrations/ files.
//
// D1 runs in one workerd for the whole file, emptied between tests (every table, view and
// trigger dropped, then migrated again): a fresh workerd and proxy per test made dozens of
// proxies per run, and miniflare's synchronous proxy (the worker thread behind prepare() and
// bind()) once failed its own message-id assertion on a freshly started one under load.

import { join } from 'node:path';
import type { BlobStore } from '../../src/store/blobs.ts';
import { SqlBlobStore } from '../../src/store/blobs.ts';
import { type SqlDriver, sql } from '../../src/store/driver.ts';
import { applyMigrations } from '../../src/store/migrate.ts';
import { D1Driver } from '../../src/store/d1.ts';
import { openSqlite } from '../../src/store/sqlite.ts';
import { readMigrations } from '../../src/node.ts';
import { openPlatform, type Platform } from '../worker/platform.ts';
import { tempDir } from '../helpers/temp.ts';

export interface AdapterUnderTest {
  name: string;
  open(): Promise<{ db: SqlDriver; blobs: BlobStore; close(): Promise<void> }>;
  /** Stops what the adapter kept running between tests (the file's afterAll). */
  dispose(): Promise<void>;
}

let platform: Promise<Platform> | null = null;

/** Drops every table, view and trigger of a D1 database (not D1's own `_cf_` tables). */
async function emptyD1(db: D1Driver): Promise<void> {
  const listed = () =>
    db.all<{ type: string; name: string }>(
      "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    );
  const objects = await listed();
  const order = ['trigger', 'view', 'table'];
  const drops = objects
    .sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type))
    .map((o) => sql(`DROP ${o.type.toUpperCase()} IF EXISTS "${o.name.replace(/"/g, '""')}"`));
  if (drops.length > 0) await db.batch([sql('PRAGMA defer_foreign_keys = on'), ...drops]);
  const left = await listed();
  if (left.length > 0) throw new Error(`D1 still holds ${left.map((o) => o.name).join(', ')}`);
}

export const ADAPTERS: AdapterUnderTest[] = [
  {
    name: 'sqlite (better-sqlite3, file)',
    async open() {
      const db = openSqlite(join(tempDir('relais-store-'), 'test.db'));
      await applyMigrations(db, readMigrations());
      return { db, blobs: new SqlBlobStore(db), close: () => db.close() };
    },
    dispose: async () => {},
  },
  {
    // Blobs stay in the SQL table here, so that the contract's row counts cover D1 itself; the
    // R2 blob store has its own tests in test/worker/r2-blobs.test.ts.
    name: 'd1 (workerd, local)',
    async open() {
      platform ??= openPlatform();
      const db = new D1Driver((await platform).db);
      await emptyD1(db);
      await applyMigrations(db, readMigrations());
      return { db, blobs: new SqlBlobStore(db), close: async () => {} };
    },
    async dispose() {
      const running = platform;
      platform = null;
      if (running) await (await running).dispose();
    },
  },
];
