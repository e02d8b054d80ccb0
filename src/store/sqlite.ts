// SqlDriver on better-sqlite3 for the Node entry: one SQLite file in WAL mode, with
// secure_delete (deleted rows and freed pages are overwritten with zeros, DESIGN "Retention"),
// foreign keys and synchronous=FULL so that a report acknowledged with 201 survives a crash or
// power loss (DESIGN promise 10); only maintenance batches that are redone if lost skip their
// fsync (batch's `redoable`), so that they do not hold the synchronous event loop. Prepared
// statements are kept in a small cache keyed by their SQL, so a request does not compile its
// statements again. A full disk is StorageFullError.
//
// Group commit: the durable batches asked for within one turn of the event loop (concurrent
// reports, say) are committed together, each in a savepoint of one transaction, so that they share
// one fsync and one copy of the pages they all touch (an index's, a table's last leaf). Each
// batch is still all or nothing, and one that fails (a constraint) is rolled back to its
// savepoint without touching the others. No batch's promise settles before the commit that holds
// it is durable, so a 201 still means on disk (promise 10); statements queued for the next commit
// are not run, hence not seen by reads, before it. Any other write (run, exec, a redoable batch,
// scrub, close) first commits what is queued, so writes keep the order they were asked in.
//
// scrub() makes what was deleted, and the order pages were written in, gone from the files of a
// running server (issue 13): a TRUNCATE checkpoint copies the pages into the database file and
// empties the WAL, which holds their older images; closing the connection deletes the WAL and
// the wal-index (SHM, whose slots keep the order pages were written in); the unused space of
// every page written since the last scrub is then zeroed (sqlite-pages.ts: secure_delete leaves
// old cell copies there when SQLite rebuilds a page), and the database is opened again. To know
// those pages, the driver checkpoints itself (SQLite's automatic checkpoints are off): after a
// write that takes the WAL past 256 pages it notes the WAL's page numbers, then checkpoints, so
// no WAL frame is overwritten unseen and no checkpoint holds the synchronous event loop long.
// Runtime-specific: only node.ts, the CLI and tests import this file.

import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ConstraintError, StorageFullError, type RunResult, type SqlDriver, type SqlValue, type Statement } from './driver.ts';
import { walPages, zeroUnusedSpaceOf } from './sqlite-pages.ts';

/** The driver checkpoints once the WAL holds this many pages (about 1 MiB). */
const CHECKPOINT_PAGES = 256;

function open(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma(`journal_size_limit = ${1 << 20}`);
  db.pragma('wal_autocheckpoint = 0');
  return db;
}

export function openSqlite(path: string): SqlDriver {
  return new SqliteDriver(path, open(path));
}

/** Statements kept compiled; SQL with a variable number of placeholders makes a few more. */
const STATEMENT_CACHE_SIZE = 256;

class SqliteDriver implements SqlDriver {
  readonly name = 'sqlite';
  /** pages written since the last scrub, whose unused space it zeroes */
  readonly #written = new Set<number>();
  readonly #wal: string;
  readonly #pageSize: number;
  private readonly statements = new Map<string, Database.Statement>();
  /** durable batches waiting for the next group commit */
  #queued: QueuedBatch[] = [];

  constructor(
    private readonly path: string,
    private db: Database.Database,
  ) {
    this.#wal = `${path}-wal`;
    this.#pageSize = db.pragma('page_size', { simple: true }) as number;
  }

  /** Notes the pages in the WAL. */
  private noteWal(): void {
    for (const n of walPages(this.#wal)) this.#written.add(n);
  }

  /** After a write: past CHECKPOINT_PAGES pages, note the WAL's pages, then checkpoint. */
  private afterWrite(): void {
    const size = existsSync(this.#wal) ? statSync(this.#wal).size : 0;
    if (size < 32 + CHECKPOINT_PAGES * (24 + this.#pageSize)) return;
    this.noteWal();
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // A full disk: the write itself is committed (in the WAL); the next write, or scrub, tries again.
    }
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement) {
      // Most recently used last, so the first entry is the one to drop.
      this.statements.delete(sql);
    } else {
      statement = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value as string);
    }
    this.statements.set(sql, statement);
    return statement;
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
    this.commitQueued();
    const result = wrap(() => ({ changes: this.prepare(sql).run(...params).changes }));
    this.afterWrite();
    return result;
  }

  private runAll(statements: Statement[]): RunResult[] {
    return statements.map((s) => ({ changes: this.prepare(s.sql).run(...s.params).changes }));
  }

  async batch(statements: Statement[], options: { redoable?: boolean } = {}): Promise<RunResult[]> {
    if (!options.redoable) {
      return new Promise((resolve, reject) => {
        this.#queued.push({ statements, resolve, reject });
        // After the I/O callbacks of this turn, so that the batches they ask for share the commit.
        if (this.#queued.length === 1) setImmediate(() => this.commitQueued());
      });
    }
    this.commitQueued();
    const run = () => wrap(() => this.db.transaction(() => this.runAll(statements))());
    // In WAL mode, synchronous=NORMAL commits without an fsync: a power cut may lose this batch
    // (it is redone) but never reorders it after a later durable commit. Set and reset within
    // this synchronous call, so no other batch runs in between.
    this.db.pragma('synchronous = NORMAL');
    try {
      return run();
    } finally {
      this.db.pragma('synchronous = FULL');
      this.afterWrite();
    }
  }

  /** Commits the queued batches in one transaction, each in its savepoint; settles each. */
  private commitQueued(): void {
    const group = this.#queued;
    if (group.length === 0) return;
    this.#queued = [];
    const outcomes: ({ ok: true; results: RunResult[] } | { ok: false; error: unknown })[] = [];
    const one = this.db.transaction((statements: Statement[]) => this.runAll(statements));
    try {
      this.db.transaction(() => {
        for (const { statements } of group) {
          try {
            outcomes.push({ ok: true, results: one(statements) });
          } catch (error) {
            // SQLite rolled the whole transaction back (a full disk can): every batch fails.
            if (!this.db.inTransaction) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      })();
    } catch (error) {
      // Nothing of the group was committed.
      for (const { reject } of group) reject(driverError(error));
      this.bookkeep();
      return;
    }
    group.forEach(({ resolve, reject }, i) => {
      const outcome = outcomes[i] as (typeof outcomes)[number];
      if (outcome.ok) resolve(outcome.results);
      else reject(driverError(outcome.error));
    });
    this.bookkeep();
  }

  /**
   * afterWrite for a group commit, which runs outside any request: every batch is settled
   * already, so a failure here (reading the WAL) must not go unhandled; the next write tries again,
   * and nothing is checkpointed before the WAL's pages are noted.
   */
  private bookkeep(): void {
    try {
      this.afterWrite();
    } catch {
      // see above
    }
  }

  async exec(script: string): Promise<void> {
    this.commitQueued();
    wrap(() => this.db.transaction(() => this.db.exec(script))());
    this.afterWrite();
  }

  async scrub(): Promise<boolean> {
    this.commitQueued();
    this.noteWal();
    const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    // Synchronous from here to the reopen: no other statement can run in between.
    this.statements.clear();
    this.db.close();
    // With the WAL gone, no other connection has the file open: its pages can be edited in place.
    const alone = result?.busy === 0 && !existsSync(this.#wal);
    if (alone) {
      zeroUnusedSpaceOf(this.path, this.#written);
      this.#written.clear();
    }
    this.db = open(this.path);
    return alone;
  }

  async close(): Promise<void> {
    this.commitQueued();
    this.statements.clear();
    this.db.close();
  }
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw driverError(e);
  }
}

/** better-sqlite3's error as the driver interface names it. */
function driverError(e: unknown): unknown {
  const code = e instanceof Error ? (e as { code?: string }).code : undefined;
  if (code?.startsWith('SQLITE_CONSTRAINT')) return new ConstraintError((e as Error).message);
  if (code === 'SQLITE_FULL') return new StorageFullError('SQLITE_FULL');
  return e;
}

interface QueuedBatch {
  statements: Statement[];
  resolve: (results: RunResult[]) => void;
  reject: (error: unknown) => void;
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
