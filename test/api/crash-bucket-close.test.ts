// kill -9 during the bucket-close step (issue 13, item 1; DESIGN promise 10): a real server process
// takes reports with attachments during one bucket; when the bucket closes and maintenance moves
// them out of staging in random order, the process is killed with SIGKILL in the middle of the
// move, restarted (its start-up maintenance goes on with the move) and killed again mid-move.
// Afterwards every acknowledged report is there exactly once, whole, with its attachment bytes,
// its receipt is in the audit log exactly once, nothing is left in staging, and `relais audit
// verify` accepts the log.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { submitReport } from '../../src/client/submit.ts';
import { randomBytes } from '../../src/core/bytes.ts';
import { relais } from '../helpers/cli.ts';
import { makeFixture } from '../helpers/fixture.ts';
import { serverProcessArgs, spawnServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { keyFiles } from '../log/helpers.ts';
import { tempDir } from '../helpers/temp.ts';

const REPORTS = 24;
const HOUR = 3600_000;
let running: ServerProcess | null = null;

afterAll(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
});

function staged(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM staged_reports').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Kills the process with SIGKILL once the move has started and before it ends; false if it ended first. */
async function killMidMove(p: ServerProcess, dbPath: string, before: number, done: Promise<unknown>): Promise<boolean> {
  let finished = false;
  void done.then(
    () => (finished = true),
    () => {},
  );
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    for (;;) {
      if (finished) return false;
      const n = (db.prepare('SELECT COUNT(*) AS n FROM staged_reports').get() as { n: number }).n;
      if (n > 0 && n < before - 2) {
        p.child.kill('SIGKILL');
        await p.exited;
        return true;
      }
      if (n === 0) return false;
      await new Promise((r) => setTimeout(r, 1));
    }
  } finally {
    db.close();
  }
}

describe('kill -9 during the bucket-close step', () => {
  it('loses no acknowledged report, logs each receipt once, and leaves a log that relais audit verify accepts', async () => {
    const fixture = await makeFixture();
    const args = serverProcessArgs(fixture, tempDir('relais-crash-'));
    const { dbPath } = args;
    // Start early in an hour, so that the reports all fall in one bucket.
    const start = Date.now();
    args.offset = Math.ceil(start / HOUR) * HOUR + 60_000 - start;
    running = spawnServerProcess(args);
    const api = new ApiClient({ server: await running.ready });
    const acknowledged: string[] = [];
    for (let i = 0; i < REPORTS; i++) {
      const attachments = [{ contentType: 'application/octet-stream' as const, bytes: randomBytes(40_000) }];
      acknowledged.push((await submitReport(api, { category: 'trafic', text: `rapport ${i}`, attachments }, { followUp: false })).ref);
    }
    expect(staged(dbPath)).toBe(REPORTS);

    // The bucket closes; kill the process in the middle of the move, then again after each restart.
    const close = HOUR + 2 * 60_000;
    args.offset += close;
    running.send({ advance: close });
    const done = running.next('maintained');
    running.send({ maintain: true });
    let kills = (await killMidMove(running, dbPath, REPORTS, done)) ? 1 : 0;
    for (let round = 0; round < 2 && staged(dbPath) > 0; round++) {
      const before = staged(dbPath);
      // The restarted process goes on with the move before it answers; kill it there too.
      running = spawnServerProcess(args);
      if (await killMidMove(running, dbPath, before, running.ready)) kills++;
      else break;
    }
    expect(kills, 'the process was killed in the middle of the move').toBeGreaterThanOrEqual(1);
    if (running.child.exitCode !== null || running.child.signalCode !== null) running = spawnServerProcess(args);
    const url = await running.ready;

    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      expect(staged(dbPath)).toBe(0);
      for (const table of ['staged_routes', 'staged_parts', 'staged_blobs', 'staged_messages', 'staged_witnesses'])
        expect((db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n, table).toBe(0);
      const receipts = (db.prepare('SELECT entry FROM audit_entries').all() as { entry: string }[])
        .map((e) => JSON.parse(e.entry) as { action: string; report?: string })
        .filter((e) => e.action === 'report.received')
        .map((e) => e.report);
      for (const ref of acknowledged) {
        expect((db.prepare('SELECT COUNT(*) AS n FROM reports WHERE ref = ?').get(ref) as { n: number }).n, ref).toBe(1);
        const parts = db.prepare('SELECT idx, size, data, blob_key FROM parts WHERE ref = ? ORDER BY idx').all(ref) as {
          size: number;
          data: Uint8Array | null;
          blob_key: string | null;
        }[];
        expect(parts.length).toBe(2);
        const blob = db.prepare('SELECT length(data) AS n FROM blobs WHERE key = ?').get(parts[1]?.blob_key) as { n: number } | undefined;
        expect(blob?.n, `attachment of ${ref}`).toBe(parts[1]?.size);
        expect(receipts.filter((r) => r === ref).length, `receipt of ${ref}`).toBe(1);
      }
    } finally {
      db.close();
    }

    const auditor = keyFiles(fixture, 'auditor-f');
    const verify = await relais([
      'audit',
      'verify',
      '--server',
      url,
      '--state',
      join(fixture.dir, 'audit-state.json'),
      '--key',
      auditor.key,
      '--passphrase-file',
      auditor.pass,
      '--log-key',
      join(fixture.dir, 'keys', 'log.pub'),
    ]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(new RegExp(`${REPORTS} +system +report\\.received`));
  });
});
