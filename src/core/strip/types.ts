// Public types of the metadata strippers (DESIGN promise 3: attachments lose their embedded
// metadata in the browser before sealing, and the resident is told what was removed).

/**
 * What a stripper found in a file and dropped. Stable identifiers: the browser shows them to the
 * resident through removedLabel(); add new codes at the end, never rename one.
 */
export type RemovedCode =
  | 'gps'
  | 'camera'
  | 'serial'
  | 'datetime'
  | 'author'
  | 'software'
  | 'thumbnail'
  | 'xmp'
  | 'iptc'
  | 'comment'
  | 'trailer'
  | 'text'
  | 'revisions'
  | 'document-id'
  | 'color-profile'
  | 'attachment'
  | 'other';

export const REMOVED_CODES: readonly RemovedCode[] = [
  'gps',
  'camera',
  'serial',
  'datetime',
  'author',
  'software',
  'thumbnail',
  'xmp',
  'iptc',
  'comment',
  'trailer',
  'text',
  'revisions',
  'document-id',
  'color-profile',
  'attachment',
  'other',
];

export interface CleanResult {
  /** The rebuilt file. Never the input buffer itself. */
  bytes: Uint8Array;
  mime: string;
  /** Usual file name extension, without the dot. */
  ext: string;
  /** Unique and sorted: what was actually found in the input and dropped. */
  removed: RemovedCode[];
}

export interface CleanOptions {
  /** Refuse inputs larger than this many bytes (default 100 MiB). */
  maxBytes?: number;
}

/** Accumulates removed codes while a stripper walks a file. */
export class RemovedSet {
  private readonly codes = new Set<RemovedCode>();
  add(...codes: RemovedCode[]): void {
    for (const c of codes) this.codes.add(c);
  }
  has(code: RemovedCode): boolean {
    return this.codes.has(code);
  }
  get size(): number {
    return this.codes.size;
  }
  /** Unique codes, sorted alphabetically so the result does not depend on file order. */
  toArray(): RemovedCode[] {
    return [...this.codes].sort();
  }
}
