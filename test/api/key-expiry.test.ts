// Member keys that expire while the server runs (issue 14): warnings 30 days before, then the
// member drops out of the routing without stopping intake — a new config hash that clients pick
// up, a config.changed entry with the reason and the expiry's own time, in a signed checkpoint —
// and a category left with nobody to read it is shown and refused as temporarily unavailable.
// Keys are OpenPGP.js keys with a short keyExpirationTime; the server's clock is injected. The
// restart drill uses a GnuPG key that had already expired when the server started.
import * as openpgp from 'openpgp';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api.ts';
import { getReport, listReports, openPart, unlockPrivateKey } from '../../src/client/staff.ts';
import { submitReport } from '../../src/client/submit.ts';
import { inspectSealedPart } from '../../src/core/openpgp-packets.ts';
import { sealEnvelope } from '../../src/core/seal.ts';
import { runMaintenance } from '../../src/server/maintenance.ts';
import { relais as cli } from '../helpers/cli.ts';
import { makeFixture, makeKey, startTestServer, type TestKey, type TestServer } from '../helpers/fixture.ts';
import { Gpg } from '../helpers/gpg.ts';
import { keysOf, publicConfigOf, send, solvedPow, textEnvelope, validSubmission } from '../helpers/intake.ts';
import { staffClient } from '../helpers/staff.ts';

const DAY = 86_400_000;
let server: TestServer;
let now = Date.now();

async function expiringKey(name: string, days: number): Promise<TestKey> {
  const passphrase = 'correct horse battery staple';
  const { publicKey, privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name }],
    passphrase,
    keyExpirationTime: days * 86_400,
    format: 'armored',
  });
  return { publicKey, privateKey, passphrase };
}

function entries(): Promise<Record<string, any>[]> {
  return server.relais.store.audit.range(0, 10_000).then((rows) => rows.map((e) => JSON.parse(e.entry)));
}

beforeAll(async () => {
  const keys = { 'officer-b': await expiringKey('officer-b', 2), 'city-c': await expiringKey('city-c', 3) };
  server = await startTestServer(await makeFixture({ keys }), { clock: () => now });
});
afterAll(async () => server?.close());

describe('a member key that expires while the server runs', () => {
  it('is announced 30 days ahead in the server log and to the member and their inbox at login', async () => {
    expect(server.logLines.join('\n')).toMatch(/warning: the key of officer-b expires on \d{4}-\d\d-\d\d/);
    const a = await staffClient(server, 'officer-a');
    const session = await a.json<{ member: { keyWarnings: { member: string }[] } }>('GET', '/api/v1/session');
    // officer-b shares the police inbox with officer-a; city-c does not.
    expect(session.member.keyWarnings.map((w) => w.member)).toEqual(['officer-b']);
    const c = await staffClient(server, 'city-c');
    const own = await c.json<{ member: { keyWarnings: { member: string }[] } }>('GET', '/api/v1/session');
    expect(own.member.keyWarnings.map((w) => w.member)).toEqual(['city-c']);
  });

  it('leaves that member out of the routing while intake goes on for the others, with a new config hash', async () => {
    const before = await publicConfigOf(server.url);
    const stale = await validSubmission(server.url, 'armes', 'scellé pour deux');
    const b = await staffClient(server, 'officer-b');
    now += 2 * DAY + 3_600_000;

    const after = await publicConfigOf(server.url);
    expect(after.hash).not.toBe(before.hash);
    const armes = after.categories.find((c) => c.id === 'armes');
    expect(armes?.sealTo).toEqual([server.config.staff.get('officer-a')?.fingerprint]);
    expect(armes?.available).toBe(true);
    // Sealed with the old config: refused as stale, with the new hash to pick up (with a proof of
    // work solved now: the one from two days ago has expired, and it is checked first).
    const refused = await send(server.url, { ...stale, meta: { ...stale.meta, pow: await solvedPow(server.url) } });
    expect(refused).toMatchObject({ status: 409, body: { error: 'stale_config', currentHash: after.hash } });
    // The old recipients under the new hash: not what the routing is now.
    const mixed = await send(server.url, { ...stale, meta: { ...stale.meta, configHash: after.hash, pow: await solvedPow(server.url) } });
    expect(mixed).toMatchObject({ status: 422, body: { error: 'recipients_unexpected' } });

    const { ref } = await submitReport(
      new ApiClient({ server: server.url }),
      { category: 'armes', text: 'après expiration' },
      { followUp: false },
    );
    const a = await staffClient(server, 'officer-a');
    const key = await unlockPrivateKey(server.fixture.keys['officer-a']!.privateKey, server.fixture.keys['officer-a']!.passphrase);
    const detail = await getReport(a, ref);
    const opened = await openPart(a, ref, detail.parts[0]!.idx, key);
    expect(new TextDecoder().decode(opened.content)).toBe('après expiration');
    const sealed = await a.bytes(`/api/v1/reports/${ref}/parts/0`);
    expect(inspectSealedPart(sealed).recipients).toHaveLength(1);
    // The expired member's session ends; their key no longer logs in.
    await expect(listReports(b)).rejects.toMatchObject({ status: 401 });
  });

  it('is logged as config.changed with the reason and the time of the expiry, in a signed checkpoint', async () => {
    await runMaintenance(server.relais);
    const changed = (await entries()).filter((e) => e.action === 'config.changed');
    const last = changed.at(-1)!;
    expect(last.details.reason).toBe('key-expired');
    expect(last.details.changes).toContainEqual({ group: 'inbox:police', id: 'officer-b', change: 'removed', value: expect.any(String) });
    expect(last.details.changes).toContainEqual(expect.objectContaining({ group: 'excluded', id: 'officer-b', change: 'added' }));
    const expiry = server.relais.config.excluded.get('officer-b')!.since;
    expect(last.time).toBe(new Date(Math.floor(expiry.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
    const status = await server.relais.tlog.integrate();
    expect(status.checkpointSize).toBe((await entries()).length);
    // Logged once, not on every run.
    await runMaintenance(server.relais);
    expect((await entries()).filter((e) => e.action === 'config.changed')).toHaveLength(changed.length);
  });

  it('shows a category left with nobody to read it as temporarily unavailable, and refuses it with a stable code', async () => {
    now += DAY;
    const config = await publicConfigOf(server.url);
    const prevention = config.categories.find((c) => c.id === 'prevention');
    expect(prevention).toMatchObject({ available: false, sealTo: [] });
    expect(config.categories.find((c) => c.id === 'trafic')?.available).toBe(true);

    const officerA = config.keys[server.config.staff.get('officer-a')!.fingerprint]!;
    const parts = [await sealEnvelope(textEnvelope('personne'), await keysOf({ ...config, keys: { a: officerA } }, ['a']))];
    const res = await send(server.url, {
      meta: { category: 'prevention', configHash: config.hash, pow: await solvedPow(server.url), parts: ['report'] },
      parts,
    });
    expect(res).toMatchObject({ status: 422, body: { error: 'category_unavailable' } });
    expect(JSON.stringify(res.body)).not.toContain('personne');

    const home = await (await fetch(`${server.url}/?lang=fr`)).text();
    expect(home).toMatch(/value="prevention" required disabled>/);
    expect(home).toContain('Temporairement indisponible');
    const token = /name="formToken" value="([^"]+)"/.exec(home)?.[1] ?? '';
    now += 5_000;
    const nojs = await fetch(`${server.url}/nojs/report?lang=fr`, {
      method: 'POST',
      body: new URLSearchParams({ category: 'prevention', what: 'personne', formToken: token, nojs: '1' }),
    });
    expect(nojs.status).toBe(409);
    expect(await nojs.text()).toContain('temporairement indisponible');
  });
});

describe('a server restarted with an expired key in its config', () => {
  it('starts, leaves that member out, and config check says so without failing', async () => {
    // A GnuPG 2.2 key made "a week ago" with a one-day expiry: already expired.
    const gpg = new Gpg();
    const weekAgo = new Date(Date.now() - 7 * DAY).toISOString().replace(/[-:]/g, '').slice(0, 15);
    gpg.run(['--faked-system-time', weekAgo, '--passphrase', '', '--quick-gen-key', 'Police — expirée', 'future-default', 'default', '1d']);
    const expired = gpg.run(['--armor', '--export', 'Police — expirée']).toString();
    const fx = await makeFixture({ keys: { 'officer-a': await makeKey('a') } });
    writeFileSync(join(fx.dir, 'keys', 'officer-b.asc'), expired);
    const restarted = await startTestServer(fx);
    try {
      expect(restarted.config.excluded.has('officer-b')).toBe(true);
      const config = await publicConfigOf(restarted.url);
      expect(config.categories.find((c) => c.id === 'armes')?.sealTo).toEqual([restarted.config.staff.get('officer-a')?.fingerprint]);
      const checked = await cli(['config', 'check', '--config', fx.configPath]);
      expect(checked.code).toBe(0);
      expect(checked.stderr).toMatch(/warning: officer-b is left out of the routing: the key expired on \d{4}-\d\d-\d\d/);
    } finally {
      await restarted.close();
    }
  });
});
