// ASCII armor as the server reads a resident's reply key (src/core/armor.ts): the CRC-24 of
// RFC 4880 §6.1 against known values, the same bytes as OpenPGP.js's own reader, and a refusal
// for every way an armored block can be wrong.
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { ArmorError, crc24, dearmor } from '../../src/core/armor.ts';
import { generateResidentKey } from '../../src/core/resident-key.ts';

describe('CRC-24', () => {
  it.each([
    ['', 0xb704ce],
    ['a', 0xf25713],
    ['123456789', 0x21cf02],
  ])('of %j is %s', (text, expected) => {
    expect(crc24(new TextEncoder().encode(text))).toBe(expected);
  });
});

describe('dearmor', () => {
  it('reads the same bytes as OpenPGP.js, for both halves of a reply key', async () => {
    const key = await generateResidentKey('passphrase');
    expect(dearmor(key.publicKey, 'PUBLIC KEY BLOCK')).toEqual((await openpgp.unarmor(key.publicKey)).data);
    expect(dearmor(key.lockedKey, 'PRIVATE KEY BLOCK')).toEqual((await openpgp.unarmor(key.lockedKey)).data);
  });

  it('refuses another block type, a changed byte, a bad checksum, junk and trailing data', async () => {
    const { publicKey } = await generateResidentKey('passphrase');
    const lines = publicKey.trim().split('\n');
    const body = lines.findIndex((l) => l.trim() === '') + 1;
    const flip = (line: string) => line.slice(0, 10) + (line[10] === 'A' ? 'B' : 'A') + line.slice(11);
    const changed = lines.map((l, i) => (i === body ? flip(l) : l)).join('\n');
    const checksum = lines.map((l) => (/^=/.test(l) ? '=AAAA' : l)).join('\n');
    const trailing = lines.map((l) => (/^=/.test(l) ? `${l}\nQUFB` : l)).join('\n');
    expect(() => dearmor(publicKey, 'PRIVATE KEY BLOCK')).toThrow(ArmorError);
    expect(() => dearmor(changed, 'PUBLIC KEY BLOCK')).toThrow(ArmorError);
    expect(() => dearmor(checksum, 'PUBLIC KEY BLOCK')).toThrow(ArmorError);
    expect(() => dearmor(trailing, 'PUBLIC KEY BLOCK')).toThrow(ArmorError);
    expect(() => dearmor('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!\n-----END PGP PUBLIC KEY BLOCK-----', 'PUBLIC KEY BLOCK')).toThrow(
      ArmorError,
    );
  });
});
