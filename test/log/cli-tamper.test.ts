// `relais audit verify` and `relais audit export` end to end (issue 6, DESIGN promise 7): the real
// command against a real server, and someone with write access to its SQLite file (triggers
// dropped) who changes one entry, swaps two, or deletes the last ones — each caught, with exit
// code 3 and a message naming what is wrong; a log key other than the auditor's own is refused.
// (No cosigners here: test/log/drills.test.ts runs the same with two.)
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listReports } from '../../src/client/staff.ts';
import { generateSignerKey } from '../../src/core/tlog/index.ts';
import { relais } from '../helpers/cli.ts';
import type { TestServer } from '../helpers/fixture.ts';
import { keyFiles, startLogServer, staff, tamper } from './helpers.ts';
import { tempDir } from '../helpers/temp.ts';

const work = tempDir('relais-audit-');
let server: TestServer;
let auditor: { key: string; pass: string };
let baseline: string;
let baselineSize: number;

function verify(state: string, logKey = join(server.fixture.dir, 'keys', 'log.pub')) {
  return relais([
    'audit',
    'verify',
    '--server',
    server.url,
    '--state',
    state,
    '--key',
    auditor.key,
    '--passphrase-file',
    auditor.pass,
    '--log-key',
    logKey,
  ]);
}

function fresh(name: string): string {
  const path = join(work, name);
  copyFileSync(baseline, path);
  return path;
}

function sizeOf(state: string): number {
  return Number(JSON.parse(readFileSync(state, 'utf8')).checkpoint.split('\n')[1]);
}

async function officerActivity(lists: number) {
  const api = await staff(server, 'officer-a');
  for (let i = 0; i < lists; i++) await listReports(api, { page: i + 1 });
}

function entryAt(idx: number): string {
  let text = '';
  tamper(server.dbPath, (db) => (text = (db.prepare('SELECT entry FROM audit_entries WHERE idx = ?').get(idx) as { entry: string }).entry));
  return text;
}

function setEntry(idx: number, entry: string) {
  tamper(server.dbPath, (db) => db.prepare('UPDATE audit_entries SET entry = ? WHERE idx = ?').run(entry, idx));
}

beforeAll(async () => {
  server = await startLogServer();
  auditor = keyFiles(server.fixture, 'auditor-f');
  await officerActivity(3);
});
afterAll(async () => server?.close());

describe('relais audit verify', () => {
  it('checks the whole log on the first run, says who did what, and saves the state', async () => {
    baseline = join(work, 'baseline.json');
    const run = await verify(baseline);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/verified +all \d+ entries \(first run/);
    expect(run.stdout).toMatch(/ 3 +member:officer-a +report\.list/);
    expect(run.stdout).toMatch(/ 1 +system +config\.changed/);
    baselineSize = sizeOf(baseline);
    expect(JSON.parse(readFileSync(baseline, 'utf8'))).toMatchObject({ format: 'relais-audit-state/2', origin: 'relais.test/log' });
  });

  it('checks only the new entries on the next run, and replaces the state atomically', async () => {
    await officerActivity(4);
    const state = fresh('next.json');
    const run = await verify(state);
    expect(run.code, run.stderr).toBe(0);
    // New: the auditor's logout after the first run, the officer's login and 4 lists, this login.
    expect(run.stdout).toContain(
      `verified    7 new entries (#${baselineSize} to #${baselineSize + 6}) consistent with your last checkpoint of ${baselineSize} entries`,
    );
    expect(run.stdout).toMatch(/ 4 +member:officer-a +report\.list/);
    expect(run.stderr).not.toMatch(/WARNING(?!: no cosigner keys)/);
    expect(sizeOf(state)).toBe(baselineSize + 7);
    expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a checkpoint that the auditor’s own copy of the log key did not sign', async () => {
    const otherKey = join(work, 'other-log.pub');
    writeFileSync(otherKey, `${generateSignerKey('relais.test/log').verifierKey}\n`);
    const run = await verify(join(work, 'other.json'), otherKey);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      'LOG VERIFICATION FAILED (bad-signature): the checkpoint is not signed by the log key relais.test/log you hold',
    );
  });

  it('catches one entry changed in the database, and names it', async () => {
    const idx = baselineSize + 3; // one of the officer's lists
    const original = entryAt(idx);
    setEntry(idx, original.replace('member:officer-a', 'member:officer-b'));
    const run = await verify(fresh('changed.json'));
    setEntry(idx, original);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      `LOG VERIFICATION FAILED (changed-entry): entry #${idx} as served is not the entry the signed checkpoint commits to`,
    );
  });

  it('catches two entries swapped in the database, and names the first', async () => {
    const [i, j] = [baselineSize + 1, baselineSize + 4];
    const [a, b] = [entryAt(i), entryAt(j)];
    expect(a).not.toBe(b);
    setEntry(i, b);
    setEntry(j, a);
    const run = await verify(fresh('swapped.json'));
    setEntry(i, a);
    setEntry(j, b);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`LOG VERIFICATION FAILED (changed-entry): entry #${i} as served`);
  });
});

describe('relais audit export', () => {
  // Run on the log put back as it was after the tampering above: it verifies again.
  it('writes every entry as CSV and JSON, after verifying them all', async () => {
    const csvFile = join(work, 'log.csv');
    const csv = await relais([
      'audit',
      'export',
      '--server',
      server.url,
      '--key',
      auditor.key,
      '--passphrase-file',
      auditor.pass,
      '--log-key',
      join(server.fixture.dir, 'keys', 'log.pub'),
      '--format',
      'csv',
      '--out',
      csvFile,
      '--state',
      baseline,
    ]);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = readFileSync(csvFile, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('index,time,bucket,action,actor,report,inbox,details');
    expect(lines[1]).toMatch(/^0,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,,config\.changed,system,,,"\{""changes""/);
    const size = Number(/checkpoint of (\d+) entries/.exec(csv.stderr)?.[1]);
    expect(lines).toHaveLength(size + 1);
    expect(csv.stderr).toContain(`all VERIFIED against the checkpoint of ${size} entries`);
    expect(csv.stderr).toContain(`which extends your state's checkpoint of ${baselineSize} entries`);

    const json = await relais([
      'audit',
      'export',
      '--server',
      server.url,
      '--key',
      auditor.key,
      '--passphrase-file',
      auditor.pass,
      '--log-key',
      join(server.fixture.dir, 'keys', 'log.pub'),
      '--format',
      'json',
    ]);
    expect(json.code, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout) as { index: number; action: string; actor: string }[];
    expect(rows.map((r) => r.index)).toEqual(rows.map((_, i) => i));
    expect(rows.filter((r) => r.action === 'report.list' && r.actor === 'member:officer-a')).toHaveLength(7);
  });
});

describe('after the last entries are deleted from the database', () => {
  it('verify names the first missing entry and export writes nothing', async () => {
    const size = (await server.relais.tlog.table.head())!.size;
    tamper(server.dbPath, (db) => db.prepare('DELETE FROM audit_entries WHERE idx >= ?').run(size - 3));
    const run = await verify(fresh('deleted.json'));
    expect(run.code).toBe(3);
    // The auditor's own login took the first freed index; integrating it, the server finds its
    // table shorter than its tree, raises an integrity alert and fails closed.
    expect(run.stderr).toContain('LOG VERIFICATION FAILED (unavailable): the server says its log cannot be signed (log_unavailable)');
    expect(server.logLines.some((l) => l.startsWith('LOG INTEGRITY ALERT'))).toBe(true);
    const out = join(work, 'after-delete.csv');
    const exported = await relais([
      'audit',
      'export',
      '--server',
      server.url,
      '--key',
      auditor.key,
      '--passphrase-file',
      auditor.pass,
      '--log-key',
      join(server.fixture.dir, 'keys', 'log.pub'),
      '--format',
      'csv',
      '--out',
      out,
    ]);
    expect(exported.code).toBe(3);
    expect(readdirSync(work)).not.toContain('after-delete.csv');
  });
});
