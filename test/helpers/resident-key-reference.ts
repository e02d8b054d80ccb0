// The reply-key check as Relais made it before it read the packets itself (src/core/resident-key.ts
// until issue 16): OpenPGP.js parses the public key, and its structure is checked on the parsed
// object. Kept as the tests' reference: the packet reading must accept nothing that this refuses.
import * as openpgp from 'openpgp';
import { RESIDENT_KEY_DATE, RESIDENT_KEY_USER_ID } from '../../src/core/resident-key.ts';

/** Whether the reference accepts this public key (binary), at `now`. */
export async function referenceAccepts(binaryKey: Uint8Array, now: Date): Promise<boolean> {
  let publicKey: openpgp.Key;
  try {
    publicKey = await openpgp.readKey({ binaryKey });
  } catch {
    return false;
  }
  if (publicKey.isPrivate() || publicKey.keyPacket.version !== 4) return false;
  const uids = publicKey.getUserIDs();
  if (uids.length !== 1 || uids[0] !== RESIDENT_KEY_USER_ID) return false;
  for (const k of [publicKey, ...publicKey.subkeys]) if (k.getCreationTime().getTime() !== RESIDENT_KEY_DATE.getTime()) return false;
  if (publicKey.getAlgorithmInfo().algorithm !== 'eddsaLegacy') return false;
  const user = publicKey.users[0];
  if (user?.selfCertifications.length !== 1) return false;
  const [subkey, ...more] = publicKey.subkeys;
  const info = subkey?.getAlgorithmInfo();
  if (!subkey || more.length > 0 || info?.algorithm !== 'ecdh' || !String(info.curve).startsWith('curve25519')) return false;
  const binding = subkey.bindingSignatures;
  const encrypts = openpgp.enums.keyFlags.encryptCommunication | openpgp.enums.keyFlags.encryptStorage;
  if (binding.length !== 1 || !((binding[0]?.keyFlags?.[0] ?? 0) & encrypts)) return false;
  for (const signature of [...user.selfCertifications, ...binding]) {
    if (signature.keyNeverExpires === false || (signature.keyExpirationTime ?? 0) !== 0 || signature.signatureNeverExpires === false)
      return false;
    if (!signature.created || signature.created.getTime() > now.getTime()) return false;
  }
  return true;
}
