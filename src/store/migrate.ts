// Applies the SQL files of migrations/ in order, once each. The bookkeeping table has the same
// name and shape as wrangler's (`d1_migrations`), so a SQLite file and a D1 database migrated
// from the same folder agree on what has been applied.

import type { SqlDriver } from './driver.ts';

export interface Migration {
  /** file name, e.g. 0001_init.sql */
  name: string;
  sql: string;
}

export async function applyMigrations(db: SqlDriver, migrations: Migration[]): Promise<string[]> {
  await db.exec(
    `CREATE TABLE IF NOT EXISTS d1_migrations (
       id INTEGER PRIMARY KEY AUTOINCREMENT,
       name TEXT UNIQUE,
       applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
     )`,
  );
  const done = new Set((await db.all<{ name: string }>('SELECT name FROM d1_migrations')).map((r) => r.name));
  const applied: string[] = [];
  for (const m of [...migrations].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!/^[0-9]{4}_[a-z0-9_]+\.sql$/.test(m.name)) throw new Error(`migration file name ${m.name} is not NNNN_name.sql`);
    if (done.has(m.name)) continue;
    const name = m.name.replace(/'/g, "''");
    await db.exec(`${m.sql}\n;INSERT INTO d1_migrations (name) VALUES ('${name}');`);
    applied.push(m.name);
  }
  return applied;
}
