// The deployment-wide counters on Workers (issue 14 §7): one Durable Object, `RelaisCounters`,
// holds the counts in its memory — never in its storage, so no count or time of a resident's
// request is ever written anywhere — and every isolate asks it through DurableCounters. A
// Durable Object is one instance for the whole deployment, so the no-JS cap and the login
// throttle hold for all isolates together. If the object cannot be reached, an isolate falls
// back to counting in its own memory (the cap then holds per isolate) and says so once.
// Runtime-specific: the Workers entry only.

import { type Counters, MemoryCounters } from '../core/counters.ts';

/** The part of a Durable Object namespace binding this adapter uses (structural). */
export interface DurableNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(input: string, init?: RequestInit): Promise<Response> };
}

const NAME = /^[a-z-]{1,32}$/;

function positive(text: string | null, max: number): number | null {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 && n <= max ? n : null;
}

/** The Durable Object class (wrangler.toml: durable_objects.bindings COUNTERS). Memory only. */
export class RelaisCounters {
  private readonly memory = new MemoryCounters();

  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const name = url.searchParams.get('name') ?? '';
    const windowMs = positive(url.searchParams.get('window'), 86_400_000);
    const limit = positive(url.searchParams.get('limit'), 1_000_000);
    if (!NAME.test(name) || windowMs === null || limit === null) return new Response('bad request', { status: 400 });
    if (url.pathname === '/take') return Response.json({ value: this.memory.takeNow(name, limit, windowMs) });
    if (url.pathname === '/add') {
      this.memory.addNow(name, windowMs, limit);
      return Response.json({ value: true });
    }
    if (url.pathname === '/count') return Response.json({ value: this.memory.countNow(name, windowMs) });
    return new Response('not found', { status: 404 });
  }
}

export class DurableCounters implements Counters {
  private readonly fallback = new MemoryCounters();
  private warned = false;

  constructor(
    private readonly namespace: DurableNamespaceLike,
    private readonly log: (line: string) => void,
  ) {}

  private async call(op: 'take' | 'add' | 'count', name: string, windowMs: number, limit: number): Promise<number | boolean | null> {
    try {
      const stub = this.namespace.get(this.namespace.idFromName('relais-counters'));
      const res = await stub.fetch(`https://counters/${op}?name=${name}&window=${windowMs}&limit=${limit}`);
      if (!res.ok) throw new Error(`status ${res.status}`);
      return ((await res.json()) as { value: number | boolean }).value;
    } catch (e) {
      if (!this.warned)
        this.log(`the counters object cannot be reached (${e instanceof Error ? e.name : 'error'}): counting in this isolate only`);
      this.warned = true;
      return null;
    }
  }

  async take(name: string, limit: number, windowMs: number): Promise<boolean> {
    const value = await this.call('take', name, windowMs, limit);
    return value === null ? this.fallback.takeNow(name, limit, windowMs) : value === true;
  }

  async add(name: string, windowMs: number, cap: number): Promise<void> {
    if ((await this.call('add', name, windowMs, cap)) === null) this.fallback.addNow(name, windowMs, cap);
  }

  async count(name: string, windowMs: number): Promise<number> {
    const value = await this.call('count', name, windowMs, 1);
    return typeof value === 'number' ? value : this.fallback.countNow(name, windowMs);
  }
}
