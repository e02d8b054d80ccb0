// The one small async interface every storage backend implements (in the manner of OpenAuth's
// storage adapters): run SQL with positional parameters, and run several statements atomically.
// Adapters: sqlite.ts (better-sqlite3, Node) and d1.ts (Cloudflare D1). Everything above this
// layer (store.ts and its parts) is written once against it, and test/store/contract.test.ts runs
// against every adapter. D1 has no interactive transactions, so multi-statement writes are
// always expressed as one batch, never as read-then-write inside a transaction.

export type SqlValue = null | number | string | Uint8Array;

export interface Statement {
  sql: string;
  params: SqlValue[];
}

export interface RunResult {
  /** rows inserted, updated or deleted */
  changes: number;
}

export interface SqlDriver {
  /** adapter name, for messages */
  readonly name: string;
  all<T = Record<string, SqlValue>>(sql: string, params?: SqlValue[]): Promise<T[]>;
  first<T = Record<string, SqlValue>>(sql: string, params?: SqlValue[]): Promise<T | null>;
  run(sql: string, params?: SqlValue[]): Promise<RunResult>;
  /**
   * Runs the statements in order, all or nothing. `redoable`: the batch is maintenance that runs
   * again if it is lost (the bucket-close move, retention), so a power cut may undo it as long as
   * it never undoes anything later (SQLite: committed without its own fsync, made durable by the
   * next durable commit or checkpoint, in WAL order).
   */
  batch(statements: Statement[], options?: { redoable?: boolean }): Promise<RunResult[]>;
  /** Runs a script of several statements (migrations) atomically. */
  exec(script: string): Promise<void>;
  /**
   * Optional: removes from the files what deleted rows and superseded pages left there (SQLite:
   * a truncating WAL checkpoint and a fresh wal-index); true if nothing was left. D1 has none.
   */
  scrub?(): Promise<boolean>;
  close(): Promise<void>;
}

export function sql(text: string, ...params: SqlValue[]): Statement {
  return { sql: text, params };
}

/** A constraint violation (unique, primary key, check, foreign key) reported by any adapter. */
export class ConstraintError extends Error {}

/** The database cannot grow (SQLite's SQLITE_FULL: the disk, or the file's page limit, is full). */
export class StorageFullError extends Error {
  override name = 'StorageFullError';
}
