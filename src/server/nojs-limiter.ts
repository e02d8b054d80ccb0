// A global cap on the no-JavaScript path (DESIGN promises 2 and 9): that path cannot ask for a
// proof of work, and it costs the server a key derivation and a key generation per request, so
// the whole server accepts at most `perMinute` such requests in any sliding minute — for
// everyone together, never per address (no address is ever read). Memory only, per process.

export class NoJsLimiter {
  private readonly times: number[] = [];

  constructor(
    private readonly perMinute: number,
    private readonly clock: () => number,
  ) {}

  /** Takes one slot; false if the minute is full. */
  take(): boolean {
    const now = this.clock();
    while (this.times.length > 0 && (this.times[0] as number) <= now - 60_000) this.times.shift();
    if (this.times.length >= this.perMinute) return false;
    this.times.push(now);
    return true;
  }
}
