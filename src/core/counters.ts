// Counters shared by every process or isolate of one deployment (issue 14 §7): the no-JavaScript
// cap (requests per sliding minute, for everyone together) and the failed-login count that raises
// the login proof of work. Times only, never who: nothing about a caller is counted (DESIGN
// promise 2). The Node server keeps them in its memory (MemoryCounters: one process is the whole
// deployment); the Workers entry keeps them in one Durable Object, in that object's memory too
// (src/store/durable-counters.ts), so that every isolate shares one count and nothing is ever
// written to storage.

export interface Counters {
  /** Takes one slot of `name`'s cap of `limit` per sliding `windowMs`; false (nothing taken) if full. */
  take(name: string, limit: number, windowMs: number): Promise<boolean>;
  /** Records one event of `name`, keeping at most `cap` of them. */
  add(name: string, windowMs: number, cap: number): Promise<void>;
  /** How many events of `name` happened in the last `windowMs`. */
  count(name: string, windowMs: number): Promise<number>;
}

/** Counters in this process's memory: times of recent events, oldest first, per name. */
export class MemoryCounters implements Counters {
  private readonly times = new Map<string, number[]>();

  constructor(private readonly clock: () => number = () => Date.now()) {}

  private recent(name: string, windowMs: number): number[] {
    const now = this.clock();
    const list = this.times.get(name) ?? [];
    while (list.length > 0 && (list[0] as number) <= now - windowMs) list.shift();
    this.times.set(name, list);
    return list;
  }

  takeNow(name: string, limit: number, windowMs: number): boolean {
    const list = this.recent(name, windowMs);
    if (list.length >= limit) return false;
    list.push(this.clock());
    return true;
  }

  addNow(name: string, windowMs: number, cap: number): void {
    const list = this.recent(name, windowMs);
    if (list.length < cap) list.push(this.clock());
  }

  countNow(name: string, windowMs: number): number {
    return this.recent(name, windowMs).length;
  }

  async take(name: string, limit: number, windowMs: number): Promise<boolean> {
    return this.takeNow(name, limit, windowMs);
  }

  async add(name: string, windowMs: number, cap: number): Promise<void> {
    this.addNow(name, windowMs, cap);
  }

  async count(name: string, windowMs: number): Promise<number> {
    return this.countNow(name, windowMs);
  }
}
