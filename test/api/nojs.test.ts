// The no-JavaScript path over plain HTTP: form tokens (too early, forged, reused, expired), the
// global cap, bad fields — each refused with a 4xx page that echoes nothing and writes nothing —
// and a report whose clear text never reaches the database files or the log.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueFollowUpToken } from '../../src/core/followup-token.ts';
import { issueFormToken } from '../../src/core/form-token.ts';
import { deriveSecrets } from '../../src/server/secrets.ts';
import { startTestServer, type TestServer } from '../helpers/fixture.ts';

let server: TestServer;
let now = Date.now();

const token = (purpose: 'report' | 'lookup' | 'message', ageMs = 10_000) =>
  issueFormToken(deriveSecrets(server.serverSecret).form, purpose, now - ageMs);

async function post(path: string, fields: Record<string, string>) {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body: new URLSearchParams({ nojs: '1', ...fields }) });
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '' };
}

async function reportCount(): Promise<number> {
  return (await server.relais.store.db.first<{ n: number }>('SELECT COUNT(*) AS n FROM all_reports'))?.n ?? -1;
}

beforeAll(async () => {
  server = await startTestServer(undefined, { clock: () => now });
});
afterAll(async () => server?.close());

describe('the no-JavaScript report form', () => {
  it('seals a report on the server and shows the receipt, never storing or logging the clear text', async () => {
    const canary = 'CANARY-NOJS-TEXT-7f41 quatre hommes armés';
    const res = await post('/nojs/report', {
      category: 'armes',
      what: canary,
      where: 'CANARY-NOJS-WHERE-19b2',
      formToken: token('report'),
    });
    expect(res.status).toBe(201);
    expect(res.type).toContain('text/html');
    expect(res.body).toMatch(/class="receipt-code"[^>]*>\d{4}(-\d{4}){4}</);
    expect(res.body).not.toContain('CANARY');
    await server.close();
    const files = [server.dbPath, `${server.dbPath}-wal`, `${server.dbPath}-shm`]
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'));
    for (const hay of [...files, server.logLines.join('\n')]) {
      expect(hay).not.toContain('CANARY-NOJS');
      expect(hay).not.toContain('quatre hommes');
    }
    server = await startTestServer(server.fixture, { clock: () => now, dbPath: server.dbPath });
  });

  it.each([
    ['a token used too early', () => ({ category: 'armes', what: 'x', formToken: token('report', 1000) }), 429],
    ['a forged token', () => ({ category: 'armes', what: 'x', formToken: token('report').replace(/.{43}$/, 'A'.repeat(43)) }), 400],
    ['an expired token', () => ({ category: 'armes', what: 'x', formToken: token('report', 3 * 3600_000) }), 400],
    ['a token for another form', () => ({ category: 'armes', what: 'x', formToken: token('lookup') }), 400],
    ['no token', () => ({ category: 'armes', what: 'x' }), 400],
    ['an unknown category', () => ({ category: 'CANARY-category', what: 'x', formToken: token('report') }), 400],
    ['a witness category (which has its own path)', () => ({ category: 'temoin', what: 'x', formToken: token('report') }), 400],
    ['an empty text', () => ({ category: 'armes', what: '   ', formToken: token('report') }), 400],
    ['a text over the limit', () => ({ category: 'armes', what: 'é'.repeat(200_000), formToken: token('report') }), 413],
  ])('refuses %s with a page, writing nothing', async (_, fields, status) => {
    const before = await reportCount();
    const res = await post('/nojs/report', fields());
    expect(res.status).toBe(status);
    expect(res.type).toContain('text/html');
    expect(res.body).not.toContain('CANARY');
    expect(await reportCount()).toBe(before);
  });

  it('refuses a form sent by a browser running JavaScript (no <noscript> marker), using nothing in it', async () => {
    const before = await reportCount();
    const res = await fetch(`${server.url}/nojs/report`, {
      method: 'POST',
      body: new URLSearchParams({ category: 'armes', what: 'CANARY', formToken: token('report') }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('CANARY');
    expect(await reportCount()).toBe(before);
  });

  it('refuses a form token used twice', async () => {
    const formToken = token('report');
    expect((await post('/nojs/report', { category: 'armes', what: 'premier', formToken })).status).toBe(201);
    const before = await reportCount();
    expect((await post('/nojs/report', { category: 'armes', what: 'second', formToken })).status).toBe(409);
    expect(await reportCount()).toBe(before);
  });

  it('refuses a body that is not a form, and a huge one', async () => {
    const junk = await fetch(`${server.url}/nojs/report`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=zz' },
      body: '--zz\r\nCANARY',
    });
    expect(junk.status).toBe(400);
    expect(await junk.text()).not.toContain('CANARY');
  });

  it('caps the whole server at a number of no-JS requests a minute, for everyone together', async () => {
    // The flood: messages to a conversation that does not exist, each admitted (a slot of the
    // cap) and then refused, which costs the server no key derivation; the report form after it
    // shares the cap.
    now += 61_000;
    const followUpToken = issueFollowUpToken(deriveSecrets(server.serverSecret).followUp, 'R-0000-0000-0000', now);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++)
      statuses.push((await post('/nojs/suivi/message', { followUpToken, formToken: token('message'), text: `flood ${i}` })).status);
    expect(statuses.slice(0, 30).every((s) => s === 409)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect((await post('/nojs/report', { category: 'prevention', what: 'in the flood', formToken: token('report') })).status).toBe(429);
    now += 61_000;
    expect((await post('/nojs/report', { category: 'prevention', what: 'after a minute', formToken: token('report') })).status).toBe(201);
  });
});

describe('the no-JavaScript follow-up', () => {
  it('opens the conversation of a receipt, and adds a message the officers receive', async () => {
    now += 61_000;
    const filed = await post('/nojs/report', { category: 'trafic', what: 'pour la suite', formToken: token('report') });
    const receipt = /class="receipt-code"[^>]*>([\d-]+)</.exec(filed.body)![1]!;
    const opened = await post('/nojs/suivi', { receipt, formToken: token('lookup') });
    expect(opened.status).toBe(200);
    expect(opened.body).toContain('État : reçu, pas encore traité');
    const followUpToken = /name="followUpToken" value="([^"]+)"/.exec(opened.body)![1]!;
    const messageToken = /name="formToken" value="([^"]+)"/.exec(opened.body)![1]!;
    now += 5000;
    const sent = await post('/nojs/suivi/message', { followUpToken, formToken: messageToken, text: 'Une précision' });
    expect(sent.status).toBe(201);
    const again = await post('/nojs/suivi', { receipt, formToken: token('lookup') });
    expect(again.body).toContain('Une précision');
  });

  it('answers a wrong receipt and a malformed one with pages that echo nothing', async () => {
    now += 61_000;
    const wrong = await post('/nojs/suivi', { receipt: '1111-2222-3333-4444-5555', formToken: token('lookup') });
    expect(wrong.status).toBe(404);
    expect(wrong.body).not.toContain('1111-2222');
    const malformed = await post('/nojs/suivi', { receipt: 'CANARY', formToken: token('lookup') });
    expect(malformed.status).toBe(400);
    expect(malformed.body).not.toContain('CANARY');
    const forged = await post('/nojs/suivi/message', {
      followUpToken: `fu1.R-AAAA-AAAA-AAAA.99999999999.${'A'.repeat(43)}`,
      formToken: token('message'),
      text: 'x',
    });
    expect(forged.status).toBe(400);
  });
});

describe('a body too large for a form', () => {
  // Last in the file: the server answers before reading the whole body and closes the connection.
  it('is refused with 413 before it is read', async () => {
    const huge = await fetch(`${server.url}/nojs/report`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `what=${'a'.repeat(2_000_000)}`,
    });
    expect(huge.status).toBe(413);
  });
});

describe('an onion address in the config', () => {
  it('is announced with Onion-Location on pages, not on API answers', async () => {
    const { makeFixture } = await import('../helpers/fixture.ts');
    const onion = `http://${'a'.repeat(56)}.onion`;
    const fx = await makeFixture({ patch: (j) => (j.site.onion = onion) });
    const s = await startTestServer(fx);
    try {
      const page = await fetch(`${s.url}/suivi?lang=en`);
      expect(page.headers.get('onion-location')).toBe(`${onion}/suivi`);
      const api = await fetch(`${s.url}/api/v1/config`);
      expect(api.headers.get('onion-location')).toBeNull();
    } finally {
      await s.close();
    }
  });
});
