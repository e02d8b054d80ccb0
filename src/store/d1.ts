// The SqlDriver on Cloudflare D1 (DESIGN "Shape of the code": store adapters), for the Workers
// entry. D1 has no interactive transactions: batch() is D1's batch, which runs its statements as
// one transaction, and a migration script is split into statements and run as one batch, so it is
// applied whole or not at all (promise 10: never a half-written report or schema). Constraint
// violations become ConstraintError; BLOBs, which D1 returns as arrays of numbers, become plain
// Uint8Arrays, as the interface promises.

import { ConstraintError, StorageFullError, type RunResult, type SqlDriver, type SqlValue, type Statement } from './driver.ts';
import { splitSqlScript } from './sql-script.ts';

/** The part of D1's binding this adapter uses (structural, so no Workers types are needed). */
export interface D1Like {
  prepare(sql: string): D1StatementLike;
  batch(statements: D1StatementLike[]): Promise<D1ResultLike[]>;
}
export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  all(): Promise<D1ResultLike>;
  first(): Promise<Record<string, unknown> | null>;
  run(): Promise<D1ResultLike>;
}
export interface D1ResultLike {
  results?: Record<string, unknown>[];
  meta?: { changes?: number };
}

export class D1Driver implements SqlDriver {
  readonly name = 'd1';
  constructor(private readonly db: D1Like) {}

  private prepare(sql: string, params: SqlValue[]): D1StatementLike {
    const statement = this.db.prepare(sql);
    return params.length > 0 ? statement.bind(...params) : statement;
  }

  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    const result = await wrap(() => this.prepare(sql, params).all());
    return (result.results ?? []).map(normalizeRow) as T[];
  }

  async first<T>(sql: string, params: SqlValue[] = []): Promise<T | null> {
    const row = await wrap(() => this.prepare(sql, params).first());
    return row === null ? null : (normalizeRow(row) as T);
  }

  async run(sql: string, params: SqlValue[] = []): Promise<RunResult> {
    const result = await wrap(() => this.prepare(sql, params).run());
    return { changes: result.meta?.changes ?? 0 };
  }

  async batch(statements: Statement[]): Promise<RunResult[]> {
    if (statements.length === 0) return [];
    const results = await wrap(() => this.db.batch(statements.map((s) => this.prepare(s.sql, s.params))));
    return results.map((r) => ({ changes: r.meta?.changes ?? 0 }));
  }

  async exec(script: string): Promise<void> {
    const statements = splitSqlScript(script);
    if (statements.length > 0) await wrap(() => this.db.batch(statements.map((s) => this.db.prepare(s))));
  }

  async close(): Promise<void> {
    // A D1 binding has nothing to close.
  }
}

async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    // D1 reports SQLite's result code in the message, e.g. "D1_ERROR: UNIQUE constraint failed:
    // spent_challenges.nonce: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_PRIMARYKEY)".
    if (e instanceof Error && /\bSQLITE_CONSTRAINT/.test(e.message)) throw new ConstraintError(e.message);
    if (e instanceof Error && /\bSQLITE_FULL\b/.test(e.message)) throw new StorageFullError('SQLITE_FULL');
    throw e;
  }
}

/** D1 hands BLOBs back as arrays of byte values (or, in some versions, ArrayBuffers). */
function normalizeRow(row: Record<string, unknown>): Record<string, SqlValue> {
  const out: Record<string, SqlValue> = {};
  for (const [k, v] of Object.entries(row)) {
    if (Array.isArray(v)) out[k] = Uint8Array.from(v as number[]);
    else if (v instanceof ArrayBuffer) out[k] = new Uint8Array(v);
    else if (ArrayBuffer.isView(v)) out[k] = new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
    else out[k] = v as SqlValue;
  }
  return out;
}
