import * as openpgp from 'openpgp';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load-node.ts';
import { ConfigError } from '../../src/config/resolve.ts';
import { Gpg } from '../helpers/gpg.ts';
import { makeFixture, makeKey, type TestKey } from '../helpers/fixture.ts';

async function refusal(fx: { configPath: string }): Promise<string> {
  try {
    await loadConfigFile(fx.configPath);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return 'accepted';
}

/** A fixture where officer-a's key file holds `armored`. */
async function withOfficerKey(armored: string) {
  const fx = await makeFixture();
  writeFileSync(join(fx.dir, 'keys', 'officer-a.asc'), armored);
  return fx;
}

let base: Record<string, TestKey>;
beforeAll(async () => {
  const fx = await makeFixture();
  base = fx.keys;
});

describe('loading relais.config.json', () => {
  it('accepts a valid config and routes each category to the members of its inboxes', async () => {
    const fx = await makeFixture({ keys: base });
    const config = await loadConfigFile(fx.configPath);
    expect(
      config.routing
        .get('trafic')
        ?.main.members.map((m) => m.id)
        .sort(),
    ).toEqual(['city-c', 'officer-a', 'officer-b']);
    expect(
      config.routing
        .get('temoin')
        ?.identity?.members.map((m) => m.id)
        .sort(),
    ).toEqual(['custodian-d', 'custodian-e']);
    expect(config.staff.get('auditor-f')?.roles).toEqual(['auditor']);
    expect(config.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same hash to the same config and another hash when a key changes', async () => {
    const fx = await makeFixture({ keys: base });
    const a = await loadConfigFile(fx.configPath);
    const b = await loadConfigFile(fx.configPath);
    expect(a.hash).toBe(b.hash);
    writeFileSync(join(fx.dir, 'keys', 'officer-a.asc'), (await makeKey('other')).publicKey);
    const c = await loadConfigFile(fx.configPath);
    expect(c.hash).not.toBe(a.hash);
  });

  it('accepts a key made by GnuPG 2.2 with future-default', async () => {
    const key = new Gpg().generateKey('Police — liaison GnuPG', 'pass phrase');
    const fx = await withOfficerKey(key.publicKey);
    const config = await loadConfigFile(fx.configPath);
    expect(config.staff.get('officer-a')?.fingerprint.toUpperCase()).toBe(key.fingerprint);
  });

  it('refuses a file that is not a key, naming the file', async () => {
    expect(await refusal(await withOfficerKey('hello'))).toMatch(
      /^keys\/officer-a\.asc: inboxes\.0\.members\.0\.key: not a readable OpenPGP public key/,
    );
  });

  it('refuses a missing key file, naming the file', async () => {
    const fx = await makeFixture({ keys: base, patch: (j) => (j.inboxes[0].members[0].key = 'keys/nobody.asc') });
    expect(await refusal(fx)).toMatch(/^keys\/nobody\.asc: .*cannot read the key file/);
  });

  it('refuses a private key put in keys/', async () => {
    expect(await refusal(await withOfficerKey(base['officer-a']!.privateKey))).toMatch(/keys\/officer-a\.asc: .*PRIVATE key/);
  });

  it('refuses a key without an encryption subkey', async () => {
    const { publicKey } = await openpgp.generateKey({ type: 'ecc', userIDs: [{ name: 'sign only' }], subkeys: [], format: 'armored' });
    expect(await refusal(await withOfficerKey(publicKey))).toMatch(/keys\/officer-a\.asc: .*no usable encryption subkey/);
  });

  it('leaves out a member whose key has expired, instead of refusing the config, and gives the config another hash', async () => {
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      userIDs: [{ name: 'expired' }],
      keyExpirationTime: 60,
      date: new Date(Date.now() - 3_600_000),
      format: 'armored',
    });
    const valid = await loadConfigFile((await makeFixture({ keys: base })).configPath);
    const fx = await makeFixture({ keys: base });
    writeFileSync(join(fx.dir, 'keys', 'officer-a.asc'), publicKey);
    const config = await loadConfigFile(fx.configPath);
    expect(config.staff.has('officer-a')).toBe(false);
    expect(config.excluded.get('officer-a')).toMatchObject({ reason: 'key-expired' });
    expect(config.routing.get('armes')?.main.members.map((m) => m.id)).toEqual(['officer-b']);
    expect(config.hash).not.toBe(valid.hash);
  });

  it('refuses a revoked key', async () => {
    const { privateKey } = await openpgp.generateKey({ type: 'ecc', userIDs: [{ name: 'revoked' }], format: 'object' });
    const { publicKey } = await openpgp.revokeKey({ key: privateKey, format: 'armored' });
    expect(await refusal(await withOfficerKey(publicKey))).toMatch(/keys\/officer-a\.asc: .*revoked/);
  });

  it('refuses a version 6 key', async () => {
    const { publicKey } = await openpgp.generateKey({
      type: 'curve25519',
      userIDs: [{ name: 'v6' }],
      config: { v6Keys: true },
      format: 'armored',
    });
    expect(await refusal(await withOfficerKey(publicKey))).toMatch(/keys\/officer-a\.asc: .*version 6 key/);
  });

  it('refuses a v4 key using the new Ed25519/X25519 algorithms GnuPG 2.2 cannot read', async () => {
    const { publicKey } = await openpgp.generateKey({
      type: 'curve25519',
      userIDs: [{ name: 'rfc9580 algorithms' }],
      config: { v6Keys: false },
      format: 'armored',
    });
    expect(await refusal(await withOfficerKey(publicKey))).toMatch(/keys\/officer-a\.asc: .*GnuPG 2\.2 cannot read/);
  });

  it('refuses a 1024-bit RSA key', async () => {
    const gpg = new Gpg();
    const pf = gpg.passphraseFile('x');
    gpg.run(['--passphrase-file', pf, '--quick-gen-key', 'weak', 'rsa1024', 'default', 'never']);
    const armored = gpg.run(['--armor', '--export', 'weak']).toString();
    expect(await refusal(await withOfficerKey(armored))).toMatch(/keys\/officer-a\.asc: .*1024 bits/);
  });

  it('refuses a category routed to an unknown inbox', async () => {
    const fx = await makeFixture({ keys: base, patch: (j) => j.categories[0].inboxes.push('nowhere') });
    expect(await refusal(fx)).toMatch(
      /relais\.config\.json: categories\.0\.inboxes\.2: category "trafic" routes to unknown inbox "nowhere"/,
    );
  });

  it('refuses an inbox with no member', async () => {
    const fx = await makeFixture({ keys: base, patch: (j) => (j.inboxes[1].members = []) });
    expect(await refusal(fx)).toMatch(/relais\.config\.json: inboxes\.1\.members: an inbox needs at least one member/);
  });

  it('refuses a witness identity routed to an inbox that is not witness custody', async () => {
    const fx = await makeFixture({ keys: base, patch: (j) => (j.categories[3].identity = ['police']) });
    expect(await refusal(fx)).toMatch(/witness identity goes only to witness-custody inboxes/);
  });

  it('refuses an auditor who is also an inbox member', async () => {
    const fx = await makeFixture({ keys: base, patch: (j) => (j.auditors[0].id = 'officer-a') });
    expect(await refusal(fx)).toMatch(/auditors never read reports/);
  });

  it('refuses a category without a label in one of the site languages', async () => {
    const fx = await makeFixture({ keys: base, patch: (j) => delete j.categories[1].labels.en });
    expect(await refusal(fx)).toMatch(/category "armes" has no label in "en"/);
  });

  it('refuses unknown fields, so a typo is not silently ignored', async () => {
    const fx = await makeFixture({ keys: base, patch: (j) => (j.timeBuckteSeconds = 60) });
    expect(await refusal(fx)).toMatch(/relais\.config\.json: .*timeBuckteSeconds/);
  });

  it('refuses a key path outside keys/', async () => {
    const fx = await makeFixture({ keys: base, patch: (j) => (j.inboxes[0].members[0].key = '../etc/passwd') });
    expect(await refusal(fx)).toMatch(/a member key is a file keys\/NAME\.asc/);
  });

  it('refuses a file that is not JSON', async () => {
    const fx = await makeFixture({ keys: base });
    writeFileSync(fx.configPath, '{ "site": ');
    expect(await refusal(fx)).toMatch(/relais\.config\.json: not valid JSON/);
  });
});
