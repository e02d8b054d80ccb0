// A resident's follow-up token (DESIGN "Flows: Follow-up"): after proving the receipt once (the
// lookup key and a proof of work), the resident's page gets a short-lived token to read the
// conversation and add to it. It is stateless — HMAC-SHA-256 (RFC 2104) over the report reference
// and an expiry — so the server writes nothing about when a resident came back.

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes, fromBase64Url, toBase64Url, utf8 } from './bytes.ts';
import { REPORT_REF_PATTERN } from './refs.ts';

export const FOLLOWUP_TOKEN_TTL_SECONDS = 20 * 60;

function mac(secret: Uint8Array, ref: string, expires: number): Uint8Array {
  return hmac(sha256, secret, utf8(`followup1|${ref}|${expires}`));
}

export function issueFollowUpToken(secret: Uint8Array, ref: string, now: number): string {
  const expires = Math.floor(now / 1000) + FOLLOWUP_TOKEN_TTL_SECONDS;
  return `fu1.${ref}.${expires}.${toBase64Url(mac(secret, ref, expires))}`;
}

/** The report reference the token opens, or null if it is malformed, forged or expired. */
export function checkFollowUpToken(secret: Uint8Array, token: string, now: number): string | null {
  const m = /^fu1\.(R-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const ref = m[1] as string;
  const expires = Number(m[2]);
  if (!REPORT_REF_PATTERN.test(ref)) return null;
  if (!equalBytes(fromBase64Url(m[3] as string), mac(secret, ref, expires))) return null;
  return expires * 1000 > now ? ref : null;
}
