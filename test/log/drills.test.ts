// Issue 11's drills against `relais audit verify`, with no flag but the auditor's own trust policy:
// a real server on a real SQLite file, two real `relais cosigner serve` processes, and someone
// with the database (triggers dropped) or the server itself acting against the auditors — an
// edited, deleted and swapped entry already verified, a changed stored hash, a server that stops
// signing while staff read, a restored older backup, a fork re-signed with the log's own key and
// shown to one auditor, a read by a member moved out of the inbox, a disclosure forced to approved
// in the database. Each exits 3 naming what is wrong; the honest log stays green with a quorum of
// one and of two, before and after.
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { listReports, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { fetchDisclosed, getWitness, listDisclosures, openIdentity, requestDisclosure } from '../../src/client/witness.ts';
import { auditEntryJson } from '../../src/core/audit-entry.ts';
import { runMaintenance } from '../../src/server/maintenance.ts';
import { relais } from '../helpers/cli.ts';
import { makeFixture, type Fixture, type TestServer } from '../helpers/fixture.ts';
import { startCosigners, useCosigners, type RunningCosigner } from './cosigners.ts';
import { keyFiles, startLogServer, staff, tamper } from './helpers.ts';
import { tempDir } from '../helpers/temp.ts';

const work = tempDir('relais-drills-');
let fx: Fixture;
let server: TestServer;
let cosigners: RunningCosigner[] = [];
let auditor: { key: string; pass: string };
let baseline: string;
let now = Date.now();
const clock = () => now;

function verify(state: string, extra: string[] = []) {
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
    join(fx.dir, 'keys', 'log.pub'),
    ...extra,
  ]);
}

/** The first run names the cosigners and the quorum; later runs take them from the state file. */
const policy = (quorum: number) => [...cosigners.flatMap((c) => ['--cosigner', c.pubFile]), '--quorum', String(quorum)];

function copyOf(state: string, name: string): string {
  const path = join(work, name);
  copyFileSync(state, path);
  return path;
}

async function restart(dbPath = join(fx.dir, 'relais.db')): Promise<void> {
  await server.close();
  server = await startLogServer(fx, { clock, dbPath });
}

function entryAt(idx: number): string {
  let text = '';
  tamper(server.dbPath, (db) => (text = (db.prepare('SELECT entry FROM audit_entries WHERE idx = ?').get(idx) as { entry: string }).entry));
  return text;
}

function setEntry(idx: number, entry: string) {
  tamper(server.dbPath, (db) => db.prepare('UPDATE audit_entries SET entry = ? WHERE idx = ?').run(entry, idx));
}

function moveDb(from: string, to: string) {
  for (const suffix of ['', '-wal', '-shm']) {
    rmSync(to + suffix, { force: true });
    if (existsSync(from + suffix)) renameSync(from + suffix, to + suffix);
  }
}

beforeAll(async () => {
  fx = await makeFixture();
  cosigners = await startCosigners(fx, ['inspection.example/witness', 'ngo.example/witness']);
  useCosigners(fx, cosigners, 2);
  server = await startLogServer(fx, { clock });
  auditor = keyFiles(fx, 'auditor-f');
  // Some staff activity, and a tip whose receipt is logged when its hour closes.
  await submitReport(new ApiClient({ server: server.url }), { category: 'armes', text: 'tip' });
  await listReports(await staff(server, 'officer-a'));
  now += 2 * 3600_000;
  await runMaintenance(server.relais);
  await listReports(await staff(server, 'officer-a'));
  baseline = join(work, 'baseline.json');
}, 60_000);

afterAll(async () => {
  await server?.close();
  for (const c of cosigners) await c.stop();
});

describe('an honest log', () => {
  it('verifies with a quorum of two, keeps the cosigners in the state, and says what it checked', async () => {
    const run = await verify(baseline, policy(2));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/cosigned +2 of 2 trusted cosigners \(quorum 2\)/);
    expect(run.stdout).toMatch(/fresh +your login of this run is entry #\d+/);
    expect(run.stdout).toMatch(/rules +key: \d+ staff actions/);
    const state = JSON.parse(readFileSync(baseline, 'utf8'));
    expect(state).toMatchObject({ format: 'relais-audit-state/2', policy: { quorum: 2, maxAgeSeconds: 900 } });
    expect(state.policy.cosigners).toEqual(cosigners.map((c) => c.verifierKey));
  });

  it('verifies again without any flag (policy from the state), and with a quorum of one', async () => {
    const again = await verify(copyOf(baseline, 'again.json'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/all \d+ earlier entries re-read and unchanged/);
    const one = await verify(copyOf(baseline, 'one.json'), ['--quorum', '1']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toMatch(/trust policy changed/);
  });
});

describe('someone with the database', () => {
  it('edits an entry already verified: exit 3 naming it', async () => {
    const original = entryAt(2);
    setEntry(2, original.replace(/}$/, ',"z":0}'));
    try {
      const run = await verify(copyOf(baseline, 'edit.json'));
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/changed-entry.*entry #2, which you verified before, is served changed/);
    } finally {
      setEntry(2, original);
    }
  });

  it('deletes an entry already verified: exit 3 naming it', async () => {
    const original = entryAt(1);
    tamper(server.dbPath, (db) => db.prepare('DELETE FROM audit_entries WHERE idx = 1').run());
    try {
      const run = await verify(copyOf(baseline, 'delete.json'));
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/missing-entry.*entry #1, which you verified before, is no longer served/);
    } finally {
      tamper(server.dbPath, (db) => db.prepare('INSERT INTO audit_entries (idx, entry) VALUES (1, ?)').run(original));
    }
  });

  it('swaps two entries already verified: exit 3 naming the first', async () => {
    const [a, b] = [entryAt(1), entryAt(2)];
    setEntry(1, b);
    setEntry(2, a);
    try {
      const run = await verify(copyOf(baseline, 'swap.json'));
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/entry #1, which you verified before, is served changed/);
    } finally {
      setEntry(1, a);
      setEntry(2, b);
    }
  });

  it('changes a stored hash: the proofs it serves are wrong, exit 3 naming the hash', async () => {
    let original: Buffer | undefined;
    tamper(server.dbPath, (db) => {
      original = (db.prepare('SELECT hash FROM log_hashes WHERE idx = 1').get() as { hash: Buffer }).hash;
      db.prepare('UPDATE log_hashes SET hash = ? WHERE idx = 1').run(Buffer.alloc(32, 7));
    });
    try {
      const run = await verify(copyOf(baseline, 'hash.json'));
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/stored-hash.*stored hash #1 \(level 0, entries #1 to #1\) is not the one computed/);
    } finally {
      tamper(server.dbPath, (db) => db.prepare('UPDATE log_hashes SET hash = ? WHERE idx = 1').run(original));
    }
  });
});

describe('a server against its auditors', () => {
  it('stops signing while staff read: exit 3, its own login is not in a witnessed checkpoint', async () => {
    const integrate = server.relais.tlog.integrateOrReport.bind(server.relais.tlog);
    server.relais.tlog.integrateOrReport = async () => null;
    try {
      await listReports(await staff(server, 'officer-b'));
      const run = await verify(copyOf(baseline, 'frozen.json'), ['--wait', '3']);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/own-login.*your own login of this run is not in the signed, cosigned checkpoint/);
      // and once its cosignatures are older than the auditor's maximum age, it says so
      await new Promise((r) => setTimeout(r, 2100));
      const stale = await verify(copyOf(baseline, 'stale.json'), ['--wait', '0', '--max-age', '1']);
      expect(stale.code).toBe(3);
      expect(stale.stderr).toMatch(/stale.*the newest cosignature of the checkpoint is \d+ s old, more than your maximum of 1 s/);
    } finally {
      server.relais.tlog.integrateOrReport = integrate;
      await integrate();
    }
  });

  it('restores an older backup: a rollback for the auditor with a state, no quorum for a new one', async () => {
    const backup = join(work, 'backup.db');
    tamper(server.dbPath, (db) => db.exec(`VACUUM INTO '${backup}'`));
    await listReports(await staff(server, 'officer-a'));
    const later = join(work, 'later.json');
    expect((await verify(copyOf(baseline, 'later.json'))).code).toBe(0);
    const current = join(work, 'current.db');
    await server.close();
    moveDb(server.dbPath, current);
    copyFileSync(backup, server.dbPath);
    server = await startLogServer(fx, { clock });
    try {
      const run = await verify(later);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/rollback.*fewer than the \d+ you verified before/);
      const newcomer = await verify(join(work, 'newcomer.json'), [...policy(1), '--wait', '0']);
      expect(newcomer.code).toBe(3);
      expect(newcomer.stderr).toMatch(/quorum.*0 valid cosignature\(s\) of the 2 cosigners you trust/);
      expect(server.logLines.join('\n')).toMatch(/cosigner .* has cosigned \d+ entries, more than this log's/);
    } finally {
      await server.close();
      moveDb(current, server.dbPath);
      server = await startLogServer(fx, { clock });
    }
  });

  it('forks its log, re-signed with its own key, for one auditor: exit 3 for that auditor, and the cosigners never cosign it', async () => {
    const forkDb = join(work, 'fork.db');
    tamper(server.dbPath, (db) => db.exec(`VACUUM INTO '${forkDb}'`));
    tamper(forkDb, (db) => {
      db.prepare('UPDATE audit_entries SET entry = ? WHERE idx = 1').run(entryAt(1).replace(/}$/, ',"z":0}'));
      db.exec('DELETE FROM log_hashes; DELETE FROM log_heads; DELETE FROM log_checkpoints; DELETE FROM log_cosignatures;');
    });
    const honest = server.dbPath;
    await server.close();
    server = await startLogServer(fx, { clock, dbPath: forkDb });
    try {
      const known = await verify(copyOf(baseline, 'forked.json'));
      expect(known.code).toBe(3);
      expect(known.stderr).toMatch(/entry #1, which you verified before, is served changed|fork/);
      const newcomer = await verify(join(work, 'fork-newcomer.json'), [...policy(1), '--wait', '0']);
      expect(newcomer.code).toBe(3);
      expect(newcomer.stderr).toMatch(/quorum.*0 valid cosignature\(s\).*fork or a rollback shown to you alone/);
    } finally {
      await restart(honest);
    }
    const after = await verify(copyOf(baseline, 'after-fork.json'));
    expect(after.code, after.stderr).toBe(0);
  });
});

describe('the log’s rules', () => {
  let keys: Record<string, openpgp.PrivateKey>;

  beforeAll(async () => {
    keys = {};
    for (const id of ['custodian-d']) keys[id] = await unlockPrivateKey(fx.keys[id]!.privateKey, fx.keys[id]!.passphrase);
  });

  it('names a disclosure forced to approved in the database and fetched by the investigators', async () => {
    const filed = await submitReport(new ApiClient({ server: server.url }), {
      category: 'temoin',
      text: 'témoignage',
      identity: 'Nom : X',
    });
    now += 2 * 3600_000;
    await runMaintenance(server.relais);
    const custodian = await staff(server, 'custodian-d');
    const detail = await getWitness(custodian, filed.witness!);
    const identity = await openIdentity(custodian, detail, keys['custodian-d']!);
    const asked = await requestDisclosure(custodian, detail, { inbox: 'police', basis: 'art. 706-60 CPP', decision: 'JLD 1', identity });
    tamper(server.dbPath, (db) => db.prepare("UPDATE disclosures SET state = 'approved' WHERE id = ?").run(asked.id));
    const investigator = await staff(server, 'officer-a');
    expect((await listDisclosures(investigator)).map((d) => d.id)).toContain(asked.id);
    await fetchDisclosed(investigator, asked.id);
    const run = await verify(copyOf(baseline, 'disclosure.json'));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      new RegExp(`rule.*entry #\\d+: ${asked.id} fetched by officer-a without an approval by a second custodian \\(rule: two-person\\)`),
    );
  });

  it('names a read by a member who was moved out of the report’s inbox', async () => {
    // officer-b leaves the police inbox for the city's; then a read of a police report in their name appears.
    const json = JSON.parse(readFileSync(fx.configPath, 'utf8'));
    const police = json.inboxes.find((i: { id: string }) => i.id === 'police');
    const moved = police.members.find((m: { id: string }) => m.id === 'officer-b');
    police.members = police.members.filter((m: { id: string }) => m.id !== 'officer-b');
    json.inboxes.find((i: { id: string }) => i.id === 'city').members.push(moved);
    writeFileSync(fx.configPath, JSON.stringify(json, null, 2));
    await restart();
    let ref = '';
    tamper(server.dbPath, (db) => {
      ref = (db.prepare("SELECT ref FROM reports WHERE category = 'armes'").get() as { ref: string }).ref;
      const entry = auditEntryJson({ action: 'report.read', actor: 'member:officer-b', time: now, report: ref, details: { part: 0 } });
      db.prepare('INSERT INTO audit_entries (idx, entry) VALUES ((SELECT MAX(idx) + 1 FROM audit_entries), ?)').run(entry);
    });
    await server.relais.tlog.integrateOrReport();
    const run = await verify(copyOf(baseline, 'moved.json'));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      new RegExp(`report\\.read of ${ref} by officer-b, who was not then a member of police \\(rule: membership\\)`),
    );
  });
});
