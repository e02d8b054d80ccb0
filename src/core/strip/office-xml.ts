// Scrubs the XML parts of an Office document (ECMA-376 Part 1: §17.13 WordprocessingML
// revisions and annotations, §17.15 settings, §18.2 SpreadsheetML workbook; Part 2 core
// properties) as text, keeping everything else byte-identical (DESIGN promise 3).
//
// Word: tracked changes are accepted as they display (deleted and moved-away text is removed,
// inserted text kept, old formatting records dropped), so no deleted words, author names or
// dates stay hidden in the file; author/initials/date attributes left anywhere are blanked or
// removed; rsid session identifiers, document GUIDs (w14/w15:docId), document variables and the
// attached template path (which names the user's folder) are removed; comment anchors are
// removed with the comments part. Excel: the absolute path where the workbook was saved.
import type { RemovedCode } from './types.ts';
import { prefixFor } from './xml-text.ts';

const WORD_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

export interface Scrubbed {
  xml: string;
  codes: Set<RemovedCode>;
}

/** Removes `re` matches, noting `code` when at least one was found. */
function drop(s: Scrubbed, re: RegExp, code: RemovedCode, replacement: string | ((m: string, ...g: string[]) => string) = ''): void {
  let hit = false;
  s.xml = s.xml.replace(re, (...args: unknown[]) => {
    hit = true;
    return typeof replacement === 'string' ? replacement : replacement(...(args as [string, ...string[]]));
  });
  if (hit) s.codes.add(code);
}

function esc(prefix: string): string {
  return prefix.replace(/[.-]/g, '\\$&');
}

/** A paired element <p:name ...>...</p:name> (not self-closing), non-greedy: never nests itself. */
function paired(p: string, name: string): RegExp {
  return new RegExp(`<${p}:${name}\\b(?:[^>"']|"[^"]*"|'[^']*')*(?<!/)>[\\s\\S]*?</${p}:${name}\\s*>`, 'g');
}
/** A self-closing element <p:name .../>. */
function empty(p: string, name: string): RegExp {
  return new RegExp(`<${p}:${name}\\b(?:[^>"']|"[^"]*"|'[^']*')*/>`, 'g');
}

export function scrubWordPart(xml: string): Scrubbed {
  const s: Scrubbed = { xml, codes: new Set() };
  const w = esc(prefixFor(xml, WORD_NS) ?? 'w');
  // Tracked changes (§17.13.5): accept them as displayed.
  for (const name of ['del', 'moveFrom']) {
    drop(s, paired(w, name), 'revisions');
    drop(s, empty(w, name), 'revisions');
  }
  for (const name of ['ins', 'moveTo']) {
    drop(s, new RegExp(`<${w}:${name}\\b(?:[^>"']|"[^"]*"|'[^']*')*(?<!/)>|</${w}:${name}\\s*>`, 'g'), 'revisions');
    drop(s, empty(w, name), 'revisions');
  }
  for (const name of [
    'rPrChange',
    'pPrChange',
    'sectPrChange',
    'tblPrChange',
    'tblPrExChange',
    'trPrChange',
    'tcPrChange',
    'tblGridChange',
    'numberingChange',
  ]) {
    drop(s, paired(w, name), 'revisions');
    drop(s, empty(w, name), 'revisions');
  }
  for (const name of [
    'moveFromRangeStart',
    'moveFromRangeEnd',
    'moveToRangeStart',
    'moveToRangeEnd',
    'cellIns',
    'cellDel',
    'cellMerge',
    'customXmlInsRangeStart',
    'customXmlInsRangeEnd',
    'customXmlDelRangeStart',
    'customXmlDelRangeEnd',
  ]) {
    drop(s, empty(w, name), 'revisions');
  }
  // Comment anchors (§17.13.4): the comments part itself is dropped with its relationship.
  for (const name of ['commentRangeStart', 'commentRangeEnd', 'commentReference']) drop(s, empty(w, name), 'comment');
  // Settings (§17.15): session ids, GUIDs, variables, template path.
  drop(s, paired(w, 'rsids'), 'revisions');
  drop(s, empty('[\\w.-]+', 'docId'), 'document-id');
  drop(s, paired(w, 'docVars'), 'other');
  drop(s, empty(w, 'attachedTemplate'), 'other');
  // Whatever author and date attributes remain (e.g. on elements of extensions).
  drop(s, /\s[\w.-]+:rsid\w*\s*=\s*(?:"[^"]*"|'[^']*')/g, 'revisions');
  drop(
    s,
    new RegExp(`\\s${w}:(author|initials)\\s*=\\s*(?:"[^"]+"|'[^']+')`, 'g'),
    'author',
    (_m, name) => ` ${w.replace(/\\/g, '')}:${name}=""`,
  );
  drop(s, new RegExp(`\\s(?:${w}:date|[\\w.-]+:dateUtc)\\s*=\\s*(?:"[^"]*"|'[^']*')`, 'g'), 'datetime');
  return s;
}

/** SpreadsheetML workbook: drop the absolute save path (x15ac:absPath) which names the user. */
export function scrubWorkbookPart(xml: string): Scrubbed {
  const s: Scrubbed = { xml, codes: new Set() };
  drop(s, empty('[\\w.-]+', 'absPath'), 'author');
  return s;
}

/** What a core-properties part (ECMA-376 Part 2 §11) held, for the resident's list. */
export function coreCodes(xml: string): Set<RemovedCode> {
  const codes = new Set<RemovedCode>();
  const has = (name: string): boolean => new RegExp(`<(?:[\\w.-]+:)?${name}\\b[^>]*>\\s*[^<\\s]`).test(xml);
  if (has('creator') || has('lastModifiedBy')) codes.add('author');
  if (has('created') || has('modified') || has('lastPrinted')) codes.add('datetime');
  if (has('title') || has('subject') || has('description') || has('keywords') || has('category')) codes.add('text');
  if (has('revision')) codes.add('revisions');
  if (has('identifier')) codes.add('document-id');
  if (codes.size === 0) codes.add('other');
  return codes;
}

/** What an extended-properties part (app.xml, ECMA-376 Part 1 §22.2) held. */
export function appCodes(xml: string): Set<RemovedCode> {
  const codes = new Set<RemovedCode>(['other']);
  const has = (name: string): boolean => new RegExp(`<(?:[\\w.-]+:)?${name}\\b[^>]*>\\s*[^<\\s]`).test(xml);
  if (has('Application') || has('AppVersion')) codes.add('software');
  if (has('Company') || has('Manager')) codes.add('author');
  if (has('TotalTime')) codes.add('revisions');
  return codes;
}
