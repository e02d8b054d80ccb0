// Served keys carry only what sealing needs (issue 13, item 4): a real GnuPG key, certified by
// another officer's key (gpg --quick-sign-key), with a photo ID (gpg addphoto), an extra user ID
// and a signing subkey, is served by GET /api/v1/config with its primary key, primary user ID and
// self-signatures, and its encryption subkey with its binding only. GnuPG and Sequoia read the
// served key, and GnuPG encrypts to the same subkey through it as through the key file. `relais
// config check` says what was left out. The config hash still covers the key file as written.
import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load-node.ts';
import { relais } from '../helpers/cli.ts';
import { makeFixture, startTestServer, type Fixture, type TestServer } from '../helpers/fixture.ts';
import { Gpg } from '../helpers/gpg.ts';

let gpg: Gpg;
let fixture: Fixture;
let server: TestServer;
let fingerprint = '';
let original = '';
let certifierKeyId = '';

/** The packets gpg sees in `data`, as `:tag packet: …` lines (without decrypting anything). */
function packets(g: Gpg, data: string | Uint8Array): string {
  return g.run(['--list-only', '--list-packets'], data).toString();
}

beforeAll(async () => {
  gpg = new Gpg();
  const pass = gpg.passphraseFile('officer passphrase');
  const officer = gpg.generateKey('Police — liaison test', 'officer passphrase');
  const other = gpg.generateKey('Police — another officer', 'officer passphrase');
  fingerprint = officer.fingerprint;
  certifierKeyId = other.fingerprint.slice(-16);
  // The other officer certifies this key; the key gets a photo, a second user ID and a signing subkey.
  gpg.run(['--passphrase-file', pass, '-u', other.fingerprint, '--quick-sign-key', fingerprint]);
  gpg.run(['--passphrase-file', pass, '--quick-add-uid', fingerprint, 'jean.dupont@police.example']);
  gpg.run(['--passphrase-file', pass, '--quick-set-primary-uid', fingerprint, 'Police — liaison test']);
  gpg.run(['--passphrase-file', pass, '--quick-add-key', fingerprint, 'ed25519', 'sign', 'never']);
  const photo = join(gpg.home, 'photo.jpg');
  copyFileSync(new URL('../strip/fixtures/progressive-restart.jpg', import.meta.url), photo);
  gpg.run(['--passphrase-file', pass, '--command-fd', '0', '--edit-key', fingerprint], `addphoto\n${photo}\nsave\n`);
  original = gpg.run(['--armor', '--export', fingerprint]).toString();

  fixture = await makeFixture();
  writeFileSync(join(fixture.dir, 'keys', 'officer-a.asc'), original);
  server = await startTestServer(fixture);
});
afterAll(async () => {
  await server?.close();
  if (gpg) execFileSync('gpgconf', ['--homedir', gpg.home, '--kill', 'gpg-agent']);
});

describe('the keys GET /api/v1/config serves', () => {
  it('start from a key file that has a certification by another key, a photo, another user ID and a signing subkey', () => {
    const list = packets(gpg, original);
    expect(list).toContain(`keyid ${certifierKeyId}`);
    expect(list).toContain(':attribute packet:');
    expect(list).toContain('jean.dupont@police.example');
    expect(list.match(/:public sub key packet:/g)?.length).toBe(2);
  });

  it('hold no certification by another key, no photo, no other user ID and no subkey that does not encrypt', async () => {
    const config = (await (await fetch(`${server.url}/api/v1/config`)).json()) as { keys: Record<string, string> };
    const served = config.keys[fingerprint.toLowerCase()] as string;
    expect(served).toContain('PUBLIC KEY BLOCK');
    const list = packets(gpg, served);
    expect(list).not.toContain(`keyid ${certifierKeyId}`);
    expect(list).not.toContain(':attribute packet:');
    expect(list).not.toContain('jean.dupont@police.example');
    // gpg shows the user ID's UTF-8 escaped: \xe2\x80\x94 for the dash.
    expect(list.match(/:user ID packet: .*/g)).toEqual([expect.stringMatching(/^:user ID packet: "Police .* liaison test"$/)]);
    expect(list.match(/:public sub key packet:/g)?.length).toBe(1);
    // Every signature left is the key's own.
    for (const m of list.matchAll(/keyid ([0-9A-F]{16})/g)) expect(m[1]).toBe(fingerprint.slice(-16));

    // GnuPG and Sequoia read it; GnuPG encrypts to the same subkey through it as through the key file.
    const recipientOf = (armored: string) => {
      const g = new Gpg();
      try {
        g.importKey(armored);
        const sealed = g.run(['--trust-model', 'always', '--encrypt', '--recipient', fingerprint], 'secret');
        return /:pubkey enc packet: version 3, algo [0-9]+, keyid ([0-9A-F]{16})/.exec(packets(g, sealed))?.[1];
      } finally {
        execFileSync('gpgconf', ['--homedir', g.home, '--kill', 'gpg-agent']);
      }
    };
    const viaFile = recipientOf(original);
    expect(viaFile).toMatch(/^[0-9A-F]{16}$/);
    expect(recipientOf(served)).toBe(viaFile);
    const sq = (armored: string) => execFileSync('sq', ['inspect', '--certifications'], { input: armored }).toString();
    expect(sq(original)).toContain(certifierKeyId);
    const inspected = sq(served);
    expect(inspected).toContain('UserID: Police — liaison test');
    expect(inspected.match(/Subkey:/g)?.length).toBe(1);
    expect(inspected).toMatch(/Key flags: transport encryption/);
    expect(inspected).not.toContain(certifierKeyId);
    expect(inspected).not.toContain('jean.dupont');
  });

  it('are what relais config check says it left out, and the config hash still covers the key file as written', async () => {
    const check = await relais(['config', 'check', '--config', fixture.configPath]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toContain(
      'served key of officer-a: without 1 certification by another key, 1 photo (user attribute), 1 other user ID, 1 subkey that does not encrypt',
    );
    expect(check.stderr).not.toContain('served key of officer-b');
    // The same key without the other officer's certification: the same served key, another hash.
    const before = await loadConfigFile(fixture.configPath);
    writeFileSync(
      join(fixture.dir, 'keys', 'officer-a.asc'),
      gpg.run(['--armor', '--export', '--export-options', 'export-minimal', fingerprint]),
    );
    const after = await loadConfigFile(fixture.configPath);
    expect(after.staff.get('officer-a')?.armored).toBe(before.staff.get('officer-a')?.armored);
    expect(after.hash).not.toBe(before.hash);
  });
});
