// Bodies of the OpenPGP packets that make a version 4 key (RFC 4880 §5.5.2 public key packets,
// §5.2.3 version 4 signatures and §5.2.3.1 their subpackets, §12.2 the v4 fingerprint; RFC 6637
// and RFC 9580 §5.5.5.5-6 for the EdDSA-legacy and ECDH curve parameters), read synchronously and
// strictly: every field where its length says, nothing left over. Only the two algorithms a
// resident's reply key uses are read (EdDSA legacy 22, ECDH 18); anything else is a
// KeyPacketError. Nothing here verifies a signature: it reads what the packets claim.

import { sha1 } from '@noble/hashes/legacy.js';

export class KeyPacketError extends Error {}

export const ALGORITHM = { ecdh: 18, eddsaLegacy: 22 } as const;

export interface KeyBody {
  version: number;
  /** creation time, seconds since the epoch */
  created: number;
  algorithm: number;
  /** the curve's OID, hex */
  oid: string;
  /** the public point as its MPI's octets */
  point: Uint8Array;
  /** ECDH only: the KDF parameters' hash and cipher algorithm numbers */
  kdf?: { hash: number; cipher: number };
}

export interface Subpacket {
  type: number;
  critical: boolean;
  data: Uint8Array;
}

export interface SignatureBody {
  version: number;
  type: number;
  algorithm: number;
  hash: number;
  hashed: Subpacket[];
  unhashed: Subpacket[];
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Reads the body's fields in order; `end()` refuses anything left over. */
class Cursor {
  #pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  take(n: number): Uint8Array {
    if (n < 0 || this.#pos + n > this.bytes.length) throw new KeyPacketError('packet body is truncated');
    this.#pos += n;
    return this.bytes.subarray(this.#pos - n, this.#pos);
  }

  u8(): number {
    return this.take(1)[0] as number;
  }

  u16(): number {
    const b = this.take(2);
    return ((b[0] as number) << 8) | (b[1] as number);
  }

  u32(): number {
    const b = this.take(4);
    return (b[0] as number) * 2 ** 24 + (((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number));
  }

  /** An MPI (RFC 4880 §3.2) of at most `maxBits`, with no leading zero octet. */
  mpi(maxBits: number): Uint8Array {
    const bits = this.u16();
    if (bits === 0 || bits > maxBits) throw new KeyPacketError('an MPI has an unexpected length');
    const octets = this.take(Math.ceil(bits / 8));
    if ((octets[0] as number) >> ((bits - 1) % 8) !== 1) throw new KeyPacketError('an MPI has a wrong bit count');
    return octets;
  }

  get left(): number {
    return this.bytes.length - this.#pos;
  }

  end(): void {
    if (this.#pos !== this.bytes.length) throw new KeyPacketError('data after the last field of a packet');
  }
}

/** A version 4 public key or subkey packet's body, EdDSA legacy or ECDH (§5.5.2, RFC 6637 §9). */
export function readKeyBody(body: Uint8Array): KeyBody {
  const c = new Cursor(body);
  const version = c.u8();
  if (version !== 4) throw new KeyPacketError('not a version 4 key packet');
  const created = c.u32();
  const algorithm = c.u8();
  if (algorithm !== ALGORITHM.eddsaLegacy && algorithm !== ALGORITHM.ecdh) throw new KeyPacketError('an unexpected key algorithm');
  const oidLength = c.u8();
  if (oidLength === 0 || oidLength === 0xff) throw new KeyPacketError('a reserved curve OID length');
  const oid = hex(c.take(oidLength));
  const point = c.mpi(2 + 8 * 64);
  let kdf: KeyBody['kdf'];
  if (algorithm === ALGORITHM.ecdh) {
    if (c.u8() !== 3 || c.u8() !== 1) throw new KeyPacketError('unexpected ECDH KDF parameters');
    kdf = { hash: c.u8(), cipher: c.u8() };
  }
  c.end();
  return { version, created, algorithm, oid, point, ...(kdf ? { kdf } : {}) };
}

function readSubpackets(area: Uint8Array): Subpacket[] {
  const c = new Cursor(area);
  const out: Subpacket[] = [];
  while (c.left > 0) {
    const o1 = c.u8();
    const length = o1 < 192 ? o1 : o1 < 255 ? ((o1 - 192) << 8) + c.u8() + 192 : c.u32();
    if (length === 0) throw new KeyPacketError('an empty signature subpacket');
    const typeOctet = c.u8();
    out.push({ type: typeOctet & 0x7f, critical: (typeOctet & 0x80) !== 0, data: c.take(length - 1) });
  }
  return out;
}

/** A version 4 signature packet's body (§5.2.3), signed with EdDSA legacy (an r and an s MPI). */
export function readSignatureBody(body: Uint8Array): SignatureBody {
  const c = new Cursor(body);
  const version = c.u8();
  if (version !== 4) throw new KeyPacketError('not a version 4 signature');
  const type = c.u8();
  const algorithm = c.u8();
  if (algorithm !== ALGORITHM.eddsaLegacy) throw new KeyPacketError('an unexpected signature algorithm');
  const hash = c.u8();
  const hashed = readSubpackets(c.take(c.u16()));
  const unhashed = readSubpackets(c.take(c.u16()));
  c.take(2); // the left 16 bits of the signed hash
  c.mpi(256);
  c.mpi(256);
  c.end();
  return { version, type, algorithm, hash, hashed, unhashed };
}

/** A version 4 key's fingerprint (§12.2): SHA-1 of 0x99, the body's two-octet length and the body. */
export function v4Fingerprint(keyBody: Uint8Array): Uint8Array {
  if (keyBody.length > 0xffff) throw new KeyPacketError('a key packet too long for a v4 fingerprint');
  const framed = new Uint8Array(3 + keyBody.length);
  framed.set([0x99, keyBody.length >> 8, keyBody.length & 0xff]);
  framed.set(keyBody, 3);
  return sha1(framed);
}
