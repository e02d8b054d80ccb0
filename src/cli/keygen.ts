// `relais keygen`: a staff key pair as Relais expects it (DESIGN "Technical ground"): OpenPGP v4,
// Ed25519 primary key for signing logins, Curve25519 encryption subkey, the private key locked
// with a passphrase. Use a role as the name ("Police — liaison 2"), not a person's name: the
// public key is served to every resident's browser.

import * as openpgp from 'openpgp';
import { existsSync, writeFileSync } from 'node:fs';
import { parse, required, say, UsageError, help } from './args.ts';
import { readPassphrase } from './prompt.ts';

const USAGE = `relais keygen --name NAME --out PREFIX [--passphrase-file FILE]

Writes PREFIX.pub.asc (the public key, for keys/) and PREFIX.key.asc (the private key, locked
with the passphrase; keep it off the server).`;

export async function generateStaffKey(
  name: string,
  passphrase: string,
): Promise<{ publicKey: string; privateKey: string; fingerprint: string }> {
  if (passphrase.length < 8) throw new UsageError('the passphrase must have at least 8 characters');
  const { publicKey, privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name }],
    passphrase,
    format: 'armored',
    config: { v6Keys: false, aeadProtect: false },
  });
  const fingerprint = (await openpgp.readKey({ armoredKey: publicKey })).getFingerprint();
  return { publicKey, privateKey, fingerprint };
}

export async function keygenCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { name: { type: 'string' }, out: { type: 'string' }, 'passphrase-file': { type: 'string' } }, USAGE);
  if (values.help) return help(USAGE);
  const name = required(values.name, 'name', USAGE);
  const out = required(values.out, 'out', USAGE);
  for (const f of [`${out}.pub.asc`, `${out}.key.asc`]) if (existsSync(f)) throw new UsageError(`${f} exists; not overwriting it`);
  const passphrase = await readPassphrase({ file: values['passphrase-file'], prompt: 'Passphrase for the new key: ', confirm: true });
  const key = await generateStaffKey(name, passphrase);
  writeFileSync(`${out}.pub.asc`, key.publicKey);
  writeFileSync(`${out}.key.asc`, key.privateKey, { mode: 0o600 });
  say(`public key:  ${out}.pub.asc  (copy to keys/ and add the member to relais.config.json)`);
  say(`private key: ${out}.key.asc  (locked; keep it on the officer's computer only)`);
  say(`fingerprint: ${key.fingerprint}`);
  return 0;
}
