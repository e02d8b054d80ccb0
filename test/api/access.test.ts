// Promise 8 and the officer session: an officer sees only what is routed to their inboxes, a
// report routed elsewhere answers exactly like one that does not exist, custodians see identities
// but not testimonies, auditors see no report, and logins refuse what they should.
import { outcome, staffClient } from '../helpers/staff.ts';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { getReport, listReports, login, openPart, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { findCounter, meetsDifficulty } from '../../src/core/pow.ts';
import { makeKey, startTestServer, type TestServer } from '../helpers/fixture.ts';

let server: TestServer;
let now = Date.now();
const refs: Record<string, string> = {};
const keys: Record<string, openpgp.PrivateKey> = {};

const staff = (id: string): Promise<ApiClient> => staffClient(server, id);

const status = outcome;

async function raw(path: string, init: RequestInit = {}) {
  const res = await fetch(`${server.url}${path}`, init);
  return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
  server = await startTestServer(undefined, { clock: () => now });
  // The keys were made just now; the server's clock must not stand before their creation.
  now = Date.now();
  for (const [id, k] of Object.entries(server.fixture.keys)) keys[id] = await unlockPrivateKey(k.privateKey, k.passphrase);
  const resident = new ApiClient({ server: server.url });
  refs.armes = (await submitReport(resident, { category: 'armes', text: 'police only' })).ref;
  refs.prevention = (await submitReport(resident, { category: 'prevention', text: 'city only' })).ref;
  refs.trafic = (await submitReport(resident, { category: 'trafic', text: 'police and city' })).ref;
  refs.temoin = (await submitReport(resident, { category: 'temoin', text: 'testimony', identity: 'identity of the witness' })).ref;
});
afterAll(async () => server?.close());

describe('who sees which report', () => {
  it('lists for each officer exactly the reports routed to their inboxes', async () => {
    const listed = async (id: string) => (await listReports(await staff(id))).reports.map((r) => r.ref).sort();
    expect(await listed('officer-a')).toEqual([refs.armes, refs.trafic, refs.temoin].sort());
    expect(await listed('city-c')).toEqual([refs.prevention, refs.trafic].sort());
    expect(await listed('custodian-d')).toEqual([refs.temoin]);
  });

  it('answers a report routed elsewhere exactly like a report that does not exist', async () => {
    const city = await staff('city-c');
    const hidden = await raw(`/api/v1/reports/${refs.armes}`, { headers: { Authorization: `Bearer ${city.token}` } });
    const missing = await raw('/api/v1/reports/R-0000-0000-0000', { headers: { Authorization: `Bearer ${city.token}` } });
    expect(hidden).toEqual(missing);
    expect(hidden.status).toBe(404);
    const hiddenPart = await raw(`/api/v1/reports/${refs.armes}/parts/0`, { headers: { Authorization: `Bearer ${city.token}` } });
    const missingPart = await raw('/api/v1/reports/R-0000-0000-0000/parts/0', { headers: { Authorization: `Bearer ${city.token}` } });
    expect(hiddenPart).toEqual(missingPart);
  });

  it('lets an officer of another inbox decrypt nothing and fetch nothing', async () => {
    const city = await staff('city-c');
    expect(await status(openPart(city, refs.armes!, 0, keys['city-c']!))).toBe('404 not_found');
  });

  it('shows investigators the testimony but not the witness identity', async () => {
    const police = await staff('officer-a');
    const detail = await getReport(police, refs.temoin!);
    expect(detail.parts.map((p) => p.role)).toEqual(['report']);
    expect(await status(openPart(police, refs.temoin!, 1, keys['officer-a']!))).toBe('404 not_found');
    expect(new TextDecoder().decode((await openPart(police, refs.temoin!, 0, keys['officer-a']!)).content)).toBe('testimony');
  });

  it('shows custodians the identity but not the testimony', async () => {
    const custodian = await staff('custodian-d');
    expect((await getReport(custodian, refs.temoin!)).parts.map((p) => p.role)).toEqual(['identity']);
    expect(new TextDecoder().decode((await openPart(custodian, refs.temoin!, 1, keys['custodian-d']!)).content)).toBe(
      'identity of the witness',
    );
    expect(await status(openPart(custodian, refs.temoin!, 0, keys['custodian-d']!))).toBe('404 not_found');
  });

  it('gives auditors no report at all', async () => {
    const auditor = await staff('auditor-f');
    expect(await status(listReports(auditor))).toBe('403 forbidden');
    expect(await status(getReport(auditor, refs.armes!))).toBe('403 forbidden');
  });

  it('asks anyone without a session to log in', async () => {
    for (const path of ['/api/v1/reports', `/api/v1/reports/${refs.armes}`, `/api/v1/reports/${refs.armes}/parts/0`, '/api/v1/session']) {
      const res = await raw(path, { headers: { Authorization: `Bearer ${'A'.repeat(43)}` } });
      expect([path, res.status, JSON.parse(res.body).error]).toEqual([path, 401, 'unauthorized']);
    }
  });

  it('writes every read and every listing to the audit log, with the officer and the report', async () => {
    const police = await staff('officer-b');
    await listReports(police);
    await openPart(police, refs.armes!, 0, keys['officer-b']!);
    const entries = (await server.relais.store.audit.range(0, 10_000)).map((e) => JSON.parse(e.entry));
    expect(entries).toContainEqual(expect.objectContaining({ action: 'report.list', actor: 'member:officer-b' }));
    expect(entries).toContainEqual(
      expect.objectContaining({ action: 'report.read', actor: 'member:officer-b', report: refs.armes, details: { part: 0 } }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ action: 'staff.login', actor: 'member:officer-b' }));
  });

  it('marks a report read for the officer who opened it, not for colleagues', async () => {
    const a = await staff('officer-a');
    const b = await staff('officer-b');
    await openPart(a, refs.trafic!, 0, keys['officer-a']!);
    expect((await listReports(a, { unread: true })).reports.map((r) => r.ref)).not.toContain(refs.trafic);
    expect((await listReports(b, { unread: true })).reports.map((r) => r.ref)).toContain(refs.trafic);
  });
});

describe('staff sessions', () => {
  async function challenge(): Promise<{ challenge: string; text: string; bits: number; counter: number }> {
    const c = (await (await fetch(`${server.url}/api/v1/session/challenge`, { method: 'POST' })).json()) as {
      challenge: string;
      text: string;
      bits: number;
    };
    return { ...c, counter: findCounter(c.challenge, c.bits) };
  }
  async function sign(text: string, key: openpgp.PrivateKey): Promise<string> {
    return openpgp.sign({ message: await openpgp.createMessage({ text }), signingKeys: key, detached: true }) as Promise<string>;
  }
  async function attempt(body: unknown) {
    const res = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, code: ((await res.json()) as { error?: string }).error ?? 'ok' };
  }

  it('refuses a key that belongs to no member', async () => {
    const k = await makeKey('outsider');
    const outsider = await unlockPrivateKey(k.privateKey, k.passphrase);
    const c = await challenge();
    expect(await attempt({ challenge: c.challenge, counter: c.counter, signature: await sign(c.text, outsider) })).toEqual({
      status: 401,
      code: 'login_unknown_key',
    });
  });

  it('refuses a signature over another text', async () => {
    const c = await challenge();
    expect(
      await attempt({
        challenge: c.challenge,
        counter: c.counter,
        signature: await sign(c.text.replace('nonce', 'nonse'), keys['officer-a']!),
      }),
    ).toEqual({ status: 401, code: 'login_signature_invalid' });
  });

  it('refuses a challenge used twice', async () => {
    const c = await challenge();
    const signature = await sign(c.text, keys['officer-a']!);
    expect((await attempt({ challenge: c.challenge, counter: c.counter, signature })).status).toBe(201);
    expect(await attempt({ challenge: c.challenge, counter: c.counter, signature })).toEqual({
      status: 401,
      code: 'login_challenge_replayed',
    });
  });

  it('refuses an expired challenge', async () => {
    const c = await challenge();
    const signature = await sign(c.text, keys['officer-a']!);
    now += 121_000;
    expect(await attempt({ challenge: c.challenge, counter: c.counter, signature })).toEqual({
      status: 401,
      code: 'login_challenge_expired',
    });
  });

  it('refuses a forged or malformed challenge', async () => {
    const c = await challenge();
    const signature = await sign(c.text, keys['officer-a']!);
    expect(await attempt({ challenge: c.challenge.replace(/.{43}$/, 'A'.repeat(43)), counter: c.counter, signature })).toEqual({
      status: 401,
      code: 'login_challenge_invalid',
    });
    expect(await attempt({ challenge: 'CANARY', counter: 0, signature })).toEqual({ status: 401, code: 'login_challenge_malformed' });
    expect(await attempt({ challenge: c.challenge, counter: c.counter, signature: 'CANARY' })).toEqual({
      status: 400,
      code: 'login_signature_malformed',
    });
    expect(await attempt({ challenge: c.challenge, signature })).toEqual({ status: 400, code: 'bad_request' });
    // the difficulty is bound to the challenge: editing it breaks the signature of the token
    expect(await attempt({ challenge: c.challenge.replace(/^login2\.(\d+)\.\d+\./, 'login2.$1.0.'), counter: 0, signature })).toEqual({
      status: 401,
      code: 'login_challenge_invalid',
    });
  });

  it('refuses a login whose proof of work does not solve the challenge', async () => {
    const c = await challenge();
    let counter = 0;
    while (meetsDifficulty(c.challenge, counter, c.bits)) counter++;
    expect(await attempt({ challenge: c.challenge, counter, signature: await sign(c.text, keys['officer-a']!) })).toEqual({
      status: 401,
      code: 'login_pow_insufficient',
    });
  });

  it('asks more work of every login while logins keep failing, and locks nobody out', async () => {
    now += 16 * 60_000; // earlier tests' failures are out of the window
    const base = (await challenge()).bits;
    expect(base).toBe(server.config.config.proofOfWork.loginBits);
    for (let i = 0; i < 15; i++) await attempt({ challenge: 'CANARY', counter: 0, signature: 'x' });
    const raised = await challenge();
    expect(raised.bits).toBe(base + 4); // ⌈log2(1 + 15)⌉
    // a member still logs in, paying the higher price
    expect(
      (await attempt({ challenge: raised.challenge, counter: raised.counter, signature: await sign(raised.text, keys['officer-a']!) }))
        .status,
    ).toBe(201);
    now += 16 * 60_000;
    expect((await challenge()).bits).toBeLessThan(raised.bits);
  });

  it('refuses to sign a challenge for another origin', async () => {
    const api = new ApiClient({ server: server.url });
    await expect(login(api, keys['officer-a']!, 'https://relais.elsewhere.example')).rejects.toThrow(
      /not for https:\/\/relais\.elsewhere\.example/,
    );
  });

  it('ends a session after 15 idle minutes and after logout', async () => {
    const api = await staff('officer-a');
    now += 10 * 60_000;
    expect(await status(listReports(api))).toBe('ok');
    now += 16 * 60_000;
    expect(await status(listReports(api))).toBe('401 session_expired');
    const api2 = await staff('officer-a');
    await api2.request('DELETE', '/api/v1/session');
    expect(await status(listReports(api2))).toBe('401 unauthorized');
  });

  it('ends a session after 8 hours even when it is used', async () => {
    const api = await staff('officer-a');
    for (let i = 0; i < 40; i++) {
      now += 14 * 60_000;
      const s = await status(listReports(api));
      if (s !== 'ok') {
        expect(s).toBe('401 session_expired');
        expect(i * 14).toBeGreaterThanOrEqual(8 * 60 - 14);
        return;
      }
    }
    throw new Error('the session outlived its absolute expiry');
  });
});
