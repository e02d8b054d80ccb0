// kill -9 while reports arrive concurrently (DESIGN promise 10; issue 16 item 4): the SQLite
// driver commits the reports of one turn of the event loop together (group commit), and a 201 must
// still mean written. A real server process takes reports from 16 clients at once and is killed
// with SIGKILL once 40 have been acknowledged, with more in flight; after a restart every
// acknowledged report is there exactly once, whole.
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFixture } from '../helpers/fixture.ts';
import { formOf, powHeaders, type Submission, validSubmission } from '../helpers/intake.ts';
import { type ServerProcess, serverProcessArgs, spawnServerProcess } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/temp.ts';

const CLIENTS = 16;
const PREPARED = 160;
const KILL_AFTER = 40;
let running: ServerProcess | null = null;

afterAll(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
});

describe('kill -9 during concurrent intake', () => {
  it('loses no acknowledged report of those committed together', async () => {
    const fixture = await makeFixture();
    const args = serverProcessArgs(fixture, tempDir('relais-crash-intake-'));
    const { dbPath } = args;
    running = spawnServerProcess(args);
    const url = await running.ready;
    const prepared: Submission[] = [];
    for (let i = 0; i < PREPARED; i++) prepared.push(await validSubmission(url, 'trafic', `rapport ${i}`));

    const acknowledged = new Map<string, string>();
    let next = 0;
    let killed = false;
    const server = running;
    const client = async () => {
      while (next < prepared.length && !killed) {
        const s = prepared[next++] as Submission;
        try {
          const res = await fetch(`${url}/api/v1/reports`, { method: 'POST', body: formOf(s), headers: powHeaders(s) });
          if (res.status !== 201) throw new Error(`status ${res.status}`);
          const { ref } = (await res.json()) as { ref: string };
          acknowledged.set(ref, s.meta.pow.challenge);
          if (acknowledged.size >= KILL_AFTER && !killed) {
            killed = true;
            server.child.kill('SIGKILL');
          }
        } catch (e) {
          // Only the requests cut off by the kill may fail.
          if (!killed) throw e;
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    expect(await server.exited).toBe('SIGKILL');
    expect(acknowledged.size, 'reports were still arriving when the process was killed').toBeLessThan(PREPARED);

    running = spawnServerProcess(args);
    await running.ready;
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      for (const ref of acknowledged.keys()) {
        expect((db.prepare('SELECT COUNT(*) AS n FROM all_reports WHERE ref = ?').get(ref) as { n: number }).n, ref).toBe(1);
        const parts = db.prepare('SELECT COUNT(*) AS n FROM all_parts WHERE ref = ?').get(ref) as { n: number };
        expect(parts.n, `the part of ${ref}`).toBe(1);
      }
      // Each spent challenge belongs to one stored report: nothing half-written.
      const spent = (db.prepare('SELECT COUNT(*) AS n FROM spent_challenges').get() as { n: number }).n;
      const stored = (db.prepare('SELECT COUNT(*) AS n FROM all_reports').get() as { n: number }).n;
      expect(spent).toBe(stored);
      expect(stored).toBeGreaterThanOrEqual(acknowledged.size);
    } finally {
      db.close();
    }
  });
});
