// The public API of the strippers: type detection by magic bytes (never by name), labels for
// every removed code in French and English, and the result contract (DESIGN promise 3).
import { describe, expect, it } from 'vitest';
import { cleanFile, detectType, removedLabel } from '../../src/core/strip/index.ts';
import type { RemovedCode } from '../../src/core/strip/index.ts';
import { REMOVED_CODES } from '../../src/core/strip/types.ts';
import { readCorpus } from './helpers.ts';

const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');

describe('detectType', () => {
  const table: Array<[string, Uint8Array, string | null]> = [
    ['a JPEG', bytes('\xff\xd8\xff\xe0\0\x10JFIF'), 'image/jpeg'],
    ['a PNG', bytes('\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR'), 'image/png'],
    ['a WebP', bytes('RIFF\0\0\0\0WEBPVP8 '), 'image/webp'],
    ['an AVI video in RIFF', bytes('RIFF\0\0\0\0AVI LIST'), 'video/x-msvideo'],
    ['a PDF', bytes('%PDF-1.7\n'), 'application/pdf'],
    ['a HEIC photo', bytes('\0\0\0\x18ftypheic\0\0\0\0mif1heic'), 'image/heic'],
    ['a HEIF with a heic compatible brand', bytes('\0\0\0\x18ftypmif1\0\0\0\0mif1heic'), 'image/heic'],
    ['an AVIF picture', bytes('\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf'), 'image/avif'],
    ['an MP4 video', bytes('\0\0\0\x18ftypisom\0\0\x02\0isomiso2'), 'video/mp4'],
    ['a QuickTime movie', bytes('\0\0\0\x14ftypqt  \0\0\0\0qt  '), 'video/quicktime'],
    ['an old QuickTime movie without ftyp', bytes('\0\0\x0f\x17moov\0\0\0\x6cmvhd'), 'video/quicktime'],
    ['a TIFF', bytes('II*\0\x08\0\0\0'), 'image/tiff'],
    ['a GIF', bytes('GIF89a\x01\0\x01\0'), 'image/gif'],
    ['a WebM video', bytes('\x1a\x45\xdf\xa3\x9f\x42\x86\x81'), 'video/webm'],
    ['an old Word file', bytes('\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0'), 'application/x-ole-storage'],
    ['plain text', bytes('hello there, officer'), null],
    ['three bytes', bytes('\xff\xd8\xff'), null],
  ];
  for (const [what, input, expected] of table) {
    it(`tells ${what} by its first bytes`, () => {
      expect(detectType(input)).toBe(expected);
    });
  }

  it('tells the corpus documents apart whatever their names say', () => {
    expect(detectType(readCorpus('exiftool-OOXML.docx'))).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(detectType(readCorpus('exiftool-QuickTime.heic'))).toBe('image/heic'); // mif1 with a heic brand
    expect(detectType(readCorpus('exif-samples-iphone_13_pro_max.HEIC'))).toBe('image/heic');
  });
});

describe('removedLabel', () => {
  it('gives the words the resident reads for the main codes', () => {
    expect(removedLabel('gps', 'fr')).toBe('position GPS');
    expect(removedLabel('gps', 'en')).toBe('GPS position');
    expect(removedLabel('camera', 'fr')).toBe("modèle de l'appareil");
    expect(removedLabel('datetime', 'fr')).toBe('date de prise de vue');
  });

  it('has a distinct, non-empty label in both languages for every code', () => {
    for (const lang of ['fr', 'en'] as const) {
      const labels = REMOVED_CODES.map((c: RemovedCode) => removedLabel(c, lang));
      expect(labels.every((l) => l.length > 3)).toBe(true);
      expect(new Set(labels).size).toBe(labels.length);
    }
  });
});

describe('the cleanFile result', () => {
  it('lists removed codes once each, sorted, and never hands back the input buffer', async () => {
    const input = readCorpus('exiftool-GPS.jpg');
    const out = await cleanFile(input);
    expect(out.removed).toEqual([...new Set(out.removed)].sort());
    expect(out.bytes.buffer).not.toBe(input.buffer);
    expect(out).toMatchObject({ mime: 'image/jpeg', ext: 'jpg' });
  });

  it('returns an unchanged copy and an empty list for a file that carries nothing', async () => {
    const clean = (await cleanFile(readCorpus('exiftool-Canon.jpg'))).bytes;
    const again = await cleanFile(clean);
    expect(again.removed).toEqual([]);
    expect(Buffer.from(again.bytes).equals(Buffer.from(clean))).toBe(true);
  });
});
