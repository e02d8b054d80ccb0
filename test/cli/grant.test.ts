// Members who come and go (issue 14 §4), as a city would live it: a police liaison officer is
// replaced by a new one (a GnuPG 2.2 key) and a custodian by another; the new officer's first pull
// keeps everything sealed in quarantine; a current member runs `relais grant --all`; then the new
// officer pulls every earlier report — parts, attachments, messages, notes — and gpg decrypts them
// with the new key while the old officer's key no longer opens the new bytes. Every encrypted
// packet stays byte-identical; the resident still reads the conversation; the witness's identity
// goes only to the custodians, and only a custodian can grant it. The server refuses key packets
// whose recipients are not exactly the current members, and writes nothing then.
import * as openpgp from 'openpgp';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { openConversation, readMessages, sendMessage } from '../../src/client/followup.ts';
import { grantReport, grantStatus, newKeyPackets } from '../../src/client/grant.ts';
import { reply, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { fromUtf8, toBase64 } from '../../src/core/bytes.ts';
import { decodeEnvelope } from '../../src/core/envelope.ts';
import { inspectSealedPart } from '../../src/core/openpgp-packets.ts';
import { splitSealed } from '../../src/core/witness-seal.ts';
import { relais } from '../helpers/cli.ts';
import { makeFixture, makeKey, startTestServer, type TestServer } from '../helpers/fixture.ts';
import { Gpg } from '../helpers/gpg.ts';
import { outcome, staffClient } from '../helpers/staff.ts';
import { tempDir } from '../helpers/temp.ts';

const work = tempDir('relais-grant-');
const gpg = new Gpg();
const NEW_PASS = 'nouvelle liaison police';
let server: TestServer;
let dbPath: string;
let tip: { ref: string; receipt: string };
let witnessRef: string;
/** every sealed object of the two reports before the change, by "ref target idx" */
const before = new Map<string, Uint8Array>();

async function storedObjects(): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const ref of [tip.ref, witnessRef]) {
    const report = await server.relais.store.reports.get(ref);
    for (const p of report!.parts) out.set(`${ref} part ${p.idx}`, (await server.relais.store.reports.partBytes(ref, p.idx))!);
    for (const m of await server.relais.store.messages.list(ref, ['message', 'status', 'note', 'attachment']))
      if (m.size > 0) out.set(`${ref} message ${m.idx}`, (await server.relais.store.messages.get(ref, m.idx))!.bytes!);
  }
  return out;
}

const keyIdsOf = (armored: string) => openpgp.readKey({ armoredKey: armored }).then((k) => k.getKeyIDs().map((i) => i.toHex()));
const recipientsOf = (bytes: Uint8Array) => inspectSealedPart(bytes).recipients.map((r) => r.keyId);

function writeKey(name: string, armored: string): string {
  const path = join(work, name);
  writeFileSync(path, armored);
  return path;
}

const pullAs = (keyFile: string, passFile: string, out: string) =>
  relais(['pull', '--server', server.url, '--key', keyFile, '--passphrase-file', passFile, '--out', out]);

let newOfficer: { privateKey: string; publicKey: string };
const officerPass = writeKey('officer.pass', 'correct horse battery staple');
const newPass = writeKey('new.pass', NEW_PASS);

beforeAll(async () => {
  const fx = await makeFixture();
  dbPath = join(fx.dir, 'relais.db');
  server = await startTestServer(fx);
  const resident = new ApiClient({ server: server.url });
  const filed = await submitReport(resident, {
    category: 'armes',
    text: 'Armes dans la cave D',
    attachments: [{ contentType: 'application/octet-stream', bytes: new TextEncoder().encode('pièce jointe') }],
  });
  tip = { ref: filed.ref, receipt: filed.receipt! };
  const conversation = await openConversation(resident, tip.receipt);
  await sendMessage(conversation, 'Ils sont revenus', [
    { contentType: 'application/octet-stream', bytes: new TextEncoder().encode('photo') },
  ]);
  const a = await staffClient(server, 'officer-a');
  await reply(a, tip.ref, { text: 'Merci, nous regardons.' });
  await reply(a, tip.ref, { text: 'Note interne', note: true });
  witnessRef = (await submitReport(resident, { category: 'temoin', text: 'J’ai vu', identity: 'Nom: X' }, { followUp: false })).ref;
  for (const [k, v] of await storedObjects()) before.set(k, v);

  // officer-b leaves the police inbox, officer-n (a GnuPG key) joins; custodian-e is replaced by custodian-z.
  newOfficer = gpg.generateKey('Police — liaison nouvelle', NEW_PASS);
  writeFileSync(join(fx.dir, 'keys', 'officer-n.asc'), newOfficer.publicKey);
  const custodianZ = await makeKey('Relais test custodian-z');
  fx.keys['custodian-z'] = custodianZ;
  writeFileSync(join(fx.dir, 'keys', 'custodian-z.asc'), custodianZ.publicKey);
  const json = structuredClone(fx.json) as any;
  json.inboxes[0].members = [json.inboxes[0].members[0], { id: 'officer-n', name: 'Nouvelle', key: 'keys/officer-n.asc' }];
  json.inboxes[2].members = [json.inboxes[2].members[0], { id: 'custodian-z', name: 'Z', key: 'keys/custodian-z.asc' }];
  writeFileSync(fx.configPath, JSON.stringify(json));
  await server.close();
  server = await startTestServer(fx, { dbPath });
});
afterAll(async () => server?.close());

describe('a member replaced, then relais grant', () => {
  it('leaves the new member unable to read earlier reports, which pull keeps sealed in quarantine', async () => {
    const res = await pullAs(writeKey('new.key', newOfficer.privateKey), newPass, join(work, 'before-grant'));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `it is not sealed to your key (it arrived before you were a member?): a member who can read it runs \`relais grant --ref ${tip.ref}\``,
    );
  });

  it('refuses key packets that are not exactly for the current members, and writes nothing', async () => {
    const a = await staffClient(server, 'officer-a');
    const key = await unlockPrivateKey(server.fixture.keys['officer-a']!.privateKey, 'correct horse battery staple');
    const sealed = before.get(`${tip.ref} part 0`)!;
    const keys = async (...armored: string[]) => Promise.all(armored.map((k) => openpgp.readKey({ armoredKey: k })));
    const post = (items: unknown) => outcome(a.json('POST', `/api/v1/reports/${tip.ref}/grant`, { items }));
    const packets = async (...armored: string[]) => toBase64(await newKeyPackets(sealed, key, await keys(...armored)));
    const fx = server.fixture.keys;
    // Still for the member who left.
    expect(
      await post([{ target: 'part', idx: 0, keyPackets: await packets(fx['officer-a']!.publicKey, fx['officer-b']!.publicKey) }]),
    ).toBe('422 recipients_unexpected');
    // The new member left out.
    expect(await post([{ target: 'part', idx: 0, keyPackets: await packets(fx['officer-a']!.publicKey) }])).toBe('422 recipients_missing');
    // Key packets followed by an encrypted packet: not only key packets.
    expect(await post([{ target: 'part', idx: 0, keyPackets: toBase64(sealed) }])).toBe('422 grant_not_key_packets');
    expect(await post([{ target: 'part', idx: 0, keyPackets: '%%%' }])).toBe('400 bad_request');
    expect(await post([{ target: 'part', idx: 9, keyPackets: 'AA==' }])).toBe('404 not_found');
    expect(await post([])).toBe('400 bad_request');
    const good = await packets(fx['officer-a']!.publicKey, newOfficer.publicKey);
    expect(
      await post([
        { target: 'part', idx: 0, keyPackets: good },
        { target: 'part', idx: 0, keyPackets: good },
      ]),
    ).toBe('400 bad_request');
    // An officer may not touch the identity part (custodians only), nor a report not routed to them.
    expect(
      await outcome(a.json('POST', `/api/v1/reports/${witnessRef}/grant`, { items: [{ target: 'part', idx: 1, keyPackets: good }] })),
    ).toBe('404 not_found');
    const city = await staffClient(server, 'city-c');
    expect(
      await outcome(city.json('POST', `/api/v1/reports/${tip.ref}/grant`, { items: [{ target: 'part', idx: 0, keyPackets: good }] })),
    ).toBe('404 not_found');
    const officerWitness = await grantStatus(a, witnessRef);
    expect(officerWitness.items.map((i) => i.audience)).toEqual(['main']);
    expect(await storedObjects()).toEqual(before);
  });

  it('replaces only the key packets: every encrypted packet stays byte-identical, old members are gone, the new one is in', async () => {
    const res = await relais([
      'grant',
      '--server',
      server.url,
      '--key',
      writeKey('officer-a.key', server.fixture.keys['officer-a']!.privateKey),
      '--passphrase-file',
      officerPass,
      '--all',
    ]);
    expect(res.code, res.stderr).toBe(0);
    // A custodian grants the identity; officers cannot.
    const d = await staffClient(server, 'custodian-d');
    const custodianKey = await unlockPrivateKey(server.fixture.keys['custodian-d']!.privateKey, 'correct horse battery staple');
    const granted = await grantReport(d, witnessRef, custodianKey);
    expect(granted).toMatchObject({ granted: 1, failed: [] });

    const after = await storedObjects();
    const fx = server.fixture.keys;
    const a = await keyIdsOf(fx['officer-a']!.publicKey);
    const b = await keyIdsOf(fx['officer-b']!.publicKey);
    const n = await keyIdsOf(newOfficer.publicKey);
    const e = await keyIdsOf(fx['custodian-e']!.publicKey);
    const z = await keyIdsOf(fx['custodian-z']!.publicKey);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [k, bytes] of after) {
      expect(splitSealed(bytes).encrypted, k).toEqual(splitSealed(before.get(k)!).encrypted);
      const to = recipientsOf(bytes);
      expect(
        to.some((id) => b.includes(id) || e.includes(id)),
        k,
      ).toBe(false);
      if (k === `${witnessRef} part 1`) expect(to.some((id) => z.includes(id)) && !to.some((id) => a.includes(id)), k).toBe(true);
      else expect(to.some((id) => n.includes(id)) && to.some((id) => a.includes(id)), k).toBe(true);
    }
    // The resident's own key packets were kept byte for byte: they still read the conversation.
    const messages = await readMessages(await openConversation(new ApiClient({ server: server.url }), tip.receipt));
    expect(messages.map((m) => (m.envelope ? fromUtf8(m.envelope.content) : null))).toEqual([
      'Ils sont revenus',
      'photo',
      'Merci, nous regardons.',
    ]);
    const entries = (await server.relais.store.audit.range(0, 10_000))
      .map((x) => JSON.parse(x.entry))
      .filter((x) => x.action === 'report.grant');
    expect(entries.find((x) => x.report === tip.ref)?.details.recipients).toEqual(['officer-a', 'officer-n', 'resident']);
    // Nothing left to do: a second run grants nothing.
    expect((await grantReport(d, witnessRef, custodianKey)).granted).toBe(0);
  });

  it('lets the new member pull every earlier report, which gpg decrypts with the new key and not with the old member’s', async () => {
    const out = join(work, 'after-grant');
    const res = await pullAs(writeKey('new.key', newOfficer.privateKey), newPass, out);
    expect(res.code, res.stderr).toBe(0);
    expect(readFileSync(join(out, tip.ref, 'report.txt'), 'utf8')).toBe('Armes dans la cave D');
    expect(readFileSync(join(out, tip.ref, 'attachment-1.bin'), 'utf8')).toBe('pièce jointe');
    expect(readdirSync(join(out, tip.ref, 'messages')).sort()).toEqual([
      '0000-resident-message.txt',
      '0001-resident-attachment.bin',
      '0002-staff-message.txt',
      '0003-staff-note.txt',
      'conversation.json',
    ]);
    expect(readFileSync(join(out, witnessRef, 'report.txt'), 'utf8')).toBe('J’ai vu');
    expect(readdirSync(join(out, witnessRef))).not.toContain('identity.txt');

    gpg.importKey(newOfficer.privateKey);
    const report = (await server.relais.store.reports.partBytes(tip.ref, 0))!;
    expect(fromUtf8(decodeEnvelope(new Uint8Array(gpg.decrypt(report, NEW_PASS))).content)).toBe('Armes dans la cave D');
    const old = new Gpg();
    old.importKey(server.fixture.keys['officer-b']!.privateKey);
    expect(() => old.decrypt(report, 'correct horse battery staple')).toThrow();
    expect(old.decrypt(before.get(`${tip.ref} part 0`)!, 'correct horse battery staple').length).toBeGreaterThan(0);
  });
});
