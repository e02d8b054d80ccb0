// Benchmark of the JPEG metadata stripper (DESIGN promise 3 must not make a resident wait):
// builds a ~10 MB photo (noisy pixels encoded by jpeg-js, so the scan data is large and full of
// stuffed 0xFF bytes, plus big Exif/XMP/ICC segments and a trailer), then times, interleaved
// round by round on that same photo, a plain copy of its bytes, a plain read of every byte (the
// floors) and cleanFile(). Prints each one's median MB/s and the ratios; bounded in time (rounds
// stop at the deadline); nothing here passes or fails on time.
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

const SECONDS = 120;

export default async function (): Promise<void> {
  const photo = buildPhoto();
  let sink = 0;
  const runs: [string, () => unknown][] = [
    ['copy (Uint8Array.slice)', () => photo.slice()],
    [
      'read every byte',
      () => {
        let s = 0;
        for (let i = 0; i < photo.length; i++) s = (s + photo[i]!) | 0;
        sink = (sink + s) | 0;
      },
    ],
    ['cleanFile (JPEG)', () => cleanFile(photo)],
  ];
  const samples = new Map<string, number[]>(runs.map(([name]) => [name, []]));
  for (const [, run] of runs) await run(); // warm-up
  const t0 = performance.now();
  let rounds = 0;
  for (; rounds < ROUNDS && performance.now() - t0 < SECONDS * 1000; rounds++) {
    // The order turns each round, so that no measure always follows the same one.
    for (let k = 0; k < runs.length; k++) {
      const [name, run] = runs[(k + rounds) % runs.length] as [string, () => unknown];
      const start = performance.now();
      await run();
      samples.get(name)!.push(performance.now() - start);
    }
  }
  console.log(`photo: ${(photo.length / 1e6).toFixed(1)} MB, ${rounds} interleaved rounds`);
  const mbps = new Map<string, number>();
  for (const [name, times] of samples) {
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    mbps.set(name, photo.length / 1e6 / (median / 1000));
    console.log(`${name.padEnd(28)} median ${median.toFixed(2).padStart(8)} ms  ${mbps.get(name)!.toFixed(0).padStart(7)} MB/s`);
  }
  const out = await cleanFile(photo);
  console.log(`removed: ${out.removed.join(', ')}; ${(out.bytes.length / 1e6).toFixed(1)} MB out`);
  const clean = mbps.get('cleanFile (JPEG)')!;
  console.log(
    `cleanFile speed = ${(clean / mbps.get('copy (Uint8Array.slice)')!).toFixed(2)} × copy, ${(clean / mbps.get('read every byte')!).toFixed(2)} × read (higher is better)`,
  );
  console.log(`(read checksum ${sink}, printed so the read loop is not optimised away)`);
}
