// The resident's reply key (DESIGN "Flows: Follow-up"): an OpenPGP v4 key pair made on the
// resident's device when the report is sent, so that officers can seal replies the resident alone
// can read. It carries nothing about the resident: the user ID is the fixed "Relais" and the
// creation date the fixed RESIDENT_KEY_DATE (a real date would give the time of writing to the
// second). The server refuses a key that differs in either, and a locked key that is not exactly
// the secret half of the public key, locked.

import * as openpgp from 'openpgp';
import { dearmor } from './armor.ts';
import { equalBytes } from './bytes.ts';
import { type Packet, readPackets } from './openpgp-packets.ts';

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

const TAG = { signature: 2, secretKey: 5, publicKey: 6, secretSubkey: 7, userId: 13, publicSubkey: 14 } as const;

/**
 * Whether `locked` is exactly the secret half of `publicPackets`, every secret packet locked: the
 * same packets in the same order, each secret key packet opening with its public key packet's
 * bytes (RFC 4880 §5.5.3) followed by a non-zero S2K usage octet, user IDs and signatures
 * byte for byte. Read with the packet reader, not parsed as a key: parsing a private key with
 * OpenPGP.js cost more than anything else in taking a report.
 */
function isLockedTwin(publicPackets: Packet[], locked: Packet[]): 'ok' | 'mismatch' | 'unlocked' {
  if (publicPackets.length !== locked.length) return 'mismatch';
  for (const [i, pub] of publicPackets.entries()) {
    const sec = locked[i] as Packet;
    const secretTag = pub.tag === TAG.publicKey ? TAG.secretKey : pub.tag === TAG.publicSubkey ? TAG.secretSubkey : null;
    if (secretTag === null) {
      if (sec.tag !== pub.tag || !equalBytes(sec.body, pub.body)) return 'mismatch';
      continue;
    }
    if (sec.tag !== secretTag || sec.body.length <= pub.body.length) return 'mismatch';
    if (!equalBytes(sec.body.subarray(0, pub.body.length), pub.body)) return 'mismatch';
    if (sec.body[pub.body.length] === 0) return 'unlocked';
  }
  return 'ok';
}

/** Checks a reply key sent by a browser; returns the parsed public key. */
export async function checkResidentKey(publicArmored: string, lockedArmored: string, now: Date): Promise<openpgp.PublicKey> {
  let publicKey: openpgp.Key;
  let publicPackets: Packet[];
  let lockedPackets: Packet[];
  try {
    // Dearmored here (src/core/armor.ts), then parsed: OpenPGP.js's own dearmoring was most of the cost.
    const publicBinary = dearmor(publicArmored, 'PUBLIC KEY BLOCK');
    publicPackets = [...readPackets(publicBinary)];
    lockedPackets = [...readPackets(dearmor(lockedArmored, 'PRIVATE KEY BLOCK'))];
    publicKey = await openpgp.readKey({ binaryKey: publicBinary });
  } catch {
    throw new ResidentKeyProblem('unreadable key');
  }
  if (publicKey.isPrivate()) throw new ResidentKeyProblem('the public key is a private key');
  const twin = isLockedTwin(publicPackets, lockedPackets);
  if (twin === 'unlocked') throw new ResidentKeyProblem('the private key is not locked');
  if (twin === 'mismatch') throw new ResidentKeyProblem('the two keys do not match');
  if (publicKey.keyPacket.version !== 4) throw new ResidentKeyProblem('not a version 4 key');
  const uids = publicKey.getUserIDs();
  if (uids.length !== 1 || uids[0] !== RESIDENT_KEY_USER_ID) throw new ResidentKeyProblem('unexpected user ID');
  for (const k of [publicKey, ...publicKey.subkeys]) {
    if (k.getCreationTime().getTime() !== RESIDENT_KEY_DATE.getTime()) throw new ResidentKeyProblem('unexpected creation date');
  }
  // The shape of a key generateResidentKey makes: an EdDSA primary key certified for its one
  // user ID, one Curve25519 ECDH subkey bound for encryption, nothing expiring. The signatures
  // themselves are checked where the key is used (sealing to it, src/server/sealed-parts.ts
  // expectedResident): verifying them here took more time than anything else in taking a report,
  // and a key whose signatures fail only makes its own report unreachable.
  if (publicKey.getAlgorithmInfo().algorithm !== 'eddsaLegacy') throw new ResidentKeyProblem('not an EdDSA primary key');
  const user = publicKey.users[0];
  if (user?.selfCertifications.length !== 1) throw new ResidentKeyProblem('the user ID is not certified once');
  const [subkey, ...more] = publicKey.subkeys;
  const info = subkey?.getAlgorithmInfo();
  if (!subkey || more.length > 0 || info?.algorithm !== 'ecdh' || !String(info.curve).startsWith('curve25519'))
    throw new ResidentKeyProblem('no Curve25519 encryption subkey');
  const binding = subkey.bindingSignatures;
  const encrypts = openpgp.enums.keyFlags.encryptCommunication | openpgp.enums.keyFlags.encryptStorage;
  if (binding.length !== 1 || !((binding[0]?.keyFlags?.[0] ?? 0) & encrypts))
    throw new ResidentKeyProblem('the subkey is not bound for encryption');
  for (const signature of [...user.selfCertifications, ...binding]) {
    if (signature.keyNeverExpires === false || (signature.keyExpirationTime ?? 0) !== 0 || signature.signatureNeverExpires === false)
      throw new ResidentKeyProblem('the key expires');
    if (!signature.created || signature.created.getTime() > now.getTime()) throw new ResidentKeyProblem('a signature from the future');
  }
  return publicKey as openpgp.PublicKey;
}
