// A bound on the request bodies the server holds at once (DESIGN promise 10: a flood cannot make
// the server hold more than a bounded memory). Every route that reads a body first takes a slot
// here, after its cheap checks (proof of work, token, session) and before reading a byte: at most
// `maxConcurrent` bodies at a time, and at most `maxBytes` of declared (or, for a body without a
// length, largest allowed) size together — though one body is always let in when none is held,
// so a single upload of the largest allowed size always gets through. Past that the route answers
// 503 server_busy with Retry-After. Memory only, per process (on Workers: per isolate).

export type Release = () => void;

export class BodyGate {
  private inFlight = 0;
  private bytes = 0;

  constructor(
    readonly maxConcurrent: number,
    readonly maxBytes: number,
    /** a body that sends nothing for this long is answered 408 body_timeout */
    readonly idleMs = 30_000,
  ) {}

  /** Reserves room for a body of `bytes`; null when the gate is full. */
  tryEnter(bytes: number): Release | null {
    if (this.inFlight >= this.maxConcurrent) return null;
    if (this.inFlight > 0 && this.bytes + bytes > this.maxBytes) return null;
    this.inFlight++;
    this.bytes += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.bytes -= bytes;
    };
  }

  /** Bodies held and bytes reserved now (for tests and benchmarks). */
  get load(): { bodies: number; bytes: number } {
    return { bodies: this.inFlight, bytes: this.bytes };
  }
}

/** How long a client refused as busy should wait before trying again, in seconds. */
export const BUSY_RETRY_SECONDS = 5;
