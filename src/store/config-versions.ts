// The config versions the server has loaded, newest last, so that loading a different config
// logs a config.changed entry with the membership diff (DESIGN "Config", promise 8).

import { sql, type SqlDriver, type Statement } from './driver.ts';

export class ConfigVersions {
  constructor(private readonly db: SqlDriver) {}

  async latest(): Promise<{ hash: string; membership: string } | null> {
    return this.db.first('SELECT hash, membership FROM config_versions ORDER BY loaded DESC, hash LIMIT 1');
  }

  recordStatement(hash: string, membership: string, now: number): Statement {
    return sql(
      'INSERT INTO config_versions (hash, membership, loaded) VALUES (?, ?, ?) ON CONFLICT (hash) DO UPDATE SET loaded = excluded.loaded, membership = excluded.membership',
      hash,
      membership,
      now,
    );
  }
}
