// The server side of the transparency log (issue 6, DESIGN promise 7), on a real SQLite file
// behind a real HTTP server: every staff event, report receipt, retention deletion and config
// change becomes a leaf of the tree of the latest signed checkpoint as soon as it is written; the
// tree is the RFC 9162 tree of the audit table (checked against the plain reference of
// test/tlog/reference.ts); two processes integrating at once build one tree; a server
// whose stored tree contradicts its last checkpoint signs nothing more; a server without its key
// runs and signs nothing (`relais serve` saying so is in cli-fork.test.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { getReport, listReports, logout, openPart, reply, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { openCheckpoint, parseSignerKey, parseVerifierKey, storedHashCount, type Checkpoint } from '../../src/core/tlog/index.ts';
import { runMaintenance } from '../../src/server/maintenance.ts';
import { TransparencyLog } from '../../src/server/log.ts';
import { openNodeStore } from '../../src/node.ts';
import { makeFixture, type TestServer } from '../helpers/fixture.ts';
import { ReferenceTree } from '../tlog/reference.ts';
import { get, startLogServer, staff, tamper } from './helpers.ts';
import { outcome } from '../helpers/staff.ts';

const HOUR = 3600_000;
let now = Date.now();
const clock = () => now;

async function checkpointOf(server: TestServer): Promise<Checkpoint> {
  const res = await get(server, '/api/v1/log/checkpoint');
  expect(res.status).toBe(200);
  const verifier = parseVerifierKey(server.config.logVerifierKey);
  return openCheckpoint(res.text, { origin: 'relais.test/log', logVerifier: verifier }).checkpoint;
}

async function auditEntries(server: TestServer): Promise<string[]> {
  return (await server.relais.store.audit.range(0, 1e9)).map((r) => r.entry);
}

/** The latest checkpoint covers exactly the audit table, with the reference tree's root. */
async function expectSignedTreeIsAuditTable(server: TestServer): Promise<string[]> {
  const entries = await auditEntries(server);
  const checkpoint = await checkpointOf(server);
  expect(checkpoint.size).toBe(entries.length);
  const reference = new ReferenceTree(entries.map((e) => new TextEncoder().encode(e)));
  expect(Buffer.from(checkpoint.rootHash).toString('hex')).toBe(Buffer.from(reference.mth(0, entries.length)).toString('hex'));
  return entries;
}

const actions = (entries: string[]) => entries.map((e) => JSON.parse(e).action as string);

describe('a Relais with its log key', () => {
  let server: TestServer;

  beforeAll(async () => {
    const fx = await makeFixture({ patch: (json) => (json.retentionDays = 1) });
    now = Date.now();
    server = await startLogServer(fx, { clock });
  });
  afterAll(async () => server?.close());

  it('signs a checkpoint at start that covers the config version and the served code it logged', async () => {
    const entries = await expectSignedTreeIsAuditTable(server);
    expect(actions(entries)).toEqual(['config.changed', 'site.deployed']);
  });

  it('puts every staff event in the signed tree before the request that wrote it has answered', async () => {
    const resident = new ApiClient({ server: server.url });
    const { ref } = await submitReport(resident, {
      category: 'trafic',
      text: 'guetteurs',
      attachments: [{ contentType: 'image/png', bytes: new Uint8Array(600).fill(7) }],
    });
    const { ref: witness } = await submitReport(resident, { category: 'temoin', text: 'témoignage', identity: 'identité' });
    // Resident requests log nothing (receipts wait for their bucket to close).
    expect(actions(await expectSignedTreeIsAuditTable(server))).toEqual(['config.changed', 'site.deployed']);

    const key = await unlockPrivateKey(server.fixture.keys['officer-a']!.privateKey, server.fixture.keys['officer-a']!.passphrase);
    const steps: [string, (api: ApiClient) => Promise<unknown>][] = [
      ['report.list', (api) => listReports(api)],
      ['report.read', (api) => openPart(api, ref, 0, key)],
      ['attachment.download', (api) => openPart(api, ref, 1, key)],
      ['report.reply', (api) => reply(api, ref, { text: 'Merci, nous regardons.', status: 'in-progress' })],
      ['report.note', (api) => reply(api, ref, { text: 'Note interne', note: true })],
      ['staff.logout', (api) => logout(api)],
    ];
    const api = await staff(server, 'officer-a');
    expect(actions(await expectSignedTreeIsAuditTable(server)).at(-1)).toBe('staff.login');
    for (const [action, step] of steps) {
      await step(api);
      expect(actions(await expectSignedTreeIsAuditTable(server))).toContain(action);
    }
    const custodian = await staff(server, 'custodian-d');
    const detail = await getReport(custodian, witness);
    await custodian.bytes(`/api/v1/reports/${witness}/parts/${detail.parts[0]!.idx}`);
    expect(actions(await expectSignedTreeIsAuditTable(server)).at(-1)).toBe('witness.identity.read');
  });

  it('puts the receipts of a closed bucket and retention deletions in the signed tree on the maintenance run', async () => {
    const before = (await auditEntries(server)).length;
    now += HOUR + 2 * 60_000; // past the bucket's end and its grace period
    await runMaintenance(server.relais);
    const received = (await expectSignedTreeIsAuditTable(server)).slice(before);
    expect(actions(received)).toEqual(['report.received', 'report.received']);
    expect(received.every((e) => JSON.parse(e).bucket && !JSON.parse(e).time)).toBe(true);

    now += 2 * 24 * HOUR;
    await runMaintenance(server.relais);
    const deleted = (await expectSignedTreeIsAuditTable(server)).slice(before + 2);
    expect(actions(deleted)).toEqual(['report.deleted', 'report.deleted']);
  });

  it('logs and signs a changed config when the server restarts with it', async () => {
    await server.close();
    const json = { ...server.fixture.json, retentionDays: 30 };
    writeFileSync(server.fixture.configPath, JSON.stringify(json));
    server = await startLogServer(server.fixture, { clock });
    const entries = await expectSignedTreeIsAuditTable(server);
    expect(JSON.parse(entries.at(-1)!)).toMatchObject({ action: 'config.changed', actor: 'system' });
  });

  it('keeps one head per integration and exactly the stored hashes of the tree', async () => {
    const size = (await auditEntries(server)).length;
    const table = server.relais.tlog.table;
    expect((await table.head())?.size).toBe(size);
    const count = await server.relais.store.db.first<{ n: number; max: number }>('SELECT COUNT(*) AS n, MAX(idx) AS max FROM log_hashes');
    expect(count).toEqual({ n: storedHashCount(size), max: storedHashCount(size) - 1 });
  });
});

describe('two processes on one database', () => {
  it('integrates from two processes at once into one tree, each entry once', async () => {
    const fx = await makeFixture();
    const path = join(fx.dir, 'two.db');
    const [a, b] = [await openNodeStore(path), await openNodeStore(path)];
    const verifierKey = readFileSync(join(fx.dir, 'keys', 'log.pub'), 'utf8').trim();
    const lines: string[] = [];
    const logOf = (store: typeof a) =>
      new TransparencyLog({
        store,
        origin: 'relais.test/log',
        verifierKey,
        signer: parseSignerKey(fx.logSignerKey),
        log: (l) => lines.push(l),
      });
    const [la, lb] = [logOf(a), logOf(b)];
    const written: string[] = [];
    for (let round = 0; round < 12; round++) {
      const batch = Array.from({ length: 1 + (round % 4) * 900 }, (_, i) => JSON.stringify({ round, i }));
      written.push(...batch);
      await a.audit.append(batch);
      await Promise.all([la.integrate(), lb.integrate(), la.integrate()]);
    }
    const reference = new ReferenceTree(written.map((e) => new TextEncoder().encode(e)));
    const head = await la.table.head();
    expect(head?.size).toBe(written.length);
    expect(Buffer.from(head!.root).equals(Buffer.from(reference.mth(0, written.length)))).toBe(true);
    const latest = await lb.table.latestCheckpoint();
    expect(latest?.size).toBe(written.length);
    expect(lines).toEqual([]);
    await a.db.close();
    await b.db.close();
  });
});

describe('a stored tree that contradicts the last checkpoint', () => {
  it('is never signed again, and the server says why', async () => {
    const server = await startLogServer(undefined, { clock: () => Date.now() });
    try {
      const api = await staff(server, 'officer-b');
      // 7 entries: config, served code, login, 4 lists.
      for (let i = 0; i < 4; i++) await listReports(api);
      const signed = await checkpointOf(server);
      // Someone with the database rewrites the stored hash of the first leaf and of the
      // subtree above it, then new entries arrive.
      tamper(server.dbPath, (db) => {
        db.prepare('UPDATE log_hashes SET hash = randomblob(32) WHERE idx IN (0, 2, 6)').run();
      });
      await listReports(api);
      await runMaintenance(server.relais);
      expect(server.logLines.filter((l) => l.startsWith('LOG INTEGRITY ALERT'))).not.toEqual([]);
      // It fails closed: the checkpoint says so, and no staff data is served unlogged.
      expect(await get(server, '/api/v1/log/checkpoint')).toMatchObject({ status: 503, body: { error: 'log_unavailable' } });
      expect(await outcome(listReports(api))).toBe('503 log_unavailable');
      expect(await outcome(getReport(api, 'R-0000-0000-0000'))).toBe('503 log_unavailable');
      expect((await server.relais.tlog.table.latestCheckpoint())?.size).toBe(signed.size);
    } finally {
      await server.close();
    }
  });
});

describe('a Relais that cannot store what it signs', () => {
  it('fails closed: staff data and the checkpoint answer 503 until a checkpoint is stored again', async () => {
    const server = await startLogServer();
    try {
      const api = await staff(server, 'officer-a');
      tamper(server.dbPath, (db) =>
        db.exec("CREATE TRIGGER refuse BEFORE INSERT ON log_checkpoints BEGIN SELECT RAISE(ABORT, 'no'); END;"),
      );
      await listReports(api);
      expect(await outcome(listReports(api))).toBe('503 log_unavailable');
      expect(await get(server, '/api/v1/log/checkpoint')).toMatchObject({ status: 503, body: { error: 'log_unavailable' } });
      tamper(server.dbPath, (db) => db.exec('DROP TRIGGER IF EXISTS refuse'));
      await runMaintenance(server.relais);
      expect(await outcome(listReports(api))).toBe('ok');
    } finally {
      await server.close();
    }
  });
});

describe('a Relais without its log key', () => {
  it('runs, keeps the tree, signs nothing and serves no staff data; signs everything once it has the key', async () => {
    const fx = await makeFixture();
    let server = await startLogServer(fx, { unsigned: true });
    try {
      expect(server.relais.tlog.signing).toBe(false);
      const auditor = await staff(server, 'auditor-f');
      expect(await get(server, '/api/v1/log/checkpoint')).toMatchObject({ status: 503, body: { error: 'log_unsigned' } });
      expect(await outcome(listReports(await staff(server, 'officer-a')))).toBe('503 log_unsigned');
      const proof = await get(server, '/api/v1/log/proof/inclusion?index=0&size=2', auditor.token);
      expect(proof.status).toBe(200);
      await server.close();
      server = await startLogServer(fx);
      expect(server.relais.tlog.signing).toBe(true);
      await expectSignedTreeIsAuditTable(server);
    } finally {
      await server.close();
    }
  });

  it('refuses to start with a signer key that is not the config’s log key', async () => {
    const fx = await makeFixture();
    const other = await makeFixture();
    await expect(startLogServer(fx, { signerKey: other.logSignerKey })).rejects.toThrow('does not match the log public key');
  });
});
