// Slows staff-login guessing down without locking anyone out (issue "officer console": repeated
// failures slow down, never by address — DESIGN promise 2: no address is read). Every failed
// login in the last 15 minutes, from anyone, raises the proof of work the next login challenges
// ask for: the configured bits plus about log2 of the recent failures, capped. A flood of bad
// logins makes every login cost seconds of hashing instead of milliseconds, for a while. The
// failures are counted for the whole deployment (core/counters.ts: one Durable Object on Workers).

import type { Counters } from '../core/counters.ts';

const WINDOW_MS = 15 * 60 * 1000;
const MAX_EXTRA_BITS = 10;
const NAME = 'login-failures';

export class LoginThrottle {
  constructor(
    private readonly baseBits: number,
    private readonly counters: Counters,
  ) {}

  /** Bounded memory: beyond this many the difficulty is at its cap anyway. */
  recordFailure(): Promise<void> {
    return this.counters.add(NAME, WINDOW_MS, 1 << (MAX_EXTRA_BITS + 1));
  }

  /** The difficulty a login challenge issued now asks for. */
  async bits(): Promise<number> {
    const extra = Math.min(MAX_EXTRA_BITS, Math.ceil(Math.log2(1 + (await this.counters.count(NAME, WINDOW_MS)))));
    return this.baseBits + extra;
  }
}
