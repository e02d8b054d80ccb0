// Clears what SQLite's secure_delete leaves behind (issue 13, items 1 and 5). secure_delete zeroes
// a deleted cell and a freed page, but when SQLite rebuilds a b-tree page (rebalancing it after a
// split, or copying a node), it writes the cells packed at the page's end and leaves the bytes
// between the cell-pointer array and the new cell content area as they were: older copies of
// cells, including cells since deleted, and traces of the order they were written in. This file
// reads the page numbers a WAL file holds (the pages written since the last checkpoint), and,
// with the database closed, zeroes the unused space of those pages — the gap and the bodies of
// free blocks — in place, after checking each page's header against the file format
// (https://www.sqlite.org/fileformat2.html, "B-tree Pages"); a page that does not check out is
// left alone. Node only (it writes the file with node:fs); called by sqlite.ts's scrub().

import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';

/** The page number of every frame physically in a WAL file, current or left from an earlier generation. */
export function walPages(walPath: string): number[] {
  if (!existsSync(walPath)) return [];
  const wal = readFileSync(walPath);
  if (wal.length < 32) return [];
  const pageSize = wal.readUInt32BE(8);
  if (pageSize < 512 || pageSize > 65536) return [];
  const out: number[] = [];
  for (let o = 32; o + 24 + pageSize <= wal.length; o += 24 + pageSize) out.push(wal.readUInt32BE(o));
  return out;
}

/**
 * Zeroes the unused bytes of a b-tree page in place (the gap between the cell-pointer array and
 * the cell content area, and the bodies of free blocks); false if the page is not a b-tree page
 * whose header checks out, or had nothing to zero.
 */
export function zeroUnusedSpace(page: Buffer, headerOffset: number, usable: number): boolean {
  const h = headerOffset;
  const type = page[h];
  if (type !== 2 && type !== 5 && type !== 10 && type !== 13) return false;
  const cells = page.readUInt16BE(h + 3);
  const content = page.readUInt16BE(h + 5) || 65536;
  const pointersEnd = h + (type === 2 || type === 5 ? 12 : 8) + 2 * cells;
  if (pointersEnd > content || content > usable) return false;
  for (let i = 0; i < cells; i++) {
    const at = page.readUInt16BE(pointersEnd - 2 * cells + 2 * i);
    if (at < content || at >= usable) return false;
  }
  const ranges: [number, number][] = [[pointersEnd, content]];
  for (let block = page.readUInt16BE(h + 1), seen = 0; block !== 0; seen++) {
    if (block < content || block + 4 > usable || seen > usable / 4) return false;
    const next = page.readUInt16BE(block);
    const size = page.readUInt16BE(block + 2);
    if (size < 4 || block + size > usable || (next !== 0 && next < block + size)) return false;
    ranges.push([block + 4, block + size]);
    block = next;
  }
  let changed = false;
  for (const [from, to] of ranges) {
    for (let i = from; i < to; i++) {
      if (page[i] !== 0) {
        changed = true;
        break;
      }
    }
    if (changed) break;
  }
  if (!changed) return false;
  for (const [from, to] of ranges) page.fill(0, from, to);
  return true;
}

/**
 * Zeroes the unused space of these pages of a database file that no connection has open (its
 * WAL checkpointed and gone). Returns how many pages changed.
 */
export function zeroUnusedSpaceOf(dbPath: string, pages: Iterable<number>): number {
  const fd = openSync(dbPath, 'r+');
  try {
    const header = Buffer.alloc(100);
    if (readSync(fd, header, 0, 100, 0) < 100 || header.toString('latin1', 0, 15) !== 'SQLite format 3') return 0;
    const raw = header.readUInt16BE(16);
    const pageSize = raw === 1 ? 65536 : raw;
    const usable = pageSize - (header[20] as number);
    const count = Math.floor(fstatSync(fd).size / pageSize);
    // Above 2^24 pages, a free-list or overflow page could start with a b-tree type byte.
    if (count >= 1 << 24) return 0;
    const page = Buffer.alloc(pageSize);
    let changed = 0;
    for (const n of new Set(pages)) {
      if (!Number.isInteger(n) || n < 1 || n > count) continue;
      if (readSync(fd, page, 0, pageSize, (n - 1) * pageSize) < pageSize) continue;
      if (zeroUnusedSpace(page, n === 1 ? 100 : 0, usable)) {
        writeSync(fd, page, 0, pageSize, (n - 1) * pageSize);
        changed++;
      }
    }
    if (changed > 0) fsyncSync(fd);
    return changed;
  } finally {
    closeSync(fd);
  }
}
