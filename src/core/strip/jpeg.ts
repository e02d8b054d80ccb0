// JPEG metadata stripper (ITU-T T.81 marker syntax, JFIF 1.02, Exif 2.32 APP1, CIPA DC-007 MPF).
// Keeps DESIGN promise 3: the file is rebuilt from the segments that decoding needs, with the
// entropy-coded scan data copied byte for byte, and nothing else.
//
// Kept: SOI; frame and table segments (SOFn, DHT, DAC, DQT, DRI, DNL, DHP, EXP, JPEG-LS SOF55/LSE);
// every SOS header and its scan data (progressive files have many), RSTn included; EOI.
// Rebuilt: the JFIF APP0 (version, density) without its thumbnail; the Adobe APP14 (its colour
// transform flag decides whether decoders convert YCbCr/YCCK, so dropping it would change
// colours of CMYK/RGB files) cut to its fixed 12 bytes; a new minimal Exif APP1 holding only
// Orientation, when the photo was not upright (2..8), so it still displays the right way up.
// Dropped: Exif (GPS, camera, serials, dates, maker notes, thumbnail), XMP and Extended XMP,
// IPTC/Photoshop APP13, MPF APP2 and the extra images after the first EOI, APP11 (JUMBF/C2PA,
// which can name the signer), comments, every other APPn, reserved markers, and all bytes after
// EOI. ICC profiles (APP2) are dropped too: a profile holds free text (description, copyright,
// device maker/model, creation date) and a calibrated profile can be unique to one screen or
// camera; without it a browser shows the photo as sRGB, which at worst mutes wide-gamut colours
// a little and changes nothing of what the photo shows.
//
// A file we cannot walk to its end (no EOI, a length running past the end, stray bytes) is
// refused as malformed: we never pass a file through that we did not fully understand.
import { RemovedSet } from './types.ts';
import { PartList, asciiAt, u16be } from './bytes.ts';
import { malformed } from './errors.ts';
import { orientationOnlyTiff, summariseExif } from './exif.ts';
import { summariseXmp } from './xmp.ts';

export interface StripOutput {
  bytes: Uint8Array;
  removed: RemovedSet;
}

const KIND = 'JPEG';
const EXIF_ID = 'Exif\0';
const XMP_ID = 'http://ns.adobe.com/xap/1.0/\0';
const XMP_EXT_ID = 'http://ns.adobe.com/xmp/extension/\0';

/** Segments with a length field that carry decoding data (T.81 Table B.1, T.87 for F7/F8). */
function isDecodingSegment(code: number): boolean {
  return (code >= 0xc0 && code <= 0xcf) || (code >= 0xdb && code <= 0xdf) || code === 0xf7 || code === 0xf8;
}
function isFrameHeader(code: number): boolean {
  return (code >= 0xc0 && code <= 0xcf && code !== 0xc4 && code !== 0xc8 && code !== 0xcc) || code === 0xf7;
}

/** What the header walk decided to keep from APPn segments. */
interface AppState {
  jfif: Uint8Array | undefined;
  orientation: number | undefined;
  sawExif: boolean;
  sawAdobe: boolean;
}

export interface JpegOptions {
  /**
   * Accept image data that runs to the end of the input without an EOI marker, and close it.
   * Only for JPEG streams inside a PDF, where some producers omit EOI and the container, not the
   * JPEG, marks the end. A standalone file without EOI is still refused.
   */
  closeUnterminated?: boolean;
}

export function stripJpeg(input: Uint8Array, opts: JpegOptions = {}): StripOutput {
  if (input.length < 4 || input[0] !== 0xff || input[1] !== 0xd8) throw malformed(KIND, 'no start marker');
  const removed = new RemovedSet();
  const body = new PartList(); // everything after the APP0/APP1 we write ourselves
  const app: AppState = { jfif: undefined, orientation: undefined, sawExif: false, sawAdobe: false };
  const len = input.length;
  let pos = 2;
  let sawFrame = false;
  let sawScan = false;
  for (;;) {
    if (pos >= len) throw malformed(KIND, 'no end-of-image marker');
    if (input[pos] !== 0xff) throw malformed(KIND, 'unexpected bytes between segments');
    while (pos < len && input[pos] === 0xff) pos++; // fill bytes (T.81 B.1.1.2)
    if (pos >= len) throw malformed(KIND, 'no end-of-image marker');
    const code = input[pos]!;
    pos++;
    if (code === 0xd9) {
      if (!sawScan) throw malformed(KIND, 'no image data');
      body.push(input.subarray(pos - 2, pos));
      if (hasNonZero(input, pos)) removed.add('trailer');
      break;
    }
    if (code === 0x00 || code === 0x01 || code === 0xd8 || (code >= 0xd0 && code <= 0xd7)) {
      throw malformed(KIND, 'misplaced marker');
    }
    if (pos + 2 > len) throw malformed(KIND, 'segment cut off');
    const segLen = u16be(input, pos);
    if (segLen < 2 || pos + segLen > len) throw malformed(KIND, 'segment length runs past the end');
    const segment = input.subarray(pos - 2, pos + segLen); // from the marker's last 0xFF
    const payload = input.subarray(pos + 2, pos + segLen);
    pos += segLen;
    if (code >= 0xe0 && code <= 0xef) {
      const kept = handleApp(code, payload, app, removed);
      if (kept) body.push(kept);
    } else if (code === 0xfe) {
      if (hasNonBlank(payload)) removed.add('comment');
      else removed.add('other');
    } else if (code === 0xda) {
      if (!sawFrame) throw malformed(KIND, 'scan before frame header');
      body.push(segment);
      pos = copyScan(input, pos, body, opts.closeUnterminated === true);
      sawScan = true;
      if (pos === len) {
        body.push(Uint8Array.of(0xff, 0xd9)); // unterminated scan closed on request
        break;
      }
    } else if (isDecodingSegment(code)) {
      if (isFrameHeader(code)) sawFrame = true;
      body.push(segment);
    } else {
      removed.add('other'); // reserved JPGn/RES markers: no decoder needs them
    }
  }
  const out = new PartList();
  out.push(Uint8Array.of(0xff, 0xd8));
  if (app.jfif) out.push(app.jfif);
  if (app.orientation !== undefined && app.orientation !== 1) out.push(orientationApp1(app.orientation));
  out.pushList(body);
  return { bytes: out.concat(), removed };
}

/**
 * Copies entropy-coded data from `start` up to the next real marker (not a stuffed 0xFF00, not
 * RSTn) and returns the marker's offset. Fill 0xFF bytes before that marker are left out. With
 * closeUnterminated, data running to the end is copied and input.length returned.
 */
function copyScan(input: Uint8Array, start: number, out: PartList, closeUnterminated: boolean): number {
  let i = start;
  for (;;) {
    const ff = input.indexOf(0xff, i);
    let j = ff;
    while (j >= 0 && j < input.length && input[j] === 0xff) j++;
    if (ff < 0 || j >= input.length) {
      if (!closeUnterminated) throw malformed(KIND, 'image data cut off');
      out.push(input.subarray(start, ff < 0 ? input.length : ff));
      return input.length;
    }
    const next = input[j]!;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
      i = j + 1; // stuffed byte or restart marker: still scan data
      continue;
    }
    out.push(input.subarray(start, ff));
    return ff;
  }
}

function handleApp(code: number, p: Uint8Array, app: AppState, removed: RemovedSet): Uint8Array | undefined {
  switch (code) {
    case 0xe0:
      if (asciiAt(p, 0, 'JFIF\0') && p.length >= 14) {
        if ((p[12] ?? 0) !== 0 || (p[13] ?? 0) !== 0) removed.add('thumbnail');
        if (!app.jfif) {
          // Keep version, units and density; set the thumbnail size to 0x0.
          app.jfif = new Uint8Array(18);
          app.jfif.set([0xff, 0xe0, 0x00, 0x10]);
          app.jfif.set(p.subarray(0, 12), 4);
        }
        return undefined;
      }
      removed.add(asciiAt(p, 0, 'JFXX\0') ? 'thumbnail' : 'other');
      return undefined;
    case 0xe1:
      if (asciiAt(p, 0, EXIF_ID) && p.length >= 6) {
        const summary = summariseExif(p.subarray(6));
        if (!app.sawExif) app.orientation = summary.orientation;
        app.sawExif = true;
        for (const c of summary.found) removed.add(c);
        if (summary.found.size === 0) removed.add('other');
      } else if (asciiAt(p, 0, XMP_ID)) {
        for (const c of summariseXmp(p.subarray(XMP_ID.length))) removed.add(c);
      } else if (asciiAt(p, 0, XMP_EXT_ID)) {
        for (const c of summariseXmp(p.subarray(XMP_EXT_ID.length))) removed.add(c);
      } else {
        removed.add('other');
      }
      return undefined;
    case 0xe2:
      if (asciiAt(p, 0, 'ICC_PROFILE\0')) removed.add('color-profile');
      else if (asciiAt(p, 0, 'MPF\0')) removed.add('thumbnail');
      else removed.add('other');
      return undefined;
    case 0xed:
      removed.add(asciiAt(p, 0, 'Photoshop 3.0\0') ? 'iptc' : 'other');
      return undefined;
    case 0xee:
      if (asciiAt(p, 0, 'Adobe') && p.length >= 12 && !app.sawAdobe) {
        app.sawAdobe = true;
        const seg = new Uint8Array(16);
        seg.set([0xff, 0xee, 0x00, 0x0e]);
        seg.set(p.subarray(0, 12), 4);
        if (p.length > 12) removed.add('other');
        return seg;
      }
      removed.add('other');
      return undefined;
    default:
      removed.add('other');
      return undefined;
  }
}

/** APP1 "Exif\0\0" + a TIFF block holding only Orientation. */
function orientationApp1(orientation: number): Uint8Array {
  const tiff = orientationOnlyTiff(orientation);
  const segLen = 2 + 6 + tiff.length;
  const seg = new Uint8Array(2 + segLen);
  seg.set([0xff, 0xe1, segLen >> 8, segLen & 0xff, 0x45, 0x78, 0x69, 0x66, 0, 0]);
  seg.set(tiff, 10);
  return seg;
}

function hasNonZero(b: Uint8Array, from: number): boolean {
  for (let i = from; i < b.length; i++) if (b[i] !== 0) return true;
  return false;
}

function hasNonBlank(b: Uint8Array): boolean {
  for (const c of b) if (c !== 0 && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return true;
  return false;
}
