// Where attachment bytes live, apart from report rows (DESIGN "Shape of the code"): in the same
// SQL database on Node and in tests, in R2 object storage on the edge. Keys are random, so a
// blob's key says nothing about its report or its time of arrival; bytes come here only when their
// row leaves the staging area (staging.ts), so put() may be repeated under the same key.

import type { SqlDriver } from './driver.ts';

export interface BlobStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
  delete(keys: string[]): Promise<void>;
}

export class SqlBlobStore implements BlobStore {
  constructor(private readonly db: SqlDriver) {}

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.db.run('INSERT OR REPLACE INTO blobs (key, data) VALUES (?, ?)', [key, bytes]);
  }

  async get(key: string): Promise<Uint8Array | null> {
    const row = await this.db.first<{ data: Uint8Array }>('SELECT data FROM blobs WHERE key = ?', [key]);
    return row ? row.data : null;
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.batch(keys.map((key) => ({ sql: 'DELETE FROM blobs WHERE key = ?', params: [key] })));
  }
}
