import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../src/core/bytes.ts';
import { inspectSealedPart, inspectSealedPrefix, PacketError } from '../../src/core/openpgp-packets.ts';
import { sealEnvelope } from '../../src/core/seal.ts';
import { Gpg } from '../helpers/gpg.ts';
import { makeKey } from '../helpers/fixture.ts';

let keyA: openpgp.PublicKey;
let keyB: openpgp.PublicKey;
let sealed: Uint8Array;

const envelope = { kind: 'report' as const, contentType: 'text/plain; charset=utf-8' as const, content: utf8('un texte') };

function code(bytes: Uint8Array): string {
  try {
    inspectSealedPart(bytes);
    return 'accepted';
  } catch (e) {
    if (e instanceof PacketError) return e.code;
    throw e;
  }
}

async function subkeyId(key: openpgp.PublicKey): Promise<string> {
  return (await key.getEncryptionKey()).getKeyID().toHex();
}

beforeAll(async () => {
  keyA = await openpgp.readKey({ armoredKey: (await makeKey('A')).publicKey });
  keyB = await openpgp.readKey({ armoredKey: (await makeKey('B')).publicKey });
  sealed = await sealEnvelope(envelope, [keyA, keyB]);
});

describe('reading the recipients of a sealed part without decrypting it', () => {
  it('lists the encryption subkey IDs of a part sealed by Relais', async () => {
    const info = inspectSealedPart(sealed);
    expect(info.recipients.map((r) => r.keyId).sort()).toEqual([await subkeyId(keyA), await subkeyId(keyB)].sort());
    expect(info.recipients.every((r) => r.algorithm === 18)).toBe(true);
  });

  it('reads GnuPG 2.2 output, with old-format headers and partial body lengths', async () => {
    const gpg = new Gpg();
    gpg.importKey(keyA.armor());
    const big = new Uint8Array(300_000).fill(65);
    const out = new Uint8Array(
      gpg.run(['--trust-model', 'always', '--compress-algo', 'none', '--recipient', keyA.getFingerprint(), '--encrypt'], big),
    );
    expect(out[0]! & 0x40).toBe(0); // GnuPG writes the PKESK with an old-format header
    const info = inspectSealedPart(out);
    expect(info.recipients.map((r) => r.keyId)).toEqual([await subkeyId(keyA)]);
    expect(info.encryptedLength).toBeGreaterThan(300_000);
  });

  it('seals as SEIPD v1 even when every key advertises SEIPD v2', async () => {
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      userIDs: [{ name: 'aead' }],
      config: { aeadProtect: true },
      format: 'object',
    });
    // Features subpacket (RFC 9580 §5.2.3.32): bit 0x08 advertises SEIPD v2.
    const selfSignature = await (
      publicKey as unknown as { getPrimarySelfSignature(): Promise<{ features?: number[] }> }
    ).getPrimarySelfSignature();
    expect((selfSignature.features?.[0] ?? 0) & 0x08).not.toBe(0);
    expect(code(await sealEnvelope(envelope, [publicKey]))).toBe('accepted');
    // Whereas OpenPGP.js left to itself would choose v2, which GnuPG 2.2 cannot read:
    const v2 = await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: utf8('x') }),
      encryptionKeys: publicKey,
      format: 'binary',
    });
    expect(code(v2 as Uint8Array)).toBe('unsupported_version');
  });

  it('refuses a password-encrypted message', async () => {
    const msg = await openpgp.encrypt({ message: await openpgp.createMessage({ binary: utf8('x') }), passwords: 'pw', format: 'binary' });
    expect(code(msg as Uint8Array)).toBe('unexpected_packet');
  });

  it('refuses a message that mixes a password with public keys', async () => {
    const msg = await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: utf8('x') }),
      passwords: 'pw',
      encryptionKeys: keyA,
      format: 'binary',
    });
    expect(code(msg as Uint8Array)).toBe('unexpected_packet');
  });

  it('refuses a plaintext literal message', async () => {
    const msg = (await openpgp.createMessage({ binary: utf8('in clear') })).write();
    expect(code(msg)).toBe('unexpected_packet');
  });

  it('refuses anonymous (wildcard) recipients', async () => {
    const msg = await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: utf8('x') }),
      encryptionKeys: keyA,
      wildcard: true,
      format: 'binary',
    });
    expect(code(msg as Uint8Array)).toBe('wildcard_recipient');
  });

  it('refuses armored text', async () => {
    const armored = openpgp.armor(openpgp.enums.armor.message, sealed);
    expect(code(utf8(armored))).toBe('not_openpgp');
  });

  it('refuses bytes after the encrypted packet', () => {
    const extra = new Uint8Array(sealed.length + 3);
    extra.set(sealed);
    extra.set([0xcb, 0x01, 0x00], sealed.length); // a tiny literal packet
    expect(code(extra)).toBe('unexpected_packet');
  });

  it('refuses a marker packet in front', () => {
    const marked = new Uint8Array(sealed.length + 5);
    marked.set([0xca, 0x03, 0x50, 0x47, 0x50]); // tag 10 "PGP"
    marked.set(sealed, 5);
    expect(code(marked)).toBe('unexpected_packet');
  });

  it('refuses every truncation of a sealed part', () => {
    for (let cut = 0; cut < sealed.length; cut++) expect(code(sealed.subarray(0, cut))).not.toBe('accepted');
  });

  it('never accepts random bytes and never throws anything but PacketError', () => {
    const buf = new Uint8Array(200);
    for (let i = 0; i < 2000; i++) {
      crypto.getRandomValues(buf);
      expect(code(buf.subarray(0, 1 + (i % 200)))).not.toBe('accepted');
    }
  });

  it('refuses an indeterminate-length old-format packet', () => {
    expect(code(new Uint8Array([0x87, 1, 2, 3]))).toBe('not_openpgp');
  });
});

describe('reading the recipients from the first bytes of a part', () => {
  it('gives nothing until the encrypted packet starts, then exactly the recipients of the whole part, at every cut', () => {
    const whole = inspectSealedPart(sealed).recipients;
    let first = -1;
    for (let cut = 0; cut <= sealed.length; cut++) {
      const found = inspectSealedPrefix(sealed.subarray(0, cut));
      if (found === null) {
        expect(first).toBe(-1);
        continue;
      }
      if (first === -1) first = cut;
      expect(found).toEqual(whole);
    }
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(400);
  });

  it('refuses from the first bytes what the whole part is refused for', async () => {
    const literal = (await openpgp.createMessage({ binary: utf8('en clair') })).write() as Uint8Array;
    const prefixCode = (bytes: Uint8Array) => {
      try {
        return inspectSealedPrefix(bytes) === null ? 'undecided' : 'accepted';
      } catch (e) {
        if (e instanceof PacketError) return e.code;
        throw e;
      }
    };
    expect(prefixCode(literal)).toBe('unexpected_packet');
    expect(prefixCode(utf8('-----BEGIN PGP MESSAGE-----'))).toBe('not_openpgp');
    const wildcard = sealed.slice();
    wildcard.fill(0, 3, 11);
    expect(prefixCode(wildcard)).toBe('wildcard_recipient');
  });

  it('never throws anything but PacketError on random bytes', () => {
    const buf = new Uint8Array(300);
    for (let i = 0; i < 2000; i++) {
      crypto.getRandomValues(buf);
      try {
        inspectSealedPrefix(buf.subarray(0, 1 + (i % 300)));
      } catch (e) {
        expect(e).toBeInstanceOf(PacketError);
      }
    }
  });
});
