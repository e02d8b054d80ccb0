// The crypto worker's side of attachments (DESIGN promise 3): every file the resident picks is
// cleaned here with cleanFile() before anything else happens to it; a picture format the
// strippers cannot clean (HEIC, AVIF, TIFF, GIF, BMP…) is decoded by the browser, drawn upright on
// a canvas and saved as a plain JPEG, which the JPEG stripper then cleans as well. Cleaned bytes
// stay in this worker's memory, by number, until the report is sealed or the file is removed; the
// page only ever holds the number, the type and the list of what was removed. The strippers (with
// pdf-lib and fflate) are loaded on the first file, so a text-only report never fetches them, and
// run only once their bytes matched the hash this worker carries (checked-load.ts).

import type { AttachmentInput } from '../../src/client/submit.ts';
import { CONTENT_TYPES, type ContentType } from '../../src/core/envelope.ts';
import type { RemovedCode } from '../../src/core/strip/index.ts';
import type { StripReason } from '../../src/core/strip/errors.ts';
import { importChecked } from './checked-load.ts';

export type CleanAnswer =
  | { ok: true; id: number; mime: string; ext: string; size: number; removed: RemovedCode[]; converted: boolean }
  /**
   * cannot_decode: a picture this browser cannot read; needs_canvas: no OffscreenCanvas here.
   * `reason` and `params` say why in the page's words (web/i18n `strip.<reason>`).
   */
  | {
      ok: false;
      code: 'unsupported_type' | 'malformed' | 'too_large' | 'cannot_decode' | 'needs_canvas';
      reason: StripReason;
      params: Record<string, string | number>;
      mime: string | null;
    };

/** Largest picture drawn when converting, in pixels (iOS Safari refuses bigger canvases). */
const MAX_PIXELS = 16_000_000;
const JPEG_QUALITY = 0.92;

const cleaned = new Map<number, AttachmentInput>();
let nextId = 1;

type Strippers = typeof import('../../src/core/strip/index.ts');
let loading: Promise<Strippers> | null = null;
/** The strippers' bundle (/assets/strip.js), fetched and checked once. */
const strippers = (): Promise<Strippers> => {
  loading ??= importChecked<Strippers>('strip.js').catch((e: unknown) => {
    loading = null;
    throw e;
  });
  return loading;
};

/** Draws a decodable picture upright on an OffscreenCanvas, on white, and saves it as JPEG. */
async function reencode(blob: Blob): Promise<Uint8Array | 'cannot_decode' | 'needs_canvas'> {
  if (typeof OffscreenCanvas === 'undefined' || typeof createImageBitmap === 'undefined') return 'needs_canvas';
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    return 'cannot_decode';
  }
  try {
    const scale = Math.min(1, Math.sqrt(MAX_PIXELS / (bitmap.width * bitmap.height)));
    const width = Math.max(1, Math.floor(bitmap.width * scale));
    const height = Math.max(1, Math.floor(bitmap.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) return 'needs_canvas';
    ctx.fillStyle = '#fff'; // JPEG has no transparency: transparent pixels become white, not black
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(bitmap, 0, 0, width, height);
    const jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
    return new Uint8Array(await jpeg.arrayBuffer());
  } catch {
    return 'cannot_decode';
  } finally {
    bitmap.close();
  }
}

function keep(result: { bytes: Uint8Array; mime: string; ext: string; removed: RemovedCode[] }, converted: boolean): CleanAnswer {
  const id = nextId++;
  const contentType = (CONTENT_TYPES as readonly string[]).includes(result.mime)
    ? (result.mime as ContentType)
    : 'application/octet-stream';
  cleaned.set(id, { contentType, bytes: result.bytes });
  return { ok: true, id, mime: result.mime, ext: result.ext, size: result.bytes.length, removed: result.removed, converted };
}

/**
 * Cleans one file. `converted` marks a JPEG the page itself made from a picture (when this worker
 * has no OffscreenCanvas): it is cleaned like any JPEG and reported as a conversion.
 */
export async function cleanAttachment({
  file,
  maxBytes,
  converted = false,
}: {
  file: Blob;
  maxBytes: number;
  converted?: boolean;
}): Promise<CleanAnswer> {
  const { cleanFile, detectType, StripError } = await strippers();
  const original = new Uint8Array(await file.arrayBuffer());
  try {
    return keep(await cleanFile(original, { maxBytes }), converted);
  } catch (e) {
    if (!(e instanceof StripError)) throw e;
    if (e.code !== 'needs_reencode' || converted) {
      return { ok: false, code: e.code === 'needs_reencode' ? 'cannot_decode' : e.code, reason: e.reason, params: e.params, mime: null };
    }
    const mime = detectType(original);
    const jpeg = await reencode(file);
    if (typeof jpeg === 'string') return { ok: false, code: jpeg, reason: e.reason, params: e.params, mime };
    try {
      return keep(await cleanFile(jpeg, { maxBytes }), true);
    } catch (again) {
      if (!(again instanceof StripError)) throw again;
      return { ok: false, code: 'cannot_decode', reason: again.reason, params: again.params, mime };
    }
  } finally {
    original.fill(0); // the worker's copy of the uncleaned file is not kept, not even in garbage
  }
}

/** Fetches the strippers' code while the resident is still choosing a file. */
export async function prepareAttachments(): Promise<void> {
  await strippers();
}

/** The cleaned files, in the order given, for sealing; an unknown number is an error. */
export function cleanedAttachments(ids: number[]): AttachmentInput[] {
  return ids.map((id) => {
    const file = cleaned.get(id);
    if (!file) throw new Error('attachment not found');
    return file;
  });
}

export function dropAttachments(ids?: number[]): void {
  if (!ids) {
    cleaned.clear();
    return;
  }
  for (const id of ids) cleaned.delete(id);
}
