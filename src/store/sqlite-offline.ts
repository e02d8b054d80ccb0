// What the CLI does on the SQLite file beside a running server (issue 14 §2), through read-only
// connections: the online backup, with SQLite's backup API through better-sqlite3
// (`db.backup()`), so the copy is one consistent state of the database while the server keeps
// writing — created 0600 before any page goes into it, then checked (`PRAGMA integrity_check`);
// and the latest staff time in the audit log, for `relais doctor`'s clock check. Runtime-specific:
// the Node CLI only.

import Database from 'better-sqlite3';
import { closeSync, openSync, renameSync, rmSync, statSync } from 'node:fs';

export interface BackupResult {
  path: string;
  bytes: number;
  /** audit entries in the copy: its log's size, which auditors will see as the rollback point */
  auditEntries: number;
}

export async function backupSqlite(source: string, dest: string): Promise<BackupResult> {
  const partial = `${dest}.partial`;
  closeSync(openSync(partial, 'wx', 0o600));
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(partial);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  } finally {
    db.close();
  }
  const copy = new Database(partial, { readonly: true, fileMustExist: true });
  let auditEntries = 0;
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`the copy failed its integrity check (${String(check)})`);
    auditEntries = (copy.prepare('SELECT COUNT(*) AS n FROM audit_entries').get() as { n: number }).n;
  } catch (e) {
    copy.close();
    rmSync(partial, { force: true });
    throw e;
  }
  copy.close();
  // A read-only connection may leave -wal/-shm beside the copy; they are empty.
  for (const suffix of ['-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  renameSync(partial, dest);
  return { path: dest, bytes: statSync(dest).size, auditEntries };
}

/** The latest staff or system time (ms) in the audit log, or null; read-only. */
export function latestAuditTime(path: string): number | null {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT entry FROM audit_entries ORDER BY idx DESC LIMIT 50').all() as { entry: string }[];
    let latest: number | null = null;
    for (const { entry } of rows) {
      const time = /"time":"([^"]+)"/.exec(entry)?.[1];
      const ms = time ? Date.parse(time) : Number.NaN;
      if (!Number.isNaN(ms) && (latest === null || ms > latest)) latest = ms;
    }
    return latest;
  } finally {
    db.close();
  }
}
