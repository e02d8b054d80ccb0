// Damaged, cut and hostile inputs: cleanFile() either returns a clean file or throws a
// StripError; it never hangs, never crashes with another error and never hands back a file
// with the original's identifying data (DESIGN promise 3).
import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { cleanFile, StripError } from '../../src/core/strip/index.ts';
import { corpusFiles, readCorpus } from './helpers.ts';

/** Strings found in the corpus originals' metadata; none may survive in a returned file. */
const SENTINELS = [
  'NIKON',
  'Nikon',
  'Phil Harvey',
  'PhilToo',
  'Photoshop',
  'iPhone',
  'Canon EOS',
  'FUJIFILM',
  'Polyphony',
  'Author: Jeff',
  'Microsoft Macintosh Word',
  'xmpmeta',
  'GPS',
];

/** xorshift32: a reproducible stream of test bytes (no Math.random). */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

type Outcome = 'clean' | StripError['code'];

/** Runs cleanFile and checks the rules every outcome must follow. */
async function attempt(input: Uint8Array, original: Uint8Array): Promise<Outcome> {
  const started = performance.now();
  try {
    const out = await cleanFile(input);
    expect(out.bytes).not.toBe(input);
    const text = Buffer.from(out.bytes).toString('latin1');
    for (const s of SENTINELS) {
      if (Buffer.from(original).toString('latin1').includes(s)) expect(text.includes(s), s).toBe(false);
    }
    return 'clean';
  } catch (e) {
    if (!(e instanceof StripError)) throw new Error(`not a StripError: ${String(e)}`);
    return e.code;
  } finally {
    expect(performance.now() - started).toBeLessThan(5000);
  }
}

const cleanable = corpusFiles().filter((f) => !/\.(heic|mov)$/i.test(f));

describe('damaged and hostile inputs', () => {
  it('handles every corpus file cut at many offsets within a time budget', async () => {
    const deadline = performance.now() + 40_000;
    const outcomes = new Map<Outcome, number>();
    let runs = 0;
    for (const name of cleanable) {
      const original = readCorpus(name);
      const step = Math.max(1, Math.floor(original.length / 60));
      for (let cut = 0; cut < original.length && performance.now() < deadline; cut += step) {
        const outcome = await attempt(original.slice(0, cut), original);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        runs++;
      }
    }
    expect(runs).toBeGreaterThan(300);
    expect(outcomes.get('malformed') ?? 0).toBeGreaterThan(200);
  }, 60_000);

  it('refuses every JPEG, PNG and WebP cut anywhere before its end marker as malformed', async () => {
    for (const name of cleanable.filter((f) => /\.(jpe?g|png|webp)$/i.test(f))) {
      const original = readCorpus(name);
      const step = Math.max(1, Math.floor(original.length / 40));
      for (let cut = 12; cut < original.length - 2; cut += step) {
        const err = await cleanFile(original.slice(0, cut)).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((err as StripError | undefined)?.code, `${name} cut at ${cut}`).toBe('malformed');
      }
    }
  });

  it('survives random bytes behind each supported magic number', async () => {
    const next = prng(0x5eed);
    const magics = ['\xff\xd8\xff\xe1', '\x89PNG\r\n\x1a\n', 'RIFF\x40\x00\x00\x00WEBPVP8X', '%PDF-1.7\n', 'PK\x03\x04'];
    for (const magic of magics) {
      for (let i = 0; i < 60; i++) {
        const input = new Uint8Array(64 + (next() % 4000));
        for (let j = 0; j < input.length; j++) input[j] = next() & 0xff;
        input.set(Buffer.from(magic, 'latin1'));
        await attempt(input, new Uint8Array(0));
      }
    }
  }, 60_000);

  it('survives corrupted bytes and lengths anywhere in the corpus files', async () => {
    const next = prng(0xc0ffee);
    for (const name of cleanable) {
      const original = readCorpus(name);
      for (let i = 0; i < 25; i++) {
        const input = original.slice();
        const flips = 1 + (next() % 4);
        for (let f = 0; f < flips; f++) input[next() % input.length] = next() & 0xff;
        await attempt(input, original);
      }
    }
  }, 60_000);

  it('refuses a ZIP entry that declares a gigabyte (a zip bomb) before inflating anything', async () => {
    const doc = readCorpus('exiftool-OOXML.docx');
    const bomb = doc.slice();
    // Patch the uncompressed size of every central directory entry to 1 GiB.
    for (let i = 0; i + 4 < bomb.length; i++) {
      if (bomb[i] === 0x50 && bomb[i + 1] === 0x4b && bomb[i + 2] === 0x01 && bomb[i + 3] === 0x02) {
        new DataView(bomb.buffer).setUint32(i + 24, 0x40000000, true);
      }
    }
    const started = performance.now();
    const err = await cleanFile(bomb).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as StripError).code).toBe('malformed');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses a ZIP entry whose real content is larger than it declares', async () => {
    const files = {
      '[Content_Types].xml': strToU8('<Types/>'),
      '_rels/.rels': strToU8('<Relationships/>'),
      'word/document.xml': strToU8('x'.repeat(100_000)),
    };
    const bytes = zipSync(files);
    for (let i = 0; i + 4 < bytes.length; i++) {
      if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x01 && bytes[i + 3] === 0x02) {
        const view = new DataView(bytes.buffer);
        if (view.getUint32(i + 24, true) === 100_000) view.setUint32(i + 24, 10, true);
      }
    }
    const err = await cleanFile(bytes).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as StripError).code).toBe('malformed');
  });

  it('drops the archive comment of a document', async () => {
    const doc = readCorpus('exiftool-OOXML.docx');
    const comment = Buffer.from('written by Jeanne', 'latin1');
    const withComment = Buffer.concat([doc, comment]);
    withComment.writeUInt16LE(comment.length, doc.length - 2);
    const out = await cleanFile(new Uint8Array(withComment));
    expect(out.removed).toContain('comment');
    expect(Buffer.from(out.bytes).includes(comment)).toBe(false);
  });

  it('refuses a PNG chunk that claims two gigabytes', async () => {
    const png = readCorpus('exiftool-PNG.png').slice();
    new DataView(png.buffer).setUint32(33, 0x7ffffff0);
    const err = await cleanFile(png).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as StripError).code).toBe('malformed');
  });

  it('refuses a file over the size limit before reading it, with too_large', async () => {
    const err = await cleanFile(readCorpus('exif-samples-DSCN0010.jpg'), { maxBytes: 1000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as StripError).code).toBe('too_large');
    expect((err as StripError).messageFr).toMatch(/trop lourd/);
  });

  it('refuses empty input and text files as unsupported', async () => {
    for (const input of [new Uint8Array(0), strToU8('hello, this is a plain text note')]) {
      const err = await cleanFile(input).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((err as StripError).code).toBe('unsupported_type');
    }
  });
});
