// Open Packaging Conventions helpers (ECMA-376 Part 2: §9.3 relationships, §10.1 content types)
// for the Office stripper (DESIGN promise 3): resolving relationship targets to part names,
// finding a part's relationships part, and editing .rels and [Content_Types].xml as text so
// that dropped parts leave no dangling reference behind.
import type { RemovedCode } from './types.ts';
import { parseAttributes } from './xml-text.ts';

export interface Relationship {
  id: string;
  type: string;
  /** Last segment of the type URI, lower case: 'comments', 'core-properties', … */
  kind: string;
  /** Resolved part name (no leading slash), or undefined for external targets. */
  part: string | undefined;
}

/** Relationship kinds whose target holds metadata and nothing the content needs. */
export const DROPPED_KINDS: ReadonlyMap<string, RemovedCode> = new Map<string, RemovedCode>([
  ['core-properties', 'author'],
  ['extended-properties', 'software'],
  ['custom-properties', 'other'],
  ['thumbnail', 'thumbnail'],
  ['comments', 'comment'],
  ['commentsextended', 'comment'],
  ['commentsids', 'comment'],
  ['commentsextensible', 'comment'],
  ['threadedcomment', 'comment'],
  ['commentauthors', 'author'],
  ['person', 'author'],
  ['people', 'author'],
  ['authors', 'author'],
  ['usernames', 'author'],
  ['revisioninfo', 'revisions'],
  ['revisionheaders', 'revisions'],
  ['revisionlog', 'revisions'],
  ['customxml', 'other'],
  ['printersettings', 'other'],
  ['classificationlabels', 'other'],
  ['origin', 'author'],
  ['signature', 'author'],
  ['attachedtemplate', 'other'],
]);

const RELATIONSHIP = /<Relationship\b(?:[^>"']|"[^"]*"|'[^']*')*?(?:\/>|>\s*<\/Relationship\s*>)/g;
const OVERRIDE = /<Override\b(?:[^>"']|"[^"]*"|'[^']*')*?(?:\/>|>\s*<\/Override\s*>)/g;

/** '_rels/.rels' for the package (source ''), 'word/_rels/document.xml.rels' for a part. */
export function relsPathFor(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

export function parseRelationships(xml: string, source: string): Relationship[] {
  const rels: Relationship[] = [];
  for (const m of xml.matchAll(RELATIONSHIP)) {
    const a = parseAttributes(m[0]);
    const type = a.get('Type') ?? '';
    const target = a.get('Target') ?? '';
    const external = (a.get('TargetMode') ?? '').toLowerCase() === 'external';
    rels.push({
      id: a.get('Id') ?? '',
      type,
      kind: (type.split('/').pop() ?? '').toLowerCase(),
      part: external ? undefined : resolveTarget(source, target),
    });
  }
  return rels;
}

/** Removes the relationships whose Id is in `ids`. */
export function removeRelationships(xml: string, ids: ReadonlySet<string>): string {
  return xml.replace(RELATIONSHIP, (m) => (ids.has(parseAttributes(m).get('Id') ?? '') ? '' : m));
}

/** Removes the Override entries of parts that are not kept. */
export function pruneContentTypes(xml: string, kept: (part: string) => boolean): string {
  return xml.replace(OVERRIDE, (m) => {
    const name = (parseAttributes(m).get('PartName') ?? '').replace(/^\//, '');
    return kept(name) ? m : '';
  });
}

/** Resolves a relative URI against the folder of `source` (§9.3.3), giving a part name. */
export function resolveTarget(source: string, target: string): string | undefined {
  let path = target.split('#')[0] ?? '';
  try {
    path = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  const base = path.startsWith('/') ? [] : source.split('/').slice(0, -1);
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') base.pop();
    else base.push(seg);
  }
  return base.length > 0 ? base.join('/') : undefined;
}
