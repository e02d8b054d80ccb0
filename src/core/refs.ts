// Random identifiers shown to people: report references (R-XXXX-XXXX-XXXX, 60 random bits in
// Crockford base32, without the letters I, L, O and U that are misread), never sequential
// (DESIGN promise 2), so a reference tells nothing about when or in what order reports came.

/** Crockford's base32 alphabet, as references and witness numbers use it. */
export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `length` random Crockford base32 characters; each byte keeps 5 bits, so there is no bias. */
export function randomBase32(length: number, random: (n: number) => Uint8Array): string {
  const bytes = random(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

export function newReportRef(random: (n: number) => Uint8Array): string {
  const s = randomBase32(12, random);
  return `R-${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}`;
}

export const REPORT_REF_PATTERN = /^R-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
