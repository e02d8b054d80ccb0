// The reply-key check (src/core/resident-key.ts), which reads the packets itself
// (src/core/openpgp-key-packets.ts) instead of parsing the key with OpenPGP.js: it accepts every
// key generateResidentKey makes, refuses each way a key can differ from that shape, and accepts
// nothing that the former OpenPGP.js reading refuses (test/helpers/resident-key-reference.ts),
// down to every single-bit change of a real key's bytes.
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { dearmor } from '../../src/core/armor.ts';
import { PacketError, readPackets } from '../../src/core/openpgp-packets.ts';
import {
  checkResidentKey,
  checkResidentPublicKey,
  generateResidentKey,
  RESIDENT_KEY_DATE,
  ResidentKeyProblem,
} from '../../src/core/resident-key.ts';
import { referenceAccepts } from '../helpers/resident-key-reference.ts';

const NOW = new Date('2026-12-01T12:00:00Z');

/** Whether the packet reading accepts a public key's bytes. */
function accepts(binary: Uint8Array, now = NOW): boolean {
  try {
    checkResidentPublicKey([...readPackets(binary)], now);
    return true;
  } catch (e) {
    if (e instanceof ResidentKeyProblem || e instanceof PacketError) return false;
    throw e;
  }
}

/** A key as generateResidentKey makes it, with `options` changed; its public half's bytes. */
async function variant(options: Record<string, unknown>, config: Record<string, unknown> = {}): Promise<Uint8Array> {
  const { publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'Relais' }],
    date: RESIDENT_KEY_DATE,
    format: 'armored',
    config: { v6Keys: false, aeadProtect: false, ...config },
    ...options,
  } as Parameters<typeof openpgp.generateKey>[0] & { format: 'armored' });
  return dearmor(publicKey, 'PUBLIC KEY BLOCK');
}

async function residentBinary(): Promise<Uint8Array> {
  return dearmor((await generateResidentKey('p')).publicKey, 'PUBLIC KEY BLOCK');
}

/** The key's bytes with the first occurrence of `find` (inside packet `index`) replaced by `put`. */
async function edited(index: number, find: number[], put: (found: Uint8Array) => number[]): Promise<Uint8Array> {
  const binary = await residentBinary();
  const packets = [...readPackets(binary)];
  const body = (packets[index] as { body: Uint8Array }).body;
  const at = body.findIndex((_, i) => find.every((b, j) => body[i + j] === b));
  if (at < 0) throw new Error(`no ${find} in packet ${index}`);
  body.set(put(body.subarray(at, at + find.length)), at);
  return binary;
}

/** The key's packets framed again (new-format headers), with `change` applied to their list. */
async function reframed(change: (packets: { tag: number; body: Uint8Array }[]) => { tag: number; body: Uint8Array }[]) {
  const packets = change([...readPackets(await residentBinary())].map((p) => ({ tag: p.tag, body: p.body.slice() })));
  const out: number[] = [];
  for (const { tag, body } of packets) {
    out.push(0xc0 | tag);
    if (body.length < 192) out.push(body.length);
    else out.push(((body.length - 192) >> 8) + 192, (body.length - 192) & 0xff);
    out.push(...body);
  }
  return new Uint8Array(out);
}

describe('the reply-key check', () => {
  it('accepts every key generateResidentKey makes, as the OpenPGP.js reading does', async () => {
    for (let i = 0; i < 24; i++) {
      const key = await generateResidentKey(`passphrase ${i}`);
      expect(() => checkResidentKey(key.publicKey, key.lockedKey, NOW)).not.toThrow();
      expect(await referenceAccepts(dearmor(key.publicKey, 'PUBLIC KEY BLOCK'), NOW)).toBe(true);
    }
  });

  it.each<[string, () => Promise<Uint8Array>, boolean, Date?]>([
    ['a name in the user ID', () => variant({ userIDs: [{ name: 'Fatima B.', email: 'fatima@example.org' }] }), true],
    ['made at the time of writing', () => variant({ date: new Date('2026-11-30T18:00:00Z') }), true],
    ['expiring', () => variant({ keyExpirationTime: 86_400 }), true],
    ['on NIST P-256', () => variant({ curve: 'nistP256' }), true],
    ['a version 6 key', () => variant({ type: 'curve25519' }, { v6Keys: true }), true],
    ['with two encryption subkeys', () => variant({ subkeys: [{}, {}] }), true],
    ['with a signing subkey', () => variant({ subkeys: [{ sign: true }] }), true],
    ['with two user IDs', () => variant({ userIDs: [{ name: 'Relais' }, { name: 'Relais' }] }), true],
    ['signed after the moment it arrives', residentBinary, true, new Date('2019-12-31T00:00:00Z')],
    ['certified by another key ID', () => residentBinary().then(flipIssuer), false],
    ['with a critical subpacket Relais does not read', () => edited(2, [0x02, 0x1e], () => [0x02, 0x9e]), false],
    [
      'with an extra packet after its subkey binding',
      () => reframed((p) => [...p, { tag: 13, body: new TextEncoder().encode('Relais') }]),
      true,
    ],
    [
      'with a byte after the last field of its key packet',
      () => reframed((p) => p.map((x, i) => (i === 0 ? { ...x, body: new Uint8Array([...x.body, 0]) } : x))),
      false,
    ],
    ['without its subkey binding', () => reframed((p) => p.slice(0, 4)), true],
  ])('refuses a key %s', async (_, make, referenceRefuses, now = NOW) => {
    const binary = await make();
    expect(accepts(binary, now)).toBe(false);
    // Where the OpenPGP.js reading accepted it, the packet reading is the stricter of the two.
    expect(await referenceAccepts(binary, now)).toBe(!referenceRefuses);
  });

  it('accepts no single-bit change of a key that the OpenPGP.js reading refuses', async () => {
    const binary = await residentBinary();
    let accepted = 0;
    for (let i = 0; i < binary.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const changed = flip(binary, i, bit);
        if (!accepts(changed)) continue;
        accepted++;
        expect({ at: i, bit, reference: await referenceAccepts(changed, NOW) }).toEqual({ at: i, bit, reference: true });
      }
    }
    // What stays accepted is in bytes neither reading checks (points, salts, signature values);
    // every change to the key packet's header (version, creation time, algorithm, curve) is refused.
    expect(accepted).toBeGreaterThan(0);
    for (let i = 2; i < 2 + 1 + 4 + 1 + 1 + 9; i++)
      expect([i, accepts(flip(binary, i, 0x01)), accepts(flip(binary, i, 0x80))]).toEqual([i, false, false]);
  });

  it('refuses a locked key that is not the public key’s secret half, or not locked', async () => {
    const a = await generateResidentKey('p');
    const b = await generateResidentKey('p');
    expect(() => checkResidentKey(a.publicKey, b.lockedKey, NOW)).toThrow(ResidentKeyProblem);
    const unlocked = await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ name: 'Relais' }],
      date: RESIDENT_KEY_DATE,
      format: 'armored',
      config: { v6Keys: false, aeadProtect: false },
    });
    expect(() => checkResidentKey(unlocked.publicKey, unlocked.privateKey, NOW)).toThrow('the private key is not locked');
    expect(() => checkResidentKey(a.lockedKey, a.lockedKey, NOW)).toThrow(ResidentKeyProblem);
  });
});

function flip(binary: Uint8Array, at: number, bit: number): Uint8Array {
  const changed = binary.slice();
  changed[at] = (changed[at] as number) ^ bit;
  return changed;
}

/** Flips the last octet of the certification's issuer key ID subpacket (length 9, type 16). */
function flipIssuer(binary: Uint8Array): Uint8Array {
  const packets = [...readPackets(binary)];
  const body = (packets[2] as { body: Uint8Array }).body;
  const at = body.findIndex((_, i) => body[i] === 0x09 && body[i + 1] === 0x10);
  body[at + 9] = (body[at + 9] as number) ^ 0xff;
  return binary;
}
