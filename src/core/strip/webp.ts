// WebP metadata stripper (RIFF container as in the WebP Container Specification, Google, and
// RFC 9649 §2). Keeps DESIGN promise 3: the RIFF file is rebuilt from the chunks that hold the
// image, with the VP8X flags and the RIFF size fixed to match.
//
// Kept: VP8 / VP8L (the bitstream), VP8X (canvas size, with the ICC, EXIF and XMP flags and the
// reserved bits cleared), ALPH (alpha), ANIM and ANMF (animation; inside each frame only the
// ALPH/VP8/VP8L sub-chunks are kept).
// Dropped: EXIF and XMP chunks (whatever the VP8X flags say), ICCP (free-text profile; the image
// then shows as sRGB), every unknown chunk, and every byte after the RIFF payload.
// Orientation: browsers ignore Exif orientation in WebP, so there is nothing to keep.
import { RemovedSet } from './types.ts';
import { PartList, asciiAt, latin1, u32le } from './bytes.ts';
import { malformed } from './errors.ts';
import { summariseExif } from './exif.ts';
import { summariseXmp } from './xmp.ts';
import type { StripOutput } from './jpeg.ts';

const KIND = 'WebP';
const VP8X_KEEP_FLAGS = 0x10 | 0x02; // Alpha, Animation
const FRAME_HEADER = 16; // ANMF: X, Y, width-1, height-1 (3 bytes each), duration (3), flags (1)

interface Chunk {
  fourcc: string;
  /** Whole chunk: header, payload and pad byte. */
  raw: Uint8Array;
  payload: Uint8Array;
}

export function stripWebp(input: Uint8Array): StripOutput {
  if (!asciiAt(input, 0, 'RIFF') || !asciiAt(input, 8, 'WEBP')) throw malformed(KIND, 'bad header');
  const riffSize = u32le(input, 4);
  if (riffSize < 4 || 8 + riffSize > input.length) throw malformed(KIND, 'file cut off');
  const removed = new RemovedSet();
  const end = 8 + riffSize;
  for (let i = end; i < input.length; i++) {
    if (input[i] !== 0) {
      removed.add('trailer');
      break;
    }
  }
  const chunks = readChunks(input, 12, end);
  const firstChunk = chunks[0];
  if (!firstChunk) throw malformed(KIND, 'no image data');
  const extended = firstChunk.fourcc === 'VP8X';
  if (!extended && firstChunk.fourcc !== 'VP8 ' && firstChunk.fourcc !== 'VP8L') {
    throw malformed(KIND, 'no image data');
  }
  const body = new PartList();
  let images = 0;
  for (const chunk of chunks) {
    switch (chunk.fourcc) {
      case 'VP8X':
        if (chunk !== firstChunk || chunk.payload.length < 10) throw malformed(KIND, 'misplaced VP8X');
        body.push(cleanVp8x(chunk));
        break;
      case 'VP8 ':
      case 'VP8L':
        images++;
        body.push(chunk.raw);
        break;
      case 'ALPH':
      case 'ANIM':
        if (!extended) {
          removed.add('other');
          break;
        }
        body.push(chunk.raw);
        break;
      case 'ANMF':
        if (!extended) {
          removed.add('other');
          break;
        }
        images++;
        body.push(cleanFrame(chunk, removed));
        break;
      case 'EXIF': {
        const exif = asciiAt(chunk.payload, 0, 'Exif\0\0') ? chunk.payload.subarray(6) : chunk.payload;
        const s = summariseExif(exif);
        for (const c of s.found) removed.add(c);
        if (s.found.size === 0) removed.add('other');
        break;
      }
      case 'XMP ':
        for (const c of summariseXmp(chunk.payload)) removed.add(c);
        break;
      case 'ICCP':
        removed.add('color-profile');
        break;
      default:
        removed.add('other');
    }
  }
  if (images === 0) throw malformed(KIND, 'no image data');
  const out = new PartList();
  const header = new Uint8Array(12);
  header.set(input.subarray(0, 12));
  new DataView(header.buffer).setUint32(4, 4 + body.length, true);
  out.push(header);
  out.pushList(body);
  return { bytes: out.concat(), removed };
}

function readChunks(input: Uint8Array, from: number, end: number): Chunk[] {
  const chunks: Chunk[] = [];
  let pos = from;
  while (pos < end) {
    if (pos + 8 > end) throw malformed(KIND, 'chunk header cut off');
    const size = u32le(input, pos + 4);
    const padded = size + (size & 1);
    if (pos + 8 + size > end) throw malformed(KIND, 'chunk runs past the end');
    // A missing pad byte on the very last chunk is common and harmless: we write it back.
    const rawEnd = Math.min(pos + 8 + padded, end);
    let raw = input.subarray(pos, rawEnd);
    if (rawEnd - pos !== 8 + padded) {
      raw = new Uint8Array(8 + padded);
      raw.set(input.subarray(pos, rawEnd));
    }
    chunks.push({ fourcc: latin1(input, pos, pos + 4), raw, payload: input.subarray(pos + 8, pos + 8 + size) });
    pos += 8 + padded;
  }
  return chunks;
}

function cleanVp8x(chunk: Chunk): Uint8Array {
  const copy = chunk.raw.slice();
  copy[8] = (copy[8] ?? 0) & VP8X_KEEP_FLAGS;
  copy[9] = 0; // reserved 24 bits must be zero
  copy[10] = 0;
  copy[11] = 0;
  return copy;
}

/** An ANMF frame keeps its 16-byte header and only its image sub-chunks. */
function cleanFrame(chunk: Chunk, removed: RemovedSet): Uint8Array {
  if (chunk.payload.length < FRAME_HEADER) throw malformed(KIND, 'animation frame cut off');
  const subs = readChunks(chunk.payload, FRAME_HEADER, chunk.payload.length);
  const parts = new PartList();
  parts.push(chunk.payload.subarray(0, FRAME_HEADER));
  let image = false;
  for (const sub of subs) {
    if (sub.fourcc === 'ALPH' || sub.fourcc === 'VP8 ' || sub.fourcc === 'VP8L') {
      image ||= sub.fourcc !== 'ALPH';
      parts.push(sub.raw);
    } else {
      removed.add('other');
    }
  }
  if (!image) throw malformed(KIND, 'animation frame without image');
  const size = parts.length;
  const out = new Uint8Array(8 + size + (size & 1));
  out.set(chunk.raw.subarray(0, 4));
  new DataView(out.buffer).setUint32(4, size, true);
  out.set(parts.concat(), 8);
  return out;
}
