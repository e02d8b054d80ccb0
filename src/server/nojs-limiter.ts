// A global cap on the no-JavaScript path (DESIGN promises 2 and 9): that path cannot ask for a
// proof of work, and it costs the server a key derivation and a key generation per request, so
// the whole deployment accepts at most `perMinute` such requests in any sliding minute — for
// everyone together, never per address (no address is ever read). The count lives in the shared
// Counters (core/counters.ts): the Node process's memory, or one Durable Object on Workers.

import type { Counters } from '../core/counters.ts';

export class NoJsLimiter {
  constructor(
    private readonly counters: Counters,
    private readonly name: string,
    private readonly perMinute: number,
  ) {}

  /** Takes one slot; false if the minute is full. */
  take(): Promise<boolean> {
    return this.counters.take(this.name, this.perMinute, 60_000);
  }
}
