// ASCII armor (RFC 9580 §6; RFC 4880 §6.2 and its CRC-24, §6.1), read synchronously: a resident's
// reply key arrives armored with every report, and OpenPGP.js's stream-based dearmoring cost
// several times the parsing of the key itself. Strict: one block of the expected type, optional
// "Key: Value" headers, base64 lines, an optional checksum that must match, nothing else.

import { fromBase64 } from './bytes.ts';

export class ArmorError extends Error {}

/** CRC-24 of each byte value on its own (the bitwise loop of RFC 4880 §6.1, run once per value). */
const CRC24_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let crc = n << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
    table[n] = crc & 0xffffff;
  }
  return table;
})();

/** CRC-24 of RFC 4880 §6.1, a byte at a time through the table. */
export function crc24(bytes: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of bytes) crc = ((crc << 8) ^ (CRC24_TABLE[((crc >> 16) ^ byte) & 0xff] as number)) & 0xffffff;
  return crc;
}

export function dearmor(text: string, type: 'PUBLIC KEY BLOCK' | 'PRIVATE KEY BLOCK'): Uint8Array {
  const lines = text.replace(/\r\n/g, '\n').trim().split('\n');
  if (lines[0]?.trim() !== `-----BEGIN PGP ${type}-----` || lines[lines.length - 1]?.trim() !== `-----END PGP ${type}-----`)
    throw new ArmorError('not an armored key of the expected type');
  let i = 1;
  while (i < lines.length - 1 && /^[A-Za-z][A-Za-z0-9-]*: /.test(lines[i] as string)) i++;
  if ((lines[i] ?? '').trim() !== '') throw new ArmorError('no blank line after the armor headers');
  let body = '';
  let checksum: string | null = null;
  for (const line of lines.slice(i + 1, -1).map((l) => l.trim())) {
    if (checksum !== null) throw new ArmorError('data after the checksum');
    if (/^=[A-Za-z0-9+/]{4}$/.test(line)) checksum = line.slice(1);
    else body += line;
  }
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(body);
  } catch {
    throw new ArmorError('the armored data is not base64');
  }
  if (checksum !== null) {
    const sum = fromBase64(checksum);
    if ((((sum[0] as number) << 16) | ((sum[1] as number) << 8) | (sum[2] as number)) !== crc24(bytes))
      throw new ArmorError('the armor checksum does not match');
  }
  return bytes;
}
