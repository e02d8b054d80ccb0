// Reads a ZIP archive (PKWARE APPNOTE 6.3.x: end of central directory, central directory, local
// headers, Zip64 extra field) with a bounds check on every offset, for the Office stripper
// (ECMA-376 Part 2 packages) that keeps DESIGN promise 3. Entries are inflated into a buffer of
// their declared size only after the total declared size has passed a budget, and each result is
// checked against its declared length and CRC-32, so a lying header or a zip bomb is refused as
// malformed instead of exhausting memory.
import { inflateSync } from 'fflate';
import { asciiAt, latin1, u16le, u32le } from './bytes.ts';
import { crc32 } from './crc32.ts';
import { StripError, malformed } from './errors.ts';

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  dataStart: number;
  /** True when the entry carries an entry comment or extra fields (timestamps, owner ids). */
  hasExtras: boolean;
}

export interface ZipDirectory {
  entries: ZipEntry[];
  /** True when the archive has a comment (it can hold any text). */
  hasComment: boolean;
}

const KIND = 'Office (ZIP)';
export const MAX_ENTRIES = 10_000;
/** Total declared uncompressed size we accept: far above real documents, far below a bomb. */
export const MAX_TOTAL_UNCOMPRESSED = 256 * 1024 * 1024;
const TWO_32 = 2 ** 32;

export function readZipDirectory(bytes: Uint8Array): ZipDirectory {
  const eocd = findEndOfCentralDirectory(bytes);
  if (u16le(bytes, eocd + 4) !== 0 || u16le(bytes, eocd + 6) !== 0) throw malformed(KIND, 'multi-disk archive');
  let count = u16le(bytes, eocd + 10);
  let cdSize = u32le(bytes, eocd + 12);
  let cdOffset = u32le(bytes, eocd + 16);
  const hasComment = u16le(bytes, eocd + 20) > 0;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || !asciiAt(bytes, loc, 'PK\x06\x07')) throw malformed(KIND, 'missing Zip64 locator');
    const z = u64le(bytes, loc + 8);
    if (z + 56 > bytes.length || !asciiAt(bytes, z, 'PK\x06\x06')) throw malformed(KIND, 'bad Zip64 record');
    count = u64le(bytes, z + 32);
    cdSize = u64le(bytes, z + 40);
    cdOffset = u64le(bytes, z + 48);
  }
  if (count > MAX_ENTRIES) throw malformed(KIND, 'too many entries');
  if (cdOffset + cdSize > bytes.length) throw malformed(KIND, 'directory runs past the end');
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let at = cdOffset;
  let totalSize = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || !asciiAt(bytes, at, 'PK\x01\x02')) throw malformed(KIND, 'broken directory');
    const flags = u16le(bytes, at + 8);
    const method = u16le(bytes, at + 10);
    const crc = u32le(bytes, at + 16);
    let compressedSize = u32le(bytes, at + 20);
    let size = u32le(bytes, at + 24);
    const nameLen = u16le(bytes, at + 28);
    const extraLen = u16le(bytes, at + 30);
    const commentLen = u16le(bytes, at + 32);
    let localOffset = u32le(bytes, at + 42);
    const next = at + 46 + nameLen + extraLen + commentLen;
    if (next > bytes.length) throw malformed(KIND, 'broken directory');
    if (flags & 0x41) {
      throw new StripError(
        'unsupported_type',
        'This document is password-protected. Remove the password (or export it as PDF) and attach it again.',
        'Ce document est protégé par un mot de passe. Retirez le mot de passe (ou exportez-le en PDF) puis joignez-le à nouveau.',
        'password',
      );
    }
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLen));
    // Zip64 extra field (APPNOTE 4.5.3): 64-bit values replace the 0xFFFFFFFF ones, in order.
    const extra = bytes.subarray(at + 46 + nameLen, at + 46 + nameLen + extraLen);
    for (let e = 0; e + 4 <= extra.length; e += 4 + u16le(extra, e + 2)) {
      if (u16le(extra, e) !== 1) continue;
      let v = e + 4;
      if (size === 0xffffffff) {
        size = u64le(extra, v);
        v += 8;
      }
      if (compressedSize === 0xffffffff) {
        compressedSize = u64le(extra, v);
        v += 8;
      }
      if (localOffset === 0xffffffff) {
        localOffset = u64le(extra, v);
        v += 8;
      }
    }
    if (localOffset + 30 > bytes.length || !asciiAt(bytes, localOffset, 'PK\x03\x04')) {
      throw malformed(KIND, 'broken entry header');
    }
    const dataStart = localOffset + 30 + u16le(bytes, localOffset + 26) + u16le(bytes, localOffset + 28);
    if (dataStart + compressedSize > bytes.length) throw malformed(KIND, 'entry runs past the end');
    if (method !== 0 && method !== 8) throw malformed(KIND, `compression method ${method}`);
    if (method === 0 && size !== compressedSize) throw malformed(KIND, 'stored entry size mismatch');
    totalSize += size;
    if (totalSize > MAX_TOTAL_UNCOMPRESSED) throw malformed(KIND, 'declared content far too large');
    entries.push({ name, method, crc, compressedSize, size, dataStart, hasExtras: extraLen > 0 || commentLen > 0 });
    at = next;
  }
  return { entries, hasComment };
}

/** Decompresses one entry and checks its length and CRC-32 against the directory. */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const raw = bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  let data: Uint8Array;
  if (entry.method === 0) {
    data = raw;
  } else {
    try {
      data = inflateSync(raw, { out: new Uint8Array(entry.size) });
    } catch {
      throw malformed(KIND, `cannot decompress ${entry.name}`);
    }
  }
  if (data.length !== entry.size || crc32(data) !== entry.crc) throw malformed(KIND, `checksum of ${entry.name}`);
  return data;
}

/** docx/xlsx/pptx when the archive looks like an OOXML package, else undefined. */
export function officeKindOf(bytes: Uint8Array): 'docx' | 'xlsx' | 'pptx' | undefined {
  let dir: ZipDirectory;
  try {
    dir = readZipDirectory(bytes);
  } catch {
    // A damaged package is still an Office file: let its stripper refuse it as malformed
    // rather than call it an unsupported type. Local headers carry the part names.
    return kindFromLocalNames(bytes);
  }
  const names = new Set(dir.entries.map((e) => e.name));
  if (!names.has('[Content_Types].xml')) return undefined;
  for (const n of names) {
    if (n.startsWith('word/')) return 'docx';
    if (n.startsWith('xl/')) return 'xlsx';
    if (n.startsWith('ppt/')) return 'pptx';
  }
  return undefined;
}

function kindFromLocalNames(bytes: Uint8Array): 'docx' | 'xlsx' | 'pptx' | undefined {
  const head = latin1(bytes, 0, Math.min(bytes.length, 1 << 20));
  if (!head.includes('[Content_Types].xml')) return undefined;
  if (head.includes('word/')) return 'docx';
  if (head.includes('xl/')) return 'xlsx';
  if (head.includes('ppt/')) return 'pptx';
  return undefined;
}

function findEndOfCentralDirectory(bytes: Uint8Array): number {
  const last = bytes.length - 22;
  const first = Math.max(0, last - 0xffff);
  for (let at = last; at >= first; at--) {
    if (bytes[at] === 0x50 && asciiAt(bytes, at, 'PK\x05\x06') && at + 22 + u16le(bytes, at + 20) <= bytes.length) {
      return at;
    }
  }
  throw malformed(KIND, 'no central directory');
}

/** 64-bit little-endian value, refused past 2^53 (no real archive is that large). */
function u64le(b: Uint8Array, at: number): number {
  const hi = u32le(b, at + 4);
  if (hi >= 0x200000) return Number.MAX_SAFE_INTEGER;
  return hi * TWO_32 + u32le(b, at);
}
