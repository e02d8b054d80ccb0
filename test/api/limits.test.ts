// What a flood or a full disk meets (DESIGN promise 10; issue 16): the body gate answers 503
// server_busy with Retry-After past its cap and writes nothing; one solved proof of work carries one
// upload at a time; a reused follow-up lookup key is a 4xx that spends the proof of work; a full
// disk (SQLite's page limit on the real file) is 503 storage_full, with no log line at request
// time: the summary of its bucket says so once the bucket has closed (src/server/request-log.ts).
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpFollowUp } from '../../src/client/followup.ts';
import { runMaintenance } from '../../src/server/maintenance.ts';
import { makeFixture, startTestServer, type TestServer } from '../helpers/fixture.ts';
import { formOf, powHeaders, send, validSubmission } from '../helpers/intake.ts';

const HOUR = 3600_000;
let server: TestServer;
/** the server's clock, which the full-disk test moves past the close of its bucket */
let now = Math.ceil(Date.now() / HOUR) * HOUR + 60_000;

async function reportCount(): Promise<number> {
  return (await server.relais.store.db.first<{ n: number }>('SELECT COUNT(*) AS n FROM all_reports'))!.n;
}

/** Starts an upload with a valid proof of work and leaves it hanging (the slot stays held). */
async function hangingUpload(): Promise<Socket> {
  const s = await validSubmission(server.url);
  const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nRelais-Pow: ${powHeaders(s)['Relais-Pow']}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 5000\r\n\r\n--x\r\n`,
  );
  // Until the server has taken the slot.
  for (let i = 0; i < 200 && server.relais.bodies.load.bodies === 0; i++) await new Promise((r) => setTimeout(r, 10));
  return socket;
}

beforeAll(async () => {
  server = await startTestServer(await makeFixture({ patch: (json) => (json.limits = { concurrentUploads: 1 }) }), { clock: () => now });
});
afterAll(async () => server.close());

describe('the body gate', () => {
  it('answers 503 server_busy with Retry-After past its cap, writes nothing, and lets the next one in once the slot is free', async () => {
    const hanging = await hangingUpload();
    expect(server.relais.bodies.load.bodies).toBe(1);
    const before = await reportCount();
    const s = await validSubmission(server.url);
    const res = await fetch(`${server.url}/api/v1/reports`, { method: 'POST', body: formOf(s), headers: powHeaders(s) });
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')).toBe('5');
    expect(((await res.json()) as { error: string }).error).toBe('server_busy');
    expect(await reportCount()).toBe(before);
    hanging.destroy();
    for (let i = 0; i < 200 && server.relais.bodies.load.bodies > 0; i++) await new Promise((r) => setTimeout(r, 10));
    // The refused proof of work was not spent: the same one goes through now.
    expect((await send(server.url, s)).status).toBe(201);
  });

  it('holds the no-JS language switch to the same cap: a page that says the server is busy, nothing read', async () => {
    const hanging = await hangingUpload();
    try {
      const res = await fetch(`${server.url}/nojs/langue?lang=en&page=report`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `nojs=1&what=${'CANARY'.repeat(20_000)}`,
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('Retry-After')).toBe('5');
      const page = await res.text();
      expect(page).toContain('<html lang="en"');
      expect(page).not.toContain('CANARY');
    } finally {
      hanging.destroy();
      for (let i = 0; i < 200 && server.relais.bodies.load.bodies > 0; i++) await new Promise((r) => setTimeout(r, 10));
    }
  });

  it('lets one solved proof of work carry one upload at a time', async () => {
    const s = await validSubmission(server.url);
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nRelais-Pow: ${powHeaders(s)['Relais-Pow']}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 5000\r\n\r\n--x\r\n`,
    );
    for (let i = 0; i < 200 && server.relais.bodies.load.bodies === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const again = await send(server.url, s);
    expect([again.status, again.body.error]).toEqual([409, 'pow_replayed']);
    socket.destroy();
  });
});

describe('a reused follow-up lookup key', () => {
  it('is refused with 409 lookup_key_taken, writes nothing, and spends the proof of work', async () => {
    const followUp = (await setUpFollowUp()).meta;
    const first = await validSubmission(server.url);
    const metaWith = (s: typeof first) => ({ ...s, meta: { ...s.meta, followUp } }) as typeof first;
    expect((await send(server.url, metaWith(first))).status).toBe(201);
    const before = await reportCount();
    const second = metaWith(await validSubmission(server.url));
    const res = await send(server.url, second);
    expect([res.status, res.body.error]).toEqual([409, 'lookup_key_taken']);
    expect(await reportCount()).toBe(before);
    const replay = await send(server.url, { ...second, meta: { ...second.meta, followUp: (await setUpFollowUp()).meta } } as typeof second);
    expect([replay.status, replay.body.error]).toEqual([409, 'pow_replayed']);
  });
});

describe('a full disk', () => {
  it('is 503 storage_full with no line at request time, then said in the summary of its bucket once it has closed', async () => {
    const db = server.relais.store.db;
    const pages = (await db.first<{ page_count: number }>('PRAGMA page_count'))!.page_count;
    const lines = server.logLines.length;
    await db.all(`PRAGMA max_page_count = ${pages + 1}`);
    try {
      const before = await reportCount();
      const s = await validSubmission(server.url, 'trafic', 'x'.repeat(60_000));
      const res = await fetch(`${server.url}/api/v1/reports`, { method: 'POST', body: formOf(s), headers: powHeaders(s) });
      const body = (await res.json()) as { error: string };
      expect([res.status, body.error, res.headers.get('Retry-After')]).toEqual([503, 'storage_full', '300']);
      expect(await reportCount()).toBe(before);
    } finally {
      await db.all('PRAGMA max_page_count = 4294967294');
    }
    // Nothing at the time of the request, nor while its bucket is open.
    await runMaintenance(server.relais);
    expect(server.logLines.slice(lines)).toEqual([]);
    now += HOUR + 2 * 60_000;
    await runMaintenance(server.relais);
    const summary = server.logLines.slice(lines);
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatch(/ POST \/api\/v1\/reports 503 ×[0-9]+[,;]/);
    expect(summary[0]).toContain('; problems: storage_full (SQLITE_FULL: the disk is full) ×1');
    expect((await send(server.url, await validSubmission(server.url))).status).toBe(201);
  });
});
