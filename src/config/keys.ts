// Checks a member's OpenPGP public key before the config may use it (DESIGN "Config", promise 1).
// A key must be readable, public, version 4 (GnuPG 2.2 reads neither v5 nor v6), use only
// algorithms GnuPG 2.2 knows, be neither expired nor revoked, and have a usable encryption
// subkey (to seal reports) and a usable signing key (to log in). The result lists every key ID
// that may legitimately appear as a recipient of a part sealed to this member, when the key stops
// being usable, and when its usable set next changes. An expired key is its own refusal
// (KeyExpired): the config then leaves that member out instead of refusing to load (issue 14).
// The key is served to every visitor with only what sealing needs (issue 13, item 4): the primary
// key with its own signatures, its primary user ID with its self-certifications, and the
// encryption subkeys usable now with their bindings (RFC 9580 §10.1). Certifications by other
// keys (which would show every visitor who vouched for whom), user attributes (photos), other
// user IDs and subkeys that do not encrypt are left out, and counted so `relais config check` can
// say so.

import * as openpgp from 'openpgp';

export class KeyProblem extends Error {}

/** The key was good but has expired (primary key, or its last encryption or signing key). */
export class KeyExpired extends KeyProblem {
  constructor(
    readonly expired: Date,
    /** the key as normalised armor, so that the config hash still covers it */
    readonly armored: string,
  ) {
    super(`the key expired on ${expired.toISOString().slice(0, 10)}`);
  }
}

/** What the served key leaves out of the key file. */
export interface StrippedParts {
  /** certifications of user IDs made by other keys */
  certifications: number;
  /** user attributes (photo IDs) */
  userAttributes: number;
  /** user IDs other than the primary one */
  userIds: number;
  /** subkeys that cannot encrypt now (signing, authentication, expired or revoked ones) */
  subkeys: number;
}

export interface CheckedKey {
  /** the key as served to visitors and sealed to: only what sealing needs */
  armored: string;
  /** the whole key as read from its file (re-armored), which the config hash covers */
  full: string;
  stripped: StrippedParts;
  fingerprint: string;
  /** key IDs (16 hex) of every currently valid encryption-capable key, with its algorithm id */
  encryptionKeyIds: { keyId: string; algorithm: number }[];
  /** when the key stops being usable (its primary key, or its last encryption or signing key), if it expires */
  expires: Date | null;
  /** the first future moment its usable keys change (a subkey or the primary key expires), if any */
  changes: Date | null;
  key: openpgp.PublicKey;
}

const { publicKey: alg } = openpgp.enums;
/** Public-key algorithms GnuPG 2.2 implements (RFC 4880bis numbering). */
const GNUPG_22_ALGORITHMS = new Set<number>([
  alg.rsaEncryptSign,
  alg.rsaEncrypt,
  alg.rsaSign,
  alg.elgamal,
  alg.dsa,
  alg.ecdh,
  alg.ecdsa,
  alg.eddsaLegacy,
]);
const GNUPG_22_CURVES = new Set<string>([
  'ed25519Legacy',
  'curve25519Legacy',
  'nistP256',
  'nistP384',
  'nistP521',
  'brainpoolP256r1',
  'brainpoolP384r1',
  'brainpoolP512r1',
  'secp256k1',
]);
const MIN_RSA_BITS = 2048;

function algorithmId(name: string): number {
  return (openpgp.enums.publicKey as unknown as Record<string, number>)[name] ?? -1;
}

function checkAlgorithm(packet: { getAlgorithmInfo(): openpgp.AlgorithmInfo }, what: string): void {
  const info = packet.getAlgorithmInfo();
  const id = algorithmId(info.algorithm);
  if (!GNUPG_22_ALGORITHMS.has(id)) throw new KeyProblem(`${what} uses algorithm ${info.algorithm}, which GnuPG 2.2 cannot read`);
  if (info.curve && !GNUPG_22_CURVES.has(info.curve)) throw new KeyProblem(`${what} uses curve ${info.curve}, which GnuPG 2.2 cannot read`);
  if (info.bits !== undefined && info.bits < MIN_RSA_BITS)
    throw new KeyProblem(`${what} is an RSA key of ${info.bits} bits; at least ${MIN_RSA_BITS} are required`);
}

export async function checkMemberKey(armored: string, now: Date): Promise<CheckedKey> {
  if (armored.includes('PRIVATE KEY BLOCK')) throw new KeyProblem('this is a PRIVATE key; keys/ holds public keys only');
  let key: openpgp.Key;
  try {
    key = await openpgp.readKey({ armoredKey: armored });
  } catch {
    throw new KeyProblem('not a readable OpenPGP public key');
  }
  if (key.isPrivate()) throw new KeyProblem('this is a PRIVATE key; keys/ holds public keys only');
  if (key.keyPacket.version !== 4) throw new KeyProblem(`a version ${key.keyPacket.version} key; GnuPG 2.2 reads only version 4 keys`);
  checkAlgorithm(key.keyPacket, 'the primary key');
  if (await key.isRevoked(undefined, undefined, now)) throw new KeyProblem('the key is revoked');
  const primaryExpiry = asDate(await key.getExpirationTime().catch(() => null));
  if (primaryExpiry && primaryExpiry <= now) throw new KeyExpired(primaryExpiry, key.armor());
  try {
    await key.verifyPrimaryKey(now);
  } catch {
    throw new KeyProblem('the key has no valid self-signature (expired, revoked or broken)');
  }

  const encryptionKeyIds: CheckedKey['encryptionKeyIds'] = [];
  const encryptionExpiries: (Date | null)[] = [];
  /** the latest expiry among subkeys that were once usable for a purpose and no longer are */
  let lapsed: Date | null = null;
  for (const candidate of [key, ...key.subkeys]) {
    const keyId = candidate.getKeyID();
    const usable = await key.getEncryptionKey(keyId, now).then(
      () => true,
      () => false,
    );
    const expiry = candidate === key ? primaryExpiry : await subkeyExpiry(candidate as openpgp.Subkey, now);
    if (!usable) {
      if (candidate !== key && expiry && expiry <= now && (!lapsed || expiry > lapsed)) lapsed = expiry;
      continue;
    }
    checkAlgorithm(candidate.keyPacket, `encryption key ${keyId.toHex()}`);
    const algorithm = algorithmId(candidate.getAlgorithmInfo().algorithm);
    encryptionKeyIds.push({ keyId: keyId.toHex(), algorithm });
    encryptionExpiries.push(expiry);
  }
  if (encryptionKeyIds.length === 0) {
    if (lapsed) throw new KeyExpired(lapsed, key.armor());
    throw new KeyProblem('the key has no usable encryption subkey');
  }
  const signing = await key.getSigningKey(undefined, now).catch(() => null);
  if (!signing) {
    if (lapsed) throw new KeyExpired(lapsed, key.armor());
    throw new KeyProblem('the key has no usable signing key, which staff need to log in');
  }
  checkAlgorithm(signing.keyPacket, 'the signing key');
  // The encryption key OpenPGP.js will pick must be among the accepted ones, in a GnuPG 2.2 algorithm.
  const preferred = await key.getEncryptionKey(undefined, now);
  checkAlgorithm(preferred.keyPacket, 'the preferred encryption key');
  const signingExpiry = signing === key ? primaryExpiry : await subkeyExpiry(signing as openpgp.Subkey, now);

  // Unusable when the primary key, the signing key or the last encryption key expires.
  const lastEncryption = encryptionExpiries.includes(null) ? null : latest(encryptionExpiries as Date[]);
  const expires = earliest([primaryExpiry, signingExpiry, lastEncryption]);
  const changes = earliest([primaryExpiry, signingExpiry, ...encryptionExpiries]);

  const served = await servedKey(key as openpgp.PublicKey, now);
  return {
    armored: served.armored,
    full: key.armor(),
    stripped: served.stripped,
    fingerprint: key.getFingerprint(),
    encryptionKeyIds,
    expires,
    changes,
    key: key as openpgp.PublicKey,
  };
}

function asDate(value: Date | number | null): Date | null {
  return value instanceof Date ? value : null;
}

/** When a subkey expires (null: never, or its binding cannot be read). */
async function subkeyExpiry(subkey: openpgp.Subkey, now: Date): Promise<Date | null> {
  return asDate(await subkey.getExpirationTime(now).catch(() => null));
}

function earliest(dates: (Date | null)[]): Date | null {
  let out: Date | null = null;
  for (const d of dates) if (d && (!out || d < out)) out = d;
  return out;
}

function latest(dates: Date[]): Date | null {
  let out: Date | null = null;
  for (const d of dates) if (!out || d > out) out = d;
  return out;
}

/** The key with only what sealing to it needs (see the top of this file). */
export async function servedKey(key: openpgp.PublicKey, now: Date): Promise<{ armored: string; stripped: StrippedParts }> {
  const copy = await openpgp.readKey({ binaryKey: key.write() });
  const primaryId = copy.getKeyID();
  const own = (s: openpgp.SignaturePacket) => s.issuerKeyID.equals(primaryId);
  const primaryUser = await copy.getPrimaryUser(now);
  const stripped: StrippedParts = { certifications: 0, userAttributes: 0, userIds: 0, subkeys: 0 };
  for (const user of copy.users) {
    if (!user.userID) stripped.userAttributes++;
    else if (user !== primaryUser.user) stripped.userIds++;
    else stripped.certifications += user.otherCertifications.length;
  }
  const user = primaryUser.user;
  user.otherCertifications = [];
  user.revocationSignatures = user.revocationSignatures.filter(own);
  copy.users = [user];
  // Direct-key signatures are in the key object, not in OpenPGP.js's typings.
  const direct = copy as unknown as { directSignatures: openpgp.SignaturePacket[] };
  direct.directSignatures = direct.directSignatures.filter(own);
  copy.revocationSignatures = copy.revocationSignatures.filter(own);
  const kept = [];
  for (const subkey of copy.subkeys) {
    const encrypts = await copy.getEncryptionKey(subkey.getKeyID(), now).then(
      () => true,
      () => false,
    );
    if (encrypts) kept.push(subkey);
    else stripped.subkeys++;
  }
  copy.subkeys = kept;
  return { armored: copy.armor(), stripped };
}

/** "1 certification by another key, 1 photo (user attribute)", or '' when nothing was left out. */
export function describeStripped(s: StrippedParts): string {
  const n = (count: number, one: string, many: string) => (count === 0 ? [] : [`${count} ${count === 1 ? one : many}`]);
  return [
    ...n(s.certifications, 'certification by another key', 'certifications by other keys'),
    ...n(s.userAttributes, 'photo (user attribute)', 'photos (user attributes)'),
    ...n(s.userIds, 'other user ID', 'other user IDs'),
    ...n(s.subkeys, 'subkey that does not encrypt', 'subkeys that do not encrypt'),
  ].join(', ');
}
