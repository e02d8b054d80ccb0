// Slows staff-login guessing down without locking anyone out (issue "officer console": repeated
// failures slow down, never by address — DESIGN promise 2: no address is read). Every failed
// login in the last 15 minutes, from anyone, raises the proof of work the next login challenges
// ask for: the configured bits plus about log2 of the recent failures, capped. A flood of bad
// logins makes every login cost seconds of hashing instead of milliseconds, for a while.

const WINDOW_MS = 15 * 60 * 1000;
const MAX_EXTRA_BITS = 10;

export class LoginThrottle {
  private readonly failures: number[] = [];

  constructor(
    private readonly baseBits: number,
    private readonly clock: () => number,
  ) {}

  private prune(now: number): void {
    while (this.failures.length > 0 && (this.failures[0] as number) <= now - WINDOW_MS) this.failures.shift();
  }

  recordFailure(): void {
    const now = this.clock();
    this.prune(now);
    // Bounded memory: beyond this many the difficulty is at its cap anyway.
    if (this.failures.length < 1 << (MAX_EXTRA_BITS + 1)) this.failures.push(now);
  }

  /** The difficulty a login challenge issued now asks for. */
  bits(): number {
    this.prune(this.clock());
    const extra = Math.min(MAX_EXTRA_BITS, Math.ceil(Math.log2(1 + this.failures.length)));
    return this.baseBits + extra;
  }
}
