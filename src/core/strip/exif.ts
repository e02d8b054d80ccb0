// Reads an Exif/TIFF block (Exif 2.32 §4.6, TIFF 6.0 IFD structure) only to learn two things:
// which kinds of identifying metadata it held (to tell the resident, DESIGN promise 3) and the
// Orientation tag (to keep a photo upright). It also writes the one Exif block we ever emit: a
// TIFF header with a single IFD holding only Orientation. Nothing else from the input survives.
import type { RemovedCode } from './types.ts';
import { asciiAt, u16be, u16le, u32be, u32le } from './bytes.ts';

const TAG_EXIF_IFD = 0x8769;
const TAG_GPS_IFD = 0x8825;
const TAG_INTEROP_IFD = 0xa005;
const TAG_ORIENTATION = 0x0112;
const TAG_THUMB_OFFSET = 0x0201;

/** What each known tag reveals. Tags not listed here count as 'other'. */
const TAG_CODES: ReadonlyMap<number, RemovedCode> = new Map<number, RemovedCode>([
  [0x010e, 'text'], // ImageDescription
  [0x010f, 'camera'], // Make
  [0x0110, 'camera'], // Model
  [0x0131, 'software'], // Software
  [0x0132, 'datetime'], // DateTime
  [0x013b, 'author'], // Artist
  [0x013c, 'camera'], // HostComputer
  [0x8298, 'author'], // Copyright
  [0x9003, 'datetime'], // DateTimeOriginal
  [0x9004, 'datetime'], // DateTimeDigitized
  [0x9010, 'datetime'], // OffsetTime
  [0x9011, 'datetime'], // OffsetTimeOriginal
  [0x9012, 'datetime'], // OffsetTimeDigitized
  [0x9290, 'datetime'], // SubSecTime
  [0x9291, 'datetime'], // SubSecTimeOriginal
  [0x9292, 'datetime'], // SubSecTimeDigitized
  [0x927c, 'camera'], // MakerNote (vendor blob, often with serial numbers)
  [0x9286, 'comment'], // UserComment
  [0xa420, 'document-id'], // ImageUniqueID
  [0xa430, 'author'], // CameraOwnerName
  [0xa431, 'serial'], // BodySerialNumber
  [0xa433, 'camera'], // LensMake
  [0xa434, 'camera'], // LensModel
  [0xa435, 'serial'], // LensSerialNumber
  [0x9c9b, 'text'], // XPTitle
  [0x9c9c, 'comment'], // XPComment
  [0x9c9d, 'author'], // XPAuthor
  [0x9c9e, 'text'], // XPKeywords
  [0x9c9f, 'text'], // XPSubject
  [0x83bb, 'iptc'], // IPTC-NAA inside TIFF
  [0x8773, 'color-profile'], // InterColorProfile
  [0x02bc, 'xmp'], // XMP inside TIFF
]);

/** Bits of structure that are not metadata in themselves: no need to tell the resident. */
const STRUCTURAL_TAGS = new Set<number>([TAG_EXIF_IFD, TAG_INTEROP_IFD, TAG_ORIENTATION]);

export interface ExifSummary {
  /** 1..8 when IFD0 holds a valid Orientation, else undefined. */
  orientation: number | undefined;
  found: Set<RemovedCode>;
}

const TYPE_SIZES = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8] as const;
const MAX_IFDS = 32;
const MAX_ENTRIES = 4096;

/**
 * Summarises a TIFF-structured Exif block (starting at the "II*\0"/"MM\0*" header). A block we
 * cannot walk still counts as metadata found ('other'): its bytes are dropped in any case.
 */
export function summariseExif(tiff: Uint8Array): ExifSummary {
  const found = new Set<RemovedCode>();
  let orientation: number | undefined;
  const little = asciiAt(tiff, 0, 'II');
  if (!(little || asciiAt(tiff, 0, 'MM')) || tiff.length < 8) {
    found.add('other');
    return { orientation, found };
  }
  const r16 = little ? u16le : u16be;
  const r32 = little ? u32le : u32be;
  const visited = new Set<number>();
  // Queue of [offset, isIfd0, kind]: kind tells which IFD we are in, for GPS classification.
  const queue: Array<{ at: number; kind: 'ifd0' | 'ifd1' | 'exif' | 'gps' | 'interop' }> = [{ at: r32(tiff, 4), kind: 'ifd0' }];
  while (queue.length > 0 && visited.size < MAX_IFDS) {
    const { at, kind } = queue.shift()!;
    if (at < 8 || at + 2 > tiff.length || visited.has(at)) continue;
    visited.add(at);
    const count = r16(tiff, at);
    if (count > MAX_ENTRIES || at + 2 + count * 12 > tiff.length) {
      found.add('other');
      continue;
    }
    if (kind === 'gps' && count > 0) found.add('gps');
    if (kind === 'ifd1' && count > 0) found.add('thumbnail');
    for (let i = 0; i < count; i++) {
      const e = at + 2 + i * 12;
      const tag = r16(tiff, e);
      const type = r16(tiff, e + 2);
      const n = r32(tiff, e + 4);
      if (tag === TAG_EXIF_IFD) queue.push({ at: r32(tiff, e + 8), kind: 'exif' });
      else if (tag === TAG_GPS_IFD) queue.push({ at: r32(tiff, e + 8), kind: 'gps' });
      else if (tag === TAG_INTEROP_IFD) queue.push({ at: r32(tiff, e + 8), kind: 'interop' });
      if (kind === 'ifd0' && tag === TAG_ORIENTATION && type === 3 && n === 1) {
        const v = r16(tiff, e + 8);
        if (v >= 1 && v <= 8) orientation = v;
      }
      if (kind === 'gps' || STRUCTURAL_TAGS.has(tag)) continue;
      if (tag === TAG_THUMB_OFFSET) found.add('thumbnail');
      const code = TAG_CODES.get(tag);
      if (code === undefined) {
        found.add('other');
      } else if (!isBlankValue(tiff, e, type, n, r32)) {
        found.add(code);
      }
    }
    if (kind === 'ifd0') {
      const next = r32(tiff, at + 2 + count * 12);
      if (next !== 0) queue.push({ at: next, kind: 'ifd1' });
    }
  }
  return { orientation, found };
}

/** An empty or all-blank text value (some cameras write empty descriptions) reveals nothing. */
function isBlankValue(tiff: Uint8Array, entry: number, type: number, n: number, r32: (b: Uint8Array, at: number) => number): boolean {
  const size = (TYPE_SIZES[type] ?? 1) * n;
  if (size === 0) return true;
  if (type !== 2 && type !== 7) return false; // only ASCII and UNDEFINED can be "blank"
  const start = size <= 4 ? entry + 8 : r32(tiff, entry + 8);
  if (start + size > tiff.length) return false;
  // UNDEFINED text (UserComment) opens with an 8-byte character code such as "ASCII\0\0\0".
  const first = tiff[start] ?? 0;
  const skip = type === 7 && size >= 8 && (first === 0 || (first >= 0x41 && first <= 0x5a)) ? 8 : 0;
  for (let i = start + skip; i < start + size; i++) {
    const c = tiff[i] ?? 0;
    if (c !== 0 && c !== 0x20) return false;
  }
  return true;
}

/**
 * A big-endian TIFF block with one IFD and one entry, Orientation = value. This is the only Exif
 * we ever write, so that a photo taken sideways still shows upright.
 */
export function orientationOnlyTiff(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 2 || value > 8) throw new RangeError('orientation 2..8');
  return Uint8Array.of(
    0x4d,
    0x4d,
    0x00,
    0x2a,
    0x00,
    0x00,
    0x00,
    0x08, // "MM", 42, IFD0 at offset 8
    0x00,
    0x01, // one entry
    0x01,
    0x12,
    0x00,
    0x03,
    0x00,
    0x00,
    0x00,
    0x01,
    0x00,
    value,
    0x00,
    0x00, // Orientation SHORT 1
    0x00,
    0x00,
    0x00,
    0x00, // no next IFD
  );
}
