// Reads the outer structure of a binary OpenPGP message without decrypting it (RFC 9580 §4.2
// packet headers, §5.1 PKESK v3, §5.13 SEIPD v1; also RFC 4880 §4.2 old-format headers).
// Keeps DESIGN promise 1: the server learns to which key IDs a sealed part is encrypted and
// refuses anything that is not exactly "one or more PKESK v3, then one SEIPD v1 packet".
// Strict on purpose: no plaintext literal packets, no password (SKESK) packets, no markers,
// no AEAD (SEIPD v2, which GnuPG 2.2 cannot read), no wildcard recipients, no trailing bytes.

export class PacketError extends Error {
  constructor(
    readonly code: 'not_openpgp' | 'truncated' | 'unexpected_packet' | 'unsupported_version' | 'wildcard_recipient',
    message: string,
  ) {
    super(message);
  }
}

export interface Recipient {
  /** 16 lowercase hex digits */
  keyId: string;
  /** public-key algorithm id (RFC 9580 §9.1): 1 RSA, 16 Elgamal, 18 ECDH */
  algorithm: number;
}

export interface SealedPartInfo {
  recipients: Recipient[];
  /** length of the SEIPD packet body, for size checks */
  encryptedLength: number;
}

const TAG_PKESK = 1;
const TAG_SEIPD = 18;
/** SEIPD v1 minimum body: version, one cipher block + 2 prefix octets, the 22-octet MDC packet. */
const MIN_SEIPD_V1_BODY = 1 + 8 + 2 + 22;

export interface Packet {
  tag: number;
  body: Uint8Array;
}

/** Splits a byte string into packets, joining partial body lengths (§4.2.1.4). */
export function* readPackets(bytes: Uint8Array): Generator<Packet> {
  let pos = 0;
  while (pos < bytes.length) {
    const ctb = bytes[pos++] as number;
    if ((ctb & 0x80) === 0) throw new PacketError('not_openpgp', 'not an OpenPGP packet');
    let tag: number;
    const chunks: Uint8Array[] = [];
    if (ctb & 0x40) {
      tag = ctb & 0x3f;
      for (;;) {
        const { length, partial, next } = readNewLength(bytes, pos);
        if (partial && !isDataPacket(tag)) throw new PacketError('unexpected_packet', 'partial length on a non-data packet');
        if (partial && chunks.length === 0 && length < 512)
          throw new PacketError('not_openpgp', 'first partial body chunk is shorter than 512 octets');
        if (next + length > bytes.length) throw new PacketError('truncated', 'packet body is truncated');
        chunks.push(bytes.subarray(next, next + length));
        pos = next + length;
        if (!partial) break;
      }
    } else {
      tag = (ctb >> 2) & 0x0f;
      const lengthType = ctb & 0x03;
      if (lengthType === 3) throw new PacketError('not_openpgp', 'indeterminate-length packets are not accepted');
      const size = 1 << lengthType;
      if (pos + size > bytes.length) throw new PacketError('truncated', 'packet header is truncated');
      let length = 0;
      for (let i = 0; i < size; i++) length = length * 256 + (bytes[pos + i] as number);
      pos += size;
      if (pos + length > bytes.length) throw new PacketError('truncated', 'packet body is truncated');
      chunks.push(bytes.subarray(pos, pos + length));
      pos += length;
    }
    yield { tag, body: chunks.length === 1 ? (chunks[0] as Uint8Array) : join(chunks) };
  }
}

function readNewLength(bytes: Uint8Array, pos: number): { length: number; partial: boolean; next: number } {
  const o1 = bytes[pos];
  if (o1 === undefined) throw new PacketError('truncated', 'packet length is truncated');
  if (o1 < 192) return { length: o1, partial: false, next: pos + 1 };
  if (o1 < 224) {
    const o2 = bytes[pos + 1];
    if (o2 === undefined) throw new PacketError('truncated', 'packet length is truncated');
    return { length: (o1 - 192) * 256 + o2 + 192, partial: false, next: pos + 2 };
  }
  if (o1 === 255) {
    if (pos + 5 > bytes.length) throw new PacketError('truncated', 'packet length is truncated');
    let length = 0;
    for (let i = 1; i <= 4; i++) length = length * 256 + (bytes[pos + i] as number);
    return { length, partial: false, next: pos + 5 };
  }
  return { length: 2 ** (o1 & 0x1f), partial: true, next: pos + 1 };
}

function isDataPacket(tag: number): boolean {
  return tag === 8 || tag === 9 || tag === 11 || tag === 18 || tag === 20;
}

function join(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function keyIdHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function pkeskRecipient(body: Uint8Array): Recipient {
  if (body.length < 10) throw new PacketError('truncated', 'PKESK packet is too short');
  if (body[0] !== 3) throw new PacketError('unsupported_version', 'only version 3 PKESK packets are accepted');
  const keyId = keyIdHex(body.subarray(1, 9));
  if (keyId === '0000000000000000') throw new PacketError('wildcard_recipient', 'anonymous recipients are not accepted');
  return { keyId, algorithm: body[9] as number };
}

/** Checks the grammar of a sealed part and returns its recipients. Throws PacketError. */
export function inspectSealedPart(bytes: Uint8Array): SealedPartInfo {
  if (bytes.length === 0) throw new PacketError('not_openpgp', 'empty part');
  const recipients: Recipient[] = [];
  let encryptedLength = -1;
  for (const { tag, body } of readPackets(bytes)) {
    if (encryptedLength >= 0) throw new PacketError('unexpected_packet', 'data after the encrypted packet');
    if (tag === TAG_PKESK) {
      recipients.push(pkeskRecipient(body));
    } else if (tag === TAG_SEIPD) {
      if (recipients.length === 0) throw new PacketError('unexpected_packet', 'encrypted data without recipients');
      if (body[0] !== 1) throw new PacketError('unsupported_version', 'only SEIPD version 1 is accepted (GnuPG 2.2 reads no other)');
      if (body.length < MIN_SEIPD_V1_BODY) throw new PacketError('truncated', 'encrypted packet is too short');
      encryptedLength = body.length;
    } else {
      throw new PacketError('unexpected_packet', 'a packet of a type not accepted in a sealed part');
    }
  }
  if (encryptedLength < 0) throw new PacketError('truncated', 'no encrypted data packet');
  return { recipients, encryptedLength };
}

/**
 * The recipients of a sealed part from its first bytes only, so that a part sealed to the wrong
 * keys (or not sealed at all) is refused before the rest of it is read: the PKESK packets, then
 * the first octet of the SEIPD packet. Null while the prefix ends before that; throws PacketError
 * for whatever is already wrong. inspectSealedPart still checks the whole part.
 */
export function inspectSealedPrefix(prefix: Uint8Array): Recipient[] | null {
  const recipients: Recipient[] = [];
  let pos = 0;
  while (pos < prefix.length) {
    const ctb = prefix[pos] as number;
    if ((ctb & 0x80) === 0) throw new PacketError('not_openpgp', 'not an OpenPGP packet');
    let tag: number;
    let length: number;
    let start: number;
    let partial = false;
    if (ctb & 0x40) {
      tag = ctb & 0x3f;
      let header: ReturnType<typeof readNewLength>;
      try {
        header = readNewLength(prefix, pos + 1);
      } catch {
        return null;
      }
      ({ length, partial } = header);
      start = header.next;
    } else {
      tag = (ctb >> 2) & 0x0f;
      const lengthType = ctb & 0x03;
      if (lengthType === 3) throw new PacketError('not_openpgp', 'indeterminate-length packets are not accepted');
      const size = 1 << lengthType;
      if (pos + 1 + size > prefix.length) return null;
      length = 0;
      for (let i = 0; i < size; i++) length = length * 256 + (prefix[pos + 1 + i] as number);
      start = pos + 1 + size;
    }
    if (tag === TAG_PKESK) {
      if (partial) throw new PacketError('unexpected_packet', 'partial length on a non-data packet');
      if (start + length > prefix.length) return null;
      recipients.push(pkeskRecipient(prefix.subarray(start, start + length)));
      pos = start + length;
    } else if (tag === TAG_SEIPD) {
      if (recipients.length === 0) throw new PacketError('unexpected_packet', 'encrypted data without recipients');
      if (start >= prefix.length) return null;
      if (prefix[start] !== 1) throw new PacketError('unsupported_version', 'only SEIPD version 1 is accepted (GnuPG 2.2 reads no other)');
      return recipients;
    } else {
      throw new PacketError('unexpected_packet', 'a packet of a type not accepted in a sealed part');
    }
  }
  return null;
}
