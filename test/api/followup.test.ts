// The anonymous two-way conversation: receipt → lookup key and reply key on the client, officer
// replies and status changes, the resident's messages, internal notes, and every refusal.
import { outcome, staffClient } from '../helpers/staff.ts';
import * as openpgp from 'openpgp';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { openConversation, readMessages, sendMessage, setUpFollowUp } from '../../src/client/followup.ts';
import { fetchSealedMessage, getReport, reply, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { fromUtf8, toBase64Url, utf8 } from '../../src/core/bytes.ts';
import { deriveReceiptSecrets, normalizeReceipt } from '../../src/core/receipt.ts';
import { RESIDENT_KEY_DATE } from '../../src/core/resident-key.ts';
import { openSealedPart, readPublicKeys, sealEnvelope } from '../../src/core/seal.ts';
import { startTestServer, type TestServer } from '../helpers/fixture.ts';
import { formOf, powHeaders, send, solvedPow, validSubmission } from '../helpers/intake.ts';

let server: TestServer;
const keys: Record<string, openpgp.PrivateKey> = {};
let ref: string;
let receipt: string;

const staff = (id: string): Promise<ApiClient> => staffClient(server, id);

const code = outcome;

beforeAll(async () => {
  server = await startTestServer();
  for (const [id, k] of Object.entries(server.fixture.keys)) keys[id] = await unlockPrivateKey(k.privateKey, k.passphrase);
  const filed = await submitReport(new ApiClient({ server: server.url }), { category: 'trafic', text: 'Deal au parking' });
  ref = filed.ref;
  receipt = filed.receipt!;
});
afterAll(async () => server?.close());

describe('receipts', () => {
  it('are 20 digits in groups of four', () => {
    expect(receipt).toMatch(/^\d{4}-\d{4}-\d{4}-\d{4}-\d{4}$/);
  });

  it('derive the same secrets however the resident types them', () => {
    const digits = normalizeReceipt(receipt)!;
    const spaced = digits.replace(/(\d{4})/g, '$1 ').trim();
    expect(deriveReceiptSecrets(spaced)).toEqual(deriveReceiptSecrets(receipt));
    expect(normalizeReceipt('1234')).toBeNull();
  });

  it('never reach the server: only the hash of the lookup key and the locked reply key are stored', async () => {
    const { lookupKey, passphrase } = deriveReceiptSecrets(receipt);
    const row = await server.relais.store.db.first<{ lookup_hash: string; reply_locked_key: string }>(
      'SELECT lookup_hash, reply_locked_key FROM all_reports WHERE ref = ?',
      [ref],
    );
    expect(row!.lookup_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.reply_locked_key).toContain('PRIVATE KEY BLOCK');
    const files = [server.dbPath, `${server.dbPath}-wal`].map((f) => readFileSync(f).toString('latin1')).join('');
    for (const secret of [receipt, normalizeReceipt(receipt)!, passphrase, toBase64Url(lookupKey)])
      expect(files.includes(secret)).toBe(false);
  });

  it('make a reply key that says nothing about the resident', async () => {
    const row = await server.relais.store.db.first<{ reply_public_key: string }>('SELECT reply_public_key FROM all_reports WHERE ref = ?', [
      ref,
    ]);
    const key = await openpgp.readKey({ armoredKey: row!.reply_public_key });
    expect(key.getUserIDs()).toEqual(['Relais']);
    expect(key.getCreationTime().getTime()).toBe(RESIDENT_KEY_DATE.getTime());
  });
});

describe('the conversation', () => {
  it('carries an officer reply with a status to the resident, decrypted on the resident side only', async () => {
    const officer = await staff('officer-a');
    await reply(officer, ref, { text: 'Merci, nous transmettons aux enquêteurs.', status: 'in-progress' });
    const conversation = await openConversation(new ApiClient({ server: server.url }), receipt);
    expect(conversation.status).toBe('in-progress');
    const messages = await readMessages(conversation);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ author: 'staff', kind: 'status', status: 'in-progress' });
    expect(fromUtf8(messages[0]!.envelope!.content)).toBe('Merci, nous transmettons aux enquêteurs.');
  });

  it('carries the resident’s message to every officer of the inbox and marks the report unread again', async () => {
    const conversation = await openConversation(new ApiClient({ server: server.url }), receipt);
    await sendMessage(conversation, 'Ils sont revenus ce soir, trois personnes.');
    const officer = await staff('city-c');
    const unread = await officer.json<{ reports: { ref: string }[] }>('GET', '/api/v1/reports?unread=1');
    expect(unread.reports.map((r) => r.ref)).toContain(ref);
    const detail = await getReport(officer, ref);
    const last = detail.messages.at(-1)!;
    expect(last).toMatchObject({ author: 'resident', kind: 'message', memberId: null });
    expect(last.at % 3600).toBe(0);
    const envelope = await openSealedPart(await fetchSealedMessage(officer, ref, last.idx), keys['city-c']!);
    expect(fromUtf8(envelope.content)).toBe('Ils sont revenus ce soir, trois personnes.');
  });

  it('keeps internal notes from the resident', async () => {
    const officer = await staff('officer-b');
    await reply(officer, ref, { text: 'Note interne : recouper avec le dossier 2026-114', note: true });
    const detail = await getReport(officer, ref);
    const note = detail.messages.find((m) => m.kind === 'note')!;
    const conversation = await openConversation(new ApiClient({ server: server.url }), receipt);
    expect(conversation.messages.map((m) => m.kind)).not.toContain('note');
    const res = await fetch(`${server.url}/api/v1/followup/messages/${note.idx}`, {
      headers: { Authorization: `Followup ${conversation.token}` },
    });
    expect(res.status).toBe(404);
    // and the note is sealed to the inbox alone: the resident's key cannot open it
    await expect(openSealedPart(await fetchSealedMessage(officer, ref, note.idx), conversation.key)).rejects.toThrow();
  });

  it('lets an officer change the status without a message', async () => {
    await reply(await staff('officer-a'), ref, { status: 'closed' });
    expect((await openConversation(new ApiClient({ server: server.url }), receipt)).status).toBe('closed');
  });

  it('logs replies, notes and status changes with the officer and the report', async () => {
    const entries = (await server.relais.store.audit.range(0, 10_000)).map((e) => JSON.parse(e.entry));
    expect(entries).toContainEqual(expect.objectContaining({ action: 'report.reply', actor: 'member:officer-a', report: ref }));
    expect(entries).toContainEqual(
      expect.objectContaining({ action: 'report.status', actor: 'member:officer-a', report: ref, details: { status: 'in-progress' } }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ action: 'report.note', actor: 'member:officer-b', report: ref }));
  });
});

describe('refusals', () => {
  it('answers a wrong receipt exactly like an unknown one', async () => {
    const wrong = receipt.replace(/^\d/, (d) => String((Number(d) + 1) % 10));
    const res = await Promise.all(
      [wrong, '0000-0000-0000-0000-0000'].map(async (r) => {
        const { lookupKey } = deriveReceiptSecrets(r);
        const out = await fetch(`${server.url}/api/v1/followup/open`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ lookupKey: toBase64Url(lookupKey), pow: await solvedPow(server.url, 'lookup') }),
        });
        return { status: out.status, body: await out.text() };
      }),
    );
    expect(res[0]).toEqual(res[1]);
    expect(res[0]!.status).toBe(404);
    expect(JSON.parse(res[0]!.body).error).toBe('receipt_unknown');
  });

  it('spends a proof of work on every lookup, so guesses cannot reuse one', async () => {
    const pow = await solvedPow(server.url, 'lookup');
    const body = JSON.stringify({ lookupKey: toBase64Url(deriveReceiptSecrets('1111-1111-1111-1111-1111').lookupKey), pow });
    const first = await fetch(`${server.url}/api/v1/followup/open`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    const again = await fetch(`${server.url}/api/v1/followup/open`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect([first.status, again.status]).toEqual([404, 409]);
    expect(((await again.json()) as { error: string }).error).toBe('pow_replayed');
  });

  it('refuses a lookup with a report proof of work', async () => {
    const res = await fetch(`${server.url}/api/v1/followup/open`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ lookupKey: 'A'.repeat(43), pow: await solvedPow(server.url, 'report') }),
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toBe('pow_wrong_purpose');
  });

  it('refuses a forged or missing follow-up token', async () => {
    for (const auth of [undefined, `Followup fu1.R-AAAA-AAAA-AAAA.9999999999.${'A'.repeat(43)}`, 'Bearer x']) {
      const res = await fetch(`${server.url}/api/v1/followup/messages`, { headers: auth ? { Authorization: auth } : {} });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe('followup_token_invalid');
    }
  });

  it('refuses a resident message not sealed to the resident’s own key, or sealed to an outsider', async () => {
    const conversation = await openConversation(new ApiClient({ server: server.url }), receipt);
    const post = async (armored: string[]) => {
      const sealed = await sealEnvelope(
        { kind: 'message', contentType: 'text/plain; charset=utf-8', content: utf8('x') },
        await readPublicKeys(armored),
      );
      const form = new FormData();
      form.set('meta', JSON.stringify({ parts: ['message'] }));
      form.set('part-0', new Blob([sealed as Uint8Array<ArrayBuffer>]));
      const res = await fetch(`${server.url}/api/v1/followup/messages`, {
        method: 'POST',
        body: form,
        headers: { Authorization: `Followup ${conversation.token}` },
      });
      return ((await res.json()) as { error?: string }).error;
    };
    const before = (await getReport(await staff('officer-a'), ref)).messages.length;
    expect(await post(conversation.inboxKeys)).toBe('recipients_missing');
    const outsider = (await openpgp.generateKey({ userIDs: [{ name: 'x' }], format: 'armored' })).publicKey;
    expect(await post([...conversation.inboxKeys, conversation.publicKey, outsider])).toBe('recipients_unexpected');
    expect((await getReport(await staff('officer-a'), ref)).messages.length).toBe(before);
  });

  it('refuses a staff message the resident could not read, and a note the resident could', async () => {
    const officer = await staff('officer-a');
    const detail = await getReport(officer, ref);
    const post = async (part: string, armored: string[]) => {
      const sealed = await sealEnvelope(
        { kind: 'message', contentType: 'text/plain; charset=utf-8', content: utf8('x') },
        await readPublicKeys(armored),
      );
      const form = new FormData();
      form.set('meta', JSON.stringify({ parts: [part] }));
      form.set('part-0', new Blob([sealed as Uint8Array<ArrayBuffer>]));
      return code(officer.request('POST', `/api/v1/reports/${ref}/messages`, form));
    };
    expect(await post('message', detail.inboxKeys)).toBe('422 recipients_missing');
    expect(await post('note', [...detail.inboxKeys, detail.replyKey!])).toBe('422 recipients_unexpected');
    expect((await getReport(officer, ref)).messages.length).toBe(detail.messages.length);
  });

  it('lets no officer of another inbox, and no custodian, read or write the conversation', async () => {
    const { ref: armesRef } = await submitReport(new ApiClient({ server: server.url }), { category: 'armes', text: 'x' });
    const city = await staff('city-c');
    expect(await code(reply(city, armesRef, { status: 'closed' }))).toBe('404 not_found');
    expect(await code(fetchSealedMessage(city, armesRef, 0))).toBe('404 not_found');
    const custodian = await staff('custodian-d');
    expect(await code(reply(custodian, ref, { status: 'closed' }))).toBe('404 not_found');
  });

  it.each([
    [
      'a key with a name in it',
      async () => {
        const k = await openpgp.generateKey({
          type: 'ecc',
          curve: 'ed25519Legacy',
          userIDs: [{ name: 'Fatima B.', email: 'fatima@example.org' }],
          date: RESIDENT_KEY_DATE,
          passphrase: 'p',
          format: 'armored',
        });
        return { publicKey: k.publicKey, lockedKey: k.privateKey };
      },
    ],
    [
      'a key made at the time of writing',
      async () => {
        const k = await openpgp.generateKey({
          type: 'ecc',
          curve: 'ed25519Legacy',
          userIDs: [{ name: 'Relais' }],
          passphrase: 'p',
          format: 'armored',
        });
        return { publicKey: k.publicKey, lockedKey: k.privateKey };
      },
    ],
    [
      'an unlocked private key',
      async () => {
        const k = await openpgp.generateKey({
          type: 'ecc',
          curve: 'ed25519Legacy',
          userIDs: [{ name: 'Relais' }],
          date: RESIDENT_KEY_DATE,
          format: 'armored',
        });
        return { publicKey: k.publicKey, lockedKey: k.privateKey };
      },
    ],
    [
      'two keys that do not match',
      async () => {
        const a = (await setUpFollowUp()).meta;
        const b = (await setUpFollowUp()).meta;
        return { publicKey: a.publicKey, lockedKey: b.lockedKey };
      },
    ],
  ])('refuses a report whose reply key is %s, and stores nothing', async (_, make) => {
    const s = await validSubmission(server.url);
    const keysMade = await make();
    const meta = { ...s.meta, followUp: { lookupKey: 'B'.repeat(43), ...keysMade } };
    const before = await server.relais.store.db.first<{ n: number }>('SELECT COUNT(*) AS n FROM all_reports');
    const res = await send(server.url, formOf({ meta: meta as typeof s.meta, parts: s.parts }), powHeaders(s));
    expect([res.status, res.body.error]).toEqual([422, 'reply_key_invalid']);
    expect(await server.relais.store.db.first<{ n: number }>('SELECT COUNT(*) AS n FROM all_reports')).toEqual(before);
  });
});
