// Public entry of the metadata strippers (DESIGN promise 3): cleanFile() tells a file's type by
// its bytes, hands it to the stripper for that container, and returns the rebuilt file with the
// list of what was removed; anything it cannot clean is refused with a StripError that says in
// plain words why and what the resident can do instead. Pure TypeScript on Web-standard APIs, so
// the same code runs in the browser, in tests and on the server.
import type { CleanOptions, CleanResult } from './types.ts';
import { StripError } from './errors.ts';
import { MIME, detectType } from './detect.ts';
import { stripJpeg } from './jpeg.ts';
import { stripPng } from './png.ts';
import { stripWebp } from './webp.ts';
import { stripPdf } from './pdf.ts';
import { stripOffice } from './office.ts';
import { refusalFor } from './refusals.ts';

export type { RemovedCode, CleanResult, CleanOptions } from './types.ts';
export { StripError } from './errors.ts';
export type { StripErrorCode } from './errors.ts';
export { detectType } from './detect.ts';
export { removedLabel } from './labels.ts';

export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;

/** The refusal of a file over `maxBytes` (also for a server that stops reading it at the limit). */
export function tooLargeError(maxBytes: number): StripError {
  const mb = Math.floor(maxBytes / (1024 * 1024));
  return new StripError(
    'too_large',
    `This file is too large (the limit is ${mb} MB). Send a smaller version, for example a screenshot or a shorter extract.`,
    `Ce fichier est trop lourd (la limite est de ${mb} Mo). Envoyez une version plus petite, par exemple une capture d'écran ou un extrait.`,
    'too_large',
    { mb },
  );
}

export async function cleanFile(bytes: Uint8Array, opts: CleanOptions = {}): Promise<CleanResult> {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('cleanFile expects a Uint8Array');
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length > maxBytes) throw tooLargeError(maxBytes);
  const mime = detectType(bytes);
  switch (mime) {
    case MIME.jpeg: {
      const out = stripJpeg(bytes);
      return { bytes: out.bytes, mime, ext: 'jpg', removed: out.removed.toArray() };
    }
    case MIME.png: {
      const out = stripPng(bytes);
      return { bytes: out.bytes, mime, ext: 'png', removed: out.removed.toArray() };
    }
    case MIME.webp: {
      const out = stripWebp(bytes);
      return { bytes: out.bytes, mime, ext: 'webp', removed: out.removed.toArray() };
    }
    case MIME.pdf: {
      const out = await stripPdf(bytes);
      return { bytes: out.bytes, mime, ext: 'pdf', removed: out.removed.toArray() };
    }
    case MIME.docx:
    case MIME.xlsx:
    case MIME.pptx: {
      const out = await stripOffice(bytes, cleanFile);
      return { bytes: out.bytes, mime, ext: out.ext, removed: out.removed.toArray() };
    }
    default:
      throw refusalFor(mime);
  }
}
