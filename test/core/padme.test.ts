import { describe, expect, it } from 'vitest';
import { PADME_FLOOR, padmeLength } from '../../src/core/padme.ts';

// Values computed by hand from Algorithm 1 of Nikitin et al., PETS 2019:
// E = floor(log2 L), S = floor(log2 E) + 1, lastBits = E - S, round L up to a multiple of 2^lastBits.
const KNOWN: [number, number][] = [
  [0, PADME_FLOOR],
  [1, PADME_FLOOR],
  [512, 512],
  [513, 544], // E=9, S=4, lastBits=5 → multiple of 32
  [1000, 1024],
  [1025, 1088], // E=10, S=4, lastBits=6 → multiple of 64
  [65_535, 65_536], // E=15, S=4, lastBits=11
  [65_537, 67_584], // E=16, S=5, lastBits=11 → 33·2048
  [1_000_000, 1_015_808], // E=19, S=5, lastBits=14 → 62·16384
  [2 ** 30 - 1, 2 ** 30], // E=29, S=5, lastBits=24
  [2 ** 30 + 1, 2 ** 30 + 2 ** 25], // E=30, S=5, lastBits=25
];

describe('PADMÉ padding', () => {
  it.each(KNOWN)('pads %i bytes to %i', (length, padded) => {
    expect(padmeLength(length)).toBe(padded);
  });

  it('never shrinks, never adds more than 12% above the floor, and is idempotent', () => {
    for (let length = PADME_FLOOR; length < 3_000_000; length = Math.ceil(length * 1.013) + 7) {
      const padded = padmeLength(length);
      expect(padded).toBeGreaterThanOrEqual(length);
      expect((padded - length) / length).toBeLessThanOrEqual(0.12);
      expect(padmeLength(padded)).toBe(padded);
    }
  });

  it('maps many lengths onto few sizes', () => {
    const sizes = new Set<number>();
    for (let length = 10_000; length < 20_000; length++) sizes.add(padmeLength(length));
    expect(sizes.size).toBeLessThan(40);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53])('refuses the length %s', (length) => {
    expect(() => padmeLength(length)).toThrow(RangeError);
  });
});
