// Issue 14 on the Workers runtime (wrangler dev --local, workerd, local D1): failed logins are
// counted by the one Durable Object of the deployment, which keeps them in memory and writes no
// storage; and a member key that expires while the Worker runs drops out of the routing — a new
// config hash, the category still open with the other member, and the cron trigger logging
// config.changed with the reason and the expiry's time. workerd's clock is the real one, so the
// key is made to expire two minutes after it was made, and the test polls until it has.
import Database from 'better-sqlite3';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicConfigOf } from '../helpers/intake.ts';
import { makeFixture, type TestKey } from '../helpers/fixture.ts';
import { startWorker, wranglerLogs, type WorkerUnderTest } from './harness.ts';

const EXPIRES_IN_S = 120;
let worker: WorkerUnderTest;
let expiresAt = 0;

beforeAll(async () => {
  const passphrase = 'correct horse battery staple';
  const made = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'officer-b (expires soon)' }],
    passphrase,
    keyExpirationTime: EXPIRES_IN_S,
    format: 'armored',
  });
  const key: TestKey = { publicKey: made.publicKey, privateKey: made.privateKey, passphrase };
  expiresAt = (((await (await openpgp.readKey({ armoredKey: key.publicKey })).getExpirationTime()) as Date) ?? new Date()).getTime();
  worker = await startWorker({ fixture: await makeFixture({ keys: { 'officer-b': key } }) });
}, 240_000);
afterAll(async () => worker?.stop());

const scheduled = () => fetch(`${worker.url}/__scheduled?cron=*+*+*+*+*`).then((r) => r.text());

describe('the worker’s shared counters', () => {
  it('count failed logins in the Durable Object for the whole deployment, in memory only', async () => {
    const bits = async () =>
      ((await (await fetch(`${worker.url}/api/v1/session/challenge`, { method: 'POST' })).json()) as { bits: number }).bits;
    const before = await bits();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${worker.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ challenge: 'x', counter: 0, signature: 'not a signature' }),
      });
      expect(res.status).toBe(401);
    }
    expect(await bits()).toBe(before + 2);
    expect(wranglerLogs(worker) + worker.output()).not.toContain('the counters object cannot be reached');
    // The Durable Object's own database holds nothing of Relais: only the runtime's name table.
    const files = worker
      .stateFiles()
      .filter((f) => f.includes('RelaisCounters') && f.endsWith('.sqlite') && !f.endsWith('metadata.sqlite'));
    for (const file of files) {
      const db = new Database(file, { readonly: true });
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      db.close();
      expect(tables.filter((t) => !t.startsWith('__miniflare') && !t.startsWith('_cf_'))).toEqual([]);
    }
  });
});

describe('a member key that expires while the worker runs', () => {
  it('drops that member from the routing, and the cron trigger logs the change with its reason', async () => {
    const first = await publicConfigOf(worker.url);
    const armes = first.categories.find((c) => c.id === 'armes')!;
    if (armes.sealTo.length !== 2) throw new Error('the worker took longer to start than the key took to expire');
    await expect
      .poll(async () => (await publicConfigOf(worker.url)).hash, { timeout: EXPIRES_IN_S * 1000 + 60_000, interval: 2000 })
      .not.toBe(first.hash);
    const after = await publicConfigOf(worker.url);
    expect(after.categories.find((c) => c.id === 'armes')).toMatchObject({
      available: true,
      sealTo: [worker.config.staff.get('officer-a')?.fingerprint],
    });
    await scheduled();
    const changed = worker
      .query<{ entry: string }>('SELECT entry FROM audit_entries ORDER BY idx')
      .map((r) => JSON.parse(r.entry))
      .filter((e) => e.action === 'config.changed');
    const last = changed.at(-1);
    expect(last.details).toMatchObject({ hash: after.hash, reason: 'key-expired' });
    expect(Date.parse(last.time)).toBe(Math.floor(expiresAt / 1000) * 1000);
  }, 300_000);
});
