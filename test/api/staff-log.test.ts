// Every staff read is in the audit log, metadata included, before it is served (issue 11 item 6,
// DESIGN promise 7): a report's details, a witness's details, the disclosures' list and one
// disclosure — one entry per request, naming the report — and when the entry cannot be written,
// nothing is served. On a real server and SQLite file.
import type * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { getReport, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { getDisclosure, getWitness, listDisclosures, openIdentity, requestDisclosure } from '../../src/client/witness.ts';
import { runMaintenance } from '../../src/server/maintenance.ts';
import { startTestServer, type TestServer } from '../helpers/fixture.ts';
import { outcome, staffClient } from '../helpers/staff.ts';
import { tamper } from '../log/helpers.ts';

let server: TestServer;
let now = Date.now();
let tip: string;
let witness: { ref: string; witness?: string };
let custodianKey: openpgp.PrivateKey;

async function entriesDuring(call: () => Promise<unknown>): Promise<Record<string, any>[]> {
  const before = await server.relais.store.audit.size();
  await call();
  return (await server.relais.store.audit.range(before, before + 100)).map((r) => JSON.parse(r.entry));
}

beforeAll(async () => {
  server = await startTestServer(undefined, { clock: () => now });
  const resident = new ApiClient({ server: server.url });
  tip = (await submitReport(resident, { category: 'armes', text: 'arme vue' })).ref;
  witness = await submitReport(resident, { category: 'temoin', text: 'témoignage', identity: 'Nom : X' });
  now += 2 * 3600_000;
  await runMaintenance(server.relais);
  const k = server.fixture.keys['custodian-d']!;
  custodianKey = await unlockPrivateKey(k.privateKey, k.passphrase);
});
afterAll(async () => server?.close());

describe('staff reads', () => {
  it('log a report’s details, once per request, naming the report', async () => {
    const officer = await staffClient(server, 'officer-a');
    const logged = await entriesDuring(() => getReport(officer, tip));
    expect(logged).toEqual([expect.objectContaining({ action: 'report.detail', actor: 'member:officer-a', report: tip })]);
  });

  it('log a witness’s details, the disclosures’ list and one disclosure', async () => {
    const custodian = await staffClient(server, 'custodian-d');
    const detail = await getWitness(custodian, witness.witness!);
    const identity = await openIdentity(custodian, detail, custodianKey);
    const asked = await requestDisclosure(custodian, detail, { inbox: 'police', basis: 'art. 706-60 CPP', decision: 'JLD 2', identity });
    expect(await entriesDuring(() => getWitness(custodian, witness.witness!))).toEqual([
      expect.objectContaining({ action: 'witness.detail', report: witness.ref, details: { witness: witness.witness } }),
    ]);
    expect(await entriesDuring(() => listDisclosures(custodian))).toEqual([
      expect.objectContaining({ action: 'disclosure.list', details: { disclosures: [asked.id] } }),
    ]);
    expect(await entriesDuring(() => getDisclosure(custodian, asked.id))).toEqual([
      expect.objectContaining({
        action: 'disclosure.detail',
        report: witness.ref,
        inbox: 'police',
        details: expect.objectContaining({ disclosure: asked.id }),
      }),
    ]);
  });

  it('serve nothing when their entry cannot be written', async () => {
    const officer = await staffClient(server, 'officer-a');
    tamper(server.dbPath, (db) =>
      db.exec("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_entries BEGIN SELECT RAISE(ABORT, 'no'); END;"),
    );
    try {
      const res = await fetch(`${server.url}/api/v1/reports/${tip}`, { headers: { Authorization: `Bearer ${officer.token}` } });
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(await res.text()).not.toContain('armes');
    } finally {
      tamper(server.dbPath, () => {});
    }
    expect(await outcome(getReport(officer, tip))).toBe('ok');
  });
});
