// "Deleted means gone from disk" (issue 13, item 5; DESIGN "Retention"): retention, run by the
// maintenance of a running server with its clock moved past the retention period, leaves no byte
// window of a deleted report — sealed parts, attachments, messages, reply keys, lookup hash — in
// the SQLite file, its WAL or its shared-memory file, by the end of that run. A report that is
// kept is found by the same scan, which proves the scan can fail. Attachment bytes whose report
// row is gone are swept, even when the process stopped between the row and the blob.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { submitReport } from '../../src/client/submit.ts';
import { utf8 } from '../../src/core/bytes.ts';
import { issueFollowUpToken } from '../../src/core/followup-token.ts';
import { readPublicKeys, sealEnvelope } from '../../src/core/seal.ts';
import { runMaintenance } from '../../src/server/maintenance.ts';
import { membersOf } from '../../src/server/sealed-parts.ts';
import { makeFixture, startTestServer, type TestServer } from '../helpers/fixture.ts';
import { contains } from '../helpers/sqlite-file.ts';

const DAY = 86_400_000;
let server: TestServer;
let now = 0;

beforeAll(async () => {
  now = Math.floor(Date.now() / 3600_000) * 3600_000 + 60_000;
  const fixture = await makeFixture({ patch: (json) => (json.retentionDays = 1) });
  server = await startTestServer(fixture, { clock: () => now });
});
afterAll(async () => server?.close());

function windows(bytes: Uint8Array, count = 4): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const at = Math.floor(((bytes.length - 24) * i) / Math.max(1, count - 1));
    out.push(bytes.slice(at, at + 24));
  }
  return out;
}

/** Distinctive windows of everything the server holds about a report (not its reference, which the log keeps). */
async function windowsOf(ref: string): Promise<Uint8Array[]> {
  const { store } = server.relais;
  const out: Uint8Array[] = [];
  const report = await store.reports.get(ref);
  for (const p of report?.parts ?? []) out.push(...windows((await store.reports.partBytes(ref, p.idx)) as Uint8Array));
  for (const m of await store.messages.list(ref, ['message', 'attachment', 'status', 'note'])) {
    const bytes = (await store.messages.get(ref, m.idx))?.bytes;
    if (bytes) out.push(...windows(bytes));
  }
  const keys = await store.db.first<{ lookup_hash: string; reply_public_key: string; reply_locked_key: string }>(
    'SELECT lookup_hash, reply_public_key, reply_locked_key FROM all_reports WHERE ref = ?',
    [ref],
  );
  if (keys) {
    out.push(utf8(keys.lookup_hash));
    // The armored keys' bodies: lines of base64 that only this key has.
    for (const armored of [keys.reply_public_key, keys.reply_locked_key]) {
      const lines = armored.split('\n').filter((l) => /^[A-Za-z0-9+/]{60,}$/.test(l));
      out.push(...lines.slice(1, 4).map((l) => utf8(l.slice(0, 40))));
    }
  }
  return out;
}

function diskFiles(): { name: string; bytes: Uint8Array }[] {
  return ['', '-wal', '-shm']
    .map((s) => `${server.dbPath}${s}`)
    .filter((f) => existsSync(f))
    .map((f) => ({ name: f.slice(server.dbPath.length) || 'main', bytes: new Uint8Array(readFileSync(f)) }));
}

function found(needles: Uint8Array[]): string[] {
  const out: string[] = [];
  for (const file of diskFiles()) {
    const n = needles.filter((w) => contains(file.bytes, w)).length;
    if (n > 0) out.push(`${file.name}: ${n} of ${needles.length}`);
  }
  return out;
}

describe('deleted means gone from disk', () => {
  it('leaves no byte window of a report deleted by retention in the database file, its WAL or its SHM', async () => {
    const api = new ApiClient({ server: server.url });
    const attachment = { contentType: 'application/octet-stream' as const, bytes: crypto.getRandomValues(new Uint8Array(30_000)) };
    const old = [
      (await submitReport(api, { category: 'trafic', text: 'vieux signalement un', attachments: [attachment] })).ref,
      (await submitReport(api, { category: 'temoin', text: 'vieux témoignage', identity: 'qui je suis' })).ref,
      (await submitReport(api, { category: 'armes', text: 'vieux signalement trois' })).ref,
    ];
    // The first bucket closes; a resident writes back on one of them the next day.
    now += 3600_000 + 120_000;
    await runMaintenance(server.relais);
    now += DAY / 2;
    const target = old[0] as string;
    const report = await server.relais.store.reports.get(target);
    const inbox = membersOf(server.relais.config, await server.relais.store.reports.routes(target, 'main')).members.map((m) => m.armored);
    const keys = await readPublicKeys([...inbox, report?.replyPublicKey as string]);
    const sealed = [
      await sealEnvelope({ kind: 'message', contentType: 'text/plain; charset=utf-8', content: utf8('encore une chose') }, keys),
      await sealEnvelope(
        { kind: 'attachment', contentType: 'application/octet-stream', content: crypto.getRandomValues(new Uint8Array(9000)) },
        keys,
      ),
    ];
    const form = new FormData();
    form.set('meta', JSON.stringify({ parts: ['message', 'attachment'] }));
    sealed.forEach((p, i) => form.set(`part-${i}`, new Blob([p as Uint8Array<ArrayBuffer>]), 'sealed'));
    const res = await fetch(`${server.url}/api/v1/followup/messages`, {
      method: 'POST',
      body: form,
      headers: { Authorization: `Followup ${issueFollowUpToken(server.relais.secrets.followUp, target, now)}` },
    });
    expect(res.status).toBe(201);
    now += 3600_000;
    await runMaintenance(server.relais);
    // Only windows that no other report shares (armored keys share headers and notations).
    const perReport = await Promise.all(old.map(windowsOf));
    const text = (ws: Uint8Array[]) => ws.map((w) => Buffer.from(w).toString('latin1'));
    const deleted = perReport
      .flatMap((ws, i) =>
        ws.filter((w) => !perReport.some((other, j) => j !== i && text(other).includes(Buffer.from(w).toString('latin1')))),
      )
      .filter((w, i, all) => all.findIndex((x) => Buffer.from(x).equals(Buffer.from(w))) === i);
    expect(found(deleted).length, 'the scan sees the reports before retention').toBeGreaterThan(0);

    // Two days later: a new report comes, and retention runs on the running server.
    now += 2 * DAY;
    const kept = (await submitReport(api, { category: 'prevention', text: 'signalement récent' })).ref;
    const keptWindows = await windowsOf(kept);
    const shared = new Set(text(keptWindows));
    deleted.splice(0, deleted.length, ...deleted.filter((w) => !shared.has(Buffer.from(w).toString('latin1'))));
    expect(deleted.length).toBeGreaterThan(30);
    const { deleted: count } = await runMaintenance(server.relais);
    expect(count).toBe(3);
    for (const ref of old) expect(await server.relais.store.reports.get(ref)).toBeNull();
    expect(found(deleted), 'windows of deleted reports still on disk').toEqual([]);
    // One more write after the run does not bring anything back either.
    await submitReport(api, { category: 'armes', text: 'encore un' });
    expect(found(deleted)).toEqual([]);
    expect(found(keptWindows).length, 'the scan finds a kept report').toBeGreaterThan(0);
  });

  it('sweeps attachment bytes whose report row is gone', async () => {
    const { store } = server.relais;
    // As if the process had stopped between deleting a report and deleting its attachment.
    await store.blobs.put('orphan-blob-key-000000', crypto.getRandomValues(new Uint8Array(2000)));
    await store.db.run('INSERT INTO blob_trash (key) VALUES (?)', ['orphan-blob-key-000000']);
    await runMaintenance(server.relais);
    expect(await store.blobs.get('orphan-blob-key-000000')).toBeNull();
  });
});
