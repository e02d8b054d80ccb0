// The resident's receipt (DESIGN promise 5): 20 random digits in five groups of four (66 bits),
// easy to write on paper and to read over a phone, and never sent anywhere. Argon2id (RFC 9106)
// turns it into a lookup key, whose SHA-256 is all the server keeps to find the report, and a
// passphrase that locks the resident's reply key. Parameters are fixed and explicit, so that the
// browser, the CLI and the server's no-JavaScript path derive the same values:
//   Argon2id, m = 19 MiB (19456 KiB), t = 2, p = 1, 64-byte output, salt "relais/receipt/v1"
// (OWASP's minimum for Argon2id; ~0.3 s in Node on a server core, ~1–2 s on a mid-range phone).
// With 66 bits of input a fixed salt costs nothing: there is no table to precompute.

import { argon2id } from '@noble/hashes/argon2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64Url, toHex, utf8 } from './bytes.ts';
import { normalizeReceipt } from './receipt-format.ts';

export { formatReceipt, newReceipt, normalizeReceipt, RECEIPT_DIGITS } from './receipt-format.ts';

export const RECEIPT_KDF = { algorithm: 'argon2id', m: 19_456, t: 2, p: 1, dkLen: 64, salt: 'relais/receipt/v1' } as const;

export interface ReceiptSecrets {
  /** sent to the server, which stores only its SHA-256 */
  lookupKey: Uint8Array;
  /** locks the resident's reply key; never leaves the device (except on the no-JS path) */
  passphrase: string;
}

export function deriveReceiptSecrets(receipt: string): ReceiptSecrets {
  const digits = normalizeReceipt(receipt);
  if (!digits) throw new Error('a receipt is 20 digits');
  const { m, t, p, dkLen, salt } = RECEIPT_KDF;
  const out = argon2id(utf8(digits), utf8(salt), { m, t, p, dkLen });
  return { lookupKey: out.slice(0, 32), passphrase: toBase64Url(out.slice(32, 64)) };
}

/** What the server stores to find a report by its receipt. */
export function lookupHash(lookupKey: Uint8Array): string {
  return toHex(sha256(lookupKey));
}
