// A streaming multipart/form-data reader (RFC 7578 over RFC 2046 §5.1.1) for untrusted bodies
// (DESIGN promise 10: bounded memory before any check). It reads one part at a time from a
// ReadableStream and the caller decides, from each part's headers, whether to read it and up to
// how many bytes, so a body is refused at its first bad field without reading the rest, and no
// part is ever held beyond its cap. Web streams only: the same code runs on Node and Workers.

/** malformed: not a form; part_too_large: a part passed its cap; body_too_large: the body passed its cap */
export type MultipartProblem = 'malformed' | 'part_too_large' | 'body_too_large';

export class MultipartError extends Error {
  constructor(readonly problem: MultipartProblem) {
    super(problem);
  }
}

export interface PartHead {
  name: string;
  /** the filename parameter, if any (a file field); never used as a path */
  filename: string | null;
  contentType: string | null;
}

const CR = 13;
const LF = 10;
const DASH = 45;
/** A part's header block is a few short lines; anything longer is not a form. */
const MAX_HEAD_BYTES = 2048;
/** How much of a part's start a probe is shown, at most. */
const PROBE_MAX_BYTES = 64 * 1024;
/** What may follow the closing delimiter (a final CRLF) before the body must end. */
const MAX_EPILOGUE_BYTES = 512;

/** The boundary of a multipart/form-data Content-Type, or null. */
export function multipartBoundary(contentType: string | null): string | null {
  if (!contentType) return null;
  const m = /^multipart\/form-data\s*;(?:.*;)?\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))\s*(?:;.*)?$/i.exec(contentType.trim());
  return m ? ((m[1] ?? m[2]) as string) : null;
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0] as number;
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && (chunks[0] as Uint8Array).length === total) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function parseHead(text: string): PartHead | null {
  let disposition: string | null = null;
  let contentType: string | null = null;
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) return null;
  const params = new Map<string, string>();
  for (const m of disposition.matchAll(/;\s*([A-Za-z*]+)\s*=\s*(?:"([^"]*)"|([^;\s"]*))/g)) {
    params.set((m[1] as string).toLowerCase(), (m[2] ?? m[3]) as string);
  }
  const name = params.get('name');
  if (name === undefined || name.length > 100) return null;
  return { name, filename: params.get('filename') ?? null, contentType };
}

export class MultipartReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  /** "\r\n--boundary": every delimiter but the first is preceded by CRLF */
  private readonly delimiter: Uint8Array;
  private buf: Uint8Array = new Uint8Array(0);
  private ended = false;
  private total = 0;
  /** where the reader stands: before a part's head, inside its data, or after the close */
  private state: 'start' | 'head' | 'data' | 'done' = 'start';

  constructor(
    stream: ReadableStream<Uint8Array>,
    boundary: string,
    private readonly maxTotal: number,
  ) {
    this.reader = stream.getReader();
    this.delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
  }

  /** Bytes read from the stream so far. */
  get bytesRead(): number {
    return this.total;
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const { done, value } = await this.reader.read();
    if (done || !value) {
      this.ended = true;
      return false;
    }
    this.total += value.length;
    if (this.total > this.maxTotal) throw new MultipartError('body_too_large');
    this.buf = this.buf.length === 0 ? value : concat([this.buf, value], this.buf.length + value.length);
    return true;
  }

  /** Ensures `n` bytes are buffered; false if the stream ended first. */
  private async need(n: number): Promise<boolean> {
    while (this.buf.length < n) if (!(await this.pull())) return false;
    return true;
  }

  /** After a delimiter: "--" closes the body; otherwise optional spaces and CRLF open a part. */
  private async afterDelimiter(): Promise<void> {
    if (!(await this.need(2))) throw new MultipartError('malformed');
    if (this.buf[0] === DASH && this.buf[1] === DASH) {
      this.state = 'done';
      this.buf = this.buf.subarray(2);
      // Only a line break (and a short epilogue) may follow; the stream must then end.
      while (await this.pull()) if (this.buf.length > MAX_EPILOGUE_BYTES) throw new MultipartError('malformed');
      return;
    }
    let i = 0;
    for (;;) {
      if (!(await this.need(i + 2))) throw new MultipartError('malformed');
      const b = this.buf[i];
      if (b === 32 || b === 9) {
        if (++i > 64) throw new MultipartError('malformed');
        continue;
      }
      if (b === CR && this.buf[i + 1] === LF) break;
      throw new MultipartError('malformed');
    }
    this.buf = this.buf.subarray(i + 2);
    this.state = 'head';
  }

  /** The next part's head, or null after the closing delimiter. Skips an unread part's data. */
  async next(): Promise<PartHead | null> {
    if (this.state === 'start') {
      // The body opens with the first delimiter (no preamble), i.e. the delimiter without its CRLF.
      const first = this.delimiter.subarray(2);
      if (!(await this.need(first.length))) throw new MultipartError('malformed');
      for (let i = 0; i < first.length; i++) if (this.buf[i] !== first[i]) throw new MultipartError('malformed');
      this.buf = this.buf.subarray(first.length);
      await this.afterDelimiter();
    } else if (this.state === 'data') {
      await this.read(0, undefined, true);
    }
    if (this.state === 'done') return null;
    let end = -1;
    for (;;) {
      end = indexOfBytes(this.buf, new Uint8Array([CR, LF, CR, LF]), 0);
      if (end !== -1) break;
      if (this.buf.length > MAX_HEAD_BYTES || !(await this.pull())) throw new MultipartError('malformed');
    }
    if (end > MAX_HEAD_BYTES) throw new MultipartError('malformed');
    const head = parseHead(new TextDecoder('utf-8', { fatal: false }).decode(this.buf.subarray(0, end)));
    if (!head) throw new MultipartError('malformed');
    this.buf = this.buf.subarray(end + 4);
    this.state = 'data';
    return head;
  }

  /**
   * The current part's data, refusing (part_too_large) as soon as it passes `max` bytes. `probe`
   * is shown the part's start as it grows (up to 64 KB) until it returns true, and may throw to
   * refuse the part before the rest is read. `discard` reads past it without keeping anything.
   */
  async read(max: number, probe?: (prefix: Uint8Array) => boolean, discard = false): Promise<Uint8Array> {
    if (this.state !== 'data') throw new MultipartError('malformed');
    const chunks: Uint8Array[] = [];
    let size = 0;
    let probing = probe !== undefined;
    const keep = (bytes: Uint8Array) => {
      if (discard || bytes.length === 0) return;
      size += bytes.length;
      if (size > max) throw new MultipartError('part_too_large');
      // A copy, so the part does not pin the whole network chunk it came in.
      chunks.push(bytes.slice());
      if (probing) {
        const prefix = concat(chunks, size).subarray(0, PROBE_MAX_BYTES);
        probing = !(probe as (prefix: Uint8Array) => boolean)(prefix) && size < PROBE_MAX_BYTES;
      }
    };
    const d = this.delimiter;
    for (;;) {
      const at = indexOfBytes(this.buf, d, 0);
      if (at !== -1) {
        keep(this.buf.subarray(0, at));
        this.buf = this.buf.subarray(at + d.length);
        await this.afterDelimiter();
        return concat(chunks, size);
      }
      // Everything but a possible start of the delimiter is data.
      const safe = Math.max(0, this.buf.length - (d.length - 1));
      keep(this.buf.subarray(0, safe));
      this.buf = this.buf.subarray(safe);
      if (!(await this.pull())) throw new MultipartError('malformed');
    }
  }

  /** Stops reading; the rest of the body is left to the runtime (never buffered). */
  release(): void {
    this.reader.releaseLock();
  }
}
