// Benchmark of the JPEG metadata stripper (DESIGN promise 3 must not make a resident wait):
// builds a ~10 MB photo (noisy pixels encoded by jpeg-js, so the scan data is large and full of
// stuffed 0xFF bytes, plus big Exif/XMP/ICC segments and a trailer), then times in the same run
// a plain copy of the bytes, a plain read of every byte, and cleanFile(). Prints MB/s for each
// and the ratios; nothing here passes or fails on time.
import jpeg from 'jpeg-js';
import { cleanFile } from '../src/core/strip/index.ts';

const ROUNDS = 7;

function segment(code: number, id: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set([0xff, code, (size - 2) >> 8, (size - 2) & 0xff]);
  out.set(new TextEncoder().encode(id), 4);
  return out;
}

function buildPhoto(): Uint8Array {
  const width = 2600;
  const height = 1800;
  const rgba = new Uint8Array(width * height * 4);
  crypto.getRandomValues(rgba.subarray(0, 65536));
  for (let i = 65536; i < rgba.length; i++) rgba[i] = (rgba[i - 65536]! * 31 + i) & 0xff;
  const encoded = jpeg.encode({ data: rgba, width, height }, 95).data;
  const meta = [
    segment(0xe1, 'Exif\0\0MM\0*\0\0\0\x08\0\0', 60_000),
    segment(0xe1, 'http://ns.adobe.com/xap/1.0/\0', 65_000),
    segment(0xe2, 'ICC_PROFILE\0\x01\x01', 65_000),
    segment(0xed, 'Photoshop 3.0\0', 30_000),
  ];
  const trailer = new Uint8Array(200_000).fill(0x42);
  const parts = [encoded.subarray(0, 2), ...meta, encoded.subarray(2), trailer];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function time(label: string, bytes: number, run: () => unknown): Promise<number> {
  await run(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)]!;
  const mbps = bytes / 1e6 / (median / 1000);
  console.log(`${label.padEnd(28)} median ${median.toFixed(2).padStart(8)} ms  ${mbps.toFixed(0).padStart(7)} MB/s`);
  return mbps;
}

export default async function (): Promise<void> {
  const photo = buildPhoto();
  console.log(`photo: ${(photo.length / 1e6).toFixed(1)} MB, ${ROUNDS} rounds each`);
  let sink = 0;
  const copy = await time('copy (Uint8Array.slice)', photo.length, () => photo.slice());
  const read = await time('read every byte', photo.length, () => {
    let s = 0;
    for (let i = 0; i < photo.length; i++) s = (s + photo[i]!) | 0;
    sink = (sink + s) | 0;
  });
  const clean = await time('cleanFile (JPEG)', photo.length, () => cleanFile(photo));
  const out = await cleanFile(photo);
  console.log(`removed: ${out.removed.join(', ')}; ${(out.bytes.length / 1e6).toFixed(1)} MB out`);
  console.log(`cleanFile speed = ${(clean / copy).toFixed(2)} × copy, ${(clean / read).toFixed(2)} × read (higher is better)`);
  console.log(`(read checksum ${sink}, printed so the read loop is not optimised away)`);
}
