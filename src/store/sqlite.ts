// SqlDriver on better-sqlite3 for the Node entry: one SQLite file in WAL mode, with
// secure_delete (deleted reports are overwritten, DESIGN "Retention"), foreign keys and
// synchronous=FULL so that a report acknowledged with 201 survives a crash or power loss
// (DESIGN promise 10). Runtime-specific: only node.ts, the CLI and tests import this file.

import Database from 'better-sqlite3';
import { ConstraintError, type RunResult, type SqlDriver, type SqlValue, type Statement } from './driver.ts';

export function openSqlite(path: string): SqlDriver {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return new SqliteDriver(db);
}

class SqliteDriver implements SqlDriver {
  readonly name = 'sqlite';
  constructor(private readonly db: Database.Database) {}

  private prepare(sql: string): Database.Statement {
    return this.db.prepare(sql);
  }

  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return wrap(() => normalizeRows(this.prepare(sql).all(...params)) as T[]);
  }

  async first<T>(sql: string, params: SqlValue[] = []): Promise<T | null> {
    return wrap(() => {
      const row = this.prepare(sql).get(...params);
      return row === undefined ? null : (normalizeRow(row) as T);
    });
  }

  async run(sql: string, params: SqlValue[] = []): Promise<RunResult> {
    return wrap(() => ({ changes: this.prepare(sql).run(...params).changes }));
  }

  async batch(statements: Statement[]): Promise<RunResult[]> {
    return wrap(() => this.db.transaction(() => statements.map((s) => ({ changes: this.prepare(s.sql).run(...s.params).changes })))());
  }

  async exec(script: string): Promise<void> {
    wrap(() => this.db.transaction(() => this.db.exec(script))());
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Error && (e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw new ConstraintError(e.message);
    throw e;
  }
}

/** better-sqlite3 returns Buffers for BLOBs; the interface promises plain Uint8Arrays. */
function normalizeRow(row: unknown): Record<string, SqlValue> {
  const out = row as Record<string, SqlValue>;
  for (const [k, v] of Object.entries(out)) {
    if (v instanceof Uint8Array && !(v.constructor === Uint8Array)) out[k] = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
  return out;
}

function normalizeRows(rows: unknown[]): Record<string, SqlValue>[] {
  return rows.map(normalizeRow);
}
