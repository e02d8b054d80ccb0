// Form tokens for the no-JavaScript path (DESIGN promise 9). A browser without JavaScript cannot
// solve a proof of work, so its forms carry a token instead: HMAC-SHA-256 (RFC 2104) signed by
// the server when the page is served, usable once, no sooner than a few seconds later and no
// later than two hours. It slows scripted floods a little (a fetch and a wait per report) without
// reading anything about the sender; src/server/nojs-limiter.ts caps the total rate as well.

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes, fromBase64Url, randomBytes, toBase64Url, utf8 } from './bytes.ts';

export type FormPurpose = 'report' | 'lookup' | 'message';
export const FORM_MIN_AGE_MS = 3_000;
export const FORM_MAX_AGE_MS = 2 * 60 * 60 * 1000;

function mac(secret: Uint8Array, purpose: FormPurpose, issued: number, nonce: string): Uint8Array {
  return hmac(sha256, secret, utf8(`form1|${purpose}|${issued}|${nonce}`));
}

export function issueFormToken(secret: Uint8Array, purpose: FormPurpose, now: number): string {
  const issued = Math.floor(now / 1000);
  const nonce = toBase64Url(randomBytes(16));
  return `form1.${purpose}.${issued}.${nonce}.${toBase64Url(mac(secret, purpose, issued, nonce))}`;
}

export type FormTokenFailure = 'form_token_invalid' | 'form_token_early' | 'form_token_expired';

export function checkFormToken(
  secret: Uint8Array,
  token: unknown,
  purpose: FormPurpose,
  now: number,
): { nonce: string; issued: number } | FormTokenFailure {
  if (typeof token !== 'string') return 'form_token_invalid';
  const m = /^form1\.([a-z]+)\.([0-9]{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m || m[1] !== purpose) return 'form_token_invalid';
  const issued = Number(m[2]);
  const nonce = m[3] as string;
  if (!equalBytes(fromBase64Url(m[4] as string), mac(secret, purpose, issued, nonce))) return 'form_token_invalid';
  const age = now - issued * 1000;
  if (age < FORM_MIN_AGE_MS) return 'form_token_early';
  if (age > FORM_MAX_AGE_MS) return 'form_token_expired';
  return { nonce, issued };
}
