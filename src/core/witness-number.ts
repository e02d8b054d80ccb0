// Numbers for witness requests and disclosures (DESIGN promise 6, "Flows: Witness request"): a
// witness is known to investigators and custodians as W-XXXX-XXXX (40 random bits), a disclosure as
// D-XXXX-XXXX-XXXX (60 random bits), both in Crockford base32 like report references (refs.ts),
// from crypto.getRandomValues, never sequential: a number says nothing about when or in what order.

import { randomBase32 } from './refs.ts';

const GROUP = '[0-9A-HJKMNP-TV-Z]{4}';

export const WITNESS_NUMBER_PATTERN = new RegExp(`^W-${GROUP}-${GROUP}$`);
export const DISCLOSURE_ID_PATTERN = new RegExp(`^D-${GROUP}-${GROUP}-${GROUP}$`);

export function newWitnessNumber(random: (n: number) => Uint8Array): string {
  const s = randomBase32(8, random);
  return `W-${s.slice(0, 4)}-${s.slice(4, 8)}`;
}

export function newDisclosureId(random: (n: number) => Uint8Array): string {
  const s = randomBase32(12, random);
  return `D-${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}`;
}
