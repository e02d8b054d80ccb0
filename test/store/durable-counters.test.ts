// The deployment-wide counters (issue 14 §7): two isolates, each with its own DurableCounters, ask
// one RelaisCounters object — as every isolate of a Workers deployment asks the one Durable
// Object of that name — so the no-JS cap and the login throttle hold for them together. An
// isolate that cannot reach the object counts alone and says so once.
import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/server/login-throttle.ts';
import { NoJsLimiter } from '../../src/server/nojs-limiter.ts';
import { DurableCounters, type DurableNamespaceLike, RelaisCounters } from '../../src/store/durable-counters.ts';

function namespaceOf(object: RelaisCounters): DurableNamespaceLike {
  return { idFromName: (name) => name, get: () => ({ fetch: (input) => object.fetch(new Request(input)) }) };
}

describe('counters shared through one Durable Object', () => {
  it('cap no-JS requests for two isolates together, and raise the login proof of work for both', async () => {
    const object = new RelaisCounters();
    const [a, b] = [new DurableCounters(namespaceOf(object), () => {}), new DurableCounters(namespaceOf(object), () => {})];
    const [capA, capB] = [new NoJsLimiter(a, 'nojs', 30), new NoJsLimiter(b, 'nojs', 30)];
    const taken: boolean[] = [];
    for (let i = 0; i < 30; i++) taken.push(await (i % 2 ? capA : capB).take());
    expect(taken.every(Boolean)).toBe(true);
    expect([await capA.take(), await capB.take()]).toEqual([false, false]);
    // Another cap is counted apart.
    expect(await new NoJsLimiter(a, 'nojs-witness', 10).take()).toBe(true);

    const [throttleA, throttleB] = [new LoginThrottle(10, a), new LoginThrottle(10, b)];
    expect(await throttleB.bits()).toBe(10);
    for (let i = 0; i < 3; i++) await throttleA.recordFailure();
    expect(await throttleB.bits()).toBe(12);
  });

  it('refuse malformed questions to the object', async () => {
    const object = new RelaisCounters();
    for (const url of [
      'https://c/take?name=NOJS&window=60000&limit=1',
      'https://c/take?name=nojs&window=0&limit=1',
      'https://c/take?name=nojs&window=6e4&limit=x',
      'https://c/other?name=nojs&window=60000&limit=1',
    ])
      expect((await object.fetch(new Request(url))).status).toBeGreaterThanOrEqual(400);
  });

  it('count in the isolate alone when the object cannot be reached, and say so once', async () => {
    const lines: string[] = [];
    const broken: DurableNamespaceLike = { idFromName: (n) => n, get: () => ({ fetch: () => Promise.reject(new TypeError('down')) }) };
    const counters = new DurableCounters(broken, (l) => lines.push(l));
    const cap = new NoJsLimiter(counters, 'nojs', 2);
    expect([await cap.take(), await cap.take(), await cap.take()]).toEqual([true, true, false]);
    expect(lines).toEqual(['the counters object cannot be reached (TypeError): counting in this isolate only']);
  });
});
