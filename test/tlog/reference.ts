// A plain reference for RFC 9162 §2.1, written straight from the RFC's recursive definitions
// and deliberately sharing no code with src/core/tlog (its own SHA-256 from node:crypto):
//
//   MTH({})      = SHA-256()
//   MTH({d0})    = SHA-256(0x00 || d0)
//   MTH(D[n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k = largest power of 2 < n
//   PATH(m, D[n])             §2.1.3.1
//   PROOF(m, D[n]) = SUBPROOF(m, D[n], true)   §2.1.4.1
//
// MTH is memoized per range so that checking every proof of every tree up to ~300 leaves
// stays fast; the recursion itself is the RFC's. The "shape" functions describe, from the same
// recursions, how a verifier combines the proof elements, so tests can say exactly when two
// different (index, size) claims are indistinguishable to any verifier.
import { createHash } from 'node:crypto';

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return Uint8Array.from(h.digest());
};

/** Largest power of two strictly below n (n ≥ 2), by plain doubling. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export class ReferenceTree {
  readonly #entries: readonly Uint8Array[];
  readonly #memo = new Map<string, Uint8Array>();

  constructor(entries: readonly Uint8Array[]) {
    this.#entries = entries;
  }

  leafHash(i: number): Uint8Array {
    return this.mth(i, i + 1);
  }

  /** MTH(D[lo:hi]). */
  mth(lo: number, hi: number): Uint8Array {
    const key = `${lo}:${hi}`;
    const cached = this.#memo.get(key);
    if (cached) return cached;
    let h: Uint8Array;
    const n = hi - lo;
    if (n === 0) h = sha256();
    else if (n === 1) h = sha256(Uint8Array.of(0x00), this.#entries[lo]!);
    else {
      const k = splitPoint(n);
      h = sha256(Uint8Array.of(0x01), this.mth(lo, lo + k), this.mth(lo + k, hi));
    }
    this.#memo.set(key, h);
    return h;
  }

  /** PATH(m, D[lo:hi]) with m relative to lo. */
  path(m: number, lo: number, hi: number): Uint8Array[] {
    const n = hi - lo;
    if (n === 1) return [];
    const k = splitPoint(n);
    if (m < k) return [...this.path(m, lo, lo + k), this.mth(lo + k, hi)];
    return [...this.path(m - k, lo + k, hi), this.mth(lo, lo + k)];
  }

  /** PROOF(m, D[n]). */
  proof(m: number, n: number): Uint8Array[] {
    return this.#subproof(m, 0, n, true);
  }

  #subproof(m: number, lo: number, hi: number, b: boolean): Uint8Array[] {
    const n = hi - lo;
    if (m === n) return b ? [] : [this.mth(lo, hi)];
    const k = splitPoint(n);
    if (m <= k) return [...this.#subproof(m, lo, lo + k, b), this.mth(lo + k, hi)];
    return [...this.#subproof(m - k, lo + k, hi, false), this.mth(lo, lo + k)];
  }
}

/**
 * How PATH(m, D[n]) combines: for each proof element bottom-up, 'L' if it is the left sibling,
 * 'R' if the right one. Any verifier computes the same root for two claims with equal shapes.
 */
export function inclusionShape(m: number, n: number): string {
  if (n === 1) return '';
  const k = splitPoint(n);
  return m < k ? `${inclusionShape(m, k)}R` : `${inclusionShape(m - k, n - k)}L`;
}

/**
 * How PROOF(m, D[n]) combines, as symbolic expressions of the old and new roots in terms of
 * OLD (the verifier's old root) and p0, p1, … (proof elements in order).
 */
export function consistencyShape(m: number, n: number): string {
  const { oldExpr, newExpr } = subproofShape(m, n, true, { next: 0 });
  return `${oldExpr} | ${newExpr}`;
}

function subproofShape(m: number, n: number, b: boolean, counter: { next: number }): { oldExpr: string; newExpr: string } {
  if (m === n) {
    if (b) return { oldExpr: 'OLD', newExpr: 'OLD' };
    const p = `p${counter.next++}`;
    return { oldExpr: p, newExpr: p };
  }
  const k = splitPoint(n);
  if (m <= k) {
    const inner = subproofShape(m, k, b, counter);
    const p = `p${counter.next++}`;
    return { oldExpr: inner.oldExpr, newExpr: `H(${inner.newExpr},${p})` };
  }
  const inner = subproofShape(m - k, n - k, false, counter);
  const p = `p${counter.next++}`;
  return { oldExpr: `H(${p},${inner.oldExpr})`, newExpr: `H(${p},${inner.newExpr})` };
}
