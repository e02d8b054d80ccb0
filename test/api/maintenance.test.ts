// The maintenance run's receipts batch (DESIGN promises 2 and 7): a report joins the audit log
// only with the other reports of its hour, after the hour has closed and a grace period has
// passed, so that a report stored in the hour's last instant is not logged alone afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { fetchSealedPart, getReport, listReports, markRead } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { toHex } from '../../src/core/bytes.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { splitSealed } from '../../src/core/witness-seal.ts';
import { closeBuckets, receiptGraceSeconds } from '../../src/server/maintenance.ts';
import { startTestServer, type TestServer } from '../helpers/fixture.ts';
import { staffClient } from '../helpers/staff.ts';

let server: TestServer;
let now = 0;

beforeAll(async () => {
  // Ten seconds before the end of an hour.
  const hour = 3600_000;
  now = Math.ceil(Date.now() / hour) * hour + hour - 10_000;
  server = await startTestServer(undefined, { clock: () => now });
});
afterAll(async () => server?.close());

async function received(): Promise<string[]> {
  return (await server.relais.store.audit.range(0, 10_000))
    .map((e) => JSON.parse(e.entry))
    .filter((e) => e.action === 'report.received')
    .map((e) => e.report);
}

describe('receipts in the audit log', () => {
  it('wait for their hour to close and for the grace period, then go in together', async () => {
    expect(receiptGraceSeconds(3600)).toBe(60);
    expect(receiptGraceSeconds(60)).toBe(10);
    const api = new ApiClient({ server: server.url });
    const a = (await submitReport(api, { category: 'armes', text: 'a' }, { followUp: false })).ref;
    const b = (await submitReport(api, { category: 'trafic', text: 'b' }, { followUp: false })).ref;
    const logged = async () => (await closeBuckets(server.relais)).logged;
    expect(await logged()).toBe(0);
    now += 30_000; // the hour has closed, the grace period has not passed
    expect(await logged()).toBe(0);
    expect(await received()).toEqual([]);
    now += 45_000;
    expect(await logged()).toBe(2);
    expect((await received()).sort()).toEqual([a, b].sort());
    expect(await logged()).toBe(0);
  });

  it('list a report still in the staging area, let staff mark it read there, and carry the hashes of its stored parts after the move', async () => {
    const api = new ApiClient({ server: server.url });
    const { ref } = await submitReport(api, { category: 'trafic', text: 'toujours en attente' }, { followUp: false });
    expect(await server.relais.store.db.first('SELECT 1 AS x FROM staged_reports WHERE ref = ?', [ref])).not.toBeNull();
    const officer = await staffClient(server, 'officer-a');
    expect((await listReports(officer)).reports.map((r) => r.ref)).toContain(ref);
    // PUT …/read with nothing fetched before: the write needs the report in the main tables.
    await markRead(officer, ref);
    expect((await listReports(officer, { view: 'unread' })).reports.map((r) => r.ref)).not.toContain(ref);
    now += 3_600_000 + 75_000;
    expect((await closeBuckets(server.relais)).logged).toBe(1);
    const entry = (await server.relais.store.audit.range(0, 10_000))
      .map((e) => JSON.parse(e.entry))
      .find((e) => e.action === 'report.received' && e.report === ref);
    // An hour later: a new session.
    const again = await staffClient(server, 'officer-a');
    const detail = await getReport(again, ref);
    const served = [];
    const encrypted = [];
    for (const p of detail.parts) {
      const bytes = await fetchSealedPart(again, ref, p.idx, { keepUnread: true });
      served.push(toHex(sha256(bytes)));
      encrypted.push(toHex(sha256(splitSealed(bytes).encrypted)));
    }
    expect(entry?.details?.parts).toEqual(served);
    // and of each part's encrypted packet alone, which a later grant keeps byte for byte
    expect(entry?.details?.encrypted).toEqual(encrypted);
    expect(encrypted).not.toEqual(served);
    expect(served.length).toBeGreaterThan(0);
  });
});
