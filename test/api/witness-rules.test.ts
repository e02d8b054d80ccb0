// The rules around who may disclose (DESIGN promise 6): a custodian who also sits in the target
// police inbox can neither ask for nor approve a disclosure to it, and a disclosure sealed to an
// inbox whose members have since changed cannot be approved (it would go to the old members).
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiClientError } from '../../src/client/api.ts';
import { login, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { decide, getWitness, openIdentity, requestDisclosure } from '../../src/client/witness.ts';
import { makeFixture, startTestServer, type TestServer } from '../helpers/fixture.ts';

let server: TestServer;

async function staff(id: string) {
  const k = server.fixture.keys[id]!;
  const key = await unlockPrivateKey(k.privateKey, k.passphrase);
  const api = new ApiClient({ server: server.url });
  await login(api, key, server.fixture.origin);
  return { api, key };
}

async function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e) => (e instanceof ApiClientError ? `${e.status} ${e.code}` : Promise.reject(e)),
  );
}

beforeAll(async () => {
  // custodian-d also sits in the police inbox.
  const fx = await makeFixture({
    patch: (json) => json.inboxes[0].members.push({ id: 'custodian-d', name: 'Name of custodian-d', key: 'keys/custodian-d.asc' }),
  });
  server = await startTestServer(fx);
});
afterAll(async () => server?.close());

describe('conflicts of interest and changed membership', () => {
  it('refuses a disclosure asked or approved by a custodian who is a member of the target inbox, and one sealed to former members', async () => {
    const number = (await submitReport(new ApiClient({ server: server.url }), { category: 'temoin', text: 't', identity: 'Nom : X' }))
      .witness as string;
    const d = await staff('custodian-d');
    const e = await staff('custodian-e');
    const detail = await getWitness(d.api, number);
    expect(detail.targets).toEqual([expect.objectContaining({ id: 'police', allowed: false })]);
    const identity = await openIdentity(d.api, detail, d.key);
    const input = { inbox: 'police', basis: 'art. 706-58 CPP', decision: 'JLD 1', identity };
    expect(await outcome(requestDisclosure(d.api, detail, input))).toBe('403 disclosure_conflict');
    const asked = await requestDisclosure(e.api, await getWitness(e.api, number), input);
    expect(await outcome(decide(d.api, asked.id, 'approve', asked.encryptedSha256))).toBe('403 disclosure_conflict');

    // The operator takes custodian-d out of the police inbox: the request was sealed to the old members.
    const json = structuredClone(server.fixture.json) as { inboxes: { members: { id: string }[] }[] };
    json.inboxes[0]!.members = json.inboxes[0]!.members.filter((m) => m.id !== 'custodian-d');
    writeFileSync(server.fixture.configPath, JSON.stringify(json, null, 2));
    await server.close();
    server = await startTestServer(server.fixture, { dbPath: server.dbPath });
    const again = await staff('custodian-d');
    expect(await outcome(decide(again.api, asked.id, 'approve', asked.encryptedSha256))).toBe('409 disclosure_stale');
    expect(await outcome(decide(again.api, asked.id, 'refuse'))).toBe('ok');
  });
});
