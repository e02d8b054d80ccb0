// Casework routes with bad input and hostile callers (issue 15 §1, §5; DESIGN promises 7, 8,
// 10): assignment only to a member of the inbox, bulk status all or nothing, search text never
// echoed or logged, and the custodians' record of a witness — contacted marks and notes sealed to
// exactly the witness's custodians, each step logged, invisible to everyone else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { addCustodyNote, listCustodyNotes, markContacted, openCustodyNote } from '../../src/client/custody-notes.ts';
import { assignReport, getReport, listReports, setStatuses, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { getWitness } from '../../src/client/witness.ts';
import { startTestServer, type TestServer } from '../helpers/fixture.ts';
import { outcome, staffClient } from '../helpers/staff.ts';

let server: TestServer;
let police = '';
let city = '';
let witness = '';

async function entries(): Promise<{ action: string; actor: string; report?: string; details?: Record<string, unknown> }[]> {
  const size = await server.relais.store.audit.size();
  return (await server.relais.store.audit.range(0, size)).map((e) => JSON.parse(e.entry));
}

beforeAll(async () => {
  server = await startTestServer();
  const anon = () => new ApiClient({ server: server.url });
  police = (await submitReport(anon(), { category: 'armes', text: 'pour la police' })).ref;
  city = (await submitReport(anon(), { category: 'prevention', text: 'pour la mairie' })).ref;
  witness = (await submitReport(anon(), { category: 'temoin', text: 'vu', identity: 'moi' })).witness as string;
}, 60_000);
afterAll(async () => server?.close());

describe('assignment and bulk status', () => {
  it('assigns only to a member of the inbox, and only in an inbox of yours the report was routed to', async () => {
    const a = await staffClient(server, 'officer-a');
    expect(await outcome(assignReport(a, police, 'police', 'city-c'))).toBe('422 assignee_invalid');
    expect(await outcome(assignReport(a, police, 'city', 'city-c'))).toBe('404 not_found');
    expect(await outcome(assignReport(a, city, 'police', 'officer-a'))).toBe('404 not_found');
    expect(await outcome(a.json('PUT', `/api/v1/reports/${police}/assignee`, { inbox: 'police' }))).toBe('400 bad_request');
    expect(await outcome(assignReport(a, police, 'police', 'officer-b'))).toBe('ok');
    expect((await getReport(a, police)).assignees).toEqual({ police: 'officer-b' });
    expect(await outcome(assignReport(a, police, 'police', null))).toBe('ok');
    expect((await entries()).filter((e) => e.action === 'report.assigned').map((e) => e.details)).toEqual([
      { member: 'officer-b' },
      { member: null },
    ]);
  });

  it('changes no status at all when one report of the batch is not yours', async () => {
    const a = await staffClient(server, 'officer-a');
    expect(await outcome(setStatuses(a, [police, city], 'closed'))).toBe('404 not_found');
    expect((await getReport(a, police)).status).toBe('received');
    expect((await entries()).some((e) => e.action === 'report.status')).toBe(false);
    expect(await outcome(a.json('POST', '/api/v1/reports/status', { refs: [], status: 'closed' }))).toBe('400 bad_request');
    expect(await outcome(a.json('POST', '/api/v1/reports/status', { refs: [police], status: 'gone' }))).toBe('400 bad_request');
    expect(await outcome(setStatuses(a, [police, police], 'in-progress'))).toBe('ok');
    expect((await entries()).filter((e) => e.action === 'report.status').length).toBe(1);
  });

  it('refuses a search that cannot be a reference without echoing it, and logs only that a search was made', async () => {
    const a = await staffClient(server, 'officer-a');
    const res = await fetch(`${server.url}/api/v1/reports?q=${encodeURIComponent('<tour B>')}`, {
      headers: { Authorization: `Bearer ${a.token}` },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('tour');
    const found = await listReports(a, { q: police.slice(0, 7).toLowerCase() });
    expect(found.reports.map((r) => r.ref)).toContain(police);
    const logged = (await entries()).filter((e) => e.action === 'report.list').at(-1);
    expect(logged?.details).toEqual({ page: 1, search: 'ref' });
    expect(JSON.stringify(await entries())).not.toContain(police.slice(0, 7).toLowerCase());
    expect((await listReports(a, { q: witness })).reports.map((r) => r.witness)).toEqual([witness]);
  });
});

describe('the custodians’ record of a witness', () => {
  it('keeps contacted marks and notes sealed to the witness’s custodians, each step logged', async () => {
    const d = await staffClient(server, 'custodian-d');
    const e = await staffClient(server, 'custodian-e');
    const detail = await getWitness(d, witness);
    await markContacted(d, witness);
    await addCustodyNote(d, witness, detail.custodianKeys, 'Joint le 3, rappeler après 20 h');
    const notes = await listCustodyNotes(e, witness);
    expect(notes.map((n) => [n.kind, n.memberId])).toEqual([
      ['contacted', 'custodian-d'],
      ['note', 'custodian-d'],
    ]);
    const k = server.fixture.keys['custodian-e']!;
    expect(await openCustodyNote(e, witness, 1, await unlockPrivateKey(k.privateKey, k.passphrase))).toBe(
      'Joint le 3, rappeler après 20 h',
    );
    const actions = (await entries()).filter((x) => x.action.startsWith('witness.note') || x.action === 'witness.contacted');
    expect(actions.map((x) => [x.action, x.actor])).toEqual([
      ['witness.contacted', 'member:custodian-d'],
      ['witness.note', 'member:custodian-d'],
      ['witness.notes.list', 'member:custodian-e'],
      ['witness.note.read', 'member:custodian-e'],
    ]);
    // the note is not in the log, nor in the database in clear
    expect(JSON.stringify(await entries())).not.toContain('rappeler');
  });

  it('refuses a note sealed to anyone but the custodians, and hides the record from investigators', async () => {
    const d = await staffClient(server, 'custodian-d');
    const before = (await listCustodyNotes(d, witness)).length;
    const policeKeys = [server.fixture.keys['officer-a']!.publicKey, server.fixture.keys['officer-b']!.publicKey];
    expect(await outcome(addCustodyNote(d, witness, policeKeys, 'fuite'))).toBe('422 recipients_unexpected');
    const detail = await getWitness(d, witness);
    expect(await outcome(addCustodyNote(d, witness, [...detail.custodianKeys, ...policeKeys], 'fuite'))).toBe('422 recipients_unexpected');
    expect((await listCustodyNotes(d, witness)).length).toBe(before);
    const a = await staffClient(server, 'officer-a');
    expect(await outcome(listCustodyNotes(a, witness))).toBe('403 forbidden');
    // the refused attempt is logged once, with the route pattern and never the number
    const refused = (await entries()).filter((x) => x.action === 'staff.refused' && x.actor === 'member:officer-a');
    expect(refused.map((x) => x.details)).toEqual([{ route: 'GET /api/v1/witnesses/:number/notes', status: 403, error: 'forbidden' }]);
    expect(await outcome(d.json('GET', `/api/v1/witnesses/${witness}/notes/99`))).toBe('404 not_found');
    expect(await outcome(d.json('GET', `/api/v1/witnesses/${witness}/notes/x1`))).toBe('404 not_found');
  });
});
