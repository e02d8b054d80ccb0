// Sealing a disclosure (DESIGN promise 6): a custodian encrypts the disclosure text once, to the
// members of the investigator inbox and to the custodians, then splits the message in two that
// share the very same encrypted packet: `sealed` keeps only the investigators' key packets,
// `review` only the custodians'. The server checks that both carry the same encrypted bytes and
// the right recipients; the second custodian decrypts `review` and so reads exactly what the
// investigators will be able to read (a message decrypts under one session key only: its MDC
// fails under any other). Shared by the console and the CLI; the server only splits and compares.

import { sha256 } from '@noble/hashes/sha2.js';
import type * as openpgp from 'openpgp';
import { concatBytes, toHex, utf8 } from './bytes.ts';
import { sealEnvelope } from './seal.ts';

const TAG_PKESK = 1;

export interface SplitMessage {
  /** the key packets (PKESK), each with its recipient key ID and its bytes as written */
  keyPackets: { keyId: string; bytes: Uint8Array }[];
  /** everything after the key packets: the encrypted data packet, as written */
  encrypted: Uint8Array;
}

/** Splits a sealed message after its leading key packets. Throws on a malformed header. */
export function splitSealed(bytes: Uint8Array): SplitMessage {
  const keyPackets: SplitMessage['keyPackets'] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const ctb = bytes[pos] as number;
    if ((ctb & 0x80) === 0) throw new Error('not an OpenPGP packet');
    const newFormat = (ctb & 0x40) !== 0;
    const tag = newFormat ? ctb & 0x3f : (ctb >> 2) & 0x0f;
    if (tag !== TAG_PKESK) return { keyPackets, encrypted: bytes.subarray(pos) };
    let length: number;
    let header: number;
    if (newFormat) {
      const o1 = bytes[pos + 1] ?? 256;
      if (o1 < 192) [length, header] = [o1, 2];
      else if (o1 < 224) [length, header] = [(o1 - 192) * 256 + (bytes[pos + 2] ?? 0) + 192, 3];
      else if (o1 === 255)
        [length, header] = [
          (((bytes[pos + 2] ?? 0) << 24) >>> 0) + ((bytes[pos + 3] ?? 0) << 16) + ((bytes[pos + 4] ?? 0) << 8) + (bytes[pos + 5] ?? 0),
          6,
        ];
      else throw new Error('a key packet with a partial length');
    } else {
      const size = 1 << (ctb & 0x03);
      if (size > 4) throw new Error('a key packet of indeterminate length');
      length = 0;
      for (let i = 0; i < size; i++) length = length * 256 + (bytes[pos + 1 + i] ?? 0);
      header = 1 + size;
    }
    const end = pos + header + length;
    if (end > bytes.length || length < 9) throw new Error('a truncated key packet');
    const body = bytes.subarray(pos + header, end);
    let keyId = '';
    for (const b of body.subarray(1, 9)) keyId += b.toString(16).padStart(2, '0');
    keyPackets.push({ keyId, bytes: bytes.subarray(pos, end) });
    pos = end;
  }
  return { keyPackets, encrypted: bytes.subarray(pos) };
}

/** SHA-256 (hex) of a sealed message's encrypted packet: what an approval commits to. */
export function encryptedDigest(bytes: Uint8Array): string {
  return toHex(sha256(splitSealed(bytes).encrypted));
}

function keyIdsOf(keys: openpgp.PublicKey[]): Set<string> {
  const ids = new Set<string>();
  for (const key of keys) for (const id of key.getKeyIDs()) ids.add(id.toHex());
  return ids;
}

/** Seals the disclosure text to investigators (`sealed`) and custodians (`review`), one encrypted packet. */
export async function sealDisclosure(
  text: string,
  investigators: openpgp.PublicKey[],
  custodians: openpgp.PublicKey[],
): Promise<{ sealed: Uint8Array; review: Uint8Array }> {
  const investigatorIds = keyIdsOf(investigators);
  const custodianIds = keyIdsOf(custodians);
  // Someone in both groups gets one key packet, put in both copies.
  const everyone = new Map([...investigators, ...custodians].map((k) => [k.getFingerprint(), k]));
  const whole = await sealEnvelope({ kind: 'disclosure', contentType: 'text/plain; charset=utf-8', content: utf8(text) }, [
    ...everyone.values(),
  ]);
  const { keyPackets, encrypted } = splitSealed(whole);
  const to = (ids: Set<string>) => keyPackets.filter((p) => ids.has(p.keyId)).map((p) => p.bytes);
  const sealed = to(investigatorIds);
  const review = to(custodianIds);
  if (sealed.length !== investigators.length || review.length !== custodians.length) throw new Error('a recipient has no key packet');
  return { sealed: concatBytes(...sealed, encrypted), review: concatBytes(...review, encrypted) };
}
