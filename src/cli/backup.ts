// `relais backup` (issue 14 §2): a consistent copy of the running server's SQLite database
// (src/store/sqlite-offline.ts), 0600 in a 0700 folder, and the oldest copies beyond --keep
// removed. What a restore means is printed every time: to auditors, a restored database is a
// rollback of the audit log that their state files will flag, so it must be announced.

import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { backupSqlite } from '../store/sqlite-offline.ts';
import { help, parse, required, say, UsageError } from './args.ts';

const USAGE = `relais backup --db relais.db (--out FILE | --out-dir DIR [--keep N])

Copies the database while the server runs (SQLite online backup) to FILE, or to
DIR/relais-YYYYMMDD-HHMMSS.db keeping the newest N copies (default: all). The copy is 0600.
A restore rolls the audit log back: auditors' state files will flag it. Announce it first.`;

const NAME = /^relais-\d{8}-\d{6}\.db$/;

export const RESTORE_NOTE =
  'To restore: stop the server, replace the database file (and remove its -wal and -shm), start it. ' +
  'A restore is a ROLLBACK of the audit log: every auditor’s next `relais audit verify` fails with "rollback", as it must, ' +
  'and cosigners will not cosign the restored log: going on means a new log (new log.origin and `relais log-key`). ' +
  'Tell the auditors and cosigners before restoring; reports received after the copy are lost.';

export async function backupCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    { db: { type: 'string' }, out: { type: 'string' }, 'out-dir': { type: 'string' }, keep: { type: 'string' } },
    USAGE,
  );
  if (values.help) return help(USAGE);
  const db = required(values.db, 'db', USAGE);
  if ((values.out === undefined) === (values['out-dir'] === undefined)) throw new UsageError(`give --out or --out-dir\n\n${USAGE}`);
  const keep = values.keep === undefined ? null : Number(values.keep);
  if (keep !== null && (!Number.isInteger(keep) || keep < 1)) throw new UsageError('--keep is a number of copies, 1 or more');
  if (keep !== null && values['out-dir'] === undefined) throw new UsageError('--keep goes with --out-dir');
  let dest = values.out as string;
  const dir = values['out-dir'];
  if (dir) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    dest = join(dir, `relais-${stamp}.db`);
  }
  const result = await backupSqlite(db, dest);
  say(`${result.path}: ${result.bytes} bytes, checked, ${result.auditEntries} audit entries`);
  if (dir && keep !== null) {
    const copies = readdirSync(dir)
      .filter((f) => NAME.test(f))
      .sort();
    for (const old of copies.slice(0, Math.max(0, copies.length - keep))) {
      rmSync(join(dir, old), { force: true });
      say(`removed the old copy ${join(dir, old)}`);
    }
  }
  say(RESTORE_NOTE);
  return 0;
}
