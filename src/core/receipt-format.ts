// Receipt formatting, split from receipt.ts so that a page can check what the resident typed
// without loading the key-derivation code. A receipt is 20 random digits in groups of four
// (DESIGN promise 5); see receipt.ts for how it becomes a lookup key and a passphrase.

export const RECEIPT_DIGITS = 20;

/** 20 uniformly random digits (rejection sampling on bytes below 250). */
export function newReceipt(random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))): string {
  let digits = '';
  while (digits.length < RECEIPT_DIGITS) {
    for (const b of random(32)) {
      if (b < 250 && digits.length < RECEIPT_DIGITS) digits += String(b % 10);
    }
  }
  return formatReceipt(digits);
}

export function formatReceipt(digits: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, '$1-');
}

/** Keeps the digits of what the resident typed (spaces, dashes and dots are ignored). */
export function normalizeReceipt(typed: string): string | null {
  const digits = typed.replace(/[\s.\-–—_/]/g, '');
  return /^[0-9]{20}$/.test(digits) ? digits : null;
}
