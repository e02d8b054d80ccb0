// The resident's reply key (DESIGN "Flows: Follow-up"): an OpenPGP v4 key pair made on the
// resident's device when the report is sent, so that officers can seal replies the resident alone
// can read. It carries nothing about the resident: the user ID is the fixed "Relais" and the
// creation date the fixed RESIDENT_KEY_DATE (a real date would give the time of writing to the
// second). The server refuses a key that differs in either.

import * as openpgp from 'openpgp';

export const RESIDENT_KEY_USER_ID = 'Relais';
export const RESIDENT_KEY_DATE = new Date('2020-01-01T00:00:00Z');

export async function generateResidentKey(passphrase: string): Promise<{ publicKey: string; lockedKey: string }> {
  const { publicKey, privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: RESIDENT_KEY_USER_ID }],
    date: RESIDENT_KEY_DATE,
    passphrase,
    format: 'armored',
    config: { v6Keys: false, aeadProtect: false, showVersion: false, showComment: false },
  });
  return { publicKey, lockedKey: privateKey };
}

export class ResidentKeyProblem extends Error {}

/** Checks a reply key sent by a browser; returns the parsed public key. */
export async function checkResidentKey(publicArmored: string, lockedArmored: string, now: Date): Promise<openpgp.PublicKey> {
  let publicKey: openpgp.Key;
  let locked: openpgp.PrivateKey;
  try {
    publicKey = await openpgp.readKey({ armoredKey: publicArmored });
    locked = await openpgp.readPrivateKey({ armoredKey: lockedArmored });
  } catch {
    throw new ResidentKeyProblem('unreadable key');
  }
  if (publicKey.isPrivate()) throw new ResidentKeyProblem('the public key is a private key');
  if (locked.isDecrypted()) throw new ResidentKeyProblem('the private key is not locked');
  if (publicKey.getFingerprint() !== locked.getFingerprint()) throw new ResidentKeyProblem('the two keys do not match');
  if (publicKey.keyPacket.version !== 4) throw new ResidentKeyProblem('not a version 4 key');
  const uids = publicKey.getUserIDs();
  if (uids.length !== 1 || uids[0] !== RESIDENT_KEY_USER_ID) throw new ResidentKeyProblem('unexpected user ID');
  for (const k of [publicKey, ...publicKey.subkeys]) {
    if (k.getCreationTime().getTime() !== RESIDENT_KEY_DATE.getTime()) throw new ResidentKeyProblem('unexpected creation date');
  }
  const enc = await publicKey.getEncryptionKey(undefined, now).catch(() => null);
  if (enc?.getAlgorithmInfo().algorithm !== 'ecdh') throw new ResidentKeyProblem('no Curve25519 encryption subkey');
  return publicKey as openpgp.PublicKey;
}
