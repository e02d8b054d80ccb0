// DESIGN promise 6 against a real server and SQLite file: a witness's identity reaches only the
// custodians, and leaves them only when two different custodians have acted — then only for the
// named police inbox, which decrypts it (with OpenPGP.js and with GnuPG). Investigators, city staff
// and auditors try every route before and after; every step is in the audit log in its own batch;
// the database refuses steps out of order, even when two race.
import { outcome } from '../helpers/staff.ts';
import { spawnSync } from 'node:child_process';
import type * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { sealedPartsForm } from '../../src/client/report-form.ts';
import { fetchSealedPart, getReport, listReports, login, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import {
  decide,
  fetchDisclosed,
  getDisclosure,
  getWitness,
  listDisclosures,
  listWitnesses,
  openDisclosed,
  openIdentity,
  requestDisclosure,
  reviewDisclosure,
  type WitnessDetail,
} from '../../src/client/witness.ts';
import { utf8 } from '../../src/core/bytes.ts';
import { inspectSealedPart } from '../../src/core/openpgp-packets.ts';
import { readPublicKeys, sealEnvelope } from '../../src/core/seal.ts';
import { sealDisclosure } from '../../src/core/witness-seal.ts';
import { composeDisclosureText } from '../../src/core/witness-text.ts';
import { startTestServer, type TestServer } from '../helpers/fixture.ts';
import { Gpg } from '../helpers/gpg.ts';

const IDENTITY = 'Nom : Quentin Zéphyr-Canari\n\nComment me joindre sans danger :\nSMS au 06 00 00 00 00 après 22h\n';
const STAFF = ['officer-a', 'officer-b', 'city-c', 'custodian-d', 'custodian-e', 'auditor-f'] as const;
type Who = (typeof STAFF)[number];

let server: TestServer;
let witness: { ref: string; number: string };
const keys: Record<string, openpgp.PrivateKey> = {};
const api: Partial<Record<Who, ApiClient>> = {};
const as = (who: Who) => api[who] as ApiClient;

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['disclosures', 'disclosure_events', 'audit_entries', 'witnesses', 'reports']) {
    // Refused attempts are logged (staff.refused, issue 11): counted apart, not as something written.
    const where = table === 'audit_entries' ? ` WHERE entry NOT LIKE '%"action":"staff.refused"%'` : '';
    out[table] = (await server.relais.store.db.first<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}${where}`))?.n ?? -1;
  }
  return out;
}

async function auditEntries(): Promise<Record<string, any>[]> {
  return (await server.relais.store.audit.range(0, 100_000)).map((e) => JSON.parse(e.entry));
}

/**
 * Every route to a witness's identity, as `who`: the identity part, the report's parts, the
 * witness list and view, the disclosures' list, view, review copy and investigators' copy.
 * Returns what succeeded.
 */
async function identityRoutes(who: Who, detail: WitnessDetail, disclosureId?: string): Promise<string[]> {
  const a = as(who);
  const got: string[] = [];
  const tryRoute = async (name: string, p: Promise<unknown>) => ((await outcome(p)) === 'ok' ? got.push(name) : undefined);
  await tryRoute('identity part', fetchSealedPart(a, witness.ref, detail.identityPart as number));
  await tryRoute('witness list', listWitnesses(a));
  await tryRoute('witness view', getWitness(a, witness.number));
  const listed = await listDisclosures(a).catch(() => null);
  if (listed?.some((d) => d.witness === witness.number)) got.push('disclosure list');
  if (disclosureId) {
    await tryRoute('disclosure view', getDisclosure(a, disclosureId));
    await tryRoute('review copy', a.bytes(`/api/v1/disclosures/${disclosureId}/review`));
    await tryRoute('investigators’ copy', fetchDisclosed(a, disclosureId));
  }
  return got;
}

beforeAll(async () => {
  server = await startTestServer();
  for (const who of STAFF) {
    const k = server.fixture.keys[who]!;
    keys[who] = await unlockPrivateKey(k.privateKey, k.passphrase);
    api[who] = new ApiClient({ server: server.url });
    await login(as(who), keys[who]!, server.fixture.origin);
  }
  const filed = await submitReport(new ApiClient({ server: server.url }), {
    category: 'temoin',
    text: 'Témoignage : le guetteur du hall B',
    identity: IDENTITY,
  });
  witness = { ref: filed.ref, number: filed.witness as string };
});
afterAll(async () => server?.close());

describe('a witness request', () => {
  it('gets a random W- number, given to the resident and shown to investigators and custodians', async () => {
    expect(witness.number).toMatch(/^W-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const other = await submitReport(new ApiClient({ server: server.url }), { category: 'temoin', text: 't', identity: 'i' });
    expect(other.witness).toMatch(/^W-/);
    expect(other.witness).not.toBe(witness.number);
    const tip = await submitReport(new ApiClient({ server: server.url }), { category: 'armes', text: 'tip' });
    expect(tip.witness).toBeUndefined();
    expect((await getReport(as('officer-a'), witness.ref)).witness).toBe(witness.number);
    expect((await listReports(as('officer-a'))).reports.find((r) => r.ref === witness.ref)?.witness).toBe(witness.number);
    expect((await listWitnesses(as('custodian-d'))).witnesses.map((w) => w.number)).toContain(witness.number);
  });

  it('carries in its identity part only the custodians’ key IDs (OpenPGP.js packet reader and gpg --list-packets)', async () => {
    const detail = await getWitness(as('custodian-d'), witness.number);
    const bytes = await fetchSealedPart(as('custodian-d'), witness.ref, detail.identityPart as number);
    const custodianIds = ['custodian-d', 'custodian-e']
      .flatMap((id) => server.config.staff.get(id)!.encryptionKeyIds.map((k) => k.keyId))
      .sort();
    expect(
      inspectSealedPart(bytes)
        .recipients.map((r) => r.keyId)
        .sort(),
    ).toEqual(custodianIds);
    const listed = spawnSync('gpg', ['--homedir', new Gpg().home, '--batch', '--list-packets'], { input: bytes, encoding: 'utf8' });
    const gpgIds = [...listed.stdout.matchAll(/:pubkey enc packet: version 3, algo \d+, keyid ([0-9A-F]{16})/g)]
      .map((m) => m[1]!.toLowerCase())
      .sort();
    expect(gpgIds).toEqual(custodianIds);
  });
});

describe('disclosure by two custodians', () => {
  let detail: WitnessDetail;
  let first: { id: string; encryptedSha256: string };

  it('gives investigators, city staff and auditors no route to the identity before a disclosure', async () => {
    detail = await getWitness(as('custodian-d'), witness.number);
    for (const who of ['officer-a', 'officer-b', 'city-c', 'auditor-f'] as const)
      expect([who, await identityRoutes(who, detail)]).toEqual([who, []]);
    expect(await identityRoutes('custodian-e', detail)).toEqual(['identity part', 'witness list', 'witness view']);
  });

  it('lets custodian D ask for a disclosure to the police inbox, and nobody else ask', async () => {
    const identity = await openIdentity(as('custodian-d'), detail, keys['custodian-d']!);
    expect(identity).toBe(IDENTITY);
    const input = { inbox: 'police', basis: 'art. 706-60 CPP', decision: 'Ordonnance JLD 2026/0042', identity };
    // Officers (even of the target inbox) and auditors may not ask; their role is refused.
    for (const who of ['officer-a', 'city-c', 'auditor-f'] as const)
      expect(await outcome(requestDisclosure(as(who), detail, input))).toBe('403 forbidden');
    // Only a police inbox that received the testimony: not the city.
    const city = { ...detail, targets: [{ id: 'city', name: 'city', keys: [server.config.staff.get('city-c')!.armored], allowed: true }] };
    expect(await outcome(requestDisclosure(as('custodian-d'), city, { ...input, inbox: 'city' }))).toBe('422 disclosure_target_invalid');
    const before = await counts();
    first = await requestDisclosure(as('custodian-d'), detail, input);
    expect(first.id).toMatch(/^D-/);
    expect(await counts()).toEqual({ ...before, disclosures: before.disclosures! + 1, audit_entries: before.audit_entries! + 1 });
    // A second open request to the same inbox is refused.
    expect(await outcome(requestDisclosure(as('custodian-e'), detail, input))).toBe('409 disclosure_open');
  });

  it('still gives investigators nothing while the disclosure waits for a second custodian', async () => {
    for (const who of ['officer-a', 'officer-b', 'city-c', 'auditor-f'] as const)
      expect([who, await identityRoutes(who, detail, first.id)]).toEqual([who, []]);
  });

  it('refuses the requester’s own approval or refusal, and anyone but a custodian of the witness', async () => {
    const before = await counts();
    expect(await outcome(decide(as('custodian-d'), first.id, 'approve', first.encryptedSha256))).toBe('403 disclosure_own_request');
    expect(await outcome(decide(as('custodian-d'), first.id, 'refuse'))).toBe('403 disclosure_own_request');
    for (const who of ['officer-a', 'city-c', 'auditor-f'] as const)
      expect(await outcome(decide(as(who), first.id, 'approve', first.encryptedSha256))).toBe('403 forbidden');
    expect(await outcome(decide(as('custodian-e'), first.id, 'approve', 'f'.repeat(64)))).toBe('409 disclosure_changed');
    expect(await counts()).toEqual(before);
    // Each refused attempt is in the log, with who tried and why.
    const refused = (await auditEntries()).filter((e) => e.action === 'staff.refused').slice(-6);
    expect(refused.map((e) => [e.actor, e.details.error])).toEqual([
      ['member:custodian-d', 'disclosure_own_request'],
      ['member:custodian-d', 'disclosure_own_request'],
      ['member:officer-a', 'forbidden'],
      ['member:city-c', 'forbidden'],
      ['member:auditor-f', 'forbidden'],
      ['member:custodian-e', 'disclosure_changed'],
    ]);
    expect(refused[0]!.details.route).toBe('POST /api/v1/disclosures/:id/approve');
  });

  it('shows the second custodian exactly what the investigators will read, and takes their approval once', async () => {
    const d = await getDisclosure(as('custodian-e'), first.id);
    const identity = await openIdentity(as('custodian-e'), detail, keys['custodian-e']!);
    const review = await reviewDisclosure(as('custodian-e'), d, identity, keys['custodian-e']!);
    expect(review.problems).toEqual([]);
    expect(review.text).toMatchObject({
      witness: witness.number,
      inbox: 'police',
      basis: 'art. 706-60 CPP',
      decision: 'Ordonnance JLD 2026/0042',
      identity: IDENTITY,
    });
    // Two approvals racing: the database takes one.
    const results = await Promise.all(
      [
        decide(as('custodian-e'), first.id, 'approve', review.encryptedSha256),
        decide(as('custodian-e'), first.id, 'approve', review.encryptedSha256),
      ].map(outcome),
    );
    expect(results.sort()).toEqual(['409 disclosure_not_pending', 'ok']);
    expect(await outcome(decide(as('custodian-e'), first.id, 'refuse'))).toBe('409 disclosure_not_pending');
  });

  it('then lets only the named police inbox fetch the identity, which its members decrypt with OpenPGP.js and GnuPG', async () => {
    expect(await identityRoutes('city-c', detail, first.id)).toEqual([]);
    expect(await identityRoutes('auditor-f', detail, first.id)).toEqual([]);
    expect(await identityRoutes('officer-a', detail, first.id)).toEqual(['disclosure list', 'disclosure view', 'investigators’ copy']);
    const opened = await openDisclosed(as('officer-a'), first.id, keys['officer-a']!);
    expect(opened).toMatchObject({ witness: witness.number, identity: IDENTITY, decision: 'Ordonnance JLD 2026/0042' });
    const gpg = new Gpg();
    gpg.importKey(server.fixture.keys['officer-b']!.privateKey);
    const plain = gpg
      .decrypt(await fetchDisclosed(as('officer-b'), first.id), server.fixture.keys['officer-b']!.passphrase)
      .toString('utf8');
    expect(plain).toContain('Quentin Zéphyr-Canari');
    expect(plain).toContain(`Witness: ${witness.number}`);
    // Custodians have their review copy, not the investigators' one.
    expect(await outcome(fetchDisclosed(as('custodian-d'), first.id))).toBe('403 forbidden');
    expect((await getDisclosure(as('officer-a'), first.id)).state).toBe('fetched');
  });

  it('cannot be withdrawn once fetched', async () => {
    expect(await outcome(decide(as('custodian-d'), first.id, 'withdraw'))).toBe('409 disclosure_fetched');
  });

  it('can be withdrawn before it is fetched, and then neither approved nor fetched', async () => {
    const identity = await openIdentity(as('custodian-e'), detail, keys['custodian-e']!);
    const asked = await requestDisclosure(as('custodian-e'), detail, {
      inbox: 'police',
      basis: 'art. 706-58 CPP',
      decision: 'JLD 2026/7',
      identity,
    });
    expect(await outcome(decide(as('custodian-d'), asked.id, 'approve', asked.encryptedSha256))).toBe('ok');
    expect(await outcome(decide(as('custodian-e'), asked.id, 'withdraw'))).toBe('ok');
    expect(await outcome(decide(as('custodian-d'), asked.id, 'approve', asked.encryptedSha256))).toBe('409 disclosure_closed');
    expect(await outcome(fetchDisclosed(as('officer-a'), asked.id))).toBe('404 not_found');
    expect(await outcome(getDisclosure(as('officer-a'), asked.id))).toBe('404 not_found');
    const again = await requestDisclosure(as('custodian-d'), detail, {
      inbox: 'police',
      basis: 'art. 706-58 CPP',
      decision: 'JLD 2026/8',
      identity,
    });
    expect(await outcome(decide(as('custodian-d'), again.id, 'withdraw'))).toBe('ok');
    expect(await outcome(decide(as('custodian-e'), again.id, 'approve', again.encryptedSha256))).toBe('409 disclosure_closed');
  });

  it('once refused, is never fetchable', async () => {
    const identity = await openIdentity(as('custodian-d'), detail, keys['custodian-d']!);
    const asked = await requestDisclosure(as('custodian-d'), detail, {
      inbox: 'police',
      basis: 'art. 706-58 CPP',
      decision: 'JLD 2026/9',
      identity,
    });
    expect(await outcome(decide(as('custodian-e'), asked.id, 'refuse'))).toBe('ok');
    expect(await outcome(decide(as('custodian-e'), asked.id, 'approve', asked.encryptedSha256))).toBe('409 disclosure_closed');
    expect(await outcome(fetchDisclosed(as('officer-a'), asked.id))).toBe('404 not_found');
    expect(await outcome(decide(as('custodian-d'), asked.id, 'withdraw'))).toBe('409 disclosure_closed');
  });

  it('writes every request, approval, refusal, withdrawal and fetch to the audit log, with the actor, never the identity', async () => {
    const entries = await auditEntries();
    const of = (action: string) => entries.filter((e) => e.action === action && e.details?.witness === witness.number);
    expect(of('disclosure.requested').map((e) => e.actor)).toEqual([
      'member:custodian-d',
      'member:custodian-e',
      'member:custodian-d',
      'member:custodian-d',
    ]);
    expect(of('disclosure.approved').map((e) => e.actor)).toEqual(['member:custodian-e', 'member:custodian-d']);
    expect(of('disclosure.refused').map((e) => e.actor)).toEqual(['member:custodian-e']);
    expect(of('disclosure.withdrawn').map((e) => e.actor)).toEqual(['member:custodian-e', 'member:custodian-d']);
    expect(of('disclosure.fetched').map((e) => `${e.actor} ${e.inbox} ${e.details.disclosure}`)).toEqual([
      `member:officer-a police ${first.id}`,
      `member:officer-a police ${first.id}`,
      `member:officer-b police ${first.id}`,
    ]);
    expect(of('disclosure.approved')[0]).toMatchObject({
      report: witness.ref,
      inbox: 'police',
      details: { disclosure: first.id, encryptedSha256: first.encryptedSha256 },
    });
    const all = JSON.stringify(entries);
    for (const secret of ['Zéphyr', 'Ordonnance', '706-60']) expect(all).not.toContain(secret);
  });
});

describe('a disclosure sealed wrong', () => {
  let detail: WitnessDetail;
  let identity: string;
  const post = async (meta: Record<string, unknown>, parts: Uint8Array[]) =>
    outcome(as('custodian-d').request('POST', '/api/v1/disclosures', sealedPartsForm(meta, parts)));
  const meta = () => ({ witness: detail.number, inbox: 'police', parts: ['disclosure', 'review'] });
  const text = () =>
    composeDisclosureText({ witness: detail.number, report: detail.ref, inbox: 'police', basis: 'b', decision: 'd', identity });
  const keysOf = (ids: string[]) => readPublicKeys(ids.map((id) => server.config.staff.get(id)!.armored));

  beforeAll(async () => {
    const other = await submitReport(new ApiClient({ server: server.url }), { category: 'temoin', text: 't', identity: 'someone else' });
    detail = await getWitness(as('custodian-d'), other.witness as string);
    identity = await openIdentity(as('custodian-d'), detail, keys['custodian-d']!);
  });

  it('is refused when the investigators’ copy has a recipient too many or too few, and nothing is written', async () => {
    const before = await counts();
    for (const [investigators, code] of [
      [['officer-a', 'officer-b', 'city-c'], '422 recipients_unexpected'],
      [['officer-a'], '422 recipients_missing'],
      [['officer-a', 'officer-b', 'custodian-e'], '422 recipients_unexpected'],
    ] as const) {
      const custodians = ['custodian-d', 'custodian-e'].filter((c) => !investigators.includes(c as never));
      const { sealed, review } = await sealDisclosure(text(), await keysOf([...investigators]), await keysOf(custodians));
      expect([investigators.join(','), await post(meta(), [sealed, review])]).toEqual([
        investigators.join(','),
        custodians.length === 2 ? code : '422 recipients_unexpected',
      ]);
    }
    expect(await counts()).toEqual(before);
  });

  it('is refused when the review copy is not for exactly the custodians, or does not carry the same encrypted data', async () => {
    const before = await counts();
    const onlyD = await sealDisclosure(text(), await keysOf(['officer-a', 'officer-b']), await keysOf(['custodian-d']));
    expect(await post(meta(), [onlyD.sealed, onlyD.review])).toBe('422 recipients_missing');
    const a = await sealDisclosure(text(), await keysOf(['officer-a', 'officer-b']), await keysOf(['custodian-d', 'custodian-e']));
    const b = await sealDisclosure(
      text().replace('someone else', 'a different identity'),
      await keysOf(['officer-a', 'officer-b']),
      await keysOf(['custodian-d', 'custodian-e']),
    );
    expect(await post(meta(), [a.sealed, b.review])).toBe('422 disclosure_mismatch');
    const plainly = await sealEnvelope(
      { kind: 'disclosure', contentType: 'text/plain; charset=utf-8', content: utf8(text()) },
      await keysOf(['officer-a', 'officer-b']),
    );
    expect(await post(meta(), [plainly, a.review])).toBe('422 disclosure_mismatch');
    expect(await post(meta(), [utf8('CANARY not OpenPGP'), a.review])).toBe('422 part_not_openpgp');
    expect(await counts()).toEqual(before);
  });
});
