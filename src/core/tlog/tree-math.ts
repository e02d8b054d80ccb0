// Integer helpers for Merkle tree shapes (RFC 9162 §2.1), written without bit operators.
//
// JavaScript's bit operators truncate to 32 bits, and tree sizes here go up to 2^53 - 1, so
// every "shift" is a division by two and every "bit test" is a remainder. All inputs are
// safe non-negative integers, for which these operations are exact.

/** A perfect (complete) subtree: 2^level leaves starting at leaf index × 2^level. */
export interface SubtreeId {
  readonly level: number;
  readonly index: number;
}

/** The largest power of two ≤ n, for n ≥ 1. */
export function largestPowerOfTwoAtMost(n: number): number {
  let p = 2 ** Math.floor(Math.log2(n));
  // Math.log2 is a floating-point function: correct the rare off-by-one near 2^53.
  if (p > n) p /= 2;
  else if (p * 2 <= n) p *= 2;
  return p;
}

/** The largest power of two strictly below n, for n ≥ 2: RFC 9162's split point k. */
export function largestPowerOfTwoBelow(n: number): number {
  return largestPowerOfTwoAtMost(n - 1);
}

/** log2 of a power of two p (exact: p comes from the functions above). */
export function log2OfPowerOfTwo(p: number): number {
  return Math.round(Math.log2(p));
}

/** Number of trailing 1 bits of n: how many subtrees appending leaf n completes. */
export function trailingOnes(n: number): number {
  let count = 0;
  while (n % 2 === 1) {
    n = (n - 1) / 2;
    count++;
  }
  return count;
}

/** Number of 1 bits of n: how many perfect subtrees a tree of size n decomposes into. */
export function popcount(n: number): number {
  let count = 0;
  while (n > 0) {
    if (n % 2 === 1) {
      count++;
      n -= 1;
    }
    n /= 2;
  }
  return count;
}

/**
 * The perfect subtrees covering leaves [lo, hi), left to right, each as large as possible.
 * RFC 9162's MTH of D[lo:hi] is the right-to-left fold of their hashes with hashNode, provided
 * the range is one that MTH recursion produces: lo must be a multiple of every piece's size,
 * which holds for [0, n) and for every sibling range in an inclusion or consistency proof.
 */
export function perfectSubtrees(lo: number, hi: number): SubtreeId[] {
  const pieces: SubtreeId[] = [];
  while (lo < hi) {
    const width = largestPowerOfTwoAtMost(hi - lo);
    if (lo % width !== 0) throw new RangeError(`range [${lo}, ${hi}) is not a Merkle subtree range`);
    pieces.push({ level: log2OfPowerOfTwo(width), index: lo / width });
    lo += width;
  }
  return pieces;
}
