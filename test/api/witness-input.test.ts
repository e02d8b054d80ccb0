// The witness request's page and no-JavaScript path, and bad input on every new route (issue 7):
// /temoigner explains the statuses and routes; without JavaScript the server seals testimony and
// identity apart, to the right keys, gives the W- number with the receipt, and writes neither in
// clear; every refusal on /api/v1/witnesses, /api/v1/disclosures and /nojs/temoigner is a 4xx
// with a stable code, no echo of the input, nothing written, never a 5xx.
import { existsSync, readFileSync } from 'node:fs';
import type * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { login, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { getWitness, openIdentity, requestDisclosure } from '../../src/client/witness.ts';
import { fromUtf8 } from '../../src/core/bytes.ts';
import { issueFormToken } from '../../src/core/form-token.ts';
import { inspectSealedPart } from '../../src/core/openpgp-packets.ts';
import { openSealedPart } from '../../src/core/seal.ts';
import { deriveSecrets } from '../../src/server/secrets.ts';
import { startTestServer, type TestServer } from '../helpers/fixture.ts';

let server: TestServer;
let now = Date.now();
const CANARY = 'CANARY-7c1e';
const token = (ageMs = 10_000) => issueFormToken(deriveSecrets(server.serverSecret).form, 'report', now - ageMs);

async function post(fields: Record<string, string>) {
  const res = await fetch(`${server.url}/nojs/temoigner`, { method: 'POST', body: new URLSearchParams({ nojs: '1', ...fields }) });
  return { status: res.status, body: await res.text() };
}

async function counts(
  tables = ['reports', 'witnesses', 'parts', 'disclosures', 'disclosure_events', 'audit_entries', 'spent_challenges'],
): Promise<string> {
  const out: number[] = [];
  for (const table of tables) {
    out.push((await server.relais.store.db.first<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n ?? -1);
  }
  return out.join(',');
}

async function staff(id: string): Promise<{ api: ApiClient; key: openpgp.PrivateKey }> {
  const k = server.fixture.keys[id]!;
  const key = await unlockPrivateKey(k.privateKey, k.passphrase);
  const api = new ApiClient({ server: server.url });
  await login(api, key, server.fixture.origin);
  return { api, key };
}

beforeAll(async () => {
  server = await startTestServer(undefined, { clock: () => now });
  now = Date.now();
});
afterAll(async () => server?.close());

describe('the “testify under protection” page', () => {
  it('explains both statuses, who reads what, and offers the two sections, linked from the home page', async () => {
    const home = await (await fetch(`${server.url}/`)).text();
    expect(home).toContain('href="/temoigner?lang=fr"');
    // The long witness texts stay off the first page; the witness page's script gets its strings.
    expect(home).not.toContain('"witness.receipt.number"');
    const res = await fetch(`${server.url}/temoigner`);
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(page).toContain('706-58');
    expect(page).toContain('Police — stupéfiants');
    expect(page).toContain('Garde des témoins');
    for (const id of ['what', 'where', 'when', 'name', 'contact', 'safeWhen', 'avoid']) expect(page).toContain(`id="${id}"`);
    expect(page).toContain('action="/nojs/temoigner?lang=fr"');
    expect(page).toContain('"witness.receipt.number"');
    expect(await (await fetch(`${server.url}/temoigner?lang=en`)).text()).toContain('Testify under protection');
  });
});

describe('the no-JavaScript witness request', () => {
  it('seals testimony and identity apart on the server, gives the witness number and receipt, and stores neither in clear', async () => {
    const res = await post({
      category: 'temoin',
      what: `${CANARY}-WHAT guetteur`,
      name: `${CANARY}-NAME Zoé Quillard`,
      contact: `${CANARY}-CONTACT 0600`,
      safeWhen: 'après 22h',
      avoid: 'mon voisin',
      wish: 'number',
      formToken: token(),
    });
    expect(res.status).toBe(201);
    const number = /W-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(res.body)?.[0] as string;
    expect(number).toBeDefined();
    expect(res.body).toMatch(/class="receipt-code"[^>]*>\d{4}(-\d{4}){4}</);
    expect(res.body).not.toContain(CANARY);
    const ref = (await server.relais.store.witnesses.refOf(number)) as string;
    const parts = (await server.relais.store.reports.get(ref))!.parts;
    expect(parts.map((p) => p.role)).toEqual(['report', 'identity']);
    const ids = (who: string[]) => who.flatMap((id) => server.config.staff.get(id)!.encryptionKeyIds.map((k) => k.keyId)).sort();
    const recipients = async (idx: number) =>
      inspectSealedPart((await server.relais.store.reports.partBytes(ref, idx))!)
        .recipients.map((r) => r.keyId)
        .sort();
    expect(await recipients(0)).toEqual(ids(['officer-a', 'officer-b']));
    expect(await recipients(1)).toEqual(ids(['custodian-d', 'custodian-e']));
    const { api, key } = await staff('custodian-e');
    const identity = await openIdentity(api, await getWitness(api, number), key);
    expect(identity).toContain(`Nom : ${CANARY}-NAME Zoé Quillard`);
    expect(identity).toContain('Statut souhaité : Être connu sous un numéro');
    const k = server.fixture.keys['officer-a']!;
    const testimony = fromUtf8(
      (await openSealedPart((await server.relais.store.reports.partBytes(ref, 0))!, await unlockPrivateKey(k.privateKey, k.passphrase)))
        .content,
    );
    expect(testimony).toContain(`${CANARY}-WHAT guetteur`);
    expect(testimony).not.toContain('NAME');
    await server.close();
    const files = [server.dbPath, `${server.dbPath}-wal`, `${server.dbPath}-shm`]
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'));
    for (const hay of [...files, server.logLines.join('\n')]) expect(hay).not.toContain(CANARY);
    server = await startTestServer(server.fixture, { clock: () => now, dbPath: server.dbPath });
  });

  it.each([
    ['no <noscript> marker', () => ({ nojs: '0', category: 'temoin', what: 'x', name: 'n', contact: 'c', formToken: token() }), 400],
    ['a tip category', () => ({ category: 'armes', what: 'x', name: 'n', contact: 'c', formToken: token() }), 400],
    ['an unknown category', () => ({ category: CANARY, what: 'x', name: 'n', contact: 'c', formToken: token() }), 400],
    ['no testimony', () => ({ category: 'temoin', what: ' ', name: 'n', contact: 'c', formToken: token() }), 400],
    ['no name', () => ({ category: 'temoin', what: 'x', name: '', contact: 'c', formToken: token() }), 400],
    ['no safe contact', () => ({ category: 'temoin', what: 'x', name: 'n', formToken: token() }), 400],
    ['a token used too early', () => ({ category: 'temoin', what: 'x', name: 'n', contact: 'c', formToken: token(500) }), 429],
    [
      'a forged token',
      () => ({ category: 'temoin', what: 'x', name: 'n', contact: 'c', formToken: token().replace(/.{43}$/, 'A'.repeat(43)) }),
      400,
    ],
    [
      'a token for another form',
      () => ({
        category: 'temoin',
        what: 'x',
        name: 'n',
        contact: 'c',
        formToken: issueFormToken(deriveSecrets(server.serverSecret).form, 'lookup', now - 10_000),
      }),
      400,
    ],
    [
      'an identity over the limit',
      () => ({ category: 'temoin', what: 'x', name: 'n', contact: 'é'.repeat(140_000), formToken: token() }),
      413,
    ],
  ])('refuses %s with a page that echoes nothing, writing nothing', async (_, fields, status) => {
    const before = await counts();
    const res = await post({ ...fields(), where: CANARY });
    expect(res.status).toBe(status);
    expect(res.body).not.toContain(CANARY);
    expect(await counts()).toBe(before);
  });

  it('refuses a form token used twice', async () => {
    const formToken = token();
    expect((await post({ category: 'temoin', what: 'x', name: 'n', contact: 'c', formToken })).status).toBe(201);
    const before = await counts();
    expect((await post({ category: 'temoin', what: 'x', name: 'n', contact: 'c', formToken })).status).toBe(409);
    expect(await counts()).toBe(before);
  });
});

describe('bad input on the witness and disclosure routes', () => {
  let custodian: ApiClient;
  let officer: ApiClient;
  let number: string;
  let disclosure: string;

  beforeAll(async () => {
    custodian = (await staff('custodian-d')).api;
    officer = (await staff('officer-a')).api;
    number = (await submitReport(new ApiClient({ server: server.url }), { category: 'temoin', text: 't', identity: 'i' }))
      .witness as string;
    const e = await staff('custodian-e');
    const detail = await getWitness(e.api, number);
    disclosure = (
      await requestDisclosure(e.api, detail, {
        inbox: 'police',
        basis: 'b',
        decision: 'd',
        identity: await openIdentity(e.api, detail, e.key),
      })
    ).id;
  });

  const raw = async (client: ApiClient | null, method: string, path: string, body?: BodyInit, type?: string) => {
    const headers: Record<string, string> = {};
    if (client) headers.Authorization = `Bearer ${client.token}`;
    if (type) headers['Content-Type'] = type;
    const res = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, code: (JSON.parse(text) as { error: string }).error, text };
  };
  const form = (meta: unknown, parts: (Uint8Array | string)[] = []) => {
    const f = new FormData();
    f.set('meta', typeof meta === 'string' ? meta : JSON.stringify(meta));
    parts.forEach((p, i) => f.set(`part-${i}`, new Blob([typeof p === 'string' ? p : (p as Uint8Array<ArrayBuffer>)]), 'sealed'));
    return f;
  };

  type Case = [
    string,
    'custodian' | 'officer' | null,
    string,
    () => string,
    (() => BodyInit) | undefined,
    string | undefined,
    number,
    string,
  ];
  const cases: Case[] = [
    ['an unknown witness number', 'custodian', 'GET', () => `/api/v1/witnesses/W-${CANARY}`, undefined, undefined, 404, 'not_found'],
    ['a page of zero', 'custodian', 'GET', () => `/api/v1/witnesses?page=0&x=${CANARY}`, undefined, undefined, 400, 'bad_query'],
    ['an unknown list parameter', 'custodian', 'GET', () => `/api/v1/disclosures?${CANARY}=1`, undefined, undefined, 400, 'bad_query'],
    ['an unknown state', 'officer', 'GET', () => `/api/v1/disclosures?state=${CANARY}`, undefined, undefined, 400, 'bad_query'],
    ['a malformed disclosure id', 'custodian', 'GET', () => `/api/v1/disclosures/${CANARY}`, undefined, undefined, 404, 'not_found'],
    [
      'an unknown disclosure id',
      'officer',
      'GET',
      () => '/api/v1/disclosures/D-0000-0000-0000/identity',
      undefined,
      undefined,
      404,
      'not_found',
    ],
    [
      'a review copy of a malformed id',
      'custodian',
      'GET',
      () => `/api/v1/disclosures/${CANARY}/review`,
      undefined,
      undefined,
      404,
      'not_found',
    ],
    [
      'a request that is not multipart',
      'custodian',
      'POST',
      () => '/api/v1/disclosures',
      () => JSON.stringify({ witness: CANARY }),
      'application/json',
      415,
      'unsupported_media_type',
    ],
    ['a meta that is not JSON', 'custodian', 'POST', () => '/api/v1/disclosures', () => form(`{${CANARY}`), undefined, 400, 'meta_invalid'],
    [
      'a meta with a bad witness number',
      'custodian',
      'POST',
      () => '/api/v1/disclosures',
      () => form({ witness: CANARY, inbox: 'police', parts: ['disclosure', 'review'] }, ['a', 'b']),
      undefined,
      400,
      'meta_invalid',
    ],
    [
      'a meta with other parts',
      'custodian',
      'POST',
      () => '/api/v1/disclosures',
      () => form({ witness: number, inbox: 'police', parts: ['disclosure'] }, ['a']),
      undefined,
      400,
      'meta_invalid',
    ],
    [
      'a meta with an extra field',
      'custodian',
      'POST',
      () => '/api/v1/disclosures',
      () => form({ witness: number, inbox: 'police', parts: ['disclosure', 'review'], note: CANARY }, ['a', 'b']),
      undefined,
      400,
      'meta_invalid',
    ],
    [
      'a missing part',
      'custodian',
      'POST',
      () => '/api/v1/disclosures',
      () => form({ witness: number, inbox: 'police', parts: ['disclosure', 'review'] }, []),
      undefined,
      400,
      'part_missing',
    ],
    [
      'parts that are not OpenPGP',
      'custodian',
      'POST',
      () => '/api/v1/disclosures',
      () => form({ witness: number, inbox: 'police', parts: ['disclosure', 'review'] }, [CANARY, CANARY]),
      undefined,
      422,
      'part_not_openpgp',
    ],
    [
      'an unknown witness',
      'custodian',
      'POST',
      () => '/api/v1/disclosures',
      () => form({ witness: 'W-0000-0000', inbox: 'police', parts: ['disclosure', 'review'] }, ['a', 'b']),
      undefined,
      404,
      'not_found',
    ],
    [
      'an approval without JSON',
      'custodian',
      'POST',
      () => `/api/v1/disclosures/${disclosure}/approve`,
      () => CANARY,
      'text/plain',
      415,
      'unsupported_media_type',
    ],
    [
      'an approval with broken JSON',
      'custodian',
      'POST',
      () => `/api/v1/disclosures/${disclosure}/approve`,
      () => `{"${CANARY}`,
      'application/json',
      400,
      'malformed_json',
    ],
    [
      'an approval without its digest',
      'custodian',
      'POST',
      () => `/api/v1/disclosures/${disclosure}/approve`,
      () => '{}',
      'application/json',
      400,
      'bad_request',
    ],
    [
      'an approval with a malformed digest',
      'custodian',
      'POST',
      () => `/api/v1/disclosures/${disclosure}/approve`,
      () => JSON.stringify({ encryptedSha256: CANARY }),
      'application/json',
      400,
      'bad_request',
    ],
    [
      'a refusal with fields',
      'custodian',
      'POST',
      () => `/api/v1/disclosures/${disclosure}/refuse`,
      () => JSON.stringify({ reason: CANARY }),
      'application/json',
      400,
      'bad_request',
    ],
    [
      'a withdrawal with fields',
      'custodian',
      'POST',
      () => `/api/v1/disclosures/${disclosure}/withdraw`,
      () => JSON.stringify({ x: CANARY }),
      'application/json',
      400,
      'bad_request',
    ],
    [
      'a step on a malformed id',
      'custodian',
      'POST',
      () => `/api/v1/disclosures/${CANARY}/withdraw`,
      () => '{}',
      'application/json',
      404,
      'not_found',
    ],
    ['an officer listing witnesses', 'officer', 'GET', () => '/api/v1/witnesses', undefined, undefined, 403, 'forbidden'],
    ['no session', null, 'GET', () => '/api/v1/disclosures', undefined, undefined, 401, 'unauthorized'],
    ['no session asking', null, 'POST', () => '/api/v1/disclosures', () => form({}), undefined, 401, 'unauthorized'],
  ];
  it.each(cases)(
    'refuses %s with a 4xx, a stable code, no echo, nothing written but the refusal’s audit entry',
    async (_, who, method, path, body, type, status, code) => {
      const data = ['reports', 'witnesses', 'parts', 'disclosures', 'disclosure_events', 'spent_challenges'];
      const before = await counts(data);
      const entries = await server.relais.store.audit.size();
      const client = who === 'custodian' ? custodian : who === 'officer' ? officer : null;
      const res = await raw(client, method, path(), body?.(), type);
      expect({ status: res.status, code: res.code }).toEqual({ status, code });
      expect(res.text).not.toContain(CANARY);
      expect(await counts(data)).toBe(before);
      // A refused staff attempt is one audit entry with the route pattern and the code (issue 11),
      // never the input; without a session there is nobody to log.
      const added = (await server.relais.store.audit.range(entries, entries + 10)).map((r) => JSON.parse(r.entry));
      if (who === null) expect(added).toEqual([]);
      else {
        expect(added).toEqual([
          expect.objectContaining({ action: 'staff.refused', details: expect.objectContaining({ status, error: code }) }),
        ]);
        expect(JSON.stringify(added)).not.toContain(CANARY);
      }
    },
  );
});
