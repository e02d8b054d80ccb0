// PNG metadata stripper (PNG Specification, Third Edition, W3C: §5 datastream and chunk layout,
// §11 chunk specifications; APNG acTL/fcTL/fdAT). Keeps DESIGN promise 3: the file is rebuilt
// from the chunks that decide what the image looks like, each copied whole with its CRC.
//
// Kept: IHDR, PLTE, IDAT, IEND (critical); tRNS (transparency), gAMA, cHRM, sRGB, cICP, mDCV/mDCv,
// cLLI/cLLi (colour and HDR rendering), sBIT (significant bits, used when rescaling samples);
// acTL, fcTL, fdAT (APNG animation: without them an animated image would lose its frames).
// Rebuilt: a minimal eXIf holding only Orientation, when it was not 1 (browsers honour eXIf
// orientation like a JPEG's).
// Dropped: tEXt, zTXt, iTXt (free text: author, comments, software, XMP), eXIf, tIME (last
// modification time), iCCP (its profile name is free text and the profile itself carries
// description, copyright and device strings; without it the image shows as sRGB), pHYs (pixel
// density: ignored by browsers on screen, but it hints at the scanner or screen that made the
// image), bKGD, hIST, sPLT (viewer hints, sPLT with a free-text name), dSIG, and every private
// or unknown ancillary chunk; everything after IEND.
// Every chunk's CRC is checked, dropped ones included: a damaged file is refused as malformed.
import { RemovedSet } from './types.ts';
import { PartList, asciiAt, latin1, u32be } from './bytes.ts';
import { crc32 } from './crc32.ts';
import { malformed } from './errors.ts';
import { orientationOnlyTiff, summariseExif } from './exif.ts';
import { summariseXmp } from './xmp.ts';
import type { StripOutput } from './jpeg.ts';

const KIND = 'PNG';
const SIGNATURE_LENGTH = 8;
const MAX_CHUNK = 0x7fffffff; // PNG §5.3: lengths are at most 2^31-1

const KEEP = new Set([
  'IHDR',
  'PLTE',
  'IDAT',
  'IEND',
  'tRNS',
  'gAMA',
  'cHRM',
  'sRGB',
  'cICP',
  'mDCV',
  'mDCv',
  'cLLI',
  'cLLi',
  'sBIT',
  'acTL',
  'fcTL',
  'fdAT',
]);

export function stripPng(input: Uint8Array): StripOutput {
  if (!asciiAt(input, 0, '\x89PNG\r\n\x1a\n')) throw malformed(KIND, 'bad signature');
  const removed = new RemovedSet();
  const out = new PartList();
  out.push(input.subarray(0, SIGNATURE_LENGTH));
  let pos = SIGNATURE_LENGTH;
  let orientation: number | undefined;
  let first = true;
  let sawIdat = false;
  for (;;) {
    if (pos + 12 > input.length) throw malformed(KIND, 'cut off before the end chunk');
    const length = u32be(input, pos);
    if (length > MAX_CHUNK || pos + 12 + length > input.length) throw malformed(KIND, 'chunk runs past the end');
    const type = latin1(input, pos + 4, pos + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) throw malformed(KIND, 'bad chunk type');
    const dataStart = pos + 8;
    const end = dataStart + length + 4;
    if (crc32(input, pos + 4, dataStart + length) !== u32be(input, dataStart + length)) {
      throw malformed(KIND, `bad checksum in ${type}`);
    }
    const data = input.subarray(dataStart, dataStart + length);
    if (first && type !== 'IHDR') throw malformed(KIND, 'IHDR is not first');
    first = false;
    if (KEEP.has(type)) {
      if (type === 'IDAT' && !sawIdat) {
        sawIdat = true;
        if (orientation !== undefined && orientation !== 1) out.push(exifChunk(orientation));
      }
      out.push(input.subarray(pos, end));
    } else if (isCritical(type)) {
      throw malformed(KIND, `unknown critical chunk ${type}`);
    } else {
      noteDropped(type, data, removed, (o) => {
        if (!sawIdat && orientation === undefined) orientation = o;
      });
    }
    pos = end;
    if (type === 'IEND') break;
  }
  if (!sawIdat) throw malformed(KIND, 'no image data');
  for (let i = pos; i < input.length; i++) {
    if (input[i] !== 0) {
      removed.add('trailer');
      break;
    }
  }
  return { bytes: out.concat(), removed };
}

function isCritical(type: string): boolean {
  return (type.charCodeAt(0) & 0x20) === 0;
}

function noteDropped(type: string, data: Uint8Array, removed: RemovedSet, setOrientation: (o: number) => void): void {
  switch (type) {
    case 'tEXt':
    case 'zTXt':
    case 'iTXt':
      removed.add(...textChunkCodes(data, type));
      return;
    case 'eXIf': {
      const s = summariseExif(data);
      if (s.orientation !== undefined) setOrientation(s.orientation);
      for (const c of s.found) removed.add(c);
      if (s.found.size === 0 && s.orientation === undefined) removed.add('other');
      return;
    }
    case 'tIME':
      removed.add('datetime');
      return;
    case 'iCCP':
      removed.add('color-profile');
      return;
    default:
      removed.add('other');
  }
}

/** Keywords of PNG §11.3.3 text chunks, mapped to what they reveal. */
function textChunkCodes(data: Uint8Array, type: string): Array<import('./types.ts').RemovedCode> {
  const nul = data.indexOf(0);
  const keyword = latin1(data, 0, nul < 0 ? Math.min(data.length, 79) : nul);
  if (keyword === 'XML:com.adobe.xmp') return type === 'iTXt' ? [...summariseXmp(data.subarray(nul + 1))] : ['xmp'];
  switch (keyword) {
    case 'Author':
    case 'Copyright':
      return ['author'];
    case 'Creation Time':
    case 'date:create':
    case 'date:modify':
    case 'date:timestamp':
      return ['datetime'];
    case 'Software':
      return ['software'];
    case 'Comment':
      return ['comment'];
    case 'Title':
    case 'Description':
    case 'Disclaimer':
    case 'Warning':
      return ['text'];
    case 'Source':
      return ['camera'];
    case 'Raw profile type exif':
    case 'Raw profile type APP1':
      return ['other'];
    case 'Raw profile type iptc':
      return ['iptc'];
    case 'Raw profile type xmp':
      return ['xmp'];
    default:
      return ['text'];
  }
}

/** eXIf chunk (PNG §11.3.6.1) holding only Orientation. */
function exifChunk(orientation: number): Uint8Array {
  const tiff = orientationOnlyTiff(orientation);
  const chunk = new Uint8Array(12 + tiff.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, tiff.length);
  chunk.set([0x65, 0x58, 0x49, 0x66], 4); // "eXIf"
  chunk.set(tiff, 8);
  view.setUint32(8 + tiff.length, crc32(chunk, 4, 8 + tiff.length));
  return chunk;
}
