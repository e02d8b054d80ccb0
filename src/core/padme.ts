// PADMÉ padding lengths (Nikitin, Barman, Lueks, Underwood, Hubaux, Ford: "Reducing Metadata
// Leakage from Encrypted Files and Communication with PURBs", PETS 2019, §4 Algorithm 1).
// Keeps DESIGN promise 4: a sealed part's size reveals at most O(log log L) bits of its length,
// with at most 12% overhead. Relais also pads everything up to a floor, so that all short
// reports have the same size.

export const PADME_FLOOR = 512;

/** The padded length for a plaintext of `length` bytes (PADMÉ, then at least PADME_FLOOR). */
export function padmeLength(length: number): number {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('padme: length must be a non-negative integer');
  if (length <= PADME_FLOOR) return PADME_FLOOR;
  const e = floorLog2(length);
  const s = floorLog2(e) + 1;
  const lastBits = e - s;
  const mask = 2 ** lastBits;
  // Round up to a multiple of 2^lastBits, written without 32-bit bit operators.
  return Math.ceil(length / mask) * mask;
}

/** floor(log2(n)) for a positive safe integer, exactly (Math.log2 can round up near powers of 2). */
function floorLog2(n: number): number {
  let e = 0;
  while (2 ** (e + 1) <= n) e++;
  return e;
}
