// Office metadata stripper for docx, xlsx and pptx (ECMA-376 Office Open XML; Part 2 Open
// Packaging Conventions; ZIP per PKWARE APPNOTE). Keeps DESIGN promise 3: the package is rebuilt
// from the parts its content reaches through relationships, scrubbed, with every ZIP entry time
// set to the DOS epoch (1980-01-01 00:00) and no extra fields or comments.
//
// Dropped parts (with their relationships and [Content_Types].xml overrides, so the document
// still opens): docProps core/app/custom properties, thumbnails, comments and their
// people/authors parts, revision logs and user-name lists, customXml data, printer settings
// (they name the printer), sensitivity labels, signatures, and any part no relationship reaches.
// Scrubbed parts: see office-xml.ts (tracked changes, rsids, GUIDs, template and save paths).
// Embedded JPEG/PNG/WebP pictures, PDFs and Office files go through their own strippers (a photo
// pasted into a document keeps its GPS otherwise). Refused: macro-enabled files (macros are
// code, and their project stores paths and names we cannot safely rewrite) and documents with
// embedded OLE objects (old-format binary files with their own author fields we cannot clean).
import { zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import { RemovedSet } from './types.ts';
import type { CleanResult } from './types.ts';
import { StripError, malformed } from './errors.ts';
import { readZipDirectory, readZipEntry } from './zip-read.ts';
import type { ZipEntry } from './zip-read.ts';
import { DROPPED_KINDS, parseRelationships, pruneContentTypes, relsPathFor, removeRelationships } from './office-package.ts';
import type { Relationship } from './office-package.ts';
import { appCodes, coreCodes, scrubWordPart, scrubWorkbookPart } from './office-xml.ts';
import type { Scrubbed } from './office-xml.ts';
import { tagsBalance } from './xml-text.ts';
import { detectType } from './detect.ts';
import type { StripOutput } from './jpeg.ts';

const KIND = 'Office';
const CONTENT_TYPES = '[Content_Types].xml';
const DOS_EPOCH = new Date(1980, 0, 1, 0, 0, 0); // fflate writes local date fields: 1980-01-01 00:00
/** Embedded files we clean with their own stripper (a photo or a document inside a document). */
const NESTED = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
]);

export type CleanNested = (bytes: Uint8Array) => Promise<CleanResult>;

export async function stripOffice(input: Uint8Array, cleanNested: CleanNested): Promise<StripOutput & { ext: string }> {
  const removed = new RemovedSet();
  const dir = readZipDirectory(input);
  if (dir.hasComment) removed.add('comment');
  const byName = new Map<string, ZipEntry>();
  for (const e of dir.entries) {
    if (e.hasExtras) removed.add('other');
    if (e.name.endsWith('/')) continue; // folder entries carry only a name and a date
    if (/(^|\/)vbaProject\.bin$/i.test(e.name) || /(^|\/)vbaData\.xml$/i.test(e.name)) throw macroRefusal();
    byName.set(e.name, e);
  }
  const text = new TextDecoder('utf-8', { fatal: false });
  const readText = (name: string): string | undefined => {
    const e = byName.get(name);
    return e ? text.decode(readZipEntry(input, e)) : undefined;
  };
  const contentTypes = readText(CONTENT_TYPES);
  const rootRels = readText('_rels/.rels');
  if (contentTypes === undefined || rootRels === undefined) throw malformed(KIND, 'not an Office package');

  // Walk the relationship graph from the package root (§9.3): what it reaches is the document.
  const reached = new Set<string>();
  const dropped = new Set<string>();
  const relsOf = new Map<string, { xml: string; rels: Relationship[] }>();
  const queue: string[] = [''];
  while (queue.length > 0) {
    const source = queue.shift()!;
    const relsPath = source === '' ? '_rels/.rels' : relsPathFor(source);
    const xml = source === '' ? rootRels : readText(relsPath);
    if (xml === undefined) continue;
    const rels = parseRelationships(xml, source);
    relsOf.set(relsPath, { xml, rels });
    for (const rel of rels) {
      const code = DROPPED_KINDS.get(rel.kind);
      if (code !== undefined) {
        if (rel.part !== undefined && byName.has(rel.part)) {
          dropped.add(rel.part);
          noteDroppedPart(rel, readText(rel.part), removed, code);
        } else {
          removed.add(code);
        }
        continue;
      }
      if (rel.part !== undefined && byName.has(rel.part) && !reached.has(rel.part)) {
        reached.add(rel.part);
        queue.push(rel.part);
      }
    }
  }
  const mainPart = [...relsOf.get('_rels/.rels')!.rels].find((r) => r.kind === 'officedocument')?.part;
  if (mainPart === undefined || !reached.has(mainPart) || dropped.has(mainPart)) throw malformed(KIND, 'no main document part');
  const keptPart = (name: string): boolean => reached.has(name) && !dropped.has(name);

  const files: Zippable = {};
  files[CONTENT_TYPES] = [new TextEncoder().encode(pruneContentTypes(contentTypes, keptPart)), { level: 6 }];
  for (const [name, entry] of byName) {
    if (name === CONTENT_TYPES) continue;
    const rels = relsOf.get(name);
    if (rels) {
      const source = name === '_rels/.rels' ? '' : relsSource(name);
      if (source !== '' && !keptPart(source)) continue;
      const gone = new Set(
        rels.rels.filter((r) => DROPPED_KINDS.has(r.kind) || (r.part !== undefined && dropped.has(r.part))).map((r) => r.id),
      );
      files[name] = [new TextEncoder().encode(removeRelationships(rels.xml, gone)), { level: 6 }];
      continue;
    }
    if (!keptPart(name)) {
      if (!dropped.has(name)) removed.add('other'); // a file nothing in the document refers to
      continue;
    }
    files[name] = await cleanPart(name, readZipEntry(input, entry), removed, cleanNested);
  }
  let bytes: Uint8Array;
  try {
    bytes = zipSync(files, { mtime: DOS_EPOCH });
  } catch {
    throw malformed(KIND, 'cannot rebuild the package');
  }
  const ext = mainPart.startsWith('word/') ? 'docx' : mainPart.startsWith('xl/') ? 'xlsx' : 'pptx';
  return { bytes, removed, ext };
}

/** 'word/_rels/document.xml.rels' → 'word/document.xml'. */
function relsSource(relsPath: string): string {
  const m = /^(.*?)_rels\/([^/]+)\.rels$/.exec(relsPath);
  return m ? `${m[1]}${m[2]}` : '';
}

async function cleanPart(
  name: string,
  data: Uint8Array,
  removed: RemovedSet,
  cleanNested: CleanNested,
): Promise<[Uint8Array, { level: 0 | 6 }]> {
  const type = detectType(data);
  if (type !== null && NESTED.has(type)) {
    const out = await cleanNested(data);
    for (const c of out.removed) removed.add(c);
    return [out.bytes, { level: type.startsWith('image/') ? 0 : 6 }];
  }
  if (type === 'application/x-ole-storage') throw embeddedObjectRefusal(name);
  const scrub = scrubberFor(name);
  if (!scrub) return [data, { level: 6 }];
  const xml = new TextDecoder('utf-8', { fatal: false }).decode(data);
  if (!tagsBalance(xml)) throw malformed(KIND, `broken XML in ${name}`);
  const out = scrub(xml);
  if (!tagsBalance(out.xml)) throw malformed(KIND, `cannot clean ${name}`);
  for (const c of out.codes) removed.add(c);
  return [out.codes.size > 0 ? new TextEncoder().encode(out.xml) : data, { level: 6 }];
}

function scrubberFor(name: string): ((xml: string) => Scrubbed) | undefined {
  if (!name.endsWith('.xml')) return undefined;
  if (name.startsWith('word/')) return scrubWordPart;
  if (name.startsWith('xl/') && /workbook\.xml$/.test(name)) return scrubWorkbookPart;
  return undefined;
}

function noteDroppedPart(rel: Relationship, xml: string | undefined, removed: RemovedSet, code: Parameters<RemovedSet['add']>[0]): void {
  if (rel.kind === 'core-properties' && xml !== undefined) {
    for (const c of coreCodes(xml)) removed.add(c);
  } else if (rel.kind === 'extended-properties' && xml !== undefined) {
    for (const c of appCodes(xml)) removed.add(c);
  } else {
    removed.add(code);
  }
}

function embeddedObjectRefusal(name: string): StripError {
  return new StripError(
    'unsupported_type',
    `This document contains an embedded object (${name.split('/').pop()}) in an old format that ` +
      'keeps hidden information we cannot remove. Export the document as PDF (or take screenshots) ' +
      'and attach that instead.',
    `Ce document contient un objet intégré (${name.split('/').pop()}) dans un ancien format qui ` +
      'garde des informations cachées que nous ne pouvons pas retirer. Exportez le document en PDF ' +
      "(ou faites des captures d'écran) puis joignez-le.",
    'embedded_object',
  );
}

function macroRefusal(): StripError {
  return new StripError(
    'unsupported_type',
    'Documents with macros cannot be sent: macros are programs and keep hidden information we ' +
      'cannot remove. Save the document as a normal .docx, .xlsx or .pptx (or export it as PDF) ' +
      'and attach that instead.',
    'Les documents avec macros ne peuvent pas être envoyés : les macros sont des programmes et ' +
      'gardent des informations cachées que nous ne pouvons pas retirer. Enregistrez le document ' +
      'en .docx, .xlsx ou .pptx normal (ou exportez-le en PDF) puis joignez-le.',
    'macros',
  );
}
