// PDF stripper: Info, XMP, IDs, old revisions, annotation authors, attachments and photo
// metadata inside the PDF are gone, the pages are not, and pdf-lib leaves no stamp of its own
// (DESIGN promise 3).
import { describe, expect, it } from 'vitest';
import { PDFDict, PDFDocument, PDFName, PDFString, PDFHexString } from 'pdf-lib';
import { cleanFile, StripError } from '../../src/core/strip/index.ts';
import { exiftool, exiftoolWrite, leaks, readCorpus } from './helpers.ts';

const contains = (hay: Uint8Array, needle: string): boolean => Buffer.from(hay).includes(Buffer.from(needle, 'latin1'));

async function simplePdf(build?: (doc: PDFDocument) => Promise<void> | void): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.addPage([200, 200]).drawText('Deal point: hall B, 9pm', { x: 10, y: 100, size: 8 });
  await build?.(doc);
  return doc.save({ useObjectStreams: false });
}

/** Sets Info entries as plain literal strings, so the test can find them in the raw bytes. */
function setInfo(doc: PDFDocument, entries: Record<string, string>): void {
  doc.setTitle(''); // makes pdf-lib create the Info dictionary
  const info = doc.context.lookup(doc.context.trailerInfo.Info) as PDFDict;
  for (const [k, v] of Object.entries(entries)) info.set(PDFName.of(k), PDFString.of(v));
}

async function pageCount(bytes: Uint8Array): Promise<number> {
  return (await PDFDocument.load(bytes, { updateMetadata: false })).getPageCount();
}

describe('the PDF stripper', () => {
  it('removes the Info dictionary, XMP, Photoshop piece info and IPTC of the corpus PDF and keeps its page', async () => {
    const input = readCorpus('exiftool-PDF.pdf');
    const out = await cleanFile(input);
    expect(out.mime).toBe('application/pdf');
    expect(out.removed).toEqual(expect.arrayContaining(['software', 'datetime', 'xmp', 'other']));
    for (const s of ['Photoshop', 'Phil Harvey', 'Kingston', '/Info', '/Metadata', '/PieceInfo', '/ID']) {
      expect(contains(out.bytes, s), s).toBe(false);
    }
    expect(await pageCount(out.bytes)).toBe(await pageCount(input));
    expect(leaks(exiftool(out.bytes, 'pdf'))).toEqual([]);
  });

  it('leaves no Producer, Creator, dates or ID of its own in the rewritten file', async () => {
    const input = await simplePdf((doc) => {
      setInfo(doc, { Author: 'Jeanne Resident', Producer: 'Scanner App 3.1', CreationDate: 'D:20240517210309Z' });
      doc.context.trailerInfo.ID = doc.context.obj([
        PDFHexString.of('00112233445566778899AABBCCDDEEFF'),
        PDFHexString.of('00112233445566778899AABBCCDDEEFF'),
      ]);
    });
    for (const s of ['/ID', 'Jeanne Resident', 'Scanner App']) expect(contains(input, s)).toBe(true);
    const out = await cleanFile(input);
    expect(out.removed).toEqual(['author', 'datetime', 'document-id', 'software']); // the empty Title is not reported
    for (const s of ['pdf-lib', 'Producer', 'Creator', 'CreationDate', 'ModDate', '/ID', '/Info', 'Jeanne', 'Scanner App']) {
      expect(contains(out.bytes, s), s).toBe(false);
    }
    expect(contains(out.bytes, 'Deal point')).toBe(false); // text is in a content stream, not the catalog…
    expect(await pageCount(out.bytes)).toBe(1); // …and the page is still there
  });

  it('drops an Author added by an incremental update, and the older revision with it', async () => {
    const first = await simplePdf((doc) => setInfo(doc, { Author: 'Old Author Name' }));
    const updated = exiftoolWrite(first, 'pdf', ['-PDF:Author=Jeanne Resident', '-XMP-dc:Creator=Jeanne Resident']);
    expect(updated.length).toBeGreaterThan(first.length); // exiftool appended a revision
    expect(contains(updated, 'Old Author Name')).toBe(true);
    const out = await cleanFile(updated);
    expect(out.removed).toEqual(expect.arrayContaining(['author', 'revisions', 'xmp']));
    for (const s of ['Jeanne', 'Old Author Name', 'startxref\n', '/Prev']) {
      if (s === 'startxref\n') {
        expect(Buffer.from(out.bytes).toString('latin1').split('startxref').length - 1).toBe(1);
      } else {
        expect(contains(out.bytes, s), s).toBe(false);
      }
    }
    expect(leaks(exiftool(out.bytes, 'pdf'))).toEqual([]);
  });

  it('strips the GPS and camera data of a photo embedded in the PDF', async () => {
    const photo = readCorpus('exif-samples-DSCN0010.jpg');
    const input = await simplePdf(async (doc) => {
      const img = await doc.embedJpg(photo);
      doc.getPage(0).drawImage(img, { x: 0, y: 0, width: 64, height: 48 });
    });
    expect(contains(input, 'NIKON')).toBe(true);
    const out = await cleanFile(input);
    expect(out.removed).toEqual(expect.arrayContaining(['gps', 'camera']));
    expect(contains(out.bytes, 'NIKON')).toBe(false);
    expect(contains(out.bytes, 'Nikon')).toBe(false);
    expect(await pageCount(out.bytes)).toBe(1);
  });

  it('cleans an embedded photo whose JPEG stream lacks its end marker, and drops the page thumbnail', async () => {
    const photo = readCorpus('exif-samples-DSCN0010.jpg');
    const unterminated = photo.subarray(0, photo.length - 2);
    const input = await simplePdf((doc) => {
      const ctx = doc.context;
      const dict = {
        Type: 'XObject',
        Subtype: 'Image',
        Filter: 'DCTDecode',
        Width: 640,
        Height: 480,
        BitsPerComponent: 8,
        ColorSpace: 'DeviceRGB',
      };
      const image = ctx.register(ctx.stream(unterminated, dict));
      const thumb = ctx.register(ctx.stream(readCorpus('exiftool-Apple.jpg'), { ...dict, Width: 8, Height: 8 }));
      const page = doc.getPage(0).node;
      page.set(PDFName.of('Resources'), ctx.obj({ XObject: { Im9: image } }));
      page.set(PDFName.of('Thumb'), thumb);
    });
    const out = await cleanFile(input);
    expect(out.removed).toEqual(expect.arrayContaining(['gps', 'camera', 'thumbnail']));
    for (const s of ['NIKON', 'iPhone', '/Thumb']) expect(contains(out.bytes, s), s).toBe(false);
    const reloaded = await PDFDocument.load(out.bytes, { updateMetadata: false });
    const xobjects = reloaded.getPage(0).node.Resources()!.lookup(PDFName.of('XObject'), PDFDict);
    const stream = reloaded.context.lookup(xobjects.get(PDFName.of('Im9'))) as unknown as { contents: Uint8Array };
    expect([...stream.contents.subarray(-2)]).toEqual([0xff, 0xd9]); // closed with an EOI
  });

  it('removes comment authors and dates, attached files and XMP on pages', async () => {
    const input = await simplePdf(async (doc) => {
      const ctx = doc.context;
      const page = doc.getPage(0);
      const annot = ctx.obj({
        Type: 'Annot',
        Subtype: 'Text',
        Rect: [10, 10, 30, 30],
        Contents: PDFString.of('see hall B'),
        T: PDFString.of('Jeanne Resident'),
        M: PDFString.of('D:20240517210309Z'),
        CreationDate: PDFString.of('D:20240517210309Z'),
      });
      page.node.set(PDFName.of('Annots'), ctx.obj([ctx.register(annot)]));
      const xmp = ctx.stream('<x:xmpmeta><pdf:Author>Jeanne</pdf:Author></x:xmpmeta>', { Type: 'Metadata', Subtype: 'XML' });
      page.node.set(PDFName.of('Metadata'), ctx.register(xmp));
      await doc.attach(Buffer.from('my name is Jeanne, my flat is 3B'), 'me.txt', { mimeType: 'text/plain' });
    });
    const out = await cleanFile(input);
    expect(out.removed).toEqual(expect.arrayContaining(['attachment', 'author', 'datetime', 'xmp']));
    for (const s of ['Jeanne', 'flat is 3B', 'me.txt', 'D:2024']) expect(contains(out.bytes, s), s).toBe(false);
    expect(contains(out.bytes, 'see hall B')).toBe(true); // the comment text is content: kept
    expect(await pageCount(out.bytes)).toBe(1);
  });

  it('refuses an encrypted PDF with a message that says what to do', async () => {
    const input = await simplePdf((doc) => {
      doc.context.trailerInfo.Encrypt = doc.context.register(doc.context.obj({ Filter: 'Standard', V: 2, R: 3, Length: 128 }));
    });
    const err = await cleanFile(input).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StripError);
    expect((err as StripError).code).toBe('unsupported_type');
    expect((err as StripError).message).toMatch(/password|encrypted/);
  });

  it('refuses as malformed a PDF with no readable structure', async () => {
    const err = await cleanFile(Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog\n')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StripError);
    expect((err as StripError).code).toBe('malformed');
  });
});
