// The adapters the store contract runs against. Each entry opens a fresh, migrated database.
// The D1 adapter joins this list when the Workers entry lands (DESIGN "Shape of the code").

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobStore } from '../../src/store/blobs.ts';
import { SqlBlobStore } from '../../src/store/blobs.ts';
import type { SqlDriver } from '../../src/store/driver.ts';
import { applyMigrations } from '../../src/store/migrate.ts';
import { openSqlite } from '../../src/store/sqlite.ts';
import { readMigrations } from '../../src/node.ts';

export interface AdapterUnderTest {
  name: string;
  open(): Promise<{ db: SqlDriver; blobs: BlobStore; close(): Promise<void> }>;
}

export const ADAPTERS: AdapterUnderTest[] = [
  {
    name: 'sqlite (better-sqlite3, file)',
    async open() {
      const db = openSqlite(join(mkdtempSync(join(tmpdir(), 'relais-store-')), 'test.db'));
      await applyMigrations(db, readMigrations());
      return { db, blobs: new SqlBlobStore(db), close: () => db.close() };
    },
  },
];
