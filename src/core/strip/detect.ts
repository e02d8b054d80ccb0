// Tells a file's type from its first bytes (never from its name, which the resident controls and
// which may lie), so that each attachment goes to the stripper that understands it or is refused
// (DESIGN promise 3). Magic numbers: JPEG T.81, PNG §5.2, RIFF/WebP, PDF 1.7 §7.5.2, ISO BMFF
// 'ftyp' brands (HEIF/AVIF/MP4/QuickTime), TIFF 6.0, GIF89a, BMP, Matroska/WebM EBML, OLE2.
import { asciiAt, latin1, u32be } from './bytes.ts';
import { officeKindOf } from './zip-read.ts';

export const MIME = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
} as const;

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const HEIF_BRANDS = new Set(['mif1', 'msf1', 'mif2']);
const QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

export function detectType(bytes: Uint8Array): string | null {
  if (bytes.length < 4) return null;
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return MIME.jpeg;
  if (asciiAt(bytes, 0, '\x89PNG\r\n\x1a\n')) return MIME.png;
  if (asciiAt(bytes, 0, 'RIFF') && bytes.length >= 12) {
    const form = latin1(bytes, 8, 12);
    if (form === 'WEBP') return MIME.webp;
    if (form === 'AVI ') return 'video/x-msvideo';
    if (form === 'WAVE') return 'audio/wav';
    return null;
  }
  if (asciiAt(bytes, 0, '%PDF-')) return MIME.pdf;
  if (asciiAt(bytes, 4, 'ftyp')) return isoBmffType(bytes);
  if (QUICKTIME_ATOMS.has(latin1(bytes, 4, 8))) return 'video/quicktime'; // old files without ftyp
  if (asciiAt(bytes, 0, 'PK\x03\x04') || asciiAt(bytes, 0, 'PK\x05\x06')) {
    const kind = officeKindOf(bytes);
    return kind ? MIME[kind] : 'application/zip';
  }
  if (asciiAt(bytes, 0, 'II*\0') || asciiAt(bytes, 0, 'MM\0*')) return 'image/tiff';
  if (asciiAt(bytes, 0, 'GIF87a') || asciiAt(bytes, 0, 'GIF89a')) return 'image/gif';
  if (asciiAt(bytes, 0, 'BM') && bytes.length >= 26) return 'image/bmp';
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return 'video/webm';
  if (asciiAt(bytes, 0, '\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1')) return 'application/x-ole-storage';
  if (asciiAt(bytes, 0, 'ID3') || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) return 'audio/mpeg';
  if (asciiAt(bytes, 0, '\xff\x0a') || asciiAt(bytes, 4, 'JXL ')) return 'image/jxl';
  return null;
}

/** ISO BMFF: the major brand, then the compatible brands, decide between still image and video. */
function isoBmffType(bytes: Uint8Array): string {
  const boxSize = u32be(bytes, 0);
  const end = Math.min(bytes.length, Math.max(boxSize, 16), 4096);
  const brands = [latin1(bytes, 8, 12)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(latin1(bytes, at, at + 4));
  const major = brands[0]!;
  if (AVIF_BRANDS.has(major)) return 'image/avif';
  if (HEIC_BRANDS.has(major)) return 'image/heic';
  if (HEIF_BRANDS.has(major)) {
    if (brands.some((b) => AVIF_BRANDS.has(b))) return 'image/avif';
    if (brands.some((b) => HEIC_BRANDS.has(b))) return 'image/heic';
    return 'image/heif';
  }
  if (major === 'qt  ') return 'video/quicktime';
  if (major.startsWith('3g')) return 'video/3gpp';
  return 'video/mp4';
}
