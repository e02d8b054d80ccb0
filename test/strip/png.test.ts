// PNG stripper: text, time, Exif, profile and private chunks go, wherever they sit; the image
// data (IDAT) stays byte-identical; damaged files are refused (DESIGN promise 3).
import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { cleanFile, StripError } from '../../src/core/strip/index.ts';
import { crc32 } from '../../src/core/strip/crc32.ts';
import { exiftool, exiftoolWrite, leaks } from './helpers.ts';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function chunk(type: string, data: Uint8Array | string): Uint8Array {
  const body = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out, 4, 8 + body.length));
  return out;
}

function ihdr(width: number, height: number): Uint8Array {
  const d = new Uint8Array(13);
  const v = new DataView(d.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  d.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return chunk('IHDR', d);
}

/** A 4x4 RGBA image: filter byte 0 then pixels, deflated. */
function idat(): Uint8Array {
  const raw = new Uint8Array(4 * (1 + 16));
  for (let i = 0; i < raw.length; i++) raw[i] = i % 17 === 0 ? 0 : (i * 37) & 0xff;
  return chunk('IDAT', deflateSync(raw));
}

function png(...chunks: Uint8Array[]): Uint8Array {
  return Buffer.concat([SIGNATURE, ...chunks]);
}

function chunkTypes(bytes: Uint8Array): string[] {
  const types: string[] = [];
  for (let p = 8; p + 8 <= bytes.length; ) {
    const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(p);
    types.push(Buffer.from(bytes.subarray(p + 4, p + 8)).toString('latin1'));
    p += 12 + len;
  }
  return types;
}

const IDAT = idat();
const contains = (hay: Uint8Array, needle: string): boolean => Buffer.from(hay).includes(Buffer.from(needle, 'latin1'));

describe('the PNG stripper', () => {
  it('drops text, time, profile, density and private chunks before and after the image data, and keeps IDAT byte for byte', async () => {
    const input = png(
      ihdr(4, 4),
      chunk('gAMA', Uint8Array.of(0, 0, 0xb1, 0x8f)),
      chunk('iCCP', 'Jeanne calibrated\0\0xx'),
      chunk('pHYs', Uint8Array.of(0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1)),
      chunk('tEXt', 'Author\0Jeanne Resident'),
      chunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0', 'latin1'), deflateSync(Buffer.from('written at 12 rue des Lilas'))])),
      IDAT,
      chunk('tIME', Uint8Array.of(0x07, 0xe8, 5, 17, 21, 3, 9)),
      chunk('iTXt', 'XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta><dc:creator>Jeanne</dc:creator></x:xmpmeta>'),
      chunk('prVt', 'device-id 42'),
      chunk('IEND', ''),
    );
    expect(leaks(exiftool(input, 'png')).length).toBeGreaterThan(0);
    const out = await cleanFile(input);
    expect(out.mime).toBe('image/png');
    expect(chunkTypes(out.bytes)).toEqual(['IHDR', 'gAMA', 'IDAT', 'IEND']);
    expect(Buffer.from(out.bytes).includes(Buffer.from(IDAT))).toBe(true);
    expect(out.removed).toEqual(['author', 'color-profile', 'comment', 'datetime', 'other', 'xmp']);
    for (const text of ['Jeanne', 'device-id']) expect(contains(out.bytes, text)).toBe(false);
    expect(leaks(exiftool(out.bytes, 'png'))).toEqual([]);
  });

  it('drops the eXIf GPS block exiftool writes and keeps only a non-1 orientation', async () => {
    const base = png(ihdr(4, 4), IDAT, chunk('IEND', ''));
    const dirty = exiftoolWrite(base, 'png', ['-GPSLatitude=48.85', '-GPSLatitudeRef=N', '-Make=Fairphone', '-IFD0:Orientation#=6']);
    expect(Object.keys(exiftool(dirty, 'png')).some((k) => k.startsWith('GPS:'))).toBe(true);
    const out = await cleanFile(dirty);
    expect(out.removed).toEqual(expect.arrayContaining(['gps', 'camera']));
    const tags = exiftool(out.bytes, 'png');
    expect(leaks(tags)).toEqual([]);
    expect(tags['IFD0:Orientation']).toBe('Rotate 90 CW');
    expect(chunkTypes(out.bytes)).toEqual(['IHDR', 'eXIf', 'IDAT', 'IEND']);
  });

  it('keeps the transparency, colour and animation chunks an APNG needs', async () => {
    const kept = [
      chunk('sRGB', Uint8Array.of(0)),
      chunk('cHRM', new Uint8Array(32)),
      chunk('sBIT', Uint8Array.of(8, 8, 8, 8)),
      chunk('tRNS', Uint8Array.of(0, 0)),
      chunk('acTL', new Uint8Array(8)),
      chunk('fcTL', new Uint8Array(26)),
    ];
    const input = png(ihdr(4, 4), ...kept, IDAT, chunk('fcTL', new Uint8Array(26)), chunk('fdAT', new Uint8Array(8)), chunk('IEND', ''));
    const out = await cleanFile(input);
    expect(chunkTypes(out.bytes)).toEqual(['IHDR', 'sRGB', 'cHRM', 'sBIT', 'tRNS', 'acTL', 'fcTL', 'IDAT', 'fcTL', 'fdAT', 'IEND']);
    expect(out.removed).toEqual([]);
    expect(Buffer.from(out.bytes).equals(Buffer.from(input))).toBe(true);
  });

  it('drops bytes hidden after the end chunk', async () => {
    const input = png(ihdr(4, 4), IDAT, chunk('IEND', ''), Buffer.from('secret appended note'));
    const out = await cleanFile(input);
    expect(out.removed).toEqual(['trailer']);
    expect(contains(out.bytes, 'secret')).toBe(false);
  });

  const broken: Array<[string, () => Uint8Array]> = [
    [
      'a chunk whose CRC does not match',
      () => {
        const b = png(ihdr(4, 4), IDAT, chunk('IEND', ''));
        b[b.length - 20] = b[b.length - 20]! ^ 0xff;
        return b;
      },
    ],
    [
      'a CRC error in a chunk we would drop anyway',
      () => {
        const t = chunk('tEXt', 'Author\0x');
        t[t.length - 1] = t[t.length - 1]! ^ 1;
        return png(ihdr(4, 4), t, IDAT, chunk('IEND', ''));
      },
    ],
    ['no end chunk', () => png(ihdr(4, 4), IDAT)],
    [
      'a chunk length past the end',
      () => {
        const b = png(ihdr(4, 4), IDAT, chunk('IEND', ''));
        b[33] = 0x7f;
        return b;
      },
    ],
    ['image data before its header', () => png(IDAT, ihdr(4, 4), chunk('IEND', ''))],
    ['an unknown critical chunk', () => png(ihdr(4, 4), chunk('ZZZZ', 'x'), IDAT, chunk('IEND', ''))],
    ['no image data', () => png(ihdr(4, 4), chunk('IEND', ''))],
  ];
  for (const [what, make] of broken) {
    it(`refuses as malformed a PNG with ${what}`, async () => {
      const err = await cleanFile(make()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StripError);
      expect((err as StripError).code).toBe('malformed');
    });
  }
});
