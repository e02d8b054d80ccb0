// Small byte helpers shared by the metadata strippers (DESIGN promise 3): bounds-checked
// big/little-endian reads, ASCII comparisons and a part list that is concatenated once, so a
// rebuilt file costs one copy of its kept bytes (no quadratic growth).

export function u16be(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}
export function u32be(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
}
export function u16le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}
export function u32le(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
}

/** True when `b` holds the ASCII string `s` at offset `at` (false if it runs past the end). */
export function asciiAt(b: Uint8Array, at: number, s: string): boolean {
  if (at < 0 || at + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** Latin-1 decoding of a byte range, for four-character codes and short identifiers. */
export function latin1(b: Uint8Array, from: number, to: number): string {
  let s = '';
  const end = Math.min(to, b.length);
  for (let i = Math.max(0, from); i < end; i++) s += String.fromCharCode(b[i] ?? 0);
  return s;
}

/** Ordered list of byte ranges (usually views into the input) joined once at the end. */
export class PartList {
  private readonly parts: Uint8Array[] = [];
  private total = 0;
  push(part: Uint8Array): void {
    if (part.length === 0) return;
    this.parts.push(part);
    this.total += part.length;
  }
  /** Appends another list's parts (no copy). */
  pushList(other: PartList): void {
    for (const p of other.parts) this.push(p);
  }
  get length(): number {
    return this.total;
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.total);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
