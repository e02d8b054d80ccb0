// The resident's reply key (DESIGN "Flows: Follow-up"): an OpenPGP v4 key pair made on the
// resident's device when the report is sent, so that officers can seal replies the resident alone
// can read. It carries nothing about the resident: the user ID is the fixed "Relais" and the
// creation date the fixed RESIDENT_KEY_DATE (a real date would give the time of writing to the
// second). The server refuses a key that differs in either, and a locked key that is not exactly
// the secret half of the public key, locked.

import * as openpgp from 'openpgp';
import { dearmor } from './armor.ts';
import { equalBytes } from './bytes.ts';
import { ALGORITHM, KeyPacketError, readKeyBody, readSignatureBody, type SignatureBody, v4Fingerprint } from './openpgp-key-packets.ts';
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

const ED25519_OID = '2b06010401da470f01';
const CURVE25519_OID = '2b060104019755010501';
const SUBPACKET = { created: 2, signatureExpires: 3, keyExpires: 9, issuer: 16, keyFlags: 27, issuerFingerprint: 33 } as const;
/**
 * The subpackets a self-signature of a reply key may carry (RFC 4880 §5.2.3.1, RFC 9580 §5.2.3.7):
 * times, preferences, key flags, features, the primary user ID flag, notations and the issuer;
 * outside the hashed area only the issuer. Anything else (a signature target, an embedded
 * signature, a revocation key…) is refused rather than read.
 */
const HASHED_ALLOWED: ReadonlySet<number> = new Set([2, 3, 9, 11, 16, 20, 21, 22, 23, 25, 27, 30, 33, 34, 39]);
const UNHASHED_ALLOWED: ReadonlySet<number> = new Set([SUBPACKET.issuer, SUBPACKET.issuerFingerprint]);
/** The only subpackets a signature of a reply key may mark critical. */
const CRITICAL_ALLOWED: ReadonlySet<number> = new Set([
  SUBPACKET.created,
  SUBPACKET.signatureExpires,
  SUBPACKET.keyExpires,
  SUBPACKET.keyFlags,
]);
/** SHA-2 and SHA-3 (RFC 9580 §9.5). */
const HASHES: ReadonlySet<number> = new Set([8, 9, 10, 11, 12, 14]);
const CERTIFICATIONS: ReadonlySet<number> = new Set([0x10, 0x11, 0x12, 0x13]);
const SUBKEY_BINDINGS: ReadonlySet<number> = new Set([0x18]);
const USER_ID_BYTES = new TextEncoder().encode(RESIDENT_KEY_USER_ID);
const REPLY_KEY_TAGS = [TAG.publicKey, TAG.userId, TAG.signature, TAG.publicSubkey, TAG.signature].join(',');
const ENCRYPTS = 0x04 | 0x08;

/** The one hashed subpacket of `type` (null if absent); two of them are refused. */
function hashedOnce(sig: SignatureBody, type: number): Uint8Array | null {
  const found = sig.hashed.filter((p) => p.type === type);
  if (found.length > 1) throw new ResidentKeyProblem('a signature subpacket appears twice');
  return found[0]?.data ?? null;
}

function seconds(data: Uint8Array): number {
  if (data.length !== 4) throw new ResidentKeyProblem('a time subpacket of the wrong length');
  return (data[0] as number) * 2 ** 24 + (((data[1] as number) << 16) | ((data[2] as number) << 8) | (data[3] as number));
}

/**
 * A self-signature of the key whose key ID is `keyId`: of `types`, SHA-2 or SHA-3, issued by that
 * key, made before `now`, nothing expiring, no critical subpacket Relais does not read.
 */
function checkSelfSignature(body: Uint8Array, types: ReadonlySet<number>, keyId: Uint8Array, now: Date): SignatureBody {
  const sig = readSignatureBody(body);
  if (!types.has(sig.type)) throw new ResidentKeyProblem('a signature of an unexpected type');
  if (!HASHES.has(sig.hash)) throw new ResidentKeyProblem('a signature with an unexpected hash');
  if (sig.hashed.some((p) => !HASHED_ALLOWED.has(p.type)) || sig.unhashed.some((p) => !UNHASHED_ALLOWED.has(p.type)))
    throw new ResidentKeyProblem('a signature subpacket a reply key does not carry');
  if (sig.hashed.some((p) => p.critical && !CRITICAL_ALLOWED.has(p.type)) || sig.unhashed.some((p) => p.critical))
    throw new ResidentKeyProblem('a critical subpacket Relais does not read');
  const issuers = [...sig.hashed, ...sig.unhashed].flatMap((p) => {
    if (p.type === SUBPACKET.issuer) return [p.data];
    if (p.type === SUBPACKET.issuerFingerprint)
      return p.data.length === 21 && p.data[0] === 4 ? [p.data.subarray(13)] : [new Uint8Array(0)];
    return [];
  });
  if (issuers.length === 0 || !issuers.every((id) => equalBytes(id, keyId))) throw new ResidentKeyProblem('a signature by another key');
  const created = hashedOnce(sig, SUBPACKET.created);
  if (created === null || seconds(created) * 1000 > now.getTime()) throw new ResidentKeyProblem('a signature from the future');
  for (const type of [SUBPACKET.keyExpires, SUBPACKET.signatureExpires]) {
    const expires = hashedOnce(sig, type);
    if (expires !== null && seconds(expires) !== 0) throw new ResidentKeyProblem('the key expires');
  }
  return sig;
}

/**
 * Checks a reply key sent by a browser: the shape of a key generateResidentKey makes, read
 * packet by packet (src/core/openpgp-key-packets.ts) — a v4 EdDSA primary key of the fixed date,
 * the one user ID "Relais" with one self-certification, one Curve25519 ECDH subkey of the fixed
 * date bound for encryption, nothing expiring, nothing else — and a locked key that is its
 * secret half, locked. Parsing the key with OpenPGP.js was most of the server's time per report
 * after the commit (issue 16); test/core/resident-key.test.ts checks that nothing accepted here
 * is refused by that reading. The signatures themselves are checked where the key is used
 * (sealing to it, src/server/sealed-parts.ts expectedResident): a key whose signatures fail only
 * makes its own report unreachable.
 */
export function checkResidentKey(publicArmored: string, lockedArmored: string, now: Date): void {
  let publicPackets: Packet[];
  let lockedPackets: Packet[];
  try {
    publicPackets = [...readPackets(dearmor(publicArmored, 'PUBLIC KEY BLOCK'))];
    lockedPackets = [...readPackets(dearmor(lockedArmored, 'PRIVATE KEY BLOCK'))];
  } catch {
    throw new ResidentKeyProblem('unreadable key');
  }
  checkResidentPublicKey(publicPackets, now);
  const twin = isLockedTwin(publicPackets, lockedPackets);
  if (twin === 'unlocked') throw new ResidentKeyProblem('the private key is not locked');
  if (twin === 'mismatch') throw new ResidentKeyProblem('the two keys do not match');
}

/** The public half's part of checkResidentKey, on its packets. */
export function checkResidentPublicKey(packets: Packet[], now: Date): void {
  if (packets.map((p) => p.tag).join(',') !== REPLY_KEY_TAGS) throw new ResidentKeyProblem('not the packets of a reply key');
  const [primaryPacket, userId, certification, subkeyPacket, binding] = packets as [Packet, Packet, Packet, Packet, Packet];
  try {
    const primary = readKeyBody(primaryPacket.body);
    const subkey = readKeyBody(subkeyPacket.body);
    if (primary.algorithm !== ALGORITHM.eddsaLegacy || primary.oid !== ED25519_OID || !isNativePoint(primary.point))
      throw new ResidentKeyProblem('not an EdDSA primary key');
    if (subkey.algorithm !== ALGORITHM.ecdh || subkey.oid !== CURVE25519_OID || !isNativePoint(subkey.point))
      throw new ResidentKeyProblem('no Curve25519 encryption subkey');
    if (!HASHES.has(subkey.kdf?.hash ?? 0) || ![7, 8, 9].includes(subkey.kdf?.cipher ?? 0))
      throw new ResidentKeyProblem('unexpected ECDH KDF parameters');
    const date = RESIDENT_KEY_DATE.getTime() / 1000;
    if (primary.created !== date || subkey.created !== date) throw new ResidentKeyProblem('unexpected creation date');
    if (!equalBytes(userId.body, USER_ID_BYTES)) throw new ResidentKeyProblem('unexpected user ID');
    const keyId = v4Fingerprint(primaryPacket.body).subarray(12);
    checkSelfSignature(certification.body, CERTIFICATIONS, keyId, now);
    const flags = hashedOnce(checkSelfSignature(binding.body, SUBKEY_BINDINGS, keyId, now), SUBPACKET.keyFlags);
    if (!flags || !((flags[0] ?? 0) & ENCRYPTS)) throw new ResidentKeyProblem('the subkey is not bound for encryption');
  } catch (e) {
    if (e instanceof KeyPacketError) throw new ResidentKeyProblem('unreadable key');
    throw e;
  }
}

/** A 32-octet point in the native encoding (prefix 0x40), as RFC 9580 §5.5.5.5-6 has it. */
function isNativePoint(point: Uint8Array): boolean {
  return point.length === 33 && point[0] === 0x40;
}
