// Tree-shape arithmetic without 32-bit bit operators, up to 2^53 - 1.
import { describe, expect, test } from 'vitest';
import { largestPowerOfTwoAtMost, largestPowerOfTwoBelow, perfectSubtrees, popcount, trailingOnes } from '../../src/core/tlog/tree-math.ts';

describe('tree-shape arithmetic', () => {
  test('the largest power of two at most n is exact around every power up to 2^53, where Math.log2 rounds', () => {
    // Math.log2(2^53 - 1) is exactly 53 in IEEE doubles: the correction step must catch it.
    expect(largestPowerOfTwoAtMost(Number.MAX_SAFE_INTEGER)).toBe(2 ** 52);
    for (let k = 1; k <= 52; k++) {
      const p = 2 ** k;
      expect(largestPowerOfTwoAtMost(p - 1), `2^${k} - 1`).toBe(p / 2);
      expect(largestPowerOfTwoAtMost(p), `2^${k}`).toBe(p);
      expect(largestPowerOfTwoAtMost(p + 1), `2^${k} + 1`).toBe(p);
      expect(largestPowerOfTwoBelow(p), `below 2^${k}`).toBe(p / 2);
      expect(largestPowerOfTwoBelow(p + 1), `below 2^${k} + 1`).toBe(p);
    }
    expect(largestPowerOfTwoAtMost(1)).toBe(1);
  });

  test('popcount and trailing ones are right beyond 32 bits', () => {
    expect(popcount(Number.MAX_SAFE_INTEGER)).toBe(53);
    expect(popcount(2 ** 52)).toBe(1);
    expect(popcount(2 ** 40 + 5)).toBe(3);
    expect(popcount(0)).toBe(0);
    expect(trailingOnes(Number.MAX_SAFE_INTEGER)).toBe(53);
    expect(trailingOnes(2 ** 33 - 1)).toBe(33);
    expect(trailingOnes(2 ** 33)).toBe(0);
    for (let n = 0; n < 4096; n++) {
      expect(popcount(n)).toBe(n.toString(2).replace(/0/g, '').length);
      expect(trailingOnes(n)).toBe(/1*$/.exec(n.toString(2))![0].length);
    }
  });

  test('the perfect subtrees of [0, n) follow the binary digits of n, largest first', () => {
    expect(perfectSubtrees(0, 13)).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    const huge = perfectSubtrees(0, Number.MAX_SAFE_INTEGER);
    expect(huge).toHaveLength(53);
    expect(huge[0]).toEqual({ level: 52, index: 0 });
    expect(huge[52]).toEqual({ level: 0, index: Number.MAX_SAFE_INTEGER - 1 });
    expect(perfectSubtrees(5, 5)).toEqual([]);
  });

  test('a range that no Merkle recursion produces is refused', () => {
    expect(() => perfectSubtrees(1, 4)).toThrow(RangeError); // [1, 3) would need a subtree at odd 1
  });
});
