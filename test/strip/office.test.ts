// Office stripper: properties, comments, people, revisions, thumbnails, template paths and photo
// metadata leave a docx/xlsx/pptx that still holds its content and references no missing part
// (DESIGN promise 3).
import { describe, expect, it } from 'vitest';
import { strToU8, strFromU8, unzipSync, zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import { cleanFile, type StripError } from '../../src/core/strip/index.ts';
import { tagsBalance } from '../../src/core/strip/xml-text.ts';
import { exiftool, leaks, readCorpus } from './helpers.ts';

const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PR = 'http://schemas.openxmlformats.org/package/2006/relationships';
const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

function rels(list: Array<[string, string, string, string?]>): string {
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${PR}">` +
    list
      .map(
        ([id, type, target, mode]) => `<Relationship Id="${id}" Type="${type}" Target="${target}"${mode ? ` TargetMode="${mode}"` : ''}/>`,
      )
      .join('') +
    '</Relationships>'
  );
}

function contentTypes(overrides: Array<[string, string]>): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/>' +
    overrides.map(([p, t]) => `<Override PartName="${p}" ContentType="${t}"/>`).join('') +
    '</Types>'
  );
}

const CORE = `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:creator>Jeanne Resident</dc:creator><cp:lastModifiedBy>Jeanne Resident</cp:lastModifiedBy><dcterms:created>2024-05-17T21:03:09Z</dcterms:created></cp:coreProperties>`;
const APP = `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Office Word</Application><Company>Jeanne's Bakery</Company></Properties>`;

function wordDoc(): Zippable {
  const document =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}" xmlns:r="${R}"><w:body>` +
    '<w:p w:rsidR="00AB6AD5" w:rsidRDefault="00AB6AD5"><w:r><w:t>The deal point is behind hall B.</w:t></w:r></w:p>' +
    '<w:p><w:commentRangeStart w:id="0"/><w:ins w:id="1" w:author="Jeanne Resident" w:date="2024-05-17T21:03:00Z"><w:r><w:t>They recruit kids at 4pm.</w:t></w:r></w:ins>' +
    '<w:del w:id="2" w:author="Jeanne Resident" w:date="2024-05-17T21:04:00Z"><w:r><w:delText>I am Jeanne from flat 3B.</w:delText></w:r></w:del>' +
    '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>' +
    '<w:p><w:r><w:rPr><w:b/><w:rPrChange w:id="3" w:author="Jeanne Resident" w:date="2024-05-17T21:05:00Z"><w:rPr/></w:rPrChange></w:rPr><w:t>Bold fact.</w:t></w:r></w:p>' +
    '<w:p><w:r><w:drawing><a:blip xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" r:embed="rId9"/></w:drawing></w:r></w:p>' +
    '</w:body></w:document>';
  const settings =
    `<w:settings xmlns:w="${W}" xmlns:r="${R}" xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w:attachedTemplate r:id="rId1"/>` +
    '<w:rsids><w:rsidRoot w:val="00AB6AD5"/><w:rsid w:val="00AB6AD5"/></w:rsids><w15:docId w15:val="{6C1F0D3E-1111-2222-3333-444455556666}"/></w:settings>';
  return {
    '[Content_Types].xml': strToU8(
      contentTypes([
        ['/word/document.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'],
        ['/word/comments.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml'],
        ['/word/people.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml'],
        ['/word/settings.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml'],
        ['/docProps/core.xml', 'application/vnd.openxmlformats-package.core-properties+xml'],
        ['/docProps/app.xml', 'application/vnd.openxmlformats-officedocument.extended-properties+xml'],
      ]),
    ),
    '_rels/.rels': strToU8(
      rels([
        ['rId1', `${R}/officeDocument`, 'word/document.xml'],
        ['rId2', `${PR}/metadata/core-properties`, 'docProps/core.xml'],
        ['rId3', `${R}/extended-properties`, 'docProps/app.xml'],
        ['rId4', `${PR}/metadata/thumbnail`, 'docProps/thumbnail.jpeg'],
      ]),
    ),
    'word/document.xml': strToU8(document),
    'word/_rels/document.xml.rels': strToU8(
      rels([
        ['rId5', `${R}/comments`, 'comments.xml'],
        ['rId6', 'http://schemas.microsoft.com/office/2011/relationships/people', 'people.xml'],
        ['rId7', `${R}/settings`, 'settings.xml'],
        ['rId9', `${R}/image`, 'media/image1.jpeg'],
      ]),
    ),
    'word/comments.xml': strToU8(
      `<w:comments xmlns:w="${W}"><w:comment w:id="0" w:author="Jeanne Resident" w:initials="JR"><w:p><w:r><w:t>private note</w:t></w:r></w:p></w:comment></w:comments>`,
    ),
    'word/people.xml': strToU8(
      '<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w15:person w15:author="Jeanne Resident"/></w15:people>',
    ),
    'word/settings.xml': strToU8(settings),
    'word/_rels/settings.xml.rels': strToU8(
      rels([['rId1', `${R}/attachedTemplate`, 'file:///C:/Users/jeanne.resident/Templates/Normal.dotm', 'External']]),
    ),
    'word/media/image1.jpeg': [readCorpus('exif-samples-DSCN0010.jpg'), { level: 0 }],
    'docProps/core.xml': strToU8(CORE),
    'docProps/app.xml': strToU8(APP),
    'docProps/thumbnail.jpeg': readCorpus('exiftool-Apple.jpg'),
    'secret.txt': strToU8('Jeanne Resident, flat 3B'),
  };
}

function zip(files: Zippable): Uint8Array {
  return zipSync(files, { mtime: new Date('2024-05-17T21:03:09Z') });
}

/** Every internal relationship in every .rels part points at a part that exists. */
function danglingTargets(files: Record<string, Uint8Array>): string[] {
  const out: string[] = [];
  for (const [name, data] of Object.entries(files)) {
    if (!name.endsWith('.rels')) continue;
    const base = name.replace(/_rels\/[^/]*\.rels$/, '');
    for (const m of strFromU8(data).matchAll(/<Relationship\b[^>]*>/g)) {
      if (/TargetMode="External"/.test(m[0])) continue;
      const target = /Target="([^"]*)"/.exec(m[0])![1]!;
      const path = new URL(target, `http://x/${base}`).pathname.slice(1);
      if (!(path in files)) out.push(`${name} → ${path}`);
    }
  }
  return out;
}

const hasText = (files: Record<string, Uint8Array>, s: string): string[] =>
  Object.entries(files)
    .filter(([, d]) => Buffer.from(d).includes(Buffer.from(s)))
    .map(([n]) => n);

describe('the Office stripper', () => {
  it('keeps the text of the corpus docx and drops its properties, thumbnail and entry dates', async () => {
    const input = readCorpus('exiftool-OOXML.docx');
    const out = await cleanFile(input);
    expect(out.ext).toBe('docx');
    expect(out.removed).toEqual(expect.arrayContaining(['author', 'datetime', 'software', 'text', 'thumbnail']));
    const files = unzipSync(out.bytes);
    expect(Object.keys(files).filter((n) => n.startsWith('docProps/'))).toEqual([]);
    expect(strFromU8(files['word/document.xml']!)).toContain('is astounding.');
    expect(strFromU8(files['word/document.xml']!)).not.toMatch(/rsid/);
    expect(danglingTargets(files)).toEqual([]);
    const tags = exiftool(out.bytes, 'docx');
    expect(leaks(tags)).toEqual([]);
    expect(
      Object.entries(tags)
        .filter(([k]) => k.endsWith('ZipModifyDate'))
        .map(([, v]) => v),
    ).toEqual(Object.keys(files).map(() => '1980:01:01 00:00:00'));
  });

  it('accepts tracked changes as shown, drops comments, people, template path, GUID and the photo GPS of a crafted docx', async () => {
    const out = await cleanFile(zip(wordDoc()));
    expect(out.removed).toEqual(
      expect.arrayContaining([
        'author',
        'comment',
        'datetime',
        'document-id',
        'gps',
        'camera',
        'revisions',
        'software',
        'thumbnail',
        'other',
      ]),
    );
    const files = unzipSync(out.bytes);
    expect(Object.keys(files).sort()).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'word/_rels/document.xml.rels',
      'word/_rels/settings.xml.rels',
      'word/document.xml',
      'word/media/image1.jpeg',
      'word/settings.xml',
    ]);
    const doc = strFromU8(files['word/document.xml']!);
    expect(doc).toContain('The deal point is behind hall B.');
    expect(doc).toContain('They recruit kids at 4pm.');
    expect(doc).toContain('Bold fact.');
    expect(tagsBalance(doc)).toBe(true);
    for (const s of [
      'Jeanne',
      'flat 3B',
      'private note',
      'jeanne.resident',
      '6C1F0D3E',
      '00AB6AD5',
      '2024-05-17',
      'NIKON',
      'Microsoft Office',
    ]) {
      expect(hasText(files, s), s).toEqual([]);
    }
    expect(strFromU8(files['[Content_Types].xml']!)).not.toMatch(/comments|people|docProps/);
    expect(danglingTargets(files)).toEqual([]);
    expect(leaks(exiftool(out.bytes, 'docx'))).toEqual([]);
  });

  it('drops the comments, authors and save path of an xlsx and keeps its cells', async () => {
    const S = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
    const files: Zippable = {
      '[Content_Types].xml': strToU8(
        contentTypes([['/xl/workbook.xml', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml']]),
      ),
      '_rels/.rels': strToU8(
        rels([
          ['rId1', `${R}/officeDocument`, 'xl/workbook.xml'],
          ['rId2', `${PR}/metadata/core-properties`, 'docProps/core.xml'],
        ]),
      ),
      'xl/workbook.xml': strToU8(
        `<workbook xmlns="${S}" xmlns:r="${R}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"><mc:AlternateContent><mc:Choice Requires="x15"><x15ac:absPath url="C:\\Users\\jeanne.resident\\Desktop\\" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ),
      'xl/_rels/workbook.xml.rels': strToU8(
        rels([
          ['rId1', `${R}/worksheet`, 'worksheets/sheet1.xml'],
          ['rId2', 'http://schemas.microsoft.com/office/2017/10/relationships/person', 'persons/person.xml'],
        ]),
      ),
      'xl/worksheets/sheet1.xml': strToU8(
        `<worksheet xmlns="${S}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Car: grey Clio AB-123-CD</t></is></c></row></sheetData></worksheet>`,
      ),
      'xl/worksheets/_rels/sheet1.xml.rels': strToU8(rels([['rId1', `${R}/comments`, '../comments1.xml']])),
      'xl/comments1.xml': strToU8(`<comments xmlns="${S}"><authors><author>Jeanne Resident</author></authors></comments>`),
      'xl/persons/person.xml': strToU8('<personList><person displayName="Jeanne Resident"/></personList>'),
      'docProps/core.xml': strToU8(CORE),
    };
    const out = await cleanFile(zip(files));
    expect(out.ext).toBe('xlsx');
    expect(out.mime).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const clean = unzipSync(out.bytes);
    expect(strFromU8(clean['xl/worksheets/sheet1.xml']!)).toContain('grey Clio AB-123-CD');
    expect(hasText(clean, 'jeanne')).toEqual([]);
    expect(hasText(clean, 'Jeanne')).toEqual([]);
    expect(danglingTargets(clean)).toEqual([]);
    expect(out.removed).toEqual(expect.arrayContaining(['author', 'comment', 'datetime']));
  });

  it('drops the comment authors of a pptx and keeps its slide', async () => {
    const P = 'http://schemas.openxmlformats.org/presentationml/2006/main';
    const files: Zippable = {
      '[Content_Types].xml': strToU8(contentTypes([])),
      '_rels/.rels': strToU8(rels([['rId1', `${R}/officeDocument`, 'ppt/presentation.xml']])),
      'ppt/presentation.xml': strToU8(
        `<p:presentation xmlns:p="${P}" xmlns:r="${R}"><p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst></p:presentation>`,
      ),
      'ppt/_rels/presentation.xml.rels': strToU8(
        rels([
          ['rId1', `${R}/commentAuthors`, 'commentAuthors.xml'],
          ['rId2', `${R}/slide`, 'slides/slide1.xml'],
        ]),
      ),
      'ppt/commentAuthors.xml': strToU8(
        `<p:cmAuthorLst xmlns:p="${P}"><p:cmAuthor id="0" name="Jeanne Resident" initials="JR"/></p:cmAuthorLst>`,
      ),
      'ppt/slides/slide1.xml': strToU8(
        `<p:sld xmlns:p="${P}"><p:cSld><p:spTree><p:sp><p:txBody><a:p xmlns:a="x"><a:r><a:t>Lookouts on the roof</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>`,
      ),
      'ppt/slides/_rels/slide1.xml.rels': strToU8(rels([['rId1', `${R}/comments`, '../comments/comment1.xml']])),
      'ppt/comments/comment1.xml': strToU8(
        `<p:cmLst xmlns:p="${P}"><p:cm authorId="0" dt="2024-05-17T21:03:09"><p:text>hi</p:text></p:cm></p:cmLst>`,
      ),
    };
    const out = await cleanFile(zip(files));
    expect(out.ext).toBe('pptx');
    const clean = unzipSync(out.bytes);
    expect(Object.keys(clean).sort()).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'ppt/_rels/presentation.xml.rels',
      'ppt/presentation.xml',
      'ppt/slides/_rels/slide1.xml.rels',
      'ppt/slides/slide1.xml',
    ]);
    expect(strFromU8(clean['ppt/slides/slide1.xml']!)).toContain('Lookouts on the roof');
    expect(out.removed).toEqual(['author', 'comment']);
  });

  it('refuses a macro-enabled document and says to save it as a plain one', async () => {
    const files = wordDoc();
    files['word/vbaProject.bin'] = strToU8('macro');
    const err = await cleanFile(zip(files)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as StripError).code).toBe('unsupported_type');
    expect((err as StripError).message).toMatch(/macro/i);
  });

  it('cleans a document embedded in a document, and refuses an embedded old-format OLE object', async () => {
    const inner = zip(wordDoc());
    const outer = wordDoc();
    outer['word/embeddings/Inner.docx'] = inner;
    outer['word/_rels/document.xml.rels'] = strToU8(
      rels([
        ['rId7', `${R}/settings`, 'settings.xml'],
        ['rId9', `${R}/image`, 'media/image1.jpeg'],
        ['rId10', `${R}/package`, 'embeddings/Inner.docx'],
      ]),
    );
    const out = await cleanFile(zip(outer));
    const embedded = unzipSync(unzipSync(out.bytes)['word/embeddings/Inner.docx']!);
    expect(Object.keys(embedded).some((n) => n.startsWith('docProps/'))).toBe(false);
    expect(hasText(embedded, 'Jeanne')).toEqual([]);
    expect(strFromU8(embedded['word/document.xml']!)).toContain('The deal point is behind hall B.');

    outer['word/embeddings/Inner.docx'] = Buffer.from('\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old Excel sheet by Jeanne', 'latin1');
    const err = await cleanFile(zip(outer)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as StripError).code).toBe('unsupported_type');
    expect((err as StripError).message).toMatch(/embedded object/);
  });

  it('refuses a plain ZIP archive as unsupported', async () => {
    const err = await cleanFile(zip({ 'notes.txt': strToU8('hello') })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as StripError).code).toBe('unsupported_type');
  });
});
