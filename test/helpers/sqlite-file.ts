// Reads a SQLite database file, its WAL and its shared-memory index byte by byte, the way someone
// holding a copy of the server's disk would (https://www.sqlite.org/fileformat2.html, the WAL and
// wal-index sections of https://www.sqlite.org/walformat.html), without SQLite: for the drills of
// DESIGN promise 2 ("no arrival order at rest") and "deleted means gone from disk". It walks every
// b-tree from sqlite_schema, with overflow chains and the free list, and gives, for each cell, its
// page, its offset in the page, its rowid (table b-trees) and its whole payload.

export interface Cell {
  /** the table or index this b-tree belongs to */
  object: string;
  page: number;
  /** byte offset of the cell inside its page */
  offset: number;
  /** index in the page's cell pointer array (key order) */
  index: number;
  rowid: bigint | null;
  /** bytes the cell takes in its page */
  size: number;
  payload: Uint8Array;
  overflowPages: number[];
}

export interface ParsedDatabase {
  pageSize: number;
  pageCount: number;
  cells: Cell[];
  /** free pages in free-list order (trunks and leaves) */
  freePages: number[];
  /** which b-tree (or 'overflow:<object>', 'free') each page belongs to */
  pageOwner: Map<number, string>;
  page(n: number): Uint8Array;
}

function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;
}

function varint(b: Uint8Array, o: number): { value: bigint; size: number } {
  let value = 0n;
  for (let i = 0; i < 8; i++) {
    const byte = b[o + i]!;
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) return { value, size: i + 1 };
  }
  return { value: (value << 8n) | BigInt(b[o + 8]!), size: 9 };
}

/** The values of a record (https://www.sqlite.org/fileformat2.html#record_format). */
export function decodeRecord(payload: Uint8Array): (bigint | number | string | Uint8Array | null)[] {
  const header = varint(payload, 0);
  const types: bigint[] = [];
  let o = header.size;
  while (o < Number(header.value)) {
    const t = varint(payload, o);
    types.push(t.value);
    o += t.size;
  }
  const out: (bigint | number | string | Uint8Array | null)[] = [];
  let p = Number(header.value);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  for (const t of types) {
    const n = Number(t);
    if (n === 0) out.push(null);
    else if (n >= 1 && n <= 6) {
      const size = [0, 1, 2, 3, 4, 6, 8][n]!;
      let v = 0n;
      for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(payload[p + i]!);
      if (size > 0 && payload[p]! & 0x80) v -= 1n << BigInt(size * 8);
      out.push(v);
      p += size;
    } else if (n === 7) {
      out.push(view.getFloat64(p));
      p += 8;
    } else if (n === 8 || n === 9) out.push(BigInt(n - 8));
    else if (n >= 12) {
      const len = n % 2 === 0 ? (n - 12) / 2 : (n - 13) / 2;
      const bytes = payload.subarray(p, p + len);
      out.push(n % 2 === 0 ? bytes : new TextDecoder().decode(bytes));
      p += len;
    }
  }
  return out;
}

export function parseDatabase(file: Uint8Array): ParsedDatabase {
  if (new TextDecoder().decode(file.subarray(0, 15)) !== 'SQLite format 3') throw new Error('not a SQLite database file');
  const rawSize = u16(file, 16);
  const pageSize = rawSize === 1 ? 65536 : rawSize;
  const usable = pageSize - file[20]!;
  const pageCount = Math.floor(file.length / pageSize);
  const page = (n: number) => file.subarray((n - 1) * pageSize, n * pageSize);
  const cells: Cell[] = [];
  const pageOwner = new Map<number, string>();

  const localSize = (payloadSize: number, table: boolean): number => {
    const x = table ? usable - 35 : Math.floor(((usable - 12) * 64) / 255) - 23;
    if (payloadSize <= x) return payloadSize;
    const m = Math.floor(((usable - 12) * 32) / 255) - 23;
    const k = m + ((payloadSize - m) % (usable - 4));
    return k <= x ? k : m;
  };

  const readPayload = (object: string, b: Uint8Array, o: number, size: number, table: boolean) => {
    const local = localSize(size, table);
    const localEnd = o + local + (local < size ? 4 : 0);
    const payload = new Uint8Array(size);
    payload.set(b.subarray(o, o + local));
    const overflowPages: number[] = [];
    if (local < size) {
      let next = u32(b, o + local);
      let at = local;
      while (next !== 0 && at < size && next <= pageCount && !overflowPages.includes(next)) {
        overflowPages.push(next);
        pageOwner.set(next, `overflow:${object}`);
        const op = page(next);
        const take = Math.min(usable - 4, size - at);
        payload.set(op.subarray(4, 4 + take), at);
        at += take;
        next = u32(op, 0);
      }
    }
    return { payload, overflowPages, localEnd };
  };

  const walk = (object: string, n: number, seen: Set<number>) => {
    if (n < 1 || n > pageCount || seen.has(n)) return;
    seen.add(n);
    pageOwner.set(n, object);
    const b = page(n);
    const h = n === 1 ? 100 : 0;
    const type = b[h]!;
    const count = u16(b, h + 3);
    const interior = type === 2 || type === 5;
    const pointers = h + (interior ? 12 : 8);
    for (let i = 0; i < count; i++) {
      const offset = u16(b, pointers + 2 * i);
      let o = offset;
      if (interior) {
        walk(object, u32(b, o), seen);
        o += 4;
      }
      if (type === 5) continue; // table interior cells hold only a key
      const size = varint(b, o);
      o += size.size;
      let rowid: bigint | null = null;
      if (type === 13) {
        const r = varint(b, o);
        rowid = r.value;
        o += r.size;
      }
      const { payload, overflowPages, localEnd } = readPayload(object, b, o, Number(size.value), type === 13);
      cells.push({ object, page: n, offset, index: i, rowid, size: localEnd - offset, payload, overflowPages });
    }
    if (interior) walk(object, u32(b, h + 8), seen);
  };

  walk('sqlite_schema', 1, new Set());
  const roots = cells
    .filter((c) => c.object === 'sqlite_schema')
    .map((c) => decodeRecord(c.payload))
    .filter((r) => typeof r[3] === 'bigint' && r[3] > 0n)
    .map((r) => ({ name: String(r[1]), root: Number(r[3]) }));
  for (const { name, root } of roots) walk(name, root, new Set());

  const freePages: number[] = [];
  let trunk = u32(file, 32);
  while (trunk !== 0 && trunk <= pageCount && !freePages.includes(trunk)) {
    freePages.push(trunk);
    pageOwner.set(trunk, 'free');
    const t = page(trunk);
    const leaves = u32(t, 4);
    for (let i = 0; i < leaves && 8 + 4 * i + 4 <= usable; i++) {
      const leaf = u32(t, 8 + 4 * i);
      freePages.push(leaf);
      pageOwner.set(leaf, 'free');
    }
    trunk = u32(t, 0);
  }
  return { pageSize, pageCount, cells, freePages, pageOwner, page };
}

export interface WalFrame {
  /** position in the file, from 0 */
  index: number;
  pgno: number;
  commit: boolean;
  /** for a commit frame, the database size in pages after the commit */
  dbSize: number;
  /** whether the frame's salts match the header (frames of an earlier WAL generation do not) */
  current: boolean;
  data: Uint8Array;
}

/** Every frame physically present in a WAL file, current or left over from an earlier generation. */
export function parseWal(file: Uint8Array): { pageSize: number; frames: WalFrame[] } {
  if (file.length < 32) return { pageSize: 0, frames: [] };
  const pageSize = u32(file, 8);
  const salt1 = u32(file, 16);
  const salt2 = u32(file, 20);
  const frames: WalFrame[] = [];
  for (let o = 32, i = 0; o + 24 + pageSize <= file.length; o += 24 + pageSize, i++) {
    frames.push({
      index: i,
      pgno: u32(file, o),
      commit: u32(file, o + 4) !== 0,
      dbSize: u32(file, o + 4),
      current: u32(file, o + 8) === salt1 && u32(file, o + 12) === salt2,
      data: file.subarray(o + 24, o + 24 + pageSize),
    });
  }
  return { pageSize, frames };
}

/**
 * The database as SQLite reads it: the main file with the pages of the WAL's committed frames of
 * the current generation laid over it (the latest frame of each page wins).
 */
export function applyWal(db: Uint8Array, wal: Uint8Array): Uint8Array {
  const { pageSize, frames } = parseWal(wal);
  const current = frames.filter((f) => f.current);
  let lastCommit = -1;
  current.forEach((f, i) => {
    if (f.commit) lastCommit = i;
  });
  if (lastCommit < 0) return db;
  const size = current[lastCommit]!.dbSize;
  const out = new Uint8Array(size * pageSize);
  out.set(db.subarray(0, Math.min(db.length, out.length)));
  for (const f of current.slice(0, lastCommit + 1)) if (f.pgno <= size) out.set(f.data, (f.pgno - 1) * pageSize);
  return out;
}

/**
 * The page numbers the wal-index records for each WAL frame, in frame order (the aPgno arrays of
 * each 32 KiB block; the first block starts after the 136-byte header). Zero means an empty slot.
 */
export function parseShm(file: Uint8Array): number[] {
  const out: number[] = [];
  for (let block = 0; block * 32768 < file.length; block++) {
    const start = block * 32768 + (block === 0 ? 136 : 0);
    const end = block * 32768 + 16384;
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    // The wal-index is in the machine's byte order (little-endian here).
    for (let o = start; o + 4 <= end && o + 4 <= file.length; o += 4) out.push(view.getUint32(o, true));
  }
  return out;
}

export function indexOf(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  outer: for (
    let i = hay.indexOf(first as number, from);
    i !== -1 && i <= hay.length - needle.length;
    i = hay.indexOf(first as number, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

export function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  return indexOf(hay, needle) !== -1;
}

/** Ranks with ties given their average rank. */
function ranks(values: number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const out = new Array<number>(values.length);
  for (let s = 0; s < order.length; ) {
    let e = s;
    while (e + 1 < order.length && order[e + 1]!.v === order[s]!.v) e++;
    for (let k = s; k <= e; k++) out[order[k]!.i] = (s + e) / 2;
    s = e + 1;
  }
  return out;
}

/** Spearman's rank correlation of two series, or null when either is constant. */
export function spearman(a: number[], b: number[]): number | null {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const ma = ra.reduce((s, x) => s + x, 0) / n;
  const mb = rb.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i]! - ma) * (rb[i]! - mb);
    saa += (ra[i]! - ma) ** 2;
    sbb += (rb[i]! - mb) ** 2;
  }
  return saa === 0 || sbb === 0 ? null : sab / Math.sqrt(saa * sbb);
}

/**
 * Kendall's tau over the pairs that share a group (e.g. two cells in one page, compared by their
 * offsets), or null when no group holds two items with distinct keys.
 */
export function pooledKendall(items: { group: number; key: number; truth: number }[]): { tau: number; pairs: number } | null {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i]!;
      const b = items[j]!;
      if (a.group !== b.group || a.key === b.key) continue;
      sum += Math.sign(a.key - b.key) * Math.sign(a.truth - b.truth);
      pairs++;
    }
  }
  return pairs === 0 ? null : { tau: sum / pairs, pairs };
}

export interface DiskItem {
  /** byte strings that only this item's rows hold (its reference, windows of its sealed bytes) */
  needles: Uint8Array[];
  /** its true position in the order of arrival */
  truth: number;
}

export interface Ordering {
  name: string;
  /** items it could place */
  n: number;
  /** Spearman's rho (or pooled Kendall's tau for orders within a page) against the arrival order */
  correlation: number;
}

export interface DiskFiles {
  db: Uint8Array;
  wal?: Uint8Array | undefined;
  shm?: Uint8Array | undefined;
}

/** Every offset at which `needle` occurs in `hay`. */
function occurrences(hay: Buffer, needle: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + 1)) out.push(at);
  return out;
}

const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/**
 * Every order the files give the items: per b-tree, the page, the position in the file, the first
 * overflow page and the rowid of their cells, and the offsets of cells sharing a page; the first
 * and last WAL frame holding them; the wal-index slot of their pages; their pages' place in the
 * free list. Also counts needles found outside any live cell: in free pages, in pages no b-tree
 * owns, or in the free space of a live page.
 */
export function diskOrderings(
  files: DiskFiles,
  items: DiskItem[],
): { orderings: Ordering[]; leftovers: number; leftoversAt: string[]; found: number } {
  const orderings: Ordering[] = [];
  const add = (name: string, pairs: { key: number; truth: number }[], minimum = Math.max(8, Math.floor(items.length / 3))) => {
    if (pairs.length < minimum) return;
    const rho = spearman(
      pairs.map((p) => p.key),
      pairs.map((p) => p.truth),
    );
    if (rho !== null) orderings.push({ name, n: pairs.length, correlation: rho });
  };
  const itemPages = items.map(() => new Set<number>());
  const seen = items.map(() => false);
  const wal = files.wal ? parseWal(files.wal) : { pageSize: 0, frames: [] };
  const images: [string, Uint8Array][] = [['main file', files.db]];
  if (files.wal && wal.frames.some((f) => f.current && f.commit)) images.push(['with the WAL applied', applyWal(files.db, files.wal)]);
  let leftovers = 0;
  const leftoversAt: string[] = [];
  let db = parseDatabase(files.db);

  for (const [imageName, image] of images) {
    db = parseDatabase(image);
    const hay = asBuffer(image);
    const cellsOfPage = new Map<number, Cell[]>();
    const cellOfOverflow = new Map<number, Cell>();
    for (const c of db.cells) {
      cellsOfPage.set(c.page, [...(cellsOfPage.get(c.page) ?? []), c]);
      for (const p of c.overflowPages) cellOfOverflow.set(p, c);
    }
    // Which cells hold each item: every occurrence of its needles, mapped to the cell around it.
    const cellsOf = items.map(() => new Set<Cell>());
    items.forEach((item, i) => {
      for (const needle of item.needles) {
        for (const at of occurrences(hay, needle)) {
          const page = Math.floor(at / db.pageSize) + 1;
          const within = at % db.pageSize;
          const overflow = cellOfOverflow.get(page);
          const cell = overflow ?? (cellsOfPage.get(page) ?? []).find((c) => c.offset <= within && within < c.offset + c.size);
          if (cell) cellsOf[i]!.add(cell);
          else {
            leftovers++;
            leftoversAt.push(`${imageName}: item ${i} page ${page} (${db.pageOwner.get(page) ?? 'no owner'}) offset ${within}`);
          }
        }
      }
      if (cellsOf[i]!.size > 0) seen[i] = true;
      for (const c of cellsOf[i]!) {
        itemPages[i]!.add(c.page);
        for (const p of c.overflowPages) itemPages[i]!.add(p);
      }
    });
    for (const object of [...new Set(db.cells.map((c) => c.object))]) {
      const label = `${imageName}, ${object}`;
      const mine = items.map((_, i) => [...cellsOf[i]!].filter((c) => c.object === object));
      const placed = items.map((_, i) => i).filter((i) => mine[i]!.length > 0);
      const position = (c: Cell) => (c.page - 1) * db.pageSize + c.offset;
      const first = (i: number) => mine[i]!.reduce((a, b) => (position(b) < position(a) ? b : a));
      const truth = (i: number) => items[i]!.truth;
      add(
        `${label}: page`,
        placed.map((i) => ({ key: first(i).page, truth: truth(i) })),
      );
      add(
        `${label}: position in file`,
        placed.map((i) => ({ key: position(first(i)), truth: truth(i) })),
      );
      const overflowed = placed.filter((i) => mine[i]!.some((c) => c.overflowPages.length > 0));
      add(
        `${label}: first overflow page`,
        overflowed.map((i) => ({ key: Math.min(...mine[i]!.flatMap((c) => c.overflowPages)), truth: truth(i) })),
      );
      const rowids = placed.filter((i) => mine[i]!.some((c) => c.rowid !== null));
      add(
        `${label}: rowid`,
        rowids.map((i) => ({ key: Math.min(...mine[i]!.map((c) => Number(c.rowid ?? Infinity))), truth: truth(i) })),
      );
      const within = pooledKendall(placed.map((i) => ({ group: first(i).page, key: first(i).offset, truth: truth(i) })));
      if (within && within.pairs >= 10)
        orderings.push({ name: `${label}: cell offsets within a page`, n: within.pairs, correlation: within.tau });
    }
  }

  // WAL frames, current and stale.
  const firstFrame = items.map(() => Infinity);
  const lastFrame = items.map(() => -Infinity);
  if (files.wal && wal.pageSize > 0) {
    const hay = asBuffer(files.wal);
    const frameSize = 24 + wal.pageSize;
    items.forEach((item, i) => {
      for (const needle of item.needles) {
        for (const at of occurrences(hay, needle)) {
          const frame = wal.frames[Math.floor((at - 32) / frameSize)];
          if (!frame) continue;
          seen[i] = true;
          itemPages[i]!.add(frame.pgno);
          firstFrame[i] = Math.min(firstFrame[i]!, frame.index);
          lastFrame[i] = Math.max(lastFrame[i]!, frame.index);
        }
      }
    });
  }
  const inWal = items.map((_, i) => i).filter((i) => Number.isFinite(firstFrame[i]));
  add(
    'WAL: first frame',
    inWal.map((i) => ({ key: firstFrame[i]!, truth: items[i]!.truth })),
  );
  add(
    'WAL: last frame',
    inWal.map((i) => ({ key: lastFrame[i]!, truth: items[i]!.truth })),
  );

  // The wal-index: the first slot that names one of the item's pages.
  const shm = files.shm ? parseShm(files.shm) : [];
  const slotOf = new Map<number, number>();
  shm.forEach((pgno, slot) => {
    if (pgno !== 0 && !slotOf.has(pgno)) slotOf.set(pgno, slot);
  });
  const shmSlots = items.map((_, i) => Math.min(...[...itemPages[i]!].map((p) => slotOf.get(p) ?? Infinity)));
  add(
    'SHM: first slot of its pages',
    items
      .map((_, i) => i)
      .filter((i) => Number.isFinite(shmSlots[i]))
      .map((i) => ({ key: shmSlots[i]!, truth: items[i]!.truth })),
  );

  // The free list: where the pages that held the item (by the WAL) now sit in it.
  const freeAt = new Map(db.freePages.map((p, i) => [p, i]));
  const freeSlots = items.map((_, i) => Math.min(...[...itemPages[i]!].map((p) => freeAt.get(p) ?? Infinity)));
  add(
    'free list: position of its former pages',
    items
      .map((_, i) => i)
      .filter((i) => Number.isFinite(freeSlots[i]))
      .map((i) => ({ key: freeSlots[i]!, truth: items[i]!.truth })),
  );
  return { orderings, leftovers, leftoversAt, found: seen.filter(Boolean).length };
}
