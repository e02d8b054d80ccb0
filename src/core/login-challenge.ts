// The staff login challenge (DESIGN "Officer session"): a short text the officer signs with their
// OpenPGP key. Stateless like the proof of work: the server signs a token carrying the nonce and
// expiry with HMAC-SHA-256 (RFC 2104), and the text binds the origin and the purpose, so a
// signature made for one server, or for anything else than logging in, is worth nothing here.
// Single use is enforced by the store (spent challenges). The token also carries a proof-of-work
// difficulty, raised by the server while logins keep failing (server/login-throttle.ts), so that
// guessing slows down for everyone without locking anyone out or reading any address.

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes, fromBase64Url, randomBytes, toBase64Url, utf8 } from './bytes.ts';

export const LOGIN_PURPOSE = 'relais-staff-login';

export interface LoginChallenge {
  token: string;
  /** leading zero bits the signed login must come with (see pow.ts meetsDifficulty) */
  bits: number;
  /** the exact text to sign */
  text: string;
  expires: number;
}

export function loginText(origin: string, nonce: string, expires: number): string {
  return `Relais staff login\norigin: ${origin}\npurpose: ${LOGIN_PURPOSE}\nnonce: ${nonce}\nexpires: ${new Date(expires * 1000).toISOString()}\n`;
}

function mac(secret: Uint8Array, origin: string, nonce: string, expires: number, bits: number): Uint8Array {
  return hmac(sha256, secret, utf8(`login2|${origin}|${LOGIN_PURPOSE}|${nonce}|${expires}|${bits}`));
}

export function issueLoginChallenge(secret: Uint8Array, origin: string, now: number, ttlSeconds: number, bits: number): LoginChallenge {
  if (!Number.isInteger(bits) || bits < 0 || bits > 30) throw new RangeError('login: bits out of range');
  const nonce = toBase64Url(randomBytes(16));
  const expires = Math.floor(now / 1000) + ttlSeconds;
  return {
    token: `login2.${expires}.${bits}.${nonce}.${toBase64Url(mac(secret, origin, nonce, expires, bits))}`,
    bits,
    text: loginText(origin, nonce, expires),
    expires,
  };
}

export type LoginChallengeFailure = 'challenge_malformed' | 'challenge_invalid' | 'challenge_expired';

export function checkLoginChallenge(
  secret: Uint8Array,
  token: unknown,
  origin: string,
  now: number,
): { nonce: string; expires: number; bits: number; text: string } | LoginChallengeFailure {
  if (typeof token !== 'string') return 'challenge_malformed';
  const m = /^login2\.([0-9]{1,12})\.([0-9]{1,2})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return 'challenge_malformed';
  const expires = Number(m[1]);
  const bits = Number(m[2]);
  const nonce = m[3] as string;
  if (!equalBytes(fromBase64Url(m[4] as string), mac(secret, origin, nonce, expires, bits))) return 'challenge_invalid';
  if (expires * 1000 <= now) return 'challenge_expired';
  return { nonce, expires, bits, text: loginText(origin, nonce, expires) };
}
