// The adapters the store contract runs against. Each entry opens a fresh, migrated database:
// a SQLite file through better-sqlite3, and D1 in the real Workers runtime (workerd, through
// wrangler's getPlatformProxy), migrated by the D1 adapter from the same migrations/ files.

import { join } from 'node:path';
import type { BlobStore } from '../../src/store/blobs.ts';
import { SqlBlobStore } from '../../src/store/blobs.ts';
import type { SqlDriver } from '../../src/store/driver.ts';
import { applyMigrations } from '../../src/store/migrate.ts';
import { D1Driver } from '../../src/store/d1.ts';
import { openSqlite } from '../../src/store/sqlite.ts';
import { readMigrations } from '../../src/node.ts';
import { openPlatform } from '../worker/platform.ts';
import { tempDir } from '../helpers/temp.ts';

export interface AdapterUnderTest {
  name: string;
  open(): Promise<{ db: SqlDriver; blobs: BlobStore; close(): Promise<void> }>;
}

export const ADAPTERS: AdapterUnderTest[] = [
  {
    name: 'sqlite (better-sqlite3, file)',
    async open() {
      const db = openSqlite(join(tempDir('relais-store-'), 'test.db'));
      await applyMigrations(db, readMigrations());
      return { db, blobs: new SqlBlobStore(db), close: () => db.close() };
    },
  },
  {
    // Blobs stay in the SQL table here, so that the contract's row counts cover D1 itself; the
    // R2 blob store has its own tests in test/worker/r2-blobs.test.ts.
    name: 'd1 (workerd, local)',
    async open() {
      const platform = await openPlatform();
      const db = new D1Driver(platform.db);
      await applyMigrations(db, readMigrations());
      return { db, blobs: new SqlBlobStore(db), close: () => platform.dispose() };
    },
  },
];
