// Every file of the shared metadata corpus goes through cleanFile(); exiftool and exifr, read
// independently, must find nothing identifying in what comes out (DESIGN promise 3).
import { describe, expect, it } from 'vitest';
import exifr from 'exifr';
import { cleanFile, StripError } from '../../src/core/strip/index.ts';
import { corpusFiles, exiftool, leaks, readCorpus, zipNames } from './helpers.ts';

const REFUSED: Record<string, StripError['code']> = {
  'exif-samples-iphone_13_pro_max.HEIC': 'needs_reencode',
  'exiftool-QuickTime.heic': 'needs_reencode',
  'exiftool-QuickTime.mov': 'unsupported_type',
};

const ext = (name: string): string => name.split('.').pop()!.toLowerCase();

/** What exifr reads with every metadata block switched on; {} when it finds nothing. */
async function exifrAll(bytes: Uint8Array): Promise<Record<string, unknown>> {
  const out = (await exifr.parse(Buffer.from(bytes), {
    tiff: true,
    ifd0: {},
    ifd1: true,
    exif: true,
    gps: true,
    interop: true,
    makerNote: true,
    userComment: true,
    xmp: true,
    iptc: true,
    icc: true,
    jfif: false,
    ihdr: false,
    mergeOutput: false,
    sanitize: false,
    reviveValues: false,
    translateKeys: false,
    translateValues: false,
  } as never)) as Record<string, unknown> | undefined;
  return out ?? {};
}

/** exifr's findings other than a lone IFD0 Orientation (which we keep on purpose). */
function exifrLeaks(found: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [block, value] of Object.entries(found)) {
    if (block === 'ifd0' && value && typeof value === 'object') {
      const keys = Object.keys(value).filter((k) => k !== '274' && k !== 'Orientation');
      if (keys.length > 0) out.push(`ifd0:${keys.join(',')}`);
      continue;
    }
    out.push(block);
  }
  return out;
}

describe('the shared metadata corpus', () => {
  for (const name of corpusFiles()) {
    const refused = REFUSED[name];
    if (refused) {
      it(`refuses ${name} with ${refused} and a message that says what to do`, async () => {
        const err = await cleanFile(readCorpus(name)).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(StripError);
        expect((err as StripError).code).toBe(refused);
        expect((err as StripError).message.length).toBeGreaterThan(40);
        expect((err as StripError).messageFr.length).toBeGreaterThan(40);
      });
      continue;
    }
    it(`cleans ${name} so that exiftool finds no identifying tag, where the original had some`, async () => {
      const input = readCorpus(name);
      const before = leaks(exiftool(input, ext(name)));
      expect(before.length).toBeGreaterThan(0); // the check can fail: the original leaks
      const result = await cleanFile(input);
      expect(result.bytes).not.toBe(input);
      expect(result.removed.length).toBeGreaterThan(0);
      const after = exiftool(result.bytes, result.ext);
      expect(after['ExifTool:Error']).toBeUndefined();
      expect(leaks(after)).toEqual([]);
      expect(zipNames(after).filter((n) => /docProps|comments|thumbnail|people/i.test(n))).toEqual([]);
      expect(String(after['File:MIMEType'])).toBe(result.mime);
    });
    if (/\.(jpe?g|png)$/i.test(name)) {
      it(`cleans ${name} so that exifr finds no metadata block either`, async () => {
        const input = readCorpus(name);
        const result = await cleanFile(input);
        expect(exifrLeaks(await exifrAll(input)).length).toBeGreaterThan(0);
        expect(exifrLeaks(await exifrAll(result.bytes))).toEqual([]);
      });
    }
  }
});
