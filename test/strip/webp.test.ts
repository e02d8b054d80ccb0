// WebP stripper: EXIF, XMP, ICC and unknown chunks go whatever the VP8X flags claim; the flags
// and RIFF size are fixed so the image still decodes (DESIGN promise 3).
import { describe, expect, it } from 'vitest';
import { cleanFile, StripError } from '../../src/core/strip/index.ts';
import { exiftool, exiftoolWrite, leaks, readCorpus } from './helpers.ts';

interface RiffChunk {
  fourcc: string;
  data: Uint8Array;
}

function chunksOf(bytes: Uint8Array): RiffChunk[] {
  const out: RiffChunk[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let p = 12; p + 8 <= bytes.length; ) {
    const size = view.getUint32(p + 4, true);
    out.push({ fourcc: Buffer.from(bytes.subarray(p, p + 4)).toString('latin1'), data: bytes.subarray(p + 8, p + 8 + size) });
    p += 8 + size + (size & 1);
  }
  return out;
}

function riff(chunks: RiffChunk[], trailer: Uint8Array = new Uint8Array(0)): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const c of chunks) {
    const head = new Uint8Array(8);
    head.set(Buffer.from(c.fourcc, 'latin1'));
    new DataView(head.buffer).setUint32(4, c.data.length, true);
    parts.push(head, c.data);
    if (c.data.length & 1) parts.push(new Uint8Array(1));
  }
  const body = Buffer.concat(parts);
  const head = new Uint8Array(12);
  head.set(Buffer.from('RIFF'));
  new DataView(head.buffer).setUint32(4, 4 + body.length, true);
  head.set(Buffer.from('WEBP'), 8);
  return Buffer.concat([head, body, trailer]);
}

const corpus = (): RiffChunk[] => chunksOf(readCorpus('exiftool-RIFF.webp'));
const image = (): RiffChunk[] => corpus().filter((c) => ['VP8X', 'ALPH', 'VP8 '].includes(c.fourcc));
const text = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const contains = (hay: Uint8Array, needle: string): boolean => Buffer.from(hay).includes(Buffer.from(needle, 'latin1'));

describe('the WebP stripper', () => {
  it('drops EXIF and XMP, clears their VP8X flags and fixes the RIFF size', async () => {
    const input = readCorpus('exiftool-RIFF.webp');
    expect(input[20]! & 0x0c).toBe(0x0c); // EXIF and XMP flags set
    const out = await cleanFile(input);
    expect(out.removed).toEqual(expect.arrayContaining(['author', 'xmp']));
    expect(chunksOf(out.bytes).map((c) => c.fourcc)).toEqual(['VP8X', 'ALPH', 'VP8 ']);
    expect(out.bytes[20]).toBe(0x10); // only the alpha flag is left
    expect(new DataView(out.bytes.buffer, out.bytes.byteOffset).getUint32(4, true)).toBe(out.bytes.length - 8);
    expect(leaks(exiftool(out.bytes, 'webp'))).toEqual([]);
  });

  it('drops an XMP chunk even when the VP8X flags do not announce it', async () => {
    const chunks = image();
    chunks.push({ fourcc: 'XMP ', data: text('<x:xmpmeta><dc:creator>Jeanne</dc:creator></x:xmpmeta>') });
    const input = riff(chunks);
    expect(input[20]! & 0x04).toBe(0x04);
    input[20] = 0x10;
    const out = await cleanFile(input);
    expect(out.removed).toEqual(['author', 'xmp']);
    expect(contains(out.bytes, 'Jeanne')).toBe(false);
  });

  it('drops unknown and ICC chunks and bytes after the RIFF payload', async () => {
    const chunks = image();
    chunks.splice(1, 0, { fourcc: 'ICCP', data: text('profile by Jeanne') }, { fourcc: 'ZZZZ', data: text('odd') });
    const out = await cleanFile(riff(chunks, text('appended secret')));
    expect(out.removed).toEqual(['color-profile', 'other', 'trailer']);
    for (const s of ['Jeanne', 'odd', 'secret']) expect(contains(out.bytes, s)).toBe(false);
    expect(chunksOf(out.bytes).map((c) => c.fourcc)).toEqual(['VP8X', 'ALPH', 'VP8 ']);
  });

  it('drops the GPS and camera EXIF that exiftool writes', async () => {
    const dirty = exiftoolWrite(riff(image()), 'webp', [
      '-GPSLatitude=48.85',
      '-GPSLatitudeRef=N',
      '-Model=Pixel 7',
      '-XMP-dc:Creator=Jeanne',
    ]);
    expect(Object.keys(exiftool(dirty, 'webp')).some((k) => k.startsWith('GPS:'))).toBe(true);
    const out = await cleanFile(dirty);
    expect(out.removed).toEqual(expect.arrayContaining(['gps', 'camera', 'xmp', 'author']));
    expect(leaks(exiftool(out.bytes, 'webp'))).toEqual([]);
  });

  it('keeps a simple lossy WebP as it is when it carries nothing', async () => {
    const vp8 = corpus().find((c) => c.fourcc === 'VP8 ')!;
    const input = riff([vp8]);
    const out = await cleanFile(input);
    expect(out.removed).toEqual([]);
    expect(Buffer.from(out.bytes).equals(Buffer.from(input))).toBe(true);
  });

  const broken: Array<[string, () => Uint8Array]> = [
    ['a RIFF size past the end of the file', () => readCorpus('exiftool-RIFF.webp').subarray(0, 300)],
    [
      'a chunk size past the RIFF payload',
      () => {
        const b = riff(image());
        b[16] = 0xff;
        b[17] = 0xff;
        return b;
      },
    ],
    ['no image chunk', () => riff([{ fourcc: 'XMP ', data: text('x') }])],
  ];
  for (const [what, make] of broken) {
    it(`refuses as malformed a WebP with ${what}`, async () => {
      const err = await cleanFile(make()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StripError);
      expect((err as StripError).code).toBe('malformed');
    });
  }
});
