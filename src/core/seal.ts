// Seals and opens report parts with OpenPGP.js (RFC 9580 with v4 keys; DESIGN promises 1 and 4).
// Shared by the browser, the CLI and the server's no-JavaScript path, so that all three produce
// the same bytes: a padded envelope in a literal packet with no file name and a zero date,
// no compression, encrypted as SEIPD v1 (which GnuPG 2.2 reads) to exactly the given keys.

import * as openpgp from 'openpgp';
import { randomBytes } from './bytes.ts';
import { decodeEnvelope, encodeEnvelope, type Envelope } from './envelope.ts';

const SEAL_CONFIG = {
  preferredCompressionAlgorithm: openpgp.enums.compression.uncompressed,
  aeadProtect: false,
  showVersion: false,
  showComment: false,
};

export async function readPublicKeys(armored: string[]): Promise<openpgp.PublicKey[]> {
  return Promise.all(armored.map((armoredKey) => openpgp.readKey({ armoredKey })));
}

/**
 * Seals an envelope to the given keys. The session key is chosen here, without an AEAD
 * algorithm, because OpenPGP.js would otherwise pick SEIPD v2 whenever every recipient key
 * advertises it, and GnuPG 2.2 cannot read that.
 */
export async function sealEnvelope(envelope: Envelope, keys: openpgp.PublicKey[]): Promise<Uint8Array> {
  if (keys.length === 0) throw new Error('seal: no recipient keys');
  const message = await openpgp.createMessage({
    binary: encodeEnvelope(envelope),
    filename: '',
    date: new Date(0),
    format: 'binary',
  });
  const sealed = await openpgp.encrypt({
    message,
    encryptionKeys: keys,
    sessionKey: { data: randomBytes(32), algorithm: 'aes256' },
    format: 'binary',
    config: SEAL_CONFIG,
  });
  return sealed as Uint8Array;
}

export async function openSealedPart(sealed: Uint8Array, privateKey: openpgp.PrivateKey): Promise<Envelope> {
  const message = await openpgp.readMessage({ binaryMessage: sealed });
  const { data } = await openpgp.decrypt({ message, decryptionKeys: privateKey, format: 'binary' });
  return decodeEnvelope(data as Uint8Array);
}
