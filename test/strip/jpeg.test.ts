// JPEG stripper: crafted files with metadata in usual and unusual places come out clean, with
// byte-identical scan data, the same pixels and the same orientation (DESIGN promise 3).
import { describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { cleanFile, StripError } from '../../src/core/strip/index.ts';
import { exiftool, exiftoolWrite, leaks, readCorpus, readFixture } from './helpers.ts';

const photo = (): Uint8Array => readCorpus('exif-samples-DSCN0010.jpg');

function pixels(bytes: Uint8Array): Uint8Array {
  return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true }).data;
}

/** Both files decode (jpeg-js) to the same RGBA samples. */
function samePixels(a: Uint8Array, b: Uint8Array): boolean {
  const pa = pixels(a);
  return pa.length > 0 && Buffer.from(pa).equals(Buffer.from(pixels(b)));
}

/** Offset of the first SOS marker: everything from there on is scans and tables. */
function firstScan(bytes: Uint8Array): number {
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos + 1] === 0xda) return pos;
    pos += 2 + ((bytes[pos + 2]! << 8) | bytes[pos + 3]!);
  }
  throw new Error('no SOS');
}

function lastEoi(bytes: Uint8Array): number {
  for (let i = bytes.length - 2; i >= 0; i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return i;
  throw new Error('no EOI');
}

function segment(code: number, payload: string | Uint8Array): Uint8Array {
  const body = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  const out = new Uint8Array(4 + body.length);
  out.set([0xff, code, (body.length + 2) >> 8, (body.length + 2) & 0xff]);
  out.set(body, 4);
  return out;
}

/** Inserts bytes right after SOI. */
function afterSoi(jpg: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(jpg.length + total);
  out.set(jpg.subarray(0, 2));
  let at = 2;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  out.set(jpg.subarray(2), at);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const contains = (hay: Uint8Array, needle: string): boolean => Buffer.from(hay).includes(Buffer.from(needle, 'latin1'));

describe('the JPEG stripper', () => {
  it('drops the GPS block, comment, XMP and IPTC that exiftool wrote into a camera photo and keeps its pixels', async () => {
    const dirty = exiftoolWrite(photo(), 'jpg', [
      '-Comment=meet me at the stairwell',
      '-GPSLatitude=48.8566',
      '-GPSLatitudeRef=N',
      '-GPSLongitude=2.3522',
      '-GPSLongitudeRef=E',
      '-XMP-dc:Creator=Jeanne Resident',
      '-IPTC:By-line=Jeanne Resident',
      '-SerialNumber=SN123456',
      '-Artist=Jeanne Resident',
    ]);
    expect(leaks(exiftool(dirty, 'jpg'))).toEqual(expect.arrayContaining([expect.stringMatching(/GPSLatitude/)]));
    const out = await cleanFile(dirty);
    expect(out.mime).toBe('image/jpeg');
    expect(out.ext).toBe('jpg');
    expect(out.removed).toEqual(expect.arrayContaining(['gps', 'comment', 'xmp', 'iptc', 'camera', 'author', 'datetime', 'thumbnail']));
    expect(leaks(exiftool(out.bytes, 'jpg'))).toEqual([]);
    for (const text of ['Jeanne', 'stairwell', 'NIKON', 'SN123456']) expect(contains(out.bytes, text)).toBe(false);
    expect(samePixels(out.bytes, dirty)).toBe(true);
  });

  it('copies the scan data byte for byte', async () => {
    const input = photo();
    const out = await cleanFile(input);
    const a = input.subarray(firstScan(input), lastEoi(input) + 2);
    const b = out.bytes.subarray(firstScan(out.bytes));
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
  });

  it('keeps every scan and restart marker of a progressive file while dropping its GPS', async () => {
    const input = exiftoolWrite(readFixture('progressive-restart.jpg'), 'jpg', [
      '-GPSLatitude=48.85',
      '-GPSLatitudeRef=N',
      '-Make=NIKON',
      '-Comment=hall B',
    ]);
    const scans = (b: Uint8Array): number => {
      let n = 0;
      for (let i = firstScan(b); i + 1 < b.length; i++) if (b[i] === 0xff && b[i + 1] === 0xda) n++;
      return n;
    };
    const restarts = (b: Uint8Array): number => {
      let n = 0;
      for (let i = firstScan(b); i + 1 < b.length; i++) if (b[i] === 0xff && (b[i + 1]! & 0xf8) === 0xd0) n++;
      return n;
    };
    expect(scans(input)).toBeGreaterThan(2);
    expect(restarts(input)).toBeGreaterThan(4);
    const out = await cleanFile(input);
    expect(out.removed).toContain('gps');
    expect(scans(out.bytes)).toBe(scans(input));
    expect(restarts(out.bytes)).toBe(restarts(input));
    const a = input.subarray(firstScan(input), lastEoi(input) + 2);
    expect(Buffer.from(out.bytes.subarray(firstScan(out.bytes))).equals(Buffer.from(a))).toBe(true);
    expect(leaks(exiftool(out.bytes, 'jpg'))).toEqual([]);
    expect(samePixels(out.bytes, input)).toBe(true);
  });

  const orientations: Array<[number, boolean]> = [
    [1, false],
    [2, true],
    [3, true],
    [4, true],
    [5, true],
    [6, true],
    [7, true],
    [8, true],
  ];
  for (const [value, kept] of orientations) {
    it(`${kept ? 'keeps' : 'does not write'} Orientation ${value} ${kept ? 'as the only Exif tag' : 'since the photo is already upright'}`, async () => {
      const dirty = exiftoolWrite(photo(), 'jpg', [`-IFD0:Orientation#=${value}`]);
      const out = await cleanFile(dirty);
      const tags = exiftool(out.bytes, 'jpg');
      expect(leaks(tags)).toEqual([]);
      const exifTags = Object.keys(tags).filter((k) => /^(IFD|ExifIFD|GPS)/.test(k));
      expect(exifTags).toEqual(kept ? ['IFD0:Orientation'] : []);
      if (kept) expect(exiftool(out.bytes, 'jpg')['IFD0:Orientation']).toBe(exiftoolOrientationName(value));
    });
  }

  it('drops an APP segment with a made-up identifier and a second image hidden after the end marker', async () => {
    const hidden = concat(segment(0xe5, 'SECRET\0Jeanne lives at 12 rue des Lilas'), segment(0xe1, 'NotExif\0tracking-id-42'));
    const dirty = concat(afterSoi(photo(), hidden), readCorpus('exiftool-GPS.jpg'));
    const out = await cleanFile(dirty);
    expect(out.removed).toEqual(expect.arrayContaining(['other', 'trailer']));
    for (const text of ['Jeanne', 'tracking-id-42', 'FUJIFILM', 'Britton']) expect(contains(out.bytes, text)).toBe(false);
    expect(out.bytes[out.bytes.length - 2]).toBe(0xff);
    expect(out.bytes[out.bytes.length - 1]).toBe(0xd9);
    expect(leaks(exiftool(out.bytes, 'jpg'))).toEqual([]);
  });

  it('drops the MPF index and the preview images it points to', async () => {
    const input = readCorpus('exif-samples-45-gps_ifd.jpg');
    const out = await cleanFile(input);
    expect(out.removed).toContain('thumbnail');
    expect(contains(out.bytes, 'MPF\0')).toBe(false);
    expect(Object.keys(exiftool(out.bytes, 'jpg')).filter((k) => /^MP/.test(k))).toEqual([]);
  });

  it('drops Extended XMP, ICC profiles and APP11 content credentials', async () => {
    const icc = segment(0xe2, 'ICC_PROFILE\0\x01\x01Calibrated for Jeanne');
    const c2pa = segment(0xeb, 'JP\0\x01c2pa signer: Jeanne');
    const extended = readCorpus('exiftool-ExtendedXMP.jpg');
    const out = await cleanFile(afterSoi(extended, icc, c2pa));
    expect(out.removed).toEqual(expect.arrayContaining(['xmp', 'author', 'color-profile', 'other']));
    expect(contains(out.bytes, 'Jeanne')).toBe(false);
    expect(contains(out.bytes, 'PhilToo')).toBe(false);
  });

  it('keeps the JFIF header without its thumbnail and the Adobe colour-transform segment', async () => {
    const jfifWithThumb = segment(0xe0, new Uint8Array([0x4a, 0x46, 0x49, 0x46, 0, 1, 2, 1, 0, 72, 0, 72, 1, 1, 0xaa, 0xbb, 0xcc]));
    const input = readCorpus('exiftool-IPTC.jpg'); // has JFIF and Adobe APP14
    const out = await cleanFile(afterSoi(input.subarray(0, 2), jfifWithThumb, input.subarray(2)).subarray(0));
    expect(out.removed).toEqual(expect.arrayContaining(['thumbnail', 'iptc']));
    // SOI, then our JFIF: 16-byte segment with a 0x0 thumbnail.
    expect([...out.bytes.subarray(0, 20)]).toEqual([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 2, 1, 0, 72, 0, 72, 0, 0]);
    expect(contains(out.bytes, 'Adobe')).toBe(true);
    expect(samePixels(out.bytes, input)).toBe(true);
  });

  it('accepts fill bytes before markers and keeps the scan intact', async () => {
    const input = photo();
    const sos = firstScan(input);
    const filled = concat(input.subarray(0, sos), new Uint8Array([0xff, 0xff, 0xff]), input.subarray(sos));
    const out = await cleanFile(filled);
    expect(samePixels(out.bytes, input)).toBe(true);
  });

  const broken: Array<[string, (b: Uint8Array) => Uint8Array]> = [
    ['has no end-of-image marker', (b) => b.subarray(0, lastEoi(b))],
    ['is cut inside its scan data', (b) => b.subarray(0, b.length - 5000)],
    [
      'declares a segment longer than the file',
      (b) => {
        const c = b.slice(0, 40);
        c[4] = 0xff;
        c[5] = 0xff;
        return c;
      },
    ],
    [
      'has garbage between two segments',
      (b) => afterSoi(b, segment(0xe0, 'JFIF\0\x01\x02\x00\x00\x01\x00\x01\x00\x00'), new Uint8Array([0x00, 0x13, 0x37])),
    ],
    ['has a scan before any frame header', (b) => concat(b.subarray(0, 2), b.subarray(firstScan(b)))],
    ['is only a start marker and the first byte of a segment', () => new Uint8Array([0xff, 0xd8, 0xff, 0xe0])],
  ];
  for (const [what, damage] of broken) {
    it(`refuses as malformed a JPEG that ${what}`, async () => {
      const err = await cleanFile(damage(photo())).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StripError);
      expect((err as StripError).code).toBe('malformed');
    });
  }
});

function exiftoolOrientationName(v: number): string {
  return [
    '',
    'Horizontal (normal)',
    'Mirror horizontal',
    'Rotate 180',
    'Mirror vertical',
    'Mirror horizontal and rotate 270 CW',
    'Rotate 90 CW',
    'Mirror horizontal and rotate 90 CW',
    'Rotate 270 CW',
  ][v]!;
}
