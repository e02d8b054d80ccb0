// PDF metadata stripper (ISO 32000-1 / PDF 1.7: §14.3 metadata, §14.5 page-piece dictionaries,
// §7.5.6 incremental updates, §12.5 annotations, §7.11.4 embedded files, §12.8 signatures), built
// on pdf-lib. Keeps DESIGN promise 3: the document is loaded, scrubbed and written out whole, so
// that only the objects the pages still reach are kept; older revisions, the Info dictionary and
// every orphan object disappear with the rewrite.
//
// Removed: the trailer's Info dictionary (author, creator, producer, dates, title) and /ID; every
// /Metadata XMP stream (catalog, pages, images, fonts); /PieceInfo (application private data,
// e.g. Photoshop's IPTC) and /LastModified everywhere; the author (/T) and dates (/M,
// /CreationDate) of comments and other non-form annotations; page thumbnails (/Thumb, which can
// show an earlier state of the page); embedded files (/EF of file
// specifications) and /AF associated files; signature values (/V of signature fields, /Perms),
// which name the signer and could not stay valid after a rewrite anyway; and, in JPEG images
// (DCTDecode streams), the same metadata the JPEG stripper removes from a photo.
// Not written by us: pdf-lib's own Producer/Creator/dates stamp (load with updateMetadata: false
// adds none; save() writes only Root and Size in the trailer once Info and ID are gone). Objects
// are written plainly (no object streams): the widest-read form, and one a reviewer can grep.
// Encrypted PDFs are refused: their objects cannot be read, so they cannot be checked.
import { EncryptedPDFError, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef, PDFStream } from 'pdf-lib';
import type { PDFObject } from 'pdf-lib';
import { RemovedSet } from './types.ts';
import type { RemovedCode } from './types.ts';
import { StripError, malformed } from './errors.ts';
import { summariseXmp } from './xmp.ts';
import { stripJpeg } from './jpeg.ts';
import type { StripOutput } from './jpeg.ts';
import { countRevisions } from './pdf-scan.ts';

const KIND = 'PDF';
const N = (s: string): PDFName => PDFName.of(s);

const INFO_CODES: ReadonlyMap<string, RemovedCode> = new Map<string, RemovedCode>([
  ['Author', 'author'],
  ['Creator', 'software'],
  ['Producer', 'software'],
  ['CreationDate', 'datetime'],
  ['ModDate', 'datetime'],
  ['Title', 'text'],
  ['Subject', 'text'],
  ['Keywords', 'text'],
]);

export async function stripPdf(input: Uint8Array): Promise<StripOutput> {
  const removed = new RemovedSet();
  if (countRevisions(input) > 1) removed.add('revisions');
  const doc = await loadPdf(input);
  const ctx = doc.context;
  const info = ctx.lookup(ctx.trailerInfo.Info);
  if (info instanceof PDFDict) {
    for (const [key, value] of info.entries()) {
      if (!isEmptyValue(value)) removed.add(INFO_CODES.get(key.decodeText()) ?? 'other');
    }
  }
  ctx.trailerInfo.Info = undefined;
  if (ctx.trailerInfo.ID) removed.add('document-id');
  ctx.trailerInfo.ID = undefined;

  for (const [ref, object] of ctx.enumerateIndirectObjects()) {
    scrubObject(object, ctx.lookup.bind(ctx), removed, 0);
    if (object instanceof PDFRawStream && isPlainJpeg(object)) {
      const cleaned = cleanEmbeddedJpeg(object, removed);
      ctx.assign(ref, PDFRawStream.of(object.dict, cleaned));
    }
  }
  const catalog = ctx.lookup(ctx.trailerInfo.Root);
  if (!(catalog instanceof PDFDict)) throw malformed(KIND, 'no document catalog');
  const names = catalog.lookup(N('Names'));
  if (names instanceof PDFDict && names.has(N('EmbeddedFiles'))) {
    names.delete(N('EmbeddedFiles'));
    removed.add('attachment');
  }
  if (catalog.has(N('Perms'))) {
    catalog.delete(N('Perms'));
    removed.add('other');
  }
  collectGarbage(doc);
  if (doc.getPageCount() < 1) throw malformed(KIND, 'no pages');
  const bytes = await doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
  return { bytes, removed };
}

async function loadPdf(input: Uint8Array): Promise<PDFDocument> {
  try {
    return await PDFDocument.load(input, { updateMetadata: false, ignoreEncryption: false });
  } catch (e) {
    // pdf-lib's errors are compiled to ES5, where `instanceof` on Error subclasses fails: match
    // the class or its message.
    if (e instanceof EncryptedPDFError || (e instanceof Error && /is encrypted/.test(e.message))) {
      throw new StripError(
        'unsupported_type',
        'This PDF is encrypted or password-protected, so we cannot check it for hidden information. ' +
          'Open it, print it to a new PDF (or take screenshots), and attach that instead.',
        'Ce PDF est chiffré ou protégé par un mot de passe : nous ne pouvons pas vérifier les ' +
          "informations cachées qu'il contient. Ouvrez-le, imprimez-le dans un nouveau PDF (ou faites " +
          "des captures d'écran) et joignez ce nouveau fichier.",
        'pdf_encrypted',
      );
    }
    throw malformed(KIND, 'unreadable structure');
  }
}

type Lookup = (ref: PDFRef) => PDFObject | undefined;

/** Deletes metadata keys from a dictionary (or stream dictionary) and its direct children. */
function scrubObject(object: PDFObject | undefined, lookup: Lookup, removed: RemovedSet, depth: number): void {
  if (depth > 32 || object === undefined) return;
  if (object instanceof PDFArray) {
    for (const item of object.asArray()) scrubObject(item, lookup, removed, depth + 1);
    return;
  }
  const dict = object instanceof PDFStream ? object.dict : object instanceof PDFDict ? object : undefined;
  if (!dict) return;
  const metadata = dict.get(N('Metadata'));
  if (metadata !== undefined) {
    const stream = metadata instanceof PDFRef ? lookup(metadata) : metadata;
    if (stream instanceof PDFRawStream) for (const c of summariseXmp(stream.contents)) removed.add(c);
    else removed.add('xmp');
    dict.delete(N('Metadata'));
  }
  dropKey(dict, 'PieceInfo', 'other', removed);
  dropKey(dict, 'LastModified', 'datetime', removed);
  dropKey(dict, 'AF', 'attachment', removed);
  dropKey(dict, 'Thumb', 'thumbnail', removed); // page thumbnails can show an older page
  const type = dict.get(N('Type'));
  const subtype = dict.get(N('Subtype'));
  const isAnnotation = type === N('Annot') || (subtype instanceof PDFName && dict.has(N('Rect')));
  if (isAnnotation) {
    if (subtype !== N('Widget')) dropKey(dict, 'T', 'author', removed); // for widgets /T is the field name
    dropKey(dict, 'M', 'datetime', removed);
    dropKey(dict, 'CreationDate', 'datetime', removed);
  }
  if (type === N('Filespec') || dict.has(N('EF'))) dropKey(dict, 'EF', 'attachment', removed);
  if (dict.get(N('FT')) === N('Sig')) dropKey(dict, 'V', 'author', removed);
  if (type === N('Sig')) {
    for (const key of ['Name', 'M', 'Location', 'Reason', 'ContactInfo', 'Prop_Build', 'Contents', 'Cert']) {
      dropKey(dict, key, key === 'M' ? 'datetime' : 'author', removed);
    }
  }
  for (const [, value] of dict.entries()) {
    if (value instanceof PDFDict || value instanceof PDFArray) scrubObject(value, lookup, removed, depth + 1);
  }
}

function dropKey(dict: PDFDict, key: string, code: RemovedCode, removed: RemovedSet): void {
  if (!dict.has(N(key))) return;
  dict.delete(N(key));
  removed.add(code);
}

function isEmptyValue(value: PDFObject): boolean {
  const text = value.toString();
  return text === '()' || text === '<>' || text === '<FEFF>' || text === '<feff>';
}

/** A JPEG image stream with no other filter: its bytes are a JPEG file we can strip. */
function isPlainJpeg(stream: PDFRawStream): boolean {
  const filter = stream.dict.get(N('Filter'));
  if (filter === N('DCTDecode')) return true;
  return filter instanceof PDFArray && filter.size() === 1 && filter.get(0) === N('DCTDecode');
}

function cleanEmbeddedJpeg(stream: PDFRawStream, removed: RemovedSet): Uint8Array {
  try {
    const out = stripJpeg(stream.contents, { closeUnterminated: true });
    for (const c of out.removed.toArray()) removed.add(c);
    return out.bytes;
  } catch {
    throw malformed(KIND, 'damaged embedded image');
  }
}

/** Drops every indirect object the catalog does not reach (old revisions, old Info, orphans). */
function collectGarbage(doc: PDFDocument): void {
  const ctx = doc.context;
  const reached = new Set<string>();
  const stack: PDFObject[] = [];
  const root = ctx.trailerInfo.Root;
  if (root) stack.push(root);
  while (stack.length > 0) {
    const object = stack.pop()!;
    if (object instanceof PDFRef) {
      const key = object.toString();
      if (reached.has(key)) continue;
      reached.add(key);
      const target = ctx.lookup(object);
      if (target) stack.push(target);
    } else if (object instanceof PDFDict) {
      for (const [, v] of object.entries()) stack.push(v);
    } else if (object instanceof PDFArray) {
      for (const v of object.asArray()) stack.push(v);
    } else if (object instanceof PDFStream) {
      stack.push(object.dict);
    }
  }
  for (const [ref] of ctx.enumerateIndirectObjects()) {
    if (!reached.has(ref.toString())) ctx.delete(ref);
  }
}
